"""Entry point: page navigation only. Each page renders; logic lives in the packages."""

import streamlit as st

pages = [
    st.Page("chat.py", title="Ask", icon=":material/chat:", default=True),
    st.Page("pages/1_Sources.py", title="Sources", icon=":material/library_books:"),
    st.Page("pages/2_Contested_claims.py", title="Contested claims", icon=":material/balance:"),
    st.Page("pages/3_Add_papers.py", title="Add papers", icon=":material/upload_file:"),
]
st.navigation(pages).run()
