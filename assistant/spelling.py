"""Spelling of typed questions (pure, given the index's words).

A word the index has never seen, one edit from a word it has (two for long words), same first letter,
is read as that word: "mortalty" as "mortality", "malignent" as "malignant". The word forms are the
index's own, collected from its passages the first time a question needs them; a word that is not a
near miss of one is left alone (the gate then decides whether it carries the question's topic).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from index.lexical import tokenize

MIN_WORD = 5  # shorter words are abbreviations and units ("ck", "temp"), not typos to correct
ONE_EDIT_UP_TO = 10  # words up to this long get one edit ("creatinine" is not "creatine"), longer ones two
CANDIDATES = 5  # nearest forms compared; at the smallest distance, a dropped letter before a changed one, then
# the most frequent ("stoped" is "stopped", not the "stored" of a corpus that often says "the stored copy")
_WORD = re.compile(r"[A-Za-z][a-z]+")  # words as written in prose; all-caps runs (acronyms) are not forms
# contractions typed without their apostrophe are no near misses of the index's words ("arent" is not "agent")
CONTRACTIONS = {
    w.replace("'", ""): w
    for w in (
        "aren't isn't wasn't weren't don't doesn't didn't hasn't haven't hadn't can't couldn't shouldn't wouldn't "
        "won't mustn't needn't they're we're you're it's that's what's there's who's he's she's i'm i've we've "
        "they've you've i'd we'd they'd"
    ).split()
}


def _substitutions(typed: str, form: str) -> int:
    """How many letters of ``typed`` were changed (not dropped or added) on the way to ``form``: typing drops or
    doubles a letter more often than it swaps in another."""
    return sum(1 for op in Levenshtein.editops(typed, form) if op.tag == "replace")


class Speller:
    """Corrects near misses of the index's words. ``texts`` yields the passages' text (read once, lazily)."""

    def __init__(self, known_stems: set[str] | frozenset[str], texts: Callable[[], Iterable[str]]) -> None:
        self._known = known_stems
        self._texts = texts
        self._forms: dict[str, list[str]] | None = None
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _by_initial(self) -> dict[str, list[str]]:
        with self._lock:
            if self._forms is None:
                counts: Counter[str] = Counter()
                for text in self._texts():
                    counts.update(w.lower() for w in _WORD.findall(text) if len(w) >= MIN_WORD)
                forms: dict[str, list[str]] = {}
                for word in counts:
                    forms.setdefault(word[0], []).append(word)
                self._counts, self._forms = counts, forms
            return self._forms

    def word(self, word: str) -> str | None:
        """The index's word ``word`` is a near miss of, or None (known, short, or no near word)."""
        low = word.lower()
        if low in CONTRACTIONS:
            return CONTRACTIONS[low]
        if len(low) < MIN_WORD or not low.isalpha():
            return None
        stems = tokenize([low])[0]
        if not stems or stems[0] in self._known:
            return None
        limit = 1 if len(low) <= ONE_EDIT_UP_TO else 2
        near = process.extract(
            low, self._by_initial().get(low[0], []), scorer=OSA.distance, score_cutoff=limit, limit=CANDIDATES
        )
        if not near:
            return None
        best = min(near, key=lambda m: (m[1], _substitutions(low, m[0]), -self._counts[m[0]], m[0]))
        return best[0]

    def text(self, text: str, keep: Callable[[str], bool] = lambda _w: False) -> str:
        """``text`` with each near miss replaced (words for which ``keep`` is true are left as typed)."""

        def fix(match: re.Match[str]) -> str:
            typed = match.group(0)
            right = self.word(typed)
            return typed if right is None or keep(typed) else right

        return re.sub(r"\b[A-Za-z]+\b", fix, text)
