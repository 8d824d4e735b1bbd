"""What a file is and whether its bytes are text (ingest.loaders.sniff_kind, decode_text): each
accepted case with its result, each rejection with its exact reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import decode_text, sniff_kind
from nmsa.errors import RejectedInput


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("paper.pdf", b"%PDF-1.7\n...", "pdf"),
        ("PAPER.PDF", b"%PDF-1.4\n...", "pdf"),
        ("paper.pdf", b"\x00" * 1000 + b"%PDF-1.4", "pdf"),  # the header may follow junk within the first KB
        ("notes.txt", b"Neuroleptic malignant syndrome", "text"),
        ("notes.md", b"# NMS", "text"),
        ("notes.markdown", b"# NMS", "text"),
        ("notes.TXT", b"", "text"),  # empty or not is decided later
    ],
)
def test_sniff_kind(name, data, expected):
    assert sniff_kind(Path(name), data) == expected


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("paper.docx", b"PK\x03\x04", "unsupported file type '.docx'; use PDF, TXT or MD"),
        ("README", b"text", "unsupported file type '(none)'; use PDF, TXT or MD"),
        ("paper.pdf", b"This is plain text pretending to be a PDF.", "named .pdf but is not a PDF (no %PDF header)"),
        ("paper.pdf", b"\x00" * 1024 + b"%PDF-1.4", "named .pdf but is not a PDF (no %PDF header)"),
        ("paper.txt", b"%PDF-1.4\n...", "is a PDF named .txt; rename it to .pdf"),
        ("paper.md", b"%PDF-1.4\n...", "is a PDF named .md; rename it to .pdf"),
    ],
)
def test_sniff_kind_rejects(name, data, reason):
    with pytest.raises(RejectedInput) as caught:
        sniff_kind(Path(name), data)
    assert (caught.value.path, caught.value.reason) == (name, reason)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Neuroleptic malignant syndrome", "Neuroleptic malignant syndrome"),
        (b"\xef\xbb\xbfWith a byte-order mark", "With a byte-order mark"),
        ("Fièvre ≥ 38 °C".encode(), "Fièvre ≥ 38 °C"),
        (b"caf\xe9 au lait", "café au lait"),  # not UTF-8: read as Windows-1252
        (b"a\tb\nc\fd\r\ne", "a\tb\nc\fd\r\ne"),  # tabs, line and form feeds are text
        (
            b"\x01\x02\x03\x04\x05 five control characters are tolerated",
            "\x01\x02\x03\x04\x05 five control characters are tolerated",
        ),
    ],
)
def test_decode_text(data, expected):
    assert decode_text(Path("notes.txt"), data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"text\x00with a NUL", "looks like binary data, not text (contains NUL bytes)"),
        (b"\x81" * 10, "is not valid UTF-8 text and looks like binary data"),  # bytes Windows-1252 leaves undefined
        (
            b"\x01\x02\x03\x04\x05\x06 six control characters",
            "looks like binary data, not text (many control characters)",
        ),
        (b"  \n\t \r\n", "the file is empty (only whitespace)"),
        (b"", "the file is empty (only whitespace)"),
    ],
)
def test_decode_text_rejects(data, reason):
    with pytest.raises(RejectedInput) as caught:
        decode_text(Path("notes.txt"), data)
    assert caught.value.reason == reason
