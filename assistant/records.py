"""Typed answer records. They serialise to the JSON contract, and the contract is generated from them
(``python -m assistant.records > contract/answer.schema.json``; a test checks the file is current)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_serializer


class Status(StrEnum):
    ANSWERED = "answered"
    NO_EVIDENCE = "no_evidence"


class Category(StrEnum):
    """What a statement is: a recommendation, a study result, or background (never a guideline)."""

    GUIDELINE = "guideline"
    FINDING = "finding"
    BACKGROUND = "background"


class Stance(StrEnum):
    """A contested position's side: benefit or use, no benefit or harm, weak or unclear evidence, a figure."""

    SUPPORTS = "supports"
    DISPUTES = "disputes"
    UNCERTAIN = "uncertain"
    FIGURE = "figure"


class ContestReason(StrEnum):
    OPPOSING = "opposing"  # sources take opposite stances
    EXPLICIT = "explicit"  # sources call it controversial, unclear or weakly supported
    FIGURES = "figures"  # sources give different figures for one quantity
    ASKED = "asked"  # the question says these sources differ: each one's own words, side by side


class _Record(BaseModel):
    # fields with defaults are always written, so the generated contract lists them as required
    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, json_schema_serialization_defaults_required=True
    )


class Statement(_Record):
    """A sentence taken verbatim from an indexed passage, with the citation numbers that support it.

    Background statements are listed with the research findings and marked as such."""

    text: str
    citations: list[int] = Field(min_length=1)
    category: Category = Category.FINDING
    stance: Stance | None = Field(None, description="set on contested positions")
    context: str | None = Field(
        None,
        description="The sentence before this one in its passage, verbatim, when this one opens by referring "
        "back to it ('It should be tapered gradually ...'); shown as context, not as a statement.",
    )
    table_header: str | None = Field(
        None,
        description="For a row of a table: the table's header row, verbatim, shown with the row so its cells can be "
        "read against their columns.",
    )
    score: float = Field(0.0, exclude=True)
    doc_id: str = Field("", exclude=True)


class Citation(_Record):
    """A retrieved passage, numbered; ``highlights`` are the cited sentence spans in ``text``."""

    id: int = Field(description="The number statements cite, shown to users as [id].")
    document: str = Field(description="The document's title.")
    doc_id: str
    source: str = Field(description="The document's file, as an absolute path.")
    evidence_type: str = Field(description="The document's kind (ingest.records.EvidenceType).")
    section: str | None
    page: int | None
    text: str = Field(description="The full passage, as indexed.")
    score: float = Field(description="Cosine similarity of the passage to the question.")
    passage_id: str
    highlights: list[tuple[int, int]] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list, description="the document's authors, as printed")
    year: int | None = None
    journal: str | None = None
    doi: str | None = None
    ocr: bool = Field(False, description="the passage's text was read from a scan by OCR")

    @field_serializer("score")
    def _round(self, value: float) -> float:
        return round(value, 4)


class ContestedClaim(_Record):
    """A claim the indexed sources disagree on, or call weak or controversial."""

    topic: str = Field(description="e.g. 'dantrolene efficacy', 'NMS incidence'")
    summary: str = Field(description="One line: why this is flagged.")
    reason: str = Field(description="ContestReason values joined by '+', e.g. 'opposing+explicit'")
    positions: list[Statement] = Field(min_length=1)


class Uncovered(_Record):
    """An aspect of the question that no selected evidence addresses (the rest is answered)."""

    aspect: str = Field(description="e.g. 'dose', 'children'")
    note: str = Field(description="e.g. 'No indexed source gives a dose.'")


class SynthesisStatus(StrEnum):
    VERIFIED = "verified"  # at least half of the model's sentences are supported; those are shown
    FALLBACK = "fallback"  # too few supported: nothing shown, the extractive summary stands
    UNAVAILABLE = "unavailable"  # no model answer (off, down, timeout, empty, nothing to synthesise)


class SynthesisSentence(_Record):
    """A verified sentence (citation markers removed). ``statements`` are the 1-based numbers of
    the answer's statements it cites (guideline statements first, then research findings);
    ``citations`` the passage citation numbers of those statements, for display."""

    text: str
    statements: list[int]
    citations: list[int] = Field(default_factory=list)


class DroppedSentence(_Record):
    """A sentence of the model's output that is not shown, and why."""

    text: str
    reason: str


class Synthesis(_Record):
    """The outcome of one synthesis. Only ``sentences`` may be shown as the synthesis, marked as
    machine-written; ``note`` is one line for the user when there is nothing to show."""

    status: SynthesisStatus
    sentences: list[SynthesisSentence] = Field(default_factory=list)
    dropped: list[DroppedSentence] = Field(default_factory=list)
    note: str | None = None
    model: str = ""


class Answer(_Record):
    question: str
    understood_as: str | None = Field(
        None,
        description="The standalone question answered, when it differs from the question as typed (a follow-up "
        "read with the conversation before it, or a case description read for what it asks).",
    )
    status: Status
    message: str = Field(description="A short human-readable line, e.g. why no evidence was found.")
    summary: str | None = None
    guideline_statements: list[Statement] = Field(default_factory=list)
    research_findings: list[Statement] = Field(default_factory=list)
    contested: list[ContestedClaim] = Field(default_factory=list)
    uncovered: list[Uncovered] = Field(default_factory=list)
    synthesis: Synthesis | None = Field(
        None, description="an optional prose answer by a language model, only its verified sentences (issue 13)"
    )
    citations: list[Citation] = Field(default_factory=list)
    nearest: list[Citation] = Field(default_factory=list, description="for browsing when there is no evidence")
    ignored_instructions: list[str] = Field(default_factory=list, exclude=True)
    retrieved: list[str] = Field(default_factory=list, description="ids of every passage retrieved for this question")
    index_generation: str | None = Field(None, description="the index generation the whole answer was computed on")
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @computed_field(description="how many instruction-like sentences of the question were ignored (never echoed)")  # type: ignore[prop-decorator]
    @property
    def instructions_ignored(self) -> int:
        return len(self.ignored_instructions)

    @field_serializer("timings_ms")
    def _round_timings(self, value: dict[str, float]) -> dict[str, float]:
        return {k: round(v, 2) for k, v in value.items()}

    def citation(self, number: int) -> Citation:
        return next(c for c in self.citations if c.id == number)

    def statements(self) -> list[Statement]:
        """Every statement shown: guideline, research and contested positions."""
        return self.guideline_statements + self.research_findings + [p for c in self.contested for p in c.positions]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def answer_schema() -> dict[str, Any]:
    """The JSON contract of ``ask --json``, generated from the records."""
    schema = Answer.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = (
        "What `nms-assistant ask --json QUESTION` prints: one JSON object. Every statement is a sentence taken "
        "verbatim from an indexed passage. Generated from assistant/records.py."
    )
    return schema


if __name__ == "__main__":
    print(json.dumps(answer_schema(), indent=1, sort_keys=True))
