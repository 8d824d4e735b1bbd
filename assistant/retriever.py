"""The index as a LangChain retriever, for researchers who build their own chains.

``NMSRetriever(engine=Engine(), k=8)`` returns the engine's hybrid (or dense, or lexical) hits as
LangChain ``Document``s: the passage text, with the metadata a citation needs. It reads the
current index generation on every call, like the assistant itself; it never writes.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.engine import Engine
from index.search import Filters, Hit

__all__ = ["NMSRetriever", "to_document"]


def to_document(hit: Hit) -> Document:
    """A search hit as a LangChain document; ``score`` is the ranking score of the mode used
    (reciprocal-rank fusion for hybrid), ``dense_score`` the cosine similarity to the query."""
    p = hit.passage
    metadata: dict[str, Any] = {
        "title": p.title,
        "doc_id": p.doc_id,
        "source": p.source,
        "section": p.section,
        "page": p.page,
        "evidence_type": str(p.evidence_type),
        "passage_id": p.id,
        "score": hit.score,
        "dense_score": hit.dense_score,
        "rank": hit.rank,
    }
    return Document(page_content=p.text, metadata=metadata, id=p.id)


class NMSRetriever(BaseRetriever):
    """Hybrid search over the NMS index as a LangChain ``BaseRetriever``."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    engine: Engine
    k: int = Field(8, ge=1, le=200, description="Passages returned per query.")
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Retrieval mode.")
    filters: Filters | None = Field(None, description="Evidence types and documents to search (None: all).")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(hit) for hit in self.engine.search(query, k=self.k, mode=self.mode, filters=self.filters)]
