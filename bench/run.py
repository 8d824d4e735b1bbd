"""`make bench` (full) and `make bench-quick`: ours vs the standard recipe, measured in one run.

Prints Markdown tables and writes bench/results/latest.{json,md}. PubMedQA is read in place from
../shared/benchmarks/pubmedqa/ (never copied); when it is absent that part says so and is skipped.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import PUBMEDQA, RESULTS, ROOT, run_worker, table
from bench.peer import load_documents  # noqa: F401  (fails early if the peer extras are missing)


def questions() -> list[str]:
    out = []
    for name in ("dev_questions.jsonl", "own_questions.jsonl"):
        for line in (ROOT / "eval" / name).read_text().splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes: a few minutes")
    args = parser.parse_args()
    quick = args.quick
    n_docs = 300 if quick else 1000
    pubmed_limit = 200 if quick else None
    scales = [100_000] if quick else [100_000, 1_000_000]
    repeats = 1 if quick else 3
    out: dict = {"quick": quick, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    md: list[str] = [f"Benchmarks ({'quick' if quick else 'full'} run, {out['started']}, 2 CPU cores)"]
    tmp = Path(tempfile.mkdtemp(prefix="nms-bench-"))
    try:
        # --- ingest throughput: corpus and a synthetic corpus --------------------------------
        corpus_ours = run_worker("ingest_ours", docs=str(ROOT / "corpus"), index=str(tmp / "corpus-idx"))
        run_worker("synth", folder=str(tmp / "synth"), n_docs=n_docs)
        big_ours = run_worker("ingest_ours", docs=str(tmp / "synth"), index=str(tmp / "synth-idx"))
        big_ours_fp32 = run_worker("ingest_ours", docs=str(tmp / "synth"), index=str(tmp / "synth-idx-fp32"), precision="fp32")
        big_peer = run_worker("ingest_peer", docs=str(tmp / "synth"), store=str(tmp / "synth-peer"))
        corpus_peer = run_worker("ingest_peer", docs=str(ROOT / "corpus"), store=str(tmp / "corpus-peer"))
        out["ingest"] = {"corpus_ours": corpus_ours, "synthetic_ours": big_ours, "synthetic_ours_fp32": big_ours_fp32,
                         "synthetic_peer": big_peer, "corpus_peer": corpus_peer}
        rows = []
        for name, r, units, n in (
            ("ours, corpus (5 docs)", corpus_ours, "passages", corpus_ours["passages"]),
            ("peer, corpus (5 docs)", corpus_peer, "chunks", corpus_peer["chunks"]),
            (f"ours, synthetic ({n_docs} docs), {big_ours['precision']}", big_ours, "passages", big_ours["passages"]),
            (f"ours, synthetic ({n_docs} docs), fp32", big_ours_fp32, "passages", big_ours_fp32["passages"]),
            (f"peer, synthetic ({n_docs} docs), fp32", big_peer, "chunks", big_peer["chunks"]),
        ):
            rows.append([name, f"{n} {units}", f"{r['seconds']:.1f}", f"{n / r['seconds']:.1f}",
                         f"{r['chars'] / r['seconds'] / 1000:.1f}", f"{r['disk_mb']:.1f}", f"{r['peak_rss_mb']:.0f}"])
        md.append(table("Ingest throughput", ["run", "units", "seconds", "units/s", "k chars/s", "disk MB", "peak RSS MB"], rows))
        speed = (big_ours["chars"] / big_ours["seconds"]) / (big_peer["chars"] / big_peer["seconds"])
        speed32 = (big_ours_fp32["chars"] / big_ours_fp32["seconds"]) / (big_peer["chars"] / big_peer["seconds"])
        md.append(f"\nOurs vs peer ingest throughput on the same text: {speed:.2f}x ({big_ours['precision']}), "
                  f"{speed32:.2f}x (fp32). bf16 vs fp32 (ours): {big_ours_fp32['seconds'] / big_ours['seconds']:.2f}x.")

        # --- adding one paper ----------------------------------------------------------------
        paper = tmp / "new-paper.txt"
        paper.write_text((ROOT / "corpus" / "nejm-review-summary-hcn.txt").read_text().replace("NMS", "NMS (new cohort)"))
        add = run_worker("add_one_ours", docs=str(tmp / "synth"), index=str(tmp / "synth-idx"), paper=str(paper))
        full = run_worker("ingest_ours", docs=str(tmp / "synth"), index=str(tmp / "synth-idx"), rebuild=True)
        peer_rebuild = run_worker("rebuild_peer", docs=str(tmp / "synth"))
        out["add_one"] = {"ours_incremental": add, "ours_rebuild": full, "peer_rebuild": peer_rebuild}
        md.append(table(f"Adding one paper to the {n_docs}-document index", ["run", "seconds", "vs ours incremental"], [
            ["ours, incremental", f"{add['seconds']:.2f}", "1.00x"],
            ["ours, full rebuild", f"{full['seconds']:.2f}", ratio(full["seconds"], add["seconds"])],
            ["peer, rebuild (its only option)", f"{peer_rebuild['seconds']:.2f}", ratio(peer_rebuild["seconds"], add["seconds"])],
        ]))

        # --- query latency --------------------------------------------------------------------
        qs = questions()
        lat = run_worker("latency_ours", index=str(tmp / "corpus-idx"), questions=qs, repeats=repeats)
        lat32 = run_worker("latency_ours", index=str(tmp / "corpus-idx"), questions=qs, repeats=repeats, precision="fp32")
        lat_big = run_worker("latency_ours", index=str(tmp / "synth-idx"), questions=qs, repeats=repeats)
        peer_lat = run_worker("latency_peer", store=str(tmp / "corpus-peer"), questions=qs, repeats=repeats)
        peer_lat_big = run_worker("latency_peer", store=str(tmp / "synth-peer"), questions=qs, repeats=repeats)
        out["latency"] = {"ours_corpus": lat, "ours_corpus_fp32": lat32, "ours_synthetic": lat_big,
                          "peer_corpus": peer_lat, "peer_synthetic": peer_lat_big}
        rows = []
        for label, r in (("corpus", lat), ("corpus", lat32), (f"synthetic {n_docs} docs", lat_big)):
            for key in ("search_hybrid", "search_dense", "search_lexical", "answer"):
                rows.append([f"ours, {label}, {r['precision']}", key.replace("search_", "search "),
                             r[key]["p50"], r[key]["p95"], f"{r['peak_rss_mb']:.0f}"])
        rows.append(["peer, corpus", "similarity_search(k=4)", peer_lat["search"]["p50"], peer_lat["search"]["p95"],
                     f"{peer_lat['peak_rss_mb']:.0f}"])
        rows.append([f"peer, synthetic {n_docs} docs", "similarity_search(k=4)", peer_lat_big["search"]["p50"],
                     peer_lat_big["search"]["p95"], f"{peer_lat_big['peak_rss_mb']:.0f}"])
        md.append(table(f"Query latency (ms, {len(qs)} questions x {repeats})", ["system", "operation", "p50", "p95", "peak RSS MB"], rows))

        # --- NMS dev questions: required content in what the user is shown --------------------
        for name in ("dev_questions.jsonl", "own_questions.jsonl"):
            ours = run_worker("nms_content", system="ours", questions_file=str(ROOT / "eval" / name))
            theirs = run_worker("nms_content", system="peer", questions_file=str(ROOT / "eval" / name))
            out[f"content_{name}"] = {"ours": ours, "peer": theirs}
            md.append(table(f"Required content shown to the user ({name}, in-scope questions)",
                            ["system", "questions with the content", "median chars shown", "total chars"], [
                ["ours (selected statements)", f"{ours['covered']}/{ours['questions']}", ours["median_chars"], ours["total_chars"]],
                ["peer (top-4 chunks)", f"{theirs['covered']}/{theirs['questions']}", theirs["median_chars"], theirs["total_chars"]],
            ]))

        # --- PubMedQA retrieval ---------------------------------------------------------------
        if PUBMEDQA.is_file():
            bf = run_worker("pubmedqa_ours", limit=pubmed_limit, precision="auto")
            fp = run_worker("pubmedqa_ours", limit=pubmed_limit, precision="fp32")
            pq_peer = run_worker("pubmedqa_peer", limit=pubmed_limit)
            out["pubmedqa"] = {"ours": bf, "ours_fp32": fp, "peer": pq_peer}
            rows = []
            for variant in ("question", "conclusion"):
                for mode in ("hybrid", "dense", "lexical"):
                    for label, r in ((bf["precision"], bf), ("fp32", fp)):
                        m = r[f"{variant}/{mode}"]
                        rows.append([variant, f"ours {mode} ({label})", m["R@1"], m["R@5"], m["MRR@10"], m["latency"]["p50"]])
                for label in ("peer", "bm25"):
                    m = pq_peer[f"{variant}/{label}"]
                    name = "peer (LangChain FAISS, k by similarity)" if label == "peer" else "BM25 alone on the peer's chunks"
                    rows.append([variant, name, m["R@1"], m["R@5"], m["MRR@10"], ""])
            n = pubmed_limit or 1000
            md.append(table(f"PubMedQA retrieval ({n} abstracts; query = question or the abstract's conclusion)",
                            ["query", "system", "R@1", "R@5", "MRR@10", "p50 ms"], rows))
            md.append(f"\nPubMedQA ingest: ours {bf['ingest_seconds']:.1f} s ({bf['precision']}), {fp['ingest_seconds']:.1f} s (fp32); "
                      f"peer {pq_peer['ingest_seconds']:.1f} s.")
        else:
            md.append(f"\nPubMedQA: {PUBMEDQA} is absent; that part was skipped.")

        # --- scale --------------------------------------------------------------------------
        rows = []
        for n in scales:
            r = run_worker("scale", n=n, full_store=(n <= 100_000))
            out[f"scale_{n}"] = r
            for name in ("exact", "ivf"):
                s = r[name]
                rows.append([f"{n:,}", name + (f" (nprobe {s['nprobe']})" if s["nprobe"] else ""), s["build_s"], s["load_s"],
                             s["search_ms"]["p50"], s["search_ms"]["p95"], s["recall@10"], s["size_mb"], f"{r['peak_rss_mb']:.0f}"])
        md.append(table("Scale: synthetic passages (dense index only)",
                        ["passages", "index", "build s", "load s", "p50 ms", "p95 ms", "recall@10 vs exact", "MB", "peak RSS MB"], rows))
        store = out.get("scale_100000", {}).get("store")
        if store:
            md.append(table("Scale: a complete 100,000-passage index generation (SQLite + FAISS + BM25)",
                            ["write s", "load s", "disk MB", "hybrid p50/p95 ms", "dense p50/p95 ms", "lexical p50/p95 ms", "peak RSS MB"],
                            [[store["write_s"], store["load_s"], store["disk_mb"],
                              f"{store['search_ms']['hybrid']['p50']}/{store['search_ms']['hybrid']['p95']}",
                              f"{store['search_ms']['dense']['p50']}/{store['search_ms']['dense']['p95']}",
                              f"{store['search_ms']['lexical']['p50']}/{store['search_ms']['lexical']['p95']}",
                              f"{store['peak_rss_mb']:.0f}"]]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(md)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "quick" if quick else "full"
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1))
    (RESULTS / f"{name}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
