"""This stop's reading and scoring rules (model-free): a document's title is no statement, a named
document's sentences gain a bonus, an ask with no words of its own takes the sentence before it,
a quantity asked in other words is searched by its name, and a drug asked about for another use."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.candidates import Candidate, LexicalStats, score
from assistant.coverage import unrelated_use
from assistant.query import _ask_with_its_subject, split_case
from ingest.normalize import word_key
from nmsa.settings import ScoringSettings
from tests.unit.test_coverage import cand
from tests.unit.test_reading import READER, read


def test_a_title_matches_its_sentence_whatever_the_punctuation():
    assert word_key("NMS in Patients With Dementia: Experiences of a Memory Clinic.") == word_key(
        "NMS in patients with dementia - experiences of a memory clinic"
    )
    assert word_key("NMS in dementia") != word_key("NMS in dementia was rare.")


@pytest.mark.parametrize(
    "question,ask",
    [
        # the ask says nothing itself: it asks about the sentence before it
        (
            "72M intubated with NMS after IM haloperidol. His wife read that one in three people die. What do I tell her?",
            "His wife read that one in three people die. What do I tell her?",
        ),
        # an ask that says what it wants stays as it is
        ("Woman on depot fluphenazine, stiff and sweating, confused, temp 39.5: what now?", "what now?"),
        ("68F on haloperidol, T 39.8, rigid, CK 9000. Should we start dantrolene?", "Should we start dantrolene?"),
    ],
)
def test_an_ask_without_words_of_its_own(question, ask):
    assert _ask_with_its_subject(*split_case(question))[1] == ask


def test_a_quantity_asked_in_other_words_is_searched_by_name():
    q = read("82M on haloperidol, T 40, rigid. His son read that one in five people with this die. What do I say?")
    assert "mortality" in q.facets and "mortality" in q.retrieval
    # not the incidence: "develop NMS" also asks what raises the risk
    assert "incidence" not in read("risk factors for developing NMS").retrieval.split()


class _Stats(LexicalStats):
    def __init__(self) -> None:  # only what score() reads
        self.n, self.df, self.ubiquitous = 10, {}, frozenset()


def _scored(named: frozenset[str]) -> list[Candidate]:
    cands = [
        cand("Most cases began after eight weeks.", doc="named.txt"),
        cand("Most cases begin early.", doc="other.txt"),
    ]
    for c in cands:
        c.vector = np.ones(4, np.float32) / 2
    score(
        cands,
        np.ones(4, np.float32) / 2,
        np.ones(4, np.float32) / 2,
        "cases",
        _Stats(),
        ScoringSettings(),
        False,
        named,
    )
    return cands


def test_a_named_document_sentence_gains_the_bonus():
    plain, bonus = _scored(frozenset()), _scored(frozenset({"named.txt"}))
    assert bonus[0].score - plain[0].score == pytest.approx(ScoringSettings().named_document_bonus)
    assert bonus[1].score == pytest.approx(plain[1].score)


@pytest.mark.parametrize(
    "question,evidence,refused",
    [
        # the drug's passages never mention the purpose asked: another use
        ("Should clozapine be used for psychosis in Parkinson's disease?", ["Clozapine was stopped for good."], True),
        # the evidence relates the drug to the purpose ("comatose" gives "coma")
        ("is haloperidol contraindicated in coma?", ["Haloperidol must not be used in comatose states."], False),
        # the field's own common words are no other use (df below)
        ("dantrolene for rigidity?", ["Dantrolene is a muscle relaxant."], False),
        # no purpose asked
        ("What dose of dantrolene?", ["Dantrolene is a muscle relaxant."], False),
        # a terse query names the use after "<drug> dose", without "for"
        ("clozapine dose parkinson psychosis", ["Clozapine was stopped for good."], True),
        ("dantrolene dose", ["Dantrolene is a muscle relaxant."], False),
        # anchored in the field
        ("clozapine for psychosis after NMS?", ["Clozapine was stopped for good."], False),
    ],
)
def test_a_drug_asked_about_for_another_use(question, evidence, refused):
    df = {"rigid": 30, "psychosi": 2, "parkinson": 2, "coma": 1}
    found = unrelated_use(read(question), READER, [cand(t) for t in evidence], df, n_passages=100)
    assert bool(found) is refused


def test_a_follow_up_is_judged_by_its_own_words_and_a_case_is_not_judged():
    history = ("Is clozapine a cause of NMS?",)
    # a follow-up that moves the drug to another use, which no statement relates: another use
    follow_up = read("and what dose for psychosis in Parkinson's?", history)
    assert unrelated_use(follow_up, READER, [cand("Clozapine was stopped for good.")], {}, 100)
    # ... but not when the evidence speaks of that use
    related = [cand("Clozapine is used for psychosis in Parkinson's disease at low doses.")]
    assert unrelated_use(follow_up, READER, related, {}, 100) == []
    case = read("70M on clozapine for psychosis in Parkinson's, T 39, rigid, CK 5000. what now?")
    assert unrelated_use(case, READER, [cand("Clozapine was stopped.")], {}, 100) == []
