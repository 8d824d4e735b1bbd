"""The Streamlit app: pages that render; every answer, upload and index change comes from the packages."""
