"""Over-long inputs: is the cost of chunking and ingesting linear in the input, and what does it peak at?

(a) Chunking alone (clean text -> passages, with the model's real tokenizer counting word pieces;
    no weights loaded) of one-sentence inputs of 250, 500 and 1000 KB: no full stop anywhere, mostly
    unique words. Median of 3 runs each; the ratio per doubling of the input is about 2x when linear.
(b) The whole ``nms-assistant ingest`` (a fresh process: model load, parsing, chunking, embedding,
    writing) of a 1 MB one-sentence file made of one clause repeated, and of a 1 MB one of mostly
    unique words. Wall time and peak RSS, median of 3, each run into a fresh index directory.
(c) The same for a 5 MB multi-paragraph text (just under ``IngestSettings.max_document_chars``).

``python -m bench.long_input`` (or ``make bench-long``) writes bench/results/long_input.md;
``bench.run`` runs it in the full benchmark.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import RESULTS, ROOT, corpus_sentences, table

KB = 1024
CHUNK_SIZES_KB = (250, 500, 1000)
ONE_SENTENCE_BYTES = 1024 * KB
BIG_TEXT_CHARS = 4_990_000  # 5 MB of text, under the 5,000,000-character document limit
CLAUSE = "fever and rigidity after haloperidol with raised creatine kinase and autonomic instability, "
_SYLLABLES = [
    "ba",
    "ce",
    "di",
    "fo",
    "gu",
    "ka",
    "le",
    "mi",
    "no",
    "pu",
    "ra",
    "se",
    "ti",
    "vo",
    "xu",
    "zy",
    "tor",
    "lin",
    "mus",
    "pha",
    "dro",
    "ket",
    "sal",
    "ven",
]


# --- inputs ------------------------------------------------------------------------------------


def unique_words_sentence(n_bytes: int, seed: int = 0) -> str:
    """One sentence of about ``n_bytes``: mostly pseudo-words seen once, a clause mark now and then
    (as the splitter's cut points would be in real run-on text), no full stop."""
    rng = random.Random(seed)
    words: list[str] = []
    size = 0
    while size < n_bytes:
        if rng.random() < 0.01:
            word = rng.choice(["fever,", "rigidity;", "and", "with", "after"])
        else:
            word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) + str(rng.randrange(100))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:n_bytes]


def repeated_clause_sentence(n_bytes: int) -> str:
    """One sentence of ``n_bytes``: the same clause over and over, no full stop."""
    return (CLAUSE * (n_bytes // len(CLAUSE) + 1))[:n_bytes].rstrip(" ,")


def multi_paragraph_text(n_chars: int, seed: int = 0) -> str:
    """Corpus sentences recombined into titled sections of paragraphs, each sentence made unique."""
    rng = random.Random(seed)
    sentences = corpus_sentences()
    headings = ["Background", "Methods", "Results", "Management", "Discussion", "Limitations"]
    parts = ["A long report on neuroleptic malignant syndrome", ""]
    size, n = 0, 0
    while size < n_chars:
        heading = f"{rng.choice(headings)} {n // 20}"
        paragraph = " ".join(f"In series {n}-{j}: {s}" for j, s in enumerate(rng.sample(sentences, 5)))
        block = ([heading, ""] if n % 20 == 0 else []) + [paragraph, ""]
        parts += block
        size += sum(len(b) + 1 for b in block)
        n += 1
    text = "\n".join(parts)
    return text[: text.rfind("\n\n", 0, n_chars)] + "\n"


# --- (a) chunking ------------------------------------------------------------------------------


def chunking_seconds(text: str, count_tokens: Callable[[str], int], repeats: int) -> tuple[float, int]:
    """Median seconds to chunk ``text`` (cleaning excluded) and the passages made."""
    from ingest.chunk import chunk_document
    from ingest.clean import clean_text
    from nmsa.settings import IngestSettings

    settings = IngestSettings()
    doc = clean_text(text)
    times, passages = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        chunks = chunk_document(doc, count_tokens, settings.chunk_tokens, settings.min_chunk_tokens)
        times.append(time.perf_counter() - start)
        passages = len(chunks)
    return statistics.median(times), passages


def chunking_rows(repeats: int = 3) -> list[dict[str, float]]:
    from index.embedder import Embedder
    from nmsa.settings import Settings

    embedder = Embedder(Settings().index.model)  # the real tokenizer; the weights are never loaded
    embedder.count_tokens("warm up")
    rows = []
    for kb in CHUNK_SIZES_KB:
        text = unique_words_sentence(kb * KB, seed=kb)
        seconds, passages = chunking_seconds(text, embedder.count_tokens, repeats)
        rows.append({"kb": kb, "seconds": seconds, "passages": passages, "tokens": embedder.count_tokens(text)})
    return rows


# --- (b), (c) the whole ingest -----------------------------------------------------------------


@dataclass
class IngestRun:
    seconds: float
    peak_rss_mb: float
    passages: int


def ingest_once(path: Path, index_dir: Path) -> IngestRun:
    """``nms-assistant ingest PATH --index-dir DIR`` in a fresh process: wall time and its peak RSS."""
    import json

    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(path), "--index-dir", str(index_dir), "--json"]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory, not the largest child's so far
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"ingest of {path.name} exited {proc.returncode}: {err.read().decode()[-2000:]}")
        report = json.loads(out.read().decode().strip().splitlines()[-1])
    return IngestRun(seconds, usage.ru_maxrss / 1024, int(report["passages"]))


def ingest_median(path: Path, work: Path, repeats: int) -> dict[str, float]:
    runs = [ingest_once(path, work / f"index-{path.stem}-{i}") for i in range(repeats)]
    return {
        "mb": path.stat().st_size / KB / KB,
        "seconds": statistics.median(r.seconds for r in runs),
        "peak_rss_mb": statistics.median(r.peak_rss_mb for r in runs),
        "passages": runs[0].passages,
        "runs": repeats,
    }


def ingest_rows(work: Path, repeats: int = 3, big_repeats: int = 1) -> dict[str, dict[str, float]]:
    inputs = {
        "1 MB, one sentence, one clause repeated": (
            "repeated-clause.txt",
            repeated_clause_sentence(ONE_SENTENCE_BYTES),
            repeats,
        ),
        "1 MB, one sentence, mostly unique words": (
            "unique-words.txt",
            unique_words_sentence(ONE_SENTENCE_BYTES),
            repeats,
        ),
        "5 MB, multi-paragraph text": ("multi-paragraph.txt", multi_paragraph_text(BIG_TEXT_CHARS), big_repeats),
    }
    rows = {}
    for label, (name, text, n) in inputs.items():
        path = work / name
        path.write_text(text, encoding="utf-8")
        rows[label] = ingest_median(path, work, n)
    return rows


# --- report ------------------------------------------------------------------------------------


def markdown(chunking: list[dict[str, float]], ingest: dict[str, dict[str, float]], repeats: int) -> str:
    chunk_rows = []
    for i, r in enumerate(chunking):
        per_doubling = "" if i == 0 else f"{r['seconds'] / chunking[i - 1]['seconds']:.2f}x"
        chunk_rows.append(
            [f"{r['kb']:.0f} KB", f"{r['tokens']:,.0f}", f"{r['passages']:.0f}", f"{r['seconds']:.3f}", per_doubling]
        )
    ingest_table = [
        [
            label,
            f"{r['mb']:.2f}",
            f"{r['passages']:.0f}",
            f"{r['seconds']:.1f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['runs']:.0f}",
        ]
        for label, r in ingest.items()
    ]
    return "\n".join(
        [
            f"Over-long inputs ({time.strftime('%Y-%m-%d %H:%M')}, 2 CPU cores; `python -m bench.long_input`)",
            table(
                f"(a) Chunking one-sentence inputs (no full stop, mostly unique words; the model's tokenizer; median of {repeats})",
                ["input", "word pieces", "passages", "seconds", "vs half the input"],
                chunk_rows,
            ),
            "\nLinear work doubles the time when the input doubles (about 2x per row).",
            table(
                "(b, c) The whole `nms-assistant ingest` in a fresh process (model load included; a fresh index each run)",
                ["input", "MB", "passages", "seconds (median)", "peak RSS MB (median)", "runs"],
                ingest_table,
            ),
            "\nThe repeated clause is cut into the same few pieces over and over, and each distinct text is embedded "
            "once; mostly unique words leave every piece to embed, which is where the time goes. Starting the process "
            "and loading the model take about 1.5 s of each run.",
        ]
    )


def run(repeats: int = 3, big_repeats: int = 1) -> tuple[dict[str, object], str]:
    """Every measurement; returns (figures, Markdown)."""
    chunking = chunking_rows(repeats)
    with tempfile.TemporaryDirectory(prefix="nms-long-") as tmp:
        ingest = ingest_rows(Path(tmp), repeats, big_repeats)
    return {"chunking": chunking, "ingest": ingest}, markdown(chunking, ingest, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--big-repeats", type=int, default=1, help="runs of the 5 MB ingest")
    args = parser.parse_args()
    _, text = run(args.repeats, args.big_repeats)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "long_input.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
