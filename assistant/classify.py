"""Guideline statement, research finding or background: a seam where the judgment may be swapped.

``Classifier`` is the interface (one batch method); ``RuleClassifier`` reads a sentence's own cues,
its section and its document's evidence type together (lexicons in ``assistant.lexicon``, weights
in ``Settings.classifier``). A learned classifier replaces it by implementing ``classify_batch``.

* guideline: a recommendation or standard of care (what clinicians should or should not do);
* finding: what studies report and how strong the evidence is (including hypotheses, figures);
* background: definitions and descriptions with neither kind of cue. Background is never a
  guideline statement; answers list it with the research findings, marked ``background``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.lexicon import (
    CONTROVERSY_CUES,
    DOSING_LINE,
    GUIDELINE_CUES,
    GUIDELINE_TYPES,
    IMPERATIVE_START,
    MANAGEMENT_ITEM,
    NUMBER_CUE,
    PRACTICAL_CONCLUSION,
    RESEARCH_CUES,
    RESEARCH_TYPES,
)
from assistant.records import Category
from nmsa.settings import ClassifierSettings

_STRONG_GUIDELINE_SECTION = re.compile(r"guideline|recommendation|what to do", re.I)
_STRONG_RESEARCH_SECTION = re.compile(r"research|results|findings|outcomes|studies|evidence", re.I)
_WEAK_GUIDELINE_SECTION = re.compile(r"management|treatment|therapeutic|therapy|memo|pillars", re.I)
_WEAK_RESEARCH_SECTION = re.compile(r"limitations|epidemiolog|hypothes|testing|analysis", re.I)


@dataclass(frozen=True)
class Sentence:
    """A sentence in its context: what a classifier sees."""

    text: str
    section: str | None
    evidence_type: str
    kind: str = "text"


class Classifier(Protocol):
    def classify_batch(self, sentences: Sequence[Sentence]) -> list[Category]:
        """One category per sentence."""
        ...


class RuleClassifier:
    """Cue lexicons, section names and evidence type, weighed together."""

    def __init__(self, weights: ClassifierSettings | None = None) -> None:
        self.w = weights or ClassifierSettings()

    def scores(self, s: Sentence) -> tuple[float, float]:
        """(guideline score, research score) of a sentence in its context."""
        w = self.w
        g = float(len(GUIDELINE_CUES.findall(s.text)))
        r = float(len(RESEARCH_CUES.findall(s.text)))
        if IMPERATIVE_START.match(s.text.strip()):
            g += w.imperative
        if DOSING_LINE.search(s.text):
            g += w.dosing
        if PRACTICAL_CONCLUSION.search(s.text):
            g += w.practical_conclusion
        if (
            s.kind == "list"
            and MANAGEMENT_ITEM.search(s.text)
            and not r
            and len(s.text.split()) <= w.management_item_max_words
        ):
            g += w.management_item
        if NUMBER_CUE.search(s.text):
            r += w.figure
        if CONTROVERSY_CUES.search(s.text):
            r += w.doubt
        section = s.section or ""
        if _STRONG_GUIDELINE_SECTION.search(section):
            g += w.strong_section
        elif _STRONG_RESEARCH_SECTION.search(section):
            r += w.strong_section
        else:
            if _WEAK_GUIDELINE_SECTION.search(section):
                g += w.weak_section
            if _WEAK_RESEARCH_SECTION.search(section):
                r += w.weak_section
        if s.evidence_type in GUIDELINE_TYPES:
            g += w.guideline_document
        elif s.evidence_type in RESEARCH_TYPES:
            r += w.research_document
        return g, r

    def classify(self, s: Sentence) -> Category:
        g, r = self.scores(s)
        if g > r and g >= self.w.min_cue:
            return Category.GUIDELINE
        if r >= self.w.min_cue:
            return Category.FINDING
        return Category.BACKGROUND

    def classify_batch(self, sentences: Sequence[Sentence]) -> list[Category]:
        return [self.classify(s) for s in sentences]


_DEFAULT = RuleClassifier()


def classify(sentence: str, section: str | None, evidence_type: str, kind: str = "text") -> Category:
    """The rule-based category of one sentence (default weights)."""
    return _DEFAULT.classify(Sentence(sentence, section, evidence_type, kind))
