"""Scanned PDFs: OCR with Debian's tesseract (through ``ingest.ocr``), pages and offsets kept, the
document marked as OCR'd; and the ways a scan can still be refused, each with its reason.

The scans are made here: a generated PDF rasterised by pdftoppm and wrapped back as images.
"""

from __future__ import annotations

import shutil

import pytest

from ingest import ocr
from ingest.chunk import approximate_tokens
from ingest.loaders import read_file
from ingest.reader import parse_document
from nmsa.errors import RejectedInput
from nmsa.settings import IngestSettings
from tests.conftest import PAPER_PAGES, write_pdf, write_scanned_pdf
from tests.pdf_fixtures import write_journal_pdf, write_scanned_copy

needs_ocr = pytest.mark.skipif(
    not ocr.ocr_available(),
    reason="tesseract and pdftoppm are not installed: run `make system-deps` (Debian tesseract-ocr, poppler-utils)",
)


@pytest.fixture(scope="module")
def scanned_paper(tmp_path_factory):
    if not ocr.ocr_available():
        pytest.skip("tesseract and pdftoppm are not installed: run `make system-deps`")
    folder = tmp_path_factory.mktemp("scan")
    source = write_pdf(folder / "source.pdf", PAPER_PAGES)
    return write_scanned_copy(source, folder / "rechallenge-scan.pdf")


@needs_ocr
@pytest.mark.slow  # tesseract reads pages for several seconds: the full suite, not the fast lane
def test_scan_is_read_by_ocr_with_its_pages(scanned_paper):
    raw = read_file(scanned_paper, max_mb=50, max_pages=50, timeout_s=30)
    assert raw.ocr and raw.page_numbers == [1, 2]
    doc = parse_document(scanned_paper, scanned_paper.read_bytes(), IngestSettings(), approximate_tokens, None, "h")
    assert doc.info.ocr and doc.info.n_pages == 2
    by_page: dict[int, str] = {}
    for p in doc.passages:
        by_page[p.page] = by_page.get(p.page, "") + p.text
    assert set(by_page) == {1, 2}
    assert "recurrence rates" in by_page[1] and "7 of 41 patients" in by_page[2]
    sections = {p.section for p in doc.passages}
    assert {"Background", "Results", "Limitations"} <= sections
    for p in doc.passages:  # offsets into the cleaned text hold
        assert doc.clean.text[p.start : p.end] == p.text


@needs_ocr
@pytest.mark.slow
def test_scanned_journal_article_keeps_its_layout(tmp_path):
    source = write_journal_pdf(tmp_path / "article.pdf")
    scan = write_scanned_copy(source.path, tmp_path / "article-scan.pdf", dpi=200)
    doc = parse_document(scan, scan.read_bytes(), IngestSettings(), approximate_tokens, None, "h")
    text = "\n".join(p.text for p in doc.passages)
    assert doc.info.ocr
    assert "Early dantrolene and recovery time" in doc.info.title
    assert "Page 1 of" not in text and "Downloaded from" not in text
    assert "Strawn JR" not in text and len(doc.info.bibliography) >= 6
    parts = {part for s in doc.clean.sections if s.title for part in s.title.split(" › ")}
    assert {"Introduction", "Methods", "Results", "Discussion"} <= parts


def test_a_pdf_without_text_or_images_is_refused(tmp_path):
    path = write_scanned_pdf(tmp_path / "drawing.pdf")  # vector shapes only: nothing to read
    with pytest.raises(RejectedInput) as err:
        read_file(path, max_mb=50, max_pages=50, timeout_s=30)
    assert "no text layer" in err.value.reason and "no page images" in err.value.reason


def test_a_scan_without_ocr_installed_is_refused_with_the_fix(tmp_path, monkeypatch):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to make the scan: run `make system-deps`")
    scan = write_scanned_copy(write_pdf(tmp_path / "s.pdf", PAPER_PAGES), tmp_path / "scan.pdf", dpi=100)
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(RejectedInput) as err:
        read_file(scan, max_mb=50, max_pages=50, timeout_s=30)
    assert "OCR is not installed" in err.value.reason and "make system-deps" in err.value.reason


@needs_ocr
def test_ocr_time_limit_is_a_reason_not_a_hang(scanned_paper):
    with pytest.raises(RejectedInput) as err:
        read_file(scanned_paper, max_mb=50, max_pages=50, timeout_s=30, ocr_timeout_s=0.01)
    assert "time limit" in err.value.reason


def test_tesseract_tsv_becomes_lines_in_points():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t100\t200\t80\t30\t96.0\tDantrolene\n"
        "5\t1\t1\t1\t1\t2\t190\t200\t40\t30\t95.0\twas\n"
        "5\t1\t1\t1\t1\t3\t240\t200\t9\t5\t12.0\t~\n"
        "5\t1\t1\t1\t2\t1\t100\t240\t60\t30\t91.0\tgiven.\n"
    )
    lines = ocr.tsv_to_lines(tsv, page=3, dpi=300)
    assert [ln.text for ln in lines] == ["Dantrolene was", "given."]  # the low-confidence speck is dropped
    assert lines[0].page == 3 and lines[0].x0 == pytest.approx(100 * 72 / 300)
    assert lines[0].size == pytest.approx(30 * 72 / 300 * ocr.OCR_SIZE_PER_HEIGHT, abs=0.1)
