"""Sources: the indexed documents and, for one, its passages in order with their sections (paged)."""

import streamlit as st

from assistant.app.ui import PAGE_ICON, engine, md, sidebar

st.set_page_config(page_title="Sources · NMS assistant", page_icon=PAGE_ICON, layout="wide")
eng = engine()
sidebar(eng)
st.title("Sources")
snap = eng.snapshot()
docs = sorted(snap.documents.values(), key=lambda d: d.doc_id)
st.dataframe(  # a data grid draws text on a canvas: nothing in it is rendered as Markdown or HTML
    [{"document": d.title, "file": d.doc_id, "evidence type": d.evidence_type, "year": d.year,
      "passages": d.n_passages, "source": d.source} for d in docs],
    hide_index=True,
    use_container_width=True,
)
choice = st.selectbox("Open a document", [d.doc_id for d in docs], format_func=lambda d: snap.documents[d].title)  # options are plain text
if choice:
    info = snap.documents[choice]
    st.markdown(f"**{md(info.title)}** · *{md(info.evidence_type)}* · {md(info.origin or info.source)}")
    rows = snap.rows_of(choice)
    size = eng.settings.ui.sources_page_size
    pages = max(1, -(-len(rows) // size))
    page = st.number_input(f"Page (of {pages}; {len(rows)} passages)", 1, pages, 1, key=f"page-{choice}") if pages > 1 else 1
    section: object = object()
    for row in rows[(page - 1) * size : page * size]:
        p = snap.passages[row]
        if p.section != section:
            section = p.section
            st.markdown(f"#### {md(p.section or 'Text')}")
        where = f" · page {p.page}" if p.page else ""
        st.caption(f"passage {p.ordinal + 1} · {md(p.kind)}{where}")
        st.markdown(md(p.text).replace("\n", "  \n"))
