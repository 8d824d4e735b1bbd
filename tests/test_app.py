"""The Streamlit app through streamlit.testing.v1.AppTest: chat (conversation, uncovered aspects,
uncertainty, exports), no evidence, filters, uploads, escaping of document metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from assistant.engine import Engine
from assistant.render import UNCERTAIN_TAG, escape_markdown
from assistant.uploads import sanitize_filename
from ingest.bibliography import parse_bibtex, parse_ris
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


def nodes(node, skip: str | None = None) -> Iterator:
    """Every element under ``node``, depth first; blocks of type ``skip`` (e.g. "expander") left out."""
    for child in node.children.values():
        if isinstance(child, Block):
            if skip is None or child.type != skip:
                yield from nodes(child, skip)
        else:
            yield child


def block(at: AppTest, key: str) -> Block | None:
    """The container made with ``st.container(key=key)``, or None."""

    def find(node):
        for child in node.children.values():
            if isinstance(child, Block):
                if str(getattr(child.proto, "id", "")).endswith(f"-{key}"):
                    return child
                found = find(child)
                if found is not None:
                    return found
        return None

    return find(at._tree)


def shown_text(at: AppTest) -> str:
    """Every Markdown, caption, info and expander label of the page, as given to Streamlit."""
    values = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.error, *at.warning, *at.success)]
    values += [e.label for e in at.expander]
    return "\n".join(str(v) for v in values)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes behind each download button, by media file id (AppTest keeps them in memory only)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return files


def test_sources_the_question_sets_against_each_other_are_shown_side_by_side(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value(
        "Is there a hereditary side to NMS? The encyclopedia mentions twins, whereas the NEJM summary leaves "
        "genomics to future research."
    ).run()
    assert not at.exception
    text = markdown_text(at)
    assert ":blue-badge[:material/compare_arrows: Set side by side]" in text
    assert "*Named first in the question*" in text and "*Set against it in the question*" in text


def download(at: AppTest, files: dict[str, bytes], label: str) -> str:
    button = next(b for b in at.get("download_button") if b.label == label)
    return files[button.proto.url.rsplit("/", 1)[-1].split(".")[0]].decode()


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
    assert [b.label for b in at.get("download_button")] == [
        "Download as Markdown",
        "References (RIS)",
        "References (BibTeX)",
    ]
    # a statement its own source hedges carries the tag; contested positions (their side says it) do not
    result = at.session_state["history"][0][1]
    hedged = [s for s in result.guideline_statements + result.research_findings if s.stance == "uncertain"]
    tagged = [m.value for m in at.markdown if UNCERTAIN_TAG in m.value]
    assert hedged and len(tagged) == len(hedged)
    assert all(any(escape_markdown(s.text) in t for t in tagged) for s in hedged)
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
    pdf = write_pdf(
        tmp_path / "x.pdf",
        [
            [
                "Apomorphine in NMS: a case report",
                "Apomorphine reversed rigidity in one",
                "patient with neuroleptic malignant syndrome within hours.",
            ]
        ],
    )
    at.file_uploader[0].set_value([("../../Apomorphine case report.pdf", pdf.read_bytes(), "application/pdf")]).run()
    assert not at.exception
    # messages are escaped Markdown (document text is inert); read them without the escapes
    shown = [s.value.replace("\\", "") for s in at.success]
    assert any(
        "Apomorphine-case-report.pdf" in s and "indexed 'Apomorphine case report' (1 passage)" in s for s in shown
    ), shown
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
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("My Paper (2024).PDF", "My-Paper-2024.pdf"),
        ("....md", "upload.md"),
        ("résumé.md", "resume.md"),
    ],
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
    note.write_text(
        "Cooling in NMS\n\nCooling blankets brought the temperature down within six hours in 8 of 9 patients.\n"
    )
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
    at.file_uploader[0].set_value(
        [("data.txt", binary, "text/plain"), ("notes.docx", b"PK\x03\x04", "application/zip")]
    ).run()
    for _ in range(3):
        at.run()  # reruns store nothing again
    errors = [e.value.replace("\\", "") for e in at.error]  # the page escapes file names and reasons
    assert any("data.txt" in e and "binary" in e for e in errors)
    assert any("notes.docx" in e and "unsupported file type" in e for e in errors)
    uploads = corpus_copy / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_follow_up_is_read_with_the_earlier_questions_of_the_chat(app_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("What is the treatment of NMS?").run()
    assert not [c for c in at.caption if c.value.startswith("Understood as")]
    at.chat_input[0].set_value("and in children?").run()
    assert not at.exception
    understood = [c.value for c in at.chat_message[2].caption if c.value.startswith("Understood as")]
    assert len(understood) == 1 and "treatment" in understood[0].lower(), understood
    assert at.session_state["history"][1][1].understood_as  # the answer says what it answered
    # a rerun keeps it under the question; "Clear chat" forgets the conversation
    at.run()
    assert [c.value for c in at.chat_message[2].caption if c.value.startswith("Understood as")] == understood
    at.sidebar.button[0].click().run()
    at.chat_input[0].set_value("and in children?").run()
    after = [c.value for c in at.caption if c.value.startswith("Understood as")]
    assert not any("treatment" in c.lower() for c in after), after


def test_uncovered_aspects_and_exports(app_env, downloads):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("What dose of dantrolene is used?").run()
    assert not at.exception
    result = at.session_state["history"][0][1]
    assert [u.aspect for u in result.uncovered] == ["dose"]
    callouts = [i.value for i in at.info if "Not covered by the indexed sources" in i.value]
    assert callouts and escape_markdown("No indexed source gives a dose (asked: dose of dantrolene).") in callouts[0]
    # the callout sits under the summary, above the sections
    main = [str(e.value) for e in nodes(at.chat_message[1]) if e.type in ("markdown", "subheader") or e in at.info]
    order = [i for i, v in enumerate(main) if v.startswith(("**Summary:**", "**Not covered", "Guideline statements"))]
    assert len(order) == 3 and order == sorted(order)
    # exports: Markdown (with the uncovered note), RIS and BibTeX, one entry per cited document
    markdown = download(at, downloads, "Download as Markdown")
    assert "**Not covered by the indexed sources:**" in markdown and "## Sources" in markdown
    documents = list(dict.fromkeys(c.doc_id for c in result.citations))
    ris = download(at, downloads, "References (RIS)")
    for line in ris.splitlines():
        assert line == "" or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    assert ris.count("TY  - ") == ris.count("ER  - ") == len(documents)
    records = parse_ris(ris)
    assert [r.title for r in records] == [
        next(c.document for c in result.citations if c.doc_id == d) for d in documents
    ]
    bibtex = download(at, downloads, "References (BibTeX)")
    assert_balanced(bibtex)
    entries = parse_bibtex(bibtex)
    assert len(entries) == len(documents) and all(e.title for e in entries)
    keys = re.findall(r"^@\w+\{([^,]+),", bibtex, re.M)
    assert len(keys) == len(set(keys)) == len(documents)


def assert_balanced(text: str) -> None:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0


HOSTILE_IMAGE = "![x](http://127.0.0.1:9/x.png)"
HOSTILE_SHORTCODE = ":material/warning:"


@pytest.fixture
def hostile_metadata(app_env, corpus_copy, embedder):
    """A document whose title, authors, journal and DOI carry an image link and a shortcode."""
    (corpus_copy / "hostile-meta.md").write_text(
        "# Dantrolene metadata trial\n\nDantrolene metadata trial: dantrolene was given to 6 of 11 patients with NMS, "
        "and rigidity resolved sooner in those who received it.\n"
    )
    with (corpus_copy / "manifest.toml").open("a") as manifest:
        manifest.write(
            '\n["hostile-meta.md"]\n'
            f'title = "Dantrolene {HOSTILE_IMAGE} {HOSTILE_SHORTCODE} trial"\n'
            'evidence_type = "research"\nyear = 2021\n'
            f'authors = ["{HOSTILE_IMAGE} Smith", "{HOSTILE_SHORTCODE} Jones", "Udo Reulbach", "Christoph Dütsch"]\n'
            f'journal = "J {HOSTILE_SHORTCODE} {HOSTILE_IMAGE}"\n'
            f'doi = "10.1000/{HOSTILE_IMAGE}"\narticle_type = "Research Article {HOSTILE_SHORTCODE}"\n'
        )
    report = Engine(app_env, embedder).ingest([corpus_copy])
    assert "hostile-meta.md" in report.added, report.rejected
    return "hostile-meta.md"


def test_document_metadata_is_shown_inert(app_env, hostile_metadata, downloads):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.chat_input[0].set_value("Did rigidity resolve sooner with dantrolene in the metadata trial?").run()
    assert not at.exception
    result = at.session_state["history"][0][1]
    cited = [c for c in result.citations if c.doc_id == hostile_metadata]
    assert cited, [c.doc_id for c in result.citations]
    text = shown_text(at)
    assert HOSTILE_IMAGE not in text and "](http" not in text
    assert HOSTILE_SHORTCODE not in text.replace(":orange-badge[:material/warning: Contested]", "")
    # authors as researchers cite them: up to three, then et al.; journal, year and DOI beside them
    authors_line = next(m.value for m in at.markdown if "Reulbach U" in m.value)
    assert authors_line.count(", ") >= 3 and "et al\\." in authors_line and "2021" in authors_line
    assert "doi: " in authors_line and escape_markdown(HOSTILE_SHORTCODE) in authors_line
    markdown = download(at, downloads, "Download as Markdown")
    assert HOSTILE_IMAGE not in markdown and "Reulbach U" in markdown
    ris = download(at, downloads, "References (RIS)")
    assert "AU  - Reulbach, U." in ris and "PY  - 2021" in ris and "M3  - Research Article" in ris
    assert_balanced(download(at, downloads, "References (BibTeX)"))
    # the Sources page: the metadata of the document, escaped (the data grid is plain text)
    page = AppTest.from_file(str(PAGES / "sources.py"), default_timeout=120).run()
    page.selectbox[0].set_value(hostile_metadata).run()
    assert not page.exception
    text = shown_text(page)
    assert HOSTILE_IMAGE not in text and HOSTILE_SHORTCODE not in text
    assert f"Authors: {escape_markdown(HOSTILE_IMAGE)} Smith" in text and "Year: 2021" in text
    assert "Bibliography entries: 0" in text and f"Evidence type: {escape_markdown('research (manifest)')}" in text
    grid = page.dataframe[0].value
    row = grid[grid["file"] == hostile_metadata].iloc[0]
    assert HOSTILE_IMAGE in row["document"] and "Reulbach U" in row["authors"]  # plain text, not escaped
    assert row["year"] == 2021 and row["journal"] == f"J {HOSTILE_SHORTCODE} {HOSTILE_IMAGE}"


def test_sidebar_says_whether_synthesis_is_on(app_env, monkeypatch):
    from assistant.app.ui import get_engine

    at = AppTest.from_file(APP, default_timeout=120).run()
    assert any(c.value.startswith("Off.") and "NMS_SYNTHESIS__BASE_URL" in c.value for c in at.sidebar.caption)
    assert not at.toggle  # no toggle while it is off
    monkeypatch.setenv("NMS_SYNTHESIS__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("NMS_SYNTHESIS__MODEL", "tiny-model")
    monkeypatch.setenv("NMS_SYNTHESIS__API_KEY", "sk-secret-key-never-shown")
    monkeypatch.setenv("NMS_SYNTHESIS__TIMEOUT_S", "5")
    get_engine.clear()
    at = AppTest.from_file(APP, default_timeout=120).run()
    status = next(c.value for c in at.sidebar.caption if c.value.startswith("On:"))
    assert "tiny\\-model" in status and "127\\.0\\.0\\.1" in status
    assert "sk-secret" not in shown_text(at) and "sk\\-secret" not in shown_text(at)
    assert [t.label for t in at.toggle] == ["Short answer by a local language model"] and not at.toggle[0].value
    # off by default: an answer without a synthesis
    at.chat_input[0].set_value("Is dantrolene effective for NMS?").run()
    assert at.session_state["history"][0][1].synthesis is None
    # on, with the server down: a one-line note, the extractive answer as usual, no traceback
    at.toggle[0].set_value(True).run()
    at.chat_input[0].set_value("What supportive care does a patient with NMS need?").run()
    assert not at.exception
    synthesis = at.session_state["history"][1][1].synthesis
    assert synthesis is not None and synthesis.status == "unavailable"
    assert any(escape_markdown(synthesis.note) in c.value for c in at.chat_message[3].caption)
    assert "Guideline statements" in [s.value for s in at.chat_message[3].subheader]
    assert block(at, "synthesis-h1") is None
    get_engine.clear()
