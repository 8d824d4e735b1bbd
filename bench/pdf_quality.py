"""Extraction quality on real journal PDFs: defects per passage, headings, titles, evidence types, pages.

    .venv/bin/python -m bench.pdf_quality [--split tuning|held_out|all] [--details NAME] [--no-write]

Reads the PDFs in place from ``../shared/benchmarks/real-papers/`` (skips, saying so, when absent),
runs the real ``ingest.reader.parse_document`` on each (the model's tokenizer counts word pieces; no
embedding), and checks the passages against the ground truth in ``bench/real_papers_truth.toml`` and
against ``pdftotext`` (poppler) for page numbers and page chrome. Prints a Markdown table and writes
``bench/results/pdf_quality.md``.

The defect detectors are pure functions of a passage (and of what pdftotext says the pages hold);
``tests/test_pdf_measures.py`` tests them and ``tests/test_pdf_benchmark.py`` runs them.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import time
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT.parent / "shared" / "benchmarks" / "real-papers"
TRUTH = Path(__file__).resolve().parent / "real_papers_truth.toml"
RESULTS = Path(__file__).resolve().parent / "results" / "pdf_quality.md"

# --- pure detectors ---------------------------------------------------------------------------

_YEAR = re.compile(r"\b(?:19|20)\d{2}[a-z]?\b")
# volume(issue):pages, "14:1", "26:147-154", "52(8):4151–4166", ";458:1-5", ", 31, 1375–1389"
_VOLPAGES = re.compile(r"\b\d{1,4}\s*(?:\([\w–-]{1,9}\))?\s*[:,]\s*[eS]?\d{1,6}(?:\s*[–-]\s*[eS]?\d{1,6})?\b")
# "Smith AB," "Smith, A. B.," "Lindorff-Larsen K." (author with initials)
_AUTHOR = re.compile(r"\b[A-Z][\w'’-]+,? (?:[A-Z]\.? ?-?){1,3}(?=[,.;:&)]| and\b| et al)")
_ENTRY_START = re.compile(r"(?:^|\s)(?:\[\d{1,3}\]|\d{1,3}\.\s+[A-Z][\w'’-]+,? [A-Z])")

LIGATURES = re.compile("[\ufb00-\ufb06]")
CONTROL_OR_GLYPH = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ufffd]|/[A-Z]\d{4,}\b|/uni[0-9A-Fa-f]{4}\b|\(cid:\d+\)|/g\d{2,}\b"
)
CHROME_PATTERNS = re.compile(
    r"downloaded from|https?://(?:dx\.)?doi\.org/|\bdoi:\s*10\.\d|creative\s*commons|open access article"
    r"|licensee\b|all rights reserved|©|\bpage \d+ of \d+\b|\breceived:? \d|\baccepted:? \d|"
    r"\bcorrespondence\b|\be-?mail:|[\w.+-]+@[\w-]+\.[\w.]+",
    re.I,
)
LETTER_SPACED = re.compile(r"(?<![\w.])(?:[A-Z] ){3,}[A-Z]?\b")
FLOAT_SECTION = re.compile(r"^(?:table|figure|fig\.?|box|scheme|chart|supplementary (?:table|figure))\s*S?\d+", re.I)
SUSPENDED_HYPHEN_WORDS = frozenset({"and", "or", "to", "nor", "vs", "versus"})
_HYPHEN_BREAK = re.compile(r"\b([^\W\d_]{2,}) ?- ([^\W\d_]{2,})\b|\b([^\W\d_]{2,}) -([^\W\d_]{2,})\b")


def letters(text: str) -> str:
    """The letters of ``text``, lower-cased, ligatures and accents folded: a skeleton for matching."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in text.lower() if ch.isalpha() and ch.isascii())


def reference_score(text: str) -> float:
    """How much ``text`` reads like reference-list entries: author-initials, years and volume:pages
    per 100 words. Running prose with author-year citations scores well below 1."""
    words = max(1, len(text.split()))
    authors = len(_AUTHOR.findall(text))
    years = len(_YEAR.findall(text))
    volpages = len(_VOLPAGES.findall(text))
    starts = len(_ENTRY_START.findall(text))
    if years == 0 or (authors < 2 and starts < 2):
        return 0.0
    return (2 * authors + years + volpages + starts) * 100 / words / 12


def is_reference_entry(text: str) -> bool:
    """A passage made of reference-list entries (authors with initials, years, volume:pages)."""
    return reference_score(text) >= 1.0


def has_ligature(text: str) -> bool:
    return bool(LIGATURES.search(text))


def has_control_or_glyph(text: str) -> bool:
    """NUL and other control characters, replacement characters and leaked glyph names (/H20841)."""
    return bool(CONTROL_OR_GLYPH.search(text))


def broken_hyphens(text: str, vocabulary: set[str]) -> list[str]:
    """Words left broken at a line-end hyphen (``glu - cose``, ``signifi- cant``): the joined word is
    a word of the document and the hyphenated form is not."""
    found = []
    for m in _HYPHEN_BREAK.finditer(text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if b.lower() in SUSPENDED_HYPHEN_WORDS:  # "hypo- and hyperactive", "pre- or post-operative"
            continue
        if (a + b).lower() in vocabulary and f"{a}-{b}".lower() not in vocabulary:
            found.append(m.group(0))
    return found


def chrome_hits(text: str, chrome_lines: Iterable[str]) -> list[str]:
    """Page chrome inside a passage: DOIs, licence and download stamps, correspondence and dates,
    e-mail addresses, and any line that pdftotext shows recurring at the top or bottom of pages."""
    hits = [m.group(0) for m in CHROME_PATTERNS.finditer(text)]
    skeleton = letters(text)
    hits += [line for line in chrome_lines if letters(line) and letters(line) in skeleton]
    return hits


def is_letter_spaced(text: str) -> bool:
    """Words printed letter by letter (``R E S E A R C H``)."""
    return bool(LETTER_SPACED.search(text))


def is_bogus_section(title: str | None, chrome_lines: Iterable[str] = ()) -> bool:
    """A section named by something that is not a heading: a running head, a table cell, an axis
    tick, a sentence fragment."""
    if not title:
        return False
    last = title.split(" › ")[-1].strip()
    alpha = sum(ch.isalpha() for ch in last)
    digits = sum(ch.isdigit() for ch in last)
    if alpha < 3 or len(last) > 160 or last[:1].islower() or last.endswith("-"):
        return True
    if digits > alpha:
        return True
    skeleton = letters(last)
    return any(len(letters(c)) >= 8 and letters(c) == skeleton for c in chrome_lines)


CAPTION_REACH_LETTERS = 2500  # about 400 words: longer than journals let a caption run (BMC/PLOS ~300-350 words)
_FLOAT_LABEL = re.compile(r"(?:figure|fig\.?|table|scheme|box)\s*s?\d+", re.I)


def float_swallows(section: str | None, kind: str, text: str = "", page_texts: Sequence[str] = ()) -> bool:
    """Body text filed under a Table/Figure section: a float label heading prose, or a caption
    passage whose text stands (in pdftotext) farther from any float label than a caption runs."""
    last = (section or "").split(" › ")[-1]
    if not FLOAT_SECTION.match(last):
        return False
    if kind not in ("table", "caption"):
        return True
    if kind != "caption" or not page_texts:
        return False
    probe = letters(text)[:40]
    for page in page_texts:
        skeleton_positions = _letter_index(page)
        flat = "".join(ch for ch, _ in skeleton_positions)
        at = flat.find(probe) if len(probe) >= 20 else -1
        if at < 0:
            continue
        raw_at = skeleton_positions[at][1]
        labels = [m.start() for m in _FLOAT_LABEL.finditer(page) if m.start() <= raw_at]
        if not labels:
            return True
        between = len(letters(page[labels[-1] : raw_at]))
        return between > CAPTION_REACH_LETTERS
    return False


def _letter_index(text: str) -> list[tuple[str, int]]:
    out = []
    for i, ch in enumerate(text):
        folded = letters(ch)
        for c in folded:
            out.append((c, i))
    return out


def page_verdict(text: str, claimed: int | None, page_letters: Sequence[str]) -> str:
    """'right', 'wrong' or 'unverifiable': is the start of ``text`` on the claimed page (pdftotext)?"""
    probe = letters(text)[:40]
    if len(probe) < 20 or claimed is None:
        return "unverifiable"
    found = [i + 1 for i, page in enumerate(page_letters) if probe in page]
    if not found:
        probe = letters(text)[:24]
        found = [i + 1 for i, page in enumerate(page_letters) if probe in page]
    if not found:
        return "unverifiable"
    return "right" if claimed in found else "wrong"


def body_shingles(pages: Sequence[str], size: int = 5) -> set[str]:
    """Word 5-grams of pdftotext's body lines (six words or more) up to the reference list."""
    shingles: set[str] = set()
    for page in pages:
        for line in page.split("\n"):
            if re.match(r"^\s*(?:\d+\.?\s*)?(references|bibliography|literature cited)\s*$", line, re.I):
                return shingles
            words = re.findall(r"[a-z]+", letters_spaced(line))
            if len(words) >= 6:
                shingles.update(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return shingles


def kept_share(shingles: set[str], passages_text: str, size: int = 5) -> float:
    """Share of pdftotext's body shingles found in the passages: text that ingestion kept."""
    words = re.findall(r"[a-z]+", letters_spaced(passages_text))
    have = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    return len(shingles & have) / len(shingles) if shingles else 1.0


def letters_spaced(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)).lower()
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return "".join(ch if (ch.isalpha() and ch.isascii()) else " " for ch in text)


def norm_heading(text: str) -> str:
    """Heading text without numbering, case or punctuation: ``2. Materials and Methods`` -> ``materials and methods``."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"^\s*(?:[0-9]+(?:\.[0-9]+)*\.?|[ivx]+\.)\s*", "", text)
    return " ".join(re.findall(r"[a-z]+", text))


def norm_title(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", letters_keep_digits(text)))


def letters_keep_digits(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)).lower()
    return "".join(ch if (ch.isalnum() and ch.isascii()) else " " for ch in text)


# --- pdftotext side -------------------------------------------------------------------------


def pdftotext_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120)
    pages = out.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def recurring_chrome(pages: Sequence[str], edge_lines: int = 4, min_pages: int = 3) -> list[str]:
    """Lines among the first or last ``edge_lines`` of a page (pdftotext) that recur, digits aside,
    on at least ``min_pages`` pages: running heads and footers."""
    seen: Counter[str] = Counter()
    example: dict[str, str] = {}
    for page in pages:
        lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
        for line in set(lines[:edge_lines] + lines[-edge_lines:]):
            key = re.sub(r"\d+", "#", line)
            if len(letters(line)) >= 8:
                seen[key] += 1
                example.setdefault(key, line)
    return [example[k] for k, n in seen.items() if n >= min_pages]


def vocabulary(pages: Sequence[str]) -> set[str]:
    """Words pdftotext prints whole (not at a line end), lower-cased, hyphenated compounds included."""
    words: set[str] = set()
    for page in pages:
        for line in page.split("\n"):
            core = line.rstrip()
            if core.endswith("-"):
                core = core[: core.rfind(" ") + 1] if " " in core else ""
            text = unicodedata.normalize("NFKC", core)
            for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text):
                words.add(w.lower())
                words.update(p.lower() for p in w.split("-"))
    return words


# --- measuring one document ---------------------------------------------------------------------

DEFECTS = ("reference", "float", "chrome", "hyphen", "ligature", "control", "letter_spaced", "bogus_section")


@dataclass
class DocResult:
    name: str
    split: str
    pages: int = 0
    seconds: float = 0.0
    passages: int = 0
    clean: int = 0
    defects: Counter[str] = field(default_factory=Counter)
    headings_found: int = 0
    headings_total: int = 0
    missing_headings: list[str] = field(default_factory=list)
    title_ok: bool = False
    title: str = ""
    printed_type: str = ""
    evidence_ok: bool | None = None
    evidence_type: str = ""
    pages_right: int = 0
    pages_checked: int = 0
    metadata: dict[str, bool] = field(default_factory=dict)
    kept: float = 0.0
    rejected: str | None = None
    examples: list[tuple[str, str]] = field(default_factory=list)


def passage_defects(passage, chrome: list[str], vocab: set[str], page_texts: Sequence[str] = ()) -> list[str]:  # noqa: ANN001
    text = passage.text
    found = []
    if passage.kind != "table" and is_reference_entry(text):
        found.append("reference")
    if float_swallows(passage.section, passage.kind, text, page_texts):
        found.append("float")
    if passage.kind != "table" and chrome_hits(text, chrome):
        found.append("chrome")
    if broken_hyphens(text, vocab):
        found.append("hyphen")
    if has_ligature(text) or has_ligature(passage.section or ""):
        found.append("ligature")
    if has_control_or_glyph(text):
        found.append("control")
    if is_letter_spaced(text):
        found.append("letter_spaced")
    if is_bogus_section(passage.section, chrome):
        found.append("bogus_section")
    return found


def _counter():  # noqa: ANN202
    """Word pieces of the bundled model's tokenizer (what ingestion uses), without loading the model."""
    from nmsa.settings import bundled_model_path

    path = Path(bundled_model_path()) / "tokenizer.json"
    if path.is_file():
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(path))
        tok.no_truncation()
        tok.no_padding()
        return lambda text: len(tok.encode(text).ids)
    from ingest.chunk import approximate_tokens

    return approximate_tokens


def measure_document(path: Path, truth: dict, count_tokens) -> DocResult:  # noqa: ANN001
    from ingest.reader import parse_document
    from nmsa.errors import RejectedInput
    from nmsa.settings import IngestSettings

    name = path.stem
    result = DocResult(name=name, split=truth.get("split", "tuning"))
    data = path.read_bytes()
    settings = IngestSettings()
    started = time.perf_counter()
    try:
        doc = parse_document(path, data, settings, count_tokens, None, hashlib.sha256(data).hexdigest())
    except RejectedInput as exc:
        result.seconds = time.perf_counter() - started
        result.rejected = exc.reason
        return result
    result.seconds = time.perf_counter() - started
    info = doc.info
    result.pages = info.n_pages or 0
    result.title = info.title
    result.evidence_type = info.evidence_type
    pages = pdftotext_pages(path) if truth.get("split") != "scan" else []
    chrome = recurring_chrome(pages)
    vocab = vocabulary(pages)
    page_letters = [letters(p) for p in pages]
    for p in doc.passages:
        found = passage_defects(p, chrome, vocab, pages)
        result.passages += 1
        if not found:
            result.clean += 1
        result.defects.update(found)
        for kind in found:
            result.examples.append((kind, f"[{p.section} | {p.kind} | p{p.page}] {p.text[:300]}"))
        if page_letters:
            verdict = page_verdict(p.text, p.page, page_letters)
            if verdict != "unverifiable":
                result.pages_checked += 1
                result.pages_right += verdict == "right"
    if pages:
        result.kept = kept_share(body_shingles(pages), "\n".join(p.text for p in doc.passages))
    sections = {norm_heading(part) for sec in doc.clean.sections if sec.title for part in sec.title.split(" › ")}
    for _key, printed in truth.get("headings", {}).items():
        result.headings_total += 1
        if norm_heading(printed) in sections:
            result.headings_found += 1
        else:
            result.missing_headings.append(printed)
    result.title_ok = norm_title(info.title) == norm_title(truth["title"])
    result.printed_type = truth.get("article_type", "")
    expected = truth.get("evidence_type", "unknown")
    result.evidence_ok = info.evidence_type == expected
    result.metadata = metadata_checks(info, truth)
    return result


def metadata_checks(info, truth: dict) -> dict[str, bool]:  # noqa: ANN001
    """Which printed metadata fields ingestion got right (only fields the paper prints)."""
    checks: dict[str, bool] = {}
    authors = list(getattr(info, "authors", None) or ())
    if truth.get("authors"):
        want = [letters(a.split()[-1]) for a in truth["authors"]]
        got = [letters(a.split()[-1]) for a in authors if a.split()]
        checks["authors"] = got == want
    if truth.get("journal"):
        checks["journal"] = norm_title(getattr(info, "journal", None) or "") == norm_title(truth["journal"])
    if truth.get("year"):
        checks["year"] = getattr(info, "year", None) == truth["year"]
    if truth.get("doi"):
        checks["doi"] = (getattr(info, "doi", None) or "").lower() == truth["doi"].lower()
    return checks


# --- reporting -------------------------------------------------------------------------------


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def summary_row(label: str, results: list[DocResult]) -> str:
    done = [r for r in results if r.rejected is None]
    passages = sum(r.passages for r in done)
    clean = sum(r.clean for r in done)
    refs = sum(r.defects["reference"] for r in done)
    h_found = sum(r.headings_found for r in done)
    h_total = sum(r.headings_total for r in done)
    titles = sum(r.title_ok for r in done)
    printed = [r for r in done if r.printed_type]
    typed = sum(1 for r in printed if r.evidence_type != "unknown" and r.evidence_ok)
    evidence = sum(1 for r in done if r.evidence_ok)
    p_right = sum(r.pages_right for r in done)
    p_checked = sum(r.pages_checked for r in done)
    meta: Counter[str] = Counter()
    meta_total: Counter[str] = Counter()
    for r in done:
        for k, ok in r.metadata.items():
            meta_total[k] += 1
            meta[k] += ok
    meta_cell = ", ".join(
        f"{k} {meta[k]}/{meta_total[k]}" for k in ("authors", "journal", "year", "doi") if meta_total[k]
    )
    pages = sum(r.pages for r in done)
    seconds = sum(r.seconds for r in done)
    kept = sum(r.kept for r in done) / len(done) if done else 0.0
    return (
        f"| {label} | {len(done)}/{len(results)} | {passages} | {_pct(clean, passages)} | {_pct(refs, passages)} "
        f"| {h_found}/{h_total} ({_pct(h_found, h_total)}) | {titles}/{len(done)} | {typed}/{len(printed)} "
        f"| {evidence}/{len(done)} | {_pct(p_right, p_checked)} ({p_checked}) | {100 * kept:.0f}% | {meta_cell} "
        f"| {1000 * seconds / pages if pages else 0:.0f} |"
    )


HEADER = (
    "| PDFs | parsed | passages | free of defects | reference entries | standard headings | titles right "
    "| printed type -> evidence type | evidence type right | page numbers right (checked) | body text kept | metadata "
    "| parse ms/page |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def defect_table(results: list[DocResult]) -> str:
    lines = ["| defect | " + " | ".join(r.name for r in results) + " |", "|---" * (len(results) + 1) + "|"]
    for kind in DEFECTS:
        lines.append(f"| {kind} | " + " | ".join(str(r.defects[kind]) for r in results) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("tuning", "held_out", "all"), default="all")
    parser.add_argument("--details", help="print the defective passages of one tuning PDF (by name)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/pdf_quality.md")
    parser.add_argument("--papers", type=Path, default=PAPERS)
    args = parser.parse_args(argv)
    if not args.papers.is_dir():
        print(f"skipped: {args.papers} is absent (the real-paper benchmark is read in place)")
        return 0
    if shutil.which("pdftotext") is None:
        print("pdftotext (poppler-utils) is needed: run `make system-deps`", file=sys.stderr)
        return 1
    truth = tomllib.loads(TRUTH.read_text(encoding="utf-8"))
    count_tokens = _counter()
    results: list[DocResult] = []
    for name, t in truth.items():
        if args.split != "all" and t["split"] not in (args.split, "scan"):
            continue
        if args.details and name != args.details:
            continue
        if args.details and t["split"] == "held_out":
            print("held-out papers are not inspected passage by passage", file=sys.stderr)
            return 2
        path = args.papers / f"{name}.pdf"
        if not path.is_file():
            print(f"missing: {path}", file=sys.stderr)
            continue
        results.append(measure_document(path, t, count_tokens))
    if args.details:
        for r in results:
            print(
                f"{r.name}: title={r.title!r} evidence={r.evidence_type} missing headings={r.missing_headings} kept={r.kept:.2f} metadata={r.metadata}"
            )
            for kind, example in r.examples:
                print(f"- {kind}: {example}")
        return 0
    groups = [
        ("tuning", [r for r in results if r.split == "tuning"]),
        ("held-out", [r for r in results if r.split == "held_out"]),
    ]
    text_pdfs = [r for r in results if r.split != "scan"]
    lines = ["## PDF extraction quality (real journal PDFs)", "", HEADER]
    for label, group in groups:
        if group:
            lines.append(summary_row(label, group))
    lines.append(summary_row("all text PDFs", text_pdfs))
    for r in results:
        if r.split == "scan":
            state = (
                f"rejected: {r.rejected}"
                if r.rejected
                else f"indexed through OCR, {r.passages} passages, title {r.title!r}"
            )
            lines.append(f"\nScan ({r.name}, {r.pages or '?'} pages): {state}; {r.seconds:.1f} s.")
    tuning = [r for r in results if r.split == "tuning"]
    if tuning:
        lines += ["", "Defects by kind on the tuning PDFs (passages):", "", defect_table(tuning)]
    lines += [
        "",
        "Reproduce: `.venv/bin/python -m bench.pdf_quality` (PDFs read from `../shared/benchmarks/real-papers/`; "
        "truth in `bench/real_papers_truth.toml`; page numbers checked against `pdftotext`).",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_write and args.split == "all":
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
