"""The index: embeddings in FAISS, BM25 beside it, metadata in SQLite, generations on disk."""

from index.builder import IngestReport, update_index
from index.embedder import Embedder, TextEncoder
from index.search import MODES, Filters, Hit, Searcher
from index.store import IndexStore, Snapshot
from index.synonyms import Vocabulary, load_vocabulary

__all__ = [
    "MODES",
    "Embedder",
    "Filters",
    "Hit",
    "IndexStore",
    "IngestReport",
    "Searcher",
    "Snapshot",
    "TextEncoder",
    "Vocabulary",
    "load_vocabulary",
    "update_index",
]
