"""Shared helpers for the benchmarks: timing, percentiles, memory, corpora, tables."""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
PUBMEDQA = ROOT.parent / "shared" / "benchmarks" / "pubmedqa" / "ori_pqal.json"
RESULTS = ROOT / "bench" / "results"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def p50_p95(values: list[float]) -> dict[str, float]:
    """Median and 95th percentile (linear interpolation), rounded to 0.01, and the count."""
    p50, p95 = np.percentile(values, [50, 95]) if values else (float("nan"), float("nan"))
    return {"p50": round(float(p50), 2), "p95": round(float(p95), 2), "n": len(values)}


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1024 / 1024


def run_worker(task: str, **kwargs: object) -> dict[str, Any]:
    """Run one measurement in a fresh process (so peak memory is its own) and return its JSON."""
    args = [sys.executable, "-m", "bench.worker", task, json.dumps(kwargs)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {task} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def corpus_sentences() -> list[str]:
    from ingest.clean import clean_text
    from ingest.sentences import split_sentences

    out: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = clean_text(path.read_text(encoding="utf-8"))
        for s in doc.sections:
            if s.kind == "table":
                continue
            for a, b in doc.paragraphs:
                if s.start <= a and b <= s.end:
                    out += [
                        doc.text[x:y] for x, y in split_sentences(doc.text[a:b], a) if len(doc.text[x:y].split()) >= 6
                    ]
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


def pubmedqa_items(limit: int | None = None) -> list[dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(PUBMEDQA.read_text())
    items = [{"id": k, **v} for k, v in data.items()]
    return items[:limit] if limit else items


def pubmedqa_corpus(folder: Path, items: list[dict[str, Any]]) -> Path:
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


def table(title: str, header: list[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table under a heading; cells shown as given (numbers are not reformatted)."""
    body = tabulate([[str(c) for c in row] for row in rows], headers=header, tablefmt="github", disable_numparse=True)
    return f"\n### {title}\n\n{body}"
