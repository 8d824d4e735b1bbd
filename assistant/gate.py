"""The relevance gate: whether the retrieved evidence can answer the question at all.

``no_evidence`` when the best sentence is not similar enough, or when words the index has never
seen carry the question's topic (removing them makes the rest match the corpus much better:
"migraine", "hair loss" do; "quickly" does not).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from assistant.candidates import Candidate
from assistant.lexicon import QUESTION_STOPWORDS
from index.lexical import tokenize
from index.synonyms import Vocabulary
from nmsa.settings import AnswerSettings

MIN_TERM_LENGTH = 4  # shorter stems ("iv", "ck") are abbreviations the synonyms file handles
SHORT_WORD = 6  # stems up to this long may be one edit from a known word (a typo); longer ones two


def stems(text: str) -> list[tuple[str, str]]:
    """(word, its stem) for each word of ``text``."""
    words = re.findall(r"[A-Za-z][A-Za-z\-]+", text)
    return [(w, (tokenize([w])[0] or [w.lower()])[0]) for w in words]


def is_known(stem: str, vocab: set[str], by_initial: dict[str, list[str]]) -> bool:
    """In the index's vocabulary, or a typo of a word in it (same first letter, one or two edits; two letters
    swapped are one edit)."""
    if stem in vocab:
        return True
    limit = 1 if len(stem) <= SHORT_WORD else 2
    return process.extractOne(stem, by_initial.get(stem[:1], []), scorer=OSA.distance, score_cutoff=limit) is not None


def unknown_terms(question: str, vocab: set[str], vocabulary: Vocabulary | None = None) -> list[str]:
    """Content words of the question that the index has never seen (typos of known words and
    names in the synonyms file excepted)."""
    by_initial: dict[str, list[str]] = {}
    for v in vocab:
        by_initial.setdefault(v[:1], []).append(v)
    out = []
    for word, stem in stems(question):
        if word.lower() in QUESTION_STOPWORDS or len(stem) < MIN_TERM_LENGTH:
            continue
        if vocabulary is not None and vocabulary.knows(word):
            continue
        if not is_known(stem, vocab, by_initial):
            out.append(word)
    return out


def without(question: str, words: list[str]) -> str:
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return " ".join(pattern.sub("", question).split())


def topic_shift(
    query: str,
    words: list[str],
    candidates: list[Candidate],
    query_vector: np.ndarray,
    embed: Callable[[str], np.ndarray],
    vocabulary: Vocabulary,
    top: int,
) -> float:
    """How much better the best sentences match the question without ``words`` (mean of the ``top`` best):
    a large rise means those words carried the question's topic, and the evidence is about something else."""
    reduced = without(query, words)
    if not reduced or not candidates or not words:
        return 0.0
    matrix = np.stack([c.vector for c in candidates])
    with_words = np.sort(matrix @ query_vector)[::-1][:top].mean()
    without_words = np.sort(matrix @ embed(vocabulary.expand(reduced)))[::-1][:top].mean()
    return float(without_words - with_words)


def off_topic(
    query: str,
    unknown: list[str],
    best: float,
    candidates: list[Candidate],
    query_vector: np.ndarray,
    embed: Callable[[str], np.ndarray],
    vocabulary: Vocabulary,
    cfg: AnswerSettings,
    top: int,
) -> bool:
    """Whether words unknown to the index carry the question's topic (so the corpus cannot answer it)."""
    if not unknown or not candidates:
        return False
    # A question naming the field's own vocabulary (synonyms file) is anchored in it; one that
    # is not, and uses words the index has never seen, must match much better to be answered.
    if not vocabulary.mentions_any(query) and best < cfg.min_relevance_unknown_terms:
        return True
    # Without the unknown words, would the corpus match much better? Then they were the topic.
    return topic_shift(query, unknown, candidates, query_vector, embed, vocabulary, top) > cfg.unknown_term_shift


def own_relevance(ask: str, candidates: list[Candidate], embed: Callable[[str], np.ndarray]) -> float:
    """How similar a turn's own words (without the conversation it was merged with) are to the best
    retrieved sentence."""
    if not candidates:
        return 0.0
    return float((np.stack([c.vector for c in candidates]) @ embed(ask)).max())


def follow_up_elsewhere(own: float, topic_elsewhere: bool, cfg: AnswerSettings) -> bool:
    """Whether a follow-up is about something other than its conversation. The conversation carries the
    subject, so words the index has never seen ("ventilated", "humidity") do not by themselves move the
    topic away; they do when the turn's own words are also far from the evidence (a question about a
    holiday booking). A turn whose own words are unrelated to every retrieved sentence is elsewhere either way."""
    if own < cfg.follow_up_min_relevance:
        return True
    return topic_elsewhere and own < cfg.follow_up_unknown_relevance
