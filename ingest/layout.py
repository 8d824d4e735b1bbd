"""From printed lines to the parts of an article (pure; no I/O).

Input: the lines of each page with their geometry and font (``ingest.pdf_chars.TextLine``, from
the PDF worker or from OCR). Output: an ``Article``: body blocks ready for ``ingest.clean``
(headings, paragraphs, lists, tables, captions) with their pages, the title block, the author
line, the first-page text that metadata is read from, and the reference list.

In order:
1. line text normalised (NFKC, control characters and leaked glyph names removed), repeated
   lines (overprint) dropped;
2. page chrome removed before anything is joined: lines in the top and bottom margins that recur
   on other pages (digits aside), page labels, DOIs, download and licence stamps;
3. lines grouped into blocks by font and spacing;
4. blocks classified: title, authors, front matter (affiliations, correspondence, dates,
   licences, keywords), headings (from font size and weight, and from their words), captions
   (one block each), tables (rows of cells after a table label), figure debris (short lines
   in small print), the reference list (by its heading or by its entries), back matter;
5. body paragraphs joined across column and page breaks when a sentence runs on, floats lifted
   out of the sentence they interrupt, line-end hyphens undone with the document's vocabulary.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.lexicon import (
    AFFILIATION_RE,
    BACK_MATTER_SECTION_RE,
    BULLET_RE,
    CAPTION_RE,
    CHROME_LINE_RE,
    FRONT_MATTER_RE,
    REFERENCE_HEADING_RE,
    STANDARD_HEADING_RE,
)
from ingest.normalize import normalize_text
from ingest.pdf_chars import TextLine

# Margins where running heads and footers live, as fractions of the page height (A4 and US Letter
# journals put them within the outer 9%; measured on the benchmark PDFs).
TOP_MARGIN = 0.09
BOTTOM_MARGIN = 0.92
CHROME_MIN_PAGE_SHARE = 0.25  # a margin line recurring on this share of pages (and >= 2) is chrome
HEADING_MAX_WORDS = 16
HEADING_SIZE_STEP = 0.4  # points larger than body text that make a line a heading by size
SMALL_PRINT_STEP = 0.4  # points smaller than body text: captions, tables, footnotes, figure labels
TITLE_MIN_RATIO = 1.2  # the title is printed at least this much larger than body text
SHORT_LINE_RATIO = 0.45  # a line narrower than this share of the body measure is a cell or a label
PAGE1_FOOTNOTES = 0.75  # small print below this share of the first page's height is its footnotes
REFERENCE_MIN_SCORE = 1.0  # ``reference_score`` at and above which a block is reference entries

_GLYPH_NAME = re.compile(r"/(?:[A-Z]\d{4,}|uni[0-9A-Fa-f]{4,6}|g\d{2,5}|cid\d+)\b|\(cid:\d+\)|\bcid:\d+\b")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-"})
_ENDS_SENTENCE = re.compile(r"[.!?:][\"'”’)\]]*$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}[a-z]?\b")
_VOLPAGES = re.compile(r"\b\d{1,4}\s*(?:\([\w–-]{1,9}\))?\s*[:,]\s*[eS]?\d{1,6}(?:\s*[–-]\s*[eS]?\d{1,6})?\b")
_AUTHOR_INITIALS = re.compile(
    r"\b[A-Z][\w'’-]+,? (?:[A-Z]\.? ?-?){1,3}(?=[,.;:&)]| and\b| et al)|\b(?:[A-Z]\. ?){1,3}[A-Z][\w'’-]+(?=[,.;:]| and\b)"
)
_ENTRY_NUMBER = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})\.(?=\s+\S|$)|(\d{1,4})\s+(?=[A-Z][\w'’-]+,? [A-Z]))")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]


@dataclass
class Block:
    """Lines that belong together on the page (a paragraph, a heading, a caption, a table)."""

    lines: list[TextLine]
    kind: str = (
        "text"  # text | heading | caption | table | list | chrome | front | title | authors | figure | reference | back
    )
    title: str | None = None  # for headings: the heading text; for floats: their label
    level: int = 1
    run_in: bool = False  # a heading printed at the start of its paragraph ("Methods: We ...")

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


@dataclass(frozen=True)
class Article:
    """What layout analysis made of a PDF."""

    blocks: tuple[Block, ...]  # body blocks in reading order: heading, text, list, table, caption
    title: str | None
    authors_line: str | None
    front_text: str  # first-page text outside the body (banners, journal line, dates...) for metadata
    header_text: str  # running heads and footers (journal name, year, DOI) for metadata
    back_text: str  # back matter ("Cite this article as ... doi:"), for metadata only
    bibliography: tuple[str, ...]
    body_size: float
    dropped: Counter[str] = field(default_factory=Counter)  # lines dropped, by kind


# --- helpers ---------------------------------------------------------------------------------------


def clean_line_text(text: str) -> str:
    """NFKC, no control characters, private-use glyphs or leaked glyph names; one space between words."""
    text = normalize_text(text).translate(_HYPHENS)
    text = _GLYPH_NAME.sub("", text)
    text = (
        _PRIVATE_USE.sub("•", text)
        if text.lstrip().startswith(tuple("\ue000\uf0b7\uf06c\uf0a7"))
        else _PRIVATE_USE.sub("", text)
    )
    return re.sub(r"\s+", " ", text).strip()


def reference_score(text: str) -> float:
    """How much ``text`` reads like reference-list entries (authors with initials, years,
    volume:pages, entry numbers), per word. Body text citing authors scores well below 1."""
    words = max(1, len(text.split()))
    authors = len(_AUTHOR_INITIALS.findall(text))
    years = len(_YEAR.findall(text))
    if years == 0 or authors < 1:
        return 0.0
    volpages = len(_VOLPAGES.findall(text))
    numbered = 1 if _ENTRY_NUMBER.match(text) else 0
    return (2 * authors + years + volpages + 2 * numbered) * 100 / words / 12


def looks_like_reference(text: str) -> bool:
    return reference_score(text) >= REFERENCE_MIN_SCORE


def _ends_sentence(text: str) -> bool:
    return bool(_ENDS_SENTENCE.search(text.rstrip()))


def _key(text: str) -> str:
    """Recurrence key of a margin line: letters and digits, digits collapsed, case folded."""
    return re.sub(r"\d+", "#", re.sub(r"[^\w]+", "", text.lower()))


def _words(text: str) -> int:
    return len(text.split())


# --- 1-2: lines and chrome -------------------------------------------------------------------------


def prepare_pages(pages: list[Page]) -> tuple[list[Page], Counter[str], list[str]]:
    """Pages with clean line text, repeated lines and page chrome removed; the dropped counts and
    the chrome text (for metadata)."""
    dropped: Counter[str] = Counter()
    cleaned: list[Page] = []
    for page in pages:
        lines: list[TextLine] = []
        for line in page.lines:
            text = clean_line_text(line.text)
            if not text:
                continue
            if lines and lines[-1].text == text and abs(lines[-1].top - line.top) < 2:
                dropped["repeated"] += 1
                continue
            lines.append(
                TextLine(text, line.page, line.x0, line.top, line.x1, line.bottom, line.size, line.bold, line.lead_bold)
            )
        cleaned.append(Page(page.number, page.width, page.height, tuple(lines)))
    n_pages = len(cleaned)
    counts: Counter[str] = Counter()
    for page in cleaned:
        counts.update({_key(line.text) for line in page.lines if _in_margin(line, page)})
    threshold = max(2, CHROME_MIN_PAGE_SHARE * n_pages)
    chrome_text: list[str] = []
    out: list[Page] = []
    for page in cleaned:
        kept = []
        for line in page.lines:
            margin = _in_margin(line, page)
            stamp = CHROME_LINE_RE.match(line.text) is not None
            recurring = margin and n_pages >= 2 and counts[_key(line.text)] >= threshold
            if (margin and (stamp or recurring)) or (stamp and _is_strong_stamp(line.text)):
                dropped["chrome"] += 1
                if page.number <= 2 or "doi" in line.text.lower():
                    chrome_text.append(line.text)
                continue
            kept.append(line)
        out.append(Page(page.number, page.width, page.height, tuple(kept)))
    return out, dropped, chrome_text


def _in_margin(line: TextLine, page: Page) -> bool:
    return line.bottom < TOP_MARGIN * page.height or line.top > BOTTOM_MARGIN * page.height


def _is_strong_stamp(text: str) -> bool:
    """Stamps that are chrome anywhere on the page, not only in the margins."""
    return bool(
        re.match(
            r"^(?:downloaded from\b|.*\bby guest on\b|page \d+ of \d+$|(?:https?://)?(?:dx\.)?doi\.org/|doi:?\s*10\.)",
            text,
            re.I,
        )
    )


# --- 3: blocks -------------------------------------------------------------------------------------


def body_font_size(pages: list[Page]) -> float:
    """The size most of the text is printed in (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def body_measure(pages: list[Page], body: float) -> float:
    """The usual width of a full line of body text (a column's measure)."""
    widths = sorted(
        line.x1 - line.x0
        for page in pages
        for line in page.lines
        if abs(line.size - body) <= 0.6 and _words(line.text) >= 5
    )
    if not widths:
        return 200.0
    return widths[int(len(widths) * 0.8)]


def column_edges(pages: list[Page], body: float) -> list[float]:
    """Left edges of the text columns: where lines of body text start (to within 3 points)."""
    starts: Counter[int] = Counter()
    total = 0
    for page in pages:
        for line in page.lines:
            if abs(line.size - body) <= 0.6 and _words(line.text) >= 5:
                starts[round(line.x0 / 3)] += 1
                total += 1
    return sorted(k * 3.0 for k, n in starts.items() if n >= max(3, 0.03 * total))


def _aligned(x0: float, edges: list[float], tolerance: float) -> bool:
    return not edges or any(abs(x0 - e) <= tolerance for e in edges)


def group_blocks(pages: list[Page], body: float, measure: float) -> list[Block]:
    """Consecutive lines of one style and regular spacing form a block."""
    blocks: list[Block] = []
    for page in pages:
        current: list[TextLine] = []
        for line in page.lines:
            if current and _continues_block(current, line, measure):
                current.append(line)
                continue
            if current:
                blocks.append(Block(current))
            current = [line]
        if current:
            blocks.append(Block(current))
    return blocks


def _continues_block(current: list[TextLine], line: TextLine, measure: float) -> bool:
    prev = current[-1]
    if line.page != prev.page:
        return False
    size = max(prev.size, line.size)
    if abs(line.size - prev.size) > 0.6 or line.bold != prev.bold:
        return False
    if STANDARD_HEADING_RE.match(prev.text.rstrip(":.")) or STANDARD_HEADING_RE.match(line.text.rstrip(":.")):
        return False  # a standard heading on a line of its own, even in body type
    if FRONT_MATTER_RE.match(line.text) and re.match(r"^[*\w ]{2,30}:", line.text):
        return False  # "Keywords: ...", "Received: ..." start a front-matter block of their own
    gap = line.top - prev.bottom
    spacing = [b.top - a.top for a, b in zip(current, current[1:])]
    leading = statistics.median(spacing) if spacing else None
    if leading is not None:
        if not (0.4 * leading <= line.top - prev.top <= 1.35 * leading + 0.5):
            return False
    elif not (-0.3 * size <= gap <= 0.9 * size):
        return False
    # the same column: horizontal overlap with the previous line
    overlap = min(line.x1, prev.x1) - max(line.x0, prev.x0)
    if overlap < 0.3 * min(line.x1 - line.x0, prev.x1 - prev.x0, measure):
        return False
    if BULLET_RE.match(line.text) and not BULLET_RE.match(current[0].text):
        return False
    if CAPTION_RE.match(line.text) and _caption_start(line) and (_ends_sentence(prev.text) or line.lead_bold):
        return False
    return True


def _caption_start(line: TextLine) -> bool:
    m = CAPTION_RE.match(line.text)
    if not m:
        return False
    rest = line.text[m.end() :].lstrip()
    after_label = line.text[m.end() - 1 : m.end()]
    return after_label in ".:|" or line.lead_bold > 0 or line.bold or not rest or rest[:1].isupper() or rest[:1] == "("


# --- 4: classification -------------------------------------------------------------------------------


_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,4}\.)\s+[A-Z]")


def _heading_candidate(block: Block, body: float, edges: Sequence[float] = ()) -> bool:
    text = block.text
    if not (body - 2.5 <= block.size <= 2.5 * body):
        return False
    if len(block.lines) > 3 or _words(text) > HEADING_MAX_WORDS or len(text) < 3:
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if CAPTION_RE.match(text) or CHROME_LINE_RE.match(text) or FRONT_MATTER_RE.match(text):
        return False
    if sum(ch.isalpha() for ch in text) < 0.6 * len(text.replace(" ", "")):
        return False
    if STANDARD_HEADING_RE.match(text.rstrip(":.")) or REFERENCE_HEADING_RE.match(text.rstrip(":.")):
        return True
    if text.endswith((".", ",", ";")) and not re.match(r"^\d+(\.\d+)*\.?\s", text):
        return False
    if not _aligned(block.lines[0].x0, list(edges), 1.5 * body):
        return False  # labels inside figures float anywhere; headings start at a column's edge
    if _AUTHOR_INITIALS.search(text):
        return False  # "1. Strawn JR, Keck PE, ..." is a reference entry
    if _NUMBERED_HEADING.match(text) and len(block.lines) == 1 and _words(text) <= 12 and not text.endswith("."):
        return True
    styled = block.size >= body + HEADING_SIZE_STEP or all(line.bold for line in block.lines)
    return styled


def classify(
    blocks: list[Block], pages: list[Page], body: float, measure: float, edges: list[float] | None = None
) -> tuple[str | None, str | None, list[str]]:
    """Set each block's kind; return the title, the author line and the first page's front text."""
    edges = edges if edges is not None else column_edges(pages, body)
    author_style: tuple[float, bool] | None = None
    title_block = _find_title(blocks, pages, body)
    title = join_title_lines([line.text for line in title_block.lines]) if title_block else None
    if title_block:
        title_block.kind = "title"
    authors_line = None
    front_text: list[str] = []
    first_heading_seen = False
    after_title = title_block is None
    for i, block in enumerate(blocks):
        if block.kind == "title":
            after_title = True
            continue
        text = block.text
        if (
            title_block is not None
            and block.page == 1
            and (not after_title or block.lines[-1].bottom <= title_block.lines[0].top)
        ):
            block.kind = "front"  # banners and journal lines above the title
            front_text.append(text)
            continue
        if block.page == 1 and after_title and not first_heading_seen and _looks_like_authors(block, body):
            style = (round(block.size, 1), block.lines[0].bold)
            if authors_line is None or style == author_style:
                block.kind = "authors"
                authors_line = text if authors_line is None else f"{authors_line}, {text}"
                author_style = style
                continue
        if FRONT_MATTER_RE.match(text) or FRONT_MATTER_RE.match(block.lines[0].text):
            block.kind = "front"
            if block.page <= 2:
                front_text.append(text)
            continue
        if _is_affiliation(block, body, first_heading_seen):
            block.kind = "front"
            continue
        if _caption_start(block.lines[0]):
            block.kind = "caption"
            m = CAPTION_RE.match(text)
            assert m is not None
            block.title = _caption_title(text, m)
            continue
        if _named_section(block, body):
            block.kind = "heading"
            block.title = REFERENCE_WITH_FIRST_ENTRY.sub(r"\1", re.sub(r"\s*[:.]$", "", text))
            first_heading_seen = True
            continue
        if _heading_candidate(block, body, edges) and _followed_by_text(blocks, i, body):
            block.kind = "heading"
            block.title = re.sub(r"\s*[:.]$", "", text)
            first_heading_seen = True
            continue
        if first_heading_seen and _subheading(blocks, i, body) and not CHROME_LINE_RE.match(text):
            block.kind = "heading"
            block.title = text
            block.level = 2
            continue
        if block.page == 1 and block.size <= body - 1.5 and block.lines[0].top > PAGE1_FOOTNOTES * pages[0].height:
            block.kind = "front"  # first-page footnotes: author notes, addresses, funding
            front_text.append(text)
            continue
        if block.page == 1 and not first_heading_seen and not _is_prose(block, body, measure):
            block.kind = "front"
            front_text.append(text)
            continue
        if _is_debris(block, body, measure):
            block.kind = "figure"
            continue
        if BULLET_RE.match(text):
            block.kind = "list"
    return title, authors_line, front_text


def _find_title(blocks: list[Block], pages: list[Page], body: float) -> Block | None:
    if not pages:
        return None
    height = pages[0].height
    best: Block | None = None
    for block in blocks:
        if block.page != 1 or block.lines[0].top > 0.55 * height:
            continue
        text = block.text
        if block.size < TITLE_MIN_RATIO * body or _words(text) < 3 or len(block.lines) > 6:
            continue
        if CHROME_LINE_RE.match(text) or FRONT_MATTER_RE.match(text):
            continue
        if best is None or block.size > best.size + 0.3:
            best = block
    return best


def join_title_lines(lines: list[str]) -> str:
    """A title printed over several lines, with words broken at a line end joined again."""
    title = ""
    for line in lines:
        if title.endswith("-") and line[:1].islower() and not re.search(r"\b\w{1,4}-$", title):
            title = title[:-1] + line
        else:
            title = f"{title} {line}".strip()
    return title


_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|da|van|von|der|den|del|di|le|la|y|dos|du|ter|bin))*\.?$")


def split_authors(line: str) -> list[str]:
    """Names from a printed author line: ``A. Smith, B. Jones and C. Wu`` -> three names."""
    line = re.sub(r"[*†‡§¶#]+|\d+(?:,\d+)*", " ", line)
    parts = re.split(r",|;|\band\b|&", line)
    names = []
    for part in parts:
        name = " ".join(part.split()).strip(" .")
        if not name:
            continue
        if _NAME.match(name) and 1 <= len(name.split()) <= 6:
            names.append(name)
    return names


def _looks_like_authors(block: Block, body: float) -> bool:
    text = block.text
    if (
        len(block.lines) > 6
        or AFFILIATION_RE.search(text)
        or _ends_sentence(text)
        and text.count(".") > 3 + text.count(". ")
    ):
        return False
    if STANDARD_HEADING_RE.match(text.rstrip(":.")):
        return False
    names = [n for n in split_authors(text) if len(n.split()) >= 2]
    return len(names) >= 1 and sum(len(n) for n in names) >= 0.6 * len(re.sub(r"[\W\d_]+", "", text)) * 0.9


def _is_affiliation(block: Block, body: float, after_heading: bool) -> bool:
    text = block.text
    if not AFFILIATION_RE.search(text):
        return False
    if _sentences(text) >= 2:
        return False
    if block.page == 1 and (not after_heading or block.size < body - SMALL_PRINT_STEP):
        return True
    return bool(re.match(r"^\d{1,2}\s*[A-Z]", text)) and text.count(",") >= 2 and block.size < body - SMALL_PRINT_STEP


def _sentences(text: str) -> int:
    """Sentences of running prose (four lower-case words in a row, then a full stop)."""
    return len(re.findall(r"[a-z]{2,}(?:,? [a-z][\w-]*){3,}[^.]{0,200}?[a-z)\]]\.(?:\s|$)", text))


def _is_prose(block: Block, body: float, measure: float) -> bool:
    """Running text: body-size print, several words per line, sentences."""
    if abs(block.size - body) > 0.6:
        return False
    text = block.text
    return _words(text) >= 25 and bool(re.search(r"[a-z]{3,}[.;] [A-Z]|[a-z]{3,}\.$", text))


def _is_debris(block: Block, body: float, measure: float) -> bool:
    """Figure labels, axis ticks, panel letters: short lines that are not sentences."""
    widest = max(line.x1 - line.x0 for line in block.lines)
    text = block.text
    if widest >= SHORT_LINE_RATIO * measure:
        return False
    if _is_prose(block, body, measure) and widest >= 0.3 * measure:
        return False
    sentence = bool(re.search(r"[a-z]{2,} [a-z]{2,} [a-z]{2,} [a-z]{2,}", text))
    return block.size < body - SMALL_PRINT_STEP or not sentence


REFERENCE_WITH_FIRST_ENTRY = re.compile(r"^(references?|bibliography|literature cited)\s+\[?1\]?\.?$", re.I)


def _named_section(block: Block, body: float) -> bool:
    """Back matter and reference-list headings, in any print size (journals set them small)."""
    text = block.text
    if len(block.lines) > 2 or _words(text) > 8 or not text[:1].isupper():
        return False
    stripped = re.sub(r"\s*[:.]$", "", text)
    return bool(
        BACK_MATTER_SECTION_RE.match(stripped)
        or REFERENCE_HEADING_RE.match(stripped)
        or REFERENCE_WITH_FIRST_ENTRY.match(text)
    )


def _followed_by_text(blocks: list[Block], i: int, body: float) -> bool:
    """A heading heads something: body text within the next few blocks (a subheading or a figure
    may come first)."""
    return any(_words(block.text) >= 8 and abs(block.size - body) <= 1.5 for block in blocks[i + 1 : i + 9])


def _subheading(blocks: list[Block], i: int, body: float) -> bool:
    """A short line in a style of its own (smaller print, or body size in bold or capitals) directly
    above a paragraph of body text that starts at the same left edge."""
    block = blocks[i]
    text = block.text
    if len(block.lines) > 2 or _words(text) > 12 or text.endswith((".", ",", ";", ":")) or not text[:1].isupper():
        return False
    if i + 1 >= len(blocks):
        return False
    nxt = blocks[i + 1]
    if abs(nxt.size - body) > 0.6 or _words(nxt.text) < 8 or nxt.page != block.page:
        return False
    below = 0 <= nxt.lines[0].top - block.lines[-1].bottom <= 1.6 * block.size
    aligned = abs(nxt.lines[0].x0 - block.lines[0].x0) <= 1.0 * body
    return below and aligned and (block.size <= body - SMALL_PRINT_STEP or text.isupper())


def _caption_title(text: str, m: re.Match[str]) -> str:
    label = f"{m.group(1).rstrip('.').capitalize()} {m.group(2)}"
    if label.lower().startswith("fig "):
        label = "Figure " + m.group(2)
    rest = text[m.end() :].strip(" .:|")
    first = re.match(r"(.{3,110}?[a-z0-9)\]])\.(?:\s|$)", rest)
    if first:
        return f"{label}: {first.group(1)}"
    return label if len(rest) > 110 or not rest else f"{label}: {rest}"


# --- 4b: tables, references, back matter -----------------------------------------------------------


def mark_tables(blocks: list[Block], body: float, measure: float) -> None:
    """After a table label, the cell blocks up to the next prose become the table."""
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "caption" and (block.title or "").lower().startswith("table"):
            j = i + 1
            cells: list[Block] = []
            while j < len(blocks):
                nxt = blocks[j]
                if nxt.kind in ("chrome",):
                    j += 1
                    continue
                if nxt.kind in ("heading", "caption", "title") or (
                    nxt.kind in ("text", "list") and _is_prose(nxt, body, measure) and not _cell_like(nxt, measure)
                ):
                    break
                if nxt.page != block.page and nxt.page != block.page + 1:
                    break
                if nxt.kind in ("text", "list", "figure", "front") and (
                    _cell_like(nxt, measure) or nxt.size < body - SMALL_PRINT_STEP
                ):
                    cells.append(nxt)
                    j += 1
                    continue
                break
            if cells:
                table = Block([ln for c in cells for ln in c.lines], kind="table", title=block.title)
                for c in cells:
                    c.kind = "merged"
                blocks.insert(i + 1, table)
                i += 1
        i += 1
    blocks[:] = [b for b in blocks if b.kind != "merged"]


def _cell_like(block: Block, measure: float) -> bool:
    widest = max(line.x1 - line.x0 for line in block.lines)
    return widest < SHORT_LINE_RATIO * measure


def table_rows(block: Block) -> list[str]:
    """Cells on one baseline become a row, left to right, separated by `` | ``."""
    rows: list[list[TextLine]] = []
    for line in sorted(block.lines, key=lambda ln: (ln.page, ln.top)):
        if rows and rows[-1][0].page == line.page and abs(rows[-1][0].top - line.top) <= 0.5 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [" | ".join(c.text for c in sorted(row, key=lambda ln: ln.x0)) for row in rows]


def split_references(blocks: list[Block]) -> list[str]:
    """Mark reference-list blocks (under a references heading, or recognised by their entries in
    the second half of the document) and return the entries."""
    entries: list[str] = []
    in_refs = False
    n = len(blocks)
    ref_lines: list[TextLine] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            title = block.title or ""
            if REFERENCE_HEADING_RE.match(title):
                in_refs = True
                block.kind = "reference"
                continue
            if in_refs and (_ENTRY_NUMBER.match(title) or _AUTHOR_INITIALS.search(title)):
                block.kind = "reference"
                ref_lines.extend(block.lines)
                continue
            if in_refs and not looks_like_reference(title):
                in_refs = False
        if block.kind not in ("text", "list", "front", "figure"):
            continue
        if in_refs and block.kind == "figure" and not re.fullmatch(r"\[?\d{1,4}[.\]]?", block.text.strip()):
            continue
        if _PUBLISHER_BOX.search(block.text):
            block.kind = "back"
            in_refs = False
            continue
        if in_refs or (i > n * 0.4 and looks_like_reference(block.text)):
            block.kind = "reference"
            ref_lines.extend(block.lines)
    entries = _entries(ref_lines)
    return entries


# Publisher boxes printed after the reference list (BMC, Springer, Dove...).
_PUBLISHER_BOX = re.compile(
    r"\bcite this article\b|\bsubmit your (?:next )?manuscript\b|\bsubmit your manuscript here\b", re.I
)


def _entries(lines: list[TextLine]) -> list[str]:
    """Reference entries from reference-list lines: by entry numbers, else by hanging indents."""
    if not lines:
        return []
    numbered = sum(1 for ln in lines if _ENTRY_NUMBER.match(ln.text))
    entries: list[list[str]] = []
    prev: TextLine | None = None
    for line in lines:
        starts = False
        if numbered >= 3:
            starts = bool(_ENTRY_NUMBER.match(line.text))
        elif prev is None or line.page != prev.page or line.x0 < prev.x0 - 2 and _ends_sentence(prev.text):
            starts = True
        elif (
            prev is not None
            and _ends_sentence(prev.text)
            and abs(line.x0 - prev.x0) < 2
            and re.match(r"^[A-Z][\w'’-]+,? (?:[A-Z]\.? ?){1,3}[,.]", line.text)
        ):
            starts = True
        if starts or not entries:
            entries.append([line.text])
        else:
            entries[-1].append(line.text)
        prev = line
    out = []
    for parts in entries:
        text = parts[0]
        for part in parts[1:]:
            text = text[:-1] + part if text.endswith("-") and part[:1].islower() else f"{text} {part}"
        out.append(text.strip())
    return [e for e in out if len(e) > 10]


def drop_back_matter(blocks: list[Block]) -> None:
    dropping = False
    for block in blocks:
        if block.kind == "heading":
            title = block.title or ""
            dropping = bool(BACK_MATTER_SECTION_RE.match(title))
            if dropping:
                block.kind = "back"
            continue
        if dropping and block.kind in ("text", "list", "caption", "table"):
            block.kind = "back"


def heading_levels(blocks: list[Block], body: float) -> None:
    """Level 1: the style of the standard headings (else the largest heading style); smaller or
    plainer styles nest under the level-1 heading before them."""
    headings = [b for b in blocks if b.kind == "heading"]
    if not headings:
        return
    standard = [b for b in headings if STANDARD_HEADING_RE.match(b.title or "")]
    ref = standard or headings
    top_size = max(b.size for b in ref) if not standard else statistics.median(b.size for b in standard)
    top_bold = any(b.lines[0].bold for b in ref)
    for b in headings:
        if b.run_in:
            continue
        numbered = re.match(r"^(\d+)((?:\.\d+)*)\.?\s", b.title or "")
        if numbered:
            b.level = 1 + (numbered.group(2).count(".") if numbered.group(2) else 0)
        elif STANDARD_HEADING_RE.match(b.title or ""):
            b.level = 1
        elif b.level == 1 and b.size >= top_size - 0.2 and (b.lines[0].bold or not top_bold):
            b.level = 1
        else:
            b.level = 2


# --- 5: run-in headings, paragraphs -----------------------------------------------------------------

_RUN_IN = re.compile(r"^([A-Z][A-Za-z /&-]{2,40}?)[:.]\s+(?=\S)")


def split_run_in_headings(blocks: list[Block]) -> list[Block]:
    """``Background: Knowledge regarding...`` -> a heading ``Background`` and its text, when the
    lead-in is printed bold or is a standard heading word (structured abstracts), also where such a
    line stands inside a block."""
    out: list[Block] = []
    for block in blocks:
        if block.kind not in ("text", "list"):
            out.append(block)
            continue
        current: list[TextLine] = []
        for line in block.lines:
            m = _RUN_IN.match(line.text)
            if (
                m
                and _words(m.group(1)) <= 5
                and (STANDARD_HEADING_RE.match(m.group(1)) or line.lead_bold >= len(m.group(1)))
            ):
                if current:
                    out.append(Block(current, kind=block.kind))
                head = m.group(1).strip()
                out.append(
                    Block(
                        [TextLine(head, line.page, line.x0, line.top, line.x0, line.bottom, line.size, True)],
                        kind="heading",
                        title=head,
                        level=2,
                        run_in=True,
                    )
                )
                current = [
                    TextLine(line.text[m.end() :], line.page, line.x0, line.top, line.x1, line.bottom, line.size, False)
                ]
                continue
            current.append(line)
        if current:
            out.append(Block(current, kind=block.kind))
    return out


def split_paragraphs(block: Block, measure: float) -> list[list[TextLine]]:
    """A text block split where a short line ends a sentence and the next is indented or new."""
    paras: list[list[TextLine]] = [[]]
    right = max(line.x1 for line in block.lines)
    left = min(line.x0 for line in block.lines)
    for i, line in enumerate(block.lines):
        if paras[-1]:
            prev = paras[-1][-1]
            short = prev.x1 < right - 1.5 * prev.size
            indented = line.x0 > left + 0.6 * line.size and i > 0
            if (
                (short and _ends_sentence(prev.text))
                or (indented and _ends_sentence(prev.text))
                or BULLET_RE.match(line.text)
            ):
                paras.append([])
        paras[-1].append(line)
    return [p for p in paras if p]


def analyse(pages: list[Page]) -> Article:
    """Layout analysis of a whole PDF (see the module docstring)."""
    pages, dropped, chrome_text = prepare_pages(pages)
    body = body_font_size(pages)
    measure = body_measure(pages, body)
    blocks = group_blocks(pages, body, measure)
    title, authors_line, front_text = classify(blocks, pages, body, measure, column_edges(pages, body))
    if not any(b.kind in ("text", "list", "heading", "table", "caption") for b in blocks):
        # no body at all (a note, a one-paragraph abstract page): its prose front matter is the text
        for b in blocks:
            if b.kind == "front" and _sentences(b.text):
                b.kind = "text"
    blocks = split_run_in_headings(blocks)
    mark_tables(blocks, body, measure)
    bibliography = split_references(blocks)
    drop_back_matter(blocks)
    heading_levels(blocks, body)
    for b in blocks:
        if b.kind not in ("text", "list", "heading", "table", "caption"):
            dropped[b.kind] += len(b.lines)
    body_blocks = tuple(b for b in blocks if b.kind in ("text", "list", "heading", "table", "caption"))
    return Article(
        blocks=body_blocks,
        title=title,
        authors_line=authors_line,
        front_text="\n".join(front_text),
        header_text="\n".join(chrome_text),
        back_text="\n".join(b.text for b in blocks if b.kind == "back"),
        bibliography=tuple(bibliography),
        body_size=body,
        dropped=dropped,
    )
