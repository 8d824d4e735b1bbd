"""Add papers: upload PDF, TXT or MD; validated on the server; incremental re-index."""

import hashlib

import streamlit as st

from assistant.render import escape_markdown
from assistant.ui import engine, sidebar
from assistant.uploads import process_upload

st.set_page_config(page_title="Add papers · NMS assistant", layout="wide")
eng = engine()
sidebar(eng)
st.title("Add papers")
st.caption(f"PDF, TXT or Markdown, up to {eng.settings.ui.max_upload_mb:g} MB and {eng.settings.ingest.max_pdf_pages} "
           "pages. New papers are searchable as soon as they are indexed.")
done = st.session_state.setdefault("uploads_done", {})
files = st.file_uploader("Papers", type=["pdf", "txt", "md"], accept_multiple_files=True)
for file in files or []:
    data = file.getvalue()
    key = hashlib.sha256(data).hexdigest() + file.name
    if key not in done:  # reruns never ingest the same upload twice
        name = escape_markdown(file.name)
        bar = st.progress(0.0, text=f"Indexing {name}…")

        def progress(stage: str, i: int, n: int, bar=bar, name=name) -> None:
            bar.progress(min(1.0, i / max(n, 1)), text=f"{stage} {name}")

        done[key] = process_upload(eng, file.name, data, progress)
        bar.empty()
    outcome = done[key]
    name = escape_markdown(outcome.name)
    if outcome.status == "added":
        st.success(f"**{name}**: {escape_markdown(outcome.message)}", icon=":material/check_circle:")
    elif outcome.status == "duplicate":
        st.warning(f"**{name}**: {escape_markdown(outcome.message)}", icon=":material/content_copy:")
    else:
        st.error(f"**{name}** was not added: {escape_markdown(outcome.message)}. The index is unchanged.",
                 icon=":material/block:")
