"""Add papers (maintainers): upload PDF, TXT or MD, validated on the server and indexed incrementally;
remove a document; roll back the last change; the change history."""

import hashlib

import streamlit as st

from assistant.app.ui import PAGE_ICON, engine, maintainer, md, sidebar
from assistant.uploads import process_upload
from index.history import read_history
from ingest.loaders import SUPPORTED_SUFFIXES
from nmsa.errors import NMSAssistantError

st.set_page_config(page_title="Add papers · NMS assistant", page_icon=PAGE_ICON, layout="wide")
eng = engine()
sidebar(eng)
st.title("Add papers")
actor = maintainer()
if actor is None:
    st.stop()
limit = eng.settings.ingest.max_file_mb
st.caption(
    f"PDF, TXT or Markdown, up to {limit:g} MB and {eng.settings.ingest.max_pdf_pages} pages. "
    f"New papers are searchable as soon as they are indexed. Changes are recorded as {md(actor)}."
)
done = st.session_state.setdefault("uploads_done", {})
# Every file type is accepted here and checked on the server, so a refused file gets a message
# (Streamlit's own type filter would drop it without a word).
files = st.file_uploader("Papers", accept_multiple_files=True, help=", ".join(SUPPORTED_SUFFIXES))
for file in files or []:
    data = file.getvalue()
    key = hashlib.sha256(data).hexdigest() + file.name
    if key not in done:  # reruns never ingest the same upload twice, whatever its outcome
        name = md(file.name)
        bar = st.progress(0.0, text=f"Indexing {name}…")

        def progress(stage: str, i: int, n: int, bar=bar, name=name) -> None:
            bar.progress(min(1.0, i / max(n, 1)), text=f"{stage} {name}")

        done[key] = process_upload(eng, file.name, data, progress, actor=actor)
        bar.empty()
    outcome = done[key]
    name = md(outcome.name)
    if outcome.status == "added":
        st.success(f"**{name}**: {md(outcome.message)}", icon=":material/check_circle:")
    elif outcome.status == "duplicate":
        st.warning(f"**{name}**: {md(outcome.message)}", icon=":material/content_copy:")
    else:
        st.error(f"**{name}** was not added: {md(outcome.message)}. The index is unchanged.", icon=":material/block:")

st.subheader("Remove or roll back", divider="gray")
snap = eng.snapshot()
titles = {d.doc_id: d.title for d in snap.documents.values()}
left, right = st.columns(2)
with left:
    doomed = st.selectbox(
        "Remove a document", [""] + sorted(titles), format_func=lambda d: titles.get(d, "—")
    )  # plain text
    if st.button("Remove", disabled=not doomed, icon=":material/delete:"):
        try:
            report = eng.remove([doomed], actor=actor)
            st.success(md(f"Removed {doomed}; the index now holds {report.documents} documents."))
        except NMSAssistantError as exc:
            st.error(md(str(exc)))
with right:
    st.markdown("Undo the last change (the previous generation is kept on disk).")
    if st.button("Roll back", icon=":material/undo:"):
        try:
            report = eng.rollback(actor=actor)
            st.success(md(f"Rolled back to {report.generation}: {report.documents} documents."))
        except NMSAssistantError as exc:
            st.error(md(str(exc)))

with st.expander("Change history"):
    entries, problems = read_history(eng.store.directory)
    for problem in problems:
        st.error(md(problem))
    st.dataframe(
        [
            {
                "time": e.time,
                "who": e.actor,
                "action": e.action,
                "generation": e.generation,
                "added": ", ".join(e.added),
                "removed": ", ".join(r["doc_id"] for r in e.removed),
                "files": ", ".join(f"{f['path']} ({f['sha256'][:12]})" for f in e.files),
            }
            for e in reversed(entries)
        ],
        hide_index=True,
        width="stretch",
    )
