"""The long-lived object behind the CLI and the UI: one model, the current index snapshot.

``Engine.snapshot()`` re-reads the index only when a writer has switched to a new
generation, so a running app sees a re-index at once, and each caller keeps the snapshot it
started with (never half of one and half of another).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.candidates import LexicalStats
from assistant.classify import Classifier, RuleClassifier
from assistant.query import Reader, anchor_stems
from assistant.spelling import Speller
from assistant.stance import RuleStanceDetector, StanceDetector
from index.builder import IngestReport, Progress, compatibility_record, remove_documents, rollback_index, update_index
from index.embedder import Embedder, TextEncoder
from index.search import Filters, Hit, Searcher
from index.store import IndexStore, Snapshot
from index.synonyms import Vocabulary, load_vocabulary
from nmsa.settings import Settings


class Engine:
    """The model, the current index generation and what is derived from it, shared by every caller.

    ``classifier`` and ``stance_detector`` are the judgments a learned model may replace: pass your
    own (anything with ``classify_batch`` / ``stance_batch``) to the constructor."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: TextEncoder | None = None,
        classifier: Classifier | None = None,
        stance_detector: StanceDetector | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.embedder: TextEncoder = embedder or Embedder.from_settings(self.settings.index)
        self.classifier: Classifier = classifier or RuleClassifier(self.settings.classifier)
        self.stance_detector: StanceDetector = stance_detector or RuleStanceDetector(
            names=lambda topic: self.vocabulary.synonyms_of(topic)
        )
        self.store = IndexStore(self.settings.index.dir)
        self._snapshot: Snapshot | None = None
        self._pointer: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._stats: tuple[str, LexicalStats] | None = None
        self._reader: tuple[str, Reader] | None = None

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = load_vocabulary(self.settings.corpus_dir / self.settings.retrieval.synonyms)
        return self._vocabulary

    def expected_record(self) -> dict[str, object]:
        """What a readable index must share with these settings (known without loading the model)."""
        record = compatibility_record(self.settings, self.embedder)
        return {k: record[k] for k in ("model", "chunking", "passage_vectors")}

    def snapshot(self) -> Snapshot:
        """The current index generation (loaded once per generation)."""
        pointer = self.store.current()
        with self._lock:
            if self._snapshot is None or pointer != self._pointer:
                self._snapshot = self.store.load(expected=self.expected_record())
                self._pointer = (self._snapshot.generation, pointer[1]) if pointer else None
            return self._snapshot

    def lexical_stats(self, snapshot: Snapshot) -> LexicalStats:
        """Document frequencies and ubiquitous words of a generation (computed once per generation)."""
        cached = self._stats
        if cached is None or cached[0] != snapshot.generation:
            cached = (snapshot.generation, LexicalStats(snapshot, self.settings.scoring, self.is_rare))
            self._stats = cached
        return cached[1]

    def reader(self, snapshot: Snapshot) -> Reader:
        """What reading questions needs from a generation (built once per generation)."""
        cached = self._reader
        if cached is None or cached[0] != snapshot.generation:
            stats = self.lexical_stats(snapshot)
            speller = Speller(snapshot.lexical.vocab, lambda: _spelt_texts(snapshot))
            reader = Reader(
                self.vocabulary,
                snapshot.lexical.vocab,
                anchor_stems(self.vocabulary, stats.ubiquitous),
                self.is_rare,
                lambda text: speller.text(text, keep=self._spelt_right),
            )
            cached = self._reader = (snapshot.generation, reader)
        return cached[1]

    def _spelt_right(self, word: str) -> bool:
        """A word to leave as typed: a name in the synonyms file, or an everyday word the model's tokenizer
        keeps whole ("chances", "woman"), which is no typo even when the index never uses it."""
        return self.vocabulary.knows(word) or not self.is_rare(word)

    def is_rare(self, word: str) -> bool:
        """A word the model's tokenizer splits into two or more pieces (drug names; not everyday words)."""
        return self.embedder.count_tokens(word) - 2 >= 2

    def searcher(self, snapshot: Snapshot | None = None) -> Searcher:
        return Searcher(snapshot or self.snapshot(), self.embedder, self.vocabulary, self.settings.retrieval.rrf_k)

    def search(
        self, query: str, k: int | None = None, mode: str | None = None, filters: Filters | None = None
    ) -> list[Hit]:
        return self.searcher().search(
            query,
            k=k or self.settings.retrieval.k,
            mode=mode or self.settings.retrieval.mode,
            candidates=self.settings.retrieval.candidates,
            filters=filters,
        )

    def ingest(
        self,
        paths: list[Path],
        rebuild: bool = False,
        progress: Progress | None = None,
        actor: str | None = None,
        action: str = "ingest",
    ) -> IngestReport:
        return update_index(
            paths, self.settings, self.embedder, rebuild=rebuild, progress=progress, actor=actor, action=action
        )

    def remove(self, targets: list[str], actor: str | None = None) -> IngestReport:
        return remove_documents(targets, self.settings, self.embedder, actor=actor)

    def rollback(self, to: str | None = None, actor: str | None = None) -> IngestReport:
        return rollback_index(self.settings, to, actor)[2]

    def warm_up(self) -> None:
        """Load the model and the index now rather than on the first question."""
        self.embedder.warm_up()
        self.snapshot()


def _spelt_texts(snapshot: Snapshot) -> Iterator[str]:
    """The words a question may misspell: the passages', and the documents' titles and file names, by which a
    reader names them ("the encylopedia" for nms-encyclopedia-article.txt)."""
    yield from (p.text for p in snapshot.passages)
    for doc_id, info in snapshot.documents.items():
        yield f"{info.title} {doc_id.replace('-', ' ').replace('_', ' ')}"
