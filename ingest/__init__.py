"""Ingestion: files -> cleaned text -> section- and sentence-aware passages."""

from ingest.chunk import approximate_tokens, chunk_document
from ingest.clean import clean_pages, clean_text
from ingest.reader import ParsedDocument, collect_files, content_hash, manifest_entry, parse_document
from ingest.records import CleanDocument, DocumentInfo, Passage, Rejection, Section
from ingest.sentences import split_sentences

__all__ = [
    "CleanDocument",
    "DocumentInfo",
    "ParsedDocument",
    "Passage",
    "Rejection",
    "Section",
    "approximate_tokens",
    "chunk_document",
    "clean_pages",
    "clean_text",
    "collect_files",
    "content_hash",
    "manifest_entry",
    "parse_document",
    "split_sentences",
]
