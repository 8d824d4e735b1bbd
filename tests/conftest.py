"""Shared fixtures: the real model loaded once per session, a corpus index built once, and
real PDF files generated with reportlab (good, scanned-like, encrypted, truncated, ...)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, loaded once for the whole session."""
    from index.embedder import Embedder
    from nmsa.settings import Settings

    settings = Settings()
    model = Embedder.from_settings(settings.index)
    model.embed(["warm up"])
    return model


def make_settings(index_dir: Path, corpus_dir: Path = CORPUS, **ingest: object):
    from nmsa.settings import Settings

    return Settings().override(
        index__dir=index_dir, corpus_dir=corpus_dir, **{f"ingest__{k}": v for k, v in ingest.items()}
    )


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory, embedder):
    """An engine over the five corpus texts, indexed once per session."""
    from assistant.engine import Engine

    settings = make_settings(tmp_path_factory.mktemp("corpus-index"))
    engine = Engine(settings, embedder)
    report = engine.ingest([CORPUS])
    assert len(report.added) == 5 and not report.rejected
    return engine


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of corpus/ (texts, manifest and synonyms)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def write_pdf(path: Path, pages: list[list[str]], title: str | None = None, encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    if title:
        pdf.setTitle(title)
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only graphics (as a scan without OCR): no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for i in range(40):
        pdf.rect(50 + i * 5, 400 + (i % 7) * 9, 4, 30, fill=1)
    pdf.showPage()
    pdf.save()
    return path


PAPER_PAGES = [
    [
        "Rechallenge after neuroleptic malignant syndrome: a case series",
        "",
        "Background",
        "Neuroleptic malignant syndrome is a rare reaction to antipsychotic drugs. Clinicians",
        "often need to restart an antipsychotic after recovery. We reviewed esti-",
        "mated recurrence rates in a retrospective case series of 41 patients.",
    ],
    [
        "Results",
        "Recurrence occurred in 7 of 41 patients after rechallenge with a low-potency agent.",
        "Waiting at least two weeks after recovery was associated with fewer recurrences.",
        "Limitations",
        "The series is small and retrospective, and the findings need confirmation.",
    ],
]


@pytest.fixture
def paper_pdf(tmp_path) -> Path:
    return write_pdf(
        tmp_path / "rechallenge-case-series.pdf", PAPER_PAGES, title="Rechallenge after NMS: a case series"
    )


@pytest.fixture
def bad_files(tmp_path) -> Callable[[], dict[str, tuple[Path, str]]]:
    """Each bad input with the words its rejection reason must contain."""

    def build() -> dict[str, tuple[Path, str]]:
        folder = tmp_path / "bad"
        folder.mkdir(exist_ok=True)
        good = write_pdf(folder / "good-source.pdf", PAPER_PAGES)
        empty = folder / "empty.txt"
        empty.write_bytes(b"")
        scanned = write_scanned_pdf(folder / "scanned.pdf")
        encrypted = write_pdf(folder / "encrypted.pdf", PAPER_PAGES, encrypt="secret")
        truncated = folder / "truncated.pdf"
        truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
        fake = folder / "not-really.pdf"
        fake.write_text("This is plain text pretending to be a PDF.\n")
        binary = folder / "binary.txt"
        binary.write_bytes(bytes(range(256)) * 64)
        good.unlink()
        return {
            "empty": (empty, "empty"),
            "scanned": (scanned, "no text layer"),
            "encrypted": (encrypted, "encrypted"),
            "truncated": (truncated, "damaged or truncated"),
            "fake": (fake, "not a PDF"),
            "binary": (binary, "binary"),
        }

    return build
