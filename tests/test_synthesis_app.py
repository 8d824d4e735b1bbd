"""Issue 13's acceptance test: the chat (AppTest) with the synthesis toggle on and the real SmolLM2-135M
behind tests/llm_server.py, for ten questions of the labelled set. For each: either a verified synthesis
is shown (exactly the sentences the verifier kept, each passing the verifier again on its own, none
labelled unsupported in tests/data/synthesis_labelled.jsonl) or a one-line note with the extractive answer
as usual. The dropped sentences are printed with their reasons (``-s`` shows them)."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from assistant.answer import strip_instructions
from assistant.render import SYNTHESIS_TITLE, escape_markdown
from assistant.synthesis import _bare, verify
from tests.llm_server import MODEL_NAME, llm_base_url_fixture  # noqa: F401 - the llm_base_url fixture
from tests.test_app import APP, block, nodes
from tests.test_synthesis_labelled import KNOWN_MISSES, label_index, label_key, load_labelled
from tests.test_synthesis_model import QUESTION_IDS

pytestmark = [pytest.mark.slow, pytest.mark.model, pytest.mark.llm]
TIMEOUT_S = 60.0  # per synthesis; SmolLM2 answers in 1-12 s here


@pytest.fixture
def synthesis_app(corpus_engine, llm_base_url, monkeypatch):
    """The app over the corpus index, with synthesis configured for the local SmolLM2 server."""
    from assistant.app.ui import get_engine

    monkeypatch.setenv("NMS_INDEX_DIR", str(corpus_engine.settings.index.dir))
    monkeypatch.setenv("NMS_SYNTHESIS__BASE_URL", llm_base_url)
    monkeypatch.setenv("NMS_SYNTHESIS__MODEL", MODEL_NAME)
    monkeypatch.setenv("NMS_SYNTHESIS__TIMEOUT_S", str(TIMEOUT_S))
    get_engine.clear()
    yield
    get_engine.clear()


def test_the_chat_shows_a_verified_synthesis_or_a_clear_fallback(synthesis_app, corpus_engine):
    records = {r["id"]: r for r in load_labelled()}
    labelled = label_index()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S + 120).run()
    assert not at.exception
    assert any(c.value.startswith("On: model") for c in at.sidebar.caption)
    at.toggle[0].set_value(True).run()
    report, shown_total, checked_against_labels = [], 0, 0
    for qid in QUESTION_IDS:
        question = records[qid]["question"]
        at.sidebar.button[0].click().run()  # "Clear chat": each question on its own, not a follow-up
        started = time.perf_counter()
        at.chat_input[0].set_value(question).run()
        seconds = time.perf_counter() - started
        assert not at.exception, qid
        assert seconds < TIMEOUT_S + 30, f"{qid}: the chat waited {seconds:.0f} s"
        ((_, result),) = at.session_state["history"]
        reply = at.chat_message[1]
        if result.status != "answered":  # nothing to synthesise: the no-evidence message as usual
            assert result.synthesis is None and any("No evidence" in i.value for i in reply.info), qid
            report.append(f"{qid} no evidence (no synthesis asked)")
            continue
        synthesis = result.synthesis
        assert synthesis is not None and synthesis.model == MODEL_NAME, qid
        statements = result.guideline_statements + result.research_findings
        container = block(at, "synthesis-h0")
        subheaders = [s.value for s in reply.subheader]
        assert subheaders[:2] == ["Guideline statements", "Research findings"], qid  # the extractive answer stays
        if synthesis.status == "verified":
            assert container is not None, qid
            texts = [e.value for e in nodes(container, skip="popover") if e.type == "markdown"]
            assert texts[0].startswith(f"**{SYNTHESIS_TITLE}**") and "machine-written" in texts[0]
            assert texts[1:] == [escape_markdown(s.text) for s in synthesis.sentences], qid
            # the synthesis comes before the extractive sections
            order = [e.value for e in nodes(reply) if e.type in ("markdown", "subheader")]
            assert order.index(texts[1]) < order.index("Guideline statements")
            for sentence in synthesis.sentences:
                # each shown sentence passes the verifier again on its own, with the statements it cites
                output = sentence.text.rstrip(".") + ". " + "".join(f"[{n}]" for n in sentence.statements)
                asked, _ = strip_instructions(" ".join(question.split()))  # as synthesize asks the model
                kept, dropped = verify(output, [s.text for s in statements], asked, corpus_engine.vocabulary)
                assert len(kept) == 1 and not dropped, (qid, sentence.text, dropped)
                assert sentence.citations == sorted(
                    {c for n in sentence.statements for c in statements[n - 1].citations}
                )
                label = labelled.get(label_key(sentence.text, [statements[n - 1].text for n in sentence.statements]))
                if label is not None:
                    checked_against_labels += 1
                    known = qid in KNOWN_MISSES and _bare(KNOWN_MISSES[qid]) == _bare(sentence.text)
                    assert known or "unsupported" not in label, (
                        f"{qid}: shown, but labelled unsupported: {sentence.text}"
                    )
            shown_total += len(synthesis.sentences)
        else:
            assert container is None and not synthesis.sentences, qid
            note = escape_markdown(synthesis.note or "")
            assert note and any(note in c.value for c in reply.caption), qid
        expanders = [e.label for e in reply.expander if e.label.startswith("Dropped sentences")]
        assert expanders == ([f"Dropped sentences ({len(synthesis.dropped)})"] if synthesis.dropped else []), qid
        report.append(
            f"{qid} {synthesis.status.value}: {len(synthesis.sentences)} shown, {len(synthesis.dropped)} "
            f"dropped, {seconds:.1f} s" + (f" ({synthesis.note})" if synthesis.note else "") + f"\n    Q: {question}"
        )
        report += [f"    shown: {s.text} {s.citations}" for s in synthesis.sentences]
        report += [f"    dropped: {d.text} -- {d.reason}" for d in synthesis.dropped]
    print("\n" + "\n".join(report))
    print(
        f"{len(QUESTION_IDS)} questions; sentences shown: {shown_total} ({checked_against_labels} of them labelled, "
        "none unsupported)"
    )
