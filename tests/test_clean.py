"""Cleaning on the real corpus texts and on small cases (pure functions, no model)."""

from __future__ import annotations

import re

import pytest

from ingest.clean import clean_text, join_hyphenated, normalise, strip_citation_marks
from ingest.loaders import markdown_to_text
from tests.conftest import CORPUS


def cleaned(name: str):
    return clean_text((CORPUS / name).read_text(encoding="utf-8"))


def test_pdf_hyphenation_is_undone_in_cmaj_text():
    text = cleaned("cmaj-neuroimmunologic-hypothesis.txt").text
    assert "esti-" not in text and "estimated 0.07% to 3.23%" in text
    assert "Possible risk factors" in text and "intramuscular injections" in text
    assert "suggesting that the acute phase response" in text  # "sug-" / blank line / "gesting"
    # no word broken at a former line end is left ("esti- mated", "Possi- ble")
    assert not re.search(r"\b[a-z]{2,}- [a-z]{2,}\b", text)


def test_real_hyphens_are_kept():
    text = cleaned("cmaj-neuroimmunologic-hypothesis.txt").text
    assert "life-threatening" in text  # also where "life-" ended a line in the Key points box
    assert "lifethreatening" not in text
    assert "well-designed" in text


@pytest.mark.parametrize(
    "left,right,plain,hyphenated,expected",
    [
        ("esti-", "mated", set(), set(), "estimated"),
        ("life-", "threatening", set(), {"life-threatening"}, "life-threatening"),
        ("case-", "control", set(), set(), "case-control"),
        ("anti-", "Parkinson", set(), set(), "anti-Parkinson"),
        ("treat-", "ment", {"treatment"}, set(), "treatment"),
    ],
)
def test_join_hyphenated(left, right, plain, hyphenated, expected):
    assert join_hyphenated(left, right, plain, hyphenated) == expected


def test_guideline_and_research_headings_become_sections():
    doc = cleaned("treatment-qa-guidelines-and-research.txt")
    titles = [s.title or "" for s in doc.sections]
    assert "From the Guidelines" in titles
    research = [t for t in titles if t.startswith("From the Research")]
    assert research, titles
    # research findings sit under the research heading, guideline text under the guideline one
    by_title = {s.title: doc.text[s.start : s.end] for s in doc.sections}
    assert "no statistically significant differences" in "".join(by_title[t] for t in research)
    assert "Discontinuation of the causative antipsychotic" in by_title["From the Guidelines"]


@pytest.mark.parametrize(
    "name,noise",
    [
        ("drug-treatment-explainer.txt", "Skip to content"),
        ("drug-treatment-explainer.txt", "5 min read"),
        ("drug-treatment-explainer.txt", "This content is for informational purposes only"),
        ("nejm-review-summary-hcn.txt", "Click below to leave this site"),
        ("nejm-review-summary-hcn.txt", "Peer-influenced content"),
        ("treatment-qa-guidelines-and-research.txt", "Help us tailor your experience"),
        ("treatment-qa-guidelines-and-research.txt", "Article Review Status"),
        ("treatment-qa-guidelines-and-research.txt", "Under Review"),
        ("treatment-qa-guidelines-and-research.txt", "Dr.Oracle assumes no liability"),
        ("treatment-qa-guidelines-and-research.txt", "Southern medical journal"),
        ("nms-encyclopedia-article.txt", "[when?]"),
    ],
)
def test_web_boilerplate_is_dropped(name, noise):
    assert noise not in cleaned(name).text


def test_floats_are_lifted_out_of_sentences():
    doc = cleaned("cmaj-neuroimmunologic-hypothesis.txt")
    text = doc.text
    # the sentences the Key points box, Box 1 and Table 1 interrupted are whole again
    assert "Metabolic changes range from decreased gluconeogenesis" in text
    assert "produce immunoglobulin-G antibodies against heparin bound to platelet factor IV" in text
    assert "does not directly explain the extreme rigidity, staring and mutism" in text
    kinds = {s.title or "": s.kind for s in doc.sections}
    assert kinds["Key points"] == "box"
    assert any(t.startswith("Box 1") and k == "box" for t, k in kinds.items())
    assert any(t.startswith("Figure 1") and k == "caption" for t, k in kinds.items())
    assert any(t.startswith("Table 1") and k == "table" for t, k in kinds.items())
    # a flattened table never ends up inside a prose section
    for section in doc.sections:
        if section.kind == "text":
            assert "Decreased motor activity" not in text[section.start : section.end]


def test_flattened_web_table_is_its_own_section():
    doc = cleaned("drug-treatment-explainer.txt")
    tables = [s for s in doc.sections if s.kind == "table"]
    assert len(tables) == 1
    table_text = doc.text[tables[0].start : tables[0].end]
    assert "Primary Mechanism" in table_text
    prose = "".join(doc.text[s.start : s.end] for s in doc.sections if s.kind != "table")
    assert "Primary Mechanism" not in prose


def test_cmaj_headings_are_sections():
    titles = {s.title for s in cleaned("cmaj-neuroimmunologic-hypothesis.txt").sections}
    for heading in ("Therapeutic implications", "Limitations", "Heat stress", "Testing our hypothesis"):
        assert heading in titles


@pytest.mark.parametrize(
    "line,wrapped,expected",
    [
        ("antipsychotic medication.1,2 Patients typically", True, "antipsychotic medication. Patients typically"),
        ("serve a homeostatic function,10 there are", True, "serve a homeostatic function, there are"),
        ("strenuous exercise21 or", True, "strenuous exercise or"),
        ("kinase levels as needed 1. The key", False, "kinase levels as needed. The key"),
        ("used with some success 2, 3, 4.", False, "used with some success."),
        ("patients with type 2. Others", False, "patients with type 2. Others"),
        ("first described in 1956. It", False, "first described in 1956. It"),
    ],
)
def test_citation_marks(line, wrapped, expected):
    assert strip_citation_marks(line, wrapped) == expected


def test_markdown_markup_is_inert_text():
    text = markdown_to_text(
        "# Title\n\nSee [the trial](http://x.example) ![img](a.png) <script>alert(1)</script> **bold**."
    )
    assert "Title" in text and "the trial" in text and "bold" in text
    assert "http" not in text and "<script>" not in text and "![" not in text


# --- issue 11: text of real journal PDFs -------------------------------------------------------------


def test_ligatures_control_characters_and_glyph_names_are_normalised():
    from ingest.clean import normalise
    from ingest.layout import clean_line_text

    assert normalise("modiﬁable ﬂuid") == "modifiable fluid"  # NFKC (ingest.normalize.normalize_text)
    assert normalise("dose\x00 /H20841 escalation") == "dose  escalation"
    assert clean_line_text("p /H20841 0.05 (cid:12)\x07") == "p 0.05"
    assert clean_line_text("hyperinsuline\u2011") == "hyperinsuline-"


@pytest.mark.parametrize(
    "left,right,plain,expected",
    [
        ("blood glu -", "cose levels", {"glucose"}, "blood glucose levels"),  # a space before the hyphen
        ("values -", "which rose", set(), "values - which rose"),  # a dash, not a broken word
        ("statistically signiﬁ-", "cant", {"significant"}, "statistically significant"),
        ("la ﬂ-", "uid", set(), "la ﬂuid"),
    ],
)
def test_dehyphenation_with_a_space_or_a_ligature_before_the_hyphen(left, right, plain, expected):
    from ingest.clean import normalise

    assert join_hyphenated(normalise(left), normalise(right), plain, set()) == normalise(expected)


def test_repeated_lines_and_page_chrome_are_dropped_before_joining():
    from ingest.layout import Page, prepare_pages
    from ingest.pdf_chars import TextLine

    def line(text, page, top):
        return TextLine(text, page, 50, top, 300, top + 9, 9.5, False)

    pages = [
        Page(
            n,
            595,
            842,
            (
                line("Smith et al. Journal of Tests (2024) 3:17", n, 30),
                line(f"Body text of page {n} that runs on", n, 100),
                line(f"Body text of page {n} that runs on", n, 100.5),  # overprinted
                line("Downloaded from https://example.org by guest on 1 May 2025", n, 400),
                line(f"Page {n} of 3", n, 810),
            ),
        )
        for n in (1, 2, 3)
    ]
    kept, dropped, chrome = prepare_pages(pages)
    assert [[ln.text for ln in p.lines] for p in kept] == [[f"Body text of page {n} that runs on"] for n in (1, 2, 3)]
    assert dropped["repeated"] == 3 and dropped["chrome"] == 9
    assert "Smith et al. Journal of Tests (2024) 3:17" in chrome


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("high fever ($> 38^{\\circ} C$), altered mental status", "high fever (> 38°C), altered mental status"),
        ("CK $\\ge 1000$ U/L", "CK ≥ 1000 U/L"),
        ("a $\\text{mg}/\\text{kg}$ dose", "a mg/kg dose"),
        ("it costs $5 and $10 a day", "it costs $5 and $10 a day"),  # money, not math
    ],
)
def test_inline_tex_of_web_pages_is_read_as_plain_text(raw, clean):
    assert normalise(raw) == clean
