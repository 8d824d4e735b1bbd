"""Typed records that travel through ingestion, indexing and answering."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

CELL_SEPARATOR = " | "  # how a table's cells stand in its rows (ingest.loaders.markdown_to_text, ingest.layout)


class EvidenceType(StrEnum):
    """What kind of evidence a document holds; it feeds the statement classifier.

    Set by the manifest, else inferred from the document itself (its printed article type, its
    structure and its own wording), else ``unknown``."""

    GUIDELINE = "guideline"  # guidelines, consensus statements, antidote and poison-centre guidance
    REVIEW = "review"  # narrative and systematic reviews, meta-analyses
    RESEARCH = "research"  # original studies (trials, cohorts, case series with Methods/Results)
    CASE_REPORT = "case_report"  # "we report a case ..."
    HYPOTHESIS = "hypothesis"  # analyses that propose a mechanism
    REFERENCE = "reference"  # encyclopedia and textbook entries
    EDUCATIONAL = "educational"  # explainers for clinicians or students
    PATIENT_INFORMATION = "patient_information"  # pages written for patients and families
    COMMENTARY = "commentary"  # letters to the editor, editorials, comments
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Section:
    """A run of the cleaned text under one heading. ``kind`` is text, list, table, box or caption."""

    title: str | None
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class CleanDocument:
    """The cleaned text of one file, its sections and where each PDF page starts in it."""

    text: str
    sections: tuple[Section, ...]
    paragraphs: tuple[tuple[int, int], ...]
    page_starts: tuple[tuple[int, int], ...] = ()  # (offset into text, 1-based page number)

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of one indexed document."""

    doc_id: str
    title: str
    source: str
    evidence_type: str
    evidence_type_origin: str  # manifest | inferred | default
    year: int | None
    origin: str | None
    content_hash: str
    n_chars: int
    n_pages: int | None = None
    n_passages: int = 0
    # What a researcher cites by (issue 11): read from the paper (printed title block, author line,
    # running heads, citation lines), corrected by a bibliography file beside it, overridden by the
    # manifest. ``article_type`` is the type as printed ("Research Article"); ``ocr`` marks text that
    # came from OCR of a scan ("text from OCR"); ``bibliography`` is the paper's reference list
    # (kept out of retrieval).
    authors: tuple[str, ...] = ()
    journal: str | None = None
    doi: str | None = None
    pmid: str | None = None
    article_type: str | None = None
    ocr: bool = False
    bibliography: tuple[str, ...] = ()
    sha256: str | None = None  # of the file's bytes alone: the same paper under another name is a duplicate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentInfo:
        values = {k: data.get(k) for k in cls.__dataclass_fields__}
        for key in ("authors", "bibliography"):
            values[key] = tuple(values.get(key) or ())
        values["ocr"] = bool(values.get("ocr"))
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Passage:
    """A section-aware run of whole sentences, the unit that is embedded and cited.

    ``start``/``end`` are offsets into the cleaned document; ``sentences`` are (start, end)
    offsets into ``text``.
    """

    id: str
    doc_id: str
    title: str
    source: str
    evidence_type: str
    section: str | None
    kind: str
    page: int | None
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    ordinal: int = 0
    table_header: str | None = None  # for a table: its header row, which labels the cells of every row

    def sentence_texts(self) -> list[str]:
        return [self.text[a:b] for a, b in self.sentences]

    @property
    def context(self) -> str:
        """Where the passage sits: its document's title and its section path ("Bromocriptine › Dosage ›
        Paediatric dose"). Monographs, FAQs and structured abstracts say in headings what their sentences
        leave out, so search and coverage read a passage with its context; a table's passages also with its
        header row, whose column labels the later rows do not repeat."""
        parts = [self.title]
        if self.section and self.section.strip() != self.title.strip():
            parts.append(self.section)
        if self.table_header:
            parts.append(self.table_header)
        return " › ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sentences"] = [list(s) for s in self.sentences]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        values = {k: data.get(k) for k in cls.__dataclass_fields__}
        values["sentences"] = tuple(tuple(s) for s in (data.get("sentences") or ()))
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Rejection:
    """A file that was not ingested, and the one reason why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
