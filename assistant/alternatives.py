"""Two answers a question sets side by side ("is the fever central, or is it from the muscles?", "my
colleague says A; the registrar says B"), and whether the sources give both.

A clinician asks this way when sources differ, so the question names the two sides itself. Each
alternative is embedded on its own; a sentence takes an alternative's side when it is close to that
alternative (``alternative_similarity``), clearly closer to it than to the other (``alternative_margin``)
and uses at least half of its own words (the words the other alternative does not use), and two of them
when it has two. Each source takes the side of its clearest sentence (its lead, plus its similarity to
the whole question). When at least one source takes each side, the claim is flagged, each side with its
citations: the first answer's positions carry ``Stance.SUPPORTS``, the second's ``Stance.DISPUTES``, and
the topic ends with " (two answers)" so that they are labelled as answers, not as benefit and harm.
Nothing here knows a topic: the sides are the question's own words.

A question may instead set named sources against each other ("the review says A, but the guideline says
B", "A (review) vs B (label)"): :func:`attributed_sides` reads which documents each side names, and
:func:`attributed_flag` shows each named source's own sentence closest to what the question asks and to
what the question says it says, side by side (``ContestReason.ASKED``): the question's claim that they
differ is the user's, and the box lets the reader check it against each source's words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.candidates import Candidate
from assistant.contested import Flag, Position, diverse
from assistant.lexicon import (
    ALTERNATIVE_OR,
    ALTERNATIVE_SAYS,
    ASKING_CLAUSE,
    ATTRIBUTED_OR,
    FRAMING_WORDS,
    OTHER_SOURCES,
    SAYING,
    SAYING_CLAUSE,
    SIDES_TURN,
    SOURCES_DIFFER,
    SOURCES_SAID_TO_DIFFER,
)
from assistant.query import content_stems, question_stems
from assistant.records import ContestReason, Stance
from assistant.stance import TOPIC_ENDINGS, Role
from index.synonyms import Vocabulary

_FRAMING = frozenset(s for w in FRAMING_WORDS for s in content_stems(w))
MIN_WORDS = 2  # an alternative of fewer words ("or not") is no answer of its own
WORD_SHARE = 0.5  # a side's sentence uses at least this share of its alternative's own words ...
PREFIX = 5  # ... two words sharing their first five letters counting as one (hypothalamic, hypothalamus)
_SENTENCE_BREAK = re.compile(r"(?<=[?.!])\s+|\s+[-–—]\s+")
_CLAUSE_START = re.compile(r"[:;]\s+")
_CLAUSE_END = re.compile(r"[?;]|\s[-–—]\s")


def alternatives(ask: str) -> tuple[str, str] | None:
    """The two answers a question sets side by side, or None: "X says A; Y says B", else the two clauses
    around an "or" that opens a clause of its own ("..., or is it ...?", "... or should they ...")."""
    said = ALTERNATIVE_SAYS.search(ask)
    if said:
        return said.group("first").strip(" ,"), said.group("second").strip(" ,?")
    for sentence in _SENTENCE_BREAK.split(ask):
        match = ALTERNATIVE_OR.search(sentence)
        if not match:
            continue
        first = _CLAUSE_START.split(sentence[: match.start()])[-1].strip(" ,")
        second = _CLAUSE_END.split(sentence[match.end() :])[0].strip(" ,?")
        if len(first.split()) >= MIN_WORDS and len(second.split()) >= MIN_WORDS:
            return first, second
    return None


def names_unseen(pair: tuple[str, str], unknown: Sequence[str]) -> bool:
    """Whether an alternative names what no indexed passage mentions ("is it the Zeta assay, or ..."): no
    source can give that answer, whatever else of it they mention."""
    unseen = {s for word in unknown for s in content_stems(word)}
    return any(unseen & set(content_stems(side)) for side in pair)


def own_words(first: str, second: str, skip: frozenset[str]) -> tuple[set[str], set[str]]:
    """The stems each alternative uses and the other does not (the shared subject and ``skip`` left out)."""
    a = set(content_stems(first)) - skip - question_stems()
    b = set(content_stems(second)) - skip - question_stems()
    return a - b, b - a


def _named_groups(texts: Sequence[str], vocabulary: Vocabulary) -> list[tuple[str, ...]]:
    """The synonym groups the texts name."""
    return [
        g
        for g in vocabulary.groups + vocabulary.entities
        if any(vocabulary.pattern(t).search(x) for t in g for x in texts)
    ]


def _one_name(text: str, groups: list[tuple[str, ...]], vocabulary: Vocabulary) -> str:
    """``text`` with each term of ``groups`` written as one word for its group ("muscle breakdown" and
    "rhabdomyolysis" alike), so an alternative's words are found in a sentence that names them otherwise."""
    for n, group in enumerate(groups):
        for term in sorted(group, key=len, reverse=True):
            text = vocabulary.pattern(term).sub(f" synonymgroup{n} ", text)
    return text


def alternative_flag(
    pair: tuple[str, str],
    pool: list[Candidate],
    embed: Callable[[str], np.ndarray],
    vocabulary: Vocabulary,
    skip: frozenset[str],
    similarity: float,
    margin: float,
    max_positions: int,
) -> Flag | None:
    """A flag when sources take both sides of ``pair`` (see the module docstring); ``skip`` holds the
    field's own stems, which say nothing about a side, and the synonyms file's groups count as one word."""
    groups = _named_groups(pair, vocabulary)
    first, second = (_one_name(text, groups, vocabulary) for text in pair)
    words = own_words(first, second, skip)
    if not pool or not all(words):
        return None
    vectors = np.stack([c.vector for c in pool])
    near = [vectors @ embed(pair[0]), vectors @ embed(pair[1])]
    # at least half of a side's own words, and two of them when it has two ("cause" alone is no side)
    needed = [max(math.ceil(WORD_SHARE * len(w)), min(2, len(w))) for w in words]
    best: dict[str, tuple[float, Candidate, int]] = {}  # each source's clearest sentence and its side
    for i, cand in enumerate(pool):
        prefixes = {s[:PREFIX] for s in content_stems(_one_name(cand.text, groups, vocabulary))}
        for side in (0, 1):
            lead = float(near[side][i] - near[1 - side][i])
            used = sum(w[:PREFIX] in prefixes for w in words[side])
            if near[side][i] >= similarity and lead >= margin and used >= needed[side]:
                clearest = lead + cand.similarity  # clearly on one side, and about what the question asks
                if cand.doc_id not in best or clearest > best[cand.doc_id][0]:
                    best[cand.doc_id] = (clearest, cand, side)
    sides = {side for _, _, side in best.values()}
    if sides != {0, 1}:
        return None
    stances = (Stance.SUPPORTS, Stance.DISPUTES)
    positions: list[Position] = [(cand, stances[side]) for _, cand, side in best.values()]
    per_side = max(1, max_positions // 2)
    chosen = [p for side in stances for p in diverse([p for p in positions if p[1] == side], per_side)]
    counts = [sum(1 for _, _, s in best.values() if s == side) for side in (0, 1)]  # every source, shown or not
    said = [
        f"{n} source{'s' if n > 1 else ''} {'give' if n > 1 else 'gives'} “{text}”" for n, text in zip(counts, pair)
    ]
    return Flag(
        topic=alternative_topic(*pair),
        summary=f"Sources give both answers the question sets side by side: {'; '.join(said)}.",
        reason=ContestReason.OPPOSING,
        positions=chosen,
    )


def alternative_topic(first: str, second: str) -> str:
    return f"“{first}” or “{second}”{TOPIC_ENDINGS[Role.ALTERNATIVE]}"


Side = tuple[str, tuple[str, ...]]  # a clause of the question and the documents it names
ISSUE_CHARS = 160  # the longest issue shown as a topic
PER_SOURCE = 1  # sentences shown for each source the question names
PER_OTHERS = 2  # sources shown for a side given as "other texts"
_LIST_ITEM = re.compile(r",\s*|\s+and\s+")  # the items of a list of sources
_SENTENCE = re.compile(r"(?<=[?!])\s+|(?<=\.)\s+(?=[A-Z])")  # not after "approx." in "approx. 3% or 5%?"


OTHERS = "*"  # a side's documents given as "the other sources" (the best of those no side names)


def attributed_sides(text: str, named_in: Callable[[str], list[str]]) -> list[Side] | None:
    """The sides a question sets against each other by source, or None: its clauses around a turn ("but",
    "whereas", "vs", ";"), else the statements of what each says after a comma ("A says hours, B says days"), else
    two answers each given with its source in brackets ("A (review) or B (label)?"), each
    with the documents it names (``named_in``) or, for "other texts", ``OTHERS``, when at least two clauses name
    sources and each names others than those before it; else, when the question says its sources differ ("the
    review and the label see it differently"), each source it names."""
    return (
        _sides(SIDES_TURN.split(text), named_in)
        or _sides([c for c in SAYING_CLAUSE.split(text) if _is_saying(_SENTENCE.split(c.strip())[-1])], named_in)
        or _sides(_first_sentence_last(ATTRIBUTED_OR.split(text)), named_in)
        or _differ(text, named_in)
    )


def _first_sentence_last(clauses: list[str]) -> list[str]:
    """The clauses, the last one cut at the end of its sentence: what follows asks of both ("... (the label)?
    Agreed?")."""
    return [*clauses[:-1], _SENTENCE.split(clauses[-1].strip())[0]] if len(clauses) > 1 else clauses


def _is_saying(clause: str) -> bool:
    """Whether a clause states what a source says ("the label says days - which is right?"), not asks it."""
    stated = re.split(r"\s[-–—]\s", clause)[0]  # the question's own tag after a dash left out
    return bool(SAYING.search(stated)) and not ASKING_CLAUSE.search(stated)


def _sides(clauses: list[str], named_in: Callable[[str], list[str]]) -> list[Side] | None:
    """Each clause naming sources no clause before it names, with them; None unless two do."""
    sides: list[Side] = []
    taken: set[str] = set()
    for clause in clauses:
        said = _SENTENCE.split(clause.strip())[-1].strip(" ,;:-?.")  # the sentence naming them, not the question
        docs = tuple(d for d in named_in(clause) if d not in taken)
        if not docs and sides and OTHER_SOURCES.search(said):
            docs = (OTHERS,)
        if said and docs:
            sides.append((said, docs))
            taken.update(docs)
    return sides if len(sides) >= 2 else None


def _differ(text: str, named_in: Callable[[str], list[str]]) -> list[Side] | None:
    """Each source a sentence that says its sources differ names (in each of its items: "the review, the letter
    and the guideline"), a side of its own."""
    for sentence in _SENTENCE.split(text):
        if not SOURCES_DIFFER.search(sentence):
            continue
        named = list(dict.fromkeys(d for item in _LIST_ITEM.split(sentence) for d in named_in(item)))
        if len(named) >= 2:
            return [(sentence.strip(" ,;:-?."), (doc,)) for doc in named]
    return None


def issue_of(text: str, named_in: Callable[[str], list[str]]) -> str:
    """What the question asks of the sources it sets side by side: its first question that names none of
    them ("Is it inherited?"), else its first question ("incidence: 0.1% (review) vs 2% (label) - which?")."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    # not a question that only asks whether they agree ("Do they agree?"): that is no issue
    sentences = [s for s in sentences if set(content_stems(s)) - question_stems() - _FRAMING] or sentences
    asked = [s for s in sentences if s.endswith("?")] or sentences[:1]
    issue = next((s for s in asked if not named_in(s)), asked[0] if asked else "").rstrip("?").strip()
    return issue if len(issue) <= ISSUE_CHARS else issue[: ISSUE_CHARS - 1].rstrip() + "…"


def attributed_flag(
    sides: list[Side],
    issue: str,
    pool: list[Candidate],
    embed: Callable[[str], np.ndarray],
    floor: float,
    max_positions: int,
    naming: Callable[[str], frozenset[str]] = lambda _doc: frozenset(),
) -> Flag | None:
    """Each named source's sentence nearest to what the question asks (``Candidate.similarity``) plus, when the
    question says what that source says ("the review lists it as a look-alike"), nearest to that; no
    sentence under ``floor`` in both unless it uses at least MIN_WORDS of the words the question says it says
    (the words ``naming`` the source aside: "the label demands a high fever" is found in the label's "a fever
    that is high", however far its meaning is from the question's). The first side's sources carry
    ``Stance.SUPPORTS``, the others' ``Stance.DISPUTES``. None unless sources of two sides have such a
    sentence."""
    positions: list[Position] = []
    sides_shown: set[int] = set()
    named = {d for _, docs in sides for d in docs}
    for n, (clause, docs) in enumerate(sides):
        said = len(set(content_stems(clause)) - question_stems()) >= MIN_WORDS
        clause_vector = embed(clause) if said else None

        def near(c: Candidate, v: np.ndarray | None = clause_vector) -> float:
            return c.similarity + (float(c.vector @ v) if v is not None else 0.0)

        if docs == (OTHERS,):  # "other texts": the sources no side names, those nearest first
            ranked = sorted((c for c in pool if c.doc_id not in named), key=near, reverse=True)
            docs = tuple(dict.fromkeys(c.doc_id for c in ranked if c.similarity >= floor))[:PER_OTHERS]
        for doc_id in docs:  # near what the question asks, or what it says this source says, or in its words
            words = {s[:PREFIX] for s in content_stems(clause)} - {
                s[:PREFIX] for s in question_stems() | naming(doc_id)
            }
            own = [
                c
                for c in pool
                if c.doc_id == doc_id
                and (
                    max(c.similarity, float(c.vector @ clause_vector) if clause_vector is not None else 0.0) >= floor
                    or len(words & {s[:PREFIX] for s in content_stems(c.text)}) >= MIN_WORDS
                )
            ]
            if not own:
                continue
            best = sorted(own, key=near, reverse=True)[:PER_SOURCE]
            positions += [(c, Stance.SUPPORTS if n == 0 else Stance.DISPUTES) for c in best]
            sides_shown.add(min(n, 1))
    if sides_shown != {0, 1}:
        return None
    quoted = [f"“{clause}”" for clause, _ in sides]
    return Flag(
        topic=f"{issue or 'What these sources say'}{TOPIC_ENDINGS[Role.ATTRIBUTED]}",
        summary=(
            f"The question sets {quoted[0]} against {' and '.join(quoted[1:])}. Each source's own sentence "
            "closest to it is shown side by side, to judge whether they differ."
        ),
        reason=ContestReason.ASKED,
        positions=diverse(positions, max_positions),
    )


SAID_SOURCES = 4  # sources shown when the question says they differ and names none
SAID_WORDS = 4  # ... each with a sentence using two of the words of what it asks, when it asks with this many


def said_to_differ(text: str) -> str | None:
    """The sentence of a question that says its sources differ without naming them, or None."""
    said = next((s for s in _SENTENCE.split(text) if SOURCES_SAID_TO_DIFFER.search(s)), None)
    return said.strip(" ,;:-?.") if said else None


def differ_issue(text: str, claim: str) -> str:
    """What a question that says its sources differ asks of them: its last question other than that claim with
    a word of its own ("How high must the temperature be?", "mortality?"), else its last such sentence ("The
    consultant says it needs a fever."), else the claim."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip() and not SOURCES_SAID_TO_DIFFER.search(s)]
    sentences = [s for s in sentences if set(content_stems(s)) - question_stems() - _FRAMING]
    issue = ([s for s in sentences if s.endswith("?")] or sentences or [claim])[-1].rstrip("?.").strip()
    return issue if len(issue) <= ISSUE_CHARS else issue[: ISSUE_CHARS - 1].rstrip() + "…"


def said_to_differ_flag(
    issue: str,
    claim: str,
    pool: list[Candidate],
    embed: Callable[[str], np.ndarray],
    floor: float,
    words: frozenset[str] = frozenset(),
) -> Flag | None:
    """When the question says its sources differ but names none ("the papers give different
    doses"): the SAID_SOURCES sources whose own sentence is nearest to what it asks and to what it says
    of them, each with that sentence (``Stance.SUPPORTS``), so the reader sees whether and how they differ.
    The claim is the user's; no side is read into the sentences. A sentence shown is at ``floor`` or above and
    uses one of ``words`` (what the question asks about, when given), and two sources must have one."""
    wanted = {w[:PREFIX] for w in words}
    needed = min(len(wanted), 1 if len(wanted) < SAID_WORDS else MIN_WORDS)
    vectors = [embed(issue)] if issue else []
    said = SOURCES_SAID_TO_DIFFER.sub(" ", claim)  # what the claim says of them besides that they differ
    if set(content_stems(said)) - question_stems() - _FRAMING:
        vectors.append(embed(said))
    best: dict[str, tuple[float, Candidate]] = {}
    for cand in pool:
        if cand.similarity < floor or len(wanted & {w[:PREFIX] for w in content_stems(cand.text)}) < needed:
            continue
        near = cand.similarity + sum(float(cand.vector @ v) for v in vectors)
        if cand.doc_id not in best or near > best[cand.doc_id][0]:
            best[cand.doc_id] = (near, cand)
    if len(best) < 2:
        return None
    chosen = sorted(best.values(), key=lambda b: -b[0])[:SAID_SOURCES]
    return Flag(
        topic=f"{issue or 'What the sources say'}{TOPIC_ENDINGS[Role.SAID_TO_DIFFER]}",
        summary=(
            f"The question says the sources differ (“{claim}”) and names none of them. The {len(chosen)} sources "
            "whose own sentence is closest to it are shown side by side, to judge whether and how they differ."
        ),
        reason=ContestReason.ASKED,
        positions=[(cand, Stance.SUPPORTS) for _, cand in chosen],
    )
