"""Sources: the indexed documents and, for one, its passages in order with their sections."""

import streamlit as st

from assistant.render import escape_markdown
from assistant.ui import engine, sidebar

st.set_page_config(page_title="Sources · NMS assistant", layout="wide")
eng = engine()
sidebar(eng)
st.title("Sources")
snap = eng.snapshot()
docs = sorted(snap.documents.values(), key=lambda d: d.doc_id)
st.dataframe(
    [{"document": d.title, "file": d.doc_id, "evidence type": d.evidence_type, "year": d.year,
      "passages": d.n_passages, "source": d.source} for d in docs],
    hide_index=True,
    use_container_width=True,
)
choice = st.selectbox("Open a document", [d.doc_id for d in docs], format_func=lambda d: snap.documents[d].title)
if choice:
    info = snap.documents[choice]
    st.markdown(f"**{escape_markdown(info.title)}** · *{info.evidence_type}* · {escape_markdown(info.origin or info.source)}")
    section = object()
    for row in snap.rows_of(choice):
        p = snap.passages[row]
        if p.section != section:
            section = p.section
            st.markdown(f"#### {escape_markdown(p.section or 'Text')}")
        page = f" · page {p.page}" if p.page else ""
        st.caption(f"passage {p.ordinal + 1}{page}")
        st.markdown(escape_markdown(p.text).replace("\n", "  \n"))
