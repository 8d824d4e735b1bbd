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
    ARTICLE_TYPES,
    CAPTION_RE,
    CASE_REPORT_CUE_RE,
    CHROME_LINE_RE,
    EDUCATIONAL_HEADING_RE,
    ENCYCLOPEDIA_HEADINGS,
    GUIDELINE_CUE_RE,
    GUIDELINE_HEADING_RE,
    HYPOTHESIS_CUE_RE,
    LETTER_CUE_RE,
    PATIENT_CUE_RE,
    REVIEW_CUE_RE,
    STANDARD_HEADING_RE,
)
from ingest.records import CleanDocument, EvidenceType

DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"<>,;]+", re.I)
PMID_RE = re.compile(r"\bPMID:?\s*(\d{6,9})\b")
_YEAR = r"(?:19|20)\d{2}"
# A journal citation line: "Nucleic Acids Research, 2024, 52, 4151–4166", "International
# Psychogeriatrics (2014), 26:1, 147–154", "Cancers 2022, 14, 4849", "BMC Health Services Research
# 2014, 14:1", "Proceedings of Machine Learning for Healthcare 2017".
_JOURNAL_WORD = r"(?:[A-Z][\w'’.&-]*|of|and|for|in|the|on|&|de|der|und)"
JOURNAL_LINE_RE = re.compile(
    rf"(?:^|et al\.?,?\s+|\.\s+)(?P<journal>[A-Z][\w'’.&-]*(?:\s+{_JOURNAL_WORD}){{0,9}}?)[,.]?\s+\(?(?P<year>{_YEAR})\)?"
    rf"(?:\s*[,;:]\s*(?:Vol\.?\s*)?\d|\s+\d{{1,4}}\s*[:(]|\s*$|\s*[,;]\s*$)"
)
_NOT_JOURNAL = re.compile(r"^(?:©|copyright|received|accepted|published|revised|vol\b|volume|page|downloaded|the author|citation)", re.I)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATED_RE = re.compile(rf"\b(?:published|accepted|received|publication date)\b[^\n]{{0,40}}?\b({_YEAR})\b", re.I)

# A title must not be one of these: a journal banner, a float label, a site's chrome.
_TITLE_REJECT = re.compile(r"^(?:microsoft word|untitled|document\d*|title|\d+)\b|^\S+$|\.(?:docx?|pdf|tex|indd)\b", re.I)


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


def printed_article_type(lines: list[str]) -> tuple[str, str] | None:
    """The article type printed as a line of its own (banner), and its evidence type."""
    for line in lines:
        for part in [line.strip(), *re.split(r"\s{2,}|\t| \| ", line.strip())]:
            key = _skeleton(part)
            if key in _TYPE_BY_SKELETON and len(part) <= 60:
                name, kind = _TYPE_BY_SKELETON[key]
                return " ".join(w if w.isupper() and len(w) > 1 and w not in ("RESEARCH", "ARTICLE", "REVIEW") else w.capitalize() for w in name.split()), kind
    return None


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


def infer_evidence_type(title: str, headings: list[str], text: str) -> tuple[str | None, str | None]:
    """Evidence type from a document's own title, structure and genre wording; (None, None) if
    nothing tells. Cues are kinds of documents (``ingest.lexicon``), never topics."""
    lowered_title = title.lower()
    from ingest.manifest import infer_evidence_type as title_cue

    normalised = {re.sub(r"^[\d.\s]+", "", part).strip().lower() for h in headings for part in h.split(" › ")}
    head = text[:4000]
    if re.search(r"\bcase reports?\b", lowered_title) or any(h.startswith(("case report", "case presentation", "case description")) for h in normalised):
        return EvidenceType.CASE_REPORT.value, "case report heading or title"
    if CASE_REPORT_CUE_RE.search(head):
        return EvidenceType.CASE_REPORT.value, "'we report a case' wording"
    kind = title_cue(title)
    if kind:
        return kind, "publication-type words in its title"
    if LETTER_CUE_RE.search(head):
        return EvidenceType.COMMENTARY.value, "letter wording"
    if any(GUIDELINE_HEADING_RE.search(h) for h in normalised):
        return EvidenceType.GUIDELINE.value, "a guidelines or recommendations section"
    methods = any(re.match(r"(?:materials? and |patients and |experimental |proposed )?methods?$|methodology$", h) for h in normalised)
    results = any(re.match(r"results?\b", h) for h in normalised)
    if methods and results:
        return EvidenceType.RESEARCH.value, "Methods and Results sections"
    if re.search(r"\bmethods?:.{20,}?\bresults?:", head, re.I | re.S):
        return EvidenceType.RESEARCH.value, "a structured abstract with Methods and Results"
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
    if not authors and meta.get("author"):
        authors = tuple(a.strip() for a in re.split(r";|,(?=\s*[A-Z][a-z])| and ", str(meta["author"])) if len(a.strip().split()) >= 2)
    journal, year = find_journal(header_lines + front_lines + [str(meta.get("subject", ""))[:300]])
    if journal is None:
        subject = str(meta.get("subject", ""))
        m = re.match(r"^([A-Z][\w .&'-]{2,80}),\s*(?:https?://)?(?:doi|10\.)", subject)
        if m:
            journal = m.group(1).strip()
    if year is None:
        dated = _DATED_RE.search("\n".join(front_lines + header_lines))
        printed_years = re.findall(rf"^\(?({_YEAR})\)?[,;]?\s+\d+\s*[:(]|©\s*(?:the authors?\(?s?\)?\s*)?({_YEAR})", "\n".join(header_lines + front_lines), re.I | re.M)
        years = [int(a or b) for a, b in printed_years]
        year = int(dated.group(1)) if dated else (years[0] if years else None)
    page1 = clean.text[:3000]
    doi = find_doi("\n".join(header_lines), "\n".join(front_lines), str(meta.get("subject", "")), page1, article.back_text)
    pmid_match = PMID_RE.search("\n".join(front_lines + header_lines))
    printed = printed_article_type(front_lines + header_lines)
    headings = [s.title for s in clean.sections if s.title]
    if printed:
        article_type, evidence, reason = printed[0], printed[1], f"printed article type '{printed[0]}'"
    else:
        article_type = None
        evidence, reason = infer_evidence_type(title, headings, clean.text)
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


def text_title(clean: CleanDocument, file_name: str) -> str:
    """A text or Markdown document's own title: its first line when that is a title (short, not a
    sentence, not a journal header line, a float label or site chrome), else the first heading near
    the top; else the file name."""
    paragraphs = [clean.text[a:b].strip() for a, b in clean.paragraphs[:3]]
    lines = [ln.strip() for ln in clean.text[:600].split("\n") if ln.strip()]
    for line in lines[:2]:
        if len(line) <= 160 and not line.endswith((".", ",", ";")) and _title_like(line) and line not in paragraphs[1:]:
            return line
        if len(line) > 160:
            break
    first = clean.sections[0] if clean.sections else None
    title = ((first.title or "") if first else "").split(" › ")[0]
    if title and _title_like(title):  # the document opens with a heading
        return title
    return Path(file_name).stem.replace("-", " ").replace("_", " ")


def _title_like(line: str) -> bool:
    if not line or CAPTION_RE.match(line) or CHROME_LINE_RE.match(line) or JOURNAL_LINE_RE.match(line):
        return False
    if STANDARD_HEADING_RE.match(line) or _TITLE_REJECT.search(line) and len(line.split()) > 1:
        return False
    return sum(ch.isalpha() for ch in line) >= 0.6 * len(line.replace(" ", ""))


def text_metadata(clean: CleanDocument, file_name: str) -> DocumentMetadata:
    """Title, DOI, printed type and evidence type of a text or Markdown document."""
    title = text_title(clean, file_name)
    lines = [ln.strip() for ln in clean.text.split("\n")[:40] if ln.strip()]
    printed = printed_article_type(lines)
    headings = [s.title for s in clean.sections if s.title]
    if printed:
        evidence, reason = printed[1], f"printed article type '{printed[0]}'"
    else:
        evidence, reason = infer_evidence_type(title, headings, clean.text)
    journal, year = find_journal(lines[:6])
    return DocumentMetadata(
        title=title,
        doi=find_doi(clean.text[:3000]),
        journal=journal,
        year=year,
        article_type=printed[0] if printed else None,
        evidence_type=evidence,
        evidence_reason=reason,
    )
