"""The metadata a researcher cites by, read from the document itself (pure; no I/O).

Title, authors, journal, year, DOI and PMID as printed on a paper's first page (its title block,
author line, running heads and citation lines), the article type it prints ("Research Article",
"Review", "Case Report"...), and the evidence type that type maps to, or, when none is printed,
the one its structure and genre wording imply (``ingest.lexicon``: structured abstracts, case-report
wording, review wording, guideline and patient-information wording, letters). ``unknown`` only when
nothing tells. The manifest and a maintainer's bibliography override all of it (``ingest.reader``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.layout import Article, split_authors
from ingest.lexicon import (
    AFFILIATION_RE,
    ARTICLE_TYPES,
    BANNER_PARTS_RE,
    BODY_OPENING_RE,
    BYLINE_RE,
    CAPTION_RE,
    CASE_REPORT_CUE_RE,
    CASE_SERIES_CUE_RE,
    CHROME_LINE_RE,
    CITATION_LINE_RE,
    DATED_LINE_RE,
    DEGREE_RE,
    DRUG_REFERENCE_HEADINGS,
    EDUCATIONAL_HEADING_RE,
    ENCYCLOPEDIA_HEADINGS,
    FRONT_MATTER_RE,
    GUIDELINE_CUE_RE,
    GUIDELINE_HEADING_RE,
    HYPOTHESIS_CUE_RE,
    LETTER_CUE_RE,
    PATIENT_CUE_RE,
    POOLED_CASES_CUE_RE,
    PUBLICATION_TYPES_LINE_RE,
    REVIEW_ABSTRACT_LABEL_RE,
    REVIEW_CUE_RE,
    SOURCE_BANNER_RE,
    STANDARD_HEADING_RE,
    TEXTBOOK_CUE_RE,
)
from ingest.records import CleanDocument, EvidenceType

DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"<>,;]+", re.I)
PMID_RE = re.compile(r"\bPMID:?\s*(\d{6,9})\b")
_YEAR = r"(?:19|20)\d{2}"
# A journal citation line: "Nucleic Acids Research, 2024, 52, 4151–4166", "International
# Psychogeriatrics (2014), 26:1, 147–154", "Cancers 2022, 14, 4849", "BMC Health Services Research
# 2014, 14:1", "Proceedings of Machine Learning for Healthcare 2017".
_JOURNAL_WORD = r"(?:[A-Z][\w'’.&-]*|\([A-Z][\w .]{1,30}\)|of|and|for|in|the|on|&|de|der|und)"
_MONTH_DAY = r"(?:\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?(?:\s+\d{1,2})?)?"
JOURNAL_LINE_RE = re.compile(
    rf"(?:^|et al\.?,?\s+|\.\s+)(?P<journal>[A-Z][\w'’.&-]*(?:\s+{_JOURNAL_WORD}){{0,9}}?)[,.]?\s+\(?(?P<year>{_YEAR})\)?{_MONTH_DAY}"
    rf"(?:\s*[,;:]\s*(?:Vol\.?\s*)?\d|\s+\d{{1,4}}\s*[:(]|\s*$|\s*[,;]\s*$|\s+[—–·|]\s|\.\s+(?:doi|pmid)\b)"
)
# "European Psychiatry, Volume 66, Supplement S1 (March 2023)": the journal before its volume.
VOLUME_LINE_RE = re.compile(rf"^(?P<journal>[A-Z][\w'’.&-]*(?:\s+{_JOURNAL_WORD}){{0,9}}?),\s*(?:Volume|Vol\.?)\s*\d+")
_NOT_JOURNAL = re.compile(
    r"^(?:©|copyright|received|accepted|published|revised|vol\b|volume|page|downloaded|the author|citation)", re.I
)
_DATED_RE = re.compile(rf"\b(?:published|accepted|received|publication date)\b[^\n]{{0,40}}?\b({_YEAR})\b", re.I)
# A PubMed-style author list ("Sakkas P, Davis JM, Janicak PG."): surnames, then initials.
_PUBMED_NAME = r"[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,2}\s[A-Z]{1,3}"
_PUBMED_AUTHORS_RE = re.compile(rf"^{_PUBMED_NAME}(?:,\s*{_PUBMED_NAME})*(?:,?\s*et al)?\.?$")
_PUBMED_AUTHORS_PREFIX_RE = re.compile(rf"^(?P<names>{_PUBMED_NAME}(?:,\s*{_PUBMED_NAME})*)\.\s+\S")
# Words that may stand lower-case inside a name ("Ludwig van Beethoven", "Maria de la Cruz").
_NAME_PARTICLES = frozenset("de da van von der den del di le la y dos du ter bin".split())

# A title must not be one of these: a journal banner, a float label, a site's chrome.
_TITLE_REJECT = re.compile(
    r"^(?:microsoft word|untitled|document\d*|title|\d+)\b|^\S+$|\.(?:docx?|pdf|tex|indd)\b", re.I
)


@dataclass(frozen=True)
class DocumentMetadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    article_type: str | None = None  # as printed ("Research Article")
    evidence_type: str | None = None  # from the printed type, or inferred from structure/wording
    evidence_reason: str | None = None  # what the evidence type was read from
    keywords: tuple[str, ...] = field(default_factory=tuple)


def _skeleton(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


_TYPE_BY_SKELETON = {_skeleton(name): (name, kind) for name, kind in ARTICLE_TYPES}


def _banner_parts(line: str) -> list[str]:
    """A line, then its parts as a banner separates them ("Journal 2020 · Review · DOI ...",
    "Critical Care, 2007 — Letter", "Research article. Publication types ..."), then what parts
    hold in parentheses ("Abstract (case report)")."""
    line = line.strip()
    parts = [line, *BANNER_PARTS_RE.split(line)]
    return parts + [inner for part in parts for inner in re.findall(r"\(([^()]{3,40})\)", part)]


def printed_article_type(lines: list[str]) -> tuple[str, str] | None:
    """The article type printed as a line of its own or a part of a banner, and its evidence type."""
    for line in lines:
        for part in _banner_parts(line):
            key = _skeleton(part)
            if key in _TYPE_BY_SKELETON and len(part) <= 60:
                name, kind = _TYPE_BY_SKELETON[key]
                return " ".join(
                    w if w.isupper() and len(w) > 1 and w not in ("RESEARCH", "ARTICLE", "REVIEW") else w.capitalize()
                    for w in name.split()
                ), kind
    return None


def publication_types(text: str) -> tuple[str, str | None] | None:
    """A "Publication types: Case Reports; Journal Article" line (PubMed) as printed, and the
    evidence type its types name; ``None`` for the evidence type when they name different kinds
    ("Case Reports; Review": the document's structure decides). Generic types ("Journal Article",
    "Research Support, ...") name no kind."""
    m = PUBLICATION_TYPES_LINE_RE.search(text)
    if not m:
        return None
    printed = m.group(1).strip()
    kinds = {_TYPE_BY_SKELETON[key][1] for t in printed.split(";") if (key := _skeleton(t)) in _TYPE_BY_SKELETON}
    return printed, (kinds.pop() if len(kinds) == 1 else None)


def find_doi(*texts: str) -> str | None:
    for text in texts:
        for m in DOI_RE.finditer(text or ""):
            doi = m.group(0).rstrip(".)]}")
            if "/" in doi and len(doi) > 8:
                return doi
    return None


def find_journal(lines: list[str]) -> tuple[str | None, int | None]:
    """The journal name and year from citation lines (running heads, the first page's header)."""
    best: tuple[str, int] | None = None
    for line in lines:
        for m in JOURNAL_LINE_RE.finditer(line.strip()):
            journal = m.group("journal").strip(" ,.")
            if _NOT_JOURNAL.match(journal) or len(journal) < 3 or journal.lower() in ("et al", "and"):
                continue
            if re.fullmatch(r"[A-Z][a-z]+ [A-Z]\.?", journal):  # "Smith J" is an author, not a journal
                continue
            candidate = (journal, int(m.group("year")))
            if best is None or len(_skeleton(candidate[0])) > len(_skeleton(best[0])):
                best = candidate
    if best is None:
        for line in lines:
            volume = VOLUME_LINE_RE.match(line.strip())
            year = re.search(rf"\b({_YEAR})\b", line)
            if volume and year and not _NOT_JOURNAL.match(volume.group("journal")):
                return volume.group("journal").strip(" ,."), int(year.group(1))
    return (best[0], best[1]) if best else (None, None)


def plausible_title(text: str | None) -> bool:
    if not text:
        return False
    text = text.strip()
    words = text.split()
    if not 3 <= len(text) <= 300 or _TITLE_REJECT.search(text) or CAPTION_RE.match(text) or CHROME_LINE_RE.match(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 0.6 * len(text.replace(" ", "")) and (len(words) >= 2)


def infer_evidence_type(title: str, headings: list[str], text: str, front: str = "") -> tuple[str | None, str | None]:
    """Evidence type from a document's own title, structure and genre wording; (None, None) if
    nothing tells. ``front`` is its title block (banners, citation lines). Cues are kinds of
    documents (``ingest.lexicon``), never topics; the first that speaks decides, strongest first."""
    lowered_title = title.lower()
    from ingest.manifest import infer_evidence_type as title_cue

    normalised = {re.sub(r"^[\d.\s]+", "", part).strip().lower() for h in headings for part in h.split(" › ")}
    head = text[:4000]
    methods = any(
        re.match(r"(?:materials? and |patients and |experimental |proposed )?methods?$|methodology$", h)
        for h in normalised
    )
    results = any(re.match(r"results?\b", h) for h in normalised)
    structured = re.search(r"\bmethods?:.{20,}?\bresults?:", head, re.I | re.S)
    if re.search(r"\bcase reports?\b", lowered_title) or any(
        h.startswith(("case report", "case presentation", "case description")) for h in normalised
    ):
        return EvidenceType.CASE_REPORT.value, "case report heading or title"
    if CASE_REPORT_CUE_RE.search(head):
        return EvidenceType.CASE_REPORT.value, "'we report a case' wording"
    if POOLED_CASES_CUE_RE.search(head):
        return EvidenceType.RESEARCH.value, "an analysis of pooled case reports"
    kind = title_cue(title)
    if kind:
        return kind, "publication-type words in its title"
    if LETTER_CUE_RE.search(head):
        return EvidenceType.COMMENTARY.value, "letter wording"
    if len(set(m.lower() for m in REVIEW_ABSTRACT_LABEL_RE.findall(head))) >= 2:
        return EvidenceType.REVIEW.value, "a review's structured abstract (data sources, study selection)"
    if any(GUIDELINE_HEADING_RE.search(h) for h in normalised):
        return EvidenceType.GUIDELINE.value, "a guidelines or recommendations section"
    if methods and results:
        return EvidenceType.RESEARCH.value, "Methods and Results sections"
    if structured:
        return EvidenceType.RESEARCH.value, "a structured abstract with Methods and Results"
    if CASE_SERIES_CUE_RE.search(head):
        return EvidenceType.CASE_REPORT.value, "case-series wording"
    if TEXTBOOK_CUE_RE.search(title) or TEXTBOOK_CUE_RE.search(front):
        return EvidenceType.REVIEW.value, "a textbook chapter"
    if REVIEW_CUE_RE.search(head):
        return EvidenceType.REVIEW.value, "review wording"
    if HYPOTHESIS_CUE_RE.search(head):
        return EvidenceType.HYPOTHESIS.value, "hypothesis wording"
    if len(PATIENT_CUE_RE.findall(text)) >= 2:
        return EvidenceType.PATIENT_INFORMATION.value, "addresses the reader as a patient"
    if len(GUIDELINE_CUE_RE.findall(head)) >= 2:
        return EvidenceType.GUIDELINE.value, "guideline wording"
    if any(EDUCATIONAL_HEADING_RE.match(h) for h in normalised):
        return EvidenceType.EDUCATIONAL.value, "explainer structure (FAQ, key takeaways)"
    if len(normalised & ENCYCLOPEDIA_HEADINGS) >= 3:
        return EvidenceType.REFERENCE.value, "encyclopedia section layout"
    if len(normalised & DRUG_REFERENCE_HEADINGS) >= 2:
        return EvidenceType.REFERENCE.value, "drug-reference section layout"
    if methods or results:
        return EvidenceType.RESEARCH.value, "a Methods or Results section"
    return None, None


def pdf_metadata(article: Article, meta: dict, clean: CleanDocument, file_name: str) -> DocumentMetadata:
    """Metadata of a PDF article from its layout, its information dictionary and its text."""
    front_lines = [ln for ln in article.front_text.split("\n") if ln.strip()]
    header_lines = [ln for ln in article.header_text.split("\n") if ln.strip()]
    title = article.title if plausible_title(article.title) else None
    meta_title = meta.get("title")
    if title is None and plausible_title(meta_title) and len(str(meta_title).split()) >= 3:
        title = str(meta_title).strip()
    if title is None:
        title = _first_heading_title(clean) or Path(file_name).stem.replace("_", " ").replace("-", " ")
    authors = tuple(n for n in split_authors(article.authors_line or "") if len(n.split()) >= 2)
    if not authors:  # a PubMed-style author list opening a front line ("Rosenberg MR, Green M. Archives ...")
        for line in front_lines:
            m = _PUBMED_AUTHORS_PREFIX_RE.match(line.strip())
            if m:
                authors = author_names(m.group("names"))
                break
    if not authors and meta.get("author"):
        authors = tuple(
            a.strip()
            for a in re.split(r";|,(?=\s*[A-Z][a-z])| and ", str(meta["author"]))
            if len(a.strip().split()) >= 2
        )
    journal, year = find_journal(header_lines + front_lines + [str(meta.get("subject", ""))[:300]])
    if journal is None:
        subject = str(meta.get("subject", ""))
        m = re.match(r"^([A-Z][\w .&'-]{2,80}),\s*(?:https?://)?(?:doi|10\.)", subject)
        if m:
            journal = m.group(1).strip()
    if year is None:
        dated = _DATED_RE.search("\n".join(front_lines + header_lines))
        printed_years = re.findall(
            rf"^\(?({_YEAR})\)?[,;]?\s+\d+\s*[:(]|©\s*(?:the authors?\(?s?\)?\s*)?({_YEAR})",
            "\n".join(header_lines + front_lines),
            re.I | re.M,
        )
        years = [int(a or b) for a, b in printed_years]
        year = int(dated.group(1)) if dated else (years[0] if years else None)
    page1 = clean.text[:3000]
    doi = find_doi(
        "\n".join(header_lines), "\n".join(front_lines), str(meta.get("subject", "")), page1, article.back_text
    )
    pmid_match = PMID_RE.search("\n".join(front_lines + header_lines))
    headings = [s.title for s in clean.sections if s.title]
    evidence, reason, article_type = _evidence(front_lines + header_lines, clean.text, title, headings)
    keywords: tuple[str, ...] = ()
    kw = re.search(r"^key ?words?:\s*(.+)$", article.front_text, re.I | re.M)
    if kw:
        keywords = tuple(k.strip() for k in re.split(r"[;,·•]", kw.group(1)) if k.strip())
    return DocumentMetadata(
        title=title,
        authors=authors,
        journal=journal,
        year=year,
        doi=doi,
        pmid=pmid_match.group(1) if pmid_match else None,
        article_type=article_type,
        evidence_type=evidence,
        evidence_reason=reason,
        keywords=keywords,
    )


def _first_heading_title(clean: CleanDocument) -> str | None:
    for section in clean.sections:
        title = (section.title or "").split(" › ")[0]
        if plausible_title(title) and not STANDARD_HEADING_RE.match(title):
            return title
    return None


# --- Text and Markdown documents -----------------------------------------------------------------

# Lines of a document's top read as its title block (title, banner, authors, affiliations, citation,
# dates), at most; the block ends earlier at the first body paragraph or opening heading.
TITLE_BLOCK_LINES = 12
# A title stands on its own line: at most this long (the longest printed titles run to about 250
# characters) and, when it ends in a full stop (PubMed style), at most this many words.
MAX_TITLE_CHARS = 250
MAX_DOTTED_TITLE_WORDS = 35
# Shorter lines are labels or headings, never the body's first paragraph.
MIN_BODY_CHARS = 40


@dataclass(frozen=True)
class FrontLine:
    text: str
    kind: str  # title | citation | authors | affiliation | front (dates, chrome) | type | banner


def author_names(line: str) -> tuple[str, ...]:
    """The names of an author line ("Leah D. Fryml, Kristen R. Williams", "Sakkas P, Davis JM.",
    "Darren M Roberts (affiliation)", "Theodore I Benzer, MD, PhD"); () when it is not one."""
    text = re.sub(r"\([^)]*\)", " ", line)
    text = DEGREE_RE.sub("", text)
    text = re.sub(r"[*†‡§¶]+|\b\d+(?:,\d+)*\b", " ", text)
    text = " ".join(text.split()).strip(" ,;")
    if not text or re.search(r"[:!?]", text):
        return ()
    if _PUBMED_AUTHORS_RE.match(text):
        return tuple(n.strip(" .") for n in text.split(",") if n.strip(" .") and n.strip(" .") != "et al")
    words = re.findall(r"[^\W\d_][\w'’.-]*", text)
    if any(w[0].islower() and w not in _NAME_PARTICLES and w != "and" for w in words):
        return ()
    names = split_authors(text)
    letters = len(re.sub(r"[\W\d_]+", "", text.replace(" and ", " ")))
    if (
        not names
        or not any(len(n.split()) >= 2 for n in names)
        or sum(len(re.sub(r"[\W\d_]+", "", n)) for n in names) < 0.9 * letters
    ):
        return ()
    if len(names) == 1 and not (re.search(r"\b[A-Z]\b\.?", names[0]) or text != " ".join(line.split()).strip(" ,;")):
        return ()  # one Title Case phrase ("Key Recommendations") is a heading unless an initial, an
        # affiliation in parentheses or a degree marks it as a person
    return tuple(names)


def _is_body(line: str) -> bool:
    """A paragraph of running text: it ends as a sentence does and its first sentence has a run of
    lower-case words (a banner, an author or an affiliation line is names and labels)."""
    if len(line) < MIN_BODY_CHARS or not (
        line.rstrip().endswith((".", "!", "?", ":", ")")) or len(line) > MAX_TITLE_CHARS
    ):
        return False
    first_sentence = re.split(r"(?<=[a-z)\]])[.!?]\s+(?=[A-Z])", line, maxsplit=1)[0]
    return bool(re.search(r"\b[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*){3,}", first_sentence))


def _is_printed_type(line: str) -> bool:
    return _skeleton(line) in _TYPE_BY_SKELETON and len(line) <= 60


def front_matter(lines: list[str], markdown_title: str | None = None) -> list[FrontLine]:
    """The title block of a text document, line by line with what each line is; it ends at the first
    body paragraph or opening heading ("Abstract", "Introduction", "Key points", "To the Editor").
    The title is the Markdown level-1 heading when there is one, else the first line that is not a
    citation, date or type line and reads as a title (a full stop at its end is allowed when author,
    affiliation or citation lines follow, as in PubMed records)."""
    out: list[FrontLine] = []
    title_seen = False
    for i, line in enumerate(lines[:TITLE_BLOCK_LINES]):
        bare = line.strip().rstrip(":").replace("**", "")
        if markdown_title is not None and line == markdown_title and not title_seen:
            out.append(FrontLine(line, "title"))
            title_seen = True
            continue
        if BODY_OPENING_RE.match(bare) or STANDARD_HEADING_RE.match(bare):
            break
        if CHROME_LINE_RE.match(line) or FRONT_MATTER_RE.match(line) or DATED_LINE_RE.match(line):
            out.append(FrontLine(line, "front"))
        elif _is_printed_type(line):
            out.append(FrontLine(line, "type"))
        elif not title_seen and markdown_title is None and not CITATION_LINE_RE.search(line):
            if not _title_candidate(line, lines[i + 1] if i + 1 < len(lines) else ""):
                break
            out.append(FrontLine(line, "title"))
            title_seen = True
        elif _is_body(line):
            break  # running text, even when it cites a PMID or a DOI
        elif CITATION_LINE_RE.search(line):
            out.append(FrontLine(line, "citation"))
        elif author_names(line):
            out.append(FrontLine(line, "authors"))
        elif AFFILIATION_RE.search(line):
            out.append(FrontLine(line, "affiliation"))
        else:
            out.append(FrontLine(line, "banner"))
    return out


def _title_candidate(line: str, following: str) -> bool:
    if len(line) > MAX_TITLE_CHARS or not _title_like(line) or line.endswith((",", ";")):
        return False
    if not line.endswith("."):
        return len(re.findall(r"[a-z)][.!?]\s+[A-Z]", line)) < 2  # not a paragraph of sentences
    if len(line.split()) > MAX_DOTTED_TITLE_WORDS:
        return False
    nxt = following.strip()
    return bool(
        author_names(nxt)
        or CITATION_LINE_RE.search(nxt)
        or AFFILIATION_RE.search(nxt)
        or STANDARD_HEADING_RE.match(nxt.rstrip(":"))
    )


def markdown_title(source: str) -> str | None:
    """The first level-1 heading of a Markdown source ("# Title") near its top."""
    for line in [ln for ln in source.split("\n") if ln.strip()][:TITLE_BLOCK_LINES]:
        m = re.match(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", line)
        if m:
            return " ".join(m.group(1).replace("**", "").split())
    return None


def text_title(clean: CleanDocument, file_name: str, front: list[FrontLine] | None = None) -> str:
    """A text or Markdown document's own title: the title of its title block (not a journal header
    line, a citation line, a float label or site chrome), else its first heading; else the file name."""
    if front is None:
        front = front_matter(_top_lines(clean))
    for line in front:
        if line.kind == "title":
            return line.text
    first = clean.sections[0] if clean.sections else None
    title = ((first.title or "") if first else "").split(" › ")[0]
    if title and _title_like(title) and len(title) <= MAX_TITLE_CHARS and clean.text.startswith(title):
        return title  # the document opens with a heading
    return Path(file_name).stem.replace("-", " ").replace("_", " ")


def _top_lines(clean: CleanDocument) -> list[str]:
    return [ln.strip() for ln in clean.text[:6000].split("\n") if ln.strip()][: TITLE_BLOCK_LINES + 1]


def _title_like(line: str) -> bool:
    if not line or CAPTION_RE.match(line) or CHROME_LINE_RE.match(line) or JOURNAL_LINE_RE.match(line):
        return False
    if STANDARD_HEADING_RE.match(line) or _TITLE_REJECT.search(line) and len(line.split()) > 1:
        return False
    return sum(ch.isalpha() for ch in line) >= 0.6 * len(line.replace(" ", ""))


def text_metadata(clean: CleanDocument, file_name: str, source: str | None = None) -> DocumentMetadata:
    """Title, authors, journal, year, DOI, PMID, printed type and evidence type of a text or Markdown
    document, from its title block (``front_matter``) and, for the type, its structure and wording.
    ``source`` is the file's text before cleaning (Markdown headings, dates that cleaning drops)."""
    md_title = markdown_title(source) if source else None
    lines = _top_lines(clean)
    if md_title is not None:  # the same line as cleaning wrote it
        md_title = next((ln for ln in lines if _skeleton(ln) == _skeleton(md_title)), None)
    front = front_matter(lines, md_title)
    title = text_title(clean, file_name, front)
    meta_lines = [f.text for f in front if f.kind != "title"]
    authors: list[str] = []
    for f in front:
        if f.kind == "authors":
            authors.extend(author_names(f.text))
        elif f.kind in ("banner", "front") and not authors:
            m = BYLINE_RE.search(f.text)
            authors.extend(author_names(m.group("names")) if m else ())
    citation = [f.text for f in front if f.kind == "citation"]
    journal, year = find_journal(citation)
    if journal is None:
        for line in meta_lines:
            m = SOURCE_BANNER_RE.match(line)
            if m:
                journal = m.group("source").strip()
                break
    if year is None:
        source_top = "\n".join([ln for ln in (source or "").split("\n") if ln.strip()][: TITLE_BLOCK_LINES + 4])
        dated = DATED_LINE_RE.search("\n".join(meta_lines) + "\n" + source_top)
        printed_year = re.search(rf"\b({_YEAR})\b", " ".join(citation))
        year = int(printed_year.group(1)) if printed_year else int(dated.group(1)) if dated else None
    front_text = "\n".join(meta_lines)
    doi = find_doi(front_text) or find_doi(
        "\n".join(ln for ln in clean.text.split("\n") if re.match(r"^(?:doi|https?://(?:dx\.)?doi\.org)\b", ln, re.I))
    )
    pmid = PMID_RE.search(front_text)
    headings = [s.title for s in clean.sections if s.title]
    evidence, reason, article_type = _evidence(meta_lines, clean.text, title, headings)
    return DocumentMetadata(
        title=title,
        authors=tuple(authors),
        journal=journal,
        year=year,
        doi=doi,
        pmid=pmid.group(1) if pmid else None,
        article_type=article_type,
        evidence_type=evidence,
        evidence_reason=reason,
    )


def _evidence(
    front_lines: list[str], text: str, title: str, headings: list[str]
) -> tuple[str | None, str | None, str | None]:
    """(evidence type, what it was read from, the article type as printed). The journal's printed
    article type wins, then a publication-type list that names one kind, then structure and wording."""
    printed = printed_article_type(front_lines)
    if printed:
        return printed[1], f"printed article type '{printed[0]}'", printed[0]
    types = publication_types(text)
    if types and types[1]:
        return types[1], f"publication types '{types[0]}'", types[0]
    evidence, reason = infer_evidence_type(title, headings, text, "\n".join(front_lines))
    return evidence, reason, types[0] if types else None
