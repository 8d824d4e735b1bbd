"""A stand-in for an index generation, for model-free tests of what reads its passages (names, rare words)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from assistant.candidates import LexicalStats
from index.lexical import LexicalIndex


def lexical_stats(docs: dict[str, list[str]], is_rare: Callable[[str], bool] | None = None) -> LexicalStats:
    """The statistics of documents given as passages of text (a document's first passage opens it), with a real
    BM25 index over them."""
    passages = [
        SimpleNamespace(doc_id=doc, start=i * 1000, text=text)
        for doc, texts in docs.items()
        for i, text in enumerate(texts)
    ]
    snapshot = SimpleNamespace(passages=passages, documents={}, lexical=LexicalIndex.build([p.text for p in passages]))
    return LexicalStats(snapshot, is_rare=is_rare)  # type: ignore[arg-type]
