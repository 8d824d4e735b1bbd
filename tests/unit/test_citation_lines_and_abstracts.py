"""Model-free tests of this stop's rules: a structured abstract written one paragraph per line is prose, not a
table; reference, author, journal and publication-note lines are not statements; a document cited in short
("J Clin Psych 2008") or by an acronym is named; a follow-up that points back with "it" is read with the
conversation; "what did the authors conclude?" asks for a conclusion; onset is a quantity whose figures are
time spans; what followed giving a drug again is a stance on it; "the drug that caused it" asks no cause."""

from __future__ import annotations

import pytest

from assistant.candidates import is_statement
from assistant.contested import figures_by_facet, question_facets
from assistant.coverage import gives
from assistant.lexicon import ASPECTS, CAUSE_QUESTION, EXPLETIVE_IT, REFERRING_PRONOUN
from assistant.query import Query, is_follow_up
from assistant.records import Stance
from assistant.stance import Role, RuleStanceDetector
from ingest.clean import clean_text
from tests.unit.fake_index import lexical_stats

ABSTRACT = """A review of the syndrome

Psychiatric Services 1998; 49(9): 1163-1172. Review article.

Abstract
Objective: The syndrome is an uncommon side effect of antipsychotic medications, marked by rigidity and fever.
Methods: MEDLINE was searched from 1966 to 1997 for key reviews, case series and individual case reports.
Results and conclusions: Most patients recover within two to 14 days with no cognitive impairment at all.
"""

TABLE = """Comparison of agents

Feature Drug A (agonist) Drug B (relaxant) Drug C
Mechanism Activates dopamine receptors to reverse a deficiency. Inhibits calcium release from muscle. Enhances GABA.
Onset Slower, over days compared to the others. Faster, within hours for severe hyperthermia. Fast acting.
Limitation May worsen psychosis and lower blood pressure. Does not treat the cause of the syndrome. Sedation.
"""


def test_a_structured_abstract_one_paragraph_per_line_is_prose():
    doc = clean_text(ABSTRACT)
    assert all(s.kind != "table" for s in doc.sections)
    assert "within two to 14 days" in doc.text


def test_a_table_whose_cells_are_sentences_stays_a_table():
    doc = clean_text(TABLE)
    assert [s.kind for s in doc.sections if "Activates" in doc.text[s.start : s.end]] == ["table"]


@pytest.mark.parametrize(
    "text",
    [
        "Psychiatric Services 1998; 49(9): 1163-1172.",
        "American Journal of Psychiatry.",
        "Publication types: Case Reports; Research Support, U.S.",
        "Article type: case report, with a short review of the literature.",  # front-matter fields
        "**Source type:** consumer question-and-answer site on which several doctors answer.",
        "Substances: Antipsychotic Agents; Haloperidol; Dantrolene.",
        "Affiliations: Department of Psychiatry, University Hospital, Leeds.",
        "Mitsuhiro Nakamura, MD; Hideo Yasunaga, MD, PhD; Hiroaki Miyata, PhD",
        "First published online November 1, 2011.",
        "Received 3 May 2019; accepted 9 June 2019.",
        "[Authors as cited by other papers: A, B, C; the stored page does not show them.]",
        "[The stored page breaks off at the start of the introduction.",  # a note's first sentence ...
        "The case course and the discussion are not stored.]",  # ... and its last
    ],
)
def test_reference_author_and_journal_lines_are_not_statements(text):
    assert not is_statement(text)


@pytest.mark.parametrize(
    "text",
    [
        "The authors conclude that the syndrome may be more common than has been thought.",
        "Most patients recover within two to 14 days with no cognitive impairment.",
        "NMS was diagnosed in 1998 and treated with Dantrolene Sodium Injection.",  # capitals, but a sentence
        "Seven of the 500 patients (1.4%) had definite or probable NMS.",
        "The article type matters less than the quality of the case description.",
        "Patients with DM or MS were excluded from the cohort.",  # abbreviations, not degrees after a name
        "He was given bromocriptine 2.5 mg [2].",  # a reference mark in brackets, not a note
    ],
)
def test_findings_remain_statements(text):
    assert is_statement(text)


DOCS = {
    "croarkin-review.txt": [
        "NMS associated with atypical antipsychotics in pediatric patients: a review of published cases. "
        "Journal of Clinical Psychiatry.",
        "Twenty case reports were found; sixteen met the research criteria.",
    ],
    "nakamura-cohort.txt": [
        "Mortality of NMS induced by typical and atypical antipsychotics. J Clin Psychiatry.",
        "Mortality was 1.4% with atypical agents.",
    ],
    "shm-case.txt": [
        "Myoclonus without rhabdomyolysis. SHM abstract archive.",
        "A man on haloperidol had a CPK of 370 and was given lorazepam.",
    ],
    "adult-case.txt": [
        "A case of NMS in a man given haloperidol, from a general hospital.",
        "He recovered with supportive care.",
    ],
}


STATS = lexical_stats(DOCS)


def test_a_document_cited_in_short_is_named():
    # "Clin" is a word of one header only, but "Peds", "Clin" and "Psych" begin three words of the other
    question = "Peds NMS w/ atypical APs (J Clin Psych rvw): # case reports, # meeting dx crit?"
    assert STATS.named_documents(question) == ["croarkin-review.txt"]


def test_an_acronym_names_its_document_but_a_short_word_does_not():
    assert STATS.named_documents("SHM abstract: CPK and what tx worked?") == ["shm-case.txt"]
    assert STATS.named_documents("What did the Shm abstract say?") == []  # three letters, not in capitals


def test_nothing_is_named_when_no_header_stands_out():
    assert STATS.named_documents("Which Psych features matter?") == []  # begins words of two headers, one each


def _query(ask: str) -> Query:
    return Query(typed=ask, text=ask, retrieval=ask, ask=ask)


ANCHOR = frozenset({"nms", "neurolept", "malign"})


@pytest.mark.parametrize(
    "ask,follows",
    [
        ("how many patients was it tested on, and can it be used for anything besides NMS?", True),
        ("were they all given bromocriptine for NMS?", True),
        ("Why is it important to stop the antipsychotic in NMS?", False),
        ("It is unclear whether NMS recurs; how often does NMS recur?", False),
        ("What is the mortality of NMS?", False),
    ],
)
def test_a_pronoun_points_back_to_the_conversation(ask, follows):
    assert is_follow_up(_query(ask), ANCHOR) is follows


def test_an_expletive_it_is_not_a_reference():
    assert not REFERRING_PRONOUN.search(EXPLETIVE_IT.sub(" ", "would it be wise to wait?"))
    assert REFERRING_PRONOUN.search(EXPLETIVE_IT.sub(" ", "would it help?"))


CONCLUSION = next(a for a in ASPECTS if a.name == "conclusion")


@pytest.mark.parametrize(
    "sentence,gives_it",
    [
        ("The authors conclude that the syndrome may be underdiagnosed.", True),
        ("These findings suggest that NMS is more common than thought.", True),
        ("Seven of them (1.4%) had NMS.", False),
    ],
)
def test_a_conclusion_is_asked_and_given(sentence, gives_it):
    assert CONCLUSION.asked.search("what did the authors conclude?")
    assert not CONCLUSION.asked.search("what proportion had NMS?")
    assert gives(CONCLUSION, sentence, []) is gives_it


# --- contested topics: onset figures, what followed giving a drug again, "the drug that caused it" ---


@pytest.mark.parametrize(
    "sentence,figures",
    [
        (
            "NMS usually begins early, during the first 24 h to 1 week, and rarely after 30 days.",
            ["24h-1week", "30days"],
        ),
        ("Most cases begin within 2 weeks of starting the antipsychotic.", ["2weeks"]),
        ("Symptoms usually appear 24 to 72 hours after the drug is given.", ["24-72hours"]),
        ("The episode lasted 10 days.", None),  # how long it lasted, not when it began
        ("Mortality was 10% within 30 days.", None),  # a death rate's window is not an onset
    ],
)
def test_onset_figures_are_time_spans_next_to_a_beginning(sentence, figures):
    assert figures_by_facet(sentence).get("onset") == figures


def test_onset_and_killing_are_asked_quantities():
    assert "onset" in question_facets("nms onset: hours, days or weeks after starting?")
    assert "onset" in question_facets("How soon after starting an antipsychotic does NMS appear?")
    assert "onset" not in question_facets("When should we start dantrolene?")  # starting a drug
    assert "onset" not in question_facets("how soon after recovery was an antipsychotic restarted?")
    assert "mortality" in question_facets("how likely is it to kill him?")


@pytest.mark.parametrize(
    "sentence,figures",
    [
        ("Men are affected twice as often as women.", ["2:1"]),  # "twice" and "2:1" are one figure
        ("The male to female ratio has been reported to be as high as 2:1.", ["2:1"]),
        ("The median male:female ratio was 1.47.", ["1.47"]),
        ("Of the 40 patients, the female to male ratio was 1:4.", ["1:4"]),
        ("Mortality was 10% in men.", None),  # a percentage near "men" is no ratio
    ],
)
def test_sex_ratios_are_figures_of_their_own(sentence, figures):
    assert figures_by_facet(sentence).get("sex ratio") == figures


def test_a_ratio_of_the_sexes_is_an_asked_quantity():
    assert "sex ratio" in question_facets("nms male:female ratio?")
    assert "sex ratio" in question_facets("it says men get it twice as often - do the others agree?")
    assert "sex ratio" not in question_facets("what is the neutrophil to lymphocyte ratio in NMS?")


def test_asking_what_explains_the_syndrome_asks_its_mechanism():
    assert "mechanism" in question_facets("Is NMS best explained by D2 blockade or by an immune reaction?")
    assert "mechanism" in question_facets("what explains the fever?")
    assert "mechanism" not in question_facets("Can you explain the dosing?")  # explaining is not a mechanism


RULES = RuleStanceDetector()


@pytest.mark.parametrize(
    "sentence,side",
    [
        ("Haloperidol was restarted at a lower dose 14 days later, and he did not relapse.", Stance.SUPPORTS),
        ("At follow-up three years later, NMS had not come back.", Stance.SUPPORTS),
        ("We present a patient whose NMS recurred when the antipsychotic was given again.", Stance.DISPUTES),
        ("Reintroduction may trigger a recurrence.", Stance.DISPUTES),
        ("Although recurrence can happen, cautious reintroduction may be necessary.", Stance.SUPPORTS),
        ("Symptoms recurred when dantrolene was stopped too early.", None),  # the drug was withdrawn, not given
        ("Fever came back after the dantrolene dose was reduced.", None),
        ("Rechallenge was reported in 15 patients.", None),
    ],
)
def test_what_followed_giving_a_drug_again_is_a_stance(sentence, side):
    assert RULES.stance(sentence, "rechallenge", Role.INTERVENTION) == side


def test_the_drug_that_caused_it_is_not_a_cause_question():
    assert CAUSE_QUESTION.search("Can quetiapine cause NMS?")
    assert not CAUSE_QUESTION.search("if we restart the antipsychotic that caused the nms, will it come back?")


TREATMENT = next(a for a in ASPECTS if a.name == "treatment received")


@pytest.mark.parametrize(
    "question,asked",
    [
        ("In the published case, how was he treated?", True),
        ("what treatment did she receive?", True),
        ("what tx worked?", True),
        ("and how was their patient treated?", True),
        ("which drugs were used to treat her NMS?", True),
        ("what medication did he get?", True),
        ("and how was the authors' own patient treated?", True),
        ("how was the NMS finally treated?", True),
        ("which specific treatment did he receive?", True),
        ("how was the diagnosis made?", False),
        ("Is bromocriptine an effective treatment?", False),  # whether a drug works, not what a patient received
        ("which drugs are used to treat NMS?", False),  # what is used in general
    ],
)
def test_what_a_reported_patient_received_is_asked(question, asked):
    assert bool(TREATMENT.asked.search(question)) is asked


@pytest.mark.parametrize(
    "sentence,given",
    [
        ("He was treated with bromocriptine and cooling.", True),
        ("Bromocriptine was started.", True),
        ("He was given 10 sessions of electroconvulsive therapy.", True),
        ("Despite intensive treatment she died.", False),  # says it was treated, not with what
        ("Two months after olanzapine had been started he became rigid.", False),  # the culprit, not a treatment
    ],
)
def test_what_a_reported_patient_received_is_given_by_any_drug(sentence, given):
    assert gives(TREATMENT, sentence, []) is given


@pytest.mark.parametrize(
    "ask,management",
    [
        ("what else does she need right now?", True),
        ("what should the patient get next?", True),
        ("what dose does she need?", False),
    ],
)
def test_what_a_patient_needs_asks_for_management(ask, management):
    from assistant.lexicon import ASK_INTENTS

    pattern, plain = ASK_INTENTS[0]
    assert plain.startswith("first steps") and bool(pattern.search(ask)) is management


def test_a_title_capital_of_an_everyday_word_names_nothing_typed_in_lower_case():
    docs = {
        "drugscom.md": ["Official Answer: Should You Stop Amantadine Suddenly?", "Amantadine is tapered over weeks."],
        "medfriendly.md": ["MedFriendly: Neuroleptic Malignant Syndrome", "Most patients have rigid muscles."],
        "cohort.txt": ["A nationwide cohort", "Using registers of Finland we found 1.99 per 10 000."],
        "review.txt": ["Tapering in Parkinson's disease", "Only two sets of instructions were found."],
    }
    stats = lexical_stats(docs, is_rare=lambda word: word == "medfriendly")
    assert "official" not in stats.proper_names  # "Official Answer" is a title's capitals; the word is everyday
    assert stats.named_documents("what does the medfriendly page say about rigid muscles?") == ["medfriendly.md"]
    assert stats.named_documents("how many official instructions were found?") == []
    # without a test of rare words, every word only ever written with a capital counts, as before
    assert "official" in lexical_stats(docs).proper_names


@pytest.mark.parametrize(
    "sentence,figures",
    [
        ("CPK raised to at least four times the upper limit of normal.", ["4× ULN"]),
        ("A CK of at least three times the upper limit of normal (3x ULN) is needed.", ["3× ULN", "3× ULN"]),
        ("Creatine kinase raised to 4 or more times the upper limit of normal.", ["4× ULN"]),
        ("The CK was 20 times higher on day two.", None),  # a rise, not a multiple of normal
    ],
)
def test_a_multiple_of_the_upper_limit_of_normal_is_a_threshold(sentence, figures):
    assert figures_by_facet(sentence).get("threshold") == figures


def test_a_threshold_is_an_asked_quantity():
    assert "threshold" in question_facets("Can NMS be diagnosed when the CK is below four times the ULN?")
    assert "threshold" not in question_facets("How high does the CK go in NMS?")


@pytest.mark.parametrize(
    "question,aspect,asked",
    [
        ("is NMS different in geriatric patients?", "older adults", True),
        ("58M, rigid, CK 9000. Ortho says post-op fever, geriatrics thinks NMS - what first?", "older adults", False),
        ("the geriatrician wants to restart it - is that safe?", "older adults", False),
        ("how common is NMS in paediatric patients?", "children", True),
        ("paediatrics wants to give dantrolene - dose?", "children", False),
    ],
)
def test_a_specialty_or_its_doctor_is_a_speaker_not_the_patients(question, aspect, asked):
    """ "geriatrics thinks NMS" names who speaks; "geriatric patients" names whom the question is about."""
    pattern = next(a for a in ASPECTS if a.name == aspect).asked
    assert bool(pattern.search(question)) is asked


@pytest.mark.parametrize(
    ("section", "listed"),
    [
        ("References", True),
        ("Neuroleptic malignant syndrome › References listed on the page", True),
        ("Bibliografia", True),
        ("Reference 10: Malignant syndrome", False),  # one source's own heading, with what it says
        ("Treatment › Referral to intensive care", False),
        ("Abstract", False),
    ],
)
def test_a_reference_list_section(section, listed):
    from assistant.lexicon import REFERENCE_LIST_SECTION

    assert bool(REFERENCE_LIST_SECTION.search(section)) is listed
