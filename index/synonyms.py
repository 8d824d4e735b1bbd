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
    # an entity's classes, by canonical names ("lorazepam" -> ("benzodiazepines",)): what is said of the
    # class is said of it too (a source doubting "benzodiazepines" doubts lorazepam)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # words and phrases of other languages a question may use, with the English the sources use
    # ("sindrome neuroleptico maligno" -> "neuroleptic malignant syndrome"); keys without accents
    translations: tuple[tuple[str, str], ...] = ()
    # the canonical names of the groups that are clinical features ("fever"): whether a diagnosis needs one
    # is a topic sources may disagree on
    features: frozenset[str] = frozenset()
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

    def translate(self, text: str) -> str:
        """``text`` (accents already folded) with the words of other languages the file lists in English,
        longest phrases first; whole words, case-insensitive."""
        for source, english in self.translations:
            text = self.pattern(source).sub(english, text)
        return text

    def synonyms_of(self, term: str) -> tuple[str, ...]:
        """The terms of the group (or entity group) ``term`` belongs to; ``(term,)`` when none lists it."""
        for group in self.groups + self.entities:
            if any(self.pattern(t).fullmatch(term) for t in group):
                return group
        return (term,)

    def names_with_classes(self, entity: str) -> list[str]:
        """Every name of ``entity`` (a canonical name) and of the classes it belongs to."""
        names = list(next((g for g in self.entities if g[0] == entity), (entity,)))
        for cls in self.classes.get(entity, ()):
            names += [t for t in next((g for g in self.entities if g[0] == cls), (cls,)) if t not in names]
        return names

    def mentions_any(self, text: str) -> bool:
        """True if ``text`` names any term of the synonyms file, an acronym of three letters or more also typed in
        lower case ("nms", "icu"; not "ck" or "ss", which are other words too)."""
        return any(
            self.pattern(t).search(text)
            or (len(t) > 2 and t.isupper() and re.search(rf"\b{re.escape(t.lower())}\b", text))
            for g in self.groups + self.entities
            for t in g
        )

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
    # [[feature]] groups are synonym groups too, and name a clinical feature a diagnosis may or may not need
    features = tuple(tuple(g["terms"]) for g in data.get("feature", []) if g.get("terms"))
    groups = tuple(tuple(g["terms"]) for g in data.get("group", []) if g.get("terms")) + features
    entities = tuple(tuple(g["terms"]) for g in data.get("entity", []) if g.get("terms"))
    classes = {
        g["terms"][0]: tuple(g["classes"]) for g in data.get("entity", []) if g.get("terms") and g.get("classes")
    }
    known = {g[0] for g in entities}
    unknown = sorted({c for cs in classes.values() for c in cs} - known)
    if unknown:
        raise NMSAssistantError(
            f"{path}: 'classes' must name entity groups by their first term; not found: {', '.join(unknown)}"
        )
    table = data.get("translate", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise NMSAssistantError(f"{path}: [translate] maps words to their English, as strings")
    translations = tuple(sorted(((k.lower(), v) for k, v in table.items()), key=lambda kv: -len(kv[0])))
    return Vocabulary(
        groups=groups,
        entities=entities,
        classes=classes,
        translations=translations,
        features=frozenset(f[0] for f in features),
    )
