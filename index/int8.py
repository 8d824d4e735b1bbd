"""An int8 copy of the embedding model, for CPUs with int8 dot-product instructions (VNNI).

Made once from the sentence-transformers weights: exported to OpenVINO, its activations and
weights quantized to int8 by NNCF on calibration sentences shipped with the project
(``calibration.txt``), and cached on disk with the checksums of its files. Loading the cached
copy needs neither torch nor a network, parses only OpenVINO's XML and weights (no code runs),
and is refused and rebuilt when a checksum does not match.

Only mean-pooled sentence-transformers models (like all-MiniLM-L6-v2) are supported; the caller
falls back to the PyTorch path for others. Quality against fp32 is measured in ``bench/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from index.embedder import hf_environment
from index.store import file_sha256
from nmsa.errors import NMSAssistantError

if TYPE_CHECKING:
    from tokenizers import Encoding, Tokenizer

log = logging.getLogger(__name__)

RECIPE = 1  # bump when the export or the quantization changes: cached copies are then remade
CALIBRATION = Path(__file__).with_name("calibration.txt")
_CALIBRATION_BATCH = 8


class Int8Error(NMSAssistantError):
    """The int8 model cannot be made or loaded."""


def cpu_supports_int8() -> bool:
    """True when the CPU has int8 dot-product instructions (AVX512-VNNI, AVX-VNNI or AMX-INT8)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(f" {flag}" in flags for flag in ("avx512_vnni", "avx_vnni", "amx_int8"))


def int8_available(model: str) -> bool:
    """The packages are installed and ``model`` is a local mean-pooled sentence-transformers model."""
    from importlib.util import find_spec

    if find_spec("openvino") is None or find_spec("nncf") is None:  # found, not imported (nncf imports torch)
        return False
    return _mean_pooled(Path(model))


def _mean_pooled(path: Path) -> bool:
    try:
        modules = json.loads((path / "modules.json").read_text())
        types = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = json.loads((path / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return False
    other_modes = [
        k for k, v in pooling.items() if k.startswith("pooling_mode_") and v and k != "pooling_mode_mean_tokens"
    ]
    return (
        types[:2] == ["Transformer", "Pooling"]
        and set(types[2:]) <= {"Normalize"}
        and bool(pooling.get("pooling_mode_mean_tokens"))
        and not other_modes
        and (path / "tokenizer.json").is_file()
    )


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nms-assistant" / "models"


def _max_seq_length(model_dir: Path) -> int:
    try:
        return int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 256


def load_tokenizer(model_dir: Path, max_length: int) -> Tokenizer:
    """The model's fast tokenizer with sentence-transformers' settings: truncate at the model's
    limit, pad to the longest text of a batch."""
    hf_environment()
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(max_length=max_length)
    pad_id = tok.token_to_id("[PAD]") or 0
    tok.enable_padding(pad_id=pad_id, pad_token="[PAD]")
    return tok


def _inputs(encodings: Sequence[Encoding], names: list[str]) -> dict[str, np.ndarray]:
    columns = {
        "input_ids": [e.ids for e in encodings],
        "attention_mask": [e.attention_mask for e in encodings],
        "token_type_ids": [e.type_ids for e in encodings],
    }
    return {name: np.asarray(columns[name], dtype=np.int64) for name in names}


def cache_folder(model_dir: Path, identity: str, cache_dir: Path) -> Path:
    import openvino

    calibration = hashlib.sha256(CALIBRATION.read_bytes()).hexdigest()[:12]
    version = ".".join(openvino.get_version().split("-")[0].split(".")[:2])
    safe = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in identity)
    return cache_dir / f"{safe}-int8-r{RECIPE}-cal{calibration}-ov{version}"


def _verified(folder: Path) -> dict[str, Any] | None:
    """The folder's record if every file matches its checksum, else None."""
    try:
        info: dict[str, Any] = json.loads((folder / "info.json").read_text())
        files = info["files"]
        if set(files) != {"model.xml", "model.bin"}:
            return None
        for name, digest in files.items():
            if file_sha256(folder / name) != digest:
                return None
        return info
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_int8_model(model_dir: Path, identity: str, cache_dir: Path) -> tuple[Path, dict[str, Any]]:
    """The folder holding a verified int8 copy of ``model_dir`` (made first if needed) and its record."""
    folder = cache_folder(model_dir, identity, cache_dir)
    info = _verified(folder)
    if info:
        return folder, info
    try:
        return _make(model_dir, folder)
    except OSError as exc:
        raise Int8Error(
            f"cannot write the int8 model cache at {cache_dir} ({exc.strerror or exc}); "
            "set NMS_INDEX__MODEL_CACHE to a writable folder"
        ) from exc


def _make(model_dir: Path, folder: Path) -> tuple[Path, dict[str, Any]]:
    from filelock import FileLock

    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        info = _verified(folder)
        if info:  # made by another process while we waited
            return folder, info
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
        try:
            log.info("Making the int8 copy of the embedding model in %s (once, about 20 s)...", folder)
            try:
                # NNCF draws progress bars on stdout, which belongs to the CLI's output (ask --json).
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # tracer warnings about shape checks that are constant for BERT
                    _build(model_dir, staging)
            except Exception as exc:  # export or quantization failed: say so, name the fallback
                raise Int8Error(
                    f"could not make the int8 model from {model_dir} ({type(exc).__name__}: {exc}); "
                    "set NMS_INDEX__PRECISION=bf16 or fp32 to embed with PyTorch instead"
                ) from exc
            if folder.exists():
                shutil.rmtree(folder)  # a damaged copy: replaced whole
            os.replace(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    info = _verified(folder)
    if not info:
        raise Int8Error(f"the int8 model written to {folder} does not verify")
    return folder, info


def _build(model_dir: Path, out: Path) -> None:
    hf_environment()
    import nncf
    import openvino as ov
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    st = SentenceTransformer(str(model_dir), device="cpu")
    transformer = cast("torch.nn.Module", st[0].auto_model).eval()  # typed as Tensor | Module by nn.Module.__getattr__
    tok = load_tokenizer(model_dir, _max_seq_length(model_dir))
    sentences = [
        line.strip()
        for line in CALIBRATION.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if len(sentences) < _CALIBRATION_BATCH:
        raise Int8Error(f"{CALIBRATION} has too few sentences to calibrate the int8 model")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = {k: torch.from_numpy(v) for k, v in _inputs(tok.encode_batch(sentences[:4]), names).items()}
    with torch.inference_mode():
        exported = ov.convert_model(transformer, example_input=example)
    input_names = [i.get_any_name() for i in exported.inputs]
    batches = [
        _inputs(tok.encode_batch(sentences[i : i + _CALIBRATION_BATCH]), input_names)
        for i in range(0, len(sentences) - _CALIBRATION_BATCH + 1, _CALIBRATION_BATCH)
    ]
    quantized = nncf.quantize(
        exported, nncf.Dataset(batches), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(batches)
    )
    ov.save_model(quantized, str(out / "model.xml"), compress_to_fp16=False)
    info = {
        "recipe": RECIPE,
        "source": str(model_dir),
        "openvino": ov.get_version(),
        "nncf": nncf.__version__,
        "calibration_sentences": len(sentences),
        "inputs": input_names,
        "files": {name: file_sha256(out / name) for name in ("model.xml", "model.bin")},
    }
    (out / "info.json").write_text(json.dumps(info, indent=2))


class Int8Encoder:
    """Mean-pooled, unit-length embeddings from the cached int8 model (OpenVINO on the CPU).

    Short inputs (queries) run on a latency-tuned compiled model; long lists on a
    throughput-tuned one with a queue of requests, so tokenising the next batch overlaps the
    inference of the current one. Safe to call from several threads: each call has its own requests.
    """

    def __init__(self, model_dir: Path, identity: str, cache_dir: Path, threads: int | None = None) -> None:
        import openvino as ov

        self.folder, info = ensure_int8_model(model_dir, identity, cache_dir)
        self.digest = info.get("files", {}).get("model.bin", "")[:12]
        self.max_seq_length = _max_seq_length(model_dir)
        self._tokenizer = load_tokenizer(model_dir, self.max_seq_length)
        self._core = ov.Core()
        self._model = self._core.read_model(str(self.folder / "model.xml"))
        self._names = [i.get_any_name() for i in self._model.inputs]
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._latency: Any = None
        self._throughput: Any = None
        self._lock = threading.Lock()
        self.dimension = int(self._model.outputs[0].get_partial_shape()[2].get_length())

    def _compiled(self, bulk: bool) -> Any:
        """The compiled model for bulk (throughput) or single (latency) requests, compiled once."""
        with self._lock:
            if bulk and self._throughput is None:
                self._throughput = self._core.compile_model(
                    self._model, "CPU", {"PERFORMANCE_HINT": "THROUGHPUT", "INFERENCE_PRECISION_HINT": "f32"}
                )
            if not bulk and self._latency is None:
                self._latency = self._core.compile_model(
                    self._model,
                    "CPU",
                    {
                        "PERFORMANCE_HINT": "LATENCY",
                        "INFERENCE_NUM_THREADS": self._threads,
                        "INFERENCE_PRECISION_HINT": "f32",
                    },
                )
            return self._throughput if bulk else self._latency

    @staticmethod
    def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        m = mask[..., None].astype(np.float32)
        summed = (hidden.astype(np.float32) * m).sum(axis=1)
        vectors = summed / np.clip(m.sum(axis=1), 1e-9, None)
        return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        import openvino as ov

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths batch together: less padding
        groups = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
        if len(groups) == 1:
            request = self._compiled(bulk=False).create_infer_request()
            inputs = _inputs(self._tokenizer.encode_batch([texts[i] for i in groups[0]]), self._names)
            request.infer(inputs)
            out[groups[0]] = self._pool(request.get_output_tensor(0).data, inputs["attention_mask"])
            return out
        compiled = self._compiled(bulk=True)
        queue = ov.AsyncInferQueue(compiled, compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))

        def done(request: Any, userdata: tuple[list[int], np.ndarray]) -> None:
            rows, mask = userdata
            out[rows] = self._pool(request.get_output_tensor(0).data, mask)

        queue.set_callback(done)
        for rows in groups:
            inputs = _inputs(self._tokenizer.encode_batch([texts[i] for i in rows]), self._names)
            queue.start_async(inputs, (rows, inputs["attention_mask"]))
        queue.wait_all()
        return out
