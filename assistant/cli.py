"""`nms-assistant`: ingest, remove, rollback, history, search, sources, show, ask, eval, serve.

Thin: parse, call, render. Exit codes: 0 success; 1 an error (one sentence on stderr, never a
traceback); 2 bad usage; 3 the command finished but some inputs were rejected (each named).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.normalize import safe_terminal_text
from nmsa.errors import NMSAssistantError
from nmsa.settings import Settings, load_settings, project_root

if TYPE_CHECKING:
    from assistant.engine import Engine
    from assistant.records import Answer
    from index.builder import IngestReport

EXIT_ERROR, EXIT_USAGE, EXIT_REJECTED, EXIT_BROKEN_PIPE = 1, 2, 3, 141
SYNTHESIS_ENV = "NMS_SYNTHESIS__BASE_URL and NMS_SYNTHESIS__MODEL"


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the flags the user actually gave (None: not given)."""
    return load_settings(
        index__dir=getattr(args, "index_dir", None),
        retrieval__mode=getattr(args, "mode", None),
        retrieval__k=getattr(args, "k", None),
        index__lock_timeout_s=getattr(args, "wait", None),
    )


def _engine(args: argparse.Namespace) -> Engine:
    from assistant.engine import Engine

    return Engine(_settings(args))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _say(text: str = "") -> None:
    """Print text that may come from documents: escape sequences and control characters removed."""
    sys.stdout.write(safe_terminal_text(text) + "\n")


def _print_report(report: IngestReport, settings: Settings, verb: str = "Index") -> None:
    _say(f"{verb}: {settings.index.dir}  ({report.documents} documents, {report.passages} passages)")
    _say(f"  added:     {len(report.added):>4}  {', '.join(report.added)}")
    _say(f"  updated:   {len(report.updated):>4}  {', '.join(report.updated)}")
    _say(f"  removed:   {len(report.removed):>4}  {', '.join(report.removed_ids)}")
    for r in report.removed:
        _say(f"    - {r.doc_id}: {r.reason} ({r.source})")
    _say(f"  unchanged: {len(report.unchanged):>4}")
    if report.kept_stale:
        _say(f"  kept as indexed (file unreadable now): {', '.join(report.kept_stale)}")
    _say(f"  rejected:  {len(report.rejected):>4}")
    for rej in report.rejected:
        _say(f"    - {rej.path}: {rej.reason}")
    if report.instructions:
        _say(f"  instruction-like text (indexed, never quoted in answers): {len(report.instructions)}")
        for f in report.instructions:
            where = f"{f.path}:{f.line}" if f.line else f"{f.path}, p. {f.page}"
            _say(f"    - {where}: {f.text}")
    if report.reembedded_from:
        _say(f"  the encoder changed (was {report.reembedded_from}): every document was re-embedded")
    if report.changed and report.previous_generation:
        _say(
            f"  generation {report.generation} (was {report.previous_generation}; `nms-assistant rollback` undoes this)"
        )


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.engine import Engine

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    engine = Engine(settings)
    progress = None
    bar = None
    if sys.stderr.isatty() and not args.json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(
            TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
        )
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
        _print_report(report, settings)
        _say(f"  embedded {report.embedded_sentences} new sentences in {report.seconds:.2f} s")
    return EXIT_REJECTED if report.rejected else 0


def cmd_remove(args: argparse.Namespace) -> int:
    engine = _engine(args)
    report = engine.remove(args.documents)
    if args.json:
        _print_json(report.to_dict())
    else:
        _print_report(report, engine.settings)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    engine = _engine(args)
    report = engine.rollback(args.to)
    if args.json:
        _print_json(report.to_dict())
        return 0
    _say(
        f"Rolled back {engine.settings.index.dir} from {report.previous_generation or '(no current generation)'} "
        f"to {report.generation} ({report.documents} documents, {report.passages} passages)"
    )
    _say(f"  documents back:         {', '.join(report.added) or '-'}")
    _say(f"  documents no longer in: {', '.join(report.removed_ids) or '-'}")
    _say(f"  other versions:         {', '.join(report.updated) or '-'}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from index.history import read_history

    settings = _settings(args)
    entries, problems = read_history(Path(settings.index.dir))
    if args.json:
        _print_json({"entries": [e.model_dump() for e in entries], "problems": problems})
    else:
        if not entries:
            _say(f"No changes recorded in {settings.index.dir}.")
        for e in entries:
            what = [
                f"+{len(e.added)}" if e.added else "",
                f"~{len(e.updated)}" if e.updated else "",
                f"-{len(e.removed)}" if e.removed else "",
            ]
            _say(
                f"{e.time}  {e.action:<8} {e.actor:<24} {e.previous or '-'} -> {e.generation or '-'}  "
                f"{' '.join(w for w in what if w)}"
            )
            for f in e.files:
                _say(f"    {f['sha256'][:16]}  {f['path']}")
            for r in e.removed:
                _say(f"    removed {r['doc_id']}: {r['reason']}")
        for problem in problems:
            print(f"nms-assistant: history: {problem}", file=sys.stderr)
    return EXIT_ERROR if problems else 0


def cmd_search(args: argparse.Namespace) -> int:
    from index.search import Filters

    engine = _engine(args)
    filters = Filters(frozenset(args.type or ()), frozenset(args.doc or ()))
    hits = engine.search(args.query, filters=filters)
    if args.json:
        _print_json(
            [
                {
                    "rank": h.rank,
                    "score": round(h.score, 5),
                    "dense_score": round(h.dense_score, 4),
                    "lexical_score": round(h.lexical_score, 4),
                    "document": h.passage.title,
                    "doc_id": h.passage.doc_id,
                    "source": h.passage.source,
                    "evidence_type": h.passage.evidence_type,
                    "section": h.passage.section,
                    "page": h.passage.page,
                    "passage_id": h.passage.id,
                    "text": h.passage.text,
                }
                for h in hits
            ]
        )
        return 0
    if not hits:
        _say("No passages matched.")
    for h in hits:
        where = f"section: {h.passage.section}" if h.passage.section else "no section"
        page = f", p. {h.passage.page}" if h.passage.page else ""
        _say(f"#{h.rank}  score {h.score:.4f}  {h.passage.doc_id} ({h.passage.evidence_type}; {where}{page})")
        _say("    " + h.passage.text.replace("\n", "\n    "))
        _say()
    return 0


def _synthesis_config(settings: Settings) -> dict[str, Any]:
    """What `sources` says about synthesis: on or off, which model where; never the key."""
    config = settings.synthesis
    return {
        "enabled": config.enabled,
        "model": config.model,
        "base_url": config.base_url,
        "timeout_s": config.timeout_s,
        "api_key_set": config.api_key is not None,
    }


def cmd_sources(args: argparse.Namespace) -> int:
    from assistant.render import format_authors

    engine = _engine(args)
    manifest = engine.store.read_manifest()
    docs = sorted(manifest["documents"].values(), key=lambda d: d["doc_id"])
    synthesis = _synthesis_config(engine.settings)
    if args.json:
        _print_json(
            {
                "model": manifest["model"],
                "created_at": manifest["created_at"],
                "counts": manifest["counts"],
                "documents": docs,
                "synthesis": synthesis,
            }
        )
        return 0
    _say(
        f"{manifest['counts']['documents']} documents, {manifest['counts']['passages']} passages; "
        f"model {manifest['model']}; indexed {manifest['created_at']}"
    )
    if synthesis["enabled"]:
        _say(
            f"synthesis: on, model {synthesis['model']} at {synthesis['base_url']} (timeout {synthesis['timeout_s']:g} s; "
            "`ask --synthesis` uses it)"
        )
    else:
        _say(f"synthesis: off (set {SYNTHESIS_ENV} to turn it on)")
    for d in docs:
        year = f", {d['year']}" if d.get("year") else ""
        authors = format_authors(d.get("authors") or ())
        cited = f" {authors}." if authors else ""
        journal = f" {d['journal']}." if d.get("journal") else ""
        doi = f" doi:{d['doi']}" if d.get("doi") else ""
        ocr = " (text from OCR)" if d.get("ocr") else ""
        _say(
            f"- {d['doc_id']}: {d['title']} [{d['evidence_type']}{year}]{cited}{journal}{doi}{ocr} "
            f"{d['n_passages']} passages — {d['source']}"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    engine = _engine(args)
    snap = engine.snapshot()
    doc_id = (
        args.document
        if args.document in snap.documents
        else next(
            (d for d, info in snap.documents.items() if info.source == str(Path(args.document).expanduser().resolve())),
            None,
        )
    )
    if doc_id is None:
        raise NMSAssistantError(
            f"not in the index: {args.document}; `nms-assistant sources` lists the indexed documents"
        )
    info = snap.documents[doc_id]
    passages = [snap.passages[row] for row in snap.rows_of(doc_id)]
    if args.json:
        _print_json(
            {
                "document": info.to_dict(),
                "passages": [
                    {
                        "ordinal": p.ordinal,
                        "id": p.id,
                        "section": p.section,
                        "page": p.page,
                        "kind": p.kind,
                        "start": p.start,
                        "end": p.end,
                        "text": p.text,
                    }
                    for p in passages
                ],
            }
        )
        return 0
    _say(f"{info.title}  [{info.evidence_type}]  {info.source}")
    facts = [
        ("authors", ", ".join(info.authors)),
        ("journal", info.journal or ""),
        ("year", str(info.year or "")),
        ("DOI", info.doi or ""),
        ("PMID", info.pmid or ""),
        ("article type", info.article_type or ""),
        ("evidence type", f"{info.evidence_type} ({info.evidence_type_origin})"),
        ("text", "text from OCR" if info.ocr else "text layer or plain text"),
        ("pages", str(info.n_pages or "")),
        ("bibliography", f"{len(info.bibliography)} entries (kept out of retrieval)"),
        ("origin", info.origin or ""),
    ]
    for label, value in facts:
        if value:
            _say(f"  {label + ':':<15}{value}")
    _say(f"{len(passages)} passages")
    for p in passages:
        page = f", p. {p.page}" if p.page else ""
        _say(f"\n-- passage {p.ordinal + 1} ({p.kind}; section: {p.section or '-'}{page})")
        _say(p.text)
    return 0


def _batch_questions(path: str, limit: int) -> list[tuple[int, str | None, str | None]]:
    """(line number, question, problem) for each non-empty line; a bad line never stops the batch."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise NMSAssistantError(f"{path}: cannot read ({exc.strerror})") from None
    out: list[tuple[int, str | None, str | None]] = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError:
            out.append((number, None, "not valid UTF-8"))
            continue
        if not text:
            continue
        if len(text) > limit:
            out.append((number, None, f"the question is {len(text)} characters long; keep it under {limit}"))
            continue
        out.append((number, text, None))
    return out


def _conversation(args: argparse.Namespace) -> tuple[str | None, list[str]]:
    """(the question asked, the earlier questions of its conversation, oldest first)."""
    from assistant.answer import MAX_QUESTION_CHARS

    if args.follow_up_of:
        return args.question, [q for q in args.follow_up_of if q.strip()]
    if not args.conversation:
        return args.question, []
    lines = []
    for number, text, problem in _batch_questions(args.conversation, MAX_QUESTION_CHARS):
        if problem is not None:
            raise NMSAssistantError(f"{args.conversation}:{number}: {problem}")
        lines.append(text or "")
    if args.question:
        return args.question, lines
    return (lines[-1], lines[:-1]) if lines else (None, [])


def _usage(message: str) -> int:
    print(f"nms-assistant ask: {message}", file=sys.stderr)
    return EXIT_USAGE


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answer import MAX_QUESTION_CHARS, answer
    from assistant.render import to_text
    from assistant.synthesis import synthesize

    in_conversation = bool(args.follow_up_of or args.conversation)
    if args.batch and (in_conversation or args.question):
        return _usage(
            "--batch answers the questions of its file; give no QUESTION, --follow-up-of or --conversation with it"
        )
    if args.export and (args.json or args.batch):
        return _usage("--export prints one answer; it goes with neither --json nor --batch")
    if not args.batch and not args.question and not args.conversation:
        return _usage("give a QUESTION, --conversation FILE or --batch FILE")
    settings = _settings(args)
    if args.synthesis and not settings.synthesis.enabled:
        return _usage(
            f"--synthesis needs a language model: set {SYNTHESIS_ENV} "
            "(and NMS_SYNTHESIS__API_KEY if the server needs a key)"
        )
    engine = _engine(args)
    if args.batch:
        items, history = _batch_questions(args.batch, MAX_QUESTION_CHARS), list[str]()
    else:
        question, history = _conversation(args)
        if question is None:
            return _usage(f"{args.conversation} holds no question")
        items = [(0, question, None)]
    failed = 0
    for number, question, problem in items:
        if question is not None:
            try:
                result = answer(question, engine, k=args.k, history=history)
            except NMSAssistantError as exc:
                if not args.batch:
                    raise
                problem = str(exc)
            else:
                if args.synthesis:
                    result.synthesis = synthesize(result, engine.settings.synthesis, engine.vocabulary)
                if args.export:
                    _print_export(result, args.export, engine)
                elif args.json:
                    _print_json(result.to_json())
                else:
                    _say(to_text(result))
                continue
        failed += 1
        if args.json:
            _print_json({"line": number, "error": problem})
        print(f"nms-assistant: {args.batch}:{number}: {problem}; skipped", file=sys.stderr)
    return EXIT_REJECTED if failed else 0


def _print_export(result: Answer, fmt: str, engine: Engine) -> None:
    from assistant.export import export

    if fmt != "markdown" and not result.citations:
        print("nms-assistant: the answer cites no source, so there are no references to export", file=sys.stderr)
        return
    documents = engine.snapshot().documents
    sys.stdout.write(safe_terminal_text(export(result, fmt, documents)))


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.answer import answer
    from assistant.evaluate import evaluate, load_questions

    engine = _engine(args)
    items = load_questions(Path(args.file))
    engine.warm_up()
    report = evaluate(items, lambda q, history: answer(q, engine, k=args.k, history=history).to_json())
    summary = report.summary()
    if args.json:
        _print_json(summary)
        return 0
    _say(f"{summary['passed']}/{summary['questions']} passed ({summary['pass_rate']:.0%})")
    _say(f"{'kind':<14}{'passed':>8}{'n':>5}")
    for kind, row in summary["per_kind"].items():
        _say(f"{kind:<14}{row['passed']:>8}{row['n']:>5}")
    _say(f"citation hit rate   {summary['citation_hit_rate']}")
    _say(f"contested recall    {summary['contested_recall']}")
    _say(f"false flags         {summary['false_flags']}")
    _say(f"median latency (ms) {summary['median_latency_ms']}")
    for qid, failures in summary["failures"].items():
        _say(f"  FAIL {qid}: {'; '.join(failures)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    app = Path(__file__).parent / "app" / "main.py"
    port = args.port or settings.ui.port
    env = dict(os.environ, NMS_INDEX_DIR=str(Path(settings.index.dir).resolve()))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.address",
        args.address,
        # one upload limit: the ingest limit (Streamlit's own check, in whole MB, sits just above it)
        "--server.maxUploadSize",
        str(int(settings.ingest.max_file_mb) + 1),
    ]
    print(f"Serving on http://{args.address}:{port}", file=sys.stderr)
    os.chdir(project_root())
    os.execvpe(command[0], command, env)
    return 0  # pragma: no cover


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nms-assistant", description="Literature assistant for neuroleptic malignant syndrome."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def index_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index-dir", help="index directory (default .index, or $NMS_INDEX_DIR)")

    p = sub.add_parser("ingest", help="index files (default: corpus/), incrementally")
    p.add_argument("paths", nargs="*", help="files or folders (PDF, TXT, MD)")
    index_dir(p)
    p.add_argument("--rebuild", action="store_true", help="re-read every indexed document and the paths given")
    p.add_argument("--wait", type=float, help="seconds to wait for another ingest to finish")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("remove", help="remove documents from the index (by id or file path)")
    p.add_argument("documents", nargs="+", metavar="DOC")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("rollback", help="make the previous index generation current again")
    p.add_argument("--to", metavar="GENERATION", help="a generation kept on disk (see `history`)")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("history", help="every change to the index: when, who, which files, which generation")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("search", help="ranked passages for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, help="passages to return (default: $NMS_RETRIEVAL__K or 8)")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], help="default: $NMS_RETRIEVAL__MODE or hybrid")
    p.add_argument("--type", action="append", help="only this evidence type (repeatable)")
    p.add_argument("--doc", action="append", help="only this document id (repeatable)")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("sources", help="indexed documents and their metadata")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("show", help="a document as indexed, passage by passage")
    p.add_argument("document", metavar="DOC", help="document id (file name) or file path")
    index_dir(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser(
        "ask",
        help="a cited answer",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A cited, extractive answer to a question about NMS.",
        epilog="""conversations:
  A follow-up ("and in children?", "what about bromocriptine?") is read with the questions asked
  before it; the answer says which question it understood ("Understood as: ...").
    ask "what about bromocriptine?" --follow-up-of "Is dantrolene effective for NMS?"
    ask "and in children?" --follow-up-of "What causes NMS?" --follow-up-of "How is it treated?"
  --conversation FILE: the questions of a chat, one a line, oldest first (blank lines skipped).
  With QUESTION, they are the earlier questions and QUESTION is asked; without, the file's last
  line is the question asked and the lines above it the earlier questions.

exports (--export, to stdout):
  markdown  the whole answer with numbered references and quoted passages
  ris       the cited documents, one RIS record each (Zotero, EndNote, Mendeley)
  bibtex    the cited documents, one BibTeX entry each

synthesis (--synthesis): a short answer written by a language model you run (Ollama, vLLM,
  llama.cpp server), every sentence checked against the statements it cites; set
  NMS_SYNTHESIS__BASE_URL and NMS_SYNTHESIS__MODEL (NMS_SYNTHESIS__API_KEY, NMS_SYNTHESIS__TIMEOUT_S).
  Without them --synthesis exits with code 2. A model that fails or times out leaves a note in the
  answer, never an error.""",
    )
    p.add_argument("question", nargs="?", help="the question (optional with --conversation or --batch)")
    p.add_argument("--batch", help="file with one question a line, each answered on its own")
    talk = p.add_mutually_exclusive_group()
    talk.add_argument(
        "--follow-up-of",
        action="append",
        metavar="PREVIOUS",
        help="an earlier question of the conversation (repeatable, oldest first)",
    )
    talk.add_argument("--conversation", metavar="FILE", help="a file of the conversation's questions, one a line")
    p.add_argument("--k", type=int, help="passages to retrieve")
    index_dir(p)
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument(
        "--export", choices=["markdown", "ris", "bibtex"], help="print the answer (markdown) or its references"
    )
    p.add_argument(
        "--synthesis", action="store_true", help="add a verified short answer by the configured language model"
    )
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
    # the library's log lines (a one-time model conversion, a fallback to another precision) reach the
    # terminal as one plain line each; the library itself never configures logging
    logging.basicConfig(format="nms-assistant: %(message)s", level=logging.WARNING)
    logging.getLogger("index").setLevel(logging.INFO)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", None) is not None and args.k < 1:
        parser.error("--k must be at least 1")
    try:
        return int(args.func(args) or 0)
    except NMSAssistantError as exc:
        print(f"nms-assistant: {safe_terminal_text(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # the reader went away (`... | head`): stop quietly, as command-line tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # the environment failed us (disk, permissions): one sentence, no traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"nms-assistant: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("nms-assistant: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
