"""Shared helpers for the benchmarks: timing, percentiles, memory, corpora, tables."""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBMEDQA = ROOT.parent / "shared" / "benchmarks" / "pubmedqa" / "ori_pqal.json"
RESULTS = ROOT / "bench" / "results"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def p50_p95(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 2), "p95": round(percentile(values, 0.95), 2), "n": len(values)}


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1024 / 1024


def run_worker(task: str, **kwargs: object) -> dict:
    """Run one measurement in a fresh process (so peak memory is its own) and return its JSON."""
    args = [sys.executable, "-m", "bench.worker", task, json.dumps(kwargs)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def corpus_sentences() -> list[str]:
    from ingest.clean import clean_text
    from ingest.sentences import split_sentences

    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = clean_text(path.read_text(encoding="utf-8"))
        for s in doc.sections:
            if s.kind == "table":
                continue
            for a, b in doc.paragraphs:
                if s.start <= a and b <= s.end:
                    out += [doc.text[x:y] for x, y in split_sentences(doc.text[a:b], a) if len(doc.text[x:y].split()) >= 6]
    return out


HEADINGS = ["Background", "Methods", "Results", "Management", "Discussion", "Limitations", "Key points"]


def synthetic_corpus(folder: Path, n_docs: int, seed: int = 0) -> Path:
    """Recombined NMS text: each document has a title and sections of corpus sentences, each
    sentence made unique to its document (so no system can reuse another document's embedding)."""
    rng = random.Random(seed)
    sentences = corpus_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        parts = [f"Synthetic report {i}: neuroleptic malignant syndrome in cohort {i}", ""]
        for heading in rng.sample(HEADINGS, 3):
            parts += [heading, ""]
            chosen = rng.sample(sentences, rng.randint(3, 5))
            parts.append(" ".join(f"In cohort {i}-{j}, {s[0].lower()}{s[1:]}" for j, s in enumerate(chosen)))
            parts.append("")
        (folder / f"synthetic-{i:05d}.txt").write_text("\n".join(parts), encoding="utf-8")
    return folder


def pubmedqa_items(limit: int | None = None) -> list[dict]:
    data = json.loads(PUBMEDQA.read_text())
    items = [{"id": k, **v} for k, v in data.items()]
    return items[:limit] if limit else items


def pubmedqa_corpus(folder: Path, items: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        parts = []
        for label, text in zip(item["LABELS"], item["CONTEXTS"]):
            parts += [label.title(), "", text, ""]
        (folder / f"pmid-{item['id']}.txt").write_text("\n".join(parts), encoding="utf-8")
    return folder


def rank_metrics(ranked: list[list[str]], gold: list[str]) -> dict[str, float]:
    r1 = r5 = mrr = 0.0
    for docs, target in zip(ranked, gold):
        if docs[:1] == [target]:
            r1 += 1
        if target in docs[:5]:
            r5 += 1
        if target in docs[:10]:
            mrr += 1 / (docs.index(target) + 1)
    n = max(1, len(gold))
    return {"R@1": round(100 * r1 / n, 1), "R@5": round(100 * r5 / n, 1), "MRR@10": round(100 * mrr / n, 1)}


def table(title: str, header: list[str], rows: list[list[object]]) -> str:
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells[1:]]
    return "\n".join([f"\n### {title}\n", line, sep, *body])
