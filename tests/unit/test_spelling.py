"""Near misses of the index's words in typed questions (assistant.spelling), on a hand-written index."""

from __future__ import annotations

import pytest

from assistant.spelling import Speller
from index.lexical import tokenize

TEXTS = [
    "The mortality of neuroleptic malignant syndrome fell; mortality was lower with early care.",
    "Creatine kinase was raised. Influence of dehydration. The syndrome resolved.",
]
KNOWN = {s for t in TEXTS for s in tokenize([t])[0]}


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("neuroleptic mortalty rate", "neuroleptic mortality rate"),
        # a misspelling with the stem of a known word is read right by the index already
        ("malignent syndrom", "malignent syndrom"),
        ("Mortalty?", "mortality?"),
        # two letters swapped are one slip, not two
        ("dehdyration", "dehydration"),
        # a real word the index does not use is not a typo of one it does (two edits, up to ten letters)
        ("creatinine clearance", "creatinine clearance"),
        ("influenza", "influenza"),
        # short words are abbreviations and units
        ("CK temp", "CK temp"),
        ("", ""),
    ],
)
def test_near_misses_are_read_as_the_index_s_words(typed, read):
    assert Speller(KNOWN, lambda: TEXTS).text(typed) == read


def test_words_to_keep_are_left_as_typed_and_the_passages_are_read_once():
    reads = []

    def texts():
        reads.append(1)
        return TEXTS

    speller = Speller(KNOWN, texts)
    assert speller.text("mortalty", keep=lambda w: w == "mortalty") == "mortalty"
    assert speller.text("mortalty dehydraton") == "mortality dehydration"
    assert speller.text("the syndrome") == "the syndrome"  # known words need no passage
    assert reads == [1]


def test_a_dropped_letter_is_read_before_a_changed_one_even_against_a_more_frequent_word():
    texts = ["The stored copy. The stored copy. The stored copy.", "The drug was stopped."]
    known = {s for t in texts for s in tokenize([t])[0]}
    assert Speller(known, lambda: texts).text("when it was stoped") == "when it was stopped"


def test_a_contraction_typed_without_its_apostrophe_is_read_as_the_contraction():
    """ "arent" is one edit from the index's "agent", but it is "aren't": a negation must not become a noun."""
    texts = ["The agent was stopped; they were there."]
    known = {s for t in texts for s in tokenize([t])[0]}
    speller = Speller(known, lambda: texts)
    assert speller.text("drugs that arent antipsychotics") == "drugs that aren't antipsychotics"
    assert speller.text("theyre stiff") == "they're stiff"
