"""Every question set, on the index it is meant for, with per-kind and per-style figures.

    python -m bench.eval_sets [--split calibration|heldout|all] [--json] [--dump DIR]

Twenty-two indexes are built (incrementally, under .eval/): ``corpus`` (corpus/), ``literature`` (corpus/
plus round 1's documents in eval/literature/, four of them journal-style PDFs made by eval/make_pdfs.py),
``extended`` (those plus round 2's documents in eval/literature-c/), ``extended3`` (plus round 3's in
eval/literature-d/), ``extended4`` (plus round 4's in eval/literature-e/), ``extended5`` (plus round 5's
in eval/literature-f/), ``extended6`` (plus round 6's in eval/literature-g/), ``extended7`` (plus round
7's in eval/literature-h/), ``extended8`` (plus round 8's in eval/literature-i/), ``extended9`` (plus round
9's in eval/literature-j/), ``extended10`` (plus round 10's in eval/literature-k/), ``extended11`` (plus
round 11's in eval/literature-l/), ``extended12`` (plus round 12's in eval/literature-m/), ``extended13`` (plus
round 13's in eval/literature-n/), ``extended14`` (plus round 14's in eval/literature-o/), ``extended15`` (plus
round 15's in eval/literature-p/), ``extended16`` (plus round 16's in eval/literature-q/), ``extended17`` (plus
round 17's in eval/literature-r/), ``extended18`` (plus round 18's in eval/literature-s/), ``extended19`` (plus round
19's in eval/literature-t/), ``extended20`` (plus round 20's in eval/literature-u/) and ``extended21`` (plus round 21's
in eval/literature-v/). Each set has a role:
reference (dev, own), calibration (may be looked at while tuning; a round's held-out sets become
calibration once read, as rounds 1-20 have), heldout (none now: a round is reported, never read before its
one run; each round's one held-out run is kept in bench/results/eval_round*.md) or reserved (round 21:
written before any run and kept for the next held-out run; no split runs it until it is made heldout). ``--split
calibration`` scores only what may be looked at; ``--failures`` lists failures of those only.
``--dump DIR`` writes every answer's JSON (to compare two versions of the code without reading the
held-out answers).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from nmsa.settings import load_settings, project_root

ROOT = project_root()
EVAL = ROOT / "eval"
WORK = ROOT / ".eval"
RESULTS = ROOT / "bench" / "results"

SETS = [
    # (name, file, index, role). Round 1's held-out halves and round 2's sets (eval/round2/, over
    # eval/literature-c/) were read after their one run, so they are calibration now, with the follow-up
    # probes written while tuning this round.
    ("dev", "dev_questions.jsonl", "corpus", "reference"),
    ("own", "own_questions.jsonl", "corpus", "reference"),
    ("clinician.calibration", "clinician.calibration.jsonl", "corpus", "calibration"),
    ("clinician.heldout (round 1, now calibration)", "clinician.heldout.jsonl", "corpus", "calibration"),
    ("literature.calibration", "literature.calibration.jsonl", "literature", "calibration"),
    ("literature.heldout (round 1, now calibration)", "literature.heldout.jsonl", "literature", "calibration"),
    ("round2.clinician (now calibration)", "round2/clinician.jsonl", "corpus", "calibration"),
    ("round2.literature (now calibration)", "round2/literature.jsonl", "extended", "calibration"),
    ("probes.followups", "probes/followups.calibration.jsonl", "corpus", "calibration"),
    # Round 3 (eval/round3/, over eval/literature-d/): run once as held out at commit f601d45
    # (bench/results/eval_round3.md), read after, calibration since.
    ("round3.clinician (now calibration)", "round3/clinician.jsonl", "corpus", "calibration"),
    ("round3.literature (now calibration)", "round3/literature.jsonl", "extended3", "calibration"),
    # Round 4 (eval/round4/, over eval/literature-e/): run once as held out at commit 352b1af
    # (bench/results/eval_round4.md), read after, calibration since.
    ("round4.clinician (now calibration)", "round4/clinician.jsonl", "corpus", "calibration"),
    ("round4.literature (now calibration)", "round4/literature.jsonl", "extended4", "calibration"),
    # Round 5 (eval/round5/, over eval/literature-f/): written before any run by a helper that read no product
    # code; run once as held out at commit 53e49ec (bench/results/eval_round5.md), calibration since. The next
    # round brings new held-out sets.
    ("round5.clinician (now calibration)", "round5/clinician.jsonl", "corpus", "calibration"),
    ("round5.literature (now calibration)", "round5/literature.jsonl", "extended5", "calibration"),
    # Round 6 (eval/round6/, over eval/literature-g/): written before any run by a helper that read no product
    # code; run once as held out at commit 72bd30c (bench/results/eval_round6.md), calibration since. The next
    # round brings new held-out sets.
    ("round6.clinician (now calibration)", "round6/clinician.jsonl", "corpus", "calibration"),
    ("round6.literature (now calibration)", "round6/literature.jsonl", "extended6", "calibration"),
    # Round 7 (eval/round7/, over eval/literature-h/): written before any run by a helper that read no product
    # code; run once as held out at commit fd00653 (bench/results/eval_round7.md), calibration since. The next
    # round brings new held-out sets.
    ("round7.clinician (now calibration)", "round7/clinician.jsonl", "corpus", "calibration"),
    ("round7.literature (now calibration)", "round7/literature.jsonl", "extended7", "calibration"),
    # Round 8 (eval/round8/, over eval/literature-i/): written before any run by a helper that read only eval/ and
    # corpus/; run once as held out at commit 9affd0d (bench/results/eval_round8.md), calibration since.
    ("round8.clinician (now calibration)", "round8/clinician.jsonl", "corpus", "calibration"),
    ("round8.literature (now calibration)", "round8/literature.jsonl", "extended8", "calibration"),
    # Round 9 (eval/round9/, over eval/literature-j/): written the same way, before any run; run once as held out
    # at commit 4b99ad6 (bench/results/eval_round9.md), calibration since.
    ("round9.clinician (now calibration)", "round9/clinician.jsonl", "corpus", "calibration"),
    ("round9.literature (now calibration)", "round9/literature.jsonl", "extended9", "calibration"),
    # Round 10 (eval/round10/, over eval/literature-k/): written the same way, before any run; run once as held
    # out at commit c3d98ba (bench/results/eval_round10.md), calibration since.
    ("round10.clinician (now calibration)", "round10/clinician.jsonl", "corpus", "calibration"),
    ("round10.literature (now calibration)", "round10/literature.jsonl", "extended10", "calibration"),
    # Round 11 (eval/round11/, over eval/literature-l/): written the same way, before any run; run once as held
    # out at commit 424b173 (bench/results/eval_round11.md), calibration since.
    ("round11.clinician (now calibration)", "round11/clinician.jsonl", "corpus", "calibration"),
    ("round11.literature (now calibration)", "round11/literature.jsonl", "extended11", "calibration"),
    # Round 12 (eval/round12/, over eval/literature-m/): written the same way by two helpers in turn, before any
    # run; run once as held out at commit 66db975 (bench/results/eval_round12.md), calibration since.
    ("round12.clinician (now calibration)", "round12/clinician.jsonl", "corpus", "calibration"),
    ("round12.literature (now calibration)", "round12/literature.jsonl", "extended12", "calibration"),
    # Round 13 (eval/round13/, over eval/literature-n/): written the same way at the end of the stop that ran round
    # 12, before any run; run once as held out at commit 26c77b0 (bench/results/eval_round13.md), calibration since.
    ("round13.clinician (now calibration)", "round13/clinician.jsonl", "corpus", "calibration"),
    ("round13.literature (now calibration)", "round13/literature.jsonl", "extended13", "calibration"),
    # Round 14 (eval/round14/, over eval/literature-o/): written the same way at the start of the stop that ran
    # round 13, before any run; run once as held out at commit a139a40 (bench/results/eval_round14.md), calibration
    # since.
    ("round14.clinician (now calibration)", "round14/clinician.jsonl", "corpus", "calibration"),
    ("round14.literature (now calibration)", "round14/literature.jsonl", "extended14", "calibration"),
    # Round 15 (eval/round15/, over eval/literature-p/): written the same way in the stop that ran rounds 13 and
    # 14, before any run; run once as held out at commit 0490c7d in the stop after (bench/results/eval_round15.md),
    # calibration since.
    ("round15.clinician (now calibration)", "round15/clinician.jsonl", "corpus", "calibration"),
    ("round15.literature (now calibration)", "round15/literature.jsonl", "extended15", "calibration"),
    # Round 16 (eval/round16/, over eval/literature-q/): written the same way in the stop that ran round 15, before
    # any run; run once as held out later in that stop at commit 40ae7c5 (bench/results/eval_round16.md), calibration
    # since.
    ("round16.clinician (now calibration)", "round16/clinician.jsonl", "corpus", "calibration"),
    ("round16.literature (now calibration)", "round16/literature.jsonl", "extended16", "calibration"),
    # Round 17 (eval/round17/, over eval/literature-r/): written the same way in the stop that ran rounds 15 and 16,
    # before any run; run once as held out at the end of that stop's tuning at commit 60089aa
    # (bench/results/eval_round17.md), calibration since.
    ("round17.clinician (now calibration)", "round17/clinician.jsonl", "corpus", "calibration"),
    ("round17.literature (now calibration)", "round17/literature.jsonl", "extended17", "calibration"),
    # Round 18 (eval/round18/, over eval/literature-s/): written the same way at the end of the stop that ran rounds
    # 15-17, before any run; run once as held out on the final code of the next stop's tuning at commit 8ae7619
    # (bench/results/eval_round18.md), calibration since.
    ("round18.clinician (now calibration)", "round18/clinician.jsonl", "corpus", "calibration"),
    ("round18.literature (now calibration)", "round18/literature.jsonl", "extended18", "calibration"),
    # Round 19 (eval/round19/, over eval/literature-t/): written the same way early in the stop that ran round 18,
    # before any run; run once as held out on the final code of the next stop's tuning at commit 319d616
    # (bench/results/eval_round19.md), calibration since.
    ("round19.clinician (now calibration)", "round19/clinician.jsonl", "corpus", "calibration"),
    ("round19.literature (now calibration)", "round19/literature.jsonl", "extended19", "calibration"),
    # Round 20 (eval/round20/, over eval/literature-u/): written the same way early in the stop after, before any
    # run; run once as held out on the final code of the next stop's tuning at commit 6d12dcc
    # (bench/results/eval_round20.md), calibration since.
    ("round20.clinician (now calibration)", "round20/clinician.jsonl", "corpus", "calibration"),
    ("round20.literature (now calibration)", "round20/literature.jsonl", "extended20", "calibration"),
    # Round 21 (eval/round21/, over eval/literature-v/): written the same way early in the stop after round 19's run,
    # before any run; reserved for the held-out run after round 20's.
    ("round21.clinician", "round21/clinician.jsonl", "corpus", "reserved"),
    ("round21.literature", "round21/literature.jsonl", "extended21", "reserved"),
    ("dev on literature index", "dev_questions.jsonl", "literature", "reference"),
    ("own on literature index", "own_questions.jsonl", "literature", "reference"),
]
# Each round's documents, in the order a maintainer added them: an index holds corpus/ and the first n folders.
ROUND_FOLDERS = (
    "literature",
    "literature-c",
    "literature-d",
    "literature-e",
    "literature-f",
    "literature-g",
    "literature-h",
    "literature-i",
    "literature-j",
    "literature-k",
    "literature-l",
    "literature-m",
    "literature-n",
    "literature-o",
    "literature-p",
    "literature-q",
    "literature-r",
    "literature-s",
    "literature-t",
    "literature-u",
    "literature-v",
)
INDEX_NAMES = (
    "literature",
    "extended",
    "extended3",
    "extended4",
    "extended5",
    "extended6",
    "extended7",
    "extended8",
    "extended9",
    "extended10",
    "extended11",
    "extended12",
    "extended13",
    "extended14",
    "extended15",
    "extended16",
    "extended17",
    "extended18",
    "extended19",
    "extended20",
    "extended21",
)
INDEXES = {"corpus": ("corpus",)} | {name: ("corpus", *ROUND_FOLDERS[: n + 1]) for n, name in enumerate(INDEX_NAMES)}


def engines() -> dict[str, Any]:
    from assistant.engine import Engine
    from index.embedder import Embedder
    from nmsa.errors import IndexMismatch

    settings = load_settings()
    embedder = Embedder.from_settings(settings.index)
    built = {}
    for name, parts in INDEXES.items():
        paths = [settings.corpus_dir if part == "corpus" else EVAL / part for part in parts]
        engine = Engine(settings.override(index__dir=WORK / f"{name}-index"), embedder)
        try:
            report = engine.ingest(paths)
        except IndexMismatch:  # cleaning or chunking changed since the last run: rebuild
            report = engine.ingest(paths, rebuild=True)
        if report.rejected:
            raise SystemExit(f"{name} index: rejected {[(r.path, r.reason) for r in report.rejected]}")
        engine.warm_up()
        built[name] = engine
    return built


def run(split: str = "all", dump: Path | None = None) -> list[dict[str, Any]]:
    from assistant.answer import answer
    from assistant.evaluate import evaluate, load_questions

    built = engines()
    rows = []
    if split not in ("all", "calibration", "heldout"):
        raise SystemExit("--split is calibration, heldout or all")
    for name, file, index, role in SETS:
        if role == "reserved":
            continue
        if split == "calibration" and role == "heldout":
            continue
        if split == "heldout" and role == "calibration":
            continue
        items = load_questions(EVAL / file)
        engine = built[index]
        answers: dict[str, Any] = {}

        def ask(question: str, history: list[str], engine=engine, answers=answers) -> dict[str, Any]:
            data = answer(question, engine, history=history).to_json()
            answers[question + "\x00" + "\x00".join(history)] = data
            return data

        summary = evaluate(items, ask).summary()
        summary["set"], summary["index"], summary["role"] = name, index, role
        rows.append(summary)
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            with (dump / f"{name.replace(' ', '_')}.jsonl").open("w") as fh:
                for item in items:
                    data = answers[item["question"] + "\x00" + "\x00".join(item.get("history") or [])]
                    data = {k: v for k, v in data.items() if k not in ("timings_ms", "index_generation")}
                    fh.write(json.dumps({"id": item["id"], "answer": data}, sort_keys=True) + "\n")
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| set | index | passed | per kind | per style | citation hits | contested recall | false flags | median ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        kinds = ", ".join(f"{k} {v['passed']}/{v['n']}" for k, v in r["per_kind"].items())
        styles = ", ".join(f"{k} {v['passed']}/{v['n']}" for k, v in r["per_style"].items())
        lines.append(
            f"| {r['set']} | {r['index']} | {r['passed']}/{r['questions']} ({100 * r['pass_rate']:.0f}%) | {kinds} | "
            f"{styles} | {r['citation_hit_rate']} | {r['contested_recall']} | {r['false_flags']} | {r['median_latency_ms']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="all")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--failures", action="store_true", help="list failures (calibration sets only)")
    parser.add_argument(
        "--quiet", action="store_true", help="print and write no figures (with --dump: compare answers only)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    rows = run(args.split, args.dump)
    if args.quiet:
        print(f"{len(rows)} sets answered in {time.perf_counter() - started:.0f} s")
        return
    if args.json:
        print(json.dumps(rows))
        return
    print(table(rows))
    if args.failures:
        for r in rows:
            if r["role"] == "heldout":
                continue  # never shown: the held-out sets are reported, not read
            for qid, fails in r["failures"].items():
                print(f"  {r['set']}: FAIL {qid}: {'; '.join(fails)}")
    latencies = [r["median_latency_ms"] for r in rows if r["median_latency_ms"]]
    print(
        f"\n{len(rows)} sets in {time.perf_counter() - started:.0f} s; median of medians "
        f"{statistics.median(latencies) if latencies else '-'} ms"
    )
    if args.split == "all":
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "eval.md").write_text(table(rows) + "\n")
        (RESULTS / "eval.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
