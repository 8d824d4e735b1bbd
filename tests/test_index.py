"""Ingestion and the index with the real model, real FAISS and real PDFs."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.engine import Engine
from index.builder import update_index
from index.store import IndexStore
from nmsa.errors import IndexBusy, IndexCorrupt, IndexMismatch, IndexMissing
from tests.conftest import CORPUS, make_settings

pytestmark = pytest.mark.model


def test_generated_pdf_keeps_page_numbers(tmp_path, embedder, paper_pdf):
    settings = make_settings(tmp_path / "idx")
    report = update_index([paper_pdf], settings, embedder)
    assert report.added == [paper_pdf.name] and not report.rejected, report.rejected
    snap = IndexStore(settings.index.dir).load()
    pages = {p.page for p in snap.passages}
    assert pages == {1, 2}
    by_page: dict[int, str] = {}
    for p in snap.passages:
        by_page[p.page] = by_page.get(p.page, "") + p.text
    assert "estimated recurrence rates" in by_page[1]  # hyphenation undone in a real PDF too
    assert "7 of 41 patients" in by_page[2]
    doc = snap.documents[paper_pdf.name]
    assert doc.title == "Rechallenge after NMS: a case series"  # from the PDF metadata
    assert doc.evidence_type == "research" and doc.evidence_type_origin == "inferred"  # "case series" in its title
    assert doc.n_pages == 2


def test_each_bad_input_gets_its_reason_and_good_files_are_indexed(tmp_path, embedder, bad_files, paper_pdf):
    files = bad_files()
    settings = make_settings(tmp_path / "idx")
    paths = [p for p, _ in files.values()] + [paper_pdf]
    report = update_index(paths, settings, embedder)
    assert report.added == [paper_pdf.name]
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    for key, (path, expected) in files.items():
        assert expected in reasons[path.name], (key, reasons[path.name])
    assert len(report.rejected) == len(files)


def test_bad_inputs_leave_the_existing_index_unchanged(tmp_path, embedder, bad_files):
    settings = make_settings(tmp_path / "idx")
    update_index([CORPUS / "nejm-review-summary-hcn.txt"], settings, embedder)
    store = IndexStore(settings.index.dir)
    before = store.current()
    files_before = {p: p.read_bytes() for p in settings.index.dir.rglob("*") if p.is_file()}
    report = update_index([p for p, _ in bad_files().values()], settings, embedder)
    assert len(report.rejected) == 6 and not report.changed
    assert store.current() == before
    assert {p: p.read_bytes() for p in settings.index.dir.rglob("*") if p.is_file()} == files_before
    assert store.load().size > 0


def test_size_page_and_time_limits(tmp_path, embedder, paper_pdf):
    settings = make_settings(tmp_path / "idx", max_file_mb=0.0001)
    report = update_index([paper_pdf], settings, embedder)
    assert "over the 0.0001 MB limit" in report.rejected[0].reason
    settings = make_settings(tmp_path / "idx2", max_pdf_pages=1)
    report = update_index([paper_pdf], settings, embedder)
    assert "2 pages, over the 1-page limit" in report.rejected[0].reason
    settings = make_settings(tmp_path / "idx3", parse_timeout_s=0.0005)
    report = update_index([paper_pdf], settings, embedder)
    assert "took longer than" in report.rejected[0].reason


def test_faiss_search_equals_brute_force(corpus_engine):
    snap = corpus_engine.snapshot()
    searcher = corpus_engine.searcher(snap)
    for query in ("is dantrolene effective", "serum iron in NMS", "how is fever treated"):
        qv = corpus_engine.embedder.embed_query(query)
        faiss_rows = searcher.dense(qv, 10)
        brute = snap.vectors @ qv
        order = np.argsort(-brute)[:10]
        assert [r for r, _ in faiss_rows] == [int(i) for i in order]
        assert np.allclose([s for _, s in faiss_rows], brute[order], atol=1e-5)


def test_dantrolene_search_reaches_three_sources(corpus_engine):
    hits = corpus_engine.search("is dantrolene effective", k=5)
    assert len({h.passage.doc_id for h in hits}) >= 3
    for mode in ("dense", "lexical"):
        assert corpus_engine.search("is dantrolene effective", k=5, mode=mode)


def test_query_normalisation_finds_synonyms(corpus_engine):
    # "CPK" and "Haldol" are not how every source writes them
    hits = corpus_engine.search("Haldol", k=3, mode="lexical")
    assert any("haloperidol" in h.passage.text.lower() for h in hits)
    hits = corpus_engine.search("CK elevation", k=5, mode="lexical")
    assert any("creatine" in h.passage.text.lower() for h in hits)


def test_incremental_reindex_embeds_only_what_changed(tmp_path, embedder, paper_pdf):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (
        "nejm-review-summary-hcn.txt",
        "treatment-qa-guidelines-and-research.txt",
        "nms-encyclopedia-article.txt",
    ):
        shutil.copy(CORPUS / name, corpus / name)
    settings = make_settings(tmp_path / "idx", corpus)
    first = update_index([corpus], settings, embedder)
    assert len(first.added) == 3
    snap1 = IndexStore(settings.index.dir).load()
    kept_rows = {
        p.id: snap1.vectors[i] for i, p in enumerate(snap1.passages) if p.doc_id == "nms-encyclopedia-article.txt"
    }

    # nothing changed: nothing embedded, no new generation
    before = embedder.texts_embedded
    again = update_index([corpus], settings, embedder)
    assert embedder.texts_embedded == before and again.embedded_sentences == 0
    assert again.unchanged and not again.changed and again.generation == first.generation

    # add a paper, change one document, remove another
    shutil.copy(paper_pdf, corpus / paper_pdf.name)
    changed = corpus / "nejm-review-summary-hcn.txt"
    changed.write_text(changed.read_text() + "\n\nA new cohort found a 30-day mortality of 6.1% in treated patients.\n")
    (corpus / "treatment-qa-guidelines-and-research.txt").unlink()
    before_texts, before_calls = embedder.texts_embedded, embedder.calls
    report = update_index([corpus], settings, embedder)
    assert report.added == [paper_pdf.name]
    assert report.updated == ["nejm-review-summary-hcn.txt"]
    assert report.removed_ids == ["treatment-qa-guidelines-and-research.txt"]
    assert report.unchanged == ["nms-encyclopedia-article.txt"]
    snap2 = IndexStore(settings.index.dir).load()
    new_sentences = {
        s
        for p in snap2.passages
        if p.doc_id in (paper_pdf.name, "nejm-review-summary-hcn.txt")
        for s in p.sentence_texts()
    }
    # only sentences of the added and changed documents were embedded; the changed document's
    # unchanged sentences were reused (so at most its new sentences plus the new paper's)
    assert 0 < embedder.texts_embedded - before_texts == report.embedded_sentences <= len(new_sentences)
    assert embedder.calls > before_calls
    assert {p.doc_id for p in snap2.passages} == {
        paper_pdf.name,
        "nejm-review-summary-hcn.txt",
        "nms-encyclopedia-article.txt",
    }
    for i, p in enumerate(snap2.passages):
        if p.id in kept_rows:
            assert np.array_equal(snap2.vectors[i], kept_rows[p.id])
    assert sum(p.doc_id == "nms-encyclopedia-article.txt" for p in snap2.passages) == len(kept_rows)
    # counts agree everywhere
    assert snap2.dense.ntotal == len(snap2.passages) == snap2.manifest["counts"]["passages"]


def test_other_settings_are_refused_with_a_reindex_message(tmp_path, embedder):
    settings = make_settings(tmp_path / "idx")
    update_index([CORPUS / "nejm-review-summary-hcn.txt"], settings, embedder)
    other = make_settings(tmp_path / "idx", chunk_tokens=128)
    with pytest.raises(IndexMismatch, match=r"--rebuild"):
        Engine(other, embedder).snapshot()
    with pytest.raises(IndexMismatch, match=r"chunking"):
        update_index([CORPUS / "nejm-review-summary-hcn.txt"], other, embedder)
    report = update_index([CORPUS / "nejm-review-summary-hcn.txt"], other, embedder, rebuild=True)
    assert report.updated == ["nejm-review-summary-hcn.txt"] and Engine(other, embedder).snapshot().size > 0


def test_missing_index_says_how_to_build_one(tmp_path, embedder):
    with pytest.raises(IndexMissing, match="nms-assistant ingest"):
        Engine(make_settings(tmp_path / "nothing"), embedder).snapshot()


@pytest.mark.parametrize("tamper", ["sqlite", "row", "manifest", "faiss"])
def test_tampered_index_is_refused(tmp_path, embedder, tamper):
    settings = make_settings(tmp_path / "idx")
    update_index([CORPUS / "nejm-review-summary-hcn.txt"], settings, embedder)
    store = IndexStore(settings.index.dir)
    gen = settings.index.dir / store.current()[0]
    if tamper == "sqlite":
        shutil.copy(gen / "passages.sqlite", tmp_path / "x.sqlite")
        con = sqlite3.connect(gen / "passages.sqlite")
        con.execute("UPDATE passages SET data = replace(data, 'rare', 'common')")
        con.commit()
        con.close()
    elif tamper == "row":
        con = sqlite3.connect(gen / "passages.sqlite")
        con.execute("DELETE FROM passages WHERE row = 0")
        con.commit()
        con.close()
    elif tamper == "manifest":
        manifest = json.loads((gen / "manifest.json").read_text())
        manifest["counts"]["passages"] += 1
        (gen / "manifest.json").write_text(json.dumps(manifest))
    else:
        (gen / "dense.faiss").write_bytes(b"\x00" * 64)
    with pytest.raises(IndexCorrupt, match="modified|inconsistent|missing"):
        store.load()


def test_second_writer_gets_a_clear_message(tmp_path):
    store = IndexStore(tmp_path / "idx")
    with store.writer():
        with pytest.raises(IndexBusy, match="another ingest is writing"):
            with IndexStore(tmp_path / "idx").writer(timeout_s=0.1):
                pass


def test_large_indexes_switch_to_an_approximate_index_with_measured_recall():
    from index.store import build_dense_index

    rng = np.random.default_rng(1)
    centres = rng.normal(size=(50, 64)).astype(np.float32)
    vectors = centres[rng.integers(0, 50, 6000)] + rng.normal(scale=0.3, size=(6000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = build_dense_index(vectors, approximate_above=10_000)
    approx = build_dense_index(vectors, approximate_above=1000)
    assert type(exact).__name__ == "IndexFlatIP" and type(approx).__name__ == "IndexIVFFlat"
    queries = vectors[:100]
    _, truth = exact.search(queries, 10)
    _, found = approx.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)])
    assert recall >= 0.9
