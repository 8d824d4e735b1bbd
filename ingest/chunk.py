"""Section-aware chunking into passages of whole sentences (pure; no I/O).

Passages never cross a section and never split a sentence; each holds as many whole
sentences as fit in ``max_tokens`` word pieces of the embedding model. A sentence longer
than that on its own (rare: run-on captions, flattened tables) is cut at word boundaries so
nothing is silently truncated by the model. Table sections are split by rows, not sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.records import CELL_SEPARATOR, CleanDocument
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
    table_header: str | None = None  # a table's header row, on every chunk of the table


TABLE_HEADER_WORDS = (3, 20)  # a header row of labels has this many words: not a lone "System" or "Indexing"
FLAT_ROW_CELLS = 2  # a flattened table's rows each end this many cells with a full stop, at least
_CELL_END = re.compile(r"[.!?](?:\s|$)")


def table_header(rows: Sequence[str]) -> str | None:
    """The row of a table that labels its columns: the first row with cells ("Feature | Serotonin syndrome |
    NMS"); in a table flattened without cell marks, its first row when that is a few words that do not end a
    sentence and every later row holds several cells that do ("Feature Bromocriptine (Dopamine Agonist) ...",
    then "Onset of Action Slower (days) compared to dantrolene. Faster (hours) ... Fast-acting."). Author and
    indexing blocks laid out line by line ("Z. Korzets, E. Zeltzer and J. Bernheim", "Department of ...") have
    none: their lines are not a table's rows."""
    rows = [r.strip() for r in rows if r.strip()]
    with_cells = [r for r in rows if CELL_SEPARATOR in r]
    if with_cells:
        return with_cells[0]
    if len(rows) < 2:
        return None
    first, low, high = rows[0], *TABLE_HEADER_WORDS
    if first[-1] in ".!?:;" or not low <= len(first.split()) <= high:
        return None
    cells = [len(_CELL_END.findall(r)) for r in rows[1:]]
    return first if min(cells) >= FLAT_ROW_CELLS else None


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


_CLAUSE_END = (",", ";", ":", ")", "]")  # a word ending so closes a clause: the preferred place to cut
_MIN_CLAUSE_FILL = 0.5  # cut at a clause end only if the piece is at least half full; else at the last word


def _split_long(text: str, span: tuple[int, int], count: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Cut one over-long sentence into pieces that fit, in time linear in its length.

    Word pieces are additive over whitespace-separated words (see ``_SpanCounter``), so each
    word is counted once (repeated words from a cache) and pieces are filled greedily; a piece
    ends at its last clause boundary when that keeps it at least half full, else at the last
    whole word. A single word longer than a piece is cut by characters."""
    a, b = span
    budget = max_tokens - SPECIAL_TOKENS
    sizes: dict[str, int] = {}
    words = _words(text, a, b)
    pieces: list[tuple[int, int]] = []
    piece_start: int | None = None
    used = 0
    clause_cut: tuple[int, int] | None = None  # (end offset, tokens used up to it)
    for w_start, w_end in words:
        word = text[w_start:w_end]
        n = sizes.get(word)
        if n is None:
            n = sizes[word] = count(word) - SPECIAL_TOKENS
        if n > budget:  # one enormous "word": close the current piece, then cut the word by characters
            if piece_start is not None:
                pieces.append((piece_start, _end_before(text, w_start)))
            piece_start, used, clause_cut = None, 0, None
            step = max(1, budget)
            pieces.extend((i, min(i + step, w_end)) for i in range(w_start, w_end, step))
            continue
        while piece_start is not None and used + n > budget:
            if clause_cut is not None and clause_cut[1] >= _MIN_CLAUSE_FILL * budget:
                pieces.append((piece_start, clause_cut[0]))
                used -= clause_cut[1]
                piece_start = _next_word_start(words, clause_cut[0]) if used else None
            else:
                pieces.append((piece_start, _end_before(text, w_start)))
                piece_start, used = None, 0
            clause_cut = None
        if piece_start is None:
            piece_start, used = w_start, 0
        used += n
        if word.endswith(_CLAUSE_END):
            clause_cut = (w_end, used)
    if piece_start is not None:
        pieces.append((piece_start, _end_before(text, b)))
    return [(x, y) for x, y in pieces if y > x]


def _words(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated word in text[a:b]."""
    out = []
    i = a
    while i < b:
        while i < b and text[i].isspace():
            i += 1
        j = i
        while j < b and not text[j].isspace():
            j += 1
        if j > i:
            out.append((i, j))
        i = j
    return out


def _end_before(text: str, offset: int) -> int:
    """The end of the text before ``offset`` with trailing whitespace left out."""
    while offset > 0 and text[offset - 1].isspace():
        offset -= 1
    return offset


def _next_word_start(words: list[tuple[int, int]], after: int) -> int:
    i = bisect_left(words, (after, after))
    return words[i][0] if i < len(words) else after


def chunk_document(doc: CleanDocument, count_tokens: TokenCounter, max_tokens: int, min_tokens: int) -> list[Chunk]:
    """Split a cleaned document into passages; ``count_tokens`` counts model word pieces."""
    if max_tokens < 16:
        raise ValueError("max_tokens must be at least 16 word pieces")
    chunks: list[Chunk] = []
    counter = _SpanCounter(doc.text, count_tokens)
    for section in doc.sections:
        units: list[tuple[int, int]] = []
        spans = _units(doc, section.start, section.end, section.kind)
        header = table_header([doc.text[a:b] for a, b in spans]) if section.kind == "table" else None
        for span in spans:
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
            if groups and counter.run(current) < min_tokens and counter.run(groups[-1] + current) <= max_tokens:
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
                    table_header=header,
                )
            )
    return chunks
