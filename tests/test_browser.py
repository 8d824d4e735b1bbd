"""End to end in a real headless browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, CORPUS, ROOT, write_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.model]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index_dir: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = dict(os.environ, NMS_INDEX_DIR=str(index_dir), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "assistant" / "app" / "main.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the app did not start within 60 s")
    return url, proc


@pytest.fixture(scope="module")
def server(corpus_engine):
    url, proc = start_app(corpus_engine.settings.index.dir)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def browser_page(pw: Any, requests: list[str] | None = None) -> tuple[Any, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make system-deps` (make test does it)")
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    if requests is not None:
        page.on("request", lambda r: requests.append(r.url))
    return browser, page


def test_dantrolene_question_in_a_real_browser(server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser, page = browser_page(pw)
        page.goto(server, wait_until="domcontentloaded")
        box = page.get_by_test_id("stChatInputTextArea")
        expect(box).to_be_visible(timeout=90_000)
        box.fill("Is dantrolene effective for NMS?")
        box.press("Enter")
        expect(page.get_by_role("heading", name="Guideline statements")).to_be_visible(timeout=90_000)
        expect(page.get_by_role("heading", name="Research findings")).to_be_visible()
        expect(page.get_by_text("Contested", exact=True).first).to_be_visible()
        expect(page.get_by_text("dantrolene efficacy").first).to_be_visible()
        page.get_by_role("heading", name="Guideline statements").scroll_into_view_if_needed()
        page.get_by_text("Is dantrolene effective for NMS?").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "browser-answer.png"))
        # a citation opens its passage
        page.get_by_role("button", name="[1]").first.click()
        popover = page.get_by_test_id("stPopoverBody")
        expect(popover).to_be_visible(timeout=10_000)
        expect(popover).to_contain_text("evidence type")
        page.screenshot(path=str(ARTIFACTS / "browser-citation.png"))
        browser.close()


class _Beacon(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        _Beacon.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, embedder):
    """An index whose titles, headings and passages carry images, links, shortcodes and Setext headings
    pointing at a real local "tracking" server; the app is served over it."""
    from assistant.engine import Engine
    from tests.conftest import make_settings

    beacon = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Beacon)
    threading.Thread(target=beacon.serve_forever, daemon=True).start()
    track = f"http://127.0.0.1:{beacon.server_port}"
    corpus = tmp_path_factory.mktemp("hostile") / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "beacon-title.txt").write_text(
        f"Guide ![t]({track}/title.png) on dantrolene\n\nDantrolene beacon study :smile: found that dantrolene "
        f"was given to 7 of 12 patients with NMS ![x]({track}/passage.png) and see {track}/link.\n"
    )
    (corpus / "beacon-heading.md").write_text(
        f"# Dantrolene beacon guide ![h]({track}/heading.png) :material/warning:\n\n"
        f"## Section :red[alert] ![s]({track}/section.png)\n\nDantrolene beacon cooling advice: "
        f"dantrolene should be considered in severe NMS with rigidity.\n\nRigidity table\n===\n\n"
        f"Dantrolene beacon reference lines follow the heading above in www.example.org style.\n"
    )
    with (corpus / "manifest.toml").open("a") as manifest:  # metadata researchers cite by, as hostile as the text
        manifest.write(
            f'\n["beacon-heading.md"]\nauthors = ["![a]({track}/author.png) Smith", ":material/warning: Jones"]\n'
            f'journal = "J ![j]({track}/journal.png) :smile:"\ndoi = "10.1000/![d]({track}/doi.png)"\n'
            "year = 2020\n"
        )
    write_pdf(
        corpus / "beacon-pdf.pdf",
        [["Dantrolene beacon trial in NMS", "Dantrolene beacon therapy shortened rigidity in 5 of 8 patients."]],
        title=f"Trial ![p]({track}/pdftitle.png)",
    )
    settings = make_settings(tmp_path_factory.mktemp("hostile-index"), corpus)
    report = Engine(settings, embedder).ingest([corpus])
    assert {"beacon-title.txt", "beacon-heading.md"} <= set(report.added), report.rejected
    url, proc = start_app(settings.index.dir)
    yield url, track
    proc.terminate()
    proc.wait(timeout=10)
    beacon.shutdown()


def test_document_text_is_inert_and_the_app_makes_no_outside_request(hostile_server):
    from playwright.sync_api import expect, sync_playwright

    url, track = hostile_server
    requests: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser, page = browser_page(pw, requests)
        page.goto(url, wait_until="domcontentloaded")
        box = page.get_by_test_id("stChatInputTextArea")
        expect(box).to_be_visible(timeout=90_000)
        box.fill("dantrolene beacon study in NMS")
        box.press("Enter")
        expect(page.get_by_role("heading", name="Sources")).to_be_visible(timeout=90_000)
        for expander in page.get_by_test_id("stExpander").all():
            expander.click()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ARTIFACTS / "browser-hostile-answer.png"), full_page=True)
        assert page.locator("img[src*='png']").count() == 0
        assert page.locator(f"a[href^='{track}']").count() == 0
        body = page.inner_text("body").replace("\u2060", "")  # the invisible word joiner that breaks autolinks
        assert "![x](" in body and ":smile:" in body and "![t](" in body  # shown as the text it is
        page.goto(f"{url}/sources", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Sources")).to_be_visible(timeout=60_000)
        page.get_by_test_id("stSelectbox").click()
        page.get_by_role("option").filter(has_text="Dantrolene beacon guide").first.click()
        page.wait_for_timeout(2000)
        body = page.inner_text("body").replace("\u2060", "")
        # (the Markdown loader reads "Rigidity table / ===" as a section heading now, so no "===" reaches the page;
        # escaping of Setext lines in passages is checked in tests/unit/test_render.py)
        assert ":material/warning:" in body and "#### Rigidity table" not in body
        assert "Authors: ![a](" in body and "Journal: J ![j](" in body and "DOI: 10.1000/![d](" in body
        # a Setext heading would be an h1 (===) or h2 (---); the page's own title is the only h1, section titles are h4
        assert page.locator("h1").count() == 1 and page.locator("h2").count() == 0
        page.screenshot(path=str(ARTIFACTS / "browser-hostile-sources.png"), full_page=True)
        page.goto(f"{url}/contested", wait_until="domcontentloaded")
        page.wait_for_timeout(4000)
        browser.close()
    outside = [r for r in requests if not r.startswith(url) and not r.startswith("data:") and not r.startswith("blob:")]
    assert not outside, outside
    assert not _Beacon.hits
