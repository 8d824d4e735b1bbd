"""End to end in a real headless browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.model]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(corpus_engine):
    port = free_port()
    env = dict(os.environ, NMS_INDEX_DIR=str(corpus_engine.settings.index.dir), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "assistant" / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_dantrolene_question_in_a_real_browser(server):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser` (make test does it)")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 2200})
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
