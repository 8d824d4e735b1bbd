"""Chat page. Renders only: answers come from assistant.answer (each question read with the earlier
questions of this chat), an optional short answer from assistant.synthesis; state lives in st.session_state."""

import streamlit as st

from assistant.answer import answer
from assistant.app.ui import PAGE_ICON, engine, md, question_bubble, render_answer, sidebar, understood_as
from assistant.records import Answer, Synthesis, SynthesisStatus
from assistant.synthesis import synthesize
from nmsa.errors import NMSAssistantError

SYNTHESIS_TOGGLE = "Short answer by a local language model"

st.set_page_config(page_title="NMS literature assistant", page_icon=PAGE_ICON, layout="wide")
eng = engine()
filters = sidebar(eng)
st.title("NMS literature assistant")
st.caption(
    "Ask about neuroleptic malignant syndrome. Every statement is quoted from an indexed source, with its citation. "
    "Follow-up questions are read with the earlier questions of this chat."
)
settings = eng.settings.synthesis
with_synthesis = settings.enabled and st.toggle(
    SYNTHESIS_TOGGLE,
    key="synthesis_on",
    help="A language model you run writes 2-4 sentences from the statements of the answer; only sentences "
    "that the statements they cite support are shown, marked as machine-written, above the quoted answer.",
)
history: list[tuple[str, Answer]] = st.session_state.setdefault("history", [])
documents = eng.snapshot().documents

for i, (asked, answered) in enumerate(history):
    question_bubble(asked, answered)
    with st.chat_message("assistant"):
        render_answer(answered, f"h{i}", documents)


def short_answer(result: Answer) -> Synthesis:
    """The synthesis of an answer; a failure of any kind is a one-line note, never a traceback."""
    try:
        return synthesize(result, settings, eng.vocabulary)
    except Exception as exc:  # noqa: BLE001 - synthesize handles model failures; this is the last guard of the chat
        return Synthesis(
            status=SynthesisStatus.UNAVAILABLE,
            model=settings.model or "",
            note=f"No synthesis: it failed ({type(exc).__name__}); the extractive answer is shown.",
        )


question = st.chat_input("e.g. Is dantrolene effective for NMS?")
if question:
    with st.chat_message("user"):
        st.text(question)
        understood = st.empty()  # filled once the question is read
    with st.chat_message("assistant"):
        result: Answer | None = None
        with st.spinner("Searching the sources…"):
            try:
                result = answer(question, eng, filters=filters, history=[q for q, _ in history])
            except NMSAssistantError as exc:
                st.error(md(str(exc)))
        if result is not None:
            if result.understood_as:
                understood.caption(understood_as(result))
            history.append((question, result))  # kept even if a new question interrupts the synthesis below
            if with_synthesis and result.status == "answered":
                with st.spinner(f"A language model is writing a short answer (at most {settings.timeout_s:g} s)…"):
                    result.synthesis = short_answer(result)
            render_answer(result, f"h{len(history) - 1}", documents)
