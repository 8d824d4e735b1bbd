"""Fixtures of the unit tests (model-free)."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture(scope="session")
def word_pieces() -> Callable[[str], int]:
    """The model's tokenizer (tokenizer.json only, no weights): word pieces of a word."""
    from index.embedder import Embedder
    from nmsa.settings import Settings

    count = Embedder(Settings().index.model).count_tokens
    return lambda word: count(word) - 2
