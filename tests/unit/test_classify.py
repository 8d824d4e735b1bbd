"""Guideline statement, research finding or background (assistant.classify.RuleClassifier): hand-written
sentences in their context (section, evidence type, kind), with the scores behind each category."""

from __future__ import annotations

import pytest

from assistant.classify import RuleClassifier, Sentence
from assistant.records import Category
from nmsa.settings import ClassifierSettings

G, F, B = Category.GUIDELINE, Category.FINDING, Category.BACKGROUND
RULES = RuleClassifier()

CASES = [
    # (sentence, section, evidence type, kind) -> (guideline score, research score), category
    # "should" + "considered" (2) and a management section (0.5)
    (("Dantrolene should be considered in severe cases.", "Management", "review", "text"), (2.5, 0.0), G),
    # an imperative start (2) and "stop the" (1), in a guideline document (0.5)
    (("Stop the antipsychotic immediately.", None, "guideline", "text"), (3.5, 0.0), G),
    # the same words in a study's results: a tie goes to the finding
    (("Stop the antipsychotic immediately.", "Results", "research", "text"), (3.0, 3.0), F),
    # "cohort", "mortality" (2), a figure (1), a results section (2), a study (1)
    (("In a cohort of 64 patients, mortality was 10%.", "Results", "research", "text"), (0.0, 6.0), F),
    # a definition: no cue at all
    (
        ("Neuroleptic malignant syndrome is a rare reaction to antipsychotic drugs.", "Introduction", "review", "text"),
        (0.0, 0.0),
        B,
    ),
    # doubt (1) in a hypothesis paper (1)
    (("The utility of dantrolene is controversial.", "Discussion", "hypothesis", "text"), (0.0, 2.0), F),
    # "are commonly used" (1) under a guideline heading (2)
    (("Benzodiazepines are commonly used for agitation.", "From the Guidelines", "review", "text"), (3.0, 0.0), G),
    # a short list item naming a management step (1) in a treatment section (0.5)...
    (("Intravenous fluids for hydration", "Treatment", "review", "list"), (1.5, 0.0), G),
    # ...but the same words as running text are only the section's weak prior: background
    (("Intravenous fluids for hydration", "Treatment", "review", "text"), (0.5, 0.0), B),
    # a management item with a research cue is not a step
    (("Fluids were reported in most cases", "Treatment", "review", "list"), (0.5, 1.0), F),
    # the strong section wins over the weak one: "research" outranks "management"
    (
        ("Management outcomes in this series are described.", "From the Research: Management", "review", "text"),
        (0.0, 2.0),
        F,
    ),
]


@pytest.mark.parametrize(("context", "scores", "category"), CASES)
def test_rule_classifier(context, scores, category):
    sentence = Sentence(*context)
    assert RULES.scores(sentence) == scores
    assert RULES.classify(sentence) == category


def test_classify_batch_keeps_the_order():
    sentences = [Sentence(*context) for context, _, _ in CASES]
    assert RULES.classify_batch(sentences) == [category for _, _, category in CASES]


def test_weights_come_from_the_settings():
    """With no weight on sections and documents, only the sentence's own words count."""
    plain = RuleClassifier(
        ClassifierSettings(strong_section=0, weak_section=0, guideline_document=0, research_document=0)
    )
    assert plain.classify(Sentence("In a cohort of 64 patients, mortality was 10%.", "Management", "guideline")) == F
    assert plain.classify(Sentence("Benzodiazepines are commonly used for agitation.", "Results", "research")) == G
    assert plain.classify(Sentence("NMS is rare.", "From the Guidelines", "guideline")) == B
