"""Characters to printed lines (pure; no I/O): the first step of PDF layout analysis.

The PDF worker reads each character's box, baseline origin, font size and weight from PDFium
and hands them here in content order. Lines are runs of characters on one baseline; a wide
horizontal gap (a column gutter, a table cell boundary) starts a new line, so a line never spans
two columns or two table cells. Superscripts (smaller, raised: citation and affiliation marks)
are dropped after letters and kept as ``^n`` after digits (exponents); subscripts are kept in place.
"""

from __future__ import annotations

from dataclasses import dataclass

# Geometry thresholds, in ems of the line's font size (measured on the benchmark PDFs: word gaps in
# justified columns stay under 0.8 em; column gutters and table-cell gaps exceed 1.2 em).
LINE_GAP_EMS = 1.2  # a horizontal gap wider than this starts a new line (column or cell boundary)
SPACE_GAP_EMS = 0.3  # a gap wider than this between two glyphs is a space even where PDFium put none
LETTER_SPACED_RUN = 3  # this many one-letter words in a row are letter-spaced print (R E S E A R C H)
BASELINE_TOLERANCE_EMS = 0.35  # baselines closer than this are the same line
SCRIPT_SIZE_RATIO = 0.85  # a glyph this much smaller than the line, off its baseline, is a super/subscript

SOFT_HYPHENS = "\ufffe\u00ad\x02"  # how PDFium marks a line-end hyphen it judged to be a soft break


@dataclass(frozen=True)
class Glyph:
    """One character as PDFium reports it; y grows downwards (``top`` < ``bottom``)."""

    ch: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float
    bold: bool
    space_before: bool = False  # a space glyph (or PDFium's generated space) came before it
    newline_before: bool = False  # PDFium's generated line break came before it


@dataclass(frozen=True)
class TextLine:
    """One printed line (or table cell) of one page, with its geometry and dominant style."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    lead_bold: int = 0  # length of a bold run at the start of a line that is not bold as a whole

    def to_list(self) -> list:
        return [
            self.text,
            self.page,
            round(self.x0, 1),
            round(self.top, 1),
            round(self.x1, 1),
            round(self.bottom, 1),
            round(self.size, 2),
            int(self.bold),
            self.lead_bold,
        ]

    @classmethod
    def from_list(cls, row: list) -> TextLine:
        text, page, x0, top, x1, bottom, size, bold, lead_bold = row
        return cls(
            str(text),
            int(page),
            float(x0),
            float(top),
            float(x1),
            float(bottom),
            float(size),
            bool(bold),
            int(lead_bold),
        )


def glyphs_to_lines(glyphs: list[Glyph], page: int) -> list[TextLine]:
    """Group glyphs (in content order) into lines."""
    lines: list[TextLine] = []
    current: list[Glyph] = []
    ref: Glyph | None = None  # the glyph standing for the line's baseline and size (see _line_reference)

    def flush() -> None:
        if current:
            line = _make_line(current, page)
            if line is not None:
                lines.append(line)
            current.clear()

    for g in glyphs:
        if ref is None or not current:
            current.append(g)
            ref = g
            continue
        prev = current[-1]
        em = max(ref.size, 1.0)
        same_baseline = abs(g.baseline - ref.baseline) <= BASELINE_TOLERANCE_EMS * em
        if not same_baseline:
            script = (
                g.size < SCRIPT_SIZE_RATIO * ref.size
                and abs(g.baseline - ref.baseline) <= 0.75 * em
                and -0.5 * em <= g.x0 - prev.x1 <= 0.6 * em
            )
            if script:
                current.append(g)
                continue
            flush()
            current.append(g)
            ref = g
            continue
        gap = g.x0 - prev.x1
        if gap > LINE_GAP_EMS * em or gap < -2 * em:
            flush()
            current.append(g)
            ref = g
            continue
        current.append(g)
        if len(current) <= 12 and _better_reference(g, ref):
            ref = g
    flush()
    return lines


def _better_reference(g: Glyph, best: Glyph) -> bool:
    return g.size > best.size * 1.05 or (
        abs(g.size - best.size) <= 0.05 * best.size and g.ch.isalpha() and not best.ch.isalpha()
    )


def _line_reference(glyphs: list[Glyph]) -> Glyph:
    """The glyph that stands for the line's baseline and size: the largest among the first few."""
    best = glyphs[0]
    for g in glyphs[:12]:
        if _better_reference(g, best):
            best = g
    return best


def _make_line(glyphs: list[Glyph], page: int) -> TextLine | None:
    sizes: dict[float, int] = {}
    for g in glyphs:
        if g.ch.strip():
            sizes[round(g.size, 1)] = sizes.get(round(g.size, 1), 0) + 1
    if not sizes:
        return None
    size = max(sizes, key=lambda s: (sizes[s], s))
    ref = _line_reference(glyphs)
    # pass 1: runs of ordinary glyphs and of raised (superscript) glyphs
    runs: list[tuple[bool, list[Glyph]]] = []
    for g in glyphs:
        raised = g.size < SCRIPT_SIZE_RATIO * size and ref.baseline - g.baseline > 0.12 * size
        if runs and runs[-1][0] == raised:
            runs[-1][1].append(g)
        else:
            runs.append((raised, [g]))
    # pass 2: words (with the gap before each), superscripts dropped after words, ^n after digits
    words: list[list] = []  # [text, gap before in ems, bold flags]
    prev: Glyph | None = None
    for raised, run in runs:
        if raised:
            script = "".join(g.ch for g in run).strip()
            before = words[-1][0] if words else ""
            if (before[-1:].isdigit() and script[:1].isdigit()) or script[:1] in "-−":
                words[-1][0] += "^" + script
            elif script and not set(script) <= _MARK_CHARS:
                if words:
                    words[-1][0] += script  # 1st, TM, a raised word
                else:
                    words.append([script, 0.0, [run[0].bold]])
            prev = run[-1]
            continue
        for g in run:
            gap = (g.x0 - prev.x1) / size if prev is not None else 0.0
            ch = "-" if g.ch in SOFT_HYPHENS else g.ch
            if not words or g.space_before or gap > SPACE_GAP_EMS:
                words.append([ch, gap, [g.bold]])
            else:
                words[-1][0] += ch
                words[-1][2].append(g.bold)
            prev = g
    _undo_letter_spacing(words)
    text = " ".join(w[0] for w in words).strip()
    if not text:
        return None
    parts = [w[0] for w in words]
    bold_flags = [sum(w[2]) >= 0.5 * len(w[2]) for w in words]
    flags = [b for p, b in zip(parts, bold_flags) if p.strip()]
    bold = bool(flags) and sum(flags) >= 0.8 * len(flags)
    lead = 0
    if not bold:
        for p, b in zip(parts, bold_flags):
            if not b:
                break
            lead += len(p) + 1
        lead = min(lead, len(text)) if len(text[:lead].strip()) >= 2 else 0
    return TextLine(
        text=text,
        page=page,
        x0=min(g.x0 for g in glyphs),
        top=min(g.top for g in glyphs),
        x1=max(g.x1 for g in glyphs),
        bottom=max(g.bottom for g in glyphs),
        size=size,
        bold=bold,
        lead_bold=lead,
    )


# Characters of citation and affiliation marks printed as superscripts after a word.
_MARK_CHARS = set("0123456789,–-−*†‡§#¶, abcdefgh")


def _undo_letter_spacing(words: list[list]) -> None:
    """Join letter-spaced print (``R E S E A R C H  A R T I C L E``): within a run of one-letter
    words, gaps under 1.6 times the run's median gap are inside a word."""
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j][0]) == 1 and words[j][0].isalnum():
            j += 1
        if j - i >= LETTER_SPACED_RUN:
            gaps = sorted(w[1] for w in words[i + 1 : j])
            median = gaps[len(gaps) // 2] if gaps else 0.0
            merged = [words[i]]
            for w in words[i + 1 : j]:
                if w[1] < 1.6 * median + 0.05:
                    merged[-1] = [merged[-1][0] + w[0], merged[-1][1], merged[-1][2] + w[2]]
                else:
                    merged.append(w)
            words[i:j] = merged
            i += len(merged)
        else:
            i = max(j, i + 1)
