"""Generated journal-style PDFs (reportlab) and scans of them (pdftoppm), for the layout and OCR tests.

``write_journal_pdf`` typesets a two-column research article the way publishers do: a banner with
the article type, a large title, authors with superscript affiliation marks, affiliations,
correspondence and dates, a structured abstract, running heads and footers with the journal line,
"Page x of y" and the DOI, a licence line, a rotated "Downloaded from" stamp, bold headings and
subheadings, line-end hyphenation (also after a ligature: ``signiﬁ-``/``cant``), ligatures in the
text (the font's ﬁ and ﬂ glyphs), a table, a figure with axis labels and its caption, back matter
and a numbered reference list. What was put where is returned, so tests can check it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 50.0
GUTTER = 20.0
BODY_SIZE = 9.5
LEADING = 12.0
TOP = PAGE_H - 80.0  # first baseline under the running head
BOTTOM = 70.0  # last baseline above the footer

JOURNAL = "Journal of Neuroleptic Safety"
TITLE = "Early dantrolene and recovery time in neuroleptic malignant syndrome: a retrospective cohort study"
AUTHORS = ("Maria K. Lindqvist", "Omar Haddad", "Jun Wei Tan")
DOI = "10.5555/jns.2024.0117"
YEAR = 2024
RUNNING_HEAD = f"Lindqvist et al. {JOURNAL} ({YEAR}) 12:117"

INTRO = [
    "Neuroleptic malignant syndrome is a rare and potentially fatal reaction to dopamine antagonists. "
    "Its core features are fever, muscle rigidity, altered mental status and autonomic instability, and "
    "laboratory tests often show a raised creatine kinase and a leukocytosis.",
    "Supportive care is the basis of treatment in every published series. The causative drug is stopped, "
    "the patient is cooled and rehydrated, and complications such as rhabdomyolysis and renal failure are "
    "watched for. Specific drugs are added when the syndrome is severe or does not improve.",
    "Dantrolene relaxes skeletal muscle by reducing calcium release from the sarcoplasmic reticulum. Case "
    "reports describe rapid falls in temperature after it is given, but the evidence from comparative "
    "studies is sparse and partly conflicting, and the best timing of the drug is not known.",
]
METHODS = [
    "We reviewed the records of adults admitted with the syndrome to three university hospitals between "
    "2010 and 2022. Patients were eligible when they met the international consensus criteria and had "
    "complete records of their temperature and creatine kinase during the first week.",
    "Early treatment was defined as dantrolene within twelve hours of the diagnosis. The primary outcome was "
    "the time to clinical recovery, defined as normal temperature, normal mental status and a falling "
    "creatine kinase on two consecutive days. Secondary outcomes were death and admission to intensive care.",
]
RESULTS_AFTER_TABLE = (
    "Patients treated early recovered after a median of six days, against nine days in the comparison "
    "group. The difference remained after adjustment for age, peak temperature and the causative drug, "
    "and it was seen in each of the three hospitals."
)
RESULTS = [
    "Ninety-eight patients were included. Forty-one received dantrolene early and fifty-seven received it "
    "later or not at all. The groups were similar in age, sex and the drugs that caused the syndrome.",
]
DISCUSSION = [
    "In this cohort, early dantrolene was associated with a faster recovery. The finding agrees with several "
    "case series but not with an older pooled analysis that found longer courses in treated patients. "
    "Confounding by indication is the main limitation of a retrospective design like ours.",
    "Severe cases may have been treated earlier and more often, which would bias the comparison against the "
    "drug, while milder cases recovering quickly without it would bias it the other way. A randomised trial "
    "would settle the question but may not be feasible for so rare a syndrome.",
]
CONCLUSIONS = [
    "Early dantrolene was associated with a shorter time to recovery in neuroleptic malignant syndrome. "
    "Prospective studies should confirm the finding before it changes practice.",
]
REFERENCES = [
    "Strawn JR, Keck PE, Caroff SN. Neuroleptic malignant syndrome. Am J Psychiatry. 2007;164(6):870-6.",
    "Berman BD. Neuroleptic malignant syndrome: a review for neurohospitalists. Neurohospitalist. 2011;1(1):41-7.",
    "Reulbach U, Dutsch C, Biermann T, et al. Managing an effective treatment for neuroleptic malignant syndrome. Crit Care. 2007;11(1):R4.",
    "Rosenberg MR, Green M. Neuroleptic malignant syndrome: review of response to therapy. Arch Intern Med. 1989;149(9):1927-31.",
    "Sakkas P, Davis JM, Janicak PG, Wang ZY. Drug treatment of the neuroleptic malignant syndrome. Psychopharmacol Bull. 1991;27(3):381-4.",
    "Gurrera RJ, Caroff SN, Cohen A, et al. An international consensus study of neuroleptic malignant syndrome diagnostic criteria. J Clin Psychiatry. 2011;72(9):1222-8.",
    "Tse L, Barr AM, Scarapicchia V, Vila-Rodriguez F. Neuroleptic malignant syndrome: a review from a clinically oriented perspective. Curr Neuropharmacol. 2015;13(3):395-406.",
    "Pileggi DJ, Cook AM. Neuroleptic malignant syndrome: focus on treatment and rechallenge. Ann Pharmacother. 2016;50(11):973-81.",
]
TABLE_ROWS = [
    ("Characteristic", "Early (n = 41)", "Late or none (n = 57)"),
    ("Age, years", "44 (31-58)", "47 (35-61)"),
    ("Peak temperature, C", "39.8", "39.6"),
    ("Creatine kinase, U/L", "8420", "7910"),
    ("Intensive care, n", "17", "25"),
]
HYPHENATED_LINES = [  # a paragraph typeset with line-end hyphens, one of them after a ligature
    "The difference in recovery was statistically signi\ufb01-",
    "cant. Blood glu-",
    "cose and serum sodium did not differ between the",
    "groups, and in\ufb02ammatory markers fell at the same rate.",
]
CAPTION = "Figure 1. Days to recovery by treatment group. Bars show medians and whiskers interquartile ranges."
TABLE_CAPTION = "Table 1. Characteristics of the cohort at admission"


@dataclass
class ArticleSpec:
    """What ``write_journal_pdf`` printed (for the tests to check against)."""

    path: Path
    title: str = TITLE
    authors: tuple[str, ...] = AUTHORS
    journal: str = JOURNAL
    year: int = YEAR
    doi: str = DOI
    article_type: str = "Research Article"
    headings: tuple[str, ...] = ("Abstract", "Introduction", "Methods", "Results", "Discussion", "Conclusions")
    references: int = len(REFERENCES)
    pages: int = 0
    page_of: dict[str, int] = field(default_factory=dict)  # first words of a paragraph -> page it starts on


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        pdfmetrics.getFont("FixtureSerif")
    except KeyError:
        pdfmetrics.registerFont(
            TTFont("FixtureSerif", "Vera.ttf")
        )  # ships with reportlab; has the fi/fl ligature glyphs
        pdfmetrics.registerFont(TTFont("FixtureSerif-Bold", "VeraBd.ttf"))
    return "FixtureSerif", "FixtureSerif-Bold"


class _Flow:
    """A two-column text flow with running heads on every page."""

    def __init__(self, canvas, spec: ArticleSpec, total_pages_hint: int) -> None:  # noqa: ANN001
        self.c = canvas
        self.spec = spec
        self.regular, self.bold = _fonts()
        self.col_w = (PAGE_W - 2 * MARGIN - GUTTER) / 2
        self.page = 1
        self.col = 0
        self.y = TOP
        self.total = total_pages_hint

    def x(self) -> float:
        return MARGIN + self.col * (self.col_w + GUTTER)

    def chrome(self) -> None:
        c = self.c
        c.setFont(self.regular, 7.5)
        c.drawString(MARGIN, PAGE_H - 40, RUNNING_HEAD)
        c.drawRightString(PAGE_W - MARGIN, PAGE_H - 40, f"Page {self.page} of {self.total}")
        c.drawString(MARGIN, 40, f"https://doi.org/{DOI}")
        c.saveState()
        c.translate(PAGE_W - 20, 200)
        c.rotate(90)
        c.setFont(self.regular, 7)
        c.drawString(0, 0, "Downloaded from https://journals.example.org/jns by guest on 1 May 2025")
        c.restoreState()

    def next_column(self) -> None:
        if self.col == 0:
            self.col = 1
            self.y = self.col_top
        else:
            self.c.showPage()
            self.page += 1
            self.chrome()
            self.col = 0
            self.y = TOP
            self.col_top = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.next_column()

    def heading(self, text: str, size: float = 11.0) -> None:
        self.need(3 * LEADING)
        self.y -= 0.8 * LEADING
        self.c.setFont(self.bold, size)
        self.c.drawString(self.x(), self.y, text)
        self.y -= LEADING + 2

    def lines(
        self,
        lines: list[str],
        size: float = BODY_SIZE,
        font: str | None = None,
        leading: float = LEADING,
        indent_first: bool = True,
    ) -> None:
        for i, line in enumerate(lines):
            self.need(leading)
            if i == 0:
                key = " ".join(line.split()[:6])
                self.spec.page_of.setdefault(key, self.page)
            self.c.setFont(font or self.regular, size)
            self.c.drawString(self.x() + (8 if i == 0 and indent_first else 0), self.y, line)
            self.y -= leading
        self.y -= 3

    def paragraph(self, text: str, size: float = BODY_SIZE, font: str | None = None, leading: float = LEADING) -> None:
        self.lines(
            wrap(text.replace("fi", "\ufb01").replace("fl", "\ufb02"), font or self.regular, size, self.col_w - 8),
            size,
            font,
            leading,
        )


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking with hyphenation of long words (split in the middle), as typesetters do."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if stringWidth(trial, font, size) <= width:
            line = trial
            continue
        if len(word) >= 9 and word.isalpha():
            head = word[: len(word) // 2] + "-"
            if stringWidth(f"{line} {head}".strip(), font, size) <= width:
                lines.append(f"{line} {head}".strip())
                line = word[len(word) // 2 :]
                continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def write_journal_pdf(path: Path) -> ArticleSpec:
    """A two-column research article (about three pages); see the module docstring."""
    spec = ArticleSpec(path=path)
    for _ in range(2):  # the second pass knows the page count for "Page x of y"
        spec.page_of.clear()
        spec.pages = _typeset(path, spec, spec.pages or 3)
    return spec


def _typeset(path: Path, spec: ArticleSpec, total: int) -> int:
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.setTitle("jns-2024-0117.indd")  # a producer's file name, not the title (as often in real PDFs)
    flow = _Flow(c, spec, total)
    flow.chrome()
    # first page: banner, title, authors with superscript marks, affiliations, correspondence, dates
    c.setFont(bold, 10)
    c.drawString(MARGIN, TOP, "RESEARCH ARTICLE")
    c.drawRightString(PAGE_W - MARGIN, TOP, "Open Access")
    y = TOP - 36
    c.setFont(bold, 18)
    for line in wrap(TITLE, bold, 18, PAGE_W - 2 * MARGIN):
        c.drawString(MARGIN, y, line)
        y -= 22
    y -= 6
    x = MARGIN
    for i, name in enumerate(AUTHORS):
        c.setFont(regular, 10.5)
        c.drawString(x, y, name)
        x += c.stringWidth(name, regular, 10.5)
        c.setFont(regular, 6.5)
        mark = f"{i + 1}{'*' if i == 0 else ''}"
        c.drawString(x, y + 4, mark)
        x += c.stringWidth(mark, regular, 6.5)
        c.setFont(regular, 10.5)
        sep = ", " if i < len(AUTHORS) - 2 else (" and " if i == len(AUTHORS) - 2 else "")
        c.drawString(x, y, sep)
        x += c.stringWidth(sep, regular, 10.5)
    y -= 18
    c.setFont(regular, 7.5)
    for i, aff in enumerate(
        [
            "Department of Psychiatry, University of Northfield, 12 College Road, Northfield, UK",
            "Intensive Care Unit, St Anne's Hospital, Southport, UK",
            "School of Pharmacy, Eastern University, Harbour City, Singapore",
        ]
    ):
        c.setFont(regular, 5.5)
        c.drawString(MARGIN, y + 3, str(i + 1))
        c.setFont(regular, 7.5)
        c.drawString(MARGIN + 5, y, aff)
        y -= 10
    c.drawString(MARGIN, y, "*Correspondence: m.lindqvist@northfield.example.ac.uk")
    y -= 10
    c.drawString(MARGIN, y, f"Received: 3 March {YEAR}; Accepted: 9 May {YEAR}; Published: 2 June {YEAR}")
    y -= 24
    c.setFont(bold, 11)
    c.drawString(MARGIN, y, "Abstract")
    y -= 15
    abstract = [
        ("Background:", "The timing of dantrolene in neuroleptic malignant syndrome is uncertain."),
        ("Methods:", "A retrospective cohort of ninety-eight adults treated in three hospitals."),
        ("Results:", "Early dantrolene was associated with recovery three days sooner."),
        ("Conclusions:", "Early treatment may shorten recovery; trials are needed."),
    ]
    for label, text in abstract:
        c.setFont(bold, BODY_SIZE)
        c.drawString(MARGIN, y, label)
        w = c.stringWidth(label + " ", bold, BODY_SIZE)
        c.setFont(regular, BODY_SIZE)
        c.drawString(MARGIN + w, y, text)
        y -= LEADING
    y -= 4
    c.setFont(regular, BODY_SIZE)
    c.drawString(MARGIN, y, "Keywords: neuroleptic malignant syndrome, dantrolene, cohort study")
    c.setFont(regular, 6.5)
    c.drawString(
        MARGIN,
        55,
        f"© The Author(s) {YEAR}. Open Access This article is licensed under a Creative Commons Attribution 4.0 International License.",
    )
    flow.col_top = y - 24
    flow.y = flow.col_top
    # body
    flow.heading("Introduction")
    for p in INTRO:
        flow.paragraph(p)
    flow.heading("Methods")
    flow.heading("Study population", size=BODY_SIZE)
    flow.paragraph(METHODS[0])
    flow.heading("Outcomes", size=BODY_SIZE)
    flow.paragraph(METHODS[1])
    flow.heading("Results")
    for p in RESULTS:
        flow.paragraph(p)
    # Table 1: bold label, cells in small print, then the text resumes
    flow.need(LEADING * (len(TABLE_ROWS) + 3))
    c.setFont(bold, 8)
    c.drawString(flow.x(), flow.y, TABLE_CAPTION)
    flow.y -= 11
    for row in TABLE_ROWS:
        c.setFont(regular, 7.5)
        for k, cell in enumerate(row):
            c.drawString(flow.x() + [0, 95, 160][k], flow.y, cell)
        flow.y -= 10
    flow.y -= 8
    flow.paragraph(RESULTS_AFTER_TABLE)
    flow.lines(HYPHENATED_LINES)
    # Figure 1: a drawing with axis labels, then its caption
    flow.need(120)
    top = flow.y
    c.rect(flow.x() + 20, top - 80, flow.col_w - 30, 75)
    c.setFont(regular, 6)
    for k, label in enumerate(("0", "5", "10", "15")):
        c.drawString(flow.x() + 8, top - 80 + k * 24, label)
    c.drawString(flow.x() + 60, top - 90, "Early")
    c.drawString(flow.x() + 140, top - 90, "Late")
    flow.y = top - 104
    flow.lines(wrap(CAPTION, regular, 8, flow.col_w), size=8, leading=10, indent_first=False)
    flow.heading("Discussion")
    for p in DISCUSSION:
        flow.paragraph(p)
    flow.heading("Conclusions")
    for p in CONCLUSIONS:
        flow.paragraph(p)
    flow.heading("Acknowledgements")
    flow.paragraph("We thank the pharmacy teams of the three hospitals for their help with the records.")
    flow.heading("References")
    for i, ref in enumerate(REFERENCES, 1):
        lines = wrap(ref, regular, 7.5, flow.col_w - 12)
        for k, line in enumerate(lines):
            flow.need(9)
            c.setFont(regular, 7.5)
            if k == 0:
                c.drawString(flow.x(), flow.y, f"{i}.")
            c.drawString(flow.x() + 12, flow.y, line)
            flow.y -= 9
        flow.y -= 2
    c.showPage()
    c.save()
    return flow.page


def write_scanned_copy(source: Path, target: Path, dpi: int = 200) -> Path:
    """An image-only copy of ``source``: each page rendered by pdftoppm and wrapped back into a PDF."""
    from reportlab.pdfgen import canvas

    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed: run `make system-deps`")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), f"{tmp}/p"], check=True, capture_output=True
        )
        images = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        pdf = canvas.Canvas(str(target))
        for image in images:
            header = image.read_bytes()[:24]
            w_px, h_px = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
            w, h = w_px * 72 / dpi, h_px * 72 / dpi
            pdf.setPageSize((w, h))
            pdf.drawImage(str(image), 0, 0, w, h)
            pdf.showPage()
        pdf.save()
    return target
