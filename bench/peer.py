"""The peer: the recipe of most RAG tutorials. RecursiveCharacterTextSplitter(1000, 200), the same
MiniLM through langchain-huggingface, LangChain's community FAISS store, similarity_search(k=4)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from nmsa.settings import bundled_model_path

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings


def embeddings() -> Embeddings:
    from langchain_huggingface import HuggingFaceEmbeddings

    emb = HuggingFaceEmbeddings(
        model_name=bundled_model_path(), model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
    )
    emb.embed_query("warm up")
    return emb


def load_documents(folder: Path) -> list[Document]:
    from langchain_core.documents import Document

    return [
        Document(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.name})
        for p in sorted(Path(folder).glob("*.txt"))
    ]


def split(documents: list[Document]) -> list[Document]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)


def build(folder: Path, emb: Embeddings) -> tuple[Any, list[Document]]:
    """The peer's store (LangChain community FAISS) over ``folder``'s texts, and its chunks."""
    from langchain_community.vectorstores import FAISS

    chunks = split(load_documents(folder))
    return FAISS.from_documents(chunks, emb), chunks
