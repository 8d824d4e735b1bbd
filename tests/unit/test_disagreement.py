"""When do sources disagree (assistant.contested)? Model-free, on synthetic candidates from named sources."""

from __future__ import annotations

import re

import pytest

from assistant.candidates import Candidate
from assistant.contested import ContestedSettings, Flag, disagreement, drug_like_terms, find_contested, question_facets
from assistant.records import ContestReason, Stance
from nmsa.settings import AnswerSettings, SelectionSettings
from tests.unit.test_coverage import cand
from tests.unit.test_reading import VOCABULARY

CONFIG = ContestedSettings.from_settings(AnswerSettings(min_relevance=0.5), SelectionSettings())


def pool(*pairs: tuple[str, str]) -> list[Candidate]:
    return [cand(text, doc, score=0.9, row=i) for i, (doc, text) in enumerate(pairs)]


def topics(flags: list[Flag]) -> list[str]:
    return [f.topic for f in flags]


def test_opposite_stances_in_two_sources_are_contested():
    flags = find_contested(
        "Is amantadine effective?",
        ["amantadine"],
        [],
        pool(
            ("a.txt", "Amantadine shortened the time to recovery."),
            ("b.txt", "Amantadine was not effective in our cohort."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert topics(flags) == ["amantadine efficacy"]
    assert flags[0].reason == ContestReason.OPPOSING
    assert {s for _, s in flags[0].positions} == {Stance.SUPPORTS, Stance.DISPUTES}


def test_agreeing_sources_are_not_contested():
    flags = find_contested(
        "Is amantadine effective?",
        ["amantadine"],
        [],
        pool(
            ("a.txt", "Amantadine shortened the time to recovery."),
            ("b.txt", "Amantadine was used successfully in two patients."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert flags == []


def test_one_sources_own_hedge_is_not_a_disagreement():
    flags = find_contested(
        "Is amantadine effective?",
        ["amantadine"],
        [],
        pool(
            ("a.txt", "It is unclear whether amantadine helps."),
            ("a.txt", "Amantadine was used in one patient."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert flags == []


def test_a_hedge_against_another_sources_claim_is_contested():
    flags = find_contested(
        "Is amantadine effective?",
        ["amantadine"],
        [],
        pool(
            ("a.txt", "Amantadine lowered the death rate to 5.9 percent."),
            ("b.txt", "The evidence for amantadine is controversial."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert flags and ContestReason.EXPLICIT in flags[0].reason


def test_different_figures_for_one_quantity_are_contested():
    flags = find_contested(
        "What is the mortality of NMS?",
        [],
        ["mortality"],
        pool(
            ("a.txt", "Mortality was 5.6% in the national sample."),
            ("b.txt", "In this series 38% of the patients with NMS died."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert topics(flags) == ["NMS mortality"] and "5.6%" in flags[0].summary and "38%" in flags[0].summary


def test_the_same_figure_twice_is_not_contested():
    flags = find_contested(
        "What is the mortality of NMS?",
        [],
        ["mortality"],
        pool(
            ("a.txt", "Mortality was 10% in the series."),
            ("b.txt", "The death rate was about 10%."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert flags == []


def test_a_doubted_mechanism_that_another_source_proposes_is_contested():
    flags = find_contested(
        "What is the mechanism of NMS?",
        [],
        ["mechanism"],
        pool(
            ("a.txt", "The mechanism of NMS remains unknown."),
            ("b.txt", "We propose that the acute phase response underlies the syndrome's mechanism."),
        ),
        VOCABULARY,
        CONFIG,
    )
    assert topics(flags) == ["NMS mechanism (pathophysiology)"]


def test_an_exposure_on_which_sources_disagree():
    patterns = [re.compile(r"\b(?:age|older)\b", re.I)]
    flags = find_contested(
        "Does older age raise the risk?",
        [],
        [],
        pool(
            ("a.txt", "Age is not a risk factor for developing NMS."),
            ("b.txt", "Older age increases the risk of NMS."),
        ),
        VOCABULARY,
        CONFIG,
        exposures=[("age", patterns)],
    )
    assert topics(flags) == ["age as a risk factor"] and "report a link" not in flags[0].summary


@pytest.mark.parametrize(
    "positions,reasons",
    [
        ([("a", Stance.SUPPORTS), ("b", Stance.DISPUTES)], [ContestReason.OPPOSING]),
        ([("a", Stance.SUPPORTS), ("a", Stance.DISPUTES)], []),  # one source contradicting itself
        ([("a", Stance.SUPPORTS), ("b", Stance.UNCERTAIN)], [ContestReason.EXPLICIT]),
        ([("a", Stance.UNCERTAIN)], []),
        ([("a", Stance.SUPPORTS), ("b", Stance.SUPPORTS)], []),
    ],
)
def test_disagreement(positions, reasons):
    assert disagreement([(cand("x", f"{doc}.txt", row=i), s) for i, (doc, s) in enumerate(positions)]) == reasons


@pytest.mark.parametrize(
    "question,facets",
    [
        ("How often does NMS occur?", ["incidence"]),
        ("What is the death rate of NMS?", ["mortality"]),
        ("Who first described NMS?", ["history"]),
        ("so was the first description in 1960 or 1968?", ["history"]),
        ("when did NMS first appear in print?", ["history"]),
        ("Will NMS recur if the antipsychotic is restarted?", ["recurrence"]),
        ("Which drugs reverse NMS?", ["treatment"]),
        ("What are the symptoms of NMS?", []),
    ],
)
def test_question_facets(question, facets):
    assert question_facets(question) == facets


@pytest.mark.parametrize(
    "query,terms",
    [
        ("Is pimavanserin safe after NMS?", ["pimavanserin"]),
        ("Is dantrolene effective?", []),  # in the synonyms file: not a new agent
        ("What is the routine outside the guideline?", []),  # everyday words with drug-like endings
        ("What dose of lurasidone for bipolar depression?", ["lurasidone"]),  # ends in "done", is no "done"
        ("when can warfarin be restarted after surgery?", ["warfarin"]),  # the anticoagulants' endings
        ("enoxaparin or dalteparin?", ["enoxaparin", "dalteparin"]),
        # a word of a synonym group's term names a test, not a drug: the creatine of creatine kinase
        ("on clozapine, creatine kinase 3100: NMS or catatonia?", []),
    ],
)
def test_drug_like_terms(query, terms, word_pieces):
    assert drug_like_terms(query, VOCABULARY, is_rare=lambda w: word_pieces(w) >= 2) == terms
