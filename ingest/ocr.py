"""OCR of PDFs without a text layer: Debian's poppler ``pdftoppm`` renders each page, Debian's
``tesseract`` reads it; the words come back with their boxes, grouped into lines that the layout
analysis (``ingest.layout``) treats like a text layer's. Installed by ``make system-deps``.

Each tool runs as a child process with a time limit (the whole document shares one budget) and
an address-space limit, one thread each (``OMP_THREAD_LIMIT=1``: on two shared cores tesseract's
own threads made it twice as slow, 7.7 s against 3.4 s a page here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ingest.layout import Page
from ingest.pdf_chars import TextLine

TESSERACT = "tesseract"
PDFTOPPM = "pdftoppm"
OCR_MEMORY_BYTES = 2 * 1024**3  # address space for one pdftoppm or tesseract run
POINTS_PER_INCH = 72.0
OCR_SIZE_PER_HEIGHT = 0.8  # font size per height of a line box, ascender to descender (Latin faces)
MIN_CONFIDENCE = 30.0  # tesseract word confidence (0-100) below which a word is noise (specks, rules)


class OcrError(Exception):
    """OCR could not run or did not finish; the message is one sentence for the user."""


def ocr_available() -> bool:
    return shutil.which(TESSERACT) is not None and shutil.which(PDFTOPPM) is not None


def _limit() -> None:  # pragma: no cover - runs in the child
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (OCR_MEMORY_BYTES, OCR_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def _run(args: list[str], deadline: float, what: str) -> subprocess.CompletedProcess[bytes]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OcrError(f"OCR took longer than its time limit ({what})")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.run(args, capture_output=True, timeout=remaining, env=env, preexec_fn=_limit)  # noqa: S603 - fixed tools, no shell
    except subprocess.TimeoutExpired:
        raise OcrError(f"OCR took longer than its time limit ({what})") from None
    except OSError as exc:
        raise OcrError(f"OCR could not run ({what}: {exc.strerror})") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"OCR failed ({what}: {message[-1][:120] if message else 'exit ' + str(proc.returncode)})")
    return proc


def tsv_to_lines(tsv: str, page: int, dpi: int) -> list[TextLine]:
    """Tesseract's TSV (word level) to lines in PDF points, in tesseract's reading order."""
    scale = POINTS_PER_INCH / dpi
    lines: dict[tuple[int, int, int], list[tuple[str, float, float, float, float]]] = {}
    order: list[tuple[int, int, int]] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        try:
            conf = float(cols[10])
            left, top, width, height = (int(c) for c in cols[6:10])
        except ValueError:
            continue
        if not text or conf < MIN_CONFIDENCE:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        if key not in lines:
            lines[key] = []
            order.append(key)
        lines[key].append((text, left * scale, top * scale, (left + width) * scale, (top + height) * scale))
    out: list[TextLine] = []
    for key in order:
        words = lines[key]
        # the line's box spans ascenders to descenders: steadier from line to line than any word's height
        size = (max(w[4] for w in words) - min(w[2] for w in words)) * OCR_SIZE_PER_HEIGHT
        out.append(
            TextLine(
                text=" ".join(w[0] for w in words),
                page=page,
                x0=min(w[1] for w in words),
                top=min(w[2] for w in words),
                x1=max(w[3] for w in words),
                bottom=max(w[4] for w in words),
                size=round(size, 1),
                bold=False,
            )
        )
    return out


def ocr_pdf(data: bytes, timeout_s: float, dpi: int = 300, language: str = "eng") -> list[Page]:
    """OCR every page of a PDF; raises ``OcrError`` with the reason."""
    if not ocr_available():
        raise OcrError("OCR is not installed (Debian packages tesseract-ocr and poppler-utils: run `make system-deps`)")
    deadline = time.monotonic() + timeout_s
    with tempfile.TemporaryDirectory(prefix="nms-ocr-") as tmp:
        folder = Path(tmp)
        pdf = folder / "in.pdf"
        pdf.write_bytes(data)
        _run([PDFTOPPM, "-r", str(dpi), "-gray", "-png", str(pdf), str(folder / "page")], deadline, "rendering pages")
        images = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        pages: list[Page] = []
        for image in images:
            number = int(image.stem.rsplit("-", 1)[1])
            proc = _run(
                [TESSERACT, str(image), "stdout", "-l", language, "--psm", "3", "tsv"], deadline, f"page {number}"
            )
            lines = tsv_to_lines(proc.stdout.decode("utf-8", "replace"), number, dpi)
            width, height = _png_size(image)
            pages.append(Page(number, width * POINTS_PER_INCH / dpi, height * POINTS_PER_INCH / dpi, tuple(lines)))
            image.unlink()
    return pages


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG from its header (no imaging library needed)."""
    header = path.read_bytes()[:24]
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
