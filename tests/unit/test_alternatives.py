"""Two answers a question sets side by side (assistant.alternatives). Model-free: the embedder is a lookup."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.alternatives import (
    alternative_flag,
    alternatives,
    attributed_flag,
    attributed_sides,
    differ_issue,
    issue_of,
    names_unseen,
    own_words,
    said_to_differ,
    said_to_differ_flag,
)
from assistant.records import ContestReason, Stance
from tests.unit.test_coverage import cand
from tests.unit.test_reading import VOCABULARY

SKIP = frozenset({"nms", "neurolept", "malign", "syndrom", "antipsychot"})


@pytest.mark.parametrize(
    "ask,pair",
    [
        (
            "Is the high white count only from the muscle breakdown, or part of an inflammatory response?",
            ("Is the high white count only from the muscle breakdown", "part of an inflammatory response"),
        ),
        (
            "My boss says the sweating is from the heat; the nurse thinks it is autonomic instability. Who is right?",
            ("the sweating is from the heat", "autonomic instability"),
        ),
        (
            "58F, T 39.2: should we restart the same drug, or should a weaker one be chosen?",
            ("should we restart the same drug", "should a weaker one be chosen"),
        ),
        # not two answers: "or not", a list of two names, an alternative of one word
        ("Is dantrolene useful or not?", None),
        ("Is haloperidol or droperidol worse?", None),
        ("Does it help, or harm?", None),
    ],
)
def test_the_two_answers_a_question_sets_side_by_side(ask, pair):
    assert alternatives(ask) == pair


def test_each_side_keeps_only_its_own_words():
    first, second = own_words("is the NMS fever from the hypothalamus", "is the NMS fever from cytokines", SKIP)
    assert len(first) == 1 and next(iter(first)).startswith("hypothalam")
    assert len(second) == 1 and next(iter(second)).startswith("cytokin")  # the shared subject and NMS left out


def _embed_table(table: dict[str, list[float]]):
    def embed(text: str) -> np.ndarray:
        return np.asarray(table[text], np.float32)

    return embed


def _with_vector(c, vector):
    c.vector = np.asarray(vector, np.float32)
    return c


PAIR = ("the fever comes from the hypothalamus", "the fever comes from cytokines and prostaglandins")
EMBED = _embed_table({PAIR[0]: [1, 0, 0, 0], PAIR[1]: [0, 1, 0, 0]})


def test_two_sources_on_two_sides_are_flagged_with_both():
    pool = [
        _with_vector(cand("Fever results from hypothalamus dysfunction.", "a.txt", row=1), [0.9, 0.1, 0, 0]),
        _with_vector(cand("Cytokines and prostaglandins raise the fever.", "b.txt", row=2), [0.1, 0.9, 0, 0]),
    ]
    flag = alternative_flag(PAIR, pool, EMBED, VOCABULARY, SKIP, 0.45, 0.1, 10)
    assert flag is not None and flag.topic.endswith("(two answers)")
    sides = {c.doc_id: s for c, s in flag.positions}
    assert sides == {"a.txt": Stance.SUPPORTS, "b.txt": Stance.DISPUTES}


@pytest.mark.parametrize(
    "second_text,second_vector",
    [
        ("Cytokines and prostaglandins raise the fever.", [0.5, 0.5, 0, 0]),  # not clearly closer to one side
        ("Cytokines and prostaglandins raise the fever.", [0.1, 0.3, 0, 0]),  # not close enough to it
        ("Fever is common in the syndrome.", [0.1, 0.9, 0, 0]),  # close, but none of that side's own words
    ],
)
def test_no_flag_without_a_clear_second_side(second_text, second_vector):
    pool = [
        _with_vector(cand("Fever results from hypothalamus dysfunction.", "a.txt", row=1), [0.9, 0.1, 0, 0]),
        _with_vector(cand(second_text, "b.txt", row=2), second_vector),
    ]
    assert alternative_flag(PAIR, pool, EMBED, VOCABULARY, SKIP, 0.45, 0.1, 10) is None


def test_one_source_on_one_side_is_no_disagreement():
    pool = [
        _with_vector(cand("Fever results from hypothalamus dysfunction.", "a.txt", row=1), [0.9, 0.1, 0, 0]),
        _with_vector(cand("The hypothalamus sets the fever.", "c.txt", row=3), [0.8, 0.1, 0, 0]),
    ]
    assert alternative_flag(PAIR, pool, EMBED, VOCABULARY, SKIP, 0.45, 0.1, 10) is None


def test_a_side_named_by_a_synonym_is_found():
    """ "muscle breakdown" in the question, "rhabdomyolysis" in the source: one word of the synonyms file."""
    pair = ("is the white count from muscle breakdown", "is the white count from an acute phase response")
    embed = _embed_table({pair[0]: [1, 0, 0, 0], pair[1]: [0, 1, 0, 0]})
    pool = [
        _with_vector(cand("The raised WBC is due to rhabdomyolysis.", "a.txt", row=1), [0.9, 0.1, 0, 0]),
        _with_vector(cand("Leukocytosis is part of the acute phase response.", "b.txt", row=2), [0.1, 0.9, 0, 0]),
    ]
    flag = alternative_flag(pair, pool, embed, VOCABULARY, SKIP, 0.45, 0.1, 10)
    assert flag is not None and {c.doc_id for c, _ in flag.positions} == {"a.txt", "b.txt"}
    assert "synonymgroup" not in flag.topic + flag.summary


def test_an_answer_naming_what_no_passage_mentions_is_no_side_sources_can_take():
    pair = ("do you need a DaTscan to confirm dementia with Lewy bodies", "is the clinical picture enough")
    assert names_unseen(pair, ["DaTscan"])
    assert not names_unseen(pair, [])
    assert not names_unseen(pair, ["gout"])  # a word of the question outside both answers


# --- sources a question sets against each other ("the encyclopedia says A, but the CMAJ paper says B") ---


def _names(text: str) -> list[str]:
    """A stand-in for LexicalStats.named_documents: two documents named by one word each."""
    low = text.lower()
    return [doc for word, doc in (("encyclopedia", "enc.txt"), ("cmaj", "cmaj.txt")) if word in low]


@pytest.mark.parametrize(
    "text,sides",
    [
        (
            "Is NMS genetic? The encyclopedia sounds sure, but the CMAJ paper calls it a question for research.",
            [
                ("The encyclopedia sounds sure", ("enc.txt",)),
                ("the CMAJ paper calls it a question for research", ("cmaj.txt",)),
            ],
        ),
        (
            "Is the D2 theory well corroborated? Encyclopedia vs CMAJ.",
            [("Encyclopedia", ("enc.txt",)), ("CMAJ", ("cmaj.txt",))],
        ),
        (
            "The encyclopedia lists it; the CMAJ paper does not.",
            [("The encyclopedia lists it", ("enc.txt",)), ("the CMAJ paper does not", ("cmaj.txt",))],
        ),
        # not two sides: one source, a turn without a second source, both named in one clause, no turn at all
        ("The encyclopedia says it is rare, but is it?", None),
        ("Is it rare? The encyclopedia and the CMAJ paper both say so.", None),
        ("Does the encyclopedia agree with the CMAJ paper on the dose?", None),
        ("The encyclopedia calls it rare, but the encyclopedia also gives 3%.", None),
        # the sources named together, said to differ: each a side of its own
        (
            "Is it the drug or the muscle? The encyclopedia and the CMAJ paper seem to tell it diferently",
            [
                ("The encyclopedia and the CMAJ paper seem to tell it diferently", ("enc.txt",)),
                ("The encyclopedia and the CMAJ paper seem to tell it diferently", ("cmaj.txt",)),
            ],
        ),
        # what each says, after a comma; a question about what each says is no such statement
        (
            "How fast does it develop? the encyclopedia says hours, the CMAJ paper says days - which is it?",
            [("the encyclopedia says hours", ("enc.txt",)), ("the CMAJ paper says days - which is it", ("cmaj.txt",))],
        ),
        ("What does the encyclopedia say about the unit, and which problems does the CMAJ paper list?", None),
        # a list of the sources said to differ
        (
            "Is it one disorder? The encyclopedia, the CMAJ paper and our notes pull in different directions.",
            [
                ("The encyclopedia, the CMAJ paper and our notes pull in different directions", ("enc.txt",)),
                ("The encyclopedia, the CMAJ paper and our notes pull in different directions", ("cmaj.txt",)),
            ],
        ),
        # the other side given as the sources the question does not name
        (
            "The encyclopedia lists diazepam, but other texts seem to play it down.",
            [("The encyclopedia lists diazepam", ("enc.txt",)), ("other texts seem to play it down", ("*",))],
        ),
        ("Other texts seem to play it down, but what does the encyclopedia say?", None),  # "other" before any source
    ],
)
def test_the_sources_a_question_sets_against_each_other(text, sides):
    assert attributed_sides(text, _names) == sides


def test_the_issue_is_the_question_that_names_no_source():
    assert issue_of("Is NMS genetic or not? The encyclopedia says yes, but the CMAJ paper says no.", _names) == (
        "Is NMS genetic or not"
    )
    assert issue_of("Incidence 0.02% (encyclopedia) vs 3% (CMAJ) - which est. to quote?", _names) == (
        "Incidence 0.02% (encyclopedia) vs 3% (CMAJ) - which est. to quote"  # every question names one: the first
    )


SIDES = [("the encyclopedia calls it genetic", ("enc.txt",)), ("the CMAJ paper calls it unknown", ("cmaj.txt",))]
SIDE_EMBED = _embed_table({SIDES[0][0]: [1, 0, 0, 0], SIDES[1][0]: [0, 1, 0, 0]})


def _scored(text, doc, row, vector, similarity):
    c = _with_vector(cand(text, doc, row=row), vector)
    c.similarity = similarity
    return c


def test_each_named_source_shows_its_sentence_nearest_to_what_the_question_says_it_says():
    pool = [
        _scored("Twins have both had NMS, so a genetic factor is purported.", "enc.txt", 1, [0.9, 0, 0, 0], 0.5),
        _scored("NMS is usually caused by antipsychotic drugs.", "enc.txt", 2, [0, 0, 1, 0], 0.55),
        _scored("Further research on genomic variants is needed.", "cmaj.txt", 3, [0, 0.9, 0, 0], 0.45),
        _scored("A genetic note from a third source.", "other.txt", 4, [0.9, 0, 0, 0], 0.9),
    ]
    flag = attributed_flag(SIDES, "Is NMS genetic", pool, SIDE_EMBED, 0.3, 10)
    assert flag is not None and flag.reason == ContestReason.ASKED
    assert flag.topic.startswith("Is NMS genetic") and "the CMAJ paper calls it unknown" in flag.summary
    shown = {(c.doc_id, c.text[:5], s) for c, s in flag.positions}
    assert shown == {("enc.txt", "Twins", Stance.SUPPORTS), ("cmaj.txt", "Furth", Stance.DISPUTES)}  # not other.txt


def test_no_comparison_when_a_named_source_has_nothing_near_the_question():
    pool = [
        _scored("Twins have both had NMS, so a genetic factor is purported.", "enc.txt", 1, [0.9, 0, 0, 0], 0.5),
        # far from the question and from what the question says the paper says, and none of its words
        _scored("The paper was funded by a grant.", "cmaj.txt", 3, [0, 0, 0, 0.9], 0.1),
    ]
    assert attributed_flag(SIDES, "Is NMS genetic", pool, SIDE_EMBED, 0.3, 10) is None


def test_a_named_source_sentence_near_what_the_question_says_it_says_or_in_its_words_is_shown():
    enc = _scored("Twins have both had NMS, so a genetic factor is purported.", "enc.txt", 1, [0.9, 0, 0, 0], 0.5)
    near_claim = _scored("Its cause is not known.", "cmaj.txt", 3, [0, 0.9, 0, 0], 0.1)  # far from the question
    flag = attributed_flag(SIDES, "Is NMS genetic", [enc, near_claim], SIDE_EMBED, 0.3, 10)
    assert flag is not None and {c.doc_id for c, _ in flag.positions} == {"enc.txt", "cmaj.txt"}
    # far in meaning, but in the words the question says the paper uses ("calls it unknown")
    in_words = _scored(
        "Whether it is inherited is unknown; the paper calls for research.", "cmaj.txt", 4, [0, 0, 0, 1], 0.1
    )
    flag = attributed_flag(SIDES, "Is NMS genetic", [enc, in_words], SIDE_EMBED, 0.3, 10)
    assert flag is not None and "cmaj.txt" in {c.doc_id for c, _ in flag.positions}
    # ... but not in the words that only name the source
    naming = lambda doc: frozenset({"call", "unknown"}) if doc == "cmaj.txt" else frozenset()  # noqa: E731
    assert attributed_flag(SIDES, "Is NMS genetic", [enc, in_words], SIDE_EMBED, 0.3, 10, naming) is None


@pytest.mark.parametrize(
    "text,sides",
    [
        (
            "Ca defect in NMS: sympathetic neurons (encyclopedia) or skeletal muscle (CMAJ)? Refs agree?",
            [
                ("Ca defect in NMS: sympathetic neurons (encyclopedia)", ("enc.txt",)),
                ("skeletal muscle (CMAJ)", ("cmaj.txt",)),
            ],
        ),
        ("Is it the neurons (encyclopedia) or not?", None),  # one source
    ],
)
def test_two_answers_each_given_with_its_source_in_brackets(text, sides):
    assert attributed_sides(text, _names) == sides


def test_a_question_that_only_asks_whether_they_agree_is_no_issue():
    text = "Neurons (encyclopedia) or muscle (CMAJ)? Refs agree?"
    assert issue_of(text, _names) == "Neurons (encyclopedia) or muscle (CMAJ)"


def test_a_side_given_as_other_texts_shows_the_nearest_sources_no_side_names():
    sides = [SIDES[0], ("other texts call it unknown", ("*",))]
    embed = _embed_table({SIDES[0][0]: [1, 0, 0, 0], "other texts call it unknown": [0, 1, 0, 0]})
    pool = [
        _scored("Twins have both had NMS, so a genetic factor is purported.", "enc.txt", 1, [0.9, 0, 0, 0], 0.5),
        _scored("Research on genomic variants is needed.", "b.txt", 2, [0, 0.9, 0, 0], 0.5),
        _scored("Its genetics are unknown.", "c.txt", 3, [0, 0.8, 0, 0], 0.5),
        _scored("Little is known of heredity.", "d.txt", 4, [0, 0.7, 0, 0], 0.5),
    ]
    flag = attributed_flag(sides, "Is NMS genetic", pool, embed, 0.3, 10)
    assert flag is not None
    against = {c.doc_id for c, s in flag.positions if s == Stance.DISPUTES}
    assert against == {"b.txt", "c.txt"}  # the two nearest others, not the named source, not a third


@pytest.mark.parametrize(
    "text,claim",
    [
        (
            "How high must the fever be? The documents seem to give different thresholds.",
            "The documents seem to give different thresholds",
        ),
        (
            "Are SGAs lower-risk, or is that overstated? Sources seem to pull both ways.",
            "Sources seem to pull both ways",
        ),
        ("LAI vs oral - higher risk? conflicting data?", "conflicting data"),
        ("Do the sources agree that catatonia can be part of NMS?", None),  # asks whether they agree: no claim
        ("Can it turn out to be a different condition altogether?", None),
        ("did the risk differ between depot and oral drugs?", None),
    ],
)
def test_a_question_that_says_its_sources_differ_without_naming_them(text, claim):
    assert said_to_differ(text) == claim


def test_the_issue_of_sources_said_to_differ_is_the_question_besides_that_claim():
    claim = "The documents give different thresholds"
    assert differ_issue("How high must the fever be? The documents give different thresholds.", claim) == (
        "How high must the fever be"
    )
    assert differ_issue("mortality of NMS? the sources give conflicting figures", "x") == "mortality of NMS"
    # a case whose only question is the claim: its last statement
    text = "45M on risperidone, no fever. The consultant says it cannot be NMS without fever. Or do the sources differ?"
    assert differ_issue(text, "Or do the sources differ") == "The consultant says it cannot be NMS without fever"


def test_sources_said_to_differ_show_each_source_s_sentence_nearest_the_question():
    embed = _embed_table({"How high must the fever be": [1, 0, 0, 0], "thresholds": [1, 0, 0, 0]})
    pool = [
        _scored("The fever is above 38 C.", "a.txt", 1, [0.9, 0, 0, 0], 0.6),
        _scored("The fever usually exceeds 40 C.", "b.txt", 2, [0.8, 0, 0, 0], 0.5),
        _scored("Fever was funded by a grant.", "b.txt", 3, [0, 0, 0, 1], 0.4),
        _scored("Fever far from the question.", "c.txt", 4, [0.9, 0, 0, 0], 0.1),  # under the floor
    ]
    flag = said_to_differ_flag("How high must the fever be", "thresholds", pool, embed, 0.3, frozenset({"fever"}))
    assert flag is not None and flag.reason == ContestReason.ASKED
    assert flag.topic == "How high must the fever be (sources the question says differ)"
    assert [(c.doc_id, c.row) for c, _ in flag.positions] == [("a.txt", 1), ("b.txt", 2)]
    # one source with a sentence is no comparison; nor are sentences without the words asked about
    assert said_to_differ_flag("How high must the fever be", "thresholds", pool[:1], embed, 0.3) is None
    assert said_to_differ_flag("How high must the fever be", "x", pool, embed, 0.3, frozenset({"ventil"})) is None
