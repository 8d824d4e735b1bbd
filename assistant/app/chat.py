"""Chat page. Renders only: answers come from assistant.answer, state lives in st.session_state."""

import streamlit as st

from assistant.answer import answer
from assistant.app.ui import PAGE_ICON, engine, render_answer, sidebar
from nmsa.errors import NMSAssistantError

st.set_page_config(page_title="NMS literature assistant", page_icon=PAGE_ICON, layout="wide")
eng = engine()
filters = sidebar(eng)
st.title("NMS literature assistant")
st.caption("Ask about neuroleptic malignant syndrome. Every statement is quoted from an indexed source, with its citation.")
history = st.session_state.setdefault("history", [])

for i, (question, result) in enumerate(history):
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        render_answer(result, f"h{i}")

question = st.chat_input("e.g. Is dantrolene effective for NMS?")
if question:
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        with st.spinner("Searching the sources…"):
            try:
                result = answer(question, eng, filters=filters)
            except NMSAssistantError as exc:
                st.error(str(exc))
                result = None
        if result is not None:
            history.append((question, result))
            render_answer(result, f"h{len(history) - 1}")
