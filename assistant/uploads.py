"""Adding papers from the browser: server-side validation, de-duplication, incremental re-index.

A rejected upload leaves the index untouched and its file is not kept."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.engine import Engine
from ingest.loaders import SUPPORTED_SUFFIXES, check_size, sniff_kind
from ingest.reader import content_hash
from nmsa.errors import IndexMissing, NMSAssistantError, RejectedInput


@dataclass(frozen=True)
class UploadOutcome:
    name: str  # the sanitised file name
    status: str  # added | duplicate | rejected
    message: str
    doc_id: str | None = None


def sanitize_filename(name: str) -> str:
    """A safe file name: no directories, ASCII letters, digits, dot, dash and underscore only."""
    base = Path(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")[:80] or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


def process_upload(
    engine: Engine, name: str, data: bytes, progress: Callable[[str, int, int], None] | None = None
) -> UploadOutcome:
    safe = sanitize_filename(name)
    path = Path(safe)
    try:
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise RejectedInput(safe, f"unsupported file type '{path.suffix or '(none)'}'; use PDF, TXT or MD")
        check_size(path, len(data), engine.settings.ui.max_upload_mb)
        sniff_kind(path, data)
    except RejectedInput as exc:
        return UploadOutcome(safe, "rejected", exc.reason)
    digest = content_hash(data, None)
    try:
        documents = engine.snapshot().documents
    except IndexMissing:
        documents = {}
    same = next((d for d in documents.values() if d.content_hash == digest), None)
    if same is not None:
        return UploadOutcome(safe, "duplicate", f"already indexed as '{same.title}' ({same.doc_id})", same.doc_id)
    folder = engine.settings.corpus_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    n = 2
    while target.exists() or target.name in documents:
        target = folder / f"{path.stem}-{n}{path.suffix.lower()}"
        n += 1
    tmp = folder / f".{target.name}.part"
    tmp.write_bytes(data)
    os.replace(tmp, target)
    try:
        report = engine.ingest([target], progress=progress)
    except NMSAssistantError as exc:
        target.unlink(missing_ok=True)
        return UploadOutcome(target.name, "rejected", str(exc))
    rejected = [r for r in report.rejected if Path(r.path).name == target.name]
    if rejected:
        target.unlink(missing_ok=True)
        return UploadOutcome(target.name, "rejected", rejected[0].reason)
    info = engine.snapshot().documents.get(target.name)
    title = info.title if info else target.name
    return UploadOutcome(target.name, "added", f"indexed '{title}' ({info.n_passages if info else 0} passages)", target.name)
