"""Lexical retrieval: BM25 from bm25s (Snowball-stemmed, English stop words), saved without pickle."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

logging.getLogger("bm25s").setLevel(logging.ERROR)
_STEMMER = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's own token pattern
_STOPWORDS = frozenset(STOPWORDS_EN)


@lru_cache(maxsize=200_000)
def _tokens(text: str) -> tuple[str, ...]:
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
    return tuple(_STEMMER.stemWords(words))


def tokenize(texts: list[str]) -> list[list[str]]:
    """bm25s's tokenization (lower case, its token pattern, English stop words, Snowball stems), done directly:
    the same tokens (a test compares them on the corpus), without a progress bar per call, cached per text."""
    return [list(_tokens(t)) for t in texts]


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

    def rows_with(self, token: str) -> np.ndarray:
        """The rows (passages) that hold a stemmed token."""
        i = (self.retriever.vocab_dict or {}).get(token)
        indptr = np.asarray(self.retriever.scores["indptr"])
        if i is None or i >= len(indptr) - 1:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.retriever.scores["indices"][indptr[i] : indptr[i + 1]], dtype=np.int64)

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
