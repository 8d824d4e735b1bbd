"""The index as a LangChain retriever: our hybrid hits as Documents with citation metadata."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda
from pydantic import ValidationError

from assistant.retriever import NMSRetriever
from index.search import Filters

pytestmark = pytest.mark.model

METADATA_KEYS = {
    "title",
    "doc_id",
    "source",
    "section",
    "page",
    "evidence_type",
    "passage_id",
    "score",
    "dense_score",
    "rank",
}


def test_documents_are_the_engines_hits_with_citation_metadata(corpus_engine):
    retriever = NMSRetriever(engine=corpus_engine, k=5)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("Is dantrolene effective for NMS?")
    hits = corpus_engine.search("Is dantrolene effective for NMS?", k=5)
    assert len(docs) == 5 and all(isinstance(d, Document) for d in docs)
    assert [d.page_content for d in docs] == [h.passage.text for h in hits]
    assert [d.id for d in docs] == [h.passage.id for h in hits]
    for doc, hit in zip(docs, hits):
        assert set(doc.metadata) == METADATA_KEYS
        assert doc.metadata["passage_id"] == hit.passage.id and doc.metadata["doc_id"] == hit.passage.doc_id
        assert doc.metadata["title"] == hit.passage.title and doc.metadata["source"] == hit.passage.source
        assert doc.metadata["score"] == hit.score and doc.metadata["rank"] == hit.rank
        assert isinstance(doc.metadata["evidence_type"], str)
    assert [d.metadata["score"] for d in docs] == sorted((d.metadata["score"] for d in docs), reverse=True)
    assert any("dantrolene" in d.page_content.lower() for d in docs)


def test_mode_and_filters_apply(corpus_engine):
    lexical = NMSRetriever(engine=corpus_engine, k=3, mode="lexical").invoke("creatine kinase")
    assert [d.id for d in lexical] == [
        h.passage.id for h in corpus_engine.search("creatine kinase", k=3, mode="lexical")
    ]
    only_guidelines = NMSRetriever(engine=corpus_engine, k=8, filters=Filters(evidence_types=frozenset({"guideline"})))
    docs = only_guidelines.invoke("how is NMS treated")
    assert docs and {d.metadata["evidence_type"] for d in docs} == {"guideline"}


def test_it_composes_in_a_chain_and_batches(corpus_engine):
    retriever = NMSRetriever(engine=corpus_engine, k=2)
    cite = RunnableLambda(lambda docs: "\n".join(f"[{i}] {d.metadata['title']}" for i, d in enumerate(docs, 1)))
    text = (retriever | cite).invoke("What is the mortality of NMS?")
    assert text.startswith("[1] ") and "\n[2] " in text
    assert [len(b) for b in retriever.batch(["dantrolene", "bromocriptine"])] == [2, 2]


def test_bad_arguments_fail_at_construction(corpus_engine):
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        NMSRetriever(engine=corpus_engine, k=0)
    with pytest.raises(ValidationError, match="hybrid"):
        NMSRetriever(engine=corpus_engine, mode="semantic")
