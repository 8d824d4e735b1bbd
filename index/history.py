"""The index's change log: one JSON line per change, appended, never rewritten.

``history.jsonl`` in the index directory records every change to the index (ingest, upload,
remove, rollback): when, who (a maintainer credential's name, or the local user), which files
with their SHA-256, what was added, updated or removed, and the generation it produced. Each
entry carries the SHA-256 of the entry before it, so an edited or deleted line breaks the chain
and ``read_history`` says where.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from nmsa.errors import IndexWriteError

HISTORY = "history.jsonl"
GENESIS = "0" * 64  # the "previous hash" of the first entry


class HistoryEntry(BaseModel):
    """One change to the index."""

    time: str
    actor: str = Field(description="a maintainer credential's name, or user@host for the CLI")
    action: str = Field(description="ingest, upload, remove or rollback")
    generation: str | None = Field(None, description="the generation this change made current")
    previous: str | None = Field(None, description="the generation that was current before")
    manifest_sha256: str | None = None
    files: list[dict[str, str]] = Field(default_factory=list, description="files read: path and sha256")
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    removed: list[dict[str, str]] = Field(default_factory=list, description="doc_id and reason")
    note: str | None = None
    prev_hash: str = GENESIS
    hash: str = ""


def local_actor() -> str:
    """Who runs the CLI: the operating-system user at this host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = f"uid{os.getuid()}"
    return f"{user}@{socket.gethostname()}"


def _digest(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _last_hash(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return GENESIS
    for line in reversed(lines):
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            return str(json.loads(line)["hash"])
    return GENESIS


def append_entry(directory: Path, entry: HistoryEntry) -> HistoryEntry:
    """Append ``entry`` (chained to the last one) and fsync. Call while holding the writer lock."""
    path = directory / HISTORY
    data = entry.model_dump()
    data["time"] = data["time"] or time.strftime("%Y-%m-%dT%H:%M:%S%z")
    data["prev_hash"] = _last_hash(path)
    data["hash"] = _digest(data)
    line = (json.dumps(data, ensure_ascii=False) + "\n").encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise IndexWriteError(
            f"the index changed to {entry.generation}, but its history could not be written to {path} ({exc.strerror})"
        ) from None
    return HistoryEntry.model_validate(data)


def read_history(directory: Path) -> tuple[list[HistoryEntry], list[str]]:
    """The entries, oldest first, and problems found (unreadable lines, a broken hash chain)."""
    path = directory / HISTORY
    try:
        raw = path.read_bytes().splitlines()
    except FileNotFoundError:
        return [], []
    entries: list[HistoryEntry] = []
    problems: list[str] = []
    previous = GENESIS
    for number, line in enumerate(raw, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entry = HistoryEntry.model_validate(data)
        except (ValueError, UnicodeDecodeError):
            problems.append(f"line {number} is not a history entry")
            continue
        if data.get("prev_hash") != previous or _digest(data) != data.get("hash"):
            problems.append(f"line {number} does not follow from the line before it (edited or removed lines)")
        previous = str(data.get("hash"))
        entries.append(entry)
    return entries, problems


def manifest_digests(directory: Path) -> dict[str, str]:
    """The manifest SHA-256 recorded for each generation the history knows."""
    entries, _ = read_history(directory)
    return {e.generation: e.manifest_sha256 for e in entries if e.generation and e.manifest_sha256}
