"""A table's rows are quoted with the table's header row, and only for a table that has one
(ingest.chunk.table_header, assistant.candidates.collect, assistant.render, the embedded text). Model-free."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assistant.candidates import collect
from assistant.records import Answer, Category, Statement, Status
from assistant.render import TABLE_LABEL, to_markdown, to_text
from index.builder import embedding_texts
from index.search import Hit
from ingest.chunk import table_header
from ingest.records import Passage
from tests.unit.test_render import citation as render_citation


def passage(doc: str, section: str, kind: str, rows: list[str], header: str | None = None) -> Passage:
    text, spans = "", []
    for r in rows:
        spans.append((len(text), len(text) + len(r)))
        text += r + "\n"
    return Passage(
        id=f"{doc}-{section}-{rows[0][:5]}", doc_id=doc, title=doc, source=f"/x/{doc}", evidence_type="review",
        section=section, kind=kind, page=None, start=0, end=len(text), text=text, sentences=tuple(spans),
        table_header=header if header is not None else table_header(rows),
    )  # fmt: skip


PIPE_HEADER = "Feature | Serotonin syndrome | Neuroleptic malignant syndrome"
PASSAGES = [
    passage("t.md", "Table 1", "table", [
        "Table 1 of a review article, shown on its own.",
        PIPE_HEADER,
        "Onset of symptoms | Within 24 hours | Within 7 days (longer with depot drugs)",
    ]),
    passage("t.md", "Table 1", "table", [
        "Recovery | 70% within 24 hours | 2 to 14 days",
        "(Only the table is stored; the article text is not.)",
    ], header=PIPE_HEADER),  # the table's second passage: the chunker gives it the table's header
    passage("e.txt", "Comparison (table)", "table", [
        "Feature Bromocriptine (Dopamine Agonist) Dantrolene (Muscle Relaxant) Benzodiazepines",
        "Onset of Action Slower (days) compared to dantrolene. Faster (hours) for severe rigidity. Fast-acting.",
    ]),
    passage("k.md", "Title (table)", "table", [
        "Koschel J, Ray Chaudhuri K, Tonges L, Thiel M.",
        "Review article based on a systematic literature search of withdrawal in Parkinson's disease.",
        "Keywords: dopamine agonists; levodopa; withdrawal.",
    ]),
    passage("i.txt", "Abstract (table)", "table", [
        "Indexing",
        "The subject headings also tag the report as a retrospective study, since the diagnosis came later.",
        "Substances: antipsychotic agents; lorazepam.",
    ]),
]  # fmt: skip


def snapshot() -> SimpleNamespace:
    return SimpleNamespace(
        passages=PASSAGES,
        documents={},
        sentence_vectors_of=lambda row: np.zeros((len(PASSAGES[row].sentences), 4), np.float32),
    )


def test_the_header_is_the_first_row_with_cells():
    assert table_header(["Table 1 of a review, shown on its own.", PIPE_HEADER, "Onset | 24 h | 7 days"]) == PIPE_HEADER


def test_a_flattened_table_without_cells_has_its_label_row_as_header():
    assert table_header(PASSAGES[2].sentence_texts()).startswith("Feature Bromocriptine")


def test_author_and_indexing_blocks_laid_out_line_by_line_have_no_header():
    assert table_header(PASSAGES[3].sentence_texts()) is None  # the first line ends a sentence: names, not labels
    assert table_header(PASSAGES[4].sentence_texts()) is None  # one word: not a row of column labels
    authors = [
        "Z. Korzets, E. Zeltzer and J. Bernheim",  # no full stop, a few words: only the rows below tell
        "Department of Nephrology, Meir Hospital, Kfar Saba, Israel",
        "Nephrology Dialysis Transplantation (1996) 11: 885-886. Case Report",
    ]
    assert table_header(authors) is None
    assert (
        table_header(["Indexing of the record", "Publication type: case reports.", "MeSH terms: humans; male."]) is None
    )


def test_a_row_is_embedded_with_its_header_and_the_header_on_its_own():
    texts = embedding_texts(PASSAGES[0])
    assert texts[1] == f"Table 1: {PIPE_HEADER}"
    assert (
        texts[2]
        == f"Table 1: {PIPE_HEADER} — Onset of symptoms | Within 24 hours | Within 7 days (longer with depot drugs)"
    )
    assert embedding_texts(PASSAGES[3])[1].startswith("Title (table): Review article")  # no header: as before


def test_rows_are_quoted_with_their_header_and_the_header_and_notes_are_not():
    hits = [
        Hit(passage=p, row=r, rank=r, score=1.0, dense_score=1.0, lexical_score=1.0) for r, p in enumerate(PASSAGES)
    ]
    quoted = {c.text: c.table_header for c in collect(snapshot(), hits)}  # type: ignore[arg-type]
    assert quoted == {
        "Onset of symptoms | Within 24 hours | Within 7 days (longer with depot drugs)": PIPE_HEADER,
        "Recovery | 70% within 24 hours | 2 to 14 days": PIPE_HEADER,
        PASSAGES[2].text.splitlines()[1]: PASSAGES[2].text.splitlines()[0],
    }


def test_a_row_is_shown_with_its_columns_and_not_cited_as_one():
    row = "Recovery | 70% within 24 hours | 2 to 14 days"
    statement = Statement(text=row, citations=[1], category=Category.FINDING, table_header=PIPE_HEADER)
    result = Answer(
        question="recovery in SS vs NMS?", status=Status.ANSWERED, message="", index_generation="g",
        research_findings=[statement], citations=[render_citation(1, "t", row)],
    )  # fmt: skip
    assert f"({TABLE_LABEL}: {PIPE_HEADER}) {row} [1]" in to_text(result, width=400)
    assert f"*({TABLE_LABEL}: Feature \\| Serotonin syndrome \\| Neuroleptic malignant syndrome)*" in to_markdown(
        result
    )
    assert result.to_json()["research_findings"][0]["table_header"] == PIPE_HEADER


def test_a_row_whose_label_the_question_uses_is_the_row_asked():
    from assistant.candidates import _row_label_asked

    question = {"risk", "factor", "malign", "hyperthermia"}
    assert _row_label_asked("Risk factors | Fast dose increases | Older age", question)
    assert _row_label_asked("Patients at risk | Men | Women", question)  # half of the label's words
    assert not _row_label_asked("Typical symptoms | Rigidity | Dry skin", question)
    # a flattened row (no cell marks) is labelled by its first two words
    assert _row_label_asked("Risk Factors Rapid dose increases. Older age.", question)
    assert not _row_label_asked("Key Limitation May worsen psychosis.", question)


SHORT_LINED_PAGE = """# Hyperthermic syndromes compared

A comparison table from a textbook chapter,
stored on its own, with no caption.

| Characteristic | NMS | Malignant hyperthermia |
| --- | --- | --- |
| Risk factors | Rapid dose increases | Genetic predisposition |
| Typical symptoms | Rigidity; fever | Rigidity after an anaesthetic |
"""


def test_a_markdown_table_stays_a_table_in_a_page_of_short_lines():
    from ingest.clean import clean_text
    from ingest.loaders import markdown_to_text

    doc = clean_text(markdown_to_text(SHORT_LINED_PAGE))
    tables = [doc.text[s.start : s.end] for s in doc.sections if s.kind == "table"]
    assert len(tables) == 1
    assert tables[0].splitlines()[1] == "Risk factors | Rapid dose increases | Genetic predisposition"  # row by row
    assert "A comparison table from a textbook chapter, stored on its own" in doc.text  # the prose still joins
