"""Stances read from the language of studies (assistant.stance), table-driven and model-free."""

from __future__ import annotations

import pytest

from assistant.records import Stance
from assistant.stance import Effect, Role, RuleStanceDetector, effect

DETECTOR = RuleStanceDetector()

INTERVENTION = [
    # intervention x outcome x direction, with the outcome's polarity
    ("X shortened the time to recovery.", Stance.SUPPORTS),
    ("Mortality was higher with X than with supportive care.", Stance.DISPUTES),
    ("X was associated with longer hospital stays.", Stance.DISPUTES),
    ("Fever resolved two days sooner with X.", Stance.SUPPORTS),
    ("There was no difference between X and supportive care.", Stance.DISPUTES),
    ("With X alone the death rate fell to 8.6 percent.", Stance.SUPPORTS),
    ("Complete remission came significantly sooner under X monotherapy.", Stance.SUPPORTS),
    ("Combinations that include X are associated with a longer clinical recovery.", Stance.DISPUTES),
    ("X given as monotherapy appears to carry a higher overall mortality.", Stance.DISPUTES),
    ("Survival was lower in patients given X.", Stance.DISPUTES),
    ("Patients given X had fewer complications.", Stance.SUPPORTS),
    ("The decrease in mortality occurred independently of X.", Stance.DISPUTES),
    # negation first, then doubt
    ("X was not effective.", Stance.DISPUTES),
    ("X did not shorten the course.", Stance.DISPUTES),
    ("It is unclear whether X helps.", Stance.UNCERTAIN),
    ("The evidence for X is based mainly on case reports.", Stance.DISPUTES),
    # the illness did not answer to it: no effect; not when it did not answer to something else
    ("The fever of NMS usually does not come down with X.", Stance.DISPUTES),
    ("Her temperature was refractory to X.", Stance.DISPUTES),
    ("Refractory to supportive care, she was given X.", None),
    # a named part of the care given is its use
    ("Treatment involves stopping the drug and supportive care, including fluids, cooling and X.", Stance.SUPPORTS),
    # benefit or use stated plainly, and practical conclusions
    ("X is effective in reducing rigidity.", Stance.SUPPORTS),
    ("X has been used with some success.", Stance.SUPPORTS),
    ("These results favour early use of X in severe cases.", Stance.SUPPORTS),
    # no finding: an aim, a question, a mechanism, bare figures
    ("We studied how effective X is in NMS.", None),
    ("X inhibits calcium release from the sarcoplasmic reticulum.", None),
    ("Response took 6.8 days with supportive care and 1.15 days with X.", None),
    ("X is a muscle relaxant.", None),
]


@pytest.mark.parametrize("sentence,expected", INTERVENTION)
def test_intervention_stance(sentence, expected):
    assert DETECTOR.stance(sentence, "X") == expected


EXPOSURE = [
    ("High-potency agents increase the risk of NMS.", Stance.SUPPORTS),
    ("Age is not a risk factor for developing NMS.", Stance.DISPUTES),
    (
        "Most case series show male predominance, but no evidence shows that sex plays a part in the risk.",
        Stance.DISPUTES,
    ),
    ("Older age predicted death.", Stance.SUPPORTS),
    ("The speed of dose loading did not differ from controls.", Stance.DISPUTES),
    ("Depot preparations were more often implicated.", Stance.SUPPORTS),
    ("Whether depot preparations matter is uncertain.", Stance.UNCERTAIN),
    ("Depot preparations are given every two weeks.", None),
]


@pytest.mark.parametrize("sentence,expected", EXPOSURE)
def test_exposure_stance(sentence, expected):
    assert DETECTOR.stance(sentence, "X", Role.EXPOSURE) == expected


ATYPICALS = RuleStanceDetector(
    names=lambda _topic: ["atypicals", "atypical antipsychotics", "atypical anti-psychotics", "atypical agents"]
)


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # the exposure named after "than": the other has the higher risk, so this one the lower
        ("Typical antipsychotics appear to have a higher risk than atypicals.", Stance.DISPUTES),
        ("NMS occurred less often with haloperidol than with atypical antipsychotics.", Stance.SUPPORTS),
        # named before "than": the comparison's subject
        ("Atypical antipsychotics carry a higher risk than was thought.", Stance.SUPPORTS),
        # a protective finding after the exposure
        ("Increased use of atypical anti-psychotics has likely reduced the prevalence of NMS.", Stance.DISPUTES),
        ("Atypical antipsychotics have also been implicated in NMS.", Stance.SUPPORTS),  # a link, as before
        # advice to prefer the exposure when a drug must be given again: held the lower risk
        ("Reintroduction may be needed, with a preference for low-potency or atypical agents.", Stance.DISPUTES),
        ("Atypical antipsychotics are preferred by most patients.", None),  # preferred after the name: no advice
        ("Haloperidol is preferred over atypical agents here.", None),  # the other one is preferred
    ],
)
def test_a_comparison_or_a_protective_finding_says_which_exposure_has_the_lower_risk(sentence, expected):
    assert ATYPICALS.stance(sentence, "second-generation antipsychotics", Role.EXPOSURE) == expected


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("Recovery was faster and mortality lower.", Effect.BENEFIT),
        ("Recovery was delayed.", Effect.HARM),
        ("Mortality fell but complications rose.", Effect.MIXED),
        ("Rates were similar in both groups.", Effect.NONE),
        ("Patients were treated in intensive care.", None),
    ],
)
def test_effect(sentence, expected):
    assert effect(sentence) == expected


def test_batch_equals_one_by_one():
    sentences = [s for s, _ in INTERVENTION]
    assert DETECTOR.stance_batch(sentences, "X") == [DETECTOR.stance(s, "X") for s in sentences]
