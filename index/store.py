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
from nmsa.errors import IndexBusy, IndexCorrupt, IndexMismatch, IndexMissing, IndexWriteError

FORMAT_VERSION = 1
CURRENT = "CURRENT"
LOCK = ".write.lock"
REINDEX_HINT = "re-index with `nms-assistant ingest --rebuild`"
ROLLBACK_HINT = "`nms-assistant rollback` restores the previous generation"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


LOW_DISK_BYTES = 1 << 20  # below this much free space, a short write is reported as a full disk


def _os_reason(exc: OSError, directory: Path | None = None) -> str:
    if exc.strerror:
        return exc.strerror
    if directory is not None:
        with contextlib.suppress(OSError):
            free = shutil.disk_usage(directory).free
            if free < LOW_DISK_BYTES:
                return f"No space left on device ({free // 1024} KB free)"
    text = str(exc).strip().split("\n")[0]
    # some writers (numpy, FAISS) re-raise without the errno; a short write on a full disk is the usual cause
    return text[:160] or "the write was cut short (disk full or a file-size limit?)"


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
    ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    train = vectors[rng.choice(n, size=min(n, nlist * 64), replace=False)]
    ivf.train(train)
    ivf.add(vectors)
    queries = vectors[rng.choice(n, size=min(n, 200), replace=False)]
    queries = queries + rng.normal(scale=0.02, size=queries.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    for nprobe in (4, 8, 16, 32, 64, 128, 256, nlist):
        ivf.nprobe = min(nprobe, nlist)
        _, found = ivf.search(queries, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
        if recall >= target_recall:
            break
    return ivf


class IndexStore:
    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    # -- locking -------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self, timeout_s: float = 0.0) -> Iterator[None]:
        """Hold the single-writer lock; raise ``IndexBusy`` if another process has it."""
        self._check_directory()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexWriteError(f"cannot create the index directory {self.directory} ({_os_reason(exc)})") from None
        lock = FileLock(str(self.directory / LOCK))
        try:
            lock.acquire(timeout=timeout_s)
        except Timeout:
            raise IndexBusy(
                f"another ingest is writing the index in {self.directory}; wait for it to finish and try again"
            ) from None
        except OSError as exc:
            raise IndexWriteError(
                f"cannot write to the index directory {self.directory} ({_os_reason(exc)}); "
                "check its permissions or choose another with --index-dir"
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
    def _check_directory(self) -> None:
        if self.directory.exists() and not self.directory.is_dir():
            raise IndexWriteError(
                f"{self.directory} is a file, not an index directory; choose a folder with --index-dir"
            )

    def current(self) -> tuple[str, str] | None:
        self._check_directory()
        path = self.directory / CURRENT
        try:
            content = path.read_bytes().decode("ascii").split()
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            raise IndexCorrupt(f"{path} is not a generation pointer (damaged); {ROLLBACK_HINT}") from None
        except OSError as exc:
            raise IndexCorrupt(f"cannot read {path} ({_os_reason(exc)})") from None
        if len(content) != 2 or not content[0].startswith("gen-") or "/" in content[0]:
            raise IndexCorrupt(f"{path} is malformed; {ROLLBACK_HINT}, or {REINDEX_HINT}")
        return content[0], content[1]

    def exists(self) -> bool:
        return self.current() is not None

    def generation_dirs(self) -> list[Path]:
        """Complete generations on disk (oldest first by name, which starts with the time)."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob("gen-*") if p.is_dir() and (p / "manifest.json").is_file())

    def check_not_orphaned(self) -> None:
        """Refuse to start a new index over generations that lost their ``CURRENT`` pointer."""
        if self.current() is None and (gens := self.generation_dirs()):
            raise IndexCorrupt(
                f"the index in {self.directory} has no CURRENT pointer but {len(gens)} generation(s) on disk "
                f"(newest {gens[-1].name}); `nms-assistant rollback` restores the newest one that verifies, "
                "`nms-assistant ingest --rebuild` starts a new index beside them"
            )

    def read_manifest(self) -> dict[str, Any]:
        generation, digest = self._require_current()
        return self._read_manifest(self.directory / generation, digest)

    def _require_current(self) -> tuple[str, str]:
        current = self.current()
        if current is None:
            self.check_not_orphaned()
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
        keep_generations: int,
    ) -> tuple[str, str]:
        """Write a new generation and make it current; returns (generation, manifest sha256).

        Call inside ``writer()``. If anything fails on the way (disk full, a file-size limit), the
        half-written generation is removed, ``CURRENT`` is untouched and ``IndexWriteError`` says why."""
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage is required")
        parent = self.current()
        stamp = time.time()
        generation = (
            f"gen-{time.strftime('%Y%m%d-%H%M%S', time.localtime(stamp))}-{int(stamp * 1e6) % 1_000_000:06d}"
            f"-{secrets.token_hex(3)}"
        )
        tmp = self.directory / f".tmp-{generation}"
        try:
            digest = self._write_generation(
                tmp,
                documents,
                passages,
                vectors,
                sentence_vectors,
                settings_record,
                approximate_above,
                parent[0] if parent else None,
            )
            os.rename(tmp, self.directory / generation)
            _fsync_dir(self.directory)
            self._point_to(generation, digest)
        except (OSError, RuntimeError, sqlite3.Error) as exc:
            shutil.rmtree(tmp, ignore_errors=True)  # a failed write leaves nothing behind to fill the disk
            reason = (
                _os_reason(exc, self.directory) if isinstance(exc, OSError) else str(exc).strip().split("\n")[0][:120]
            )
            raise IndexWriteError(
                f"could not write the index in {self.directory} ({reason}); nothing was changed"
                + (f", {parent[0]} is still the current generation" if parent else "")
            ) from None
        self._collect_garbage(generation, keep_generations)
        return generation, digest

    def _write_generation(
        self,
        tmp: Path,
        documents: list[DocumentInfo],
        passages: list[Passage],
        vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        settings_record: dict[str, Any],
        approximate_above: int,
        parent: str | None,
    ) -> str:
        tmp.mkdir(parents=True)
        _write_sqlite(tmp / "passages.sqlite", documents, passages)
        np.save(tmp / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        np.save(tmp / "sentences.npy", np.asarray(sentence_vectors, dtype=np.float16), allow_pickle=False)
        dense = build_dense_index(vectors, approximate_above)
        faiss.write_index(dense, str(tmp / "dense.faiss"))
        lexical = LexicalIndex.build(
            [f"{p.context}\n{p.text}" for p in passages]
        )  # searched with its title and section
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
            "parent": parent,
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
        return file_sha256(manifest_path)

    def _point_to(self, generation: str, digest: str) -> None:
        """Atomically make ``generation`` current."""
        pointer = self.directory / f".{CURRENT}.tmp"
        with pointer.open("w") as fh:
            fh.write(f"{generation} {digest}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, self.directory / CURRENT)
        _fsync_dir(self.directory)

    def _parent_of(self, gen_dir: Path) -> str | None:
        try:
            parent = json.loads((gen_dir / "manifest.json").read_text()).get("parent")
        except (OSError, ValueError):
            return None
        return parent if isinstance(parent, str) else None

    def _collect_garbage(self, current: str, keep: int) -> None:
        """Keep the current generation and its ``keep - 1`` nearest ancestors (what rollback can reach);
        remove the rest, including generations a rollback left behind."""
        keep_names = {current}
        name: str | None = current
        while name and len(keep_names) < max(1, keep):
            name = self._parent_of(self.directory / name)
            if name and (self.directory / name).is_dir():
                keep_names.add(name)
            else:
                break
        if len(keep_names) < keep:  # generations written before parents were recorded: newest first by name
            for path in reversed(self.generation_dirs()):
                if len(keep_names) >= keep:
                    break
                keep_names.add(path.name)
        for path in self.directory.glob("gen-*"):
            if path.is_dir() and path.name not in keep_names:
                shutil.rmtree(path, ignore_errors=True)

    # -- rollback ------------------------------------------------------------------------
    def verify_generation(self, name: str, expected_digest: str | None = None) -> str:
        """Check a generation on disk completely; return its manifest digest or raise ``IndexCorrupt``."""
        gen_dir = self.directory / name
        if not name.startswith("gen-") or "/" in name or not gen_dir.is_dir():
            raise IndexCorrupt(f"there is no generation {name} in {self.directory}")
        digest = file_sha256(gen_dir / "manifest.json") if (gen_dir / "manifest.json").is_file() else ""
        if expected_digest and digest != expected_digest:
            raise IndexCorrupt(f"{name}/manifest.json was modified after it was written (its history says otherwise)")
        self._load_generation(gen_dir, digest, None)
        return digest

    def rollback(self, to: str | None = None, known_digests: dict[str, str] | None = None) -> tuple[str | None, str]:
        """Make an earlier generation current again; returns (previous current, new current).

        Default target: the current generation's parent, or with no usable ``CURRENT`` the newest
        generation that verifies. Call inside ``writer()``."""
        known = known_digests or {}
        try:
            current = self.current()
        except IndexCorrupt:
            current = None
        candidates: list[str]
        if to:
            candidates = [to]
        elif current:
            parent = self._parent_of(self.directory / current[0])
            older = [p.name for p in reversed(self.generation_dirs()) if p.name < current[0]]
            candidates = ([parent] if parent else []) + [g for g in older if g != parent]
        else:
            candidates = [p.name for p in reversed(self.generation_dirs())]
        if current and to == current[0]:
            raise IndexCorrupt(f"{to} is already the current generation")
        problems = []
        for name in candidates:
            try:
                digest = self.verify_generation(name, known.get(name))
            except IndexCorrupt as exc:
                problems.append(str(exc))
                if to:
                    raise
                continue
            self._point_to(name, digest)
            return (current[0] if current else None), name
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise IndexMissing(f"no earlier generation of the index in {self.directory} is kept on disk{detail}")


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
        con.executemany("INSERT INTO documents VALUES (?, ?)", [(d.doc_id, json.dumps(d.to_dict())) for d in documents])
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
