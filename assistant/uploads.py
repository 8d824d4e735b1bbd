"""Adding papers from the browser: server-side validation, de-duplication, incremental re-index.

A rejected or failed upload leaves the index untouched and nothing on disk: the file is written
under its final name only for the ingest and removed again if the ingest does not index it.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.engine import Engine
from ingest.loaders import SUPPORTED_SUFFIXES, check_size, sniff_kind
from nmsa.errors import IndexMissing, NMSAssistantError, RejectedInput

UPLOADS = "uploads"  # folder inside the corpus folder


@dataclass(frozen=True)
class UploadOutcome:
    name: str  # the sanitised file name
    status: str  # added | duplicate | rejected
    message: str
    doc_id: str | None = None


def sanitize_filename(name: str) -> str:
    """A safe, portable file name: no directories, no leading dot, ASCII letters, digits, dot,
    dash and underscore only. (pathvalidate keeps spaces, accents and leading dots, and a name
    starting with a dot would be skipped by the corpus scan, so this stays our own.)"""
    base = Path(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")[:80] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


def _free_name(folder: Path, safe: str, taken: set[str]) -> Path:
    path = Path(safe)
    target, n = folder / safe, 2
    while target.exists() or target.name in taken:
        target = folder / f"{path.stem}-{n}{path.suffix.lower()}"
        n += 1
    return target


def process_upload(
    engine: Engine,
    name: str,
    data: bytes,
    progress: Callable[[str, int, int], None] | None = None,
    actor: str | None = None,
) -> UploadOutcome:
    """Validate, store and index one uploaded file; every failure is an outcome, never an exception
    from the environment (a full disk, a busy index)."""
    safe = sanitize_filename(name)
    path = Path(safe)
    try:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise RejectedInput(safe, f"unsupported file type '{path.suffix or '(none)'}'; use PDF, TXT or MD")
        check_size(path, len(data), engine.settings.ingest.max_file_mb)
        sniff_kind(path, data)
    except RejectedInput as exc:
        return UploadOutcome(safe, "rejected", exc.reason)
    digest = hashlib.sha256(data).hexdigest()
    try:
        documents = engine.snapshot().documents
    except IndexMissing:
        documents = {}
    except NMSAssistantError as exc:
        return UploadOutcome(safe, "rejected", str(exc))
    same = next((d for d in documents.values() if d.sha256 == digest), None)
    if same is not None:
        return UploadOutcome(safe, "duplicate", f"already indexed as '{same.title}' ({same.doc_id})", same.doc_id)
    folder = engine.settings.corpus_dir / UPLOADS
    target: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, safe, set(documents))
        tmp = folder / f".{target.name}.part"
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        report = engine.ingest([target], progress=progress, actor=actor, action="upload")
    except (NMSAssistantError, OSError) as exc:
        if target is not None:
            target.unlink(missing_ok=True)
        reason = str(exc) if isinstance(exc, NMSAssistantError) else f"could not be stored ({exc.strerror or exc})"
        return UploadOutcome(target.name if target else safe, "rejected", reason)
    rejected = [r for r in report.rejected if Path(r.path).name == target.name]
    if rejected or target.name not in report.added:
        target.unlink(missing_ok=True)
        reason = rejected[0].reason if rejected else "was not indexed"
        return UploadOutcome(target.name, "rejected", reason)
    info = engine.snapshot().documents.get(target.name)
    title = info.title if info else target.name
    return UploadOutcome(
        target.name, "added", f"indexed '{title}' ({_count(info.n_passages if info else 0, 'passage')})", target.name
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
