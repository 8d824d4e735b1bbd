"""The question sets are well-formed: a typo in a file name or a field silently weakens a question
(an expected source that does not exist is never cited; an unknown field is never checked)."""

from __future__ import annotations

import json

import pytest

from bench.eval_sets import INDEXES
from tests.conftest import CORPUS, ROOT

EVAL = ROOT / "eval"
FIELDS = {
    "id", "question", "kind", "status", "sources", "mention", "mention_at_least", "guideline_mention",
    "research_mention", "contested_topic", "not_contested", "must_not", "history", "style", "uncovered",
    "understood", "index", "note",
}  # fmt: skip
KINDS = {"contested", "consensus", "fact", "out_of_scope", "injection"}
STYLES = {"plain", "vignette", "follow_up", "terse", "typo", "abbreviation", "accented"}
SETS = sorted(EVAL.glob("*.jsonl")) + sorted(EVAL.glob("round*/*.jsonl")) + sorted(EVAL.glob("probes/*.jsonl"))
# the folders each index adds to corpus/, as bench/eval_sets.py builds them
INDEX_FOLDERS = {name: tuple(f for f in folders if f != "corpus") for name, folders in INDEXES.items()}


def documents(index: str) -> set[str]:
    names = {p.name for p in CORPUS.iterdir()}
    return names | {p.name for folder in INDEX_FOLDERS[index] for p in (EVAL / folder).iterdir()}


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_question_set_is_well_formed(path):
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert items and len({q["id"] for q in items}) == len(items)
    for q in items:
        assert set(q) <= FIELDS, (q["id"], set(q) - FIELDS)
        assert q.get("kind", "fact") in KINDS and q.get("style", "plain") in STYLES, q["id"]
        missing = set(q.get("sources", [])) - documents(q.get("index", "corpus"))
        assert not missing, (q["id"], missing)
        assert (q.get("style") == "follow_up") == bool(q.get("history")), q["id"]


def test_calibration_and_held_out_halves_do_not_share_questions():
    for calibration in EVAL.glob("*.calibration.jsonl"):
        held_out = calibration.with_name(calibration.name.replace("calibration", "heldout"))
        ids = [{json.loads(x)["id"] for x in p.read_text().splitlines() if x.strip()} for p in (calibration, held_out)]
        texts = [
            {json.loads(x)["question"] for x in p.read_text().splitlines() if x.strip()}
            for p in (calibration, held_out)
        ]
        assert ids[0] and ids[1] and not ids[0] & ids[1] and not texts[0] & texts[1]


def test_round_two_asks_new_questions():
    """Round 2's held-out sets are new: no id or question of an earlier set."""
    earlier = [json.loads(x) for p in EVAL.glob("*.jsonl") for x in p.read_text().splitlines() if x.strip()]
    new = [json.loads(x) for p in EVAL.glob("round2/*.jsonl") for x in p.read_text().splitlines() if x.strip()]
    assert len(new) >= 80
    assert not {q["id"] for q in new} & {q["id"] for q in earlier}
    assert not {q["question"].lower() for q in new} & {q["question"].lower() for q in earlier}


@pytest.mark.parametrize(
    "round_,earlier_patterns,documents,n_new,n_about_new",
    [
        ("round3", ("*.jsonl", "round2/*.jsonl", "probes/*.jsonl"), "literature-d", 80, 35),
        ("round4", ("*.jsonl", "round2/*.jsonl", "round3/*.jsonl", "probes/*.jsonl"), "literature-e", 80, 30),
        (
            "round5",
            ("*.jsonl", "round2/*.jsonl", "round3/*.jsonl", "round4/*.jsonl", "probes/*.jsonl"),
            "literature-f",
            80,
            30,
        ),
        (
            "round6",
            ("*.jsonl", "round2/*.jsonl", "round3/*.jsonl", "round4/*.jsonl", "round5/*.jsonl", "probes/*.jsonl"),
            "literature-g",
            80,
            30,
        ),
        (
            "round7",
            ("*.jsonl", "round[2-6]/*.jsonl", "probes/*.jsonl"),
            "literature-h",
            80,
            30,
        ),
        (
            "round8",
            ("*.jsonl", "round[2-7]/*.jsonl", "probes/*.jsonl"),
            "literature-i",
            80,
            30,
        ),
    ],
)
def test_later_rounds_ask_new_questions(round_, earlier_patterns, documents, n_new, n_about_new):
    """A round's held-out sets are new: no id or question of an earlier round (the calibration probes
    included); most of its literature questions are about the round's own documents."""
    earlier = [
        json.loads(x)
        for pattern in earlier_patterns
        for p in EVAL.glob(pattern)
        for x in p.read_text().splitlines()
        if x.strip()
    ]
    new = [json.loads(x) for p in EVAL.glob(f"{round_}/*.jsonl") for x in p.read_text().splitlines() if x.strip()]
    assert len(new) >= n_new
    assert not {q["id"] for q in new} & {q["id"] for q in earlier}
    assert not {q["question"].lower() for q in new} & {q["question"].lower() for q in earlier}
    own = {p.name for p in (EVAL / documents).iterdir()}
    about_new = [q for q in new if set(q.get("sources", [])) & own]
    assert len(about_new) >= n_about_new
