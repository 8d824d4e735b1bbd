"""Two answers a question sets side by side (assistant.alternatives). Model-free: the embedder is a lookup."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.alternatives import alternative_flag, alternatives, names_unseen, own_words
from assistant.records import Stance
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
