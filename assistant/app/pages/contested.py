"""Evidence map: every contested topic in the index, positions side by side with citations."""

import streamlit as st

from assistant.app.ui import PAGE_ICON, contested_block, engine, md, sidebar
from assistant.evidence import build_evidence_map

st.set_page_config(page_title="Contested claims · NMS assistant", page_icon=PAGE_ICON, layout="wide")
eng = engine()
sidebar(eng)
st.title("Contested claims")
st.caption(
    "Where the indexed sources disagree, give different figures, or call the evidence weak — found in the "
    "documents themselves and recomputed after every re-index."
)
snap = eng.snapshot()


@st.cache_resource(show_spinner="Mapping the evidence…", max_entries=4)
def evidence_map(generation: str):  # keyed by index generation: a re-index recomputes it; shared, never pickled
    return build_evidence_map(eng.snapshot(), eng.vocabulary, eng.settings.selection)


emap = evidence_map(snap.generation)
if not emap.claims:
    st.info("No contested claims found in the indexed documents.")
for i, claim in enumerate(emap.claims):
    with st.container(border=True):
        contested_block(claim, emap, f"map{i}")
        docs = sorted({emap.citation(p.citations[0]).document for p in claim.positions})
        st.caption("Sources: " + "; ".join(md(d) for d in docs))
