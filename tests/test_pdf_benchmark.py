"""The defect measures on the real journal PDFs in ../shared/benchmarks/real-papers/ (read in place;
skipped, saying so, when the folder is absent). Thresholds are the issue's "done when"."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from bench.pdf_quality import PAPERS, TRUTH, _counter, measure_document

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PAPERS.is_dir(), reason=f"real-paper benchmark absent: {PAPERS} (read in place, not shipped)"
    ),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed: run `make system-deps`"
    ),
]


@pytest.fixture(scope="module")
def results():
    truth = tomllib.loads(TRUTH.read_text(encoding="utf-8"))
    count = _counter()
    return {
        name: measure_document(PAPERS / f"{name}.pdf", t, count)
        for name, t in truth.items()
        if (PAPERS / f"{name}.pdf").is_file()
    }


def _text(results):
    return [r for r in results.values() if r.split != "scan"]


def test_every_text_pdf_is_parsed(results):
    assert all(r.rejected is None for r in _text(results)), {r.name: r.rejected for r in _text(results)}


def test_passages_are_free_of_defects_and_reference_entries(results):
    done = _text(results)
    passages = sum(r.passages for r in done)
    assert sum(r.clean for r in done) >= 0.90 * passages
    assert sum(r.defects["reference"] for r in done) < 0.02 * passages


def test_standard_headings_titles_and_page_numbers(results):
    done = _text(results)
    assert sum(r.headings_found for r in done) >= 0.90 * sum(r.headings_total for r in done)
    assert sum(not r.title_ok for r in done) <= 1, {r.name: r.title for r in done if not r.title_ok}
    assert sum(r.pages_right for r in done) >= 0.95 * sum(r.pages_checked for r in done)


def test_no_unknown_evidence_type_where_the_paper_prints_its_type(results):
    printed = [r for r in _text(results) if r.printed_type]
    assert printed and all(r.evidence_type != "unknown" and r.evidence_ok for r in printed), {
        r.name: r.evidence_type for r in printed
    }


def test_the_scan_is_indexed_through_ocr(results):
    from ingest.ocr import ocr_available

    scan = results.get("scanned_cardinal")
    if scan is None or not ocr_available():
        pytest.skip("the scan or tesseract is missing: run `make system-deps`")
    assert scan.rejected is None and scan.passages > 0  # its title block also holds its subtitle (same print size)
