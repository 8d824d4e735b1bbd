"""From a file on disk to a document record and its passages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.chunk import TokenCounter, chunk_document
from ingest.clean import clean_pages
from ingest.loaders import SUPPORTED_SUFFIXES, read_file
from ingest.manifest import infer_evidence_type, infer_title, load_manifest
from ingest.records import CleanDocument, DocumentInfo, Passage
from nmsa.errors import RejectedInput
from nmsa.settings import IngestSettings


@dataclass(frozen=True)
class ParsedDocument:
    info: DocumentInfo
    clean: CleanDocument
    passages: list[Passage]


def content_hash(data: bytes, entry: dict[str, Any] | None) -> str:
    """Identity of a document version: its bytes plus its manifest entry."""
    digest = hashlib.sha256(data)
    digest.update(json.dumps(entry or {}, sort_keys=True, default=str).encode())
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
                    if child.name.lower().startswith("readme"):
                        continue
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
    """Parse, clean and chunk one file; raises ``RejectedInput`` with the reason."""
    raw = read_file(path, settings.max_file_mb, settings.max_pdf_pages, settings.parse_timeout_s, data=data)
    clean = clean_pages(raw.pages, raw.page_numbers)
    if len(clean.text.strip()) < 20:
        raise RejectedInput(str(path), "has no readable text once cleaned")
    chunks = chunk_document(clean, count_tokens, settings.chunk_tokens, settings.min_chunk_tokens)
    if not chunks:
        raise RejectedInput(str(path), "has no sentences to index once cleaned")
    entry = entry or {}
    first_heading = next((s.title for s in clean.sections if s.title), None)
    title = entry.get("title") or infer_title(first_heading, raw.pdf_title, clean.text, path.name)
    if entry.get("evidence_type"):
        evidence_type, origin = entry["evidence_type"], "manifest"
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
            )
        )
    year = entry.get("year")
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
    )
    return ParsedDocument(info=info, clean=clean, passages=passages)
