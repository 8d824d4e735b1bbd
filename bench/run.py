"""`make bench` (full) and `make bench-quick`: ours vs the standard recipe, measured in one run.

Prints Markdown tables and writes bench/results/{quick,full}.{json,md} (the full run also long_input.md,
from bench/long_input.py). PubMedQA is read in place from
../shared/benchmarks/pubmedqa/ (never copied); when it is absent that part says so and is skipped.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import long_input
from bench.common import PUBMEDQA, RESULTS, ROOT, run_worker, table
from bench.peer import load_documents  # noqa: F401  (fails early if the peer extras are missing)


def questions() -> list[str]:
    from assistant.evaluate import load_questions

    return [
        q["question"]
        for name in ("dev_questions.jsonl", "own_questions.jsonl")
        for q in load_questions(ROOT / "eval" / name)
    ]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median time (its other figures come with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def precision_table(nms: dict[str, Any], pq: dict[str, Any]) -> str:
    """Retrieval quality in each precision, against fp32: the rule for a faster default is a drop
    of less than half a point on both sets."""
    rows = []
    base = "fp32" if "fp32" in nms else next(iter(nms))
    for p, r in nms.items():
        row = [p]
        if pq:
            figures = [
                (f"{v}/{m}", k)
                for v in ("question", "conclusion")
                for m in ("hybrid", "dense", "lexical")
                for k in ("R@1", "R@5", "MRR@10")
            ]
            worst = min(pq[p][f][k] - pq[base][f][k] for f, k in figures)
            hq, hc = pq[p]["question/hybrid"], pq[p]["conclusion/hybrid"]
            row += [
                f"{hq['R@1']}/{hq['R@5']}/{hq['MRR@10']}",
                f"{hc['R@1']}/{hc['R@5']}/{hc['MRR@10']}",
                f"{worst:+.1f}" if p != base else "-",
            ]
        for name in ("dev_questions.jsonl", "own_questions.jsonl"):
            e = r[name]
            shared = [
                len(set(ids) & set(nms[base][name]["top8"][q])) / max(1, len(ids)) for q, ids in e["top8"].items()
            ]
            row += [f"{e['passed']}/{e['questions']}", f"{100 * sum(shared) / len(shared):.0f}%"]
        rows.append(row)
    header = ["precision"]
    if pq:
        header += [
            "PubMedQA question hybrid R@1/R@5/MRR",
            "conclusion hybrid R@1/R@5/MRR",
            f"worst change vs {base}, 18 figures (points)",
        ]
    header += ["dev passed", f"dev top-8 shared with {base}", "own passed", f"own top-8 shared with {base}"]
    return table("Retrieval quality by embedding precision", header, rows)


@dataclass
class Run:
    """One benchmark run: its sizes, scratch folder, and the figures (``out``) and Markdown (``md``) so far."""

    quick: bool
    tmp: Path
    out: dict[str, Any] = field(default_factory=dict)
    md: list[str] = field(default_factory=list)
    default: str = ""  # the precision auto picks here
    others: list[str] = field(default_factory=list)  # the other precisions this CPU runs

    @property
    def n_docs(self) -> int:
        return 300 if self.quick else 1000

    @property
    def pubmed_limit(self) -> int | None:
        return 200 if self.quick else None

    @property
    def scales(self) -> list[int]:
        return [100_000] if self.quick else [100_000, 1_000_000]

    @property
    def repeats(self) -> int:
        return 1 if self.quick else 3

    @property
    def precisions(self) -> list[str]:
        return [self.default, *self.others]


def step_precisions(run: Run) -> None:
    """The precisions this CPU can run, and the one auto picks."""
    prec = run_worker("precisions")
    run.default, run.others = prec["default"], prec["available"][1:]
    run.out["precisions"] = prec
    run.md.append(
        f"\nCPU: {', '.join(prec['cpu']) or 'neither VNNI nor BF16'}; precision chosen by auto: {run.default}; "
        f"also measured: {', '.join(run.others)}."
    )


def step_ingest(run: Run) -> None:
    """Ingest throughput: the corpus and a synthetic corpus, ours (each precision) against the peer."""
    tmp, n_docs, repeats, default, others = run.tmp, run.n_docs, run.repeats, run.default, run.others
    corpus_ours = run_worker("ingest_ours", docs=str(ROOT / "corpus"), index=str(tmp / "corpus-idx"))
    corpus_peer = run_worker("ingest_peer", docs=str(ROOT / "corpus"), store=str(tmp / "corpus-peer"))
    run_worker("synth", folder=str(tmp / "synth"), n_docs=n_docs)
    runs_ours, runs_peer = [], []
    for i in range(repeats):  # interleaved, so drift in the machine's speed hits both alike
        index = tmp / ("synth-idx" if i == 0 else f"synth-idx-{i}")
        runs_ours.append(run_worker("ingest_ours", docs=str(tmp / "synth"), index=str(index)))
        runs_peer.append(run_worker("ingest_peer", docs=str(tmp / "synth"), store=str(tmp / f"synth-peer-{i}")))
    shutil.copytree(tmp / "synth-peer-0", tmp / "synth-peer")
    big_ours, big_peer = median_run(runs_ours), median_run(runs_peer)
    big_other = {
        p: run_worker("ingest_ours", docs=str(tmp / "synth"), index=str(tmp / f"synth-idx-{p}"), precision=p)
        for p in others
    }
    run.out["ingest"] = {
        "corpus_ours": corpus_ours,
        "corpus_peer": corpus_peer,
        "synthetic_ours_runs": runs_ours,
        "synthetic_peer_runs": runs_peer,
        "synthetic_other_precisions": big_other,
    }
    n_runs = f" (median of {repeats})" if repeats > 1 else ""
    rows = [
        ["ours, corpus (5 docs)", corpus_ours, "passages", corpus_ours["passages"]],
        ["peer, corpus (5 docs)", corpus_peer, "chunks", corpus_peer["chunks"]],
        [f"ours, synthetic ({n_docs} docs), {default}{n_runs}", big_ours, "passages", big_ours["passages"]],
        *[[f"ours, synthetic ({n_docs} docs), {p}", r, "passages", r["passages"]] for p, r in big_other.items()],
        [f"peer, synthetic ({n_docs} docs), fp32{n_runs}", big_peer, "chunks", big_peer["chunks"]],
    ]
    run.md.append(
        table(
            "Ingest throughput",
            ["run", "units", "seconds", "units/s", "k chars/s", "disk MB", "peak RSS MB"],
            [
                [
                    name,
                    f"{n} {units}",
                    f"{r['seconds']:.1f}",
                    f"{n / r['seconds']:.1f}",
                    f"{r['chars'] / r['seconds'] / 1000:.1f}",
                    f"{r['disk_mb']:.1f}",
                    f"{r['peak_rss_mb']:.0f}",
                ]
                for name, r, units, n in rows
            ],
        )
    )
    by_precision = {default: big_ours, **big_other}
    speed = {
        p: (r["chars"] / r["seconds"]) / (big_peer["chars"] / big_peer["seconds"]) for p, r in by_precision.items()
    }
    ratios = [
        f"{speed[default]:.2f}x ({default}, the default" + (f"; median of {repeats} runs)" if repeats > 1 else ")")
    ]
    ratios += [f"{speed[p]:.2f}x ({p})" for p in others]
    run.md.append("\nOurs vs peer ingest throughput on the same text: " + ", ".join(ratios) + ".")
    if repeats > 1:
        each = [
            f"{(o['chars'] / o['seconds']) / (q['chars'] / q['seconds']):.2f}x" for o, q in zip(runs_ours, runs_peer)
        ]
        run.md.append(f"Each interleaved pair: {', '.join(each)}.")
    if "fp32" in by_precision:
        run.md.append(
            "Speed-up over our own fp32: "
            + ", ".join(
                f"{p} {by_precision['fp32']['seconds'] / r['seconds']:.2f}x"
                for p, r in by_precision.items()
                if p != "fp32"
            )
            + "."
        )


def step_add_one(run: Run) -> None:
    """Adding one paper to the synthetic index: ours incrementally, ours rebuilt, the peer rebuilt."""
    tmp = run.tmp
    paper = tmp / "new-paper.txt"
    paper.write_text((ROOT / "corpus" / "nejm-review-summary-hcn.txt").read_text().replace("NMS", "NMS (new cohort)"))
    add = run_worker("add_one_ours", docs=str(tmp / "synth"), index=str(tmp / "synth-idx"), paper=str(paper))
    full = run_worker("ingest_ours", docs=str(tmp / "synth"), index=str(tmp / "synth-idx"), rebuild=True)
    peer_rebuild = run_worker("rebuild_peer", docs=str(tmp / "synth"))
    run.out["add_one"] = {"ours_incremental": add, "ours_rebuild": full, "peer_rebuild": peer_rebuild}
    run.md.append(
        table(
            f"Adding one paper to the {run.n_docs}-document index",
            ["run", "seconds", "vs ours incremental"],
            [
                ["ours, incremental", f"{add['seconds']:.2f}", "1.00x"],
                ["ours, full rebuild", f"{full['seconds']:.2f}", ratio(full["seconds"], add["seconds"])],
                [
                    "peer, rebuild (its only option)",
                    f"{peer_rebuild['seconds']:.2f}",
                    ratio(peer_rebuild["seconds"], add["seconds"]),
                ],
            ],
        )
    )


def step_latency(run: Run) -> None:
    """Query latency: search in each mode and whole answers, ours in each precision, against the peer."""
    tmp, repeats = run.tmp, run.repeats
    qs = questions()
    lat = {
        p: run_worker("latency_ours", index=str(tmp / "corpus-idx"), questions=qs, repeats=repeats, precision=p)
        for p in run.precisions
    }
    lat_big = run_worker("latency_ours", index=str(tmp / "synth-idx"), questions=qs, repeats=repeats)
    peer_lat = run_worker("latency_peer", store=str(tmp / "corpus-peer"), questions=qs, repeats=repeats)
    peer_lat_big = run_worker("latency_peer", store=str(tmp / "synth-peer"), questions=qs, repeats=repeats)
    run.out["latency"] = {
        "ours_corpus": lat,
        "ours_synthetic": lat_big,
        "peer_corpus": peer_lat,
        "peer_synthetic": peer_lat_big,
    }
    rows = []
    for label, r in [*(("corpus", r) for r in lat.values()), (f"synthetic {run.n_docs} docs", lat_big)]:
        for key in ("search_hybrid", "search_dense", "search_lexical", "answer"):
            rows.append(
                [
                    f"ours, {label}, {r['precision']}",
                    key.replace("search_", "search "),
                    r[key]["p50"],
                    r[key]["p95"],
                    f"{r['peak_rss_mb']:.0f}",
                ]
            )
    rows.append(
        [
            "peer, corpus",
            "similarity_search(k=4)",
            peer_lat["search"]["p50"],
            peer_lat["search"]["p95"],
            f"{peer_lat['peak_rss_mb']:.0f}",
        ]
    )
    rows.append(
        [
            f"peer, synthetic {run.n_docs} docs",
            "similarity_search(k=4)",
            peer_lat_big["search"]["p50"],
            peer_lat_big["search"]["p95"],
            f"{peer_lat_big['peak_rss_mb']:.0f}",
        ]
    )
    run.md.append(
        table(
            f"Query latency (ms, {len(qs)} questions x {repeats}; the corpus index was embedded in {run.default})",
            ["system", "operation", "p50", "p95", "peak RSS MB"],
            rows,
        )
    )


def step_content(run: Run) -> None:
    """NMS questions: is the required content among what the user is shown?"""
    for name in ("dev_questions.jsonl", "own_questions.jsonl"):
        ours = run_worker("nms_content", system="ours", questions_file=str(ROOT / "eval" / name))
        theirs = run_worker("nms_content", system="peer", questions_file=str(ROOT / "eval" / name))
        run.out[f"content_{name}"] = {"ours": ours, "peer": theirs}
        run.md.append(
            table(
                f"Required content shown to the user ({name}, in-scope questions)",
                ["system", "questions with the content", "median chars shown", "total chars"],
                [
                    [
                        "ours (selected statements)",
                        f"{ours['covered']}/{ours['questions']}",
                        ours["median_chars"],
                        ours["total_chars"],
                    ],
                    [
                        "peer (top-4 chunks)",
                        f"{theirs['covered']}/{theirs['questions']}",
                        theirs["median_chars"],
                        theirs["total_chars"],
                    ],
                ],
            )
        )


def step_pubmedqa(run: Run) -> dict[str, Any]:
    """PubMedQA retrieval in each precision, against the peer; {} when the data set is absent."""
    if not PUBMEDQA.is_file():
        run.md.append(f"\nPubMedQA: {PUBMEDQA} is absent; that part was skipped.")
        return {}
    pq = {p: run_worker("pubmedqa_ours", limit=run.pubmed_limit, precision=p) for p in run.precisions}
    pq_peer = run_worker("pubmedqa_peer", limit=run.pubmed_limit)
    run.out["pubmedqa"] = {"ours": pq, "peer": pq_peer}
    rows = []
    for variant in ("question", "conclusion"):
        for mode in ("hybrid", "dense", "lexical"):
            for label, r in pq.items():
                m = r[f"{variant}/{mode}"]
                rows.append([variant, f"ours {mode} ({label})", m["R@1"], m["R@5"], m["MRR@10"], m["latency"]["p50"]])
        for label in ("peer", "bm25"):
            m = pq_peer[f"{variant}/{label}"]
            name = "peer (LangChain FAISS, k by similarity)" if label == "peer" else "BM25 alone on the peer's chunks"
            rows.append([variant, name, m["R@1"], m["R@5"], m["MRR@10"], ""])
    n = run.pubmed_limit or 1000
    run.md.append(
        table(
            f"PubMedQA retrieval ({n} abstracts; query = question or the abstract's conclusion)",
            ["query", "system", "R@1", "R@5", "MRR@10", "p50 ms"],
            rows,
        )
    )
    run.md.append(
        "\nPubMedQA ingest: "
        + ", ".join(f"ours {r['ingest_seconds']:.1f} s ({p})" for p, r in pq.items())
        + f"; peer {pq_peer['ingest_seconds']:.1f} s."
    )
    return pq


def step_quality_by_precision(run: Run) -> None:
    """The NMS question sets and PubMedQA in each precision, against fp32."""
    nms = {p: run_worker("nms_eval", precision=p) for p in run.precisions}
    run.out["nms_eval"] = nms
    pq = step_pubmedqa(run)
    run.md.append(precision_table(nms, pq))


def step_scale(run: Run) -> None:
    """Dense search on synthetic passages (100,000 and 1,000,000), and a complete 100,000-passage generation."""
    rows = []
    for n in run.scales:
        r = run_worker("scale", n=n, full_store=(n <= 100_000))
        run.out[f"scale_{n}"] = r
        for name in ("exact", "ivf"):
            s = r[name]
            rows.append(
                [
                    f"{n:,}",
                    name + (f" (nprobe {s['nprobe']})" if s["nprobe"] else ""),
                    s["build_s"],
                    s["load_s"],
                    s["search_ms"]["p50"],
                    s["search_ms"]["p95"],
                    s["recall@10"],
                    s["size_mb"],
                    f"{r['peak_rss_mb']:.0f}",
                ]
            )
    run.md.append(
        table(
            "Scale: synthetic passages (dense index only)",
            ["passages", "index", "build s", "load s", "p50 ms", "p95 ms", "recall@10 vs exact", "MB", "peak RSS MB"],
            rows,
        )
    )
    store = run.out.get("scale_100000", {}).get("store")
    if store:
        run.md.append(
            table(
                "Scale: a complete 100,000-passage index generation (SQLite + FAISS + BM25)",
                [
                    "write s",
                    "load s",
                    "disk MB",
                    "hybrid p50/p95 ms",
                    "dense p50/p95 ms",
                    "lexical p50/p95 ms",
                    "peak RSS MB",
                ],
                [
                    [
                        store["write_s"],
                        store["load_s"],
                        store["disk_mb"],
                        f"{store['search_ms']['hybrid']['p50']}/{store['search_ms']['hybrid']['p95']}",
                        f"{store['search_ms']['dense']['p50']}/{store['search_ms']['dense']['p95']}",
                        f"{store['search_ms']['lexical']['p50']}/{store['search_ms']['lexical']['p95']}",
                        f"{store['peak_rss_mb']:.0f}",
                    ]
                ],
            )
        )


def step_long_input(run: Run) -> None:
    """Over-long inputs (full run only): chunking and ingest cost against input size (bench/long_input.py)."""
    figures, text = long_input.run(repeats=run.repeats)
    run.out["long_input"] = figures
    run.md.append("\n" + text)
    (RESULTS / "long_input.md").write_text(text + "\n")


STEPS = [step_precisions, step_ingest, step_add_one, step_latency, step_content, step_quality_by_precision, step_scale]


def write_results(run: Run) -> str:
    text = "\n".join(run.md)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "quick" if run.quick else "full"
    (RESULTS / f"{name}.json").write_text(json.dumps(run.out, indent=1))
    (RESULTS / f"{name}.md").write_text(text + "\n")
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes: a few minutes")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    run = Run(
        quick=args.quick, tmp=Path(tempfile.mkdtemp(prefix="nms-bench-")), out={"quick": args.quick, "started": started}
    )
    run.md.append(f"Benchmarks ({'quick' if run.quick else 'full'} run, {started}, 2 CPU cores)")
    try:
        for step in STEPS + ([] if run.quick else [step_long_input]):
            step(run)
    finally:
        shutil.rmtree(run.tmp, ignore_errors=True)
    print(write_results(run))


if __name__ == "__main__":
    main()
