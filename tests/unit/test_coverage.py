"""Does the selected evidence answer what was asked (assistant.coverage)? Model-free, on synthetic candidates."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.candidates import Candidate
from assistant.coverage import (
    check_aspects,
    exposure_topics,
    other_condition,
    rare_use,
    slot_words,
    uncovered_concepts,
    unrelated_use,
)
from ingest.records import Passage
from tests.unit.test_reading import READER, read


def cand(
    text: str, doc: str = "a.txt", score: float = 1.0, title: str = "A paper", section: str | None = None, row: int = 0
) -> Candidate:
    passage = Passage(
        id=f"{doc}{row}",
        doc_id=doc,
        title=title,
        source=f"/x/{doc}",
        evidence_type="research",
        section=section,
        kind="text",
        page=None,
        start=0,
        end=len(text),
        text=text,
        sentences=((0, len(text)),),
    )
    return Candidate(
        row=row,
        index=0,
        text=text,
        span=(0, len(text)),
        passage=passage,
        vector=np.zeros(4, np.float32),
        score=score,
        similarity=score,
    )


@pytest.mark.parametrize(
    "question,selected,pool,covered,named",
    [
        # a dose given about the drug asked
        ("What dose of bromocriptine?", ["Bromocriptine 2.5 mg three times a day."], [], ["dose"], []),
        # a dose of another drug does not count
        ("What dose of bromocriptine?", ["Dantrolene 1 mg/kg IV."], [], [], ["dose"]),
        # found in the wider pool: added
        (
            "What dose of bromocriptine?",
            ["Bromocriptine is a dopamine agonist."],
            ["Bromocriptine 2.5 mg by mouth."],
            ["dose"],
            [],
        ),
        # the dose for children, read with the heading that names the group
        (
            "What dose of bromocriptine for children?",
            ["Bromocriptine 2.5 mg for adults."],
            ["0.08 mg/kg per dose every 6-8 hours."],
            ["children", "dose"],
            [],
        ),
        # a child's case report without a dose does not give a dose for children
        (
            "What amantadine dose is used in children?",
            ["Amantadine 100 mg twice daily.", "An 11-year-old boy was given amantadine."],
            [],
            ["dose"],
            ["children"],
        ),
        # how often a dose is given is not how long a treatment lasts
        ("bromocriptine NMS how long to continue", ["Bromocriptine 2.5 mg every 8 hours."], [], [], ["duration"]),
        ("bromocriptine NMS how long to continue", ["Bromocriptine is continued for 10 days."], [], ["duration"], []),
        # how soon a drug worked is not how long it is given
        (
            "bromocriptine NMS how long to continue",
            ["Adding bromocriptine (1.03 days to response) shortened the time to clinical response."],
            [],
            [],
            ["duration"],
        ),
        (
            "bromocriptine NMS how long to continue",
            ["Bromocriptine did not change the duration of treatment."],
            [],
            [],
            ["duration"],
        ),
        # an interaction worded as a precaution
        (
            "any interactions with bromocriptine?",
            ["A key precaution with bromocriptine is avoiding its use with ergot alkaloids."],
            [],
            ["interactions"],
            [],
        ),
        (
            "any interactions with bromocriptine?",
            ["Bromocriptine should not be given with other ergot drugs."],
            [],
            ["interactions"],
            [],
        ),
        ("any interactions with bromocriptine?", ["Bromocriptine is given by mouth."], [], [], ["interactions"]),
        # "how long before we can ..." asks for a waiting time; a delayed treatment is no waiting time
        (
            "how long before we can give haloperidol again?",
            ["Delayed treatment of haloperidol toxicity worsens the outcome."],
            [],
            [],
            ["timing"],
        ),
        (
            "how long before we can give haloperidol again?",
            ["Haloperidol was given again after a delay of two weeks."],
            [],
            ["timing"],
            [],
        ),
    ],
)
def test_aspects(question, selected, pool, covered, named):
    q = read(question)
    sections = {"0.08 mg/kg per dose every 6-8 hours.": "Dosage › Paediatric dose"}
    pool_c = [cand(t, "monograph.md", 0.9, "Bromocriptine", sections.get(t), row=10 + i) for i, t in enumerate(pool)]
    # a percentage about something else, in a paper whose title names the drug, gives no proportion for it
    check = check_aspects(q, READER, [cand(t, row=i) for i, t in enumerate(selected)], pool_c, floor=0.5)
    assert [u.aspect for u in check.uncovered] == named
    assert {a.name for a in q.aspects} - {u.aspect for u in check.uncovered} == set(covered)


def test_an_added_statement_must_reach_the_floor():
    q = read("What dose of bromocriptine?")
    check = check_aspects(q, READER, [], [cand("Bromocriptine 2.5 mg by mouth.", score=0.2)], floor=0.5)
    assert not check.added
    # the note says what was asked in the question's own words
    assert [u.note for u in check.uncovered] == ["No indexed source gives a dose (asked: dose of bromocriptine)."]


@pytest.mark.parametrize(
    "question,evidence,missing,elsewhere",
    [
        (
            "Does dantrolene help with spasticity in multiple sclerosis?",
            ["Dantrolene reduces rigidity in NMS."],
            {"spasticity", "multiple", "sclerosis"},
            {"spasticity", "multiple", "sclerosis"},
        ),
        # anchored in the field: uncovered words never make it about something else
        ("Is dantrolene used for NMS in liver disease?", ["Dantrolene reduces rigidity in NMS."], {"liver"}, set()),
        # "in what order" frames the question: "order" is no condition
        (
            "In what order were dantrolene and bromocriptine given in NMS?",
            ["Dantrolene was given first, then bromocriptine."],
            set(),
            set(),
        ),
        # common words of the field are not another condition
        (
            "What does the acute phase hypothesis imply for treatment?",
            ["The hypothesis proposes iron deficiency."],
            {"imply", "treatment"},
            set(),
        ),
    ],
)
def test_another_condition(question, evidence, missing, elsewhere):
    q = read(question)
    found = set(uncovered_concepts(q, READER, [cand(t) for t in evidence]))
    assert missing <= found
    df = {"treatment": 60, "spastic": 0, "multipl": 0, "sclerosi": 0, "liver": 1}
    assert set(other_condition(q, READER, sorted(found), df, n_passages=200)) == elsewhere


@pytest.mark.parametrize(
    "history,question,evidence,elsewhere",
    [
        # a follow-up is judged by its own words: the conversation's NMS does not anchor another use
        (
            ("Is amantadine an option for NMS?",),
            "and for flu prophylaxis in a nursing home?",
            ["Amantadine is another treatment option in NMS."],
            {"flu", "prophylaxis"},
        ),
        # "malignant hyperthermia" is its own term: its "malignant" does not name the field
        (
            ("What is the mortality of NMS?",),
            "and for malignant hyperthermia during anaesthesia?",
            ["The mortality of NMS fell below 10%."],
            {"anaesthesia"},
        ),
        # a follow-up that asks more about the same subject is not about something else
        (("Is amantadine an option for NMS?",), "and in children?", ["Amantadine was used in NMS."], set()),
        (("Is amantadine an option for NMS?",), "what dose for NMS?", ["Amantadine was used."], set()),
    ],
)
def test_a_follow_up_about_another_condition(history, question, evidence, elsewhere):
    q = read(question, history)
    found = uncovered_concepts(q, READER, [cand(t) for t in evidence])
    df = {"flu": 0, "prophylaxi": 0, "anaesthesia": 1, "anaesthesi": 1}
    assert set(other_condition(q, READER, found, df, n_passages=200)) >= elsewhere
    if not elsewhere:
        assert other_condition(q, READER, found, df, n_passages=200) == []


def test_slot_words():
    assert slot_words("oral dantrolene dose for spasticity after stroke") == {"spasticity", "stroke"}
    assert slot_words("ECT for MDD in pregnancy") == {"mdd", "pregnancy"}
    # a terse "<drug> [word] dose <use>"
    assert slot_words("quetiapine dose insomnia") == {"insomnia"}
    assert slot_words("pramipexole starting dose restless legs") == {"restless", "legs"}
    assert slot_words("dantrolene dose") == set()
    # a phrase that points back is the conversation's or the document's own, a possessive's use is a use
    assert slot_words("how would temperature control fail in that situation?") == set()
    assert slot_words("no cases turned up in its trials") == set()
    # a phrase that only frames the question asks for no use
    assert slot_words("where does the rigidity end up, in terms of complications?") == set()
    assert slot_words("what do the letters stand for?") == set()
    assert slot_words("what dose do you use for his off episodes?") == {"his", "off", "episodes"}
    # "in the first place" frames; a use ends where a phrase saying who begins
    assert slot_words("why would they have had more ECT in the first place?") == set()
    assert slot_words("for jerky movements people get after years") == {"jerky", "movements", "years"}
    # "for example" frames, and a question's own words ("after how many sessions") ask for no use
    assert slot_words("is potency what matters - for example by preferring low-potency drugs?") == set()
    assert slot_words("what finally worked, and after how many sessions?") == set()
    # an idiom after "in" says how, not what for
    assert slot_words("what does the memo urge doctors to keep in mind?") == set()
    assert slot_words("is it used in practice for spasticity?") == {"spasticity"}
    assert slot_words("is it safe in the first trimester, for example regarding gestational diabetes?") == {
        "gestational",
        "diabetes",
    }


def test_a_follow_up_asking_about_the_drug_for_another_use_through_an_article():
    """ "ok, and what helps with the drooling it causes?" after a question on clozapine and NMS."""
    q = read("ok, and what helps with the drooling it causes at night?", ("Can clozapine cause NMS?",))
    assert q.follow_up and "clozapine" in q.entities
    evidence = [cand("Clozapine can cause NMS, as case reports show.")]
    df = {"drool": 1, "night": 3}
    assert "drooling" in unrelated_use(q, READER, evidence, df, n_passages=200)
    # the evidence speaks of that use: no other use
    evidence = [cand("Clozapine causes drooling at night in many patients.")]
    assert unrelated_use(q, READER, evidence, df, n_passages=200) == []
    # "in the severe cases looked at separately" is a subgroup, not a use
    q = read("and in the severe cases looked at separately, did it do better?", ("Does clozapine cause NMS?",))
    evidence = [cand("Clozapine can cause NMS.")]
    assert unrelated_use(q, READER, evidence, {"look": 1, "sever": 5}, n_passages=200) == []


def test_a_pronoun_after_of_is_no_condition():
    """ "do some of them damp it down?": "them" points back; "damp", never seen, is no condition asked about."""
    q = read("Do acute phase reactants only fuel inflammation, or do some of them damp it down?")
    assert other_condition(q, READER, ["damp"], {"damp": 0}, n_passages=200, unknown=["damp"]) == []
    q = read("What are the odds of glaucoma with dantrolene?")
    assert other_condition(q, READER, ["glaucoma"], {"glaucoma": 0}, n_passages=200, unknown=["glaucoma"]) == [
        "glaucoma"
    ]


def test_a_use_the_index_barely_mentions_is_found_through_its_article():
    df = {"rigid": 40, "tic": 0}
    assert rare_use("What haloperidol dose would you use for the tics?", df, 100) == ["tics"]
    assert rare_use("what should we give her for the rigidity?", df, 100) == []  # the field's own words
    assert rare_use("what should we give her?", df, 100) == []


@pytest.mark.parametrize(
    "question,labels",
    [
        ("Are men more likely than women to develop NMS?", ["sex"]),
        ("does older age increase the risk of getting nms?", ["age"]),
        ("Is NMS more common with atypicals?", ["second-generation antipsychotics"]),
        ("Is dantrolene effective for NMS?", []),  # not a risk question
    ],
)
def test_exposure_topics(question, labels):
    assert [label for label, _ in exposure_topics(read(question), READER)] == labels


def test_a_title_alone_does_not_make_a_figure_about_the_subject():
    q = read("What proportion of patients with NMS respond to electroconvulsive therapy?")
    c = cand(
        "NMS is seen in about 0.2% of psychiatric patients.",
        title="ECT in catatonic NMS: a case",
        section="Introduction",
    )
    check = check_aspects(q, READER, [c], [], floor=0.5)
    assert [u.aspect for u in check.uncovered] == ["proportion"]


def test_what_a_named_report_gave_its_patient_is_looked_for_in_that_report_only():
    question = "In the published case, how was he treated?"
    elsewhere = [cand("He was treated with bromocriptine.", doc="other-case.txt")]
    own = [cand("The patient was a 41-year-old man.", doc="iran-case.txt", row=1)]
    named = frozenset({"iran-case.txt"})
    check = check_aspects(read(question), READER, own, elsewhere, 0.0, named)
    assert [u.aspect for u in check.uncovered] == ["treatment received"] and not check.added
    # without a named report, another report's treatment answers the question
    check = check_aspects(read(question), READER, own, elsewhere, 0.0)
    assert not check.uncovered and [c.doc_id for c in check.added] == ["other-case.txt"]


def test_an_aspect_asked_of_a_named_document_is_given_by_that_document_only():
    q = read("What bromocriptine dose did the Smith case use?")
    other = [cand("Bromocriptine 2.5 mg by mouth three times a day.", "label.md")]
    own = [cand("The Smith patient recovered on bromocriptine.", "smith.txt", row=1)]
    named = frozenset({"smith.txt"})
    check = check_aspects(q, READER, other + own, [], floor=0.5, named=named)
    # the label's dose is not the Smith patient's
    assert [u.note for u in check.uncovered] == ["The document asked about does not address this: dose."]
    assert not check_aspects(q, READER, other + own, [], floor=0.5).uncovered  # no document named: the label's


@pytest.mark.parametrize(
    "question,statements,undosed",
    [
        ("magnesium dose torsades adult", ["Dantrolene 2.5 mg/kg IV."], ["magnesium"]),
        (
            "What is the dose of activated charcoal?",
            ["Bromocriptine 2.5 mg three times a day."],
            ["activated", "charcoal"],
        ),
        ("What dose of dantrolene?", ["Dantrolene 2.5 mg/kg IV."], []),  # the doses shown are of it
        ("What dose of dantrolene?", ["Cooling and fluids."], ["dantrolene"]),
        ("What is the usual dose?", ["Dantrolene 2.5 mg/kg IV."], []),  # no subject named
        # a drug the index barely mentions, named only in passing beside doses of other drugs
        (
            "What is the maximum dose of paracetamol per day?",
            ["He was given paracetamol and fluids.", "Dantrolene 2.5 mg/kg IV."],
            ["paracetamol"],
        ),
        ("What is the maximum dose of paracetamol per day?", ["Paracetamol 1 g every 6 hours."], []),
    ],
)
def test_a_dose_asked_of_something_no_statement_mentions(question, statements, undosed):
    from assistant.coverage import dosed_without_mention

    chosen = [cand(t, row=i) for i, t in enumerate(statements)]
    assert dosed_without_mention(read(question), READER, chosen, {"paracetamol": 1}, 500) == undosed


def test_a_drug_the_index_discusses_is_no_refusal_for_lack_of_a_dose():
    """The shipped corpus names dantrolene often and gives no dose: the answer says so, it does not refuse."""
    from assistant.coverage import dosed_without_mention

    chosen = [cand("Dantrolene was given and the fever settled.")]
    assert dosed_without_mention(read("What dose of dantrolene?"), READER, chosen, {"dantrolen": 40}, 500) == []
    assert dosed_without_mention(read("What dose of dantrolene?"), READER, chosen, {"dantrolen": 1}, 500) == [
        "dantrolene"
    ]


def test_a_dose_of_another_drug_does_not_answer_a_dose_of_one_the_question_names_outside_the_synonyms():
    q = read("What is the maximum dose of paracetamol per day?")
    check = check_aspects(q, READER, [cand("Dantrolene 2.5 mg/kg IV, up to 10 mg/kg per day.")], [], floor=0.5)
    assert [u.aspect for u in check.uncovered] == ["dose"]


def test_who_a_named_document_is_about_may_be_given_by_another_statement():
    q = read("In the Smith review of NMS in children, how was it treated?")
    statements = [
        cand("In children, NMS was treated with cooling.", "other.txt"),
        cand("It resolved.", "smith.txt", row=1),
    ]
    check = check_aspects(q, READER, statements, [], floor=0.5, named=frozenset({"smith.txt"}))
    assert "children" not in [u.aspect for u in check.uncovered]


def test_words_that_say_which_dose_name_nothing_dosed():
    from assistant.coverage import dosed_without_mention

    statements = [cand("Cooling and fluids.")]
    assert dosed_without_mention(read("max dose?"), READER, statements, {}, 500) == []
    assert dosed_without_mention(read("oral dose?"), READER, statements, {}, 500) == []
    assert dosed_without_mention(read("magnesium dose?"), READER, statements, {}, 500) == ["magnesium"]


def test_a_span_written_in_words_gives_how_long():
    q = read("How long do the symptoms last?")
    given = check_aspects(
        q, READER, [cand("These symptoms can last anywhere from eight hours to forty days.")], [], 0.5
    )
    assert "duration" not in [u.aspect for u in given.uncovered]
    missing = check_aspects(q, READER, [cand("Symptoms can last a long time.")], [], 0.5)
    assert "duration" in [u.aspect for u in missing.uncovered]


def test_a_word_never_seen_after_for_and_an_article_is_what_the_question_is_asked_for():
    """ "a starting dose of bromocriptine for a pituitary adenoma": the article does not hide the use."""
    q = read("What starting dose of bromocriptine for an adenoma, and how fast do we titrate?")
    assert other_condition(q, READER, ["adenoma"], {"adenoma": 0}, n_passages=200, unknown=["adenoma"]) == ["adenoma"]
    q = read("What starting dose of bromocriptine for an adult?")  # "adult" is known: no other condition
    assert other_condition(q, READER, ["adult"], {"adult": 50}, n_passages=200) == []


@pytest.mark.parametrize(
    "question,name",
    [
        ("In the Frontiers case, how many ECT sessions were needed?", "number of sessions"),
        ("how many different hypotheses did they count?", "number of hypotheses"),
        ("how many sessions does it usually take?", "number of sessions"),
    ],
)
def test_a_count_of_things_is_an_aspect(question, name):
    assert name in [a.name for a in read(question).aspects]


@pytest.mark.parametrize(
    "question", ["How many patients die of NMS?", "how many days should we wait?", "how many grams a day max?"]
)
def test_patients_time_and_dose_are_not_counted_things(question):
    assert not [a for a in read(question).aspects if a.name.startswith("number of")]


def test_a_count_is_given_by_a_number_before_the_thing_counted():
    q = read("In that case report, how many ECT sessions were needed?")
    given = check_aspects(q, READER, [cand("She improved after six sessions of ECT.")], [], 0.0)
    assert not given.uncovered
    missing = check_aspects(q, READER, [cand("ECT sessions were given until she improved.")], [], 0.0)
    assert [u.note for u in missing.uncovered] == [
        "No indexed source gives the number of sessions (asked: how many ECT sessions)."
    ]


@pytest.mark.parametrize(
    "question", ["how was he treated and how did he do?", "In that report, how did it end?", "did she survive?"]
)
def test_how_a_reported_patient_did_is_an_aspect(question):
    assert "outcome" in [a.name for a in read(question).aspects]


def test_how_a_patient_did_needs_a_statement_about_the_outcome():
    q = read("In the published case, how did he do?")
    assert not check_aspects(q, READER, [cand("He recovered fully within ten days.")], [], 0.0).uncovered
    check = check_aspects(q, READER, [cand("He was 41 years old and had schizophrenia.")], [], 0.0)
    assert [u.aspect for u in check.uncovered] == ["outcome"]
    # a general question about outcomes is not about one patient
    assert "outcome" not in [a.name for a in read("Does ECT improve outcomes in NMS?").aspects]


def test_the_case_own_drug_being_given_is_not_how_the_patient_was_treated():
    case = "30M on olanzapine 20 mg, T 40, rigid, CK 9000. In the published case, how was he treated?"
    q = read(case)
    exposure = cand("On admission he was given 100 mg of olanzapine intramuscularly.")
    assert [u.aspect for u in check_aspects(q, READER, [exposure], [], 0.0).uncovered] == ["treatment received"]
    treated = cand("He was given dantrolene and bromocriptine, and recovered.")
    assert not check_aspects(q, READER, [treated], [], 0.0).uncovered
    # another clause of the sentence that gives a treatment counts
    both = cand("Olanzapine was stopped; he was treated with bromocriptine.")
    assert not check_aspects(q, READER, [both], [], 0.0).uncovered


def test_a_drug_the_ask_names_that_no_statement_mentions_is_looked_for_then_named():
    from assistant.coverage import asked_without_mention

    q = read("Should we switch her to aripiprazole, and how fast?")
    about_others = [cand("Haloperidol should be stopped at once.")]
    naming = cand("Aripiprazole has been reported with NMS.", row=2, score=0.9)
    check = asked_without_mention(q, READER, about_others, [naming], floor=0.5)
    assert [c.text for c in check.added] == [naming.text] and not check.unmentioned
    # none in the pool either (or under the floor): named, so that the answer is refused
    check = asked_without_mention(q, READER, about_others, [cand("Aripiprazole.", row=3, score=0.1)], floor=0.5)
    assert check.unmentioned == ["aripiprazole"] and not check.added
    # a form of its name counts ("amoxapines"), and a statement that mentions it leaves all as it is
    q = read("nms amoxapine?")
    assert not asked_without_mention(q, READER, [cand("Examples include amoxapines and lithium.")], [], 0.5).unmentioned
