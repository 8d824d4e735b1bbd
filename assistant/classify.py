"""Guideline statement, research finding or background: from the sentence's own cues, its
section and its document's evidence type together (lexicons in ``assistant.lexicon``).

* guideline: a recommendation or standard of care (what clinicians should or should not do);
* finding: what studies report and how strong the evidence is (including hypotheses, figures);
* background: definitions and descriptions with neither kind of cue. Background is never a
  guideline statement; answers list it with the research findings, marked ``background``.
"""

from __future__ import annotations

import re

from assistant.lexicon import (
    CONTROVERSY_CUES,
    GUIDELINE_CUES,
    GUIDELINE_TYPES,
    IMPERATIVE_START,
    MANAGEMENT_ITEM,
    NUMBER_CUE,
    RESEARCH_CUES,
    RESEARCH_TYPES,
)

_STRONG_GUIDELINE_SECTION = re.compile(r"guideline|recommendation|what to do", re.I)
_STRONG_RESEARCH_SECTION = re.compile(r"research|results|findings|outcomes|studies|evidence", re.I)
_WEAK_GUIDELINE_SECTION = re.compile(r"management|treatment|therapeutic|therapy|memo|pillars", re.I)
_WEAK_RESEARCH_SECTION = re.compile(r"limitations|epidemiolog|hypothes|testing|analysis", re.I)


def scores(sentence: str, section: str | None, evidence_type: str, kind: str = "text") -> tuple[float, float]:
    """(guideline score, research score) of a sentence in its context."""
    g = float(len(GUIDELINE_CUES.findall(sentence)))
    r = float(len(RESEARCH_CUES.findall(sentence)))
    if IMPERATIVE_START.match(sentence.strip()):
        g += 2
    if kind == "list" and MANAGEMENT_ITEM.search(sentence) and not r and len(sentence.split()) <= 16:
        g += 1
    if NUMBER_CUE.search(sentence):
        r += 1
    if CONTROVERSY_CUES.search(sentence):
        r += 1
    sec = section or ""
    if _STRONG_GUIDELINE_SECTION.search(sec):
        g += 2
    elif _STRONG_RESEARCH_SECTION.search(sec):
        r += 2
    else:
        if _WEAK_GUIDELINE_SECTION.search(sec):
            g += 0.5
        if _WEAK_RESEARCH_SECTION.search(sec):
            r += 0.5
    if evidence_type in GUIDELINE_TYPES:
        g += 0.5
    elif evidence_type in RESEARCH_TYPES:
        r += 1
    return g, r


def classify(sentence: str, section: str | None, evidence_type: str, kind: str = "text") -> str:
    """'guideline', 'finding' or 'background'."""
    g, r = scores(sentence, section, evidence_type, kind)
    if g > r and g >= 1:
        return "guideline"
    if r >= 1:
        return "finding"
    return "background"
