"""Typed answer records; serialised to the JSON contract (contract/answer.schema.json) at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Statement:
    """A sentence taken verbatim from an indexed passage, with the citation numbers that support it.

    ``category`` is guideline, finding or background (background statements are listed with
    research findings and marked as such). ``stance`` is set on contested positions:
    supports, disputes, uncertain or figure.
    """

    text: str
    citations: list[int]
    category: str = "finding"
    score: float = 0.0
    stance: str | None = None
    doc_id: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "citations": list(self.citations), "category": self.category}
        if self.stance:
            data["stance"] = self.stance
        return data


@dataclass
class Citation:
    """A retrieved passage, numbered; ``highlights`` are the cited sentence spans in ``text``."""

    id: int
    document: str
    doc_id: str
    source: str
    evidence_type: str
    section: str | None
    page: int | None
    text: str
    score: float
    passage_id: str
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "doc_id": self.doc_id,
            "source": self.source,
            "evidence_type": self.evidence_type,
            "section": self.section,
            "page": self.page,
            "text": self.text,
            "score": round(self.score, 4),
            "passage_id": self.passage_id,
            "highlights": [list(h) for h in self.highlights],
        }


@dataclass
class ContestedClaim:
    """A claim the indexed sources disagree on, or call weak or controversial."""

    topic: str
    summary: str
    positions: list[Statement]
    reason: str  # explicit | opposing | figures (may be combined with "+")

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "summary": self.summary,
            "reason": self.reason,
            "positions": [p.to_json() for p in self.positions],
        }


@dataclass
class Answer:
    question: str
    status: str  # answered | no_evidence
    message: str
    summary: str | None = None
    guideline_statements: list[Statement] = field(default_factory=list)
    research_findings: list[Statement] = field(default_factory=list)
    contested: list[ContestedClaim] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    nearest: list[Citation] = field(default_factory=list)
    ignored_instructions: list[str] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)  # ids of every passage retrieved for this question
    index_generation: str | None = None  # the index generation the whole answer was computed on
    timings_ms: dict[str, float] = field(default_factory=dict)

    def citation(self, number: int) -> Citation:
        return next(c for c in self.citations if c.id == number)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "status": self.status,
            "message": self.message,
            "guideline_statements": [s.to_json() for s in self.guideline_statements],
            "research_findings": [s.to_json() for s in self.research_findings],
            "contested": [c.to_json() for c in self.contested],
            "citations": [c.to_json() for c in self.citations],
        }
        if self.summary:
            data["summary"] = self.summary
        if self.nearest:
            data["nearest"] = [c.to_json() for c in self.nearest]
        if self.ignored_instructions:
            # how many instruction-like sentences were ignored (not echoed: they are not statements)
            data["instructions_ignored"] = len(self.ignored_instructions)
        data["retrieved"] = list(self.retrieved)
        if self.index_generation:
            data["index_generation"] = self.index_generation
        data["timings_ms"] = {k: round(v, 2) for k, v in self.timings_ms.items()}
        return data
