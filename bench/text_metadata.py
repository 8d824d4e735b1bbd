"""Metadata of documents added without a manifest entry: titles, evidence types, authors, journal, year.

    .venv/bin/python -m bench.text_metadata [--split a|b|all] [--details] [--corpus]

Runs the real ``ingest.reader.parse_document`` (the model's tokenizer counts word pieces; no
embedding, no model weights) on each literature test document in ``eval/literature/`` with **no
manifest entry**, and checks what it read against the ground truth written with the documents
(``eval/literature/sources-a.toml`` and ``sources-b.toml``). The ``a-*`` documents are for tuning;
the ``b-*`` documents are held out: their rows are counted, never listed (``--details`` lists the
``a-*`` documents only). The four documents typeset as PDFs (``eval/make_pdfs.py``) go through the
PDF path, as ingestion does; their text sources in ``eval/literature-pdf-src/`` are also read as
text files, in a row of their own. ``--corpus`` prints what is inferred for the shipped corpus texts
without their manifest (no target: the manifest sets their metadata).

Scoring (letters only, case folded): a title is right when it spells the truth's title; *partial*
when the truth starts with it and it holds at least half the truth's letters. Evidence type: equal.
Authors: the truth's surnames ("Reulbach U, Dütsch C") all among the names read, first author first;
truths that name no person (an organisation, "not named") are not scored. Journal: one name contains
the other. Year, DOI, PMID: equal. Authors, journal, year, DOI and PMID are scored only where the
document prints them (the truth's value occurs in its text; for the PDFs, in their text source):
a value the document does not print cannot be read from it.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LITERATURE = ROOT / "eval" / "literature"
PDF_SOURCES = ROOT / "eval" / "literature-pdf-src"
CORPUS = ROOT / "corpus"
SUFFIXES = (".txt", ".md", ".pdf")
FIELDS = ("authors", "journal", "year", "doi", "pmid")
# Share of the truth's title letters a leading part must hold to count as partial.
PARTIAL_TITLE_SHARE = 0.5


def letters(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text.lower() if ch.isalpha() and ch.isascii() or ch.isdigit())


def surnames(truth_authors: str) -> list[str]:
    """Surnames of a PubMed-style author string ("Reulbach U, Dütsch C"); [] when it names no person."""
    names = [p.strip() for p in re.split(r"[,;]", truth_authors or "") if p.strip()]
    found = []
    for name in names:
        m = re.match(r"^(.+?)\s+[A-Z]{1,3}$", name)
        if not m:
            return []
        found.append(letters(m.group(1)))
    return found


@dataclass
class Row:
    name: str
    group: str
    title: str
    title_score: str  # right | partial | wrong
    evidence: str
    evidence_right: bool
    reason: str
    fields: dict[str, bool | None]  # None: not scored (no target)
    read: dict[str, object]


def printed_text(path: Path) -> str:
    """The text a document prints (a typeset PDF's text source)."""
    if path.suffix == ".pdf":
        for suffix in (".md", ".txt"):
            source = PDF_SOURCES / (path.stem + suffix)
            if source.is_file():
                return source.read_text(encoding="utf-8")
        return ""
    return path.read_text(encoding="utf-8")


def printed(truth: dict, text: str) -> dict[str, bool]:
    """Which of the truth's fields the document prints."""
    skeleton = letters(text)
    journal = re.split(r"[(,]", truth.get("journal", "") or "")[0]
    names = surnames(truth.get("authors", ""))
    return {
        "authors": bool(names) and all(n in skeleton for n in names),
        "journal": bool(letters(journal)) and letters(journal) in skeleton,
        "year": bool(truth.get("year")) and str(truth["year"]) in text,
        "doi": bool(truth.get("doi")) and truth["doi"].lower() in text.lower(),
        "pmid": bool(truth.get("pmid")) and str(truth["pmid"]) in text,
    }


def score(name: str, group: str, info, truth: dict, text: str) -> Row:  # noqa: ANN001
    t_title, p_title = letters(truth.get("title", "")), letters(info.title)
    if p_title == t_title:
        title_score = "right"
    elif p_title and t_title.startswith(p_title) and len(p_title) >= PARTIAL_TITLE_SHARE * len(t_title):
        title_score = "partial"
    else:
        title_score = "wrong"
    fields: dict[str, bool | None] = {}
    wanted = surnames(truth.get("authors", ""))
    got = [letters(a) for a in info.authors]
    fields["authors"] = (
        bool(got) and bool(wanted) and wanted[0] in got[0] and all(any(w in g for g in got) for w in wanted)
    )
    t_journal, p_journal = letters(truth.get("journal", "")), letters(info.journal or "")
    fields["journal"] = bool(p_journal) and (p_journal in t_journal or t_journal in p_journal)
    fields["year"] = info.year == truth.get("year")
    fields["doi"] = (info.doi or "").lower() == (truth.get("doi") or "").lower()
    fields["pmid"] = info.pmid == str(truth.get("pmid"))
    shown = printed(truth, text)
    fields = {k: (v if shown[k] else None) for k, v in fields.items()}
    return Row(
        name=name,
        group=group,
        title=info.title,
        title_score=title_score,
        evidence=info.evidence_type,
        evidence_right=info.evidence_type == truth["evidence_type"],
        reason=info.evidence_type_origin,
        fields=fields,
        read={
            "authors": info.authors,
            "journal": info.journal,
            "year": info.year,
            "doi": info.doi,
            "pmid": info.pmid,
            "article_type": info.article_type,
        },
    )


def parse(path: Path, count_tokens):  # noqa: ANN001, ANN201
    from ingest.reader import parse_document
    from nmsa.settings import IngestSettings

    data = path.read_bytes()
    return parse_document(path, data, IngestSettings(), count_tokens, None, hashlib.sha256(data).hexdigest())


def summary(label: str, rows: list[Row]) -> str:
    n = len(rows)
    right = sum(r.title_score == "right" for r in rows)
    partial = sum(r.title_score == "partial" for r in rows)
    evidence = sum(r.evidence_right for r in rows)
    cells = []
    for f in FIELDS:
        scored = [r.fields[f] for r in rows if r.fields[f] is not None]
        cells.append(f"{sum(bool(s) for s in scored)}/{len(scored)}")
    part = f" (+{partial} partial)" if partial else ""
    return f"| {label} | {n} | {right}/{n}{part} | {evidence}/{n} | " + " | ".join(cells) + " |"


HEADER = (
    "| documents | n | titles right | evidence types right | authors | journal | year | doi | pmid |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("a", "b", "all"), default="all")
    parser.add_argument("--details", action="store_true", help="list the a-* documents one by one")
    parser.add_argument(
        "--corpus", action="store_true", help="also print what is inferred for corpus/ without its manifest"
    )
    args = parser.parse_args(argv)

    from index.embedder import Embedder
    from nmsa.settings import bundled_model_path

    count_tokens = Embedder(bundled_model_path(), precision="fp32").count_tokens
    groups: dict[str, list[Row]] = {}
    splits = ("a", "b") if args.split == "all" else (args.split,)
    for split in splits:
        truth = tomllib.loads((LITERATURE / f"sources-{split}.toml").read_text(encoding="utf-8"))
        for path in sorted(LITERATURE.glob(f"{split}-*")):
            if path.suffix not in SUFFIXES:
                continue
            t = truth.get(path.name) or truth.get(path.stem + ".md") or truth.get(path.stem + ".txt")
            if t is None:
                continue
            groups.setdefault(split, []).append(
                score(path.name, split, parse(path, count_tokens).info, t, printed_text(path))
            )
        for path in sorted(PDF_SOURCES.glob(f"{split}-*")):
            t = truth.get(path.name)
            if t is not None:
                groups.setdefault(f"{split}-src", []).append(
                    score(path.name, split, parse(path, count_tokens).info, t, printed_text(path))
                )

    labels = {
        "a": "a-* (tuning)",
        "b": "b-* (held out)",
        "a-src": "a-* PDF sources read as text",
        "b-src": "b-* PDF sources read as text",
    }
    print("## Metadata without a manifest entry (eval/literature)\n")
    print(HEADER)
    for key in ("a", "b", "a-src", "b-src"):
        if key in groups:
            print(summary(labels[key], groups[key]))
    if args.details:
        for key in ("a", "a-src"):
            print(f"\n### {labels.get(key, key)}\n")
            for r in groups.get(key, []):
                marks = " ".join(f"{f}{'✓' if ok else '✗'}" for f, ok in r.fields.items() if ok is not None)
                print(
                    f"- {r.name}: title {r.title_score} {r.title!r}; evidence {r.evidence} ({'✓' if r.evidence_right else '✗'}, {r.reason}); {marks}"
                )
                print(f"    read: {r.read}")
    if args.corpus:
        print("\n### corpus/ without its manifest (no target)\n")
        for path in sorted(CORPUS.iterdir()):
            if path.suffix in SUFFIXES and not path.name.lower().startswith("readme"):
                info = parse(path, count_tokens).info
                print(
                    f"- {path.name}: title {info.title!r}; evidence {info.evidence_type} ({info.evidence_type_origin}); "
                    f"authors {list(info.authors)}; journal {info.journal!r}; year {info.year}; doi {info.doi}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
