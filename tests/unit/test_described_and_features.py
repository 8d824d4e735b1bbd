"""Model-free tests of this stop's rules: a publication described by its details (not named), names typed in
lower case, reference lines, claims checked by "do the sources agree?", advice for and against giving a drug
again, and whether a feature is required (sources calling it central against cases without it)."""

from __future__ import annotations

import pytest

from assistant.candidates import is_statement
from assistant.lexicon import NECESSITY_QUESTION, PUBLICATION_REFERENCE
from assistant.query import _ask_with_its_subject, split_case
from assistant.records import Stance
from assistant.stance import Role, RuleStanceDetector, feature_absent, feature_required
from tests.unit.fake_index import lexical_stats

DOCS = {
    "korzets-case.txt": [
        "Acute renal failure in a woman with the neuroleptic malignant syndrome. Korzets A, Israel.",
        "An 83-year-old woman with organic brain syndrome was given haloperidol after cholangitis.",
        "Renal failure in this syndrome carries a worse prognosis.",
    ],
    "finnish-cohort.txt": [
        "Incidence of NMS in schizophrenia: a nationwide cohort. Helsinki University Hospital.",
        "Using registers of Finland we found an incidence of 1.99 per 10 000 person-years.",
    ],
    "review.txt": [
        "A review of the neuroleptic malignant syndrome for clinicians.",
        "Haloperidol is the drug most often implicated; renal failure is a known complication.",
        "Dantrolene and bromocriptine are used; supportive care is the mainstay.",
    ],
    "series.txt": [
        "An ICU series of NMS cases from one hospital.",
        "Most patients received supportive care; haloperidol was the usual cause.",
    ],
}


STATS = lexical_stats(DOCS)


def test_a_publication_described_by_its_details_is_found():
    question = (
        "83F with organic brain syndrome, on haloperidol after cholangitis, now T 41.5. "
        "In the published case, what complication followed?"
    )
    assert PUBLICATION_REFERENCE.search(question)
    assert STATS.described_document(question, 1.3) == "korzets-case.txt"


def test_no_document_is_described_when_none_leads():
    # the details are shared by several documents: none stands out, none is chosen
    assert STATS.described_document("In the published report, did haloperidol do it?", 1.3) is None
    assert STATS.described_document("what about it?", 1.3) is None


@pytest.mark.parametrize(
    "text,refers",
    [
        ("In the published case like this, what was she given?", True),
        ("What did the ICU series report?", True),
        ("what did the authors find", True),
        ("In a case like this, what should we do first?", False),  # a case like the patient's, no publication
        ("in the fatal fulminant case from japan, how high did the fever get?", True),
        ("In that case, should we stop the drug?", False),  # "in that case" is a conjunction
        ("68F on haloperidol, T 39.8, rigid. Start dantrolene?", False),
    ],
)
def test_a_reference_to_a_publication(text, refers):
    assert bool(PUBLICATION_REFERENCE.search(text)) is refers


def test_a_name_typed_in_lower_case_still_names_its_document():
    assert "helsinki" in STATS.proper_names
    assert STATS.named_documents("what did the helsinki cohort find") == ["finnish-cohort.txt"]
    # an ordinary word written in lower case by the documents is no name
    assert "renal" not in STATS.proper_names


@pytest.mark.parametrize(
    "line,quotable",
    [
        ("European Psychiatry, Volume 66, Supplement S1 (March 2023), p. S1043.", False),
        ("Journal of the Oklahoma State Medical Association, 2006, volume 99, issue 7, pages 435-438.", False),
        ("Eur Psychiatry 2023;66:S1043. doi: 10.1192/j.eurpsy.2023.2211", False),
        ("Dantrolene was given at 2.5 mg/kg (see page 4 of the label).", True),
    ],
)
def test_a_reference_line_is_not_a_statement(line, quotable):
    assert is_statement(line) is quotable


@pytest.mark.parametrize(
    "question,ask",
    [
        (
            "52M on aripiprazole, rigid, CK 2,900, Tmax 37.4. The team says it can't be NMS without a fever. "
            "Do the sources agree?",
            "The team says it can't be NMS without a fever. Do the sources agree?",
        ),
        (
            "45M on fluphenazine, T 39.6. The registrar says dantrolene must be started now. Is that right?",
            "The registrar says dantrolene must be started now. Is that right?",
        ),
    ],
)
def test_an_ask_that_checks_a_claim_takes_the_claim(question, ask):
    assert _ask_with_its_subject(*split_case(question))[1] == ask


FEVER = ("fever", "hyperthermia", "pyrexia", "febrile", "hyperpyrexia")


@pytest.mark.parametrize(
    "sentence,absent,required",
    [
        ("The authors describe an unusual case of NMS without fever.", True, False),
        ("He met the DSM-5 criteria with the exception of fever.", True, False),
        ("First, no hyperthermia was observed during this episode.", True, False),
        ("He remained afebrile throughout the admission.", True, False),
        ("Fever was absent in three of the patients.", True, False),
        ("NMS is characterized by fever, muscular rigidity and dysautonomia.", False, True),
        (
            "NMS is marked by the classic tetrad of altered mental status, rigidity, pyrexia and dysautonomia.",
            False,
            True,
        ),
        # a cue about something else in the sentence is not about the feature
        ("Its signs are hyperpyrexia and severe rigidity, with or without a raised CPK.", False, False),
        (
            "Treatment of fever with external cooling measures. It is essential to note that care is supportive.",
            False,
            False,
        ),
        ("Symptoms include high fever, confusion and sweating.", False, False),
    ],
)
def test_a_feature_reported_absent_or_called_central(sentence, absent, required):
    assert feature_absent(sentence, FEVER) is absent
    assert feature_required(sentence, FEVER) is required


def test_the_stance_on_a_feature_uses_its_synonyms():
    detector = RuleStanceDetector(names=lambda topic: FEVER if topic == "fever" else (topic,))
    sides = detector.stance_batch(
        ["No hyperthermia was observed.", "It is characterised by hyperpyrexia and rigidity.", "He was tired."],
        "fever",
        Role.FEATURE,
    )
    assert sides == [Stance.DISPUTES, Stance.SUPPORTS, None]


@pytest.mark.parametrize(
    "question,asks",
    [
        ("Does NMS always come with a high fever?", True),
        ("Can it be NMS without rigidity?", True),
        ("Is fever required for the diagnosis?", True),
        ("What are the symptoms of NMS?", False),
    ],
)
def test_a_question_about_whether_a_feature_is_needed(question, asks):
    assert bool(NECESSITY_QUESTION.search(question)) is asks


@pytest.mark.parametrize(
    "sentence,side",
    [
        ("Physicians should avoid restarting the causative neuroleptic.", Stance.DISPUTES),
        ("Many people can eventually be restarted on a lower dose of antipsychotic.", Stance.SUPPORTS),
        ("Cautious reintroduction may be necessary for the underlying illness.", Stance.SUPPORTS),
        ("It is contraindicated in severe liver disease.", Stance.DISPUTES),
    ],
)
def test_advice_for_or_against_giving_a_drug_again(sentence, side):
    assert RuleStanceDetector().stance(sentence, "rechallenge") == side


def test_only_a_feature_group_becomes_a_required_feature_topic():
    from assistant.coverage import feature_topics
    from tests.unit.test_reading import READER, read

    labels = [label for label, _ in feature_topics(read("Does NMS always come with a high fever?"), READER)]
    assert labels == ["fever"]
    patterns = dict(feature_topics(read("Can it be NMS without fever?"), READER))["fever"]
    assert any(p.search("He stayed afebrile.") for p in patterns)  # a negated form is a mention too
    # "without" a group that is no clinical feature (intensive care) asks nothing about the diagnosis
    assert feature_topics(read("Can NMS be managed without ICU admission?"), READER) == []


def test_the_sides_of_a_contested_topic_are_named_by_its_kind():
    from assistant.render import stance_label

    assert stance_label("dantrolene efficacy", "supports") == "Reports benefit or use"
    assert stance_label("fever as a required feature", "disputes") == "Reports cases without it"
    assert stance_label("lithium as a risk factor", "supports") == "Reports a link"
    assert stance_label("fever as a required feature", "uncertain").startswith("Calls the evidence")
    # the sources a question sets against each other are labelled by where the question puts them
    assert stance_label("Is NMS genetic (sources the question sets side by side)", "supports") == (
        "Named first in the question"
    )
    assert stance_label("Is NMS genetic (sources the question sets side by side)", "disputes") == (
        "Set against it in the question"
    )


# documents that name nothing, so that a word in three headers is not a word of most passages (ubiquitous)
OTHER_CASES = {f"case-{i}.txt": [f"Case {i} of a series on fever.", "Creatine kinase was raised."] for i in range(8)}


PHRASE_DOCS = {
    "hot-patient.md": [
        "The hot patient: drug-induced hyperthermia. Australian Prescriber.",
        "Men are affected twice as often.",
    ],
    "trollor.txt": ["First- versus second-generation NMS, an Australian series.", "Prescriber habits changed."],
    "roberts.txt": ["Letter from an Australian clinic on NMS evidence.", "Evidence is weak."],
    "label-a.md": ["Prescriber information for haloperidol injection.", "NMS has been reported."],
    "label-b.md": ["Prescriber information for paliperidone.", "NMS has been reported."],
    "label-c.md": ["Prescriber information for aripiprazole.", "NMS has been reported."],
} | OTHER_CASES


def test_a_run_of_capitalised_words_names_the_one_header_holding_them_all():
    stats = lexical_stats(PHRASE_DOCS)
    question = "What does the Australian Prescriber article say about sex ratio?"
    assert stats.named_documents(question) == ["hot-patient.md"]  # each word alone is in three headers
    assert stats.named_documents("What do the Australian authors say?") == []  # one word alone: three headers


SHARED_NAME_DOCS = {
    "iran-case.txt": [
        "Afebrile NMS after fluphenazine decanoate: a case from an Iranian hospital.",
        "He was afebrile.",
    ],
    "iran-review.md": ["Metoclopramide and NMS: an Iranian review of published cases.", "Cases were pooled."],
    "what-faq.md": ["What is NMS? Questions and answers.", "Stop the drug."],
    "what-explainer.md": ["What drug reverses NMS? An explainer.", "Dantrolene is used."],
} | OTHER_CASES


def test_of_documents_sharing_a_name_the_one_the_question_describes_is_named():
    stats = lexical_stats(SHARED_NAME_DOCS)
    assert stats.named_documents(
        "In the Iranian report of afebrile NMS on fluphenazine decanoate, how was he treated?"
    ) == ["iran-case.txt"]
    assert sorted(stats.named_documents("What do the Iranian authors report?")) == ["iran-case.txt", "iran-review.md"]


def test_a_question_word_names_no_document():
    stats = lexical_stats(SHARED_NAME_DOCS)
    assert stats.named_documents("we stopped it. — What else does she need?") == []  # two titles open with "What"


FILE_DOCS = {
    "drug-treatment-explainer.txt": ["What drug reverses NMS? Treatment options.", "Each is explained below."],
    "i-rcem-drug-hyperthermia.md": ["Drug-related hyperthermia, an e-learning module.", "Cool the patient."],
    "d-prochlorperazine-recurrent-case.txt": ["A case of recurrence.", "NMS came back after prochlorperazine."],
} | OTHER_CASES


def test_a_file_is_named_by_a_word_of_its_name_no_text_uses_or_by_three_of_its_words():
    stats = lexical_stats(FILE_DOCS)
    assert stats.named_documents("what does the rcem module say about cooling?") == ["i-rcem-drug-hyperthermia.md"]
    assert stats.named_documents("what does the drug-treatment explainer say?") == ["drug-treatment-explainer.txt"]
    assert stats.named_documents("is recurrent NMS common?") == []  # "recurrent" is a form of a text's "recurrence"
    assert stats.named_documents("does it explain the drug?") == []


def test_a_file_is_named_by_a_rare_word_of_its_name_only_its_own_text_writes():
    """A blog's site ("iahealth.net") written in its own source line still names it; a word another document's
    text writes ("hyperthermia") does not."""
    docs = FILE_DOCS | {
        "p-iahealth-nms-blog-post.txt": ["NMS (blog post)", "Source: a short post on iahealth.net. Use ice packs."]
    }
    stats = lexical_stats(docs, is_rare=lambda w: w == "iahealth")
    assert stats.named_documents("wat does the iahealth blog say about ice packs?") == ["p-iahealth-nms-blog-post.txt"]
    assert stats.named_documents("what about hyperthermia?") == []


def test_a_long_rare_file_word_is_no_form_of_a_text_word_sharing_only_its_first_letters():
    """ "neuroscript" (its own page writes "neuroscript.com") names its page though another text writes "neurosis":
    a form shares all but the last three letters, as "recurrence" does with "recurrent"."""
    docs = FILE_DOCS | {
        "q-neuroscript-emergency-page.md": ["NMS (emergency page)", "From neuroscript.com. Labs are abnormal."],
        "z-other.txt": ["A case", "Her neurosis was treated first."],
    }
    stats = lexical_stats(docs, is_rare=lambda w: w == "neuroscript")
    assert stats.named_documents("what labs does the neuroscript page list?") == ["q-neuroscript-emergency-page.md"]
    assert stats.named_documents("is recurrent NMS common?") == []  # still a form of a text's "recurrence"


def test_an_everyday_word_of_one_file_name_names_it_when_used_as_a_name():
    """ "the explainer", "per explainer", "the explainer's table": a form of the text's "explained", but used as a
    document's name; each such word names its own file beside a name the question gives another document."""
    stats = lexical_stats(FILE_DOCS)
    assert stats.named_documents("what does the explainer say?") == ["drug-treatment-explainer.txt"]
    assert stats.named_documents("dantrolene route per explainer table?") == ["drug-treatment-explainer.txt"]
    assert stats.named_documents("is the explainer's table right?") == ["drug-treatment-explainer.txt"]
    assert sorted(stats.named_documents("do the explainer and the rcem module agree?")) == [
        "drug-treatment-explainer.txt",
        "i-rcem-drug-hyperthermia.md",
    ]
    assert stats.named_documents("is the hyperthermia treated?") == []  # a word the texts write names nothing


SHARED_BY_THREE = {
    "a-medbook-poisoning-entry.md": [
        "Poisoning with antipsychotic drugs: a quick-reference entry (Medbook).",
        "Most of these drugs are not found by routine toxicology screens.",
    ],
    "b-medbook-dantrolene.txt": ["Dantrolene as an antidote (Medbook).", "Give it intravenously."],
    "c-medbook-summary.md": ["NMS treatment summary (Medbook).", "Stop the drug and cool."],
} | OTHER_CASES


def test_a_name_three_headers_share_names_the_one_the_question_describes():
    stats = lexical_stats(SHARED_BY_THREE)
    question = "What does the Medbook poisoning entry say about toxicology screens?"
    assert stats.named_documents(question) == ["a-medbook-poisoning-entry.md"]
    assert stats.named_documents("What does Medbook say about the drug?") == []  # two use it: neither leads


def test_the_focus_leaves_out_the_words_that_point_at_the_sources():
    """ "do our texts agree that tremor ...": the sentence is scored on tremor, not on "texts" and "agree"."""
    stats = lexical_stats(FILE_DOCS)
    focus = stats.focus("Do our texts agree that tremor can be part of it?")
    assert "tremor" in focus and "texts" not in focus and "agree" not in focus
    assert stats.focus("texts agree?") == "texts agree?"  # too little left: the question itself


def test_two_documents_about_as_well_described_are_told_apart_by_their_title_words():
    docs = {
        "meeting-abstract-a.txt": [
            "A case of severe malignant syndrome treated with high-dose dantrolene. Japanese intensive care meeting 2019.",
            "Dantrolene was raised to 480 mg a day; CK peaked on day 2.",
        ],
        "meeting-abstract-b.txt": [
            "A case of heat stroke complicated by malignant syndrome. Japanese intensive care meeting 2019.",
            "The climber on aripiprazole had a temperature of 42 C; dantrolene was given.",
        ],
        "other.txt": ["A review of treatment for clinicians.", "Supportive care is the mainstay."],
    }
    stats = lexical_stats(docs)
    question = "In the 2019 Japanese intensive care abstract on high-dose dantrolene, how high did the CK climb?"
    assert stats.described_document(question, 1.3) == "meeting-abstract-a.txt"
    # no title's words in the question: neither is chosen
    assert stats.described_document("In the 2019 Japanese intensive care abstract, what happened?", 1.3) is None


def test_a_file_word_cut_short_with_a_full_stop_names_its_document():
    docs = {
        "nms-encyclopedia-article.txt": ["Neuroleptic malignant syndrome, an overview.", "It is rare."],
        "cmaj-hypothesis.txt": ["An acute phase response hypothesis.", "Iron falls."],
    }
    stats = lexical_stats(docs)
    assert "nms-encyclopedia-article.txt" in stats.named_documents("sympathetic neurons (enc.) or muscle?")
    # a word the texts write is no abbreviation ("rare."), nor one several files' words begin with
    assert stats.named_documents("is it rare.") == []


def test_a_phrase_whose_words_together_name_few_headers_names_the_one_described():
    docs = {
        "jp-blog.md": ["A Japanese physician's blog on malignant syndrome.", "Every case recovered within 30 days."],
        "jp-glossary.md": ["A Japanese hospital glossary blog entry.", "Dantrolene is used."],
        "jp-abstract.md": ["A Japanese intensive care abstract.", "The CK peaked."],
        "jp-study.md": ["A Japanese registry study.", "Mortality fell."],
        "other-blog.md": ["An emergency medicine blog post.", "Cooling first."],
        "second-blog.md": ["A nursing blog.", "Fluids."],
        "third-blog.md": ["A pharmacy blog.", "Doses."],
        "jp-case.md": ["A Japanese case report.", "He improved."],
    }
    stats = lexical_stats(docs)
    question = "The Japanese blog says every case recovered within 30 days; is that so?"
    assert stats._named_by_description(question) == ["jp-blog.md"]  # five headers say Japanese, five say blog
    assert stats.named_documents(question) == ["jp-blog.md"]
    # the phrase's words name two headers and the question tells them not apart: neither
    assert stats.named_documents("What does the Japanese blog say?") == []
