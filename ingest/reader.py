"""From a file on disk to a document record and its passages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.bibliography import is_bibliography_export
from ingest.chunk import TokenCounter, chunk_document
from ingest.clean import clean_pages
from ingest.loaders import SUPPORTED_SUFFIXES, read_file
from ingest.manifest import infer_evidence_type, load_manifest
from ingest.records import CleanDocument, DocumentInfo, Passage
from nmsa.errors import RejectedInput
from nmsa.settings import IngestSettings


@dataclass(frozen=True)
class ParsedDocument:
    info: DocumentInfo
    clean: CleanDocument
    passages: list[Passage]


def content_hash(data: bytes, entry: dict[str, Any] | None, bibliography: str = "") -> str:
    """Identity of a document version: its bytes, its manifest entry and the bibliography files beside it."""
    digest = hashlib.sha256(data)
    digest.update(json.dumps(entry or {}, sort_keys=True, default=str).encode())
    if bibliography:
        digest.update(bibliography.encode())
    return digest.hexdigest()


def passage_id(doc_hash: str, start: int, text: str) -> str:
    return hashlib.sha256(f"{doc_hash}:{start}:{text}".encode()).hexdigest()[:20]


def collect_files(paths: list[Path]) -> tuple[list[Path], list[RejectedInput]]:
    """Supported files under the given paths (folders are walked), and paths that do not exist."""
    files: list[Path] = []
    problems: list[RejectedInput] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("."):
                    if child.name.lower().startswith("readme") or is_bibliography_export(child):
                        continue  # a folder's README, or a MEDLINE/RIS export saved as .txt (metadata)
                    files.append(child)
        elif path.exists():
            files.append(path)
        else:
            problems.append(RejectedInput(str(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


def display_source(path: Path) -> str:
    """Where a document's file is: its absolute path, so that what an ingest adds, changes or
    removes never depends on the directory it runs from."""
    return str(path.resolve())


def manifest_entry(path: Path, manifest_name: str) -> dict[str, Any] | None:
    return load_manifest(path.parent, manifest_name).get(path.name)


def parse_document(
    path: Path,
    data: bytes,
    settings: IngestSettings,
    count_tokens: TokenCounter,
    entry: dict[str, Any] | None,
    doc_hash: str,
) -> ParsedDocument:
    """Parse, clean and chunk one file; raises ``RejectedInput`` with the reason.

    PDFs go through layout analysis (``ingest.layout``: running heads, front matter, headings by
    font, captions, tables, the reference list) and their metadata is read from the paper
    (``ingest.metadata``); a bibliography file beside the file corrects it by DOI or title
    (``ingest.bibliography``); the manifest entry overrides both."""
    from ingest.bibliography import load_bibliographies, match_record
    from ingest.clean import clean_article
    from ingest.layout import analyse
    from ingest.metadata import pdf_metadata, text_metadata

    raw = read_file(
        path,
        settings.max_file_mb,
        settings.max_pdf_pages,
        settings.parse_timeout_s,
        data=data,
        ocr_timeout_s=settings.ocr_timeout_s,
    )
    n_chars = sum(len(page) for page in raw.pages)
    if n_chars > settings.max_document_chars:
        raise RejectedInput(
            str(path),
            f"has {n_chars:,} characters of text, over the {settings.max_document_chars:,}-character limit "
            "for one document; split it into parts",
        )
    bibliography: tuple[str, ...] = ()
    if raw.layout is not None:
        article = analyse(raw.layout)
        clean = clean_article(article)
        meta = pdf_metadata(article, raw.meta, clean, path.name)
        bibliography = article.bibliography
    else:
        clean = clean_pages(raw.pages, raw.page_numbers)
        from ingest.loaders import decode_text

        meta = text_metadata(clean, path.name, decode_text(path, data))  # the source: Markdown title, dates
    if len(clean.text.strip()) < 20:
        raise RejectedInput(str(path), "has no readable text once cleaned")
    chunks = chunk_document(clean, count_tokens, settings.chunk_tokens, settings.min_chunk_tokens)
    if not chunks:
        raise RejectedInput(str(path), "has no sentences to index once cleaned")
    entry = entry or {}
    record = match_record(load_bibliographies(path.parent), meta.doi, meta.title)
    title = entry.get("title") or (record.title if record and record.title else None) or meta.title or path.stem
    if entry.get("evidence_type"):
        evidence_type, origin = entry["evidence_type"], "manifest"
    elif record is not None and record.evidence_type:
        evidence_type, origin = record.evidence_type, "inferred"
    elif meta.evidence_type:
        evidence_type, origin = meta.evidence_type, "inferred"
    else:
        inferred = infer_evidence_type(title)
        evidence_type, origin = (inferred, "inferred") if inferred else ("unknown", "default")
    doc_id = path.name
    source = display_source(path)
    passages = []
    for ordinal, chunk in enumerate(chunks):
        text = clean.text[chunk.start : chunk.end]
        passages.append(
            Passage(
                id=passage_id(doc_hash, chunk.start, text),
                doc_id=doc_id,
                title=title,
                source=source,
                evidence_type=evidence_type,
                section=chunk.section,
                kind=chunk.kind,
                page=clean.page_at(chunk.start),
                start=chunk.start,
                end=chunk.end,
                text=text,
                sentences=tuple((a - chunk.start, b - chunk.start) for a, b in chunk.sentences),
                ordinal=ordinal,
                table_header=chunk.table_header,
            )
        )
    year = entry.get("year") or (record.year if record else None) or meta.year
    authors = entry.get("authors") or (record.authors if record and record.authors else None) or meta.authors
    info = DocumentInfo(
        doc_id=doc_id,
        title=title,
        source=source,
        evidence_type=evidence_type,
        evidence_type_origin=origin,
        year=int(year) if isinstance(year, int) else None,
        origin=entry.get("origin"),
        content_hash=doc_hash,
        n_chars=len(clean.text),
        n_pages=len(raw.pages) if raw.page_numbers and raw.page_numbers[0] is not None else None,
        n_passages=len(passages),
        authors=tuple(str(a) for a in authors),
        journal=entry.get("journal") or (record.journal if record else None) or meta.journal,
        doi=entry.get("doi") or (record.doi if record else None) or meta.doi,
        pmid=str(entry.get("pmid") or (record.pmid if record else None) or meta.pmid or "") or None,
        article_type=entry.get("article_type") or meta.article_type,
        ocr=raw.ocr,
        bibliography=bibliography,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return ParsedDocument(info=info, clean=clean, passages=passages)
