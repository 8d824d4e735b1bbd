"""Regenerate tests/data/synthesis_labelled.jsonl after the extractive answers change:
``.venv/bin/python -m tests.relabel_synthesis [--out FILE]`` (a few minutes: the real model).

For every id and question of the labelled file, in its order, it answers the question over a fresh
index of corpus/ (as the ``corpus_engine`` fixture does), asks SmolLM2-135M-Instruct for a synthesis
behind tests/llm_server.py (as the ``llm_base_url`` fixture starts it, with the settings of
tests/test_synthesis_model.py) and records the statements the model was shown and its raw output,
split into sentences with ``_split``. Labels carry over where nothing they depend on changed:

- a record whose statements and output are both those of the labelled run keeps all its labels;
- otherwise a sentence keeps its label and reason when the labelled run of the same id had a
  sentence of the same text whose cited statements (by number) had the same texts (or were out of
  range in both);
- every other sentence gets ``"label": null, "reason": ""``: label those by hand (the standard is in
  tests/test_synthesis_labelled.py and the existing reasons), then run that test.

It writes to the labelled file itself unless ``--out`` names another (git holds the old one).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.answer import answer
from assistant.synthesis import SynthesisSettings, _cited, _split, make_chat_model, synthesize
from tests.conftest import corpus_engine, embedder
from tests.llm_server import MODEL_NAME, llm_base_url_fixture
from tests.test_synthesis_labelled import LABELLED, load_labelled
from tests.test_synthesis_model import OutputRecorder


class _TempPaths:
    """The one method of pytest's ``tmp_path_factory`` the fixtures use, under a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, basename: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{basename}-", dir=self.root))


@contextmanager
def _llm_base_url(paths: _TempPaths) -> Iterator[str]:
    """The ``llm_base_url`` fixture's own code, run outside pytest."""
    yield from llm_base_url_fixture.__wrapped__(paths)


def _engine(paths: _TempPaths) -> Any:
    """The ``corpus_engine`` fixture's own code (and the ``embedder`` one's), run outside pytest."""
    return corpus_engine.__wrapped__(paths, embedder.__wrapped__())


def _cited_texts(sentence: str, statements: list[str]) -> list[str | None]:
    return [statements[n - 1] if 1 <= n <= len(statements) else None for n in _cited(sentence)]


def relabel(old: dict, statements: list[str], output: str) -> dict:
    """The new record for ``old``'s question, with every label that still holds carried over."""
    record = {"id": old["id"], "question": old["question"], "statements": statements, "output": output}
    same_split = _split(output) == [s["text"] for s in old["sentences"]]
    if statements == old["statements"] and output == old["output"] and same_split:
        return {**record, "sentences": old["sentences"]}
    known = {
        (s["text"], json.dumps(_cited_texts(s["text"], old["statements"]))): s
        for s in old["sentences"]
        if s["label"] is not None
    }
    sentences = []
    for text in _split(output):
        same = known.get((text, json.dumps(_cited_texts(text, statements))))
        label, reason = (same["label"], same["reason"]) if same else (None, "")
        sentences.append({"text": text, "label": label, "reason": reason})
    return {**record, "sentences": sentences}


def regenerate(records: list[dict], engine: Any, base_url: str) -> list[dict]:
    settings = SynthesisSettings(base_url=base_url, model=MODEL_NAME, timeout_s=60)
    recorder = OutputRecorder()
    model = make_chat_model(settings)
    model.callbacks = [recorder]
    new = []
    for old in records:
        result = answer(old["question"], engine)
        statements = result.guideline_statements + result.research_findings
        before = len(recorder.outputs)
        synthesis = synthesize(result, settings, engine.vocabulary, chat_model=model)
        if len(recorder.outputs) == before:
            raise RuntimeError(f"{old['id']}: the model gave no output ({synthesis.note})")
        new.append(relabel(old, [s.text for s in statements], recorder.outputs[-1]))
        print(f"{old['id']} done", file=sys.stderr, flush=True)
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=LABELLED, help=f"where to write (default: {LABELLED})")
    parser.add_argument(
        "--stored",
        action="store_true",
        help="no model: split the stored outputs again (after a change to the verifier's sentence splitting)",
    )
    args = parser.parse_args(argv)
    records = load_labelled()
    if args.stored:
        new = [relabel(r, r["statements"], r["output"]) for r in records]
        return _write(args.out, new, records)
    with tempfile.TemporaryDirectory(prefix="relabel-synthesis-") as root:
        paths = _TempPaths(Path(root))
        try:
            with _llm_base_url(paths) as base_url:
                new = regenerate(records, _engine(paths), base_url)
        except (pytest.skip.Exception, pytest.fail.Exception) as exc:
            print(f"cannot regenerate: {exc}", file=sys.stderr)
            return 1
    return _write(args.out, new, records)


def _write(out: Path, new: list[dict], records: list[dict]) -> int:
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new), encoding="utf-8")
    unchanged = sum(r["sentences"] is o["sentences"] for r, o in zip(new, records))
    carried = sum(
        s["label"] is not None
        for r, o in zip(new, records)
        if r["sentences"] is not o["sentences"]
        for s in r["sentences"]
    )
    to_label = [(r["id"], i) for r in new for i, s in enumerate(r["sentences"]) if s["label"] is None]
    print(f"wrote {len(new)} records to {out}")
    print(f"{unchanged} unchanged (labels kept), {len(new) - unchanged} changed ({carried} labels carried over)")
    print(f"{len(to_label)} sentences need labels in {len({qid for qid, _ in to_label})} records")
    for qid in dict.fromkeys(qid for qid, _ in to_label):
        print(f"  {qid}: sentences {', '.join(str(i) for q, i in to_label if q == qid)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
