"""The Streamlit app through streamlit.testing.v1.AppTest: chat, no evidence, filters, uploads."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assistant.engine import Engine
from assistant.uploads import sanitize_filename
from tests.conftest import ROOT, make_settings, write_pdf

pytestmark = [pytest.mark.model, pytest.mark.slow]
APP = str(ROOT / "assistant" / "app" / "main.py")  # the navigation entry point; its default page is the chat
PAGES = ROOT / "assistant" / "app" / "pages"


@pytest.fixture
def app_env(tmp_path, corpus_copy, embedder, monkeypatch):
    """A private index over a copy of the corpus; the app reads it through NMS_INDEX_DIR."""
    settings = make_settings(tmp_path / "index", corpus_copy)
    Engine(settings, embedder).ingest([corpus_copy])
    monkeypatch.setenv("NMS_INDEX_DIR", str(settings.index.dir))
    monkeypatch.setenv("NMS_CORPUS_DIR", str(corpus_copy))
    from assistant.app.ui import get_engine

    get_engine.clear()
    yield settings
    get_engine.clear()


@pytest.fixture
def served_on(monkeypatch):
    """Set the address the app believes it is served on (AppTest runs no server)."""
    from streamlit import config

    def serve(address: str) -> None:
        config.set_option("server.address", address)

    yield serve
    config.set_option("server.address", None)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_chat_flow(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "literature tool" in "\n".join(c.value for c in at.sidebar.caption)
    assert "5 documents" in markdown_text(at)
    at.chat_input[0].set_value("Is dantrolene effective for NMS?").run()
    assert not at.exception
    headers = [s.value for s in at.subheader]
    assert headers == ["Guideline statements", "Research findings", "Contested", "Sources"]
    text = markdown_text(at)
    assert "dantrolene" in text.lower() and "**dantrolene efficacy**" in text
    assert ":orange-background[" in text  # cited sentence highlighted inside its passage
    assert len(at.get("download_button")) == 1
    # history survives a rerun and a second question is appended
    at.chat_input[0].set_value("What supportive care does a patient with NMS need?").run()
    assert len(at.chat_message) == 4
    at.sidebar.button[0].click().run()  # clear chat
    assert len(at.chat_message) == 0


def test_no_evidence(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("How do I bake sourdough bread?").run()
    assert not at.exception
    assert any("No evidence" in i.value for i in at.info)
    assert not [s for s in at.subheader if s.value == "Guideline statements"]
    assert at.expander  # nearest passages offered for browsing


def test_filters_apply_to_retrieval(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.multiselect[1].set_value(["cmaj-neuroimmunologic-hypothesis.txt"]).run()
    at.chat_input[0].set_value("What is the treatment of NMS?").run()
    assert not at.exception
    sources = [e.label for e in at.expander]
    assert sources and all("neuroimmunologic" in s for s in sources)


def test_untrusted_markup_is_not_rendered(app_env, corpus_copy, embedder):
    (corpus_copy / "markup.md").write_text(
        "# Dantrolene note\n\nDantrolene was given to 4 of 9 patients <script>alert(1)</script> "
        "[click](http://example.invalid) in this series, and it was effective.\n"
    )
    Engine(app_env, embedder).ingest([corpus_copy])
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("Was dantrolene effective in the series of 9 patients?").run()
    text = markdown_text(at)
    assert "<script>" not in text and "](http" not in text


def test_upload_good_and_bad_files(app_env, tmp_path, corpus_copy, served_on):
    served_on("localhost")
    page = str(PAGES / "add_papers.py")
    at = AppTest.from_file(page, default_timeout=120).run()
    assert not at.exception
    pdf = write_pdf(tmp_path / "x.pdf", [["Apomorphine in NMS: a case report", "Apomorphine reversed rigidity in one",
                                          "patient with neuroleptic malignant syndrome within hours."]])
    at.file_uploader[0].set_value([("../../Apomorphine case report.pdf", pdf.read_bytes(), "application/pdf")]).run()
    assert not at.exception
    assert any("Apomorphine-case-report.pdf" in s.value and "indexed" in s.value for s in at.success)
    assert (corpus_copy / "uploads" / "Apomorphine-case-report.pdf").exists()
    generation = Engine(app_env).store.current()
    at.run()  # a rerun does not ingest it again
    assert Engine(app_env).store.current() == generation
    # the new paper is searchable at once, in the chat page of the same process
    chat = AppTest.from_file(APP, default_timeout=120).run()
    chat.chat_input[0].set_value("Does apomorphine reverse rigidity in NMS?").run()
    assert "Apomorphine case report" in "\n".join(e.label for e in chat.expander)
    # a bad upload: a text file named .pdf
    bad = AppTest.from_file(page, default_timeout=120).run()
    bad.file_uploader[0].set_value([("fake.pdf", b"not a pdf at all", "application/pdf")]).run()
    assert any("not a PDF" in e.value and "index is unchanged" in e.value for e in bad.error)
    assert Engine(app_env).store.current() == generation
    assert not (corpus_copy / "uploads" / "fake.pdf").exists()
    # the same paper again is a duplicate
    dup = AppTest.from_file(page, default_timeout=120).run()
    dup.file_uploader[0].set_value([("again.pdf", pdf.read_bytes(), "application/pdf")]).run()
    assert any("already indexed" in w.value for w in dup.warning)


def test_other_pages_render(app_env):
    for name in ("sources.py", "contested.py"):
        at = AppTest.from_file(str(PAGES / name), default_timeout=120).run()
        assert not at.exception, name
    at = AppTest.from_file(str(PAGES / "contested.py"), default_timeout=120).run()
    assert "**dantrolene efficacy**" in markdown_text(at)
    assert "**NMS incidence**" in markdown_text(at)


@pytest.mark.parametrize(
    "name,expected",
    [("../../etc/passwd.txt", "passwd.txt"), ("My Paper (2024).PDF", "My-Paper-2024.pdf"), ("....md", "upload.md"),
     ("résumé.md", "resume.md")],
)
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected


def test_no_unsafe_html_anywhere():
    for path in (ROOT / "assistant").rglob("*.py"):
        assert "unsafe_allow_html" not in path.read_text(), path


def test_changing_the_index_beyond_localhost_needs_the_maintainer_credential(app_env, tmp_path, served_on, monkeypatch):
    from index.history import read_history

    page = str(PAGES / "add_papers.py")
    served_on("0.0.0.0")
    locked = AppTest.from_file(page, default_timeout=120).run()
    assert not locked.exception and not locked.file_uploader
    assert any("turned off" in i.value for i in locked.info)
    monkeypatch.setenv("NMS_UI__MAINTAINER_TOKEN", "correct horse battery staple")
    at = AppTest.from_file(page, default_timeout=120).run()
    assert not at.file_uploader
    at.text_input[0].input("wrong")  # a form: the value and the submit go in one run
    at.button[0].click().run()
    assert any("not the maintainer credential" in e.value for e in at.error) and not at.file_uploader
    at.text_input[0].input("correct horse battery staple")
    at.button[0].click().run()
    assert at.file_uploader, "the right credential unlocks uploads"
    note = tmp_path / "cooling-note.txt"
    note.write_text("Cooling in NMS\n\nCooling blankets brought the temperature down within six hours in 8 of 9 patients.\n")
    at.file_uploader[0].set_value([("cooling-note.txt", note.read_bytes(), "text/plain")]).run()
    assert any("indexed" in s.value for s in at.success), [e.value for e in at.error]
    entries, problems = read_history(app_env.index.dir)
    assert not problems and entries[-1].action == "upload" and entries[-1].actor == "maintainer:maintainer"
    assert entries[-1].files[0]["path"].endswith("cooling-note.txt") and len(entries[-1].files[0]["sha256"]) == 64


def test_a_failed_upload_leaves_nothing_behind(app_env, corpus_copy, served_on):
    served_on("localhost")
    page = str(PAGES / "add_papers.py")
    at = AppTest.from_file(page, default_timeout=120).run()
    binary = bytes(range(256)) * 64
    at.file_uploader[0].set_value([("data.txt", binary, "text/plain"), ("notes.docx", b"PK\x03\x04", "application/zip")]).run()
    for _ in range(3):
        at.run()  # reruns store nothing again
    errors = [e.value.replace("\\", "") for e in at.error]  # the page escapes file names and reasons
    assert any("data.txt" in e and "binary" in e for e in errors)
    assert any("notes.docx" in e and "unsupported file type" in e for e in errors)
    uploads = corpus_copy / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
