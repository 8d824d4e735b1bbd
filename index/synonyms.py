"""Query normalisation from the documented synonyms file in the corpus folder."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from nmsa.errors import NMSAssistantError

MISSPELT_MIN = 6  # shorter names are too close to ordinary words to correct


@dataclass(frozen=True)
class Vocabulary:
    """Synonym groups (for expansion) and entity groups (things claims are about)."""

    groups: tuple[tuple[str, ...], ...] = ()
    entities: tuple[tuple[str, ...], ...] = ()
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def pattern(self, term: str) -> re.Pattern[str]:
        pat = self._patterns.get(term)
        if pat is None:
            flags = 0 if (term.isupper() and len(term) <= 4) else re.IGNORECASE
            pat = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", flags)
            self._patterns[term] = pat
        return pat

    def expand(self, query: str) -> str:
        """The query plus the other names of every group it mentions."""
        extra: list[str] = []
        for group in self.groups + self.entities:
            if any(self.pattern(t).search(query) for t in group):
                extra.extend(t for t in group if not self.pattern(t).search(query) and t not in extra)
        return f"{query} ({'; '.join(extra)})" if extra else query

    def mentions_any(self, text: str) -> bool:
        """True if ``text`` names any term of the synonyms file."""
        return any(self.pattern(t).search(text) for g in self.groups + self.entities for t in g)

    def knows(self, word: str) -> bool:
        """True if ``word`` is one of the names in the synonyms file."""
        return any(self.pattern(t).fullmatch(word) for g in self.groups + self.entities for t in g)

    def canonical_entities(self, text: str) -> list[str]:
        """Canonical names of the entity groups mentioned in ``text``."""
        return [group[0] for group in self.entities if any(self.pattern(t).search(text) for t in group)]

    def misspelt_entities(self, text: str) -> list[tuple[str, str]]:
        """(word, canonical name) for words of ``text`` one or two letters away from an entity's name
        ("bromocriptin", "dantroline"); names already spelt right are not repeated."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        names = {t.lower(): g[0] for g in self.entities for t in g if " " not in t and len(t) >= MISSPELT_MIN}
        found: list[tuple[str, str]] = []
        for word in re.findall(rf"[A-Za-z]{{{MISSPELT_MIN},}}", text):
            low = word.lower()
            if low in names:
                continue
            limit = 1 if len(low) <= 8 else 2
            match = process.extractOne(low, list(names), scorer=Levenshtein.distance, score_cutoff=limit)
            if match is not None and names[match[0]] not in [c for _, c in found]:
                found.append((word, names[match[0]]))
        return found


def load_vocabulary(path: Path) -> Vocabulary:
    if not path.is_file():
        return Vocabulary()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NMSAssistantError(f"{path}: the synonyms file is not valid TOML ({exc})") from None
    groups = tuple(tuple(g["terms"]) for g in data.get("group", []) if g.get("terms"))
    entities = tuple(tuple(g["terms"]) for g in data.get("entity", []) if g.get("terms"))
    return Vocabulary(groups=groups, entities=entities)
