"""Dense, lexical and hybrid (reciprocal rank fusion) retrieval over a loaded snapshot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.embedder import TextEncoder
from index.store import Snapshot
from index.synonyms import Vocabulary
from ingest.records import Passage

MODES = ("hybrid", "dense", "lexical")


@dataclass(frozen=True)
class Hit:
    """A retrieved passage. ``score`` is the ranking score of the mode used (cosine for dense,
    BM25 for lexical, RRF for hybrid); ``dense_score`` is always the cosine similarity."""

    passage: Passage
    row: int
    rank: int
    score: float
    dense_score: float
    lexical_score: float


@dataclass(frozen=True)
class Filters:
    evidence_types: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()

    def allows(self, passage: Passage) -> bool:
        if self.evidence_types and passage.evidence_type not in self.evidence_types:
            return False
        return not (self.documents and passage.doc_id not in self.documents)

    @property
    def active(self) -> bool:
        return bool(self.evidence_types or self.documents)


class Searcher:
    def __init__(self, snapshot: Snapshot, embedder: TextEncoder, vocabulary: Vocabulary, rrf_k: int) -> None:
        self.snapshot = snapshot
        self.embedder = embedder
        self.vocabulary = vocabulary
        self.rrf_k = rrf_k
        self._masks: dict[Filters, np.ndarray] = {}

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Rows the filters allow (computed once per filter set)."""
        if not filters or not filters.active:
            return None
        if filters not in self._masks:
            self._masks[filters] = np.array([filters.allows(p) for p in self.snapshot.passages], dtype=bool)
        return self._masks[filters]

    def dense(self, query_vector: np.ndarray, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        total = self.snapshot.dense.ntotal
        if total == 0:
            return []
        want = total if mask is not None and total <= 100_000 else min(total, n if mask is None else n * 20)
        scores, rows = self.snapshot.dense.search(query_vector.reshape(1, -1).astype(np.float32), want)
        out = [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0 and (mask is None or mask[r])]
        return out[:n]

    def search(
        self,
        query: str,
        k: int,
        mode: str,
        candidates: int,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if k < 1:
            raise ValueError("k must be at least 1")
        expanded = self.vocabulary.expand(query)
        mask = self.mask(filters)
        n = max(k, candidates)
        dense_hits: list[tuple[int, float]] = []
        lexical_hits: list[tuple[int, float]] = []
        qv = query_vector if query_vector is not None else None
        if mode in ("dense", "hybrid"):
            qv = self.embedder.embed_query(expanded) if qv is None else qv
            dense_hits = self.dense(qv, n, mask)
        if mode in ("lexical", "hybrid"):
            lexical_hits = self.snapshot.lexical.search(expanded, n, mask)
        dense_score = dict(dense_hits)
        lexical_score = dict(lexical_hits)
        if mode == "dense":
            ranked = dense_hits
        elif mode == "lexical":
            ranked = lexical_hits
        else:
            fused: dict[int, float] = {}
            for hits in (dense_hits, lexical_hits):
                for rank, (row, _) in enumerate(hits):
                    fused[row] = fused.get(row, 0.0) + 1.0 / (self.rrf_k + rank + 1)
            ranked = sorted(fused.items(), key=lambda item: -item[1])
        if qv is None and ranked:
            qv = self.embedder.embed_query(expanded)
        out = []
        for rank, (row, score) in enumerate(ranked[:k]):
            cos = dense_score.get(row)
            if cos is None and qv is not None:
                cos = float(self.snapshot.vectors[row] @ qv)
            out.append(
                Hit(
                    passage=self.snapshot.passages[row],
                    row=row,
                    rank=rank + 1,
                    score=float(score),
                    dense_score=float(cos or 0.0),
                    lexical_score=float(lexical_score.get(row, 0.0)),
                )
            )
        return out
