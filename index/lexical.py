"""Lexical retrieval: BM25 from bm25s (Snowball-stemmed, English stop words), saved without pickle."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

logging.getLogger("bm25s").setLevel(logging.ERROR)
_STEMMER = Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25) -> None:
        self.retriever = retriever
        self.vocab = set(retriever.vocab_dict) if retriever.vocab_dict else set()

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        retriever = bm25s.BM25()
        tokens = tokenize(texts) if texts else []
        retriever.index(tokens or [[""]], show_progress=False)
        return cls(retriever)

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), allow_pickle=False, mmap=False, load_corpus=False))

    def document_frequencies(self) -> dict[str, int]:
        """How many passages hold each stemmed token (read from the index, not by re-tokenising)."""
        indptr = np.asarray(self.retriever.scores["indptr"])
        n = len(indptr) - 1
        return {t: int(indptr[i + 1] - indptr[i]) for t, i in (self.retriever.vocab_dict or {}).items() if t and i < n}

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, score) pairs, best first; rows with score 0 are left out."""
        tokens = [t for t in tokenize([query])[0] if t in self.vocab]
        n_docs = int(self.retriever.scores["num_docs"])
        if not tokens or n_docs == 0:
            return []
        k = min(k, n_docs)
        rows, scores = self.retriever.retrieve(
            [tokens], k=k, show_progress=False, weight_mask=mask, n_threads=0, return_as="tuple"
        )
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if s > 0]

    def score_all(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize([query])[0] if t in self.vocab]
        n_docs = int(self.retriever.scores["num_docs"])
        if not tokens:
            return np.zeros(n_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)
