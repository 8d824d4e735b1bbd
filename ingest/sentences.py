"""Sentence splitting with character offsets (pure; no I/O).

A rule-based splitter tuned for clinical prose: it does not split after abbreviations
("e.g.", "et al."), initials or inside decimals ("0.07%"), and a paragraph end is always a
sentence end, so list items without a final period are sentences of their own.
"""

from __future__ import annotations

import re

from ingest.lexicon import ABBREVIATIONS

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9•])")
_LAST_WORD = re.compile(r"(\S+)$")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in ``text``, shifted by ``offset``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        word_match = _LAST_WORD.search(text[start : match.start() + 1])
        word = word_match.group(1) if word_match else ""
        bare = word.rstrip(".!?").lstrip("([\"'").lower()
        if match.group(0).startswith(".") and (bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha())):
            continue
        _add(text, start, end, offset, spans)
        start = end
    _add(text, start, len(text), offset, spans)
    return spans


def _add(text: str, start: int, end: int, offset: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start + offset, end + offset))
