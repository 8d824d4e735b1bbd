"""`nms-assistant`: ingest, search, sources, ask, eval, serve. Thin: parse, call, render.

Exit codes: 0 success; 1 an error (message on stderr, no traceback); 2 bad usage;
3 ingest finished but some files were rejected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from nmsa.errors import NMSAssistantError
from nmsa.settings import Settings, project_root

EXIT_ERROR, EXIT_USAGE, EXIT_REJECTED = 1, 2, 3


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings().with_index_dir(getattr(args, "index_dir", None))
    if getattr(args, "mode", None):
        settings.retrieval.mode = args.mode
    if getattr(args, "k", None):
        settings.retrieval.k = args.k
    return settings


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from assistant.engine import Engine

    return Engine(_settings(args))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.engine import Engine

    settings = _settings(args)
    settings.index.lock_timeout_s = args.wait
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    engine = Engine(settings)
    progress = None
    bar = None
    if sys.stderr.isatty() and not args.json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       transient=True)
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        bar.start()
    try:
        report = engine.ingest(paths, rebuild=args.rebuild, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    if args.json:
        _print_json(report.to_dict())
    else:
        print(f"Index: {settings.index.dir}  ({report.documents} documents, {report.passages} passages)")
        print(f"  added:     {len(report.added):>4}  {', '.join(report.added)}")
        print(f"  updated:   {len(report.updated):>4}  {', '.join(report.updated)}")
        print(f"  removed:   {len(report.removed):>4}  {', '.join(report.removed)}")
        print(f"  unchanged: {len(report.unchanged):>4}")
        print(f"  rejected:  {len(report.rejected):>4}")
        for r in report.rejected:
            print(f"    - {r.path}: {r.reason}")
        if report.reembedded_from:
            print(f"  the encoder changed (was {report.reembedded_from}): every document was re-embedded")
        print(f"  embedded {report.embedded_sentences} new sentences in {report.seconds:.2f} s")
    return EXIT_REJECTED if report.rejected else 0


def cmd_search(args: argparse.Namespace) -> int:
    from index.search import Filters

    engine = _engine(args)
    filters = Filters(frozenset(args.type or ()), frozenset(args.doc or ()))
    hits = engine.search(args.query, k=args.k or 5, mode=args.mode, filters=filters)
    if args.json:
        _print_json([
            {"rank": h.rank, "score": round(h.score, 5), "dense_score": round(h.dense_score, 4),
             "lexical_score": round(h.lexical_score, 4), "document": h.passage.title, "doc_id": h.passage.doc_id,
             "source": h.passage.source, "evidence_type": h.passage.evidence_type, "section": h.passage.section,
             "page": h.passage.page, "passage_id": h.passage.id, "text": h.passage.text}
            for h in hits
        ])
        return 0
    if not hits:
        print("No passages matched.")
    for h in hits:
        where = f"section: {h.passage.section}" if h.passage.section else "no section"
        page = f", p. {h.passage.page}" if h.passage.page else ""
        print(f"#{h.rank}  score {h.score:.4f}  {h.passage.doc_id} ({h.passage.evidence_type}; {where}{page})")
        print("    " + h.passage.text.replace("\n", "\n    "))
        print()
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    engine = _engine(args)
    manifest = engine.store.read_manifest()
    docs = sorted(manifest["documents"].values(), key=lambda d: d["doc_id"])
    if args.json:
        _print_json({"model": manifest["model"], "created_at": manifest["created_at"],
                     "counts": manifest["counts"], "documents": docs})
        return 0
    print(f"{manifest['counts']['documents']} documents, {manifest['counts']['passages']} passages; "
          f"model {manifest['model']}; indexed {manifest['created_at']}")
    for d in docs:
        year = f", {d['year']}" if d.get("year") else ""
        print(f"- {d['doc_id']}: {d['title']} [{d['evidence_type']}{year}] {d['n_passages']} passages — {d['source']}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answer import answer
    from assistant.render import to_text

    engine = _engine(args)
    if args.batch:
        try:
            lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise NMSAssistantError(f"{args.batch}: cannot read ({exc.strerror})") from None
        questions = [line.strip() for line in lines if line.strip()]
    elif args.question:
        questions = [args.question]
    else:
        print("nms-assistant ask: give a QUESTION or --batch FILE", file=sys.stderr)
        return EXIT_USAGE
    for question in questions:
        result = answer(question, engine, k=args.k)
        if args.json:
            _print_json(result.to_json())
        else:
            print(to_text(result))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.answer import answer
    from assistant.evaluate import evaluate, load_questions

    engine = _engine(args)
    items = load_questions(Path(args.file))
    engine.warm_up()
    report = evaluate(items, lambda q: answer(q, engine, k=args.k).to_json())
    summary = report.summary()
    if args.json:
        _print_json(summary)
        return 0
    print(f"{summary['passed']}/{summary['questions']} passed ({summary['pass_rate']:.0%})")
    print(f"{'kind':<14}{'passed':>8}{'n':>5}")
    for kind, row in summary["per_kind"].items():
        print(f"{kind:<14}{row['passed']:>8}{row['n']:>5}")
    print(f"citation hit rate   {summary['citation_hit_rate']}")
    print(f"contested recall    {summary['contested_recall']}")
    print(f"false flags         {summary['false_flags']}")
    print(f"median latency (ms) {summary['median_latency_ms']}")
    for qid, failures in summary["failures"].items():
        print(f"  FAIL {qid}: {'; '.join(failures)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    app = Path(__file__).with_name("app.py")
    env = dict(os.environ, NMS_INDEX_DIR=str(Path(settings.index.dir).resolve()))
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port or settings.ui.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.address", args.address]
    print(f"Serving on http://{args.address}:{args.port or settings.ui.port}", file=sys.stderr)
    os.chdir(project_root())
    os.execvpe(command[0], command, env)
    return 0  # pragma: no cover


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nms-assistant", description="Literature assistant for neuroleptic malignant syndrome.")
    sub = parser.add_subparsers(dest="command", required=True)

    def index_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index-dir", help="index directory (default .index, or $NMS_INDEX_DIR)")

    p = sub.add_parser("ingest", help="index files (default: corpus/), incrementally")
    p.add_argument("paths", nargs="*", help="files or folders (PDF, TXT, MD)")
    index_dir(p)
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another ingest to finish")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="ranked passages for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--type", action="append", help="only this evidence type (repeatable)")
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("sources", help="indexed documents and their metadata")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("ask", help="a cited answer")
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", help="file with one question a line")
    p.add_argument("--k", type=int, help="passages to retrieve")
    index_dir(p)
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="score a question set (JSONL)")
    p.add_argument("file")
    p.add_argument("--k", type=int)
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the Streamlit app")
    p.add_argument("--port", type=int)
    p.add_argument("--address", default="localhost")
    index_dir(p)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", None) is not None and args.k < 1:
        parser.error("--k must be at least 1")
    try:
        return int(args.func(args) or 0)
    except NMSAssistantError as exc:
        print(f"nms-assistant: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("nms-assistant: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
