"""What an ingest adds, changes and removes (plan_changes, table-driven, model-free), and the
maintainer's safety nets through the real CLI: nothing dropped as a side effect of adding a paper
from another directory, explicit removal, rollback, the history, and faults as one sentence."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.builder import FileState, Scope, plan_changes
from ingest.records import DocumentInfo
from tests.conftest import CORPUS, ROOT

A = Path("/data/corpus/a.txt")
B = Path("/data/corpus/b.txt")
ELSEWHERE = Path("/papers/new.txt")


def info(doc_id: str, source: str, content_hash: str = "h1") -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=doc_id,
        source=source,
        evidence_type="unknown",
        evidence_type_origin="default",
        year=None,
        origin=None,
        content_hash=content_hash,
        n_chars=1,
    )


def state(path: Path, content_hash: str = "h1", error: str | None = None) -> FileState:
    return FileState(path=path, doc_id=path.name, content_hash=None if error else content_hash, sha256="s", error=error)


def summary(plan) -> dict[str, object]:
    return {
        "parse": sorted((p.state.doc_id, p.previous.doc_id if p.previous else None) for p in plan.parse),
        "keep": sorted(plan.keep),
        "remove": sorted((r.doc_id, r.reason) for r in plan.remove),
        "rejected": sorted(Path(r.path).name for r in plan.rejected),
        "stale": sorted(plan.stale),
    }


OLD = {"a.txt": info("a.txt", str(A)), "b.txt": info("b.txt", str(B))}
CASES = [
    # (name, old docs, states, scope paths, existing sources, rebuild, expected)
    (
        "nothing changed",
        OLD,
        [state(A), state(B)],
        [Path("/data/corpus")],
        {str(A), str(B)},
        False,
        {"parse": [], "keep": ["a.txt", "b.txt"], "remove": [], "rejected": [], "stale": []},
    ),
    (
        "a paper added from elsewhere keeps everything",
        OLD,
        [state(ELSEWHERE)],
        [ELSEWHERE],
        {str(A), str(B)},
        False,
        {"parse": [("new.txt", None)], "keep": ["a.txt", "b.txt"], "remove": [], "rejected": [], "stale": []},
    ),
    (
        "files not in scope stay even when gone",
        OLD,
        [state(ELSEWHERE)],
        [ELSEWHERE],
        set(),
        False,
        {"parse": [("new.txt", None)], "keep": ["a.txt", "b.txt"], "remove": [], "rejected": [], "stale": []},
    ),
    (
        "a file gone from a scanned folder is removed",
        OLD,
        [state(A)],
        [Path("/data/corpus")],
        {str(A)},
        False,
        {
            "parse": [],
            "keep": ["a.txt"],
            "remove": [("b.txt", "its file no longer exists")],
            "rejected": [],
            "stale": [],
        },
    ),
    (
        "a changed file is re-parsed",
        OLD,
        [state(A, "h2"), state(B)],
        [Path("/data/corpus")],
        {str(A), str(B)},
        False,
        {"parse": [("a.txt", "a.txt")], "keep": ["b.txt"], "remove": [], "rejected": [], "stale": []},
    ),
    (
        "a moved file is the same document",
        OLD,
        [state(Path("/moved/a.txt"))],
        [Path("/moved")],
        {str(B)},
        False,
        {"parse": [("a.txt", "a.txt")], "keep": ["b.txt"], "remove": [], "rejected": [], "stale": []},
    ),
    (
        "an older index's relative source is matched by name, never removed",
        {"a.txt": info("a.txt", "corpus/a.txt")},
        [state(B)],
        [Path("/data/corpus")],
        set(),
        False,
        {"parse": [("b.txt", None)], "keep": ["a.txt"], "remove": [], "rejected": [], "stale": []},
    ),
    (
        "a different file with an indexed name is refused",
        OLD,
        [state(Path("/other/a.txt"), "h9")],
        [Path("/other")],
        {str(A), str(B)},
        False,
        {"parse": [], "keep": ["a.txt", "b.txt"], "remove": [], "rejected": ["a.txt"], "stale": []},
    ),
    (
        "an unreadable file keeps its last good version",
        OLD,
        [state(A, error="cannot be read"), state(B)],
        [Path("/data/corpus")],
        {str(A), str(B)},
        False,
        {"parse": [], "keep": ["a.txt", "b.txt"], "remove": [], "rejected": ["a.txt"], "stale": ["a.txt"]},
    ),
    (
        "two files with one name in one ingest",
        {},
        [state(Path("/x/n.txt")), state(Path("/y/n.txt"))],
        [Path("/x"), Path("/y")],
        set(),
        False,
        {"parse": [("n.txt", None)], "keep": [], "remove": [], "rejected": ["n.txt"], "stale": []},
    ),
    (
        "a rebuild re-reads what exists and says what it could not",
        OLD,
        [state(A)],
        [Path("/elsewhere")],
        {str(A)},
        True,
        {
            "parse": [("a.txt", "a.txt")],
            "keep": [],
            "remove": [("b.txt", "its file is gone, so a rebuild cannot re-read it")],
            "rejected": [],
            "stale": [],
        },
    ),
]


@pytest.mark.parametrize("name,old,states,scope,existing,rebuild,expected", CASES, ids=[c[0] for c in CASES])
def test_plan_changes(name, old, states, scope, existing, rebuild, expected):
    plan = plan_changes(
        old,
        states,
        Scope(tuple(p for p in scope if p.suffix == ""), tuple(p for p in scope if p.suffix)),
        frozenset(existing),
        rebuild,
    )
    assert summary(plan) == expected


@pytest.mark.parametrize(
    "source,covered",
    [
        ("/data/corpus/a.txt", True),
        ("/data/corpus/sub/x.pdf", True),
        ("/data/corpus2/a.txt", False),
        ("/papers/new.txt", True),
        ("/papers/other.txt", False),
        ("corpus/a.txt", False),
    ],
)
def test_scope(source, covered):
    assert Scope((Path("/data/corpus"),), (Path("/papers/new.txt"),)).covers(source) is covered


# --- the real CLI -------------------------------------------------------------------------------


def cli(*args: str, cwd: Path = ROOT, limit_fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    env.pop("NMS_INDEX_DIR", None)

    def limits() -> None:
        if limit_fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_fsize, limit_fsize))

    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=300,
        preexec_fn=limits,
    )


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A scratch folder X with a copy of the corpus indexed into X/idx, run from X."""
    x = tmp_path / "X"
    shutil.copytree(CORPUS, x / "corpus")
    result = cli("ingest", "corpus", "--index-dir", "idx", cwd=x)
    assert result.returncode == 0, result.stderr
    return x


def docs(index: Path) -> set[str]:
    return {d["doc_id"] for d in json.loads(cli("sources", "--index-dir", str(index), "--json").stdout)["documents"]}


@pytest.mark.model
@pytest.mark.slow
def test_adding_a_paper_from_another_directory_keeps_every_document(scratch, tmp_path):
    (scratch / "new.txt").write_text(
        "Cooling blankets in NMS\n\nIn 12 patients, cooling blankets lowered fever within 6 hours.\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = cli("ingest", str(scratch / "new.txt"), "--index-dir", str(scratch / "idx"), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "removed:      0" in result.stdout
    assert docs(scratch / "idx") == {p.name for p in (scratch / "corpus").glob("*.txt")} | {"new.txt"}
    # a file removed from the folder that an ingest scans is removed, and the summary says so
    (scratch / "corpus" / "nejm-review-summary-hcn.txt").unlink()
    result = cli("ingest", str(scratch / "corpus"), "--index-dir", str(scratch / "idx"), cwd=elsewhere)
    assert "removed:      1  nejm-review-summary-hcn.txt" in result.stdout
    assert "its file no longer exists" in result.stdout and "rollback" in result.stdout


@pytest.mark.model
@pytest.mark.slow
def test_remove_rollback_and_history(scratch):
    index = scratch / "idx"
    result = cli("remove", "drug-treatment-explainer.txt", "--index-dir", str(index))
    assert result.returncode == 0, result.stderr
    assert "drug-treatment-explainer.txt: removed on request" in result.stdout
    assert "drug-treatment-explainer.txt" not in docs(index)
    unknown = cli("remove", "no-such-paper.pdf", "--index-dir", str(index))
    assert unknown.returncode == 1 and "not in the index: no-such-paper.pdf" in unknown.stderr
    back = cli("rollback", "--index-dir", str(index))
    assert back.returncode == 0, back.stderr
    assert "documents back:         drug-treatment-explainer.txt" in back.stdout
    assert len(docs(index)) == 5
    history = json.loads(cli("history", "--index-dir", str(index), "--json").stdout)
    assert [e["action"] for e in history["entries"]] == ["ingest", "remove", "rollback"] and not history["problems"]
    first = history["entries"][0]
    assert len(first["files"]) == 5 and all(len(f["sha256"]) == 64 for f in first["files"])
    assert first["actor"] and history["entries"][1]["removed"][0]["doc_id"] == "drug-treatment-explainer.txt"
    # an edited history line breaks the chain, and `history` says so
    lines = (index / "history.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace("drug-treatment-explainer.txt", "someone-else.txt")
    (index / "history.jsonl").write_text("\n".join(lines) + "\n")
    tampered = cli("history", "--index-dir", str(index))
    assert tampered.returncode == 1 and "does not follow from the line before it" in tampered.stderr


@pytest.mark.model
@pytest.mark.slow
def test_a_lost_current_pointer_is_never_papered_over(scratch):
    index = scratch / "idx"
    (index / "CURRENT").unlink()
    (scratch / "new.txt").write_text(
        "Fluids in NMS\n\nIntravenous fluids corrected dehydration in 20 of 22 patients.\n"
    )
    result = cli("ingest", str(scratch / "new.txt"), "--index-dir", str(index))
    assert result.returncode == 1 and "no CURRENT pointer" in result.stderr and "rollback" in result.stderr
    assert cli("rollback", "--index-dir", str(index)).returncode == 0
    assert len(docs(index)) == 5
    (index / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    damaged = cli("sources", "--index-dir", str(index))
    assert damaged.returncode == 1 and "damaged" in damaged.stderr and "Traceback" not in damaged.stderr
    assert cli("rollback", "--index-dir", str(index)).returncode == 0 and len(docs(index)) == 5


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root); the RLIMIT_FSIZE case covers a failed write")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.mark.model
@pytest.mark.slow
def test_faults_are_one_sentence_and_leave_no_junk(scratch, tmp_path):
    index = scratch / "idx"
    before = docs(index)
    (scratch / "new.txt").write_text(
        "Rechallenge\n\nRechallenge after two weeks was tolerated in 15 of 19 patients. " * 40
    )
    # a file-size limit: the new generation cannot be written; the current one stays, no temporary left
    limited = cli("ingest", str(scratch / "new.txt"), "--index-dir", str(index), limit_fsize=64 * 1024)
    assert (
        limited.returncode == 1 and "could not write the index" in limited.stderr and "Traceback" not in limited.stderr
    )
    assert not list(index.glob(".tmp-gen-*")) and docs(index) == before
    # --index-dir pointing at a file
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    for command in (["ingest", str(scratch / "new.txt")], ["sources"], ["ask", "dantrolene?"]):
        result = cli(*command, "--index-dir", str(a_file))
        assert result.returncode == 1 and "is a file, not an index directory" in result.stderr, (command, result.stderr)
    # a full disk, then a read-only directory (both need a tmpfs mounted, so root; without it they skip)
    with small_tmpfs(tmp_path / "full", "400k") as full:
        result = cli("ingest", str(scratch / "corpus"), "--index-dir", str(full / "idx"))
        assert result.returncode == 1 and "No space left on device" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and not list((full / "idx").glob(".tmp-gen-*"))
    # a read-only index directory (root ignores file modes, so a read-only mount): reading works, writing is one sentence
    with small_tmpfs(tmp_path / "ro", "20m") as ro:
        assert cli("ingest", str(scratch / "corpus"), "--index-dir", str(ro / "idx")).returncode == 0
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(ro)], capture_output=True)
        assert remounted.returncode == 0, remounted.stderr
        result = cli("ingest", str(scratch / "new.txt"), "--index-dir", str(ro / "idx"))
        assert result.returncode == 1 and "Read-only file system" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("nms-assistant:") == 1
        asked = cli("ask", "Is dantrolene effective for NMS?", "--json", "--index-dir", str(ro / "idx"))
        assert asked.returncode == 0 and json.loads(asked.stdout)["citations"], asked.stderr


def test_broken_pipe_and_unknown_settings_are_quiet(tmp_path):
    entry = {"time": "2026-01-01T00:00:00", "actor": "someone@host", "action": "ingest", "generation": "gen-x"}
    (tmp_path / "history.jsonl").write_text("\n".join(json.dumps(entry) for _ in range(5000)) + "\n")
    # 5,000 lines (more than a pipe holds) into `head -1`, which closes the pipe after one line
    proc = subprocess.run(
        f"{sys.executable} -m assistant.cli history --index-dir {tmp_path} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.count("\n") == 1 and "someone@host" in proc.stdout
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    env = dict(os.environ, NMS_RETRIEVAL__KK="3")
    bad = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "sources"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert bad.returncode == 1 and "retrieval.kk is not a setting (from NMS_RETRIEVAL__KK?)" in bad.stderr


def test_a_folder_s_bibliography_is_looked_for_once_per_ingest(tmp_path, monkeypatch):
    """A folder of many papers: the bibliography files beside them are listed and fingerprinted once per
    ingest, not once per paper (they were: adding one paper to 1,000 took 6 s instead of 1, and
    indexing 1,000 spent 13 s of 20 listing the folder; bench/run.py measures both)."""
    from assistant.engine import Engine
    from index import builder
    from tests.conftest import make_settings
    from tests.fakes import HashEmbedder

    folder = tmp_path / "papers"
    folder.mkdir()
    for i in range(200):
        (folder / f"p{i:03}.txt").write_text(f"Paper {i}\n\nDantrolene was given to {i} patients with NMS.\n")

    def settled() -> None:  # a folder changed within the last 2 s is listed afresh each time (racy mtime)
        past = time.time() - 10
        os.utime(folder, (past, past))

    settled()
    calls: list[Path] = []
    real = builder.bibliography_fingerprint
    monkeypatch.setattr(builder, "bibliography_fingerprint", lambda f: calls.append(f) or real(f))
    listings: list[Path] = []
    real_iterdir = Path.iterdir
    monkeypatch.setattr(Path, "iterdir", lambda self: listings.append(self) or real_iterdir(self))
    engine = Engine(make_settings(tmp_path / "idx", folder), HashEmbedder())
    assert len(engine.ingest([folder]).added) == 200 and calls == [folder.resolve()]
    assert len(listings) <= 3, len(listings)  # was 401: once to find the papers, then twice per paper
    (folder / "new.txt").write_text("New\n\nBromocriptine was given to 3 patients with NMS.\n")
    settled()
    calls.clear()
    listings.clear()
    assert engine.ingest([folder]).added == ["new.txt"] and calls == [folder.resolve()]
    assert len(listings) <= 3, len(listings)
    # a bibliography added beside the papers is seen by the next ingest (the folder changed)
    (folder / "refs.bib").write_text("@article{x, title={New}, journal={J Clin Psychopharmacol}, year={2020}}\n")
    settled()
    report = engine.ingest([folder])
    assert "new.txt" in report.updated, report
