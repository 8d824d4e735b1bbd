"""A scanned PDF is indexed through OCR and a question about its text finds it, through the real
index and the real model (next to the corpus texts, so it has to win)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from bench.pdf_quality import PAPERS, TRUTH
from ingest import ocr
from tests.conftest import CORPUS, PAPER_PAGES, make_settings, write_pdf
from tests.pdf_fixtures import write_scanned_copy

pytestmark = [
    pytest.mark.model,
    pytest.mark.slow,
    pytest.mark.skipif(
        not ocr.ocr_available(), reason="tesseract and pdftoppm are not installed: run `make system-deps`"
    ),
]


def test_a_question_about_a_scans_text_finds_it(tmp_path, embedder):
    from assistant.engine import Engine

    folder = tmp_path / "papers"
    folder.mkdir()
    for name in ("nejm-review-summary-hcn.txt", "treatment-qa-guidelines-and-research.txt"):
        shutil.copy(CORPUS / name, folder / name)
    write_scanned_copy(write_pdf(tmp_path / "source.pdf", PAPER_PAGES), folder / "rechallenge-scan.pdf")
    sources = [folder]
    if PAPERS.is_dir():
        sources.append(PAPERS / "scanned_cardinal.pdf")
    engine = Engine(make_settings(tmp_path / "idx", folder), embedder)
    report = engine.ingest(sources)
    assert not report.rejected, report.rejected
    docs = {Path(d.source).name: d for d in engine.snapshot().documents.values()}  # by file name, whatever the doc_id
    assert docs["rechallenge-scan.pdf"].ocr
    hits = engine.search("how often does NMS recur after rechallenge with a low-potency agent", k=3)
    assert Path(hits[0].passage.source).name == "rechallenge-scan.pdf" and hits[0].passage.page == 2
    if PAPERS.is_dir():
        truth = tomllib.loads(TRUTH.read_text(encoding="utf-8"))["scanned_cardinal"]
        hits = engine.search(truth["question"], k=3)
        # the words may be in the passage or in its title (read from the scan too): passages are searched with it
        found = hits[0].passage
        assert (
            Path(found.source).name == "scanned_cardinal.pdf"
            and truth["expect_in_passage"] in f"{found.context} {found.text}"
        )
        assert docs["scanned_cardinal.pdf"].ocr
