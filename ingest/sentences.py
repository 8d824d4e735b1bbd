"""Sentence splitting with character offsets (pure; no I/O).

A rule-based splitter tuned for clinical prose: it does not split after abbreviations
("e.g.", "et al."), initials or inside decimals ("0.07%"), and a paragraph end is always a
sentence end, so list items without a final period are sentences of their own.
"""

from __future__ import annotations

import re

from ingest.lexicon import ABBREVIATIONS

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•])")
# Typed chat often starts a sentence in lower case ("HR 130. now what?").
_CHAT_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Za-z0-9•])")
# In chat, units and routes are written without a dot ("10 mg IM"), so a dot after one ends a sentence.
# ... and a single letter after a number is a unit ("over 48 h. Then ..."), not an initial.
_AFTER_NUMBER = re.compile(r"\d\s?[A-Za-z]$")
_CHAT_ABBREVIATIONS = ABBREVIATIONS - frozenset("resp max min mg kg ml dl mmol iv im po sc".split())


def split_sentences(text: str, offset: int = 0, *, chat: bool = False) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in ``text``, shifted by ``offset``. ``chat``: typed
    text, where a sentence may start in lower case (documents need the capital, so that "e. coli" or
    "approx. three" in print are not split)."""
    spans: list[tuple[int, int]] = []
    start = 0
    boundary, abbreviations = (_CHAT_BOUNDARY, _CHAT_ABBREVIATIONS) if chat else (_BOUNDARY, ABBREVIATIONS)
    for match in boundary.finditer(text):
        end = match.end()
        word = _word_before(text, start, match.start() + 1)
        bare = word.rstrip(".!?").lstrip("([\"'").lower()
        initial = len(bare) == 1 and bare.isalpha() and not (chat and _AFTER_NUMBER.search(text, 0, match.start()))
        if match.group(0).startswith(".") and (bare in abbreviations or initial):
            continue
        _add(text, start, end, offset, spans)
        start = end
    _add(text, start, len(text), offset, spans)
    return spans


def _word_before(text: str, start: int, end: int) -> str:
    """The whitespace-free run ending at ``end`` (never earlier than ``start``): looks back over one
    word only, so a long run without sentence ends costs linear time, not quadratic."""
    i = end
    while i > start and not text[i - 1].isspace():
        i -= 1
    return text[i:end]


def _add(text: str, start: int, end: int, offset: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start + offset, end + offset))
