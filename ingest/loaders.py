"""Reading files into page texts, with every way a file can be bad turned into one reason.

PDFs are parsed by PDFium in a separate interpreter with a time and memory limit
(``ingest.pdf_worker``), so a hostile or broken PDF can neither hang nor kill ingestion; the
worker returns each page's printed lines with their geometry and font for layout analysis. A PDF
without a text layer whose pages are images (a scan) is read by OCR (``ingest.ocr``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.layout import Page
from ingest.ocr import OcrError, ocr_pdf
from ingest.pdf_chars import TextLine
from nmsa.errors import RejectedInput

if TYPE_CHECKING:
    from markdown_it.token import Token

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown")


@dataclass(frozen=True)
class RawText:
    """Extracted text, page by page (one page for text files), and the PDF's own title if any.

    For PDFs also the printed lines of each page (``layout``), the document information
    dictionary (``meta``: title, author, subject, keywords) and whether the text came from OCR."""

    pages: list[str]
    page_numbers: list[int | None]
    pdf_title: str | None = None
    layout: list[Page] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    ocr: bool = False


# Below this many characters a page has no usable text layer.
MIN_TEXT_CHARS_PER_PAGE = 5


def check_size(path: Path, data_len: int, max_mb: float) -> None:
    if data_len == 0:
        raise RejectedInput(str(path), "the file is empty")
    if data_len > max_mb * 1024 * 1024:
        raise RejectedInput(str(path), f"the file is {data_len / 1024 / 1024:.1f} MB, over the {max_mb:g} MB limit")


def sniff_kind(path: Path, data: bytes) -> str:
    """'pdf' or 'text' from the suffix, confirmed by the content (magic bytes)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise RejectedInput(str(path), f"unsupported file type '{suffix or '(none)'}'; use PDF, TXT or MD")
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise RejectedInput(str(path), "named .pdf but is not a PDF (no %PDF header)")
        return "pdf"
    if data[:5] == b"%PDF-":
        raise RejectedInput(str(path), f"is a PDF named {suffix}; rename it to .pdf")
    return "text"


def decode_text(path: Path, data: bytes) -> str:
    """Decode a text file; binary data is rejected rather than indexed as gibberish."""
    sample = data[:65536]
    if b"\x00" in sample:
        raise RejectedInput(str(path), "looks like binary data, not text (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        bad = text.count("\ufffd")
        if bad > max(5, len(text) // 100):
            raise RejectedInput(str(path), "is not valid UTF-8 text and looks like binary data") from None
    control = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(5, len(text[:65536]) // 50):
        raise RejectedInput(str(path), "looks like binary data, not text (many control characters)")
    if not text.strip():
        raise RejectedInput(str(path), "the file is empty (only whitespace)")
    return text


def _inline_text(token: Token) -> str:
    """The plain text of an inline token: words, code and link text; images and HTML dropped."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def markdown_to_text(text: str) -> str:
    """Plain text from Markdown (CommonMark and GFM tables, parsed by markdown-it-py): headings (also Setext)
    on lines of their own between blank lines, list items as bullets, table rows one per line, links as their
    text; images, raw HTML and rules dropped."""
    from markdown_it import MarkdownIt

    out: list[str] = []
    row: list[str] = []
    state = ""  # the block an inline token belongs to: heading, item, cell or paragraph
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        kind = token.type
        if kind in ("heading_open", "list_item_open", "th_open", "td_open"):
            state = {"heading_open": "heading", "list_item_open": "item"}.get(kind, "cell")
        elif kind in ("heading_close", "th_close", "td_close"):
            state = ""
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            out.append(" | ".join(cell for cell in row if cell))
        elif kind == "table_close":
            out.append("")
        elif kind in ("code_block", "fence"):
            out.extend([token.content.rstrip("\n"), ""])
        elif kind == "inline":
            content = _inline_text(token).strip()
            if state == "cell":
                row.append(" ".join(content.split()))
            elif state == "heading":
                out.extend(["", content, ""])
            elif state == "item":
                out.append("- " + content)
                state = ""
            elif content:
                out.extend([content, ""])
    return "\n".join(out)


def read_pdf(path: Path, data: bytes, max_pages: int, timeout_s: float, ocr_timeout_s: float | None = None) -> RawText:
    """Extract page lines in a separate interpreter under a time limit (see ``ingest.pdf_worker``);
    OCR a scan within ``ocr_timeout_s`` (default: 60 s a page)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ingest.pdf_worker", str(max_pages)],
            input=data,
            capture_output=True,
            timeout=timeout_s,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        raise RejectedInput(str(path), f"took longer than {timeout_s:g} s to parse; skipped") from None
    try:
        result = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RejectedInput(
            str(path), "could not be parsed (the PDF parser crashed or ran out of memory on it)"
        ) from None
    if not isinstance(result, dict) or ("reject" not in result and "pages" not in result):
        raise RejectedInput(str(path), "could not be parsed (the PDF parser crashed or ran out of memory on it)")
    if "reject" in result:
        raise RejectedInput(str(path), result["reject"])
    meta = result.get("meta") or {}
    layout = [
        Page(i + 1, float(p["width"]), float(p["height"]), tuple(TextLine.from_list(row) for row in p["lines"]))
        for i, p in enumerate(result["pages"])
    ]
    texts = ["\n".join(line.text for line in page.lines) for page in layout]
    ocr = False
    if sum(len(t.strip()) for t in texts) < max(40, 20 * len(texts) // 4):
        if not any(p.get("images") for p in result["pages"]):
            raise RejectedInput(
                str(path), "has no text layer (a scanned or image-only PDF) and no page images to read by OCR"
            )
        budget = ocr_timeout_s if ocr_timeout_s is not None else OCR_SECONDS_PER_PAGE * len(layout)
        try:
            layout = ocr_pdf(data, budget)
        except OcrError as exc:
            raise RejectedInput(
                str(path), f"has no text layer (a scanned or image-only PDF) and OCR did not read it: {exc}"
            ) from None
        texts = ["\n".join(line.text for line in page.lines) for page in layout]
        if sum(len(t.strip()) for t in texts) < max(40, 20 * len(texts) // 4):
            raise RejectedInput(
                str(path), "has no text layer (a scanned or image-only PDF) and OCR found no text in it"
            )
        ocr = True
    title = meta.get("title") or None
    return RawText(
        pages=texts, page_numbers=list(range(1, len(texts) + 1)), pdf_title=title, layout=layout, meta=meta, ocr=ocr
    )


OCR_SECONDS_PER_PAGE = 60.0  # default OCR budget: tesseract reads a page in about 3.4 s here


def read_file(
    path: Path,
    max_mb: float,
    max_pages: int,
    timeout_s: float,
    data: bytes | None = None,
    ocr_timeout_s: float | None = None,
) -> RawText:
    """Read any supported file; raise ``RejectedInput`` with one reason otherwise."""
    if data is None:
        if not path.exists():
            raise RejectedInput(str(path), "no such file")
        if not path.is_file():
            raise RejectedInput(str(path), "is not a regular file")
        size = path.stat().st_size
        check_size(path, size, max_mb)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RejectedInput(str(path), f"cannot be read ({exc.strerror})") from None
    check_size(path, len(data), max_mb)
    kind = sniff_kind(path, data)
    if kind == "pdf":
        return read_pdf(path, data, max_pages, timeout_s, ocr_timeout_s)
    text = decode_text(path, data)
    if path.suffix.lower() in (".md", ".markdown"):
        text = markdown_to_text(text)
        if not text.strip():
            raise RejectedInput(str(path), "the file is empty once Markdown markup is removed")
    return RawText(pages=[text], page_numbers=[None])
