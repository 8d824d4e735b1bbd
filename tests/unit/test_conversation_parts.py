"""Questions that ask several things, turns of a chat that lean on the conversation, and the follow-up gate
(assistant.query, assistant.gate, assistant.coverage). Model-free."""

from __future__ import annotations

import pytest

from assistant.candidates import is_statement
from assistant.coverage import check_aspects
from assistant.gate import follow_up_elsewhere
from assistant.query import ask_parts, is_follow_up, part_query
from nmsa.settings import AnswerSettings
from tests.unit.test_coverage import cand
from tests.unit.test_reading import ANCHOR, READER, read


@pytest.mark.parametrize(
    "ask,parts",
    [
        ("is this nms and should we start dantrolene?", ("is this nms", "should we start dantrolene?")),
        ("NMS picture? what do we do first?", ("NMS picture", "what do we do first?")),
        (
            "How low is serum iron in NMS, and should patients be given iron supplements?",
            ("How low is serum iron in NMS", "should patients be given iron supplements?"),
        ),
        ("What syndrome is this and how is it treated?", ("What syndrome is this", "how is it treated?")),
        # one question: a list, a leading phrase, a last part without content of its own
        ("what death rates were seen with dantrolene alone, bromocriptine alone and amantadine alone?", None),
        ("In the Danish register study, what was the incidence of NMS?", None),
        # a leading phrase before the first question word: still two questions
        (
            "According to the Leeds authors, what dose was given, and which drug did they stop?",
            ("According to the Leeds authors, what dose was given", "which drug did they stop?"),
        ),
        ("which antipsychotic can we restart, and how?", None),
        ("Who first described NMS and when?", None),
        ("Is dantrolene or bromocriptine better?", None),
        # a part asked in everyday words only ("what should we do?") is a part: it asks for management
        ("is this NMS and what should we do?", ("is this NMS", "what should we do?")),
        # "&" and "+" join two questions as "and" does
        ("what does it bind, & which features are shared?", ("what does it bind", "which features are shared?")),
        # a terse list after a colon: each item a part (not a comma inside a number or brackets)
        ("the Leeds note: onset window, mortality + labs?", ("onset window?", "mortality?", "labs?")),
        ("Leeds note: CK (peak, 10,000 units), outcome?", ("CK (peak, 10,000 units)?", "outcome?")),
        # ... but not a list that is set side by side, says what sources say, or asks its own question after it
        ("NMS onset: hours vs days?", None),
        ("dantrolene: the label says no effect, the blog says some?", None),
        ("NMS care: stop the drug, cool, fluids - agreed bundle?", None),
        ("NMS: the onset window?", None),
    ],
)
def test_the_parts_of_an_ask(ask, parts):
    assert ask_parts(ask) == (parts or (ask,))


def test_a_part_is_read_with_the_case_of_the_whole_question():
    whole = read("68F on haloperidol, T 39.8, rigid, CK 9000. is this nms and should we start dantrolene?")
    assert whole.parts == ("is this nms", "should we start dantrolene?")
    diagnosis, drug = (part_query(whole, p, READER) for p in whole.parts)
    assert "haloperidol" in diagnosis.retrieval and "diagnosis" in diagnosis.retrieval
    assert "dantrolene" not in diagnosis.retrieval.lower()  # the other part's drug does not steer this one
    assert drug.entities == ("dantrolene",) and not drug.parts


def test_a_listed_item_is_searched_with_what_precedes_the_colon_but_scored_on_its_own():
    whole = read("Leeds NMS note: onset window, blood findings?")
    blood = part_query(whole, whole.parts[1], READER)
    assert "Leeds NMS note" in blood.retrieval
    assert "Leeds" not in blood.focus_text and "blood findings" in blood.focus_text


def test_a_part_naming_only_the_syndrome_is_scored_with_the_case_s_drug():
    """ "is this NMS?" of a patient whose levodopa was stopped: what makes it NMS or not is the drug, so the part is
    scored against it too; a part with a topic of its own is not."""
    whole = read("72M, Parkinson's, levodopa stopped 3 days ago, T 39.8, rigid. is this NMS and how rare is it?")
    diagnosis, rarity = (part_query(whole, p, READER) for p in whole.parts)
    assert "levodopa" in diagnosis.focus_text.lower()
    assert "levodopa" not in rarity.focus_text.lower()


@pytest.mark.parametrize(
    "question,follow_up",
    [
        ("does hot weather play a role?", True),  # no field subject of its own: in a chat, it asks about NMS
        ("who won the world cup?", True),  # read with the chat too; the gate judges it by its own words
        ("and how common is NMS?", True),  # a continuation
        ("Is NMS more common in men?", False),
        ("What blood tests help confirm the diagnosis of neuroleptic malignant syndrome?", False),
        # a publication named only by its kind is the one the chat was about; one named otherwise is not
        ("does the entry still regard NMS as usually fatal?", True),
        ("What does the NEJM review say about NMS?", False),
        ("what does the review of 20 NMS cases conclude?", False),
    ],
)
def test_a_turn_without_the_field_subject_leans_on_the_chat(question, follow_up):
    assert is_follow_up(read(question), ANCHOR) is follow_up
    assert read(question, ("What are the main risk factors for NMS?",)).follow_up is follow_up


@pytest.mark.parametrize(
    "own,shift,elsewhere",
    [
        (0.31, True, False),  # "if he's intubated and can't swallow": unknown words, but about the evidence
        (0.18, True, True),  # "can you write me a poem about it?"
        (0.13, False, False),  # "which one kicks in faster?": far, but no word moves the topic
        (0.06, False, True),  # "who won the world cup?": unrelated to every retrieved sentence
    ],
)
def test_the_follow_up_gate(own, shift, elsewhere):
    assert follow_up_elsewhere(own, shift, AnswerSettings()) is elsewhere


@pytest.mark.parametrize(
    "question,statement,aspect,covered",
    [
        (
            "how do we give it if he's intubated and can't swallow?",
            "They are given via nasogastric tube.",
            "route",
            True,
        ),
        ("how do we give it if he's intubated and can't swallow?", "Bromocriptine helps.", "route", False),
        ("ok and once he's better can we just stop it?", "It should be tapered gradually.", "stopping", True),
        ("so how should it be stopped?", "Amantadine is a dopamine agonist.", "stopping", False),
        ("which one kicks in faster?", "Dantrolene acts within hours.", "speed of effect", True),
        ("which one kicks in faster?", "Dantrolene is a muscle relaxant.", "speed of effect", False),
        (
            "how often should we check his temperature?",
            "Check the temperature every 4 hours.",
            "how often to check",
            True,
        ),
        ("how often should we check his temperature?", "Monitor temperature closely.", "how often to check", False),
    ],
)
def test_asked_aspects_of_follow_ups(question, statement, aspect, covered):
    q = read(question)
    assert aspect in {a.name for a in q.aspects}
    check = check_aspects(q, READER, [cand(statement)], [], floor=0.5)
    assert (aspect not in {u.aspect for u in check.uncovered}) is covered


def test_whether_to_stop_is_not_how_to_stop():
    assert "stopping" not in {a.name for a in read("should we stop the haloperidol?").aspects}


def test_an_abbreviation_legend_is_not_a_statement():
    assert not is_statement(
        "Note: ACTH = adrenocorticotropic hormone, CPK = creatine phosphokinase, CRP = C-reactive protein."
    )
    assert is_statement("Mortality was 10% (n = 12), with CK = 4000 U/L at admission.")
    assert not is_statement("MeSH terms include: Age Factors; Antiparkinson Agents / adverse effects.")
    assert not is_statement("Keywords: neuroleptic malignant syndrome; risk factors; agitation")
    assert not is_statement("The key components of treatment include:")  # a list's lead-in says nothing alone


@pytest.mark.parametrize(
    "question,asks_cause",
    [
        ("Is haloperidol a recognised cause of NMS?", True),
        ("can metoclopramide trigger it?", True),
        ("Has quetiapine-induced neuroleptic malignant syndrome been reported?", True),  # "X-induced NMS" too
        ("Does dantrolene lower the risk of death in NMS?", False),  # a treatment's effect
        ("What causes the fever in NMS?", True),  # names no drug: nothing becomes an exposure
    ],
)
def test_a_question_whether_a_drug_causes_the_condition(question, asks_cause):
    from assistant.lexicon import CAUSE_QUESTION

    assert bool(CAUSE_QUESTION.search(question)) is asks_cause


def test_a_long_list_of_questions_is_answered_as_a_few_parts():
    ask = "is it rare? is it fatal? is it treatable? is it genetic? is it seasonal? is it preventable?"
    parts = ask_parts(ask)
    assert len(parts) == 4 and parts[:3] == ("is it rare", "is it fatal", "is it treatable")
    assert parts[3].startswith("is it genetic") and parts[3].endswith("is it preventable?")


@pytest.mark.parametrize(
    "question,standalone",
    [
        ("separate issue - he missed 3 days of his clozapine; how do I re-titrate it?", "he missed 3 days of"),
        ("Different question: when can it be restarted after surgery?", "when can it be restarted"),
        ("unrelated question, what about warfarin?", "what about warfarin?"),
        ("on a different note, is it safe in pregnancy?", "is it safe in pregnancy?"),
        ("separately - how much lorazepam for her insomnia?", "how much lorazepam"),
        # what the turn leaves is named, and is no part of the new question
        ("unrelated to NMS now: how is an abscess drained?", "how is an abscess drained?"),
        ("different question, not related to the dantrolene - what is gout?", "what is gout?"),
    ],
)
def test_a_turn_that_changes_the_subject_is_read_on_its_own(question, standalone):
    """ "separate question - ..." leaves the conversation: not merged with it, whatever its pronouns."""
    history = ("Is dantrolene useful in NMS?",)
    q = read(question, history)
    assert not q.follow_up
    assert q.text.startswith(standalone)
    assert "dantrolene" not in q.retrieval.lower()


@pytest.mark.parametrize(
    "question",
    ["and a different antipsychotic?", "another question: is it safe in pregnancy?", "what about a separate dose?"],
)
def test_a_turn_that_only_mentions_difference_stays_a_follow_up(question):
    assert read(question, ("Is dantrolene useful in NMS?",)).follow_up
