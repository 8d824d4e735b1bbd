"""On-disk index: immutable generations, switched atomically, checked on load.

Layout of an index directory::

    CURRENT               "<generation> <sha256 of its manifest.json>", replaced atomically
    .write.lock           held by the one writer (an OS lock: a killed writer releases it)
    gen-<time>-<rand>/    one complete generation
        manifest.json     model, dimension, chunking, documents with content hashes, counts,
                          creation time, and the sha256 of every other file
        passages.sqlite   documents, passages and sentences, keyed by FAISS row
        dense.faiss       inner-product index over unit vectors (exact, or IVF when large)
        vectors.npy       passage vectors (float32), reused by incremental updates
        sentences.npy     sentence vectors (float16), for answer composition
        bm25/             bm25s arrays and JSON vocabulary (no pickle)

A save writes a new generation beside the old one, fsyncs it, and only then replaces
CURRENT, so a process killed at any moment leaves the previous generation loadable.
Loading verifies checksums before parsing any file, so a tampered file is refused rather
than read; nothing is unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from filelock import FileLock, Timeout

from index.lexical import LexicalIndex
from ingest.records import DocumentInfo, Passage
from nmsa.errors import IndexBusy, IndexCorrupt, IndexMismatch, IndexMissing

FORMAT_VERSION = 1
CURRENT = "CURRENT"
LOCK = ".write.lock"
REINDEX_HINT = "re-index with `nms-assistant ingest --rebuild`"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class Snapshot:
    """One loaded generation: everything a search needs, immutable once built."""

    directory: Path
    generation: str
    manifest: dict[str, Any]
    documents: dict[str, DocumentInfo]
    passages: list[Passage]
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    sentence_offsets: np.ndarray  # row i's sentences are sentence_vectors[offsets[i]:offsets[i+1]]
    dense: Any
    lexical: LexicalIndex
    _rows_by_doc: dict[str, list[int]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.passages)

    def rows_of(self, doc_id: str) -> list[int]:
        if not self._rows_by_doc:
            for row, p in enumerate(self.passages):
                self._rows_by_doc.setdefault(p.doc_id, []).append(row)
        return self._rows_by_doc.get(doc_id, [])

    def sentence_vectors_of(self, row: int) -> np.ndarray:
        return self.sentence_vectors[self.sentence_offsets[row] : self.sentence_offsets[row + 1]]


def build_dense_index(vectors: np.ndarray, approximate_above: int, target_recall: float = 0.95) -> Any:
    """Exact inner-product search up to ``approximate_above`` vectors; above it an IVF index
    whose ``nprobe`` is tuned at build time until recall@10 against exact search reaches
    ``target_recall`` on a sample of the vectors themselves."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 384
    if len(vectors) <= approximate_above:
        index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(vectors)
        return index
    n = len(vectors)
    nlist = int(min(max(64, 4 * np.sqrt(n)), n // 39))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    train = vectors[rng.choice(n, size=min(n, nlist * 64), replace=False)]
    index.train(train)
    index.add(vectors)
    queries = vectors[rng.choice(n, size=min(n, 200), replace=False)]
    queries = queries + rng.normal(scale=0.02, size=queries.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    for nprobe in (4, 8, 16, 32, 64, 128, 256, nlist):
        index.nprobe = min(nprobe, nlist)
        _, found = index.search(queries, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
        if recall >= target_recall:
            break
    return index


class IndexStore:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    # -- locking -------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self, timeout_s: float = 0.0) -> Iterator[None]:
        """Hold the single-writer lock; raise ``IndexBusy`` if another process has it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.directory / LOCK))
        try:
            lock.acquire(timeout=timeout_s)
        except Timeout:
            raise IndexBusy(
                f"another ingest is writing the index in {self.directory}; wait for it to finish and try again"
            ) from None
        try:
            self._remove_stale_temporaries()
            yield
        finally:
            lock.release()

    def _remove_stale_temporaries(self) -> None:
        for tmp in self.directory.glob(".tmp-gen-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    # -- reading -------------------------------------------------------------------------
    def current(self) -> tuple[str, str] | None:
        path = self.directory / CURRENT
        try:
            content = path.read_text().split()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IndexCorrupt(f"cannot read {path}: {exc.strerror}") from None
        if len(content) != 2 or not content[0].startswith("gen-"):
            raise IndexCorrupt(f"{path} is malformed; {REINDEX_HINT}")
        return content[0], content[1]

    def exists(self) -> bool:
        return self.current() is not None

    def read_manifest(self) -> dict[str, Any]:
        generation, digest = self._require_current()
        return self._read_manifest(self.directory / generation, digest)

    def _require_current(self) -> tuple[str, str]:
        current = self.current()
        if current is None:
            raise IndexMissing(
                f"no index in {self.directory}; build one with `nms-assistant ingest` (it indexes corpus/ by default)"
            )
        return current

    def _read_manifest(self, gen_dir: Path, digest: str) -> dict[str, Any]:
        path = gen_dir / "manifest.json"
        if not path.is_file():
            raise IndexCorrupt(f"{gen_dir.name} has no manifest.json; {REINDEX_HINT}")
        if file_sha256(path) != digest:
            raise IndexCorrupt(f"{path} was modified after it was written (checksum mismatch); {REINDEX_HINT}")
        try:
            manifest = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise IndexCorrupt(f"{path} is not valid JSON; {REINDEX_HINT}") from None
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatch(
                f"the index in {self.directory} has format {manifest.get('format_version')}, "
                f"this version reads {FORMAT_VERSION}; {REINDEX_HINT}"
            )
        return manifest

    def load(self, expected: dict[str, Any] | None = None) -> Snapshot:
        """Load the current generation after checking its integrity and, if given, its settings."""
        for attempt in range(3):
            generation, digest = self._require_current()
            gen_dir = self.directory / generation
            if not gen_dir.is_dir():
                if attempt < 2:  # a writer switched generations under us; read CURRENT again
                    time.sleep(0.05)
                    continue
                raise IndexCorrupt(f"CURRENT points to {generation}, which is missing; {REINDEX_HINT}")
            try:
                return self._load_generation(gen_dir, digest, expected)
            except FileNotFoundError:
                if attempt < 2:
                    time.sleep(0.05)
                    continue
                raise IndexCorrupt(f"files of {generation} disappeared while loading; {REINDEX_HINT}") from None
        raise IndexCorrupt(f"could not load the index in {self.directory}")  # pragma: no cover

    def _load_generation(self, gen_dir: Path, digest: str, expected: dict[str, Any] | None) -> Snapshot:
        manifest = self._read_manifest(gen_dir, digest)
        if expected:
            check_compatible(manifest, expected, self.directory)
        for name, file_digest in manifest.get("files", {}).items():
            path = gen_dir / name
            if not path.is_file():
                raise IndexCorrupt(f"{gen_dir.name}/{name} is missing; {REINDEX_HINT}")
            if file_sha256(path) != file_digest:
                raise IndexCorrupt(f"{gen_dir.name}/{name} was modified after it was written; {REINDEX_HINT}")
        counts = manifest["counts"]
        documents, passages = _read_sqlite(gen_dir / "passages.sqlite")
        try:
            # allow_pickle=False: an object array (a pickle) is refused, never executed
            vectors = np.load(gen_dir / "vectors.npy", allow_pickle=False)
            sentence_vectors = np.load(gen_dir / "sentences.npy", allow_pickle=False).astype(np.float32)
            dense = faiss.read_index(str(gen_dir / "dense.faiss"))
            lexical = LexicalIndex.load(gen_dir / "bm25")
        except FileNotFoundError:
            raise
        except (ValueError, RuntimeError, OSError, KeyError, json.JSONDecodeError) as exc:
            raise IndexCorrupt(f"{gen_dir.name} cannot be read ({str(exc)[:120]}); {REINDEX_HINT}") from None
        n_sentences = sum(len(p.sentences) for p in passages)
        if not (
            len(passages) == counts["passages"] == dense.ntotal == len(vectors)
            and len(documents) == counts["documents"]
            and n_sentences == counts["sentences"] == len(sentence_vectors)
        ):
            raise IndexCorrupt(
                f"{gen_dir.name} is inconsistent: manifest says {counts['passages']} passages, metadata has "
                f"{len(passages)}, FAISS has {dense.ntotal}; {REINDEX_HINT}"
            )
        offsets = np.zeros(len(passages) + 1, dtype=np.int64)
        np.cumsum([len(p.sentences) for p in passages], out=offsets[1:])
        return Snapshot(
            directory=self.directory,
            generation=gen_dir.name,
            manifest=manifest,
            documents=documents,
            passages=passages,
            vectors=vectors,
            sentence_vectors=sentence_vectors,
            sentence_offsets=offsets,
            dense=dense,
            lexical=lexical,
        )

    # -- writing -------------------------------------------------------------------------
    def write(
        self,
        documents: list[DocumentInfo],
        passages: list[Passage],
        vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        settings_record: dict[str, Any],
        approximate_above: int,
        keep_generations: int = 2,
    ) -> str:
        """Write a new generation and make it current. Call inside ``writer()``."""
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage is required")
        generation = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
        tmp = self.directory / f".tmp-{generation}"
        tmp.mkdir(parents=True)
        _write_sqlite(tmp / "passages.sqlite", documents, passages)
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        np.save(tmp / "sentences.npy", np.asarray(sentence_vectors, dtype=np.float16), allow_pickle=False)
        dense = build_dense_index(vectors, approximate_above)
        faiss.write_index(dense, str(tmp / "dense.faiss"))
        lexical = LexicalIndex.build([p.text for p in passages])
        lexical.save(tmp / "bm25")
        files = {}
        for path in sorted(tmp.rglob("*")):
            if path.is_file():
                files[str(path.relative_to(tmp))] = file_sha256(path)
        manifest = {
            "format_version": FORMAT_VERSION,
            **settings_record,
            "dense_index": "ivf" if len(vectors) > approximate_above else "flat",
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "counts": {
                "documents": len(documents),
                "passages": len(passages),
                "sentences": int(len(sentence_vectors)),
            },
            "documents": {d.doc_id: d.to_dict() for d in documents},
            "files": files,
        }
        manifest_path = tmp / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        for path in tmp.rglob("*"):
            if path.is_file():
                with path.open("rb") as fh:
                    os.fsync(fh.fileno())
        digest = file_sha256(manifest_path)
        final = self.directory / generation
        os.rename(tmp, final)
        _fsync_dir(self.directory)
        pointer = self.directory / f".{CURRENT}.tmp"
        with pointer.open("w") as fh:
            fh.write(f"{generation} {digest}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, self.directory / CURRENT)
        _fsync_dir(self.directory)
        self._collect_garbage(generation, keep_generations)
        return generation

    def _collect_garbage(self, current: str, keep: int) -> None:
        generations = sorted(p for p in self.directory.glob("gen-*") if p.is_dir())
        old = [p for p in generations if p.name != current]
        for path in old[: max(0, len(old) - (keep - 1))]:
            shutil.rmtree(path, ignore_errors=True)


def check_compatible(manifest: dict[str, Any], expected: dict[str, Any], directory: Path) -> None:
    """Refuse an index built with another model or chunking."""
    for key in ("model", "dimension", "chunking", "passage_vectors"):
        if key in expected and manifest.get(key) != expected[key]:
            raise IndexMismatch(
                f"the index in {directory} was built with {key} {manifest.get(key)!r}, but the settings ask for "
                f"{expected[key]!r}; {REINDEX_HINT}"
            )


def _write_sqlite(path: Path, documents: list[DocumentInfo], passages: list[Passage]) -> None:
    con = sqlite3.connect(path)
    try:
        con.executescript(
            """
            CREATE TABLE documents (doc_id TEXT PRIMARY KEY, data TEXT NOT NULL);
            CREATE TABLE passages (row INTEGER PRIMARY KEY, id TEXT NOT NULL, doc_id TEXT NOT NULL, data TEXT NOT NULL);
            """
        )
        con.executemany(
            "INSERT INTO documents VALUES (?, ?)", [(d.doc_id, json.dumps(d.to_dict())) for d in documents]
        )
        con.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?)",
            [(row, p.id, p.doc_id, json.dumps(p.to_dict())) for row, p in enumerate(passages)],
        )
        con.commit()
    finally:
        con.close()


def _read_sqlite(path: Path) -> tuple[dict[str, DocumentInfo], list[Passage]]:
    if not path.is_file():
        raise FileNotFoundError(path)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            documents = {
                doc_id: DocumentInfo.from_dict(json.loads(data))
                for doc_id, data in con.execute("SELECT doc_id, data FROM documents")
            }
            rows = list(con.execute("SELECT row, data FROM passages ORDER BY row"))
        finally:
            con.close()
    except (sqlite3.DatabaseError, json.JSONDecodeError, TypeError) as exc:
        raise IndexCorrupt(f"{path} cannot be read ({exc}); {REINDEX_HINT}") from None
    if [r for r, _ in rows] != list(range(len(rows))):
        raise IndexCorrupt(f"{path} has missing passage rows; {REINDEX_HINT}")
    return documents, [Passage.from_dict(json.loads(data)) for _, data in rows]
