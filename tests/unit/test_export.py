"""An answer's references (RIS, BibTeX) and its presentation (Markdown, terminal text): authors as
researchers cite them, the new parts of an answer (understood question, uncovered aspects, a hedge of
the source, a machine-written synthesis), and values from documents that try to break the formats."""

from __future__ import annotations

import re

import pytest

from assistant.export import export, references, to_bibtex, to_ris
from assistant.records import (
    Answer,
    Category,
    Citation,
    DroppedSentence,
    Stance,
    Statement,
    Status,
    Synthesis,
    SynthesisSentence,
    SynthesisStatus,
    Uncovered,
)
from assistant.render import (
    UNCERTAIN_TAG,
    escape_markdown,
    format_authors,
    source_line,
    split_name,
    to_markdown,
    to_text,
)
from ingest.bibliography import parse_bibtex, parse_ris
from ingest.records import DocumentInfo

HOSTILE = "![x](http://127.0.0.1:9/x.png) :material/warning: }{ \\ \nER  - \nTY  - JOUR"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Udo Reulbach", ("Reulbach", "U")),
        ("Reulbach, Udo", ("Reulbach", "U")),
        ("Reulbach U", ("Reulbach", "U")),
        ("Rosenberg MR", ("Rosenberg", "MR")),
        ("Christoph Dütsch", ("Dütsch", "C")),
        ("Jean-Pierre A. Martin", ("Martin", "JPA")),
        ("Ludwig van Beethoven", ("van Beethoven", "L")),
        ("Plato", ("Plato", "")),
    ],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


def test_authors_up_to_three_then_et_al():
    assert format_authors(["Udo Reulbach", "Christoph Dütsch"]) == "Reulbach U, Dütsch C"
    assert format_authors(["A Smith", "B Jones", "C Brown"]) == "Smith A, Jones B, Brown C"
    assert format_authors(["A Smith", "B Jones", "C Brown", "D Green"]) == "Smith A, Jones B, Brown C, et al."
    assert format_authors([]) == ""


def cite(n: int, doc: str, **fields) -> Citation:
    return Citation(
        id=n,
        document=fields.pop("title", f"Title of {doc}"),
        doc_id=doc,
        source=f"/corpus/{doc}",
        evidence_type=fields.pop("evidence_type", "research"),
        section="Results",
        page=2,
        text="Dantrolene shortened recovery.",
        score=0.8,
        passage_id=f"p{n}",
        **fields,
    )


ANSWER = Answer(
    question="what dose?",
    understood_as="What dose of dantrolene is used in NMS?",
    status=Status.ANSWERED,
    message="1 guideline statement(s) and 1 research finding(s) from 2 source(s).",
    summary="Dantrolene shortened recovery. [1]",
    guideline_statements=[Statement(text="Give dantrolene.", citations=[2], category=Category.GUIDELINE)],
    research_findings=[
        Statement(text="It is unclear whether dantrolene helps.", citations=[1, 3], stance=Stance.UNCERTAIN)
    ],
    uncovered=[Uncovered(aspect="dose", note="No indexed source gives a dose.")],
    synthesis=Synthesis(
        status=SynthesisStatus.VERIFIED,
        model="tiny-model",
        sentences=[SynthesisSentence(text="Dantrolene shortened recovery.", statements=[2], citations=[1, 3])],
        dropped=[DroppedSentence(text="Dantrolene cures 90% of cases.", reason='"90%" not in statement [2]')],
    ),
    citations=[
        cite(
            1,
            "trial.pdf",
            authors=["Udo Reulbach", "Christoph Dütsch", "Johannes Kornhuber", "Thomas Bleich"],
            journal="Crit Care",
            year=2007,
            doi="10.1186/cc5690",
            ocr=True,
        ),
        cite(
            2,
            "hostile.md",
            title=HOSTILE,
            authors=[HOSTILE, "Rosenberg MR"],
            journal=HOSTILE,
            doi=HOSTILE,
            evidence_type="guideline",
        ),
        cite(3, "trial.pdf", authors=["Udo Reulbach"], journal="Crit Care", year=2007),
    ],
)


def test_references_one_per_cited_document_in_order_of_citation():
    refs = references(ANSWER)
    assert [(r.doc_id, r.cited_as) for r in refs] == [("trial.pdf", (1, 3)), ("hostile.md", (2,))]
    info = DocumentInfo(
        doc_id="trial.pdf",
        title="t",
        source="s",
        evidence_type="research",
        evidence_type_origin="x",
        year=2007,
        origin=None,
        content_hash="h",
        n_chars=1,
        pmid="17222345",
        article_type="Research",
    )
    with_metadata = references(ANSWER, {"trial.pdf": info})[0]
    assert with_metadata.pmid == "17222345" and with_metadata.article_type == "Research"


def test_ris_is_valid_whatever_the_documents_hold():
    ris = to_ris(ANSWER)
    for line in ris.splitlines():
        assert line == "" or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    assert ris.count("TY  - ") == ris.count("ER  - ") == 2  # the title's "ER  - " stays inside its TI line
    first, second = parse_ris(ris)
    assert first.authors[:2] == ("U. Reulbach", "C. Dütsch") and first.year == 2007 and first.doi == "10.1186/cc5690"
    assert "N1  - text from OCR" in ris and "M3  - guideline" in ris
    assert second.title == " ".join(HOSTILE.split())


def test_bibtex_braces_balance_and_keys_are_unique():
    twice = ANSWER.model_copy(
        update={
            "citations": ANSWER.citations
            + [
                cite(
                    4,
                    "trial-2.pdf",
                    authors=["Udo Reulbach"],
                    journal="Crit Care",
                    year=2007,
                    title="Title of trial.pdf",
                )
            ]
        }
    )
    bibtex = to_bibtex(twice)
    depth = 0
    for ch in bibtex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    keys = re.findall(r"^@(\w+)\{([^,]+),", bibtex, re.M)
    assert keys[0] == ("article", "reulbach2007title") and keys[2] == ("article", "reulbach2007titlea")
    assert re.fullmatch(r"[a-z0-9]+", keys[1][1]) and len({k for _, k in keys}) == 3
    entries = parse_bibtex(bibtex)
    assert entries[0].authors[0] == "U. Reulbach" and entries[0].journal == "Crit Care"
    assert "note = {Evidence type: research; text from OCR}" in bibtex


def test_no_citations_no_references():
    empty = Answer(question="bread?", status=Status.NO_EVIDENCE, message="No evidence.")
    assert to_ris(empty) == "" and to_bibtex(empty) == ""
    with pytest.raises(ValueError, match="unknown export format"):
        export(empty, "docx")


def test_markdown_marks_what_is_new_and_keeps_documents_inert():
    text = to_markdown(ANSWER)
    assert f"_Understood as:_ {escape_markdown(ANSWER.understood_as)}" in text
    # the synthesis first, marked as machine-written, its dropped sentences counted but never shown
    assert text.index("## Short answer (machine-written, verified against the citations)") < text.index("**Summary:**")
    assert "- Dantrolene shortened recovery\\. [1][3]" in text and "tiny\\-model" in text
    assert "90%" not in text and "1 sentence(s) of the model's output were dropped" in text
    assert text.index("**Summary:**") < text.index(
        "**Not covered by the indexed sources:** No indexed source gives a dose"
    )
    assert f"[1][3] _({UNCERTAIN_TAG})_" in text and text.count(UNCERTAIN_TAG) == 1
    assert (
        escape_markdown("Reulbach U, Dütsch C, Kornhuber J, et al. Title of trial.pdf. Crit Care. 2007. doi:10.1186")
        in text
    )
    assert "text from OCR" in text and "![x](" not in text and "](http" not in text


def test_markdown_of_a_synthesis_that_fell_back_is_one_line():
    fallback = ANSWER.model_copy(
        update={
            "synthesis": Synthesis(
                status=SynthesisStatus.FALLBACK,
                model="tiny-model",
                note="Synthesis withheld: 0 of 2 sentences were supported.",
                dropped=[DroppedSentence(text="Made up.", reason="cites no statement")],
            )
        }
    )
    text = to_markdown(fallback)
    assert "## Short answer" not in text and "Made up" not in text
    assert "_Short answer by a language model: Synthesis withheld\\: 0 of 2 sentences were supported\\._" in text


def test_terminal_text():
    text = to_text(ANSWER)
    assert "Understood as: What dose of dantrolene is used in NMS?" in text
    assert (
        "Short answer (machine-written, verified against the citations):\n  - Dantrolene shortened recovery. [1][3]"
        in text
    )
    assert "(1 sentence(s) dropped by the verifier; --json lists them)" in text and "90%" not in text
    assert "Not covered by the indexed sources:\n  - No indexed source gives a dose." in text
    assert f"[1][3] ({UNCERTAIN_TAG})" in text
    assert source_line(ANSWER.citations[2]) == (
        "Reulbach U. Title of trial.pdf. Crit Care. 2007 (research; section: Results; p. 2) — /corpus/trial.pdf"
    )
