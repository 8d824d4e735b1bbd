"""Entry point: page navigation only. Each page renders; logic lives in the packages.

Page icons are emoji: Streamlit turns a page's icon into the tab's favicon, and a ``:material/…:``
icon is then fetched from fonts.gstatic.com, which an offline app must not do (tests/test_browser.py)."""

import streamlit as st

pages = [
    st.Page("chat.py", title="Ask", icon="💬", default=True),
    st.Page("pages/sources.py", title="Sources", icon="📚"),
    st.Page("pages/contested.py", title="Contested claims", icon="⚖️"),
    st.Page("pages/add_papers.py", title="Add papers", icon="📄"),
]
st.navigation(pages).run()
