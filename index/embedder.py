"""The embedding model behind a small class: loaded lazily, once, and shared."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from index.int8 import Int8Encoder
    from nmsa.settings import IndexSettings

log = logging.getLogger(__name__)

# Defaults for the Hugging Face libraries, set (unless the user set them) just before they load:
# the model ships inside a package, so never reach for the hub; no progress bars or advisories on
# the CLI's streams; no tokenizer thread pool (it warns, then deadlocks, after a fork).
HF_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def hf_environment() -> None:
    """Apply ``HF_ENVIRONMENT`` defaults; called where the model or its tokenizer is loaded."""
    for name, value in HF_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bfloat16 matrix instructions (AVX512-BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def choose_precision(precision: str, model: str) -> str:
    """``auto``: int8 where the CPU has int8 dot-product instructions and the model can be
    quantized, else bf16 where it has native bfloat16, else fp32."""
    from index.int8 import cpu_supports_int8, int8_available

    if precision == "auto":
        if cpu_supports_int8() and int8_available(model):
            return "int8"
        return "bf16" if cpu_supports_bf16() else "fp32"
    if precision not in ("fp32", "bf16", "int8"):
        raise ValueError(f"precision must be auto, fp32, bf16 or int8, not {precision!r}")
    if precision == "int8" and not int8_available(model):
        from index.int8 import Int8Error

        raise Int8Error(
            "precision int8 needs the openvino and nncf packages and a local mean-pooled "
            "sentence-transformers model; use bf16 or fp32"
        )
    return precision


def model_identity(model: str) -> str:
    """A stable name for a model: hub name as is; a directory by a hash of its config and weights size."""
    path = Path(model)
    if not path.is_dir():
        return model
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        f = path / name
        if f.is_file():
            digest.update(f.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    label = "all-MiniLM-L6-v2" if (path / "config.json").is_file() and "minilm" in str(path).lower() else path.name
    return f"{label}@{digest.hexdigest()[:12]}"


class TextEncoder(Protocol):
    """What ingestion, the index and search need of an embedding model.

    :class:`Embedder` is the shipped one; another model (or the tests' hash embedder) can stand in
    for it. ``identity`` and ``encoder`` are recorded with an index, so vectors from two encoders
    are never mixed in one index.
    """

    model_name: str
    identity: str
    precision: str

    @property
    def encoder(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def warm_up(self, longest_query: int = 64) -> None: ...


class Embedder:
    """Normalised sentence embeddings from a sentence-transformers model, batched.

    ``calls`` and ``texts_embedded`` count the work done (tests use them to prove that
    unchanged documents are not re-embedded).
    """

    def __init__(
        self, model: str, precision: str = "auto", batch_size: int = 32, cache_dir: str | Path | None = None
    ) -> None:
        from index.int8 import default_cache_dir

        self.model_name = model
        self.identity = model_identity(model)
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.precision = choose_precision(precision, model)
        self._auto = precision == "auto"
        self.calls = 0
        self.texts_embedded = 0
        self._model: Any = None
        self._int8: Int8Encoder | None = None
        self._tokenizer: Callable[[str], list[int]] | None = None
        self._lock = threading.RLock()  # reentrant: loading the tokenizer of a hub model loads the model

    @classmethod
    def from_settings(cls, index: IndexSettings) -> Embedder:
        return cls(index.model, index.precision, index.batch_size, index.model_cache)

    @property
    def encoder(self) -> str:
        """Which code computes the vectors (recorded with the index)."""
        int8 = self.int8
        return f"openvino-int8@{int8.digest}" if int8 is not None else f"torch-{self.precision}"

    @property
    def int8(self) -> Int8Encoder | None:
        """The int8 encoder (made and cached on first use), or None when the precision is not int8.

        When ``auto`` chose int8 and the int8 model cannot be made (say, an unwritable cache), the
        embedder logs why (a warning) and falls back to bf16 or fp32; an explicit int8 raises."""
        if self.precision != "int8":
            return None
        if self._int8 is None:
            with self._lock:
                if self._int8 is None and self.precision == "int8":
                    from index.int8 import Int8Encoder, Int8Error

                    try:
                        self._int8 = Int8Encoder(Path(self.model_name), self.identity, self.cache_dir)
                    except Int8Error as exc:
                        if not self._auto:
                            raise
                        self.precision = "bf16" if cpu_supports_bf16() else "fp32"
                        log.warning("int8 embeddings unavailable: %s. Using %s.", exc, self.precision)
        return self._int8

    @property
    def model(self) -> Any:
        """The sentence-transformers model (loaded on first use)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    hf_environment()
                    import torch
                    from sentence_transformers import SentenceTransformer

                    model = SentenceTransformer(self.model_name, device="cpu")
                    if self.precision == "bf16":
                        model = model.to(torch.bfloat16)
                    model.eval()
                    self._model = model
        return self._model

    @property
    def dimension(self) -> int:
        pooling = Path(self.model_name) / "1_Pooling" / "config.json"
        if self._model is None and pooling.is_file():  # known without loading the weights
            import json

            dim = json.loads(pooling.read_text()).get("word_embedding_dimension")
            if isinstance(dim, int):
                return dim
        int8 = self.int8
        if int8 is not None:
            return int8.dimension
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_tokens(self) -> int:
        int8 = self.int8
        if int8 is not None:
            return int8.max_seq_length
        return int(getattr(self.model, "max_seq_length", 256) or 256)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads for ``text``, including [CLS] and [SEP]."""
        tokenizer = self._tokenizer
        if tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._load_tokenizer()
                tokenizer = self._tokenizer
        return len(tokenizer(text))

    def _load_tokenizer(self) -> Callable[[str], list[int]]:
        hf_environment()
        path = Path(self.model_name) / "tokenizer.json"
        if path.is_file():
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(path))
            tok.no_truncation()
            tok.no_padding()
            return lambda text: tok.encode(text).ids
        hf = self.model.tokenizer
        return lambda text: hf(text, add_special_tokens=True, truncation=False)["input_ids"]

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.calls += 1
        self.texts_embedded += len(texts)
        int8 = self.int8
        if int8 is not None:
            return int8.encode(list(texts), batch_size=self.batch_size)
        import torch

        with torch.inference_mode():
            vectors = self.model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # bf16 normalises in bf16 (norms up to 1.002); renormalise in float32 so scores are cosines
        return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)

    def warm_up(self, longest_query: int = 64) -> None:
        """Load the model now; with int8, also prepare every query length up to ``longest_query``
        word pieces (OpenVINO spends about 10 ms on each input length the first time it sees it)."""
        self.embed(["warm up"])
        int8 = self.int8
        if int8 is not None:
            for n in range(1, longest_query - 1):
                int8.encode([" ".join(["a"] * n)])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
