"""Incremental (re-)indexing: embed only what is new, keep everything else, switch atomically."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import Embedder
from index.store import IndexStore, Snapshot
from ingest.reader import collect_files, content_hash, display_source, manifest_entry, parse_document
from ingest.records import DocumentInfo, Passage, Rejection
from nmsa.errors import IndexCorrupt, NMSAssistantError, RejectedInput
from nmsa.settings import Settings

# (stage, done, total) -> None; stages: "parse", "embed", "write"
Progress = Callable[[str, int, int], None]

CHUNKER_VERSION = 3  # bump when cleaning or chunking changes what passages are produced


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    passages: int = 0
    documents: int = 0
    embedded_sentences: int = 0
    seconds: float = 0.0
    generation: str | None = None
    reembedded_from: str | None = None  # the previous encoder, when a change of encoder re-embedded everything

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.reembedded_from)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "rejected": [{"path": r.path, "reason": r.reason} for r in self.rejected],
            "passages": self.passages,
            "documents": self.documents,
            "embedded_sentences": self.embedded_sentences,
            "seconds": round(self.seconds, 3),
            "generation": self.generation,
            "reembedded_from": self.reembedded_from,
        }


def settings_record(settings: Settings, embedder: Embedder) -> dict[str, Any]:
    """What the index depends on; a different value means the index must be rebuilt."""
    return {
        "model": embedder.identity,
        "model_path": embedder.model_name,
        "dimension": embedder.dimension,
        "precision": embedder.precision,
        "encoder": embedder.encoder,
        "passage_vectors": "sentence_mean",
        "chunking": {
            "version": CHUNKER_VERSION,
            "max_tokens": settings.ingest.chunk_tokens,
            "min_tokens": settings.ingest.min_chunk_tokens,
            "tokenizer": embedder.identity,
        },
    }


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def embedding_texts(passage: Passage) -> list[str]:
    """What is embedded for each sentence: the sentence with its section heading as context
    (a contextual header), so "Therapeutic implications" informs the sentences under it."""
    prefix = f"{passage.section}: " if passage.section else ""
    return [prefix + text for text in passage.sentence_texts()]


def old_encoder(manifest: dict[str, Any]) -> str:
    """The encoder an index was built with (indexes from before the record name it by precision)."""
    return str(manifest.get("encoder") or f"torch-{manifest.get('precision', 'fp32')}")


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


def update_index(
    paths: list[Path],
    settings: Settings,
    embedder: Embedder,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the index in ``settings.index.dir`` up to date with the files under ``paths``.

    Unchanged documents (same content hash) keep their passages and vectors; added and changed
    documents are parsed and only their sentences not seen before are embedded; documents whose
    file no longer exists are removed. A rejected file is reported and skipped, and the files
    beside it are still indexed. Raises ``IndexBusy`` when another writer holds the lock.
    """
    started = time.perf_counter()
    report = IngestReport()
    store = IndexStore(settings.index.dir)
    record = settings_record(settings, embedder)
    files, missing = collect_files(paths)
    report.rejected.extend(Rejection(e.path, e.reason) for e in missing)
    with store.writer(settings.index.lock_timeout_s):
        old: Snapshot | None = None
        if store.exists() and not rebuild:
            try:
                old = store.load(expected=record)
            except IndexCorrupt as exc:
                raise NMSAssistantError(f"{exc} (or pass --rebuild to replace it)") from None
        old_docs = dict(old.documents) if old else {}

        kept: dict[str, DocumentInfo] = {}
        parsed: dict[str, tuple[DocumentInfo, list[Passage]]] = {}
        seen_sources: dict[str, str] = {}
        for i, path in enumerate(files):
            if progress:
                progress("parse", i, len(files))
            source = display_source(path)
            doc_id = path.name
            if doc_id in seen_sources and seen_sources[doc_id] != source:
                report.rejected.append(
                    Rejection(source, f"another file named {doc_id} is already being indexed ({seen_sources[doc_id]})")
                )
                continue
            try:
                size = path.stat().st_size
                if size > settings.ingest.max_file_mb * 1024 * 1024:
                    raise RejectedInput(
                        source, f"the file is {size / 1024 / 1024:.1f} MB, over the {settings.ingest.max_file_mb:g} MB limit"
                    )
                data = path.read_bytes()
                entry = manifest_entry(path, settings.ingest.manifest)
            except RejectedInput as exc:
                report.rejected.append(Rejection(source, exc.reason))
                continue
            except OSError as exc:
                report.rejected.append(Rejection(source, f"cannot be read ({exc.strerror})"))
                continue
            except NMSAssistantError as exc:
                report.rejected.append(Rejection(source, str(exc)))
                continue
            doc_hash = content_hash(data, entry)
            previous = old_docs.get(doc_id)
            if previous and previous.source != source and Path(previous.source).exists():
                report.rejected.append(
                    Rejection(source, f"a different file named {doc_id} is already indexed from {previous.source}")
                )
                continue
            seen_sources[doc_id] = source
            if previous and previous.content_hash == doc_hash:
                kept[doc_id] = previous
                continue
            try:
                doc = parse_document(path, data, settings.ingest, embedder.count_tokens, entry, doc_hash)
            except RejectedInput as exc:
                report.rejected.append(Rejection(source, exc.reason))
                continue
            parsed[doc_id] = (doc.info, doc.passages)
            (report.updated if previous else report.added).append(doc_id)

        # Documents indexed before and not given now stay, unless their file is gone.
        for doc_id, info in old_docs.items():
            if doc_id in kept or doc_id in parsed:
                continue
            if any(r.path == info.source for r in report.rejected):
                kept[doc_id] = info  # a now-unreadable file keeps its last good version
            elif rebuild or not Path(info.source).exists():
                report.removed.append(doc_id)
            else:
                kept[doc_id] = info
        report.unchanged = sorted(d for d in kept if d not in parsed)
        if old is not None and old_encoder(old.manifest) != record["encoder"]:
            # Vectors from another encoder (e.g. bf16 before, int8 now) are close but not equal:
            # re-embed the kept documents too, so one index never mixes the two.
            report.reembedded_from = old_encoder(old.manifest)

        if not report.changed and old is not None and not rebuild:
            report.documents = len(old.documents)
            report.passages = old.size
            report.generation = old.generation
            report.seconds = time.perf_counter() - started
            return report

        # Assemble passages in a stable order: kept documents' rows first (as they were), then new ones.
        passages: list[Passage] = []
        vectors: list[np.ndarray] = []
        sentence_vectors: list[np.ndarray] = []
        documents: list[DocumentInfo] = []
        if old is not None and report.reembedded_from:
            for doc_id, info in kept.items():
                parsed.setdefault(doc_id, (info, [old.passages[row] for row in old.rows_of(doc_id)]))
            kept = {}
        if old is not None:
            for doc_id, info in kept.items():
                documents.append(info)
                for row in old.rows_of(doc_id):
                    passages.append(old.passages[row])
                    vectors.append(old.vectors[row])
                    sentence_vectors.append(old.sentence_vectors_of(row))
        cache: dict[str, np.ndarray] = {}
        if old is not None and not report.reembedded_from:
            for row, p in enumerate(old.passages):
                for text, vec in zip(embedding_texts(p), old.sentence_vectors_of(row)):
                    cache[_text_key(text)] = vec
        new_passages = [p for info, ps in parsed.values() for p in ps]
        texts_by_key = {_text_key(t): t for p in new_passages for t in embedding_texts(p)}
        to_embed = [key for key in dict.fromkeys(texts_by_key) if key not in cache]
        batch = 2048  # large groups let sentence-transformers sort by length: less padding
        for start in range(0, len(to_embed), batch):
            if progress:
                progress("embed", start, len(to_embed))
            keys = to_embed[start : start + batch]
            for key, vec in zip(keys, embedder.embed([texts_by_key[k] for k in keys])):
                cache[key] = vec
        if progress:
            progress("embed", len(to_embed), len(to_embed))
        report.embedded_sentences = len(to_embed)
        for info, ps in parsed.values():
            documents.append(info)
            for p in ps:
                sv = np.array([cache[_text_key(t)] for t in embedding_texts(p)], dtype=np.float32)
                passages.append(p)
                sentence_vectors.append(sv)
                vectors.append(passage_vectors_from_sentences(sv, [len(sv)])[0])
        dim = embedder.dimension
        matrix = np.array(vectors, dtype=np.float32).reshape(-1, dim)
        sentences = (
            np.concatenate(sentence_vectors).astype(np.float32) if sentence_vectors else np.zeros((0, dim), np.float32)
        )
        if progress:
            progress("write", 0, 1)
        report.generation = store.write(
            documents,
            passages,
            matrix,
            sentences,
            record,
            settings.index.approximate_above,
            settings.index.keep_generations,
        )
        if progress:
            progress("write", 1, 1)
        report.documents = len(documents)
        report.passages = len(passages)
        report.seconds = time.perf_counter() - started
        return report
