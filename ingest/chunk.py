"""Section-aware chunking into passages of whole sentences (pure; no I/O).

Passages never cross a section and never split a sentence; each holds as many whole
sentences as fit in ``max_tokens`` word pieces of the embedding model. A sentence longer
than that on its own (rare: run-on captions, flattened tables) is cut at word boundaries so
nothing is silently truncated by the model. Table sections are split by rows, not sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.records import CleanDocument
from ingest.sentences import split_sentences

TokenCounter = Callable[[str], int]
SPECIAL_TOKENS = 2  # [CLS] and [SEP]: in every count, once


def approximate_tokens(text: str) -> int:
    """A model-free estimate (a word piece per word, two for long words); for tests of pure logic.

    Like the model's tokenizer it is additive over whitespace-separated text."""
    return sum(1 + (len(word) > 8) for word in text.split()) + SPECIAL_TOKENS


class _SpanCounter:
    """Word pieces of runs of sentences, from each sentence counted once.

    The model's tokenizer splits at whitespace before it cuts words into pieces, so the pieces
    of sentences joined by whitespace are the pieces of each sentence (less each one's [CLS]
    and [SEP]) plus those of any text between them. Counting the growing run again for every
    added sentence tokenised the same text many times over.
    """

    def __init__(self, text: str, count: TokenCounter) -> None:
        self.text = text
        self.count = count
        self._inner: dict[tuple[int, int], int] = {}

    def inner(self, a: int, b: int) -> int:
        key = (a, b)
        if key not in self._inner:
            self._inner[key] = self.count(self.text[a:b]) - SPECIAL_TOKENS
        return self._inner[key]

    def run(self, spans: list[tuple[int, int]]) -> int:
        total = SPECIAL_TOKENS
        for i, (a, b) in enumerate(spans):
            total += self.inner(a, b)
            if i:
                gap_start = spans[i - 1][1]
                gap = self.text[gap_start:a]
                if gap.strip():
                    total += self.inner(gap_start, a)
                elif not gap and a > 0 and self.text[a - 1].isalnum() and self.text[a].isalnum():
                    return self.count(self.text[spans[0][0] : spans[-1][1]])  # glued words: count as a whole
        return total


@dataclass(frozen=True)
class Chunk:
    section: str | None
    kind: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]  # absolute offsets into the cleaned document


def _units(doc: CleanDocument, start: int, end: int, kind: str) -> list[tuple[int, int]]:
    units: list[tuple[int, int]] = []
    for p_start, p_end in doc.paragraphs:
        if p_start < start or p_end > end:
            continue
        if kind == "table":
            offset = p_start
            for row in doc.text[p_start:p_end].split("\n"):
                if row.strip():
                    units.append((offset, offset + len(row)))
                offset += len(row) + 1
        else:
            units.extend(split_sentences(doc.text[p_start:p_end], p_start))
    return units


def _split_long(text: str, span: tuple[int, int], count: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Cut one over-long sentence at word boundaries into pieces that fit."""
    a, b = span
    pieces: list[tuple[int, int]] = []
    while a < b:
        lo, hi = a, b
        if count(text[a:b]) <= max_tokens:
            pieces.append((a, b))
            break
        # binary search on the cut position (at whitespace)
        best = None
        while lo < hi:
            mid = (lo + hi) // 2
            cut = text.rfind(" ", a, mid)
            if cut <= a:
                lo = mid + 1
                continue
            if count(text[a:cut]) <= max_tokens:
                best, lo = cut, mid + 1
            else:
                hi = mid
        if best is None:  # a single enormous "word": hard cut
            best = a + max(1, max_tokens)
        pieces.append((a, best))
        a = best
        while a < b and text[a].isspace():
            a += 1
    return pieces


def chunk_document(
    doc: CleanDocument, count_tokens: TokenCounter, max_tokens: int = 192, min_tokens: int = 48
) -> list[Chunk]:
    """Split a cleaned document into passages; ``count_tokens`` counts model word pieces."""
    if max_tokens < 16:
        raise ValueError("max_tokens must be at least 16 word pieces")
    chunks: list[Chunk] = []
    counter = _SpanCounter(doc.text, count_tokens)
    for section in doc.sections:
        units: list[tuple[int, int]] = []
        for span in _units(doc, section.start, section.end, section.kind):
            if counter.run([span]) > max_tokens:
                units.extend(_split_long(doc.text, span, count_tokens, max_tokens))
            else:
                units.append(span)
        groups: list[list[tuple[int, int]]] = []
        current: list[tuple[int, int]] = []
        for unit in units:
            candidate = current + [unit]
            if current and counter.run(candidate) > max_tokens:
                groups.append(current)
                current = [unit]
            else:
                current = candidate
        if current:
            if (
                groups
                and counter.run(current) < min_tokens
                and counter.run(groups[-1] + current) <= max_tokens
            ):
                groups[-1].extend(current)
            else:
                groups.append(current)
        for group in groups:
            chunks.append(
                Chunk(
                    section=section.title,
                    kind=section.kind,
                    start=group[0][0],
                    end=group[-1][1],
                    sentences=tuple(group),
                )
            )
    return chunks
