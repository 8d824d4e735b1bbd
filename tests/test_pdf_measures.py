"""The defect detectors of the real-paper benchmark (bench/pdf_quality.py): pure functions, each
checked on text that has the defect and on text that only looks like it."""

from __future__ import annotations

import pytest

from bench.pdf_quality import (
    body_shingles,
    broken_hyphens,
    chrome_hits,
    float_swallows,
    has_control_or_glyph,
    has_ligature,
    is_bogus_section,
    is_letter_spaced,
    is_reference_entry,
    kept_share,
    letters,
    norm_heading,
    norm_title,
    page_verdict,
    recurring_chrome,
    vocabulary,
)

REFERENCES = (
    "1. Strawn JR, Keck PE, Caroff SN. Neuroleptic malignant syndrome. Am J Psychiatry. 2007;164(6):870-6. "
    "2. Berman BD. Neuroleptic malignant syndrome: a review for neurohospitalists. Neurohospitalist. 2011;1(1):41-7."
)
PROSE_WITH_CITATIONS = (
    "Early detection of sepsis poses an important challenge (Bone et al. (1989)). Even experienced providers "
    "can have difficulty identifying it early, since its symptoms have many other causes (Jones et al. (2010)). "
    "Early fluid resuscitation and antibiotics improve outcomes (Ferrer et al. (2009))."
)


def test_reference_entries_are_told_from_prose_that_cites():
    assert is_reference_entry(REFERENCES)
    assert is_reference_entry(
        "R. C. Bone, R. A. Balk, F. B. Cerra, and et al. Definitions for sepsis. Chest, 101(6):1644-1655, 1992."
    )
    assert not is_reference_entry(PROSE_WITH_CITATIONS)
    assert not is_reference_entry("Recurrence occurred in 7 of 41 patients (17%) in 2019 and 2020.")


@pytest.mark.parametrize(
    "text,broken",
    [
        ("Blood glu - cose was normal.", ["glu - cose"]),
        ("It was statistically signifi- cant.", ["signifi- cant"]),
        ("Both hypo- and hyperactive variants.", []),  # a suspended hyphen is not a break
        ("A life-threatening reaction.", []),
        ("The well- known effect.", []),  # "wellknown" is not a word of the document
    ],
)
def test_broken_hyphens(text, broken):
    vocab = {"glucose", "significant", "life-threatening", "well-known", "known", "well"}
    assert broken_hyphens(text, vocab) == broken


def test_ligatures_control_characters_and_glyph_names():
    assert has_ligature("modiﬁable factors") and not has_ligature("modifiable factors")
    assert has_control_or_glyph("dose\x00 escalation") and has_control_or_glyph("p /H20841 0.05")
    assert has_control_or_glyph("(cid:12) value") and not has_control_or_glyph("p < 0.05 (n = 12)")


def test_chrome_inside_passages():
    assert chrome_hits("as shown Downloaded from https://academic.oup.com/nar by guest on 25 June 2025 before", [])
    assert chrome_hits("the drug. https://doi.org/10.1186/s13059-023-02935-8 It was", [])
    assert chrome_hits("fever and Gersing et al. Genome Biology rigidity", ["Gersing et al. Genome Biology"])
    assert not chrome_hits("Fever and rigidity were the first signs in 12 patients.", ["Gersing et al. Genome Biology"])


def test_letter_spaced_words():
    assert is_letter_spaced("R E S E A R C H ARTICLE") and not is_letter_spaced("A B testing in the ICU")


@pytest.mark.parametrize(
    "title,bogus",
    [
        ("Results", False),
        ("Results › Patient characteristics", False),
        ("0.5 1.0 1.5", True),
        ("ing and interpretation", True),
        ("Gersing et al. Genome Biology", True),
        ("3.1", True),
        (None, False),
    ],
)
def test_bogus_sections(title, bogus):
    assert is_bogus_section(title, ["Gersing et al. Genome Biology"]) is bogus


def test_floats_swallowing_body_text():
    page = (
        "Figure 2. Schematic of the method. Panel A shows the model.\n"
        + "Body text goes on. " * 300
        + "Late sentence here about the outcome of the whole study."
    )
    assert float_swallows("Figure 2", "text")  # prose filed under a float label
    assert not float_swallows("Figure 2: Schematic", "caption", "Panel A shows the model.", [page])
    assert float_swallows(
        "Figure 2: Schematic", "caption", "Late sentence here about the outcome of the whole study.", [page]
    )  # far from any label
    assert not float_swallows("Results", "text")


def test_page_verdicts():
    pages = [
        letters("First page text about fever and rigidity in patients."),
        letters("Second page on dantrolene dosing and timing."),
    ]
    assert page_verdict("Second page on dantrolene dosing and timing.", 2, pages) == "right"
    assert page_verdict("Second page on dantrolene dosing and timing.", 1, pages) == "wrong"
    assert page_verdict("Nothing like this anywhere in the document at all.", 1, pages) == "unverifiable"


def test_recurring_chrome_and_vocabulary_from_pdftotext_pages():
    pages = [
        f"Smith et al. Journal of Tests (2024) 1:{n}\nBody line {n} with words\nmore body\nPage {n} of 3"
        for n in (1, 2, 3)
    ]
    chrome = recurring_chrome(pages)
    assert any("Journal of Tests" in c for c in chrome)
    vocab = vocabulary(["The esti-\nmated rate was life-threatening."])
    assert "life-threatening" in vocab and "threatening" in vocab and "esti" not in vocab


def test_text_kept_and_normalisers():
    pages = [
        "Neuroleptic malignant syndrome is a rare reaction to drugs.\nReferences\n1. Smith J. Some paper title here."
    ]
    shingles = body_shingles(pages)
    assert kept_share(shingles, "Neuroleptic malignant syndrome is a rare reaction to drugs.") == 1.0
    assert kept_share(shingles, "Something else entirely was kept here today.") == 0.0
    assert (
        norm_heading("2. Materials and Methods") == "materials and methods" and norm_heading("ABSTRACT") == "abstract"
    )
    assert norm_title("Gasdermins’ Pore-Forming") == norm_title("Gasdermins' pore forming")
