"""The answer contract as the records generate it (assistant.records.answer_schema): what it
requires, what it names, and what it keeps out (scores and internals stay off the wire)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.records import answer_schema

SCHEMA = answer_schema()


def at(path: str) -> Any:
    node: Any = SCHEMA
    for key in path.split("/"):
        node = node[key]
    return node


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$schema", "https://json-schema.org/draft/2020-12/schema"),
        ("title", "Answer"),
        ("type", "object"),
        ("additionalProperties", False),
        (
            "required",
            [
                "question",
                "understood_as",
                "status",
                "message",
                "summary",
                "guideline_statements",
                "research_findings",
                "contested",
                "uncovered",
                "synthesis",
                "citations",
                "nearest",
                "retrieved",
                "index_generation",
                "timings_ms",
                "instructions_ignored",
            ],
        ),
        ("properties/status", {"$ref": "#/$defs/Status"}),
        ("$defs/Status/enum", ["answered", "no_evidence"]),
        ("$defs/Category/enum", ["guideline", "finding", "background"]),
        ("$defs/Stance/enum", ["supports", "disputes", "uncertain", "figure"]),
        ("properties/guideline_statements/items", {"$ref": "#/$defs/Statement"}),
        ("properties/research_findings/items", {"$ref": "#/$defs/Statement"}),
        ("properties/contested/items", {"$ref": "#/$defs/ContestedClaim"}),
        ("properties/citations/items", {"$ref": "#/$defs/Citation"}),
        ("properties/nearest/items", {"$ref": "#/$defs/Citation"}),
        ("properties/uncovered/items", {"$ref": "#/$defs/Uncovered"}),
        ("properties/instructions_ignored/type", "integer"),
        ("properties/timings_ms/additionalProperties", {"type": "number"}),
        ("$defs/Statement/required", ["text", "citations", "category", "stance", "context", "table_header"]),
        ("$defs/Statement/properties/citations/minItems", 1),
        ("$defs/Statement/properties/category", {"$ref": "#/$defs/Category", "default": "finding"}),
        ("$defs/ContestedClaim/required", ["topic", "summary", "reason", "positions"]),
        ("$defs/ContestedClaim/properties/positions/minItems", 1),
        (
            "$defs/Citation/required",
            [
                "id",
                "document",
                "doc_id",
                "source",
                "evidence_type",
                "section",
                "page",
                "text",
                "score",
                "passage_id",
                "highlights",
                "authors",
                "year",
                "journal",
                "doi",
                "ocr",
            ],
        ),
        ("$defs/Uncovered/required", ["aspect", "note"]),
        (
            "properties/synthesis",
            {
                "anyOf": [{"$ref": "#/$defs/Synthesis"}, {"type": "null"}],
                "default": None,
                "description": "an optional prose answer by a language model, only its verified sentences (issue 13)",
            },
        ),
        ("$defs/Synthesis/required", ["status", "sentences", "dropped", "note", "model"]),
        ("$defs/SynthesisStatus/enum", ["verified", "fallback", "unavailable"]),
    ],
)
def test_answer_schema(path, expected):
    assert at(path) == expected


@pytest.mark.parametrize(
    ("record", "fields"),
    [
        (
            "",
            "citations contested guideline_statements index_generation instructions_ignored message nearest question "
            "research_findings retrieved status summary synthesis timings_ms uncovered understood_as",
        ),
        ("$defs/Statement/", "category citations context stance table_header text"),  # no score, no doc_id
        (
            "$defs/Citation/",
            "authors doc_id document doi evidence_type highlights id journal ocr page passage_id score section source "
            "text year",
        ),
        ("$defs/Synthesis/", "dropped model note sentences status"),
    ],
)
def test_fields_on_the_wire(record, fields):
    """Internals (a statement's score and document, the ignored instructions' text) are not serialised."""
    assert sorted(at(record + "properties")) == fields.split()
