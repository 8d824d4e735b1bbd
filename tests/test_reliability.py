"""Reliability: kill -9 during re-indexing, concurrent writers and readers, a PDF fuzz pass, and
tampered index directories (refused; loading never executes code)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import zlib

import numpy as np
import pytest

from assistant.answer import answer
from assistant.engine import Engine
from index.store import IndexStore, file_sha256
from ingest.loaders import read_file
from nmsa.errors import IndexCorrupt, RejectedInput
from tests.conftest import CORPUS, PAPER_PAGES, ROOT, make_settings, write_pdf

WRITER = r"""
import sys
from pathlib import Path

sys.path.insert(0, {root!r})
from index.builder import update_index
from nmsa.settings import Settings
from tests.fakes import HashEmbedder  # storage crash test: real files and FAISS, a cheap embedding

settings = Settings().with_index_dir({index!r})
corpus = Path({corpus!r})
embedder = HashEmbedder()
i = 0
while True:
    i += 1
    (corpus / "extra.txt").write_text(("Run %d. NMS appears in varied settings. " % i) * 300)
    if i % 3 == 0:
        (corpus / "nejm-review-summary-hcn.txt").unlink(missing_ok=True)
    update_index([corpus], settings, embedder)
    print("saved", i, flush=True)
"""


@pytest.mark.slow
def test_kill_9_at_random_moments_during_20_reindexing_runs(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), index=str(tmp_path / "idx"), corpus=str(corpus)))
    rng = random.Random(20)
    generations = set()
    for run in range(20):
        proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        if run == 0:
            proc.stdout.readline()  # the first run leaves at least one generation
        time.sleep(rng.uniform(0.0, 1.2))
        proc.kill()  # SIGKILL: no cleanup runs
        proc.wait()
        snap = IndexStore(tmp_path / "idx").load()
        generations.add(snap.generation)
        counts = snap.manifest["counts"]
        assert snap.size == snap.dense.ntotal == counts["passages"] == len(snap.vectors)
        assert len(snap.documents) == counts["documents"]
        assert len(snap.sentence_vectors) == counts["sentences"]
        _, rows = snap.dense.search(snap.vectors[:1], 3)
        assert rows[0][0] == 0
        assert snap.lexical.search("neuroleptic malignant syndrome", 3)
    assert len(generations) > 1  # the kills landed at different points of the writing cycle


@pytest.mark.slow
@pytest.mark.model
def test_two_ingests_at_once(tmp_path):
    index = tmp_path / "idx"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(CORPUS), "--index-dir", str(index)]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    codes = sorted(r[2] for r in results)
    assert codes in ([0, 0], [0, 1])  # the second either ran after the first or gave up with a message
    for _out, err, code in results:
        assert "Traceback" not in err
        if code == 1:
            assert "another ingest is writing the index" in err
    snap = IndexStore(index).load()
    assert len(snap.documents) == 5 and snap.size == snap.dense.ntotal


@pytest.mark.slow
@pytest.mark.model
def test_twenty_concurrent_answers_while_an_ingest_runs(tmp_path, embedder, corpus_copy):
    engine = Engine(make_settings(tmp_path / "idx", corpus_copy), embedder)
    engine.ingest([corpus_copy])
    old = engine.snapshot()
    ids_by_generation = {old.generation: {p.id for p in old.passages}}
    (corpus_copy / "new-cohort.txt").write_text(
        "Dantrolene cohort\n\nResults\n\nIn a cohort of 80 patients, dantrolene shortened time to recovery by two days.\n"
    )
    questions = [
        "Is dantrolene effective for NMS?",
        "What supportive care does NMS need?",
        "How often does NMS occur?",
        "What is the first step in managing NMS?",
    ] * 5
    answers, errors = [], []

    def ask(question: str) -> None:
        try:
            answers.append(answer(question, engine))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(repr(exc))

    writer = threading.Thread(target=lambda: engine.ingest([corpus_copy]))
    readers = [threading.Thread(target=ask, args=(q,)) for q in questions]
    writer.start()
    for t in readers:
        t.start()
        time.sleep(0.01)
    for t in readers + [writer]:
        t.join(timeout=120)
    assert not errors and len(answers) == 20
    new = engine.snapshot()
    ids_by_generation[new.generation] = {p.id for p in new.passages}
    assert new.generation != old.generation
    for a in answers:
        assert a.index_generation in ids_by_generation  # the old index or the new one
        valid = ids_by_generation[a.index_generation]
        assert {c.passage_id for c in a.citations} <= valid  # never a mix of the two
        assert set(a.retrieved) <= valid


def _mutations(base: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for i in range(60):
        out.append((f"truncated-{i}", base[: rng.randint(0, len(base) - 1)]))
    for i in range(90):
        data = bytearray(base)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        out.append((f"bitflip-{i}", bytes(data)))
    for i in range(30):
        out.append((f"random-{i}", b"%PDF-1.4\n" + rng.randbytes(rng.randint(10, 20000))))
    for i in range(20):
        out.append((f"noise-{i}", rng.randbytes(rng.randint(1, 5000))))
    depth = 200_000
    nested = b"%PDF-1.4\n1 0 obj\n" + b"[" * depth + b"]" * depth + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    out.append(("deeply-nested", nested))
    dict_nested = (
        b"%PDF-1.4\n1 0 obj\n" + b"<< /A " * 50_000 + b">>" * 50_000 + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    out.append(("nested-dicts", dict_nested))
    bomb = zlib.compress(b"0 0 m " * 30_000_000, 9)  # ~180 MB of drawing operators in a small stream
    out.append(("huge-stream", _pdf_with_stream(bomb)))
    out.append(("huge-length", _pdf_with_stream(b"x" * 100, length=10**12)))
    return out


def _pdf_with_stream(data: bytes, length: int | None = None) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % (length or len(data)) + data + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return body + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


@pytest.mark.slow
def test_pdf_fuzz_pass(tmp_path, record_property):
    base = write_pdf(tmp_path / "base.pdf", PAPER_PAGES).read_bytes()
    cases = _mutations(base, random.Random(5))
    timeout = 3.0
    outcomes: dict[str, int] = {}
    by_group: dict[str, set[str]] = {}
    slowest = 0.0
    for name, data in cases:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        start = time.perf_counter()
        try:
            read_file(path, max_mb=50, max_pages=50, timeout_s=timeout)
            outcome = "parsed"
        except RejectedInput as exc:
            assert exc.reason and "\n" not in exc.reason, (name, exc.reason)
            outcome = exc.reason.split(" (")[0]
        elapsed = time.perf_counter() - start
        slowest = max(slowest, elapsed)
        assert elapsed < timeout + 2.0, (name, elapsed)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        by_group.setdefault(name.rstrip("0123456789").rstrip("-"), set()).add(outcome)
    record_property("fuzz_outcomes", json.dumps(outcomes))
    print(f"\nPDF fuzz: {len(cases)} files, slowest {slowest:.2f} s; outcomes: {json.dumps(outcomes, indent=1)}")
    assert by_group["noise"] == {"named .pdf but is not a PDF"}  # no header: refused before any parsing
    assert "parsed" not in by_group["random"]  # a header and garbage is never taken for a document
    # the mutations hit both what matters and what does not: some flipped files still read, most do not
    assert "parsed" in by_group["bitflip"] and len(by_group["bitflip"]) > 1
    unmutated = read_file(tmp_path / "base.pdf", max_mb=50, max_pages=50, timeout_s=timeout)
    assert unmutated.pages and "Rechallenge" in unmutated.pages[0]  # the harness itself can read a good file


@pytest.mark.model
def test_malicious_pickle_in_an_index_is_never_executed(tmp_path, embedder):
    from index.builder import update_index

    settings = make_settings(tmp_path / "idx")
    update_index([CORPUS / "nejm-review-summary-hcn.txt"], settings, embedder)
    store = IndexStore(settings.index.dir)
    generation, _ = store.current()
    gen = settings.index.dir / generation
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    # replace the vectors with a pickled object array, and forge every checksum to match
    with (gen / "vectors.npy").open("wb") as fh:
        np.lib.format.write_array(fh, np.array([Exploit()], dtype=object), allow_pickle=True)
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["files"]["vectors.npy"] = file_sha256(gen / "vectors.npy")
    (gen / "manifest.json").write_text(json.dumps(manifest))
    (settings.index.dir / "CURRENT").write_text(f"{generation} {file_sha256(gen / 'manifest.json')}\n")
    with pytest.raises(IndexCorrupt, match="cannot be read"):
        store.load()
    assert not marker.exists()
