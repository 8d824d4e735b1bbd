"""One benchmark measurement per process; prints one JSON object (its last stdout line)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.evaluate import content_present
from bench.common import (
    dir_size_mb,
    p50_p95,
    peak_rss_mb,
    pubmedqa_corpus,
    pubmedqa_items,
    rank_metrics,
    synthetic_corpus,
)

if TYPE_CHECKING:
    from assistant.engine import Engine


def _engine(index: str, precision: str = "auto") -> Engine:
    from assistant.engine import Engine
    from nmsa.settings import Settings

    settings = Settings().override(index__dir=Path(index), index__precision=precision)
    engine = Engine(settings)
    engine.embedder.embed(["warm up"])  # model load is not ingest time
    return engine


def ingest_ours(docs: str, index: str, precision: str = "auto", rebuild: bool = False) -> dict:
    engine = _engine(index, precision)
    chars = sum(len(p.read_text()) for p in Path(docs).glob("*.txt"))
    start = time.perf_counter()
    report = engine.ingest([Path(docs)], rebuild=rebuild)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "passages": report.passages,
        "documents": report.documents,
        "chars": chars,
        "embedded": report.embedded_sentences,
        "precision": engine.embedder.precision,
        "disk_mb": dir_size_mb(Path(index)),
        "peak_rss_mb": peak_rss_mb(),
    }


def add_one_ours(docs: str, index: str, paper: str) -> dict:
    engine = _engine(index)
    shutil.copy(paper, Path(docs) / Path(paper).name)
    start = time.perf_counter()
    report = engine.ingest([Path(docs)])
    return {"seconds": time.perf_counter() - start, "added": report.added, "embedded": report.embedded_sentences}


def ingest_peer(docs: str, store: str) -> dict:
    from bench import peer

    emb = peer.embeddings()
    chars = sum(len(p.read_text()) for p in Path(docs).glob("*.txt"))
    start = time.perf_counter()
    db, chunks = peer.build(Path(docs), emb)
    seconds = time.perf_counter() - start
    db.save_local(store)
    return {
        "seconds": seconds,
        "chunks": len(chunks),
        "chars": chars,
        "disk_mb": dir_size_mb(Path(store)),
        "peak_rss_mb": peak_rss_mb(),
    }


def latency_ours(index: str, questions: list[str], repeats: int = 3, precision: str = "auto") -> dict:
    from assistant.answer import answer

    engine = _engine(index, precision)
    engine.snapshot()
    out: dict = {}
    for q in questions:  # warm-up pass (OpenVINO prepares each new input shape once)
        engine.search(q, k=8)
    for mode in ("hybrid", "dense", "lexical"):
        times = []
        for _ in range(repeats):
            for q in questions:
                start = time.perf_counter()
                engine.search(q, k=8, mode=mode)
                times.append((time.perf_counter() - start) * 1000)
        out[f"search_{mode}"] = p50_p95(times)
    times = []
    for q in questions:  # warm-up pass
        answer(q, engine)
    for _ in range(repeats):
        for q in questions:
            start = time.perf_counter()
            answer(q, engine)
            times.append((time.perf_counter() - start) * 1000)
    out["answer"] = p50_p95(times)
    out["precision"] = engine.embedder.precision
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def latency_peer(store: str, questions: list[str], repeats: int = 3) -> dict:
    from langchain_community.vectorstores import FAISS

    from bench import peer

    emb = peer.embeddings()
    # the tutorial recipe reloads its own pickle; only ever do this with a file you wrote yourself
    db = FAISS.load_local(store, emb, allow_dangerous_deserialization=True)
    for q in questions:  # warm-up pass, as for ours
        db.similarity_search(q, k=4)
    times = []
    for _ in range(repeats):
        for q in questions:
            start = time.perf_counter()
            db.similarity_search(q, k=4)
            times.append((time.perf_counter() - start) * 1000)
    return {"search": p50_p95(times), "peak_rss_mb": peak_rss_mb()}


def rebuild_peer(docs: str) -> dict:
    from bench import peer

    emb = peer.embeddings()
    start = time.perf_counter()
    peer.build(Path(docs), emb)
    return {"seconds": time.perf_counter() - start}


def pubmedqa_ours(limit: int | None, precision: str) -> dict:
    items = pubmedqa_items(limit)
    with tempfile.TemporaryDirectory() as tmp:
        docs = pubmedqa_corpus(Path(tmp) / "docs", items)
        engine = _engine(str(Path(tmp) / "index"), precision)
        start = time.perf_counter()
        report = engine.ingest([docs])
        ingest_s = time.perf_counter() - start
        out: dict = {"precision": engine.embedder.precision, "ingest_seconds": ingest_s, "passages": report.passages}
        gold = [f"pmid-{i['id']}.txt" for i in items]
        for variant, field in (("question", "QUESTION"), ("conclusion", "LONG_ANSWER")):
            for mode in ("hybrid", "dense", "lexical"):
                ranked, times = [], []
                for item in items:
                    start = time.perf_counter()
                    hits = engine.search(item[field], k=40, mode=mode)
                    times.append((time.perf_counter() - start) * 1000)
                    ranked.append(list(dict.fromkeys(h.passage.doc_id for h in hits)))
                out[f"{variant}/{mode}"] = {**rank_metrics(ranked, gold), "latency": p50_p95(times)}
        return out


def pubmedqa_peer(limit: int | None) -> dict:
    from bench import peer

    items = pubmedqa_items(limit)
    emb = peer.embeddings()
    with tempfile.TemporaryDirectory() as tmp:
        docs = pubmedqa_corpus(Path(tmp) / "docs", items)
        start = time.perf_counter()
        db, chunks = peer.build(docs, emb)
        out: dict = {"ingest_seconds": time.perf_counter() - start, "chunks": len(chunks)}
        gold = [f"pmid-{i['id']}.txt" for i in items]
        for variant, field in (("question", "QUESTION"), ("conclusion", "LONG_ANSWER")):
            ranked = []
            for item in items:
                found = db.similarity_search(item[field], k=40)
                ranked.append(list(dict.fromkeys(d.metadata["source"] for d in found)))
            out[f"{variant}/peer"] = rank_metrics(ranked, gold)
        # the same recipe with BM25 alone (LangChain's BM25Retriever wraps rank_bm25; we use bm25s)
        from index.lexical import LexicalIndex

        texts = [c.page_content for c in chunks]
        bm25 = LexicalIndex.build(texts)
        for variant, field in (("question", "QUESTION"), ("conclusion", "LONG_ANSWER")):
            ranked = []
            for item in items:
                rows = bm25.search(item[field], 40)
                ranked.append(list(dict.fromkeys(chunks[r].metadata["source"] for r, _ in rows)))
            out[f"{variant}/bm25"] = rank_metrics(ranked, gold)
        return out


def nms_content(system: str, questions_file: str) -> dict:
    items = [json.loads(line) for line in Path(questions_file).read_text().splitlines() if line.strip()]
    items = [
        i
        for i in items
        if i.get("kind") != "out_of_scope"
        and any(k in i for k in ("mention", "guideline_mention", "research_mention", "mention_at_least"))
    ]
    from bench.common import ROOT

    covered, chars = 0, []
    if system == "ours":
        from assistant.answer import answer

        tmp = tempfile.mkdtemp()
        engine = _engine(tmp)
        engine.ingest([ROOT / "corpus"])
        for item in items:
            a = answer(item["question"], engine)
            texts = list(
                dict.fromkeys(
                    [s.text for s in a.guideline_statements + a.research_findings]
                    + [p.text for c in a.contested for p in c.positions]
                )
            )
            shown = "\n".join(texts)
            covered += content_present(item, shown)
            chars.append(len(shown))
    else:
        from bench import peer

        emb = peer.embeddings()
        db, _ = peer.build(ROOT / "corpus", emb)
        for item in items:
            shown = "\n".join(d.page_content for d in db.similarity_search(item["question"], k=4))
            covered += content_present(item, shown)
            chars.append(len(shown))
    return {
        "questions": len(items),
        "covered": covered,
        "median_chars": float(np.median(chars)),
        "total_chars": int(sum(chars)),
    }


def scale(n: int, queries: int = 200, full_store: bool = False) -> dict:
    """Synthetic index of n passages: clustered unit vectors around real sentence embeddings."""
    import faiss

    from index.store import build_dense_index

    rng = np.random.default_rng(0)
    engine = _engine(tempfile.mkdtemp())
    engine.ingest([Path(__file__).resolve().parent.parent / "corpus"])
    centres = engine.snapshot().sentence_vectors
    vectors = centres[rng.integers(0, len(centres), n)] + rng.normal(scale=0.035, size=(n, centres.shape[1])).astype(
        np.float32
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    qidx = rng.choice(n, queries, replace=False)
    q = vectors[qidx] + rng.normal(scale=0.02, size=(queries, vectors.shape[1])).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    out: dict = {"n": n}
    truth = None
    for name, threshold in (("exact", n + 1), ("ivf", 0)):
        start = time.perf_counter()
        index = build_dense_index(vectors, threshold)
        build_s = time.perf_counter() - start
        path = Path(tempfile.mkdtemp()) / "dense.faiss"
        faiss.write_index(index, str(path))
        start = time.perf_counter()
        index = faiss.read_index(str(path))
        load_s = time.perf_counter() - start
        times, found = [], []
        for row in q:
            t = time.perf_counter()
            _, ids = index.search(row.reshape(1, -1), 10)
            times.append((time.perf_counter() - t) * 1000)
            found.append(ids[0])
        if truth is None:
            truth = found
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))
        out[name] = {
            "build_s": round(build_s, 2),
            "load_s": round(load_s, 3),
            "search_ms": p50_p95(times),
            "recall@10": round(recall, 4),
            "size_mb": round(path.stat().st_size / 2**20, 1),
            "nprobe": getattr(index, "nprobe", None),
        }
        path.unlink()
    out["peak_rss_mb"] = peak_rss_mb()
    if full_store:
        out["store"] = _full_store(n, vectors, engine)
    return out


def _full_store(n: int, vectors: np.ndarray, engine: Engine) -> dict:
    """Write and load a complete index generation (SQLite, FAISS, BM25) of n recombined passages."""
    from dataclasses import replace

    from index.store import IndexStore
    from ingest.records import DocumentInfo

    snap = engine.snapshot()
    base = snap.passages
    passages, docs = [], []
    for i in range(n):
        p = base[i % len(base)]
        passages.append(
            replace(
                p,
                id=f"s{i}",
                doc_id=f"doc-{i // 20}",
                text=f"[{i}] {p.text}",
                sentences=tuple((a + len(f"[{i}] "), b + len(f"[{i}] ")) for a, b in p.sentences),
            )
        )
    for d in range(n // 20 + 1):
        docs.append(
            DocumentInfo(
                f"doc-{d}", f"Synthetic {d}", f"synthetic/{d}.txt", "research", "default", None, None, f"h{d}", 0
            )
        )
    sentence_vectors = np.repeat(vectors, [len(p.sentences) for p in passages], axis=0)
    store = IndexStore(tempfile.mkdtemp())
    record = {"model": "synthetic", "dimension": vectors.shape[1], "chunking": {}, "passage_vectors": "sentence_mean"}
    start = time.perf_counter()
    with store.writer():
        store.write(docs, passages, vectors, sentence_vectors, record, approximate_above=200_000, keep_generations=2)
    write_s = time.perf_counter() - start
    start = time.perf_counter()
    loaded = store.load()
    load_s = time.perf_counter() - start
    from index.search import Searcher

    searcher = Searcher(loaded, engine.embedder, engine.vocabulary, engine.settings.retrieval.rrf_k)
    times: dict[str, list[float]] = {m: [] for m in ("hybrid", "dense", "lexical")}
    for question in [
        "Is dantrolene effective?",
        "serum iron in NMS",
        "incidence of NMS",
        "first step in management",
    ] * 10:
        for mode in times:
            t = time.perf_counter()
            searcher.search(question, k=8, mode=mode, candidates=engine.settings.retrieval.candidates)
            times[mode].append((time.perf_counter() - t) * 1000)
    return {
        "write_s": round(write_s, 1),
        "load_s": round(load_s, 2),
        "disk_mb": round(dir_size_mb(store.directory), 1),
        "search_ms": {m: p50_p95(v) for m, v in times.items()},
        "peak_rss_mb": peak_rss_mb(),
    }


def precisions() -> dict:
    """The precision auto picks on this CPU, and every precision this machine can run."""
    from index.embedder import choose_precision, cpu_supports_bf16
    from index.int8 import cpu_supports_int8, int8_available
    from nmsa.settings import Settings

    model = Settings().index.model
    available = (["int8"] if int8_available(model) else []) + (["bf16"] if cpu_supports_bf16() else []) + ["fp32"]
    default = choose_precision("auto", model)
    flags = [name for name, has in (("VNNI", cpu_supports_int8()), ("BF16", cpu_supports_bf16())) if has]
    return {"default": default, "available": [default] + [p for p in available if p != default], "cpu": flags}


def nms_eval(precision: str) -> dict:
    """Both NMS question sets scored in one precision, with each question's top-8 passages."""
    from assistant.answer import answer
    from assistant.evaluate import evaluate, load_questions
    from bench.common import ROOT

    with tempfile.TemporaryDirectory() as tmp:
        engine = _engine(tmp, precision)
        engine.ingest([ROOT / "corpus"])
        out: dict = {"precision": engine.embedder.precision}
        for name in ("dev_questions.jsonl", "own_questions.jsonl"):
            items = load_questions(ROOT / "eval" / name)
            summary = evaluate(items, lambda q, h: answer(q, engine, history=h).to_json()).summary()
            top = {i["id"]: [h.passage.id for h in engine.search(i["question"], k=8)] for i in items}
            out[name] = {
                k: summary[k] for k in ("questions", "passed", "citation_hit_rate", "contested_recall", "false_flags")
            } | {"top8": top, "failures": sorted(summary["failures"])}
        return out


def synth(folder: str, n_docs: int) -> dict:
    synthetic_corpus(Path(folder), n_docs)
    return {"docs": n_docs}


TASKS = {
    f.__name__: f
    for f in (
        ingest_ours,
        add_one_ours,
        ingest_peer,
        latency_ours,
        latency_peer,
        rebuild_peer,
        pubmedqa_ours,
        pubmedqa_peer,
        nms_content,
        scale,
        synth,
        precisions,
        nms_eval,
    )
}

if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = TASKS[sys.argv[1]](**json.loads(sys.argv[2]))
    print(json.dumps(result))
