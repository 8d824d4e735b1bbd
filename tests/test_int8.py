"""The int8 path: how it is chosen, made from the real model, cached with checksums and remade
when damaged, close to fp32 on the corpus, safe across threads, and loadable without torch."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from index import int8
from index.embedder import Embedder, choose_precision
from nmsa.settings import Settings
from tests.conftest import ROOT

MODEL = Settings().index.model
needs_int8 = pytest.mark.skipif(not int8.int8_available(MODEL), reason="openvino and nncf are not installed")


@pytest.fixture(scope="module")
def int8_cache(tmp_path_factory, embedder) -> Path:
    """A temporary model cache for this module (never the user's ``~/.cache``), seeded with a copy of
    the session embedder's verified int8 model when it has one, else made here on first use."""
    cache = tmp_path_factory.mktemp("int8-cache")
    if embedder.int8 is not None:
        shutil.copytree(embedder.int8.folder, cache / embedder.int8.folder.name)
    return cache


def _questions() -> list[str]:
    from assistant.evaluate import load_questions

    return [
        q["question"]
        for name in ("dev_questions.jsonl", "own_questions.jsonl")
        for q in load_questions(ROOT / "eval" / name)
    ]


@pytest.mark.parametrize(
    ("has_int8", "has_bf16", "expected"),
    [(True, True, "int8"), (True, False, "int8"), (False, True, "bf16"), (False, False, "fp32")],
)
def test_auto_precision_follows_the_processor(monkeypatch, has_int8, has_bf16, expected):
    import index.embedder as embedder_module

    monkeypatch.setattr(int8, "cpu_supports_int8", lambda: has_int8)
    monkeypatch.setattr(embedder_module, "cpu_supports_bf16", lambda: has_bf16)
    monkeypatch.setattr(int8, "int8_available", lambda model: True)
    assert choose_precision("auto", MODEL) == expected
    assert choose_precision("fp32", MODEL) == "fp32"  # an explicit choice is kept


def test_models_that_cannot_be_quantized_fall_back(tmp_path, monkeypatch):
    import index.embedder as embedder_module

    model = tmp_path / "cls-model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "tokenizer.json").write_text("{}")
    (model / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            ]
        )
    )
    (model / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    monkeypatch.setattr(int8, "cpu_supports_int8", lambda: True)
    monkeypatch.setattr(embedder_module, "cpu_supports_bf16", lambda: False)
    assert not int8.int8_available(str(model))
    assert choose_precision("auto", str(model)) == "fp32"
    with pytest.raises(int8.Int8Error, match="use bf16 or fp32"):
        choose_precision("int8", str(model))


def test_without_nncf_int8_is_unavailable_and_auto_falls_back(monkeypatch):
    """nncf is an extra (``.[int8]``, installed by ``make``): without it, auto embeds with PyTorch."""
    import importlib.util

    import index.embedder as embedder_module

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nncf" else real_find_spec(name, *a)
    )
    monkeypatch.setattr(int8, "cpu_supports_int8", lambda: True)
    assert not int8.int8_available(MODEL)
    for has_bf16, expected in ((True, "bf16"), (False, "fp32")):
        monkeypatch.setattr(embedder_module, "cpu_supports_bf16", lambda has=has_bf16: has)
        assert choose_precision("auto", MODEL) == expected
    with pytest.raises(int8.Int8Error, match="needs the openvino and nncf packages"):
        choose_precision("int8", MODEL)


@needs_int8
@pytest.mark.model
@pytest.mark.slow
def test_int8_model_is_made_verified_and_remade_when_damaged(tmp_path, embedder, capsys, caplog):
    reference = Embedder(MODEL, "int8", cache_dir=tmp_path / "cache")
    folder = reference.int8.folder
    info = json.loads((folder / "info.json").read_text())
    assert set(info["files"]) == {"model.xml", "model.bin"}
    assert info["calibration_sentences"] >= 100
    if embedder.precision == "int8":  # made twice from the same weights and sentences: the same model
        assert reference.encoder == embedder.encoder
    texts = ["Dantrolene is a muscle relaxant.", "Bromocriptine is a dopamine agonist used in NMS."]
    before = reference.embed(texts)

    # A flipped byte in the weights: the copy no longer verifies, is remade, and gives the same vectors.
    weights = folder / "model.bin"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    assert int8._verified(folder) is None
    capsys.readouterr()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="index.int8"):
        remade = Embedder(MODEL, "int8", cache_dir=tmp_path / "cache")
        np.testing.assert_allclose(remade.embed(texts), before, atol=1e-5)
    assert int8._verified(folder) is not None
    printed = capsys.readouterr()
    assert printed.out == ""  # stdout belongs to the CLI's output (ask --json); NNCF's progress bars are kept off it
    assert printed.err == ""  # library code does not print; it logs, and the CLI shows the log on stderr
    assert [r.getMessage()[:30] for r in caplog.records if r.name == "index.int8"] == ["Making the int8 copy of the em"]

    # A record naming other files is not trusted either.
    record = json.loads((folder / "info.json").read_text())
    record["files"]["extra.py"] = "0" * 64
    (folder / "info.json").write_text(json.dumps(record))
    assert int8._verified(folder) is None


@needs_int8
@pytest.mark.model
def test_unwritable_cache_is_an_error_when_asked_for_and_a_fallback_under_auto(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(int8.Int8Error, match="NMS_INDEX__MODEL_CACHE"):
        int8.ensure_int8_model(Path(MODEL), "m", blocker / "cache")
    with pytest.raises(int8.Int8Error, match="NMS_INDEX__MODEL_CACHE"):
        Embedder(MODEL, "int8", cache_dir=blocker / "cache").embed(["x"])

    monkeypatch.setattr(int8, "cpu_supports_int8", lambda: True)
    auto = Embedder(MODEL, "auto", cache_dir=blocker / "cache")
    assert auto.precision == "int8"
    with caplog.at_level(logging.WARNING, logger="index.embedder"):
        vectors = auto.embed(["Dantrolene is a muscle relaxant."])
    assert auto.precision in ("bf16", "fp32") and auto.encoder == f"torch-{auto.precision}"
    assert vectors.shape == (1, 384) and abs(float(np.linalg.norm(vectors[0])) - 1) < 1e-3
    warned = [r for r in caplog.records if r.name == "index.embedder"]
    assert [r.levelno for r in warned] == [logging.WARNING]
    assert warned[0].getMessage().startswith("int8 embeddings unavailable: cannot write the int8 model cache")


@needs_int8
@pytest.mark.model
@pytest.mark.slow
def test_int8_is_close_to_fp32_on_the_corpus(corpus_engine, int8_cache):
    """Same vectors up to a small rotation, and the same best passage for the eval questions."""
    snapshot = corpus_engine.snapshot()
    texts = [p.text for p in snapshot.passages]
    questions = _questions()
    q8 = Embedder(MODEL, "int8", cache_dir=int8_cache)
    f32 = Embedder(MODEL, "fp32", cache_dir=int8_cache)
    p8, p32 = q8.embed(texts), f32.embed(texts)
    cos = (p8 * p32).sum(axis=1)
    assert cos.mean() > 0.99 and cos.min() > 0.98
    s8, s32 = q8.embed(questions) @ p8.T, f32.embed(questions) @ p32.T
    top8, top32 = s8.argmax(axis=1), s32.argmax(axis=1)
    agree = float((top8 == top32).mean())
    assert agree >= 0.9, f"int8 and fp32 agree on the best passage for {agree:.0%} of questions"
    in_top3 = np.mean([t in np.argsort(-row)[:3] for t, row in zip(top32, s8)])
    assert in_top3 >= 0.97


@needs_int8
@pytest.mark.model
def test_int8_embedding_is_safe_across_threads(int8_cache):
    encoder = Embedder(MODEL, "int8", batch_size=8, cache_dir=int8_cache)
    groups = [
        [f"Case {g}-{i}: fever and rigidity after haloperidol, dose {i} mg." for i in range(20)] for g in range(6)
    ]
    expected = [encoder.embed(g) for g in groups]
    results: dict[int, np.ndarray] = {}
    errors: list[Exception] = []

    def work(i: int) -> None:
        try:
            results[i] = encoder.embed(groups[i]) if i % 2 else np.stack([encoder.embed_query(t) for t in groups[i]])
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(groups))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == len(groups)
    for i, vectors in results.items():
        np.testing.assert_allclose(vectors, expected[i], atol=1e-4)


@needs_int8
@pytest.mark.model
def test_a_cached_int8_model_loads_without_torch(embedder, int8_cache):
    if embedder.precision != "int8":
        pytest.skip("the default precision here is not int8")
    code = (
        "import sys; from index.embedder import Embedder; from nmsa.settings import Settings; "
        "e = Embedder.from_settings(Settings().index); v = e.embed(['neuroleptic malignant syndrome']); "
        "print(e.precision, v.shape[1], 'torch' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMS_")}
    env["NMS_INDEX__MODEL_CACHE"] = str(int8_cache)  # holds the verified copy: loaded, not made
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["int8", "384", "False"]


@needs_int8
@pytest.mark.model
@pytest.mark.slow
def test_a_change_of_encoder_re_embeds_the_whole_index(tmp_path, int8_cache):
    """An index built with PyTorch fp32 and updated with int8 never mixes the two kinds of vector."""
    from index.builder import embedding_texts, update_index
    from index.store import IndexStore
    from tests.conftest import CORPUS, make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("nejm-review-summary-hcn.txt", "nms-encyclopedia-article.txt"):
        (corpus / name).write_text((CORPUS / name).read_text())
    settings = make_settings(tmp_path / "idx", corpus)
    first = update_index([corpus], settings, Embedder(MODEL, "fp32", cache_dir=int8_cache))
    assert first.reembedded_from is None
    q8 = Embedder(MODEL, "int8", cache_dir=int8_cache)
    report = update_index([corpus], settings, q8)
    assert report.reembedded_from == "torch-fp32" and report.changed
    assert report.unchanged == sorted(p.name for p in corpus.iterdir()) and not report.added
    snap = IndexStore(settings.index.dir).load()
    assert snap.manifest["encoder"] == q8.encoder
    assert report.embedded_sentences == len({t for p in snap.passages for t in embedding_texts(p)})
    fresh = make_settings(tmp_path / "fresh", corpus)
    update_index([corpus], fresh, q8)
    other = IndexStore(fresh.index.dir).load()
    by_id = {p.id: other.vectors[i] for i, p in enumerate(other.passages)}
    for i, p in enumerate(snap.passages):
        np.testing.assert_allclose(snap.vectors[i], by_id[p.id], atol=1e-5)
    again = update_index([corpus], settings, q8)
    assert not again.changed and again.embedded_sentences == 0
