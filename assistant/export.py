"""An answer's references for reference managers (RIS, BibTeX) and the whole answer as Markdown.

One entry per cited document, in the order the answer first cites it, with the fields known: title,
authors, journal, year, DOI, PMID, the printed article type, the evidence type and "text from OCR".
The citation's own fields are used, completed by the index's document metadata when given (PMID and
article type are not on citations). Values come from documents, so they are made safe for the
format: one line each (no value can open a new RIS tag), and no braces or backslashes in BibTeX
(every entry's braces balance whatever a title holds).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.records import Answer, Citation
from assistant.render import OCR_NOTE, split_name, to_markdown
from ingest.records import DocumentInfo

__all__ = ["EXPORT_FORMATS", "Reference", "export", "references", "to_bibtex", "to_markdown", "to_ris"]

# format -> (file suffix, MIME type)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("md", "text/markdown"),
    "ris": ("ris", "application/x-research-info-systems"),
    "bibtex": ("bib", "application/x-bibtex"),
}


@dataclass(frozen=True)
class Reference:
    """One cited document, as a reference manager stores it."""

    doc_id: str
    title: str
    authors: tuple[str, ...]
    journal: str | None
    year: int | None
    doi: str | None
    pmid: str | None
    article_type: str | None
    evidence_type: str
    ocr: bool
    cited_as: tuple[int, ...]  # the answer's citation numbers of this document's passages


def _line(value: object) -> str:
    return " ".join(str(value).split())


def references(answer: Answer, documents: Mapping[str, DocumentInfo] | None = None) -> list[Reference]:
    """The documents an answer cites, once each, in order of first citation."""
    by_doc: dict[str, list[Citation]] = {}
    for c in sorted(answer.citations, key=lambda c: c.id):
        by_doc.setdefault(c.doc_id, []).append(c)
    out = []
    for doc_id, cites in by_doc.items():
        c = cites[0]
        info = (documents or {}).get(doc_id)
        out.append(
            Reference(
                doc_id=doc_id,
                title=_line(c.document),
                authors=tuple(_line(a) for a in (c.authors or (info.authors if info else ())) if a.strip()),
                journal=_line(c.journal or (info.journal if info else None) or "") or None,
                year=c.year or (info.year if info else None),
                doi=_line(c.doi or (info.doi if info else None) or "") or None,
                pmid=_line(info.pmid or "") or None if info else None,
                article_type=_line(info.article_type or "") or None if info else None,
                evidence_type=_line(c.evidence_type),
                ocr=c.ocr or bool(info and info.ocr),
                cited_as=tuple(x.id for x in cites),
            )
        )
    return out


# --- RIS ------------------------------------------------------------------------------------------------

# RIS reference types: a journal article when a journal is known, else a generic reference (RIS's own
# CASE is a court case and has no guideline type, so the evidence type goes to M3, "type of work").
RIS_JOURNAL, RIS_GENERIC = "JOUR", "GEN"


def _ris_name(name: str) -> str:
    surname, initials = split_name(name)
    return f"{surname}, {'. '.join(initials)}." if initials else surname


def to_ris(answer: Answer, documents: Mapping[str, DocumentInfo] | None = None) -> str:
    """The answer's references as RIS records (as Zotero, EndNote and Mendeley import them)."""
    records = []
    for ref in references(answer, documents):
        lines = [f"TY  - {RIS_JOURNAL if ref.journal else RIS_GENERIC}", f"TI  - {ref.title}"]
        lines += [f"AU  - {_ris_name(a)}" for a in ref.authors]
        if ref.journal:
            lines.append(f"JO  - {ref.journal}")
        if ref.year:
            lines.append(f"PY  - {ref.year}")
        if ref.doi:
            lines.append(f"DO  - {ref.doi}")
        if ref.pmid:
            lines.append(f"AN  - {ref.pmid}")
        lines.append(f"M3  - {ref.article_type or ref.evidence_type}")
        if ref.ocr:
            lines.append(f"N1  - {OCR_NOTE}")
        lines.append("ER  - ")
        records.append("\n".join(lines))
    return "\n\n".join(records) + ("\n" if records else "")


# --- BibTeX ---------------------------------------------------------------------------------------------


def _bib(value: str) -> str:
    """A field value that cannot break its braces: no braces or backslashes; LaTeX specials escaped."""
    value = _line(value).replace("\\", "").replace("{", "").replace("}", "")
    return re.sub(r"([&%$#_])", r"\\\1", value)


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def _bib_key(ref: Reference, taken: set[str]) -> str:
    surname = _ascii_word(split_name(ref.authors[0])[0]) if ref.authors else ""
    word = next((w for w in (_ascii_word(w) for w in ref.title.split()) if len(w) >= 4), "") or "doc"
    base = f"{surname or 'anon'}{ref.year or ''}{word}"
    key, n = base, 0
    while key in taken:
        n += 1
        key = f"{base}{chr(ord('a') + n - 1) if n <= 26 else n}"
    taken.add(key)
    return key


def _bib_name(name: str) -> str:
    surname, initials = split_name(name)
    # " and " separates BibTeX authors, so a name must not contain the word on its own
    surname = re.sub(r"\band\b", "", surname, flags=re.I).strip() or surname
    return f"{surname}, {' '.join(i + '.' for i in initials)}" if initials else surname


def to_bibtex(answer: Answer, documents: Mapping[str, DocumentInfo] | None = None) -> str:
    """The answer's references as BibTeX entries (@article when a journal is known, else @misc)."""
    taken: set[str] = set()
    entries = []
    for ref in references(answer, documents):
        fields = [("title", ref.title)]
        if ref.authors:
            fields.append(("author", " and ".join(_bib_name(a) for a in ref.authors)))
        if ref.journal:
            fields.append(("journal", ref.journal))
        if ref.year:
            fields.append(("year", str(ref.year)))
        if ref.doi:
            fields.append(("doi", ref.doi))
        if ref.pmid:
            fields.append(("pmid", ref.pmid))
        notes = [f"Evidence type: {ref.article_type or ref.evidence_type}"] + ([OCR_NOTE] if ref.ocr else [])
        fields.append(("note", "; ".join(notes)))
        body = ",\n".join(f"  {name} = {{{_bib(value)}}}" for name, value in fields)
        entries.append(f"@{'article' if ref.journal else 'misc'}{{{_bib_key(ref, taken)},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


def export(answer: Answer, fmt: str, documents: Mapping[str, DocumentInfo] | None = None) -> str:
    """The answer in one of ``EXPORT_FORMATS``."""
    if fmt == "markdown":
        return to_markdown(answer)
    if fmt == "ris":
        return to_ris(answer, documents)
    if fmt == "bibtex":
        return to_bibtex(answer, documents)
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
