"""A maintainer's bibliography beside the papers, and references out (pure functions, plus one
loader that reads a folder).

In: BibTeX (``.bib``), RIS (``.ris``) and PubMed/MEDLINE (``.nbib``, ``.medline``) exports as
Zotero, EndNote and PubMed write them. A record is matched to a document by DOI, else by its title;
its fields fill or correct what was read from the paper (the manifest still overrides them).

Out: an answer's references are exported by ``assistant.export`` (RIS, BibTeX).
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.records import DocumentInfo, EvidenceType

BIBLIOGRAPHY_SUFFIXES = (".bib", ".ris", ".nbib", ".medline")
MAX_BIBLIOGRAPHY_BYTES = 20 * 1024 * 1024
TITLE_MATCH_MIN_JACCARD = 0.9  # word-set overlap at which two titles are the same paper

# Publication types (PubMed's PT field, RIS and BibTeX type fields) that name an evidence type.
# From PubMed's publication types list; "Journal Article" and the like say nothing and are skipped.
PUBLICATION_TYPES: dict[str, str] = {
    "practice guideline": EvidenceType.GUIDELINE.value,
    "guideline": EvidenceType.GUIDELINE.value,
    "consensus development conference": EvidenceType.GUIDELINE.value,
    "systematic review": EvidenceType.REVIEW.value,
    "meta-analysis": EvidenceType.REVIEW.value,
    "review": EvidenceType.REVIEW.value,
    "case reports": EvidenceType.CASE_REPORT.value,
    "case report": EvidenceType.CASE_REPORT.value,
    "randomized controlled trial": EvidenceType.RESEARCH.value,
    "clinical trial": EvidenceType.RESEARCH.value,
    "observational study": EvidenceType.RESEARCH.value,
    "comparative study": EvidenceType.RESEARCH.value,
    "multicenter study": EvidenceType.RESEARCH.value,
    "letter": EvidenceType.COMMENTARY.value,
    "editorial": EvidenceType.COMMENTARY.value,
    "comment": EvidenceType.COMMENTARY.value,
    "patient education handout": EvidenceType.PATIENT_INFORMATION.value,
}


@dataclass(frozen=True)
class BibRecord:
    title: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    types: tuple[str, ...] = field(default_factory=tuple)  # publication types as written
    source: str = ""  # the file it came from

    @property
    def evidence_type(self) -> str | None:
        for kind in self.types:
            mapped = PUBLICATION_TYPES.get(kind.strip().lower())
            if mapped:
                return mapped
        return None


def _year(text: str | None) -> int | None:
    m = re.search(r"\b(1[89]\d{2}|20\d{2})\b", text or "")
    return int(m.group(1)) if m else None


def _doi(text: str | None) -> str | None:
    m = re.search(r"10\.\d{4,9}/\S+", text or "")
    return m.group(0).rstrip(".,;") if m else None


# --- BibTeX -------------------------------------------------------------------------------------------


def _bibtex_value(text: str, i: int) -> tuple[str, int]:
    """A field value starting at ``text[i]``: {braced}, "quoted" or a bare word/number."""
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        return "", i
    if text[i] == "{":
        depth, j = 0, i
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return text[i + 1 : j], j + 1
            j += 1
        return text[i + 1 :], len(text)
    if text[i] == '"':
        j = i + 1
        depth = 0
        while j < len(text) and not (text[j] == '"' and depth == 0):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        return text[i + 1 : j], j + 1
    m = re.match(r"[^,}\s]+", text[i:])
    return (m.group(0), i + m.end()) if m else ("", i)


_LATEX_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    '"': "\u0308",
    "^": "\u0302",
    "~": "\u0303",
    "c": "\u0327",
    "v": "\u030c",
    "=": "\u0304",
}


def _detex(text: str) -> str:
    """Common LaTeX in BibTeX fields to Unicode: accents, braces, escapes."""

    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", m.group(2) + _LATEX_ACCENTS[m.group(1)])

    text = re.sub(r"\\([`'\"^~=cv])\{?\\?([A-Za-z])\}?", accent, text)
    text = re.sub(r"\\(?:textit|textbf|emph|mathrm)\{([^{}]*)\}", r"\1", text)
    text = text.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_").replace("--", "–")
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    return " ".join(text.split())


def parse_bibtex(text: str, source: str = "") -> list[BibRecord]:
    records: list[BibRecord] = []
    for m in re.finditer(r"@(\w+)\s*[{(]\s*([^,\s]*)\s*,", text):
        kind = m.group(1).lower()
        if kind in ("comment", "string", "preamble"):
            continue
        fields: dict[str, str] = {}
        i = m.end()
        while i < len(text):
            fm = re.match(r"\s*([A-Za-z][\w-]*)\s*=\s*", text[i:])
            if not fm:
                break
            value, i = _bibtex_value(text, i + fm.end())
            fields[fm.group(1).lower()] = _detex(value)
            cm = re.match(r"\s*,?", text[i:])
            i += cm.end() if cm else 0
            if i < len(text) and text[i] in "})":
                break
        authors = tuple(_name_first_last(a) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip())
        types = tuple(t for t in (fields.get("type"), fields.get("pubtype"), fields.get("publicationtype")) if t)
        records.append(
            BibRecord(
                title=fields.get("title") or None,
                authors=authors,
                journal=fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or None,
                year=_year(fields.get("year") or fields.get("date")),
                doi=_doi(fields.get("doi")),
                pmid=fields.get("pmid") or None,
                types=types,
                source=source,
            )
        )
    return records


def _name_first_last(name: str) -> str:
    """``Smith, John A.`` -> ``John A. Smith``; ``John Smith`` stays."""
    name = " ".join(name.split())
    if "," in name:
        last, first = name.split(",", 1)
        return f"{first.strip()} {last.strip()}".strip()
    return name


# --- RIS and MEDLINE (tagged lines) ----------------------------------------------------------------


def parse_ris(text: str, source: str = "") -> list[BibRecord]:
    records: list[BibRecord] = []
    current: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if not m:
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "TY":
            current = {"TY": [value]}
        elif tag == "ER":
            if current:
                records.append(_ris_record(current, source))
            current = {}
        else:
            current.setdefault(tag, []).append(value)
    if current:
        records.append(_ris_record(current, source))
    return records


def _ris_record(tags: dict[str, list[str]], source: str) -> BibRecord:
    def first(*names: str) -> str | None:
        for name in names:
            if tags.get(name):
                return tags[name][0]
        return None

    authors = tuple(_name_first_last(a) for a in tags.get("AU", []) + tags.get("A1", []))
    types = tuple(tags.get("M3", []) + tags.get("PT", []))
    return BibRecord(
        title=first("TI", "T1"),
        authors=authors,
        journal=first("JO", "T2", "JF", "JA", "J2"),
        year=_year(first("PY", "Y1", "DA")),
        doi=_doi(first("DO")),
        pmid=first("AN") if (first("AN") or "").isdigit() else None,
        types=types,
        source=source,
    )


def parse_medline(text: str, source: str = "") -> list[BibRecord]:
    """PubMed's MEDLINE format (``PMID- ``, ``TI  - ``, continuation lines indented by six spaces)."""
    records: list[BibRecord] = []
    for chunk in re.split(r"\n\s*\n(?=PMID-)", text.strip()):
        tags: dict[str, list[str]] = {}
        last = None
        for line in chunk.splitlines():
            m = re.match(r"^([A-Z]{2,4})\s*- (.*)$", line)
            if m:
                last = m.group(1)
                tags.setdefault(last, []).append(m.group(2).strip())
            elif line.startswith("      ") and last:
                tags[last][-1] += " " + line.strip()
        if not tags:
            continue
        dois = [v.split(" ")[0] for v in tags.get("AID", []) + tags.get("LID", []) if v.endswith("[doi]")]
        records.append(
            BibRecord(
                title=_first(tags.get("TI")),
                authors=tuple(tags.get("FAU", []) and [_name_first_last(a) for a in tags["FAU"]] or tags.get("AU", [])),
                journal=_first(tags.get("JT") or tags.get("TA")),
                year=_year((tags.get("DP") or [""])[0]),
                doi=dois[0] if dois else None,
                pmid=_first(tags.get("PMID")),
                types=tuple(tags.get("PT", [])),
                source=source,
            )
        )
    return records


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def parse_bibliography(text: str, source: str = "") -> list[BibRecord]:
    """Any of the three formats, told apart by their content."""
    if re.search(r"^PMID- ", text, re.M):
        return parse_medline(text, source)
    if re.search(r"^TY  - ", text, re.M):
        return parse_ris(text, source)
    if re.search(r"@\w+\s*[{(]", text):
        return parse_bibtex(text, source)
    return []


_CACHE: dict[tuple[str, int, int], list[BibRecord]] = {}  # parsed files, by path, mtime and size
_LISTINGS: dict[tuple[str, int], list[Path]] = {}  # bibliography files of a folder, by its path and mtime
_MAX_LISTINGS = 256
# A folder changed less than this long ago is listed afresh every time: file times are coarser than
# their nanoseconds suggest, so two changes close together can leave the same mtime (git's "racy" case).
RACY_NS = 2_000_000_000


def bibliography_files(folder: Path) -> list[Path]:
    """The bibliography files directly in ``folder``, by name. Every paper's metadata looks here, so the
    listing is kept until the folder changes (adding or removing a file changes its mtime); listing and
    sorting a 1,000-file folder once per paper made ingesting it quadratic."""
    try:
        if not folder.is_dir():
            return []
        mtime = folder.stat().st_mtime_ns
        key = (str(folder.resolve()), mtime)
        if key in _LISTINGS:
            return _LISTINGS[key]
        found = [p for p in folder.iterdir() if p.suffix.lower() in BIBLIOGRAPHY_SUFFIXES]
        listing = sorted(found, key=lambda p: p.name)
        if time.time_ns() - mtime >= RACY_NS:
            if len(_LISTINGS) >= _MAX_LISTINGS:
                _LISTINGS.clear()
            _LISTINGS[key] = listing
        return listing
    except OSError:
        return []


def load_bibliographies(folder: Path) -> list[BibRecord]:
    """Every bibliography file in ``folder`` (not its subfolders); unreadable files are skipped."""
    records: list[BibRecord] = []
    for path in bibliography_files(folder):
        if not path.is_file():
            continue
        try:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
            if key not in _CACHE:
                if stat.st_size > MAX_BIBLIOGRAPHY_BYTES:
                    _CACHE[key] = []
                else:
                    _CACHE[key] = parse_bibliography(path.read_text(encoding="utf-8-sig", errors="replace"), path.name)
            records.extend(_CACHE[key])
        except OSError:
            continue
    return records


def bibliography_fingerprint(folder: Path) -> str:
    """SHA-256 over the bibliography files in ``folder`` (names and bytes): part of each paper's version,
    so editing a .bib beside the papers re-reads them."""
    import hashlib

    digest = hashlib.sha256()
    for path in bibliography_files(folder):
        if path.is_file():
            try:
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
            except OSError:
                continue
    return digest.hexdigest()


BIBLIOGRAPHY_HEADS = (b"PMID- ", b"TY  - ")  # a PubMed/MEDLINE or RIS export, whatever its file name


def is_bibliography_export(path: Path) -> bool:
    """A text file that is a MEDLINE or RIS export (read as metadata, not indexed as a document)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(256).lstrip(b"\xef\xbb\xbf\r\n ")
    except OSError:
        return False
    return head.startswith(BIBLIOGRAPHY_HEADS)


def _title_words(title: str) -> set[str]:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", title)).lower()
    return set(re.findall(r"[a-z0-9]+", text))


def match_record(records: list[BibRecord], doi: str | None, title: str | None) -> BibRecord | None:
    """The record for a document: same DOI, else a title with the same words (Jaccard >= 0.9)."""
    if doi:
        for record in records:
            if record.doi and record.doi.lower() == doi.lower():
                return record
    if title:
        words = _title_words(title)
        best, best_score = None, 0.0
        for record in records:
            if not record.title:
                continue
            other = _title_words(record.title)
            score = len(words & other) / max(1, len(words | other))
            if score > best_score:
                best, best_score = record, score
        if best is not None and best_score >= TITLE_MATCH_MIN_JACCARD:
            return best
    return None


def apply_record(info: DocumentInfo, record: BibRecord) -> DocumentInfo:
    """``info`` with the record's fields filled in or corrected (the record wins where it has a value)."""
    return replace(
        info,
        title=record.title or info.title,
        authors=record.authors or info.authors,
        journal=record.journal or info.journal,
        year=record.year or info.year,
        doi=record.doi or info.doi,
        pmid=record.pmid or info.pmid,
    )
