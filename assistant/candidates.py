"""Sentence candidates: every sentence of the passages retrieved for a question, scored."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.lexical import tokenize
from index.search import Hit
from index.store import Snapshot
from ingest.instructions import is_instruction
from ingest.records import Passage

# Figure, table and box labels are titles, not statements.
_LABEL = re.compile(r"^(?:figure|fig\.|table|box|panel) \d+\s*[:.]", re.IGNORECASE)


@dataclass
class Candidate:
    row: int
    index: int  # sentence number within the passage
    text: str
    span: tuple[int, int]  # offsets into the passage text
    passage: Passage
    vector: np.ndarray
    dense: float = 0.0
    similarity: float = 0.0  # cosine to the full question (used for the relevance gate)
    lexical: float = 0.0
    score: float = 0.0
    passage_rank: int = 99

    @property
    def key(self) -> tuple[int, int]:
        return (self.row, self.index)

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id


class LexicalStats:
    """Document frequencies of stemmed tokens over a snapshot's passages (computed once per snapshot)."""

    def __init__(self, snapshot: Snapshot) -> None:
        df: Counter[str] = Counter()
        for tokens in tokenize([p.text for p in snapshot.passages]) if snapshot.passages else []:
            df.update(set(tokens))
        self.n = max(1, len(snapshot.passages))
        self.df = df
        # Terms in at least a third of all passages say nothing about which passage answers a
        # question (in an NMS corpus: "nms", "syndrome", ...). Learned from the index, not listed.
        self.ubiquitous = frozenset(t for t, n in df.items() if n >= self.n / 3) if self.n >= 10 else frozenset()

    def focus(self, question: str) -> str:
        """The question without its ubiquitous words, or the question itself if little would be left."""
        words = re.findall(r"\S+", question)
        kept = [w for w in words if not (set(tokenize([w])[0]) & self.ubiquitous)]
        content = [w for w in kept if tokenize([w])[0]]
        return " ".join(kept) if len(content) >= 2 else question

    def idf(self, token: str) -> float:
        return math.log(1 + (self.n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5))


_STATS: dict[str, LexicalStats] = {}


def lexical_stats(snapshot: Snapshot) -> LexicalStats:
    key = f"{snapshot.directory}:{snapshot.generation}"
    stats = _STATS.get(key)
    if stats is None:
        stats = LexicalStats(snapshot)
        _STATS.clear()
        _STATS[key] = stats
    return stats


@lru_cache(maxsize=65536)
def sentence_tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize([text])[0])


def collect(snapshot: Snapshot, hits: list[Hit], extra_rows: list[int] | None = None) -> list[Candidate]:
    """Sentences of the hit passages (and extra rows), tables and instruction-like text left out."""
    ranks = {h.row: h.rank for h in hits}
    rows = [h.row for h in hits] + [r for r in (extra_rows or []) if r not in ranks]
    out: list[Candidate] = []
    for row in rows:
        passage = snapshot.passages[row]
        if passage.kind == "table":
            continue
        vectors = snapshot.sentence_vectors_of(row)
        for index, (a, b) in enumerate(passage.sentences):
            text = passage.text[a:b]
            if len(text.split()) < 4 or text.rstrip().endswith("?") or _LABEL.match(text) or is_instruction(text):
                continue
            out.append(
                Candidate(
                    row=row,
                    index=index,
                    text=text,
                    span=(a, b),
                    passage=passage,
                    vector=vectors[index],
                    passage_rank=ranks.get(row, 99),
                )
            )
    return out


def score(
    candidates: list[Candidate],
    query_vector: np.ndarray,
    focus_vector: np.ndarray,
    focus_query: str,
    stats: LexicalStats,
) -> None:
    """Relevance of each sentence: cosine to the question and to its focus (the question without
    ubiquitous words), plus IDF-weighted term overlap with the focus."""
    if not candidates:
        return
    matrix = np.stack([c.vector for c in candidates]).astype(np.float32)
    full = matrix @ query_vector
    focus = matrix @ focus_vector
    q_tokens = set(tokenize([focus_query])[0])
    weights = {t: stats.idf(t) for t in q_tokens}
    total = sum(weights.values()) or 1.0
    for c, f_full, f_focus in zip(candidates, full, focus):
        c.similarity = float(f_full)
        c.dense = 0.4 * float(f_full) + 0.6 * float(f_focus)
        overlap = sentence_tokens(c.text) & q_tokens
        c.lexical = sum(weights[t] for t in overlap) / total
        c.score = 0.7 * c.dense + 0.3 * c.lexical + 0.02 / c.passage_rank
