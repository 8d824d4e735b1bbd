"""The stance a sentence takes: a seam where the judgment may be swapped.

``StanceDetector`` is the interface (one batch method); ``RuleStanceDetector`` reads NegEx-style
negative cues first, then doubt, then positive cues (lexicons in ``assistant.lexicon``). A learned
stance detector replaces it by implementing ``stance_batch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.lexicon import CONTROVERSY_CUES, NEGATIVE_STANCE, POSITIVE_STANCE
from assistant.records import Stance


class StanceDetector(Protocol):
    def stance_batch(self, sentences: Sequence[str], topic: str) -> list[Stance | None]:
        """For each sentence, its stance on ``topic`` (an intervention or exposure), or None."""
        ...


class RuleStanceDetector:
    """Negative cues first (negation wins), then doubt, then benefit or use."""

    def stance(self, sentence: str, topic: str = "") -> Stance | None:
        if NEGATIVE_STANCE.search(sentence):
            return Stance.DISPUTES
        if CONTROVERSY_CUES.search(sentence):
            return Stance.UNCERTAIN
        if POSITIVE_STANCE.search(sentence):
            return Stance.SUPPORTS
        return None

    def stance_batch(self, sentences: Sequence[str], topic: str) -> list[Stance | None]:
        return [self.stance(s, topic) for s in sentences]
