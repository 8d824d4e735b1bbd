"""Statement selection (assistant.answer.select_statements): maximal marginal relevance over
sentences with hand-made vectors, the redundancy cut, the per-source penalty, the cutoff and the pool."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.answer import select_statements
from assistant.candidates import Candidate
from ingest.records import Passage
from nmsa.settings import SelectionSettings


def unit(angle_degrees: float) -> np.ndarray:
    """A unit vector in the plane: the cosine of two is the cosine of their angle difference."""
    a = math.radians(angle_degrees)
    return np.array([math.cos(a), math.sin(a)], dtype=np.float32)


def candidate(name: str, score: float, angle: float, doc: str = "doc-a", row: int | None = None) -> Candidate:
    passage = Passage(
        id=f"p-{name}",
        doc_id=doc,
        title=doc,
        source=f"{doc}.txt",
        evidence_type="review",
        section=None,
        kind="text",
        page=None,
        start=0,
        end=len(name),
        text=name,
        sentences=((0, len(name)),),
    )
    return Candidate(
        row=row if row is not None else ord(name[0]),
        index=0,
        text=name,
        span=(0, len(name)),
        passage=passage,
        vector=unit(angle),
        score=score,
    )


def names(selected: list[Candidate]) -> list[str]:
    return [c.text for c in selected]


DEFAULT = SelectionSettings()  # pool 60, redundancy cut 0.93, source penalty 0.04
NO_PENALTY = SelectionSettings(source_repeat_penalty=0.0)

# (A, B, C): B is close to A (cos 0.8, under the cut), C is orthogonal to A
CLOSE = [candidate("A", 0.90, 0), candidate("B", 0.85, math.degrees(math.acos(0.8))), candidate("C", 0.80, 90)]
# B is a near-repeat of A (cos 0.95, over the 0.93 cut)
REPEAT = [candidate("A", 0.90, 0), candidate("B", 0.85, math.degrees(math.acos(0.95))), candidate("C", 0.80, 90)]
# B is a second sentence of A's document; C is about as relevant, from another document
SOURCES = [candidate("A", 0.90, 0), candidate("B", 0.89, 90), candidate("C", 0.86, 45, doc="doc-b")]


@pytest.mark.parametrize(
    ("case", "candidates", "max_n", "cutoff", "lam", "sel", "expected"),
    [
        ("relevance first", CLOSE, 1, 0.0, 0.7, DEFAULT, ["A"]),
        # B: 0.7*0.85 - 0.3*0.8 = 0.355 loses to C: 0.7*0.80 - 0.3*0 = 0.56; B still comes third
        ("diversity over a close second", CLOSE, 3, 0.0, 0.7, DEFAULT, ["A", "C", "B"]),
        ("pure relevance", CLOSE, 3, 0.0, 1.0, DEFAULT, ["A", "B", "C"]),
        ("a near-repeat is never taken", REPEAT, 3, 0.0, 1.0, DEFAULT, ["A", "C"]),
        ("the cut is a setting", REPEAT, 3, 0.0, 1.0, SelectionSettings(max_redundancy=0.96), ["A", "B", "C"]),
        # B: 0.89 - 0.04 (A's document again) = 0.85 < C: 0.86
        ("another source when about as relevant", SOURCES, 2, 0.0, 1.0, DEFAULT, ["A", "C"]),
        ("without the penalty", SOURCES, 2, 0.0, 1.0, NO_PENALTY, ["A", "B"]),
        ("below the cutoff: never", CLOSE, 3, 0.82, 1.0, DEFAULT, ["A", "B"]),
        ("the cutoff is inclusive", CLOSE, 3, 0.80, 1.0, DEFAULT, ["A", "B", "C"]),
        ("only the pool's best are read", CLOSE, 3, 0.0, 1.0, SelectionSettings(pool_size=2), ["A", "B"]),
        ("at most max_n", CLOSE, 2, 0.0, 1.0, DEFAULT, ["A", "B"]),
        ("nothing asked", CLOSE, 0, 0.0, 0.7, DEFAULT, []),
        ("nothing to choose from", [], 3, 0.0, 0.7, DEFAULT, []),
    ],
)
def test_select_statements(case, candidates, max_n, cutoff, lam, sel, expected):
    assert names(select_statements(candidates, max_n, cutoff, lam, sel)) == expected, case


def test_the_same_sentence_twice_is_taken_once():
    """The same text in two passages (one document quoting another) is one statement, whatever its vectors."""
    twice = [
        candidate("Same", 0.9, 0, row=1),
        candidate("Same", 0.9, 90, doc="doc-b", row=2),
        candidate("Other", 0.5, 45),
    ]
    assert names(select_statements(twice, 3, 0.0, 1.0, DEFAULT)) == ["Same", "Other"]


def test_a_document_the_question_asks_about_is_not_penalised_for_repeating():
    """ "What did the doc-a authors find?": a second doc-a sentence is not passed over for another source."""
    assert names(select_statements(SOURCES, 2, 0.0, 1.0, DEFAULT)) == ["A", "C"]
    assert names(select_statements(SOURCES, 2, 0.0, 1.0, DEFAULT, asked_of=frozenset({"doc-a"}))) == ["A", "B"]
