"""The stance a sentence takes on a topic: a seam where the judgment may be swapped.

``StanceDetector`` is the interface (one batch method); ``RuleStanceDetector`` reads a finding as an
outcome, a direction and the outcome's polarity, the way results sections state them:

* "X shortened the time to recovery", "fever resolved two days sooner with X", "X lowered the death
  rate": benefit (supports);
* "mortality was higher with X", "X was associated with longer hospital stays": harm (disputes);
* "no difference between X and supportive care", "not effective": no benefit (disputes);
* "it is unclear whether X helps", "based mainly on case reports": doubt (uncertain);
* "we studied how effective X is", "X inhibits calcium release": no finding, no stance.

For an exposure (a risk factor: age, sex, a drug class) the same reading gives an association
(supports: "X increases the risk", "more common in X") or none (disputes: "X is not a risk factor").
For a feature (whether the diagnosis needs it: fever, rigidity) a sentence calls it required or central
(supports: "hyperthermia is a major criterion") or reports it absent (disputes: "NMS without fever",
"afebrile", "incomplete forms").
A learned stance detector replaces it by implementing ``stance_batch``. Lexicons: ``assistant.lexicon``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Protocol

from assistant.lexicon import (
    ABSENCE_AFTER,
    ABSENCE_BEFORE,
    ABSENCE_WINDOW,
    AFTER_THAN,
    AIM,
    ASSOCIATION,
    CONTROVERSY_CUES,
    DOWN,
    EFFECT_WINDOW,
    HIGHER_THAN,
    LATER,
    LOWER_THAN,
    NECESSITY,
    NECESSITY_WINDOW,
    NEGATIVE_STANCE,
    NO_ASSOCIATION,
    NO_CHANGE,
    NO_RESPONSE_BEFORE,
    NOT_RECURRED,
    OUTCOMES,
    POSITIVE_STANCE,
    PREFERRED,
    PROTECTIVE,
    PROTECTIVE_WINDOW,
    RECURRED,
    SOONER,
    TIME_OUTCOMES,
    UP,
    WITHDRAWN,
    negated_names,
)
from assistant.records import Stance


class Role(StrEnum):
    INTERVENTION = "intervention"  # a treatment: benefit or not
    EXPOSURE = "exposure"  # a risk factor: associated with the outcome or not
    FACET = "facet"  # a quantity or an account (incidence, mechanism): stated or doubted
    FEATURE = "feature"  # a clinical feature: required for the diagnosis, or seen absent
    ALTERNATIVE = "alternative"  # one of two answers the question sets side by side (assistant.alternatives)
    ATTRIBUTED = "attributed"  # one of the sources a question sets against each other (assistant.alternatives)
    SAID_TO_DIFFER = "said_to_differ"  # one of the sources a question says differ, naming none (ditto)


# How a contested topic is named, by its role ("dantrolene efficacy", "lithium as a risk factor").
TOPIC_ENDINGS = {
    Role.INTERVENTION: " efficacy",
    Role.EXPOSURE: " as a risk factor",
    Role.FEATURE: " as a required feature",
    Role.ALTERNATIVE: " (two answers)",
    Role.ATTRIBUTED: " (sources the question sets side by side)",
    Role.SAID_TO_DIFFER: " (sources the question says differ)",
}


def topic_name(label: str, role: Role) -> str:
    return label + TOPIC_ENDINGS.get(role, TOPIC_ENDINGS[Role.EXPOSURE])


def topic_role(topic: str) -> Role | None:
    """The role of a topic named by ``topic_name``; None for other topics (a quantity: "NMS mortality")."""
    return next((role for role, ending in TOPIC_ENDINGS.items() if topic.endswith(ending)), None)


# What each side of a contested topic says, by role (singular, plural): "1 source reports a link".
_DOUBT = ("calls the evidence weak, unclear or controversial", "call the evidence weak, unclear or controversial")
_WEAK = ("calls the evidence weak or unclear", "call the evidence weak or unclear")
_FIGURE = ("gives a figure", "give different figures")
_OWN_WORDS = ("each source's own words, closest to the question",) * 2
SIDE_LABELS: dict[Role, dict[Stance, tuple[str, str]]] = {
    Role.INTERVENTION: {
        Stance.SUPPORTS: ("reports benefit or use", "report benefit or use"),
        Stance.DISPUTES: ("reports no benefit, harm or doubt", "report no benefit, harm or doubt"),
        Stance.UNCERTAIN: _DOUBT,
        Stance.FIGURE: _FIGURE,
    },
    Role.FACET: {
        Stance.SUPPORTS: ("proposes or states an account", "propose or state accounts"),
        Stance.DISPUTES: ("disputes it", "dispute it"),
        Stance.UNCERTAIN: _DOUBT,
        Stance.FIGURE: _FIGURE,
    },
    Role.FEATURE: {
        Stance.SUPPORTS: ("calls it required or central", "call it required or central"),
        Stance.DISPUTES: ("reports cases without it", "report cases without it"),
        Stance.UNCERTAIN: _WEAK,
        Stance.FIGURE: _FIGURE,
    },
    Role.ALTERNATIVE: {
        Stance.SUPPORTS: ("gives the first answer", "give the first answer"),
        Stance.DISPUTES: ("gives the second answer", "give the second answer"),
        Stance.UNCERTAIN: _WEAK,
        Stance.FIGURE: _FIGURE,
    },
    Role.ATTRIBUTED: {
        Stance.SUPPORTS: ("named first in the question", "named first in the question"),
        Stance.DISPUTES: ("set against it in the question", "set against it in the question"),
        Stance.UNCERTAIN: _WEAK,
        Stance.FIGURE: _FIGURE,
    },
    Role.SAID_TO_DIFFER: {  # no sides: each source's sentence is shown under one heading
        Stance.SUPPORTS: _OWN_WORDS,
        Stance.DISPUTES: _OWN_WORDS,
        Stance.UNCERTAIN: _WEAK,
        Stance.FIGURE: _FIGURE,
    },
    Role.EXPOSURE: {
        Stance.SUPPORTS: ("reports a link", "report a link"),
        Stance.DISPUTES: ("finds no link or a lower risk", "find no link or a lower risk"),
        Stance.UNCERTAIN: _WEAK,
        Stance.FIGURE: _FIGURE,
    },
}


class Effect(StrEnum):
    BENEFIT = "benefit"
    HARM = "harm"
    NONE = "none"
    MIXED = "mixed"


class StanceDetector(Protocol):
    def stance_batch(self, sentences: Sequence[str], topic: str, role: Role = Role.INTERVENTION) -> list[Stance | None]:
        """For each sentence, its stance on ``topic`` in that role, or None when it takes none."""
        ...


_WORD = re.compile(r"\S+")


def _word_index(text: str, offset: int) -> int:
    return len(_WORD.findall(text[:offset]))


def _distance(text: str, pattern: re.Pattern[str], at: int) -> int | None:
    """Words between the word at character ``at`` and the nearest match of ``pattern`` (None: no match)."""
    here = _word_index(text, at)
    distances = [abs(_word_index(text, m.start()) - here) for m in pattern.finditer(text)]
    return min(distances) if distances else None


def _near(text: str, pattern: re.Pattern[str], at: int, window: int = EFFECT_WINDOW) -> bool:
    """Whether ``pattern`` matches within ``window`` words of the word at character ``at``."""
    distance = _distance(text, pattern, at)
    return distance is not None and distance <= window


def _direction(text: str, at: int) -> int:
    """+1 or -1: the nearest direction word (within the window) of the outcome at ``at``; 0 when none or a tie."""
    up, down = _distance(text, UP, at), _distance(text, DOWN, at)
    up = up if up is not None and up <= EFFECT_WINDOW else None
    down = down if down is not None and down <= EFFECT_WINDOW else None
    if up is None and down is None or up == down:
        return 0
    return 1 if down is None or (up is not None and up < down) else -1


def effect(sentence: str) -> Effect | None:
    """The effect a finding reports, from its outcomes and the directions next to them; None when it reports none."""
    if NO_CHANGE.search(sentence):
        return Effect.NONE
    better = worse = False
    for match in TIME_OUTCOMES.finditer(sentence):
        if _near(sentence, SOONER, match.start()):
            better = True
        elif _near(sentence, LATER, match.start()):
            worse = True
    if not (better or worse):
        for pattern, polarity in OUTCOMES:
            for match in pattern.finditer(sentence):
                direction = _direction(sentence, match.start())
                if direction == 0:
                    continue
                good = direction * polarity > 0
                better, worse = better or good, worse or not good
    if better and worse:
        return Effect.MIXED
    return Effect.BENEFIT if better else Effect.HARM if worse else None


def recurrence(sentence: str) -> Stance | None:
    """What a sentence reports followed giving the drug (again): the syndrome did not come back (supports:
    it was tolerated), came back (disputes, unless the sentence still advises giving it), or both (uncertain:
    "may trigger a recurrence, although in most cases it does not"). None when it reports neither, or when
    the drug was stopped rather than given."""
    if WITHDRAWN.search(sentence):
        return None
    spared = bool(NOT_RECURRED.search(sentence))
    came_back = bool(RECURRED.search(NOT_RECURRED.sub(" ", sentence)))
    if spared and came_back:
        return Stance.UNCERTAIN
    if spared:
        return Stance.SUPPORTS
    if came_back:
        return Stance.SUPPORTS if POSITIVE_STANCE.search(sentence) else Stance.DISPUTES
    return None


def _mentions(sentence: str, names: Sequence[str]) -> list[re.Match[str]]:
    """Mentions of any of ``names``, as whole words ("febrile" is not found in "afebrile")."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n)
    if not alternatives:
        return []
    return list(re.finditer(rf"(?<![\w-])(?:{alternatives})(?![\w-])", sentence, re.IGNORECASE))


def _around(sentence: str, match: re.Match[str], before: int, after: int) -> tuple[str, str]:
    return (
        " ".join(sentence[: match.start()].split()[-before:]),
        " ".join(sentence[match.end() :].split()[:after]),
    )


def feature_absent(sentence: str, names: Sequence[str]) -> bool:
    """Whether ``sentence`` reports the feature (by any of its ``names``) absent: a negated form of a name
    ("afebrile", "non-febrile"), or an absence cue just before a mention ("without fever", "with the exception
    of fever", "no hyperthermia was observed") or just after it ("fever was absent")."""
    if _mentions(sentence, negated_names(names)):
        return True
    for match in _mentions(sentence, names):
        before, after = _around(sentence, match, ABSENCE_WINDOW, ABSENCE_WINDOW)
        if ABSENCE_BEFORE.search(before) or ABSENCE_AFTER.match(after):
            return True
    return False


def feature_required(sentence: str, names: Sequence[str]) -> bool:
    """Whether ``sentence`` calls the feature required or defines the syndrome by it: a necessity cue shortly
    before a mention ("characterised by hyperpyrexia, ...", "the classic tetrad of ..., pyrexia") or just after
    it ("fever is required")."""
    for match in _mentions(sentence, names):
        before, after = _around(sentence, match, NECESSITY_WINDOW, ABSENCE_WINDOW)
        if NECESSITY.search(before) or NECESSITY.search(after):
            return True
    return False


def no_response_to(sentence: str, names: Sequence[str]) -> bool:
    """Whether the sentence says the illness did not answer to the intervention (by any of its ``names``): "the
    fever does not come down with antipyretics", "refractory to X"."""
    return any(NO_RESPONSE_BEFORE.search(sentence[: m.start()]) for m in _mentions(sentence, names))


def compared_risk(sentence: str, names: Sequence[str]) -> Stance | None:
    """What a comparison or a protective finding says of an exposure (by any of its ``names``): named after
    "than" in "higher risk than X", a lower risk (disputes a link); after "less often than", a higher one
    (supports); followed by "reduced the prevalence" or "a lower risk", or preferred ("a preference for X") when a
    drug must be given, a lower one. None when it says neither."""
    for match in _mentions(sentence, names):
        before = sentence[: match.start()]
        if AFTER_THAN.search(before):
            if HIGHER_THAN.search(before):
                return Stance.DISPUTES
            if LOWER_THAN.search(before):
                return Stance.SUPPORTS
        after = " ".join(sentence[match.end() :].split()[:PROTECTIVE_WINDOW])
        if PROTECTIVE.search(after) or PREFERRED.search(before):
            return Stance.DISPUTES
    return None


class RuleStanceDetector:
    """Negation first (NegEx-style), then a finding's effect, then doubt, then plain benefit or use.

    ``names`` gives a topic's other names (its synonyms), with which a feature's mentions are found."""

    def __init__(self, names: Callable[[str], Sequence[str]] | None = None) -> None:
        self._names = names

    def _names_of(self, topic: str) -> Sequence[str]:
        """A topic's names: its synonyms when the detector was given them, else the topic itself."""
        return self._names(topic) if self._names and topic else (topic,)

    def stance(self, sentence: str, topic: str = "", role: Role = Role.INTERVENTION) -> Stance | None:
        if role == Role.EXPOSURE:
            return self._exposure(sentence, topic)
        if role == Role.FEATURE:
            return self._feature(sentence, topic)
        if NEGATIVE_STANCE.search(sentence) or no_response_to(sentence, self._names_of(topic)):
            return Stance.DISPUTES
        found = effect(sentence)
        if found in (Effect.HARM, Effect.NONE):
            return Stance.DISPUTES
        if found == Effect.MIXED or CONTROVERSY_CUES.search(sentence):
            return Stance.UNCERTAIN
        if found == Effect.BENEFIT:
            return Stance.SUPPORTS
        after = recurrence(sentence)
        if after is not None:
            return after
        if AIM.search(sentence):
            return None  # an aim or a question, not a finding
        return Stance.SUPPORTS if POSITIVE_STANCE.search(sentence) else None

    def _exposure(self, sentence: str, topic: str) -> Stance | None:
        if NO_ASSOCIATION.search(sentence):
            return Stance.DISPUTES
        compared = compared_risk(sentence, self._names_of(topic))
        if compared is not None:
            return compared
        if CONTROVERSY_CUES.search(sentence):
            return Stance.UNCERTAIN
        if ASSOCIATION.search(sentence) or effect(sentence) == Effect.HARM:
            return Stance.SUPPORTS
        return None

    def _feature(self, sentence: str, topic: str) -> Stance | None:
        names = self._names_of(topic)
        if feature_absent(sentence, names):
            return Stance.DISPUTES
        if CONTROVERSY_CUES.search(sentence):
            return Stance.UNCERTAIN
        return Stance.SUPPORTS if feature_required(sentence, names) else None

    def stance_batch(self, sentences: Sequence[str], topic: str, role: Role = Role.INTERVENTION) -> list[Stance | None]:
        return [self.stance(s, topic, role) for s in sentences]
