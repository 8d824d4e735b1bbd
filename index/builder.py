"""Changing the index: incremental ingest, explicit removal and rollback, each recorded in the history.

An ingest runs in steps: ``scan`` the paths given (I/O), ``read_states`` of the files found (I/O:
size, bytes, hash), ``plan_changes`` (pure: what is added, updated, kept or removed), parse the
planned files, embed only sentences not embedded before, assemble and write a new generation.

A document is identified by the absolute path of its file, never by a path relative to the
directory an ingest happened to run from. Documents leave the index only when a file that this
ingest was asked to scan is gone, when ``remove_documents`` is asked to remove them, or when a
rebuild cannot find their file; the report always says which and why.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from index.embedder import TextEncoder
from index.history import HistoryEntry, append_entry, local_actor, manifest_digests
from index.store import IndexStore, Snapshot
from ingest.bibliography import bibliography_fingerprint
from ingest.instructions import find_instructions, is_instruction
from ingest.reader import collect_files, content_hash, manifest_entry, parse_document
from ingest.records import DocumentInfo, Passage, Rejection
from nmsa.errors import IndexCorrupt, NMSAssistantError, RejectedInput
from nmsa.settings import Settings

# (stage, done, total) -> None; stages: "parse", "embed", "write"
Progress = Callable[[str, int, int], None]

# bump when parsing, metadata, cleaning, chunking or what is embedded changes (16: rows with marked cells are a
# table in text laid out in wrapped lines too)
CHUNKER_VERSION = 16
EMBED_GROUP = 2048  # texts per embedding call: large groups let the encoder sort by length (less padding)


class Removed(BaseModel):
    doc_id: str
    source: str
    reason: str


class RejectionRecord(BaseModel):
    path: str
    reason: str


class InstructionFinding(BaseModel):
    """Text in a document addressed to the reader or to a model; it is never quoted in answers."""

    path: str
    line: int | None = None
    page: int | None = None
    text: str


class IngestReport(BaseModel):
    """What an ingest, a removal or a rollback did to the index."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    removed: list[Removed] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    kept_stale: list[str] = Field(
        default_factory=list, description="documents whose file could not be read now; their last good version stays"
    )
    rejected: list[RejectionRecord] = Field(default_factory=list)
    instructions: list[InstructionFinding] = Field(
        default_factory=list, description="instruction-like text found in the documents read (never quoted)"
    )
    passages: int = 0
    documents: int = 0
    embedded_sentences: int = 0
    seconds: float = 0.0
    generation: str | None = None
    previous_generation: str | None = None
    reembedded_from: str | None = Field(
        None, description="the previous encoder, when a change of encoder re-embedded everything"
    )

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.reembedded_from)

    @property
    def removed_ids(self) -> list[str]:
        return [r.doc_id for r in self.removed]

    def to_dict(self) -> dict[str, Any]:
        data = self.model_dump()
        data["seconds"] = round(self.seconds, 3)
        return data


# --- what the index depends on -------------------------------------------------------------------


def compatibility_record(settings: Settings, embedder: TextEncoder) -> dict[str, Any]:
    """What an index must share with the settings to be read at all (model, dimension, chunking).
    Known without loading the model."""
    return {
        "model": embedder.identity,
        "model_path": embedder.model_name,
        "dimension": embedder.dimension,
        "passage_vectors": "sentence_mean",
        "chunking": {
            "version": CHUNKER_VERSION,
            "max_tokens": settings.ingest.chunk_tokens,
            "min_tokens": settings.ingest.min_chunk_tokens,
            "tokenizer": embedder.identity,
        },
    }


def settings_record(settings: Settings, embedder: TextEncoder) -> dict[str, Any]:
    """The full record written with a generation: compatibility plus the encoder that computed the
    vectors (reading ``embedder.encoder`` may prepare the int8 model, so only writers call this)."""
    return {**compatibility_record(settings, embedder), "precision": embedder.precision, "encoder": embedder.encoder}


RECORD_KEYS = ("model", "model_path", "dimension", "passage_vectors", "chunking", "precision", "encoder")


def record_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The settings record a generation was written with (kept as is when only documents are removed)."""
    return {k: manifest[k] for k in RECORD_KEYS if k in manifest}


def old_encoder(manifest: dict[str, Any]) -> str:
    """The encoder an index was built with (indexes from before the record name it by precision)."""
    return str(manifest.get("encoder") or f"torch-{manifest.get('precision', 'fp32')}")


# --- step 1: scan and read ----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What an ingest was asked to look at: folders (everything under them) and single files."""

    folders: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Scope:
        resolved = [p.resolve() for p in paths]
        return cls(tuple(p for p in resolved if p.is_dir()), tuple(p for p in resolved if not p.is_dir()))

    def covers(self, source: str) -> bool:
        path = Path(source)
        if not path.is_absolute():  # indexes written before sources were absolute: location unknown
            return False
        return path in self.files or any(folder == path or folder in path.parents for folder in self.folders)


@dataclass(frozen=True)
class FileState:
    """A file found by the scan, as read now (or the reason it cannot be read)."""

    path: Path  # absolute, resolved
    doc_id: str
    content_hash: str | None = None  # bytes + manifest entry: the identity of this version
    sha256: str | None = None  # of the bytes alone, for the history
    entry: dict[str, Any] | None = None
    bibliography: str = ""  # fingerprint of the bibliography files beside it
    error: str | None = None


def read_state(path: Path, settings: Settings, fingerprints: dict[Path, str] | None = None) -> FileState:
    """What the file is now. ``fingerprints`` caches the bibliography fingerprint of each folder for
    one ingest (computing it per file made adding one paper to a 1,000-file folder quadratic)."""
    path = path.resolve()
    try:
        size = path.stat().st_size
        if size > settings.ingest.max_file_mb * 1024 * 1024:
            raise RejectedInput(
                str(path), f"the file is {size / 1024 / 1024:.1f} MB, over the {settings.ingest.max_file_mb:g} MB limit"
            )
        data = path.read_bytes()
        entry = manifest_entry(path, settings.ingest.manifest)
    except RejectedInput as exc:
        return FileState(path, path.name, error=exc.reason)
    except OSError as exc:
        return FileState(path, path.name, error=f"cannot be read ({exc.strerror})")
    except NMSAssistantError as exc:
        return FileState(path, path.name, error=str(exc))
    fingerprints = {} if fingerprints is None else fingerprints
    if path.parent not in fingerprints:
        fingerprints[path.parent] = bibliography_fingerprint(path.parent)
    bibliography = fingerprints[path.parent]
    return FileState(
        path, path.name, content_hash(data, entry, bibliography), hashlib.sha256(data).hexdigest(), entry, bibliography
    )


# --- step 2: plan (pure) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    state: FileState
    previous: DocumentInfo | None


@dataclass
class Plan:
    parse: list[Planned] = field(default_factory=list)
    keep: dict[str, DocumentInfo] = field(default_factory=dict)
    remove: list[Removed] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def plan_changes(
    old_docs: dict[str, DocumentInfo],
    states: list[FileState],
    scope: Scope,
    existing: frozenset[str],
    rebuild: bool = False,
) -> Plan:
    """Decide what an ingest does, from the index's documents and the files read now.

    ``existing`` holds the indexed sources whose file still exists. A file matches an indexed
    document by its absolute path, else by its name when that document's file is gone (moved)
    or its location unknown (older indexes). Unmatched documents stay, unless their file was in
    the scope of this ingest and is gone, or this is a rebuild and their file is gone."""
    plan = Plan()
    by_source = {info.source: doc_id for doc_id, info in old_docs.items()}
    claimed: set[str] = set()
    scanned: dict[str, Path] = {}
    for state in states:
        if state.doc_id in scanned and scanned[state.doc_id] != state.path:
            plan.rejected.append(
                Rejection(
                    str(state.path),
                    f"another file named {state.doc_id} is in this ingest too ({scanned[state.doc_id]})",
                )
            )
            continue
        scanned[state.doc_id] = state.path
        previous = old_docs.get(by_source.get(str(state.path), ""))
        if previous is None and (same_name := old_docs.get(state.doc_id)) is not None:
            if same_name.source in existing and same_name.source != str(state.path):
                plan.rejected.append(
                    Rejection(
                        str(state.path),
                        f"a different file named {state.doc_id} is already indexed from {same_name.source}; rename one of them",
                    )
                )
                continue
            previous = same_name  # the same document, moved (or indexed before sources were absolute)
        if previous is not None:
            claimed.add(previous.doc_id)
        if state.error:
            plan.rejected.append(Rejection(str(state.path), state.error))
            if previous is not None:
                plan.keep[previous.doc_id] = previous
                plan.stale.append(previous.doc_id)
            continue
        if (
            previous is not None
            and not rebuild
            and previous.content_hash == state.content_hash
            and previous.source == str(state.path)
        ):
            plan.keep[previous.doc_id] = previous
            continue
        plan.parse.append(Planned(state, previous))
    for doc_id, info in old_docs.items():
        if doc_id in claimed:
            continue
        if info.source not in existing and (rebuild or scope.covers(info.source)):
            reason = "its file is gone, so a rebuild cannot re-read it" if rebuild else "its file no longer exists"
            plan.remove.append(Removed(doc_id=doc_id, source=info.source, reason=reason))
        else:
            plan.keep[doc_id] = info
    return plan


# --- steps 3-5: parse, embed, assemble, write ----------------------------------------------------


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def embedding_texts(passage: Passage) -> list[str]:
    """What is embedded for each sentence: the sentence with its section heading as context (a contextual
    header), so "Therapeutic implications" informs the sentences under it. The document's title is searched
    lexically (``Passage.context`` is part of the BM25 text) but not embedded: a title that is itself a
    question ("What drug is used to reverse NMS?") made every passage of its document look relevant to every
    treatment question, and crowded the other sources out of the dense ranking. A table's row is embedded with
    the table's header row, which says what its cells are ("Feature | Serotonin syndrome | NMS")."""
    prefix = f"{passage.section}: " if passage.section else ""
    header = passage.table_header
    return [
        prefix + (f"{header} — {text}" if header and text.strip() != header else text)
        for text in passage.sentence_texts()
    ]


def passage_vectors_from_sentences(sentence_vectors: np.ndarray, counts: list[int]) -> np.ndarray:
    """A passage vector is the normalised mean of its sentence vectors."""
    out = np.zeros((len(counts), sentence_vectors.shape[1]), dtype=np.float32)
    start = 0
    for i, n in enumerate(counts):
        if n:
            v = sentence_vectors[start : start + n].mean(axis=0)
            out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        start += n
    return out


def _parse(
    plan: Plan, settings: Settings, embedder: TextEncoder, report: IngestReport, progress: Progress | None
) -> tuple[dict[str, tuple[DocumentInfo, list[Passage]]], list[dict[str, str]]]:
    """Parse the planned files; a file that fails keeps its document's last good version."""
    parsed: dict[str, tuple[DocumentInfo, list[Passage]]] = {}
    files: list[dict[str, str]] = []
    for i, item in enumerate(plan.parse):
        if progress:
            progress("parse", i, len(plan.parse))
        state = item.state
        try:
            data = state.path.read_bytes()
            doc_hash = content_hash(
                data, state.entry, state.bibliography
            )  # of the bytes parsed, even if it just changed
            doc = parse_document(state.path, data, settings.ingest, embedder.count_tokens, state.entry, doc_hash)
        except (RejectedInput, OSError) as exc:
            reason = exc.reason if isinstance(exc, RejectedInput) else f"cannot be read ({exc.strerror})"
            report.rejected.append(RejectionRecord(path=str(state.path), reason=reason))
            if item.previous is not None:
                plan.keep[item.previous.doc_id] = item.previous
                report.kept_stale.append(item.previous.doc_id)
            continue
        parsed[doc.info.doc_id] = (doc.info, doc.passages)
        report.instructions.extend(instruction_findings(state.path, data, doc.passages))
        files.append({"path": str(state.path), "sha256": hashlib.sha256(data).hexdigest()})
        (report.updated if item.previous is not None else report.added).append(doc.info.doc_id)
    if progress:
        progress("parse", len(plan.parse), len(plan.parse))
    return parsed, files


def instruction_findings(path: Path, data: bytes, passages: list[Passage]) -> list[InstructionFinding]:
    """Where a document holds instruction-like text: file lines for text files, pages for PDFs."""
    if path.suffix.lower() != ".pdf":
        text = data.decode("utf-8-sig", errors="replace")
        return [InstructionFinding(path=str(path), line=n, text=t) for n, t in find_instructions(text)]
    return [
        InstructionFinding(path=str(path), page=p.page, text=" ".join(sentence.split())[:160])
        for p in passages
        for sentence in p.sentence_texts()
        if is_instruction(sentence)
    ]


def _embed(
    parsed: dict[str, tuple[DocumentInfo, list[Passage]]],
    old: Snapshot | None,
    reuse_old_vectors: bool,
    embedder: TextEncoder,
    progress: Progress | None,
) -> tuple[dict[str, np.ndarray], int]:
    """Vectors of every sentence of the parsed documents, embedding only texts not embedded before."""
    cache: dict[str, np.ndarray] = {}
    if old is not None and reuse_old_vectors:
        for row, p in enumerate(old.passages):
            for text, vec in zip(embedding_texts(p), old.sentence_vectors_of(row)):
                cache[_text_key(text)] = vec
    texts_by_key = {_text_key(t): t for _, ps in parsed.values() for p in ps for t in embedding_texts(p)}
    to_embed = [key for key in texts_by_key if key not in cache]
    for start in range(0, len(to_embed), EMBED_GROUP):
        if progress:
            progress("embed", start, len(to_embed))
        keys = to_embed[start : start + EMBED_GROUP]
        for key, vec in zip(keys, embedder.embed([texts_by_key[k] for k in keys])):
            cache[key] = vec
    if progress:
        progress("embed", len(to_embed), len(to_embed))
    return cache, len(to_embed)


@dataclass
class _Assembly:
    documents: list[DocumentInfo] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    sentence_vectors: list[np.ndarray] = field(default_factory=list)

    def matrices(self, dim: int) -> tuple[np.ndarray, np.ndarray]:
        matrix = np.array(self.vectors, dtype=np.float32).reshape(-1, dim)
        sentences = (
            np.concatenate(self.sentence_vectors).astype(np.float32)
            if self.sentence_vectors
            else np.zeros((0, dim), np.float32)
        )
        return matrix, sentences


def _assemble(
    kept: dict[str, DocumentInfo],
    parsed: dict[str, tuple[DocumentInfo, list[Passage]]],
    old: Snapshot | None,
    vectors: dict[str, np.ndarray],
) -> _Assembly:
    """Kept documents' rows first (as they were), then the parsed ones, in a stable order."""
    out = _Assembly()
    if old is not None:
        for doc_id, info in kept.items():
            out.documents.append(info)
            for row in old.rows_of(doc_id):
                out.passages.append(old.passages[row])
                out.vectors.append(old.vectors[row])
                out.sentence_vectors.append(old.sentence_vectors_of(row))
    for info, ps in parsed.values():
        out.documents.append(info)
        for p in ps:
            sv = np.array([vectors[_text_key(t)] for t in embedding_texts(p)], dtype=np.float32)
            out.passages.append(p)
            out.sentence_vectors.append(sv)
            out.vectors.append(passage_vectors_from_sentences(sv, [len(sv)])[0])
    return out


def _write(
    store: IndexStore,
    assembly: _Assembly,
    settings: Settings,
    record: dict[str, Any],
    dim: int,
    report: IngestReport,
    progress: Progress | None,
) -> str:
    if progress:
        progress("write", 0, 1)
    matrix, sentences = assembly.matrices(dim)
    generation, digest = store.write(
        assembly.documents,
        assembly.passages,
        matrix,
        sentences,
        record,
        settings.index.approximate_above,
        settings.index.keep_generations,
    )
    if progress:
        progress("write", 1, 1)
    report.generation = generation
    report.documents = len(assembly.documents)
    report.passages = len(assembly.passages)
    return digest


def _log(
    store: IndexStore,
    action: str,
    actor: str | None,
    report: IngestReport,
    digest: str | None,
    files: list[dict[str, str]],
    note: str | None = None,
) -> None:
    append_entry(
        store.directory,
        HistoryEntry(
            time=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            actor=actor or local_actor(),
            action=action,
            generation=report.generation,
            previous=report.previous_generation,
            manifest_sha256=digest,
            files=files,
            added=report.added,
            updated=report.updated,
            removed=[{"doc_id": r.doc_id, "reason": r.reason} for r in report.removed],
            note=note,
        ),
    )


def _load_old(
    store: IndexStore, settings: Settings, embedder: TextEncoder, rebuild: bool
) -> tuple[Snapshot | None, dict[str, DocumentInfo]]:
    """The current generation (None for a rebuild) and the documents it holds (also for a rebuild)."""
    if not store.exists():
        if not rebuild:
            store.check_not_orphaned()
        return None, {}
    if rebuild:
        try:
            manifest = store.read_manifest()
        except IndexCorrupt:
            return None, {}
        return None, {k: DocumentInfo.from_dict(v) for k, v in manifest.get("documents", {}).items()}
    try:
        old = store.load(expected=compatibility_record(settings, embedder))
    except IndexCorrupt as exc:
        raise NMSAssistantError(f"{exc} (or pass --rebuild to replace it)") from None
    return old, dict(old.documents)


def update_index(
    paths: list[Path],
    settings: Settings,
    embedder: TextEncoder,
    rebuild: bool = False,
    progress: Progress | None = None,
    actor: str | None = None,
    action: str = "ingest",
) -> IngestReport:
    """Bring the index in ``settings.index.dir`` up to date with the files under ``paths``.

    Unchanged documents (same content hash, same file) keep their passages and vectors; added and
    changed documents are parsed and only their sentences not seen before are embedded; documents
    whose file was in scope and is gone are removed (see ``plan_changes``). A rejected file is
    reported and skipped, and the files beside it are still indexed. ``rebuild`` re-reads every
    indexed document from its file, and the files given. Raises ``IndexBusy`` when another writer
    holds the lock, ``IndexWriteError`` when the new generation cannot be written."""
    started = time.perf_counter()
    report = IngestReport()
    store = IndexStore(settings.index.dir)
    found, missing = collect_files(paths)
    report.rejected.extend(RejectionRecord(path=e.path, reason=e.reason) for e in missing)
    with store.writer(settings.index.lock_timeout_s):
        old, old_docs = _load_old(store, settings, embedder, rebuild)
        report.previous_generation = old.generation if old else (store.current() or (None,))[0]
        existing = frozenset(
            info.source for info in old_docs.values() if Path(info.source).is_absolute() and Path(info.source).is_file()
        )
        targets = list(
            dict.fromkeys([f.resolve() for f in found] + ([Path(s) for s in sorted(existing)] if rebuild else []))
        )
        fingerprints: dict[Path, str] = {}
        states = [read_state(p, settings, fingerprints) for p in targets]
        plan = plan_changes(old_docs, states, Scope.of(paths), existing, rebuild)
        report.rejected.extend(RejectionRecord(path=r.path, reason=r.reason) for r in plan.rejected)
        report.kept_stale.extend(plan.stale)
        report.removed.extend(plan.remove)
        parsed, files = _parse(plan, settings, embedder, report, progress)
        record = settings_record(settings, embedder)
        kept = {k: v for k, v in plan.keep.items() if k not in parsed}
        report.unchanged = sorted(kept)
        if old is not None and old_encoder(old.manifest) != record["encoder"]:
            # Vectors from another encoder (e.g. bf16 before, int8 now) are close but not equal:
            # re-embed the kept documents too, so one index never mixes the two.
            report.reembedded_from = old_encoder(old.manifest)
            for doc_id, info in kept.items():
                parsed.setdefault(doc_id, (info, [old.passages[row] for row in old.rows_of(doc_id)]))
            kept = {}
        if not report.changed and old is not None:
            report.documents, report.passages, report.generation = len(old.documents), old.size, old.generation
            report.seconds = time.perf_counter() - started
            return report
        vectors, report.embedded_sentences = _embed(parsed, old, not report.reembedded_from, embedder, progress)
        assembly = _assemble(kept, parsed, old, vectors)
        digest = _write(store, assembly, settings, record, embedder.dimension, report, progress)
        _log(store, action, actor, report, digest, files)
    report.seconds = time.perf_counter() - started
    return report


def remove_documents(
    targets: list[str], settings: Settings, embedder: TextEncoder, actor: str | None = None
) -> IngestReport:
    """Remove documents by id (file name) or by the path of their file; unknown targets are an error."""
    started = time.perf_counter()
    report = IngestReport()
    store = IndexStore(settings.index.dir)
    with store.writer(settings.index.lock_timeout_s):
        old, old_docs = _load_old(store, settings, embedder, rebuild=False)
        if old is None:
            raise NMSAssistantError(f"there is no index in {settings.index.dir} to remove documents from")
        by_source = {info.source: doc_id for doc_id, info in old_docs.items()}
        chosen: dict[str, str] = {}
        unknown = []
        for target in targets:
            doc_id = target if target in old_docs else by_source.get(str(Path(target).expanduser().resolve()))
            if doc_id is None:
                unknown.append(target)
            else:
                chosen[doc_id] = target
        if unknown:
            raise NMSAssistantError(
                f"not in the index: {', '.join(unknown)}; `nms-assistant sources` lists the indexed documents"
            )
        report.previous_generation = old.generation
        report.removed = [Removed(doc_id=d, source=old_docs[d].source, reason="removed on request") for d in chosen]
        kept = {k: v for k, v in old_docs.items() if k not in chosen}
        report.unchanged = sorted(kept)
        assembly = _assemble(kept, {}, old, {})
        digest = _write(store, assembly, settings, record_of(old.manifest), embedder.dimension, report, None)
        _log(store, "remove", actor, report, digest, [])
    report.seconds = time.perf_counter() - started
    return report


def rollback_index(
    settings: Settings, to: str | None = None, actor: str | None = None
) -> tuple[str | None, str, IngestReport]:
    """Make the previous generation (or ``to``) current again; the change is logged.

    Returns (generation before, generation now, a report of the documents that came back or left)."""
    store = IndexStore(settings.index.dir)
    report = IngestReport()
    with store.writer(settings.index.lock_timeout_s):
        try:
            before = store.read_manifest().get("documents", {}) if store.exists() else {}
        except (IndexCorrupt, NMSAssistantError):
            before = {}
        previous, now = store.rollback(to, manifest_digests(store.directory))
        after = store.read_manifest()
        docs = after.get("documents", {})
        report.added = sorted(set(docs) - set(before))
        report.removed = [
            Removed(doc_id=d, source=str(before[d].get("source", "")), reason="not in the generation rolled back to")
            for d in sorted(set(before) - set(docs))
        ]
        report.updated = sorted(
            d for d in set(docs) & set(before) if docs[d].get("content_hash") != before[d].get("content_hash")
        )
        report.unchanged = sorted(d for d in set(docs) & set(before) if d not in report.updated)
        report.generation, report.previous_generation = now, previous
        report.documents, report.passages = after["counts"]["documents"], after["counts"]["passages"]
        pointer = store.current()
        _log(store, "rollback", actor, report, pointer[1] if pointer else None, [])
    return previous, now, report
