"""Test doubles as real subclasses of the classes they stand in for.

``HashEmbedder`` is an ``index.embedder.Embedder`` without a model: every text gets a fixed
pseudo-random unit vector derived from its SHA-256, and word pieces are counted as words. Tests of
storage, locking and crash safety use it so they exercise the real files and FAISS in a fraction
of the time, and subprocesses can use it without loading weights (``tests/test_reliability.py``).
"""

from __future__ import annotations

import hashlib

import numpy as np

from index.embedder import Embedder


class HashEmbedder(Embedder):
    """A cheap deterministic embedder with the interface ``index.builder.update_index`` uses."""

    def __init__(self, dimension: int = 384, name: str = "hash") -> None:
        # No super().__init__: it would choose a precision for a real model and find its cache.
        self.model_name = name
        self.identity = name
        self.precision = "fp32"
        self.batch_size = 32
        self.calls = 0
        self.texts_embedded = 0
        self._dimension = dimension
        self._auto = False

    @property
    def encoder(self) -> str:
        return self.identity

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return 256

    def count_tokens(self, text: str) -> int:
        """Words plus [CLS] and [SEP], standing in for word pieces."""
        return len(text.split()) + 2

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self._dimension), np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            out[i] = np.random.default_rng(seed).standard_normal(self._dimension)
        return out / np.linalg.norm(out, axis=1, keepdims=True) if len(texts) else out

    def warm_up(self, longest_query: int = 64) -> None:
        return None
