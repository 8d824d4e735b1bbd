"""Sources: the indexed documents with the metadata researchers cite by and, for one, its metadata and
passages in order with section, page and kind (paged): what `nms-assistant show DOC` prints."""

import streamlit as st

from assistant.app.ui import PAGE_ICON, engine, md, sidebar
from assistant.render import OCR_NOTE, format_authors

st.set_page_config(page_title="Sources · NMS assistant", page_icon=PAGE_ICON, layout="wide")
eng = engine()
sidebar(eng)
st.title("Sources")
snap = eng.snapshot()
docs = sorted(snap.documents.values(), key=lambda d: d.doc_id)
st.dataframe(  # a data grid draws text on a canvas: nothing in it is rendered as Markdown or HTML
    [
        {
            "document": d.title,
            "authors": format_authors(d.authors),
            "journal": d.journal,
            "year": d.year,
            "DOI": d.doi,
            "article type": d.article_type,
            "evidence type": d.evidence_type,
            "OCR": d.ocr,
            "bibliography entries": len(d.bibliography),
            "passages": d.n_passages,
            "file": d.doc_id,
            "source": d.source,
        }
        for d in docs
    ],
    hide_index=True,
    width="stretch",
    column_config={"document": st.column_config.TextColumn(width="large")},
)
choice = st.selectbox(
    "Open a document", [d.doc_id for d in docs], format_func=lambda d: snap.documents[d].title
)  # options are plain text
if choice:
    info = snap.documents[choice]
    st.markdown(f"**{md(info.title)}**")
    facts = [
        ("Authors", ", ".join(info.authors)),
        ("Journal", info.journal or ""),
        ("Year", str(info.year or "")),
        ("DOI", info.doi or ""),
        ("PMID", info.pmid or ""),
        ("Article type (as printed)", info.article_type or ""),
        ("Evidence type", f"{info.evidence_type} ({info.evidence_type_origin})"),
        ("Text", OCR_NOTE if info.ocr else "text layer or plain text"),
        ("Pages", str(info.n_pages or "")),
        ("Passages", str(info.n_passages)),
        ("Bibliography entries", str(len(info.bibliography))),
        ("Origin", info.origin or ""),
        ("File", info.source),
    ]
    st.markdown("  \n".join(f"{label}: {md(value)}" for label, value in facts if value))
    if info.bibliography:
        with st.expander(f"Bibliography ({len(info.bibliography)} entries, kept out of retrieval)"):
            st.markdown("\n".join(f"1. {md(entry)}" for entry in info.bibliography))
    rows = snap.rows_of(choice)
    size = eng.settings.ui.sources_page_size
    pages = max(1, -(-len(rows) // size))
    page = (
        st.number_input(f"Page (of {pages}; {len(rows)} passages)", 1, pages, 1, key=f"page-{choice}")
        if pages > 1
        else 1
    )
    section: object = object()
    for row in rows[(page - 1) * size : page * size]:
        p = snap.passages[row]
        if p.section != section:
            section = p.section
            st.markdown(f"#### {md(p.section or 'Text')}")
        where = f" · page {p.page}" if p.page else ""
        st.caption(f"passage {p.ordinal + 1} · {md(p.kind)}{where}")
        st.markdown(md(p.text).replace("\n", "  \n"))
