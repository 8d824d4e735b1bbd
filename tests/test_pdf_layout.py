"""Layout analysis on a generated two-column journal article (always runs; no model, no benchmark).

The article (tests/pdf_fixtures.py) has running heads and footers, a licence line, a rotated
download stamp, a title block with affiliations and correspondence, a structured abstract, bold
headings and subheadings, line-end hyphens (one after a ligature), a table, a figure with axis
labels and its caption, back matter and a numbered reference list. The defect detectors are those
of the real-paper benchmark (bench/pdf_quality.py).
"""

from __future__ import annotations

import shutil

import pytest

from bench.pdf_quality import (
    broken_hyphens,
    chrome_hits,
    has_control_or_glyph,
    has_ligature,
    is_bogus_section,
    is_reference_entry,
    passage_defects,
    vocabulary,
)
from ingest.chunk import approximate_tokens
from ingest.reader import parse_document
from nmsa.settings import IngestSettings
from tests.pdf_fixtures import (
    CAPTION,
    DOI,
    HYPHENATED_LINES,
    JOURNAL,
    REFERENCES,
    RESULTS_AFTER_TABLE,
    RUNNING_HEAD,
    TABLE_ROWS,
    write_journal_pdf,
)


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    path = tmp_path_factory.mktemp("journal") / "lindqvist-2024-dantrolene.pdf"
    spec = write_journal_pdf(path)
    doc = parse_document(path, path.read_bytes(), IngestSettings(), approximate_tokens, None, "hash")
    return spec, doc


def _all_text(doc) -> str:
    return "\n".join(p.text for p in doc.passages)


def test_every_passage_is_free_of_extraction_defects(article):
    spec, doc = article
    chrome = [RUNNING_HEAD, f"https://doi.org/{DOI}"]
    vocab = vocabulary(["\n".join(HYPHENATED_LINES).replace("\ufb01-\n", "fi").replace("-\n", ""), _all_text(doc)])
    defects = {p.id: passage_defects(p, chrome, vocab) for p in doc.passages}
    assert doc.passages and not any(defects.values()), {k: v for k, v in defects.items() if v}
    assert not any(is_reference_entry(p.text) for p in doc.passages)


def test_reference_list_is_the_bibliography_not_passages(article):
    _, doc = article
    assert len(doc.info.bibliography) == len(REFERENCES)
    assert doc.info.bibliography[0].startswith("1. Strawn JR")
    assert "Am J Psychiatry. 2007;164(6):870-6." in doc.info.bibliography[0]
    text = _all_text(doc)
    assert "Strawn JR" not in text and "Psychopharmacol Bull" not in text


def test_metadata_is_read_from_the_printed_page(article):
    spec, doc = article
    info = doc.info
    assert info.title == spec.title  # not the producer's file name in the PDF metadata
    assert info.authors == spec.authors  # superscript affiliation marks dropped
    assert info.journal == JOURNAL and info.year == spec.year and info.doi == DOI
    assert info.article_type == "Research Article"
    assert info.evidence_type == "research" and info.evidence_type_origin == "inferred"
    assert info.n_pages == spec.pages and not info.ocr


def test_standard_headings_and_subheadings_are_sections(article):
    spec, doc = article
    titles = [s.title or "" for s in doc.clean.sections]
    parts = {part for t in titles for part in t.split(" › ")}
    for heading in spec.headings:
        assert heading in parts, (heading, titles)
    assert "Methods › Study population" in titles and "Abstract › Results" in titles
    assert not any(is_bogus_section(t) for t in titles)
    assert "Acknowledgements" not in parts  # back matter is not indexed
    assert "We thank the pharmacy" not in _all_text(doc)


def test_front_matter_and_page_chrome_stay_out_of_the_body(article):
    _, doc = article
    text = _all_text(doc)
    for chrome in (
        "Downloaded from",
        "by guest",
        "Page 1 of",
        "Page 2 of",
        "doi.org",
        "Lindqvist et al.",
        "Correspondence",
        "Received:",
        "Creative Commons",
        "University of Northfield",
        "Open Access",
        "RESEARCH ARTICLE",
        "Keywords",
    ):
        assert chrome not in text, chrome
    assert not chrome_hits(text, [RUNNING_HEAD])


def test_line_end_hyphens_and_ligatures(article):
    _, doc = article
    text = _all_text(doc)
    assert "statistically significant." in text  # "signiﬁ-" + "cant": a ligature before the hyphen
    assert "Blood glucose and serum sodium" in text
    assert "inflammatory markers" in text and "defined as dantrolene" in text  # ﬂ and ﬁ glyphs, NFKC
    assert not has_ligature(text) and not has_control_or_glyph(text)
    assert not broken_hyphens(text, {"significant", "glucose", "comparison", "statistically"})


def test_table_is_a_table_passage_and_does_not_swallow_the_text_after_it(article):
    _, doc = article
    tables = [p for p in doc.passages if p.kind == "table"]
    assert len(tables) == 1 and tables[0].section.startswith("Table 1")
    rows = tables[0].text.split("\n")
    assert rows[0] == " | ".join(TABLE_ROWS[0]) and rows[-1] == " | ".join(TABLE_ROWS[-1])
    after = next(p for p in doc.passages if RESULTS_AFTER_TABLE[:40] in p.text)
    assert after.kind == "text" and after.section == "Results"


def test_caption_is_one_bounded_block(article):
    _, doc = article
    captions = [p for p in doc.passages if p.section and p.section.startswith("Figure 1")]
    assert [p.kind for p in captions] == ["caption"]
    assert captions[0].text == CAPTION  # no axis labels before it, no body text after it
    assert not any(p.text.startswith(("0 5", "Early Late", "15")) for p in doc.passages)


def test_page_numbers_follow_the_printed_pages(article):
    spec, doc = article
    checked = 0
    for words, page in spec.page_of.items():
        hit = next(
            (p for p in doc.passages if p.text.replace("\ufb01", "fi").startswith(words.replace("\ufb01", "fi"))), None
        )
        if hit is not None:
            checked += 1
            assert hit.page == page, (words, hit.page, page)
    assert checked >= 8


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed: run `make system-deps`"
)
def test_page_numbers_agree_with_pdftotext(article):
    from bench.pdf_quality import letters, page_verdict, pdftotext_pages

    spec, doc = article
    pages = [letters(p) for p in pdftotext_pages(spec.path)]
    verdicts = [page_verdict(p.text, p.page, pages) for p in doc.passages]
    assert verdicts.count("wrong") == 0 and verdicts.count("right") >= 0.8 * len(verdicts)


def test_a_pdf_that_is_one_short_paragraph_keeps_its_text(tmp_path):
    """No body font to tell front matter from text (a note, an abstract page): the prose is the text,
    not dropped as a title block (an upload of it once came out with no passages at all)."""
    from tests.conftest import write_pdf

    lines = [
        "Apomorphine in NMS: a case report",
        "Apomorphine reversed rigidity in one",
        "patient with neuroleptic malignant syndrome within hours.",
    ]
    path = write_pdf(tmp_path / "note.pdf", [lines])
    doc = parse_document(path, path.read_bytes(), IngestSettings(), approximate_tokens, None, "hash")
    assert "reversed rigidity in one patient" in _all_text(doc)
