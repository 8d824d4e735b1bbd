"""Cleaning extracted text into paragraphs and sections (pure functions; no I/O).

Input is the text of each page (one page for plain text); output is a ``CleanDocument``
whose offsets everything downstream refers to. What it does:

* undoes PDF line-break hyphenation (``esti-`` + ``mated`` -> ``estimated``) while keeping
  real hyphens (``life-threatening``), deciding from the document's own vocabulary first;
* joins wrapped lines into paragraphs, also across column and page breaks;
* drops web chrome (navigation, sharing, advisory banners, review status), back matter
  (reference lists) and disclaimers;
* keeps headings as the section of the text under them;
* lifts floats (key-point panels, boxes, figure captions, tables) out of the sentence they
  interrupt and keeps them as sections of their own; flattened tables become ``table``
  sections that are never glued to prose.

Text is normalised first (``ingest.normalize.normalize_text``: NFKC, so ligatures such as ``ﬁ``
become ``fi``; control and invisible characters removed) and leaked glyph names are dropped.
PDFs do not come through ``clean_pages``: their layout is analysed first (``ingest.layout``) and
``clean_article`` assembles the blocks it keeps.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ingest.layout import Article, split_paragraphs, table_rows
from ingest.lexicon import (
    BACK_MATTER_HEADINGS,
    BOILERPLATE_RE,
    BULLET_RE,
    COMPOUND_LEFT_PARTS,
    DROP_SECTION_HEADINGS,
    FLOAT_LABEL_RE,
    INLINE_NOISE_RE,
    NUMBER_BEFORE_PERIOD_WORDS,
)
from ingest.normalize import normalize_text
from ingest.pdf_chars import TextLine
from ingest.records import CELL_SEPARATOR, CleanDocument, Section

Line = tuple[str, int | None]  # (text, page)

_ENDS_SENTENCE = re.compile(r"[.!?:][\"'”’)\]]*(\d{1,3}([,–-]\d{1,3})*)?$")
_WORD = re.compile(r"[^\W\d_][^\W\d_\-]*(?:-[^\W\d_]+)*")
_CITE_AFTER_PERIOD = re.compile(r"(?<=[a-z\)])\.(\d{1,3}(?:[,–-]\d{1,3})*)(?=\s|$)")
_CITE_AFTER_COMMA = re.compile(r"(?<=[a-z]),(\d{1,3}(?:[,–-]\d{1,3})*)(?=\s|$)")
_CITE_AFTER_WORD = re.compile(r"\b([a-z]{4,})(\d{1,2}(?:,\d{1,2})*)(?=[\s,.;:)]|$)")
_WEB_CITE = re.compile(r"(?<=[A-Za-z\)]) (\d{1,2}(?:, ?\d{1,2})*)(?=\.(?:\s|$))")
_HYPHEN_CHARS = str.maketrans({"\u2010": "-", "\u2011": "-"})
# Glyph names that some PDF producers leak into the text layer (``/H20841``, ``/uni00A0``, ``(cid:12)``).
GLYPH_NAME_RE = re.compile(r"/(?:[A-Z]\d{4,}|uni[0-9A-Fa-f]{4,6}|g\d{2,5})\b|\(cid:\d+\)")
_FLOAT_TITLE = re.compile(r"^((?:figure|fig\.|table|box|panel) \d+|key points)", re.I)


@dataclass
class _Block:
    kind: str  # heading | text | list | table | box | caption
    pieces: list[Line] = field(default_factory=list)
    title: str | None = None


# Inline TeX that web pages render with MathJax and text extraction keeps as source: "$> 38^{\circ} C$". Only a
# $...$ span holding a TeX command or a braced super- or subscript is math ("$5 and $10" is money).
_INLINE_TEX = re.compile(r"\$([^$\n]{0,80}?(?:\\[A-Za-z]+|[\^_]\{)[^$\n]{0,80}?)\$")
_TEX_SYMBOLS = {
    "circ": "°", "degree": "°", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "times": "×", "pm": "±",
    "mu": "µ", "alpha": "α", "beta": "β", "gamma": "γ", "approx": "≈", "sim": "~", "lt": "<", "gt": ">",
    "%": "%",
}  # fmt: skip


def _plain_tex(match: re.Match[str]) -> str:
    """A $...$ span as plain text: symbols for their commands, text commands' words, no braces or carets."""
    tex = re.sub(r"\\(?:text|mathrm|mathit|textrm)\{([^{}]*)\}", r"\1", match.group(1))
    tex = re.sub(r"\\([A-Za-z]+|%)", lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)), tex)
    tex = tex.replace("{", "").replace("}", "").replace("^", "").replace("_", "")
    tex = re.sub(r"°\s+([CF])\b", r"°\1", tex)  # "38° C" -> "38°C"
    return " ".join(tex.split())


def normalise(text: str) -> str:
    """NFKC (ligatures ``ﬁ`` -> ``fi``), no control, invisible or soft-hyphen characters
    (``ingest.normalize.normalize_text``), leaked glyph names removed, inline TeX as plain text ("$> 38^{\circ}
    C$" -> "> 38°C"), unified line ends and spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = normalize_text(text).replace("\f", "\n")
    text = GLYPH_NAME_RE.sub("", text)
    text = _INLINE_TEX.sub(_plain_tex, text)
    text = re.sub(r"[\u00a0\u2009\u202f\t]", " ", text)
    return text.translate(_HYPHEN_CHARS)


def is_wrapped(lines: list[str]) -> bool:
    """True for hard-wrapped text (PDF extraction, wrapped Markdown): short lines of similar width."""
    lengths = [len(s.strip()) for s in lines if len(s.strip()) > 25]
    return bool(lengths) and statistics.median(lengths) <= 100


def document_vocabulary(text: str) -> tuple[set[str], set[str]]:
    """Words seen unbroken in the document: (plain words, hyphenated words), lower-cased."""
    plain: set[str] = set()
    hyphenated: set[str] = set()
    for line in text.split("\n"):
        core = line.rstrip()
        if core.endswith("-"):
            core = core[: core.rfind(" ") + 1] if " " in core else ""
        for word in _WORD.findall(core):
            (hyphenated if "-" in word else plain).add(word.lower())
    return plain, hyphenated


def join_hyphenated(left: str, right: str, plain: set[str], hyphenated: set[str]) -> str:
    """Join a word broken at a line end: ``esti-``/``mated`` -> ``estimated``; keep real hyphens."""
    lw = re.search(r"([^\W\d_]+) ?-$", left)
    rw = re.match(r"([^\W\d_]+)", right)
    if not lw or not rw:
        return left + right
    if left.endswith(" -"):  # "glu -" + "cose": a space before the hyphen; join only a known word
        joined = (lw.group(1) + rw.group(1)).lower()
        return left[:-2] + right if joined in plain else left + " " + right
    a, b = lw.group(1), rw.group(1)
    joined, dashed = (a + b).lower(), f"{a}-{b}".lower()
    if right[:1].isupper() or dashed in hyphenated:
        keep = True
    elif joined in plain:
        keep = False
    else:
        keep = a.lower() in COMPOUND_LEFT_PARTS
    return left + right if keep else left[:-1] + right


def strip_citation_marks(line: str, wrapped: bool) -> str:
    """Remove reference numbers: ``medication.1,2`` -> ``medication.``, ``as needed 1.`` -> ``as needed.``
    (and, in hard-wrapped PDF text, ``exercise21`` -> ``exercise``)."""
    line = INLINE_NOISE_RE.sub("", line)
    line = _CITE_AFTER_PERIOD.sub(".", line)
    line = _CITE_AFTER_COMMA.sub(",", line)
    if wrapped:
        line = _CITE_AFTER_WORD.sub(r"\1", line)

    def web(match: re.Match[str]) -> str:
        before = line[: match.start()].rsplit(" ", 1)[-1].lower()
        return match.group(0) if before in NUMBER_BEFORE_PERIOD_WORDS else ""

    return _WEB_CITE.sub(web, line)


def _ends_sentence(text: str) -> bool:
    return bool(_ENDS_SENTENCE.search(text.rstrip()))


def _starts_lower(text: str) -> bool:
    s = text.lstrip()
    return bool(s) and (s[0].islower() or s[0] in ",;)")


def _word_count(text: str) -> int:
    return len(text.split())


def _is_heading_text(text: str, max_words: int) -> bool:
    s = text.strip()
    if not s or BULLET_RE.match(s) or not (s[0].isupper() or s[0].isdigit()):
        return False
    if s.endswith(":"):
        return _word_count(s) <= 3
    if s[-1] in ".,;" or _word_count(s) > max_words:
        return False
    return True


def _next_nonblank(lines: list[Line], i: int) -> int:
    while i < len(lines) and not lines[i][0].strip():
        i += 1
    return i


def _append(block: _Block, text: str, page: int | None, plain: set[str], hyph: set[str]) -> None:
    text = text.strip()
    if not text:
        return
    if block.pieces:
        prev, prev_page = block.pieces[-1]
        if re.search(r"[^\W\d_] ?-$", prev) and text[:1].isalpha():
            block.pieces[-1] = (join_hyphenated(prev, text, plain, hyph), prev_page)
            return
    block.pieces.append((text, page))


def _read_float(lines: list[Line], i: int) -> tuple[_Block, int]:
    """A float starts at lines[i]; it ends at the next indented block start or a double blank line."""
    raw, page = lines[i]
    indented = raw[:1].isspace()
    label = raw.strip()
    kind = {"table": "table", "figure": "caption", "fig.": "caption"}.get(label.split(" ")[0].lower(), "box")
    body: list[Line] = [(raw.strip(), page)]
    j, blanks = i + 1, 0
    while j < len(lines):
        text, pg = lines[j]
        if not text.strip():
            blanks += 1
            if blanks >= 2 or (not indented and kind != "table"):
                break
            body.append(("", pg))
        else:
            if indented and text[:1].isspace():
                break
            blanks = 0
            body.append((text.rstrip(), pg))
        j += 1
    # Title: the first stanza when short, else the label and its first sentence.
    first: list[str] = []
    for text, _ in body:
        if not text:
            break
        first.append(text.strip())
    stanza = " ".join(first)
    match = _FLOAT_TITLE.match(label)
    if _word_count(stanza) <= 20:
        title, rest = stanza, body[len(first) :]
    else:
        head = re.match(r"(.+?\.)\s", stanza)
        title = (head.group(1) if head else (match.group(1) if match else label)).rstrip(".:")
        rest = body
    block = _Block(kind=kind, title=title.rstrip("*").strip(), pieces=list(rest))
    return block, j


MIN_CELL_ROWS = 2  # lines in a row with as many cells: a table's rows


def _cell_rows_end(lines: list[Line], i: int) -> int:
    """The end of the run of lines from ``i`` that each hold the same number (at least two) of marked cells, when at
    least MIN_CELL_ROWS long; else ``i``."""
    cells = lines[i][0].count(CELL_SEPARATOR)
    if not cells:
        return i
    end = i
    while end < len(lines) and lines[end][0].strip() and lines[end][0].count(CELL_SEPARATOR) == cells:
        end += 1
    return end if end - i >= MIN_CELL_ROWS else i


def _parse_wrapped(lines: list[Line], plain: set[str], hyph: set[str]) -> list[_Block]:
    blocks: list[_Block] = []
    floats: list[_Block] = []
    cur: _Block | None = None
    widths = [len(t.strip()) for t, _ in lines if len(t.strip()) > 25]
    typical = statistics.median(widths) if widths else 60
    prev_blank = True
    i = 0

    def flush() -> None:
        nonlocal cur
        if cur and cur.pieces:
            blocks.append(cur)
        cur = None
        blocks.extend(floats)
        floats.clear()

    while i < len(lines):
        raw, page = lines[i]
        text = raw.strip()
        if not text:
            prev_blank = True
            i += 1
            continue
        unfinished = cur is not None and cur.kind in ("text", "list") and not _ends_sentence(cur.pieces[-1][0])
        if FLOAT_LABEL_RE.match(text) and (raw[:1].isspace() or prev_blank or cur is None):
            block, i = _read_float(lines, i)
            (floats if unfinished else blocks).append(block)
            if not unfinished:
                flush_floats = blocks.pop()
                flush()
                blocks.append(flush_floats)
            prev_blank = True
            continue
        rows_end = _cell_rows_end(lines, i)
        if rows_end > i:  # a table's rows, cells marked (a Markdown table): a table, however the prose is laid out
            flush()
            blocks.append(_Block(kind="table", pieces=[(t.strip(), p) for t, p in lines[i:rows_end]]))
            i = rows_end
            prev_blank = True
            continue
        nxt = _next_nonblank(lines, i + 1)
        if unfinished:
            if prev_blank and not _starts_lower(text) and _word_count(text) <= 4 and nxt < len(lines):
                following = lines[nxt][0]
                if _starts_lower(following) and not lines[i + 1][0].strip():
                    i += 1  # a running head or page label inside an interrupted sentence
                    continue
            assert cur is not None  # an unfinished block is open
            if not BULLET_RE.match(text) and (not prev_blank or _starts_lower(text) or cur.pieces[-1][0].endswith("-")):
                _append(cur, text, page, plain, hyph)
                prev_blank = False
                i += 1
                continue
        # A heading: a short stanza between blank lines, or a short line followed by a new paragraph.
        stanza_end = i
        while stanza_end < len(lines) and lines[stanza_end][0].strip():
            stanza_end += 1
        stanza = " ".join(t.strip() for t, _ in lines[i:stanza_end])
        if prev_blank and stanza_end - i <= 3 and _is_heading_text(stanza, 16) and not text.endswith("-"):
            flush()
            blocks.append(_Block(kind="heading", title=stanza))
            i = stanza_end
            prev_blank = True
            continue
        if (
            _is_heading_text(text, 8)
            and len(text) < 0.7 * typical
            and i + 1 < len(lines)
            and lines[i + 1][0].strip()[:1].isupper()
        ):
            flush()
            blocks.append(_Block(kind="heading", title=text))
            i += 1
            prev_blank = True
            continue
        if BULLET_RE.match(text):
            flush()
            cur = _Block(kind="list")
            _append(cur, BULLET_RE.sub("", text), page, plain, hyph)
        elif cur is not None and cur.kind in ("text", "list") and not prev_blank:
            _append(cur, text, page, plain, hyph)
        else:
            flush()
            cur = _Block(kind="text")
            _append(cur, text, page, plain, hyph)
        prev_blank = False
        i += 1
    flush()
    return blocks


PROSE_LINE_WORDS = 15  # a line this long that ends a sentence is a paragraph, not a table row
PROSE_HEADING_WORDS = 4  # ... and a line this short above such paragraphs is their heading


def _is_prose_run(texts: list[str]) -> bool:
    """Whether lines that follow each other without a blank line are paragraphs rather than a table's rows: each
    is long and ends a sentence (a structured abstract's "Methods: ..." / "Results: ..." lines), after at most a
    short heading ("Abstract"). A table whose cells are sentences still has a header row of labels."""
    if _word_count(texts[0]) <= PROSE_HEADING_WORDS and not _ends_sentence(texts[0].strip()):
        texts = texts[1:]
    return all(_word_count(t) >= PROSE_LINE_WORDS and _ends_sentence(t.strip()) for t in texts)


def _parse_unwrapped(lines: list[Line]) -> list[_Block]:
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        text, page = lines[i][0].strip(), lines[i][1]
        if not text:
            i += 1
            continue
        run_end = i
        while run_end < len(lines) and lines[run_end][0].strip() and not BULLET_RE.match(lines[run_end][0]):
            run_end += 1
        if run_end - i >= 3 and not _is_prose_run([t for t, _ in lines[i:run_end]]):
            blocks.append(_Block(kind="table", pieces=[(t.strip(), p) for t, p in lines[i:run_end]]))
            i = run_end
            continue
        if BULLET_RE.match(text):
            blocks.append(_Block(kind="list", pieces=[(BULLET_RE.sub("", text), page)]))
        elif _is_heading_text(text, 12) or (text.endswith("?") and _word_count(text) <= 14 and text[0].isupper()):
            blocks.append(_Block(kind="heading", title=text))
        else:
            blocks.append(_Block(kind="text", pieces=[(text, page)]))
        i += 1
    return blocks


def _drop_back_matter(blocks: list[_Block]) -> list[_Block]:
    kept: list[_Block] = []
    dropping = False
    for block in blocks:
        if block.kind == "heading":
            title = (block.title or "").strip().rstrip(":")
            if BACK_MATTER_HEADINGS.match(title):
                break
            dropping = bool(DROP_SECTION_HEADINGS.match(title))
            if dropping:
                continue
        if not dropping:
            kept.append(block)
    return kept


def clean_pages(pages: list[str], page_numbers: list[int | None] | None = None) -> CleanDocument:
    """Clean the text of a document given page by page (a text file is one page)."""
    numbers = page_numbers or [None] * len(pages)
    raw_lines: list[Line] = []
    for text, number in zip(pages, numbers):
        for line in normalise(text).split("\n"):
            raw_lines.append((line.rstrip(), number))
    wrapped = is_wrapped([t for t, _ in raw_lines])
    lines: list[Line] = []
    for text, page in raw_lines:
        stripped = text.strip()
        if stripped and BOILERPLATE_RE.match(stripped):
            continue
        cleaned = strip_citation_marks(text, wrapped)
        cleaned = re.sub(r"(?<=\S) {2,}", " ", cleaned)
        lines.append((cleaned, page))
    plain, hyph = document_vocabulary("\n".join(t for t, _ in lines))
    blocks = _parse_wrapped(lines, plain, hyph) if wrapped else _parse_unwrapped(lines)
    return _assemble(_drop_back_matter(blocks))


def clean_text(text: str) -> CleanDocument:
    """Clean a plain-text document."""
    return clean_pages([text])


def _assemble(blocks: list[_Block], nest_headings: bool = True) -> CleanDocument:
    out: list[str] = []
    pos = 0
    sections: list[Section] = []
    paragraphs: list[tuple[int, int]] = []
    page_starts: list[tuple[int, int]] = []
    heading: str | None = None
    sec_start: int | None = None
    sec_kind = "text"

    def write(s: str, page: int | None) -> tuple[int, int]:
        nonlocal pos
        if out:
            out.append("\n\n")
            pos += 2
        if page is not None and (not page_starts or page_starts[-1][1] != page):
            page_starts.append((pos, page))
        start = pos
        out.append(s)
        pos += len(s)
        return start, pos

    def close_section() -> None:
        nonlocal sec_start
        if sec_start is not None and pos > sec_start:
            sections.append(Section(title=heading, kind=sec_kind, start=sec_start, end=pos))
        sec_start = None

    body_heading: str | None = None
    parent: str | None = None
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            close_section()
            if not nest_headings:  # the title is the full path already (PDF layout analysis)
                heading = body_heading = block.title
                write((block.title or "").split(" › ")[-1], block.pieces[0][1] if block.pieces else None)
                continue
            title = _unglue(block.title or "")
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            if nxt is not None and nxt.kind == "heading" and index > 0:
                parent = title  # a heading with no text of its own heads the ones below it
            heading = body_heading = f"{parent} › {title}" if parent and parent != title else title
            write(title, None)
            continue
        if block.kind in ("table", "box", "caption"):
            close_section()
            outer = heading
            heading, sec_kind = block.title or (f"{body_heading} (table)" if body_heading else "Table"), block.kind
            if block.kind == "table":
                rows = [t for t, _ in block.pieces if t.strip()]
                if rows:
                    page = block.pieces[0][1]
                    sec_start = pos + (2 if out else 0)
                    start, end = write("\n".join(rows), page)
                    paragraphs.append((start, end))
            else:
                sec_start = pos + (2 if out else 0)
                for para in _paragraphs_of(block):
                    start, end = write(para[0], para[1])
                    paragraphs.append((start, end))
            close_section()
            heading, sec_kind = outer, "text"
            continue
        if sec_start is None:
            sec_start = pos + (2 if out else 0)
            sec_kind = "text"
        text = _join_pieces(block.pieces)
        first_page = block.pieces[0][1] if block.pieces else None
        start, end = write(text, first_page)
        # record page changes inside the paragraph
        offset = start
        for piece, page in block.pieces:
            if page is not None and page_starts and page_starts[-1][1] != page:
                page_starts.append((offset, page))
            offset += len(piece) + 1
        paragraphs.append((start, end))
    close_section()
    return CleanDocument(
        text="".join(out), sections=tuple(sections), paragraphs=tuple(paragraphs), page_starts=tuple(page_starts)
    )


def _unglue(title: str) -> str:
    """Split words glued by web extraction in a heading: ``MedicineNeuroleptic`` -> ``Medicine: Neuroleptic``."""
    return re.sub(r"(?<=[a-z]{3})(?=[A-Z][a-z]{3})", ": ", title)


def _join_pieces(pieces: list[Line]) -> str:
    return " ".join(t for t, _ in pieces if t)


def _paragraphs_of(block: _Block) -> list[tuple[str, int | None]]:
    """Split a box or caption body into paragraphs: bullets and blank-line stanzas."""
    paras: list[tuple[str, int | None]] = []
    current: list[Line] = []

    def close() -> None:
        if current:
            paras.append((_join_pieces(current), current[0][1]))
            current.clear()

    for text, page in block.pieces:
        if not text.strip():
            close()
        elif BULLET_RE.match(text):
            close()
            current.append((BULLET_RE.sub("", text.strip()), page))
        elif current and current[-1][0].endswith("-") and text.strip()[:1].islower():
            prev, pg = current[-1]
            current[-1] = (join_hyphenated(prev, text.strip(), set(), set()), pg)
        else:
            current.append((text.strip(), page))
    close()
    return paras


# --- PDFs: from layout analysis (ingest.layout) ---------------------------------------------------


def clean_article(article: Article) -> CleanDocument:
    """The cleaned text of a PDF article from its layout blocks.

    Paragraphs are joined across column and page breaks while a sentence runs on; a caption or
    table met inside an unfinished paragraph is placed after it; line-end hyphens are undone with
    the document's own vocabulary; headings nest (``Results › Patient characteristics``)."""
    all_lines = [line.text for b in article.blocks for line in b.lines]
    plain, hyph = document_vocabulary("\n".join(all_lines))
    out: list[_Block] = []
    pending_floats: list[_Block] = []
    path: list[str] = []
    open_para: _Block | None = None
    last_line: TextLine | None = None

    def close_paragraph() -> None:
        nonlocal open_para
        open_para = None
        out.extend(pending_floats)
        pending_floats.clear()

    for block in article.blocks:
        if block.kind == "heading":
            close_paragraph()
            title = block.title or block.text
            if block.level <= 1 or not path:
                path = [title]
            else:
                path = path[:1] + [title]
            out.append(_Block(kind="heading", title=" › ".join(path), pieces=[(title, block.page)]))
            last_line = None
            continue
        if block.kind in ("caption", "table"):
            if block.kind == "caption":
                pieces = _join_lines(block.lines, plain, hyph)
                text = " ".join(t for t, _ in pieces)
                float_block = _Block(kind="caption", title=block.title, pieces=[(text, block.page)])
            else:
                float_block = _Block(
                    kind="table", title=block.title, pieces=[(row, block.page) for row in table_rows(block)]
                )
            if open_para is not None:
                pending_floats.append(float_block)
            else:
                out.append(float_block)
            continue
        paragraphs = split_paragraphs(block, 0.0)
        for k, lines in enumerate(paragraphs):
            first = lines[0]
            continues = (
                k == 0
                and open_para is not None
                and last_line is not None
                and _runs_on(last_line, first)
                and not BULLET_RE.match(first.text)
            )
            if continues:
                assert open_para is not None
                for text, page in _join_lines(lines, plain, hyph):
                    _append(open_para, text, page, plain, hyph)
            else:
                close_paragraph()
                kind = "list" if BULLET_RE.match(first.text) else "text"
                pieces = _join_lines(lines, plain, hyph)
                if kind == "list":
                    pieces[0] = (BULLET_RE.sub("", pieces[0][0]), pieces[0][1])
                open_para = _Block(kind=kind, pieces=pieces)
                out.append(open_para)
            last_line = lines[-1]
            if _ends_sentence(last_line.text):
                close_paragraph()
                open_para = None
    close_paragraph()
    return _assemble([b for b in out if b.kind == "heading" or b.pieces], nest_headings=False)


def _runs_on(prev: TextLine, line: TextLine) -> bool:
    """Does ``line`` continue the sentence that ``prev`` left unfinished (across a column or page)?"""
    if _ends_sentence(prev.text):
        return False
    return (
        prev.text.endswith("-")
        or line.text[:1].islower()
        or line.text[:1] in ",;)("
        or line.page != prev.page
        or line.top < prev.top
    )


def _join_lines(lines: list[TextLine], plain: set[str], hyph: set[str]) -> list[Line]:
    """Lines of one paragraph joined, one piece per page, line-end hyphens undone."""
    pieces: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if pieces:
            prev, page = pieces[-1]
            if re.search(r"[^\W\d_] ?-$", prev) and text[:1].isalpha():
                pieces[-1] = (join_hyphenated(prev, text, plain, hyph), page)
                continue
            if page == line.page:
                pieces[-1] = (f"{prev} {text}", page)
                continue
        pieces.append((text, line.page))
    return pieces
