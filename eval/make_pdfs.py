"""Typeset some literature test documents as journal-style PDFs (so the evaluation reads them as PDFs).

    python eval/make_pdfs.py

Reads each document marked ``render_as_pdf = true`` in ``eval/literature/sources-*.toml`` from
``eval/literature-pdf-src/`` and writes ``eval/literature/<name>.pdf``: two columns, the title and
authors across the top of the first page, a running head with the journal, "Page x of y" at the foot,
bold section headings, no PDF /Title (the title must come from the page). Reproducible: the same
sources give the same layout.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)

HERE = Path(__file__).resolve().parent
LITERATURE = HERE / "literature"
SOURCES = HERE / "literature-pdf-src"

TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=19, spaceAfter=6)
META = ParagraphStyle("meta", fontName="Helvetica", fontSize=8.5, leading=11, spaceAfter=3)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=7, spaceAfter=3)
BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=9.5, leading=12, alignment=TA_JUSTIFY, spaceAfter=5)


def _blocks(text: str) -> list[tuple[str, str]]:
    """(kind, text) blocks of a plain-text or Markdown document: title, meta, heading, body."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out: list[tuple[str, str]] = []
    for i, para in enumerate(paragraphs):
        plain = re.sub(r"^#+\s*", "", para).replace("**", "")
        if i == 0:
            out.append(("title", plain))
        elif para.startswith("#") or (len(plain) < 60 and not plain.endswith(".") and "\n" not in plain):
            out.append(("heading", plain))
        elif i <= 4 and len(plain) < 300 and not out[-1][0] == "heading":
            out.append(("meta", plain))
        else:
            out.append(("body", " ".join(plain.split())))
    return out


def render(source: Path, target: Path, journal: str) -> None:
    blocks = _blocks(source.read_text(encoding="utf-8"))
    width, height = A4
    margin, gap = 18 * mm, 7 * mm
    column = (width - 2 * margin - gap) / 2
    top_height = 62 * mm

    def chrome(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 7.5)
        canvas.drawString(margin, height - 11 * mm, journal)
        canvas.drawRightString(width - margin, 10 * mm, f"Page {doc.page} of {doc._pages}")
        canvas.restoreState()

    first = [
        Frame(margin, height - margin - top_height, width - 2 * margin, top_height, id="top"),
        Frame(margin, margin, column, height - 2 * margin - top_height - 4 * mm, id="left1"),
        Frame(margin + column + gap, margin, column, height - 2 * margin - top_height - 4 * mm, id="right1"),
    ]
    rest = [
        Frame(margin, margin, column, height - 2 * margin, id="left"),
        Frame(margin + column + gap, margin, column, height - 2 * margin, id="right"),
    ]

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable) -> None:
            self._pages = max(getattr(self, "_pages", 1), self.page)

    def build(pages: int) -> None:
        doc = Doc(str(target), pagesize=A4, title="", author="", subject="", creator="", producer="")
        doc._pages = pages
        doc.addPageTemplates([PageTemplate("first", first, onPage=chrome), PageTemplate("rest", rest, onPage=chrome)])
        story: list[Flowable] = [NextPageTemplate("rest")]
        head = [b for b in blocks if b[0] in ("title", "meta")][:4]
        for kind, text in head:
            story.append(Paragraph(escape(text), TITLE if kind == "title" else META))
        story.append(FrameBreak())
        for kind, text in blocks[len(head) :]:
            story.append(Paragraph(escape(text), HEADING if kind == "heading" else BODY if kind == "body" else META))
        story.append(Spacer(1, 2))
        doc.build(story)
        build.pages = doc._pages  # type: ignore[attr-defined]

    build(1)
    build(build.pages)  # type: ignore[attr-defined]  # second pass: "of y" known


def main() -> None:
    for manifest in sorted(LITERATURE.glob("sources-*.toml")):
        for name, entry in tomllib.loads(manifest.read_text(encoding="utf-8")).items():
            if not entry.get("render_as_pdf"):
                continue
            source = SOURCES / name
            if not source.exists() and (LITERATURE / name).exists():
                SOURCES.mkdir(exist_ok=True)
                (LITERATURE / name).rename(source)  # the text is the source; the PDF is what gets indexed
            target = LITERATURE / (Path(name).stem + ".pdf")
            journal = f"{entry.get('journal', '')} {entry.get('year', '')}".strip()
            render(source, target, journal)
            print(f"{target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
