"""The verifier's role check (assistant/roles.py) on hand-written sentence pairs: who does what to whom.

Every pair here is written for this file; none comes from the labelled or held-out files."""

from __future__ import annotations

import pytest

from assistant.roles import Voice, predications, role_conflicts
from assistant.synthesis import verify
from index.synonyms import Vocabulary


def conflicts(sentence: str, source: str) -> list[str]:
    return role_conflicts(sentence, [source], "statement [1]")


# (source, rewrite) pairs whose rewrite keeps every role: the check must say nothing.
FAITHFUL = [
    pytest.param("The enzyme is inhibited by lithium.", "Lithium inhibits the enzyme.", id="passive-to-active"),
    pytest.param(
        "Heat stress can activate the immune response.",
        "The immune response can be activated by heat stress.",
        id="active-to-passive",
    ),
    pytest.param(
        "The reaction was first reported by physicians who had been treating the patient.",
        "Physicians who had been treating the patient first reported the reaction.",
        id="relative-clause-in-the-subject",
    ),
    pytest.param(
        "These drugs are used to counteract the deficiency.",
        "These drugs counteract the deficiency.",
        id="used-to",
    ),
    pytest.param("The drug should be stopped at once.", "Stop the drug at once.", id="imperative"),
    pytest.param(
        "Dehydration can result in renal failure.",
        "Renal failure can result from dehydration.",
        id="result-in-result-from",
    ),
    pytest.param(
        "The rash seen in these patients is thought to be caused by the virus.",
        "The virus is thought to cause the rash seen in these patients.",
        id="raising-verbs",
    ),
    pytest.param(
        "Cooling blankets, ice packs and fans may reduce the temperature.",
        "Ice packs may reduce the temperature.",
        id="one-of-a-listed-agent",
    ),
    pytest.param(
        "The fever is caused by cytokines that act on the hypothalamus.",
        "The fever is caused by cytokines that act on the hypothalamus.",
        id="verbatim",
    ),
    pytest.param(
        "An increased calcium release from muscle cells was measured.",
        "Calcium release from muscle cells was increased.",
        id="noun-compound-is-no-verb",
    ),
]


@pytest.mark.parametrize(("source", "rewrite"), FAITHFUL)
def test_a_rewrite_that_keeps_the_roles_passes(source: str, rewrite: str):
    assert conflicts(rewrite, source) == []


# (source, rewrite) pairs whose rewrite changes a role, with the kind of conflict it must report.
CHANGED = [
    pytest.param("Lithium inhibits the enzyme.", "The enzyme inhibits lithium.", "other way round", id="swap"),
    pytest.param(
        "The enzyme is inhibited by lithium.", "The enzyme inhibits lithium.", "other way round", id="passive-swap"
    ),
    pytest.param(
        "The sweating was caused by the infusion.",
        "The sweating caused the infusion.",
        "other way round",
        id="passive-to-active-backwards",
    ),
    pytest.param(
        "Dehydration can lead to renal failure.",
        "Renal failure can lead to dehydration.",
        "other way round",
        id="prepositional-object",
    ),
    pytest.param(
        "Stopping the drug may prevent a relapse.",
        "A relapse may prevent stopping the drug.",
        "other way round",
        id="gerund-subject",
    ),
    pytest.param(
        "They described the reaction, whose name was translated to English.",
        "They described the reaction and translated its name to English.",
        "does not say who",
        id="coordinated-verb-gets-an-agent",
    ),
    pytest.param(
        "The name was translated to English.",
        "They translated the name to English.",
        "does not say who",
        id="pronoun-agent-invented",
    ),
    pytest.param(
        "Patients are monitored in the unit.",
        "The unit monitors patients.",
        "does not say who",
        id="noun-agent-invented",
    ),
    pytest.param(
        "The enzyme is preferred in children.",
        "Children often prefer the enzyme.",
        "does not say who",
        id="adverb-marks-the-verb",
    ),
    pytest.param(
        "Nurses should record the temperature of patients hourly.",
        "Patients should record the temperature hourly.",
        "another agent",
        id="agent-changed",
    ),
]


@pytest.mark.parametrize(("source", "rewrite", "kind"), CHANGED)
def test_a_rewrite_that_changes_a_role_is_caught(source: str, rewrite: str, kind: str):
    problems = conflicts(rewrite, source)
    assert len(problems) == 1 and kind in problems[0], problems
    assert "statement [1]" in problems[0]


def test_voice_and_roles_are_read():
    (passive,) = [p for p in predications("The fever is caused by the drug.") if p.stem == "caus"]
    assert passive.voice is Voice.PASSIVE
    assert passive.agent is not None and passive.agent.head == "drug"
    assert passive.patient is not None and passive.patient.head == "fever"
    (reduced,) = [p for p in predications("They reverse the blockade caused by the drug.") if p.stem == "caus"]
    assert reduced.voice is Voice.PASSIVE and reduced.agent is not None and reduced.agent.head == "drug"
    assert reduced.patient is not None and reduced.patient.head == "blockad"
    (relative,) = [p for p in predications("Macrophages that release cytokines.") if p.stem == "releas"]
    assert relative.voice is Voice.ACTIVE and relative.agent is not None and relative.agent.head == "macrophag"
    (agentless,) = [p for p in predications("The drug was withdrawn.") if p.stem == "withdrawn"]
    assert agentless.voice is Voice.PASSIVE and agentless.agent is None


def test_a_noun_is_not_read_as_a_verb():
    assert not [p for p in predications("The calcium release from muscle cells.") if p.stem == "releas"]
    assert not [p for p in predications("Dopamine receptors in the brain.") if p.stem == "receptor"]


def test_verbs_only_in_the_sentence_are_not_judged():
    assert conflicts("Fans reduce the temperature.", "The temperature is high.") == []


def test_the_verifier_drops_a_role_swap_and_keeps_the_faithful_rewrite():
    vocabulary = Vocabulary()
    statements = ["Rigidity is caused by the blockade of dopamine receptors."]
    output = "The blockade of dopamine receptors causes rigidity [1].\nRigidity causes the blockade of dopamine receptors [1]."
    kept, dropped = verify(output, statements, "What is rigidity?", vocabulary)
    assert [k.text for k in kept] == ["The blockade of dopamine receptors causes rigidity."]
    assert len(dropped) == 1 and "other way round in statement [1]" in dropped[0].reason


def test_a_clause_before_the_subject_is_not_part_of_it():
    source = "After surgery performed by the team, the fever may worsen the delirium."
    assert conflicts("The team may worsen the delirium.", source) == ['"worsen" has another agent in statement [1]']
    assert conflicts("The fever may worsen the delirium.", source) == []
    listed = "Heat, dehydration, and agitation may worsen the delirium."
    assert conflicts("Dehydration may worsen the delirium.", listed) == []


def test_an_acronym_ending_in_s_is_not_a_plural_subject():
    assert predications("Cooling is the focus of NMS treatment.") == []
    assert predications("Patients management is supportive.") == []
    (verb,) = predications("The ICU nurses record the temperature.")
    assert verb.stem == "record" and verb.voice is Voice.ACTIVE
