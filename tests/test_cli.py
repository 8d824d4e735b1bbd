"""The real CLI, run as a user runs it (subprocess), output parsed and checked."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ingest.bibliography import parse_bibtex, parse_ris
from tests.conftest import CORPUS, ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]
SCHEMA = json.loads((ROOT / "contract" / "answer.schema.json").read_text())


def run(*args: str, cwd: Path = ROOT, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NMS_SYNTHESIS__")}
    env.update(HF_HUB_OFFLINE="1", **extra_env)
    env.pop("NMS_INDEX_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "index"
    result = run("ingest", "--index-dir", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["added"]) == 5 and report["passages"] > 0
    return path


def test_second_ingest_embeds_nothing(index_dir):
    result = run("ingest", str(CORPUS), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "unchanged:    5" in result.stdout and "embedded 0 new sentences" in result.stdout


def test_search_json(index_dir):
    result = run("search", "is dantrolene effective", "--index-dir", str(index_dir), "--json")
    hits = json.loads(result.stdout)
    assert [h["rank"] for h in hits] == list(range(1, 9))  # --k defaults to the setting (NMS_RETRIEVAL__K, 8)
    assert len({h["doc_id"] for h in hits}) >= 3
    assert all(h["text"] and h["evidence_type"] for h in hits)
    result = run("search", "CPK", "--mode", "lexical", "--k", "2", "--index-dir", str(index_dir))
    assert result.returncode == 0 and result.stdout.count("score") == 2


def test_sources(index_dir):
    data = json.loads(run("sources", "--index-dir", str(index_dir), "--json").stdout)
    docs = {d["doc_id"]: d for d in data["documents"]}
    assert docs["treatment-qa-guidelines-and-research.txt"]["evidence_type"] == "guideline"
    assert all(d["n_passages"] > 0 for d in docs.values())
    assert data["synthesis"] == {
        "enabled": False,
        "model": None,
        "base_url": None,
        "timeout_s": 30.0,
        "api_key_set": False,
    }
    text = run("sources", "--index-dir", str(index_dir)).stdout
    assert "5 documents" in text and "synthesis: off (set NMS_SYNTHESIS__BASE_URL and NMS_SYNTHESIS__MODEL" in text
    on = {
        "NMS_SYNTHESIS__BASE_URL": "http://127.0.0.1:9/v1",
        "NMS_SYNTHESIS__MODEL": "tiny",
        "NMS_SYNTHESIS__API_KEY": "sk-never-printed",
    }
    result = run("sources", "--index-dir", str(index_dir), "--json", **on)
    assert json.loads(result.stdout)["synthesis"] == {
        "enabled": True,
        "model": "tiny",
        "base_url": "http://127.0.0.1:9/v1",
        "timeout_s": 30.0,
        "api_key_set": True,
    }
    text = run("sources", "--index-dir", str(index_dir), **on).stdout
    assert "synthesis: on, model tiny at http://127.0.0.1:9/v1" in text
    assert "sk-never" not in result.stdout + result.stderr + text


def test_show_prints_the_metadata_and_the_passages(index_dir):
    text = run("show", "treatment-qa-guidelines-and-research.txt", "--index-dir", str(index_dir)).stdout
    head = text.split("\n-- passage 1", 1)[0]
    assert "evidence type: guideline (manifest)" in head and "year:" in head and "bibliography:" in head
    assert "-- passage 1 (" in text and "section:" in text


def test_ask_json_and_batch(index_dir, tmp_path):
    result = run("ask", "Is bromocriptine effective for NMS?", "--json", "--index-dir", str(index_dir))
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert any("bromocriptine" in c["topic"] for c in data["contested"])
    batch = tmp_path / "questions.txt"
    batch.write_text("What supportive care does a patient with NMS need?\n\nHow do I bake sourdough bread?\n")
    result = run("ask", "--batch", str(batch), "--json", "--index-dir", str(index_dir))
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    answers = [json.loads(line) for line in lines]
    for a in answers:
        jsonschema.validate(a, SCHEMA)
    assert [a["status"] for a in answers] == ["answered", "no_evidence"]
    text = run("ask", "What is the very first management step in NMS?", "--index-dir", str(index_dir)).stdout
    assert "Guideline statements:" in text and "Sources:" in text and "[1]" in text


def test_eval(index_dir):
    result = run("eval", str(ROOT / "eval" / "dev_questions.jsonl"), "--json", "--index-dir", str(index_dir))
    summary = json.loads(result.stdout)
    assert summary["pass_rate"] >= 0.9 and summary["false_flags"] == 0
    text = run("eval", str(ROOT / "eval" / "own_questions.jsonl"), "--index-dir", str(index_dir)).stdout
    assert "citation hit rate" in text and "median latency" in text


def test_errors_are_messages_not_tracebacks(index_dir, tmp_path, bad_files):
    files = bad_files()
    good = tmp_path / "note.md"
    good.write_text(
        "# Cooling in NMS\n\nExternal cooling with ice packs lowered temperature within hours in 9 of 10 patients.\n"
    )
    result = run("ingest", *[str(p) for p, _ in files.values()], str(good), "--index-dir", str(index_dir))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr + result.stdout
    for path, reason in files.values():
        assert path.name in result.stdout and reason in result.stdout
    assert "added:        1" in result.stdout  # the good file beside them is indexed
    missing = run("ask", "Is dantrolene effective?", "--index-dir", str(tmp_path / "none"))
    assert missing.returncode == 1 and "nms-assistant ingest" in missing.stderr and "Traceback" not in missing.stderr
    empty = run("ask", "   ", "--index-dir", str(index_dir))
    assert empty.returncode == 1 and "empty" in empty.stderr
    usage = run("search", "x", "--k", "0", "--index-dir", str(index_dir))
    assert usage.returncode == 2 and "--k must be at least 1" in usage.stderr
    nofile = run("ingest", str(tmp_path / "does-not-exist.pdf"), "--index-dir", str(index_dir))
    assert nofile.returncode == 3 and "no such file" in nofile.stdout


def test_flags_left_out_keep_the_environment(index_dir):
    env_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "search",
            "is dantrolene effective",
            "--index-dir",
            str(index_dir),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "NMS_RETRIEVAL__K": "3", "NMS_RETRIEVAL__MODE": "lexical"},
    )
    hits = json.loads(env_run.stdout)
    assert len(hits) == 3 and all(h["dense_score"] >= 0 for h in hits)
    lexical = json.loads(
        run(
            "search",
            "is dantrolene effective",
            "--mode",
            "lexical",
            "--k",
            "3",
            "--index-dir",
            str(index_dir),
            "--json",
        ).stdout
    )
    assert [h["passage_id"] for h in hits] == [h["passage_id"] for h in lexical]  # the environment chose lexical


def test_a_batch_answers_every_good_line_and_names_the_bad_ones(index_dir, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_bytes(
        b"What supportive care does a patient with NMS need?\n"
        b"Is bromocriptine \xff\xfe effective?\n" + b"why " * 700 + b"\n"
        b"How often does NMS occur?\n"
    )
    result = run("ask", "--batch", str(batch), "--json", "--index-dir", str(index_dir))
    assert result.returncode == 3 and "Traceback" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line.get("status") or line.get("error")[:11] for line in lines] == [
        "answered",
        "not valid U",
        "the questio",
        "answered",
    ]
    assert [line.get("line") for line in lines if "error" in line] == [2, 3]
    assert "questions.txt:2: not valid UTF-8" in result.stderr and "questions.txt:3:" in result.stderr


def test_a_follow_up_is_read_with_the_conversation(index_dir, tmp_path):
    first = "What is the treatment of NMS?"
    data = json.loads(
        run("ask", "and in children?", "--follow-up-of", first, "--json", "--index-dir", str(index_dir)).stdout
    )
    jsonschema.validate(data, SCHEMA)
    assert data["question"] == "and in children?" and "treatment" in data["understood_as"].lower()
    text = run("ask", "and in children?", "--follow-up-of", first, "--index-dir", str(index_dir)).stdout
    assert f"Understood as: {data['understood_as']}" in text
    # a conversation file: earlier questions one a line, the last line the question asked
    chat = tmp_path / "chat.txt"
    chat.write_text(f"{first}\n\nand in children?\n")
    same = json.loads(run("ask", "--conversation", str(chat), "--json", "--index-dir", str(index_dir)).stdout)
    assert same["question"] == "and in children?" and same["understood_as"] == data["understood_as"]
    # with QUESTION, the whole file is the conversation before it
    earlier = tmp_path / "earlier.txt"
    earlier.write_text(f"{first}\n")
    again = json.loads(
        run("ask", "and in children?", "--conversation", str(earlier), "--json", "--index-dir", str(index_dir)).stdout
    )
    assert again["understood_as"] == data["understood_as"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    for args in (
        ["--conversation", str(empty)],
        ["--batch", str(earlier), "--follow-up-of", first],
        ["x", "--follow-up-of", first, "--conversation", str(earlier)],
    ):
        bad = run("ask", *args, "--index-dir", str(index_dir))
        assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.strip(), args


def test_text_output_names_uncovered_aspects_and_hedges(index_dir):
    text = run("ask", "What dose of dantrolene is used?", "--index-dir", str(index_dir)).stdout
    assert (
        "Not covered by the indexed sources:\n  - No indexed source gives a dose (asked: dose of dantrolene)." in text
    )
    data = json.loads(run("ask", "What dose of dantrolene is used?", "--json", "--index-dir", str(index_dir)).stdout)
    hedged = [s["text"] for s in data["guideline_statements"] + data["research_findings"] if s["stance"] == "uncertain"]
    assert text.count("(the source calls this uncertain)") == len(hedged)


def test_exports(index_dir):
    question = "Is dantrolene effective for NMS?"
    data = json.loads(run("ask", question, "--json", "--index-dir", str(index_dir)).stdout)
    documents = list(dict.fromkeys(c["doc_id"] for c in data["citations"]))
    titles = [next(c["document"] for c in data["citations"] if c["doc_id"] == d) for d in documents]
    ris = run("ask", question, "--export", "ris", "--index-dir", str(index_dir))
    assert ris.returncode == 0, ris.stderr
    assert all(line == "" or re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in ris.stdout.splitlines())
    assert [r.title for r in parse_ris(ris.stdout)] == titles
    bibtex = run("ask", question, "--export", "bibtex", "--index-dir", str(index_dir)).stdout
    depth = 0
    for ch in bibtex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert [r.title for r in parse_bibtex(bibtex)] == titles
    keys = re.findall(r"^@\w+\{([^,]+),", bibtex, re.M)
    assert len(set(keys)) == len(documents)
    markdown = run("ask", question, "--export", "markdown", "--index-dir", str(index_dir)).stdout
    assert markdown.startswith("# Is dantrolene effective for NMS\\?") and "## Sources" in markdown
    nothing = run("ask", "How do I bake sourdough bread?", "--export", "ris", "--index-dir", str(index_dir))
    assert nothing.returncode == 0 and nothing.stdout == "" and "no references" in nothing.stderr
    both = run("ask", question, "--export", "ris", "--json", "--index-dir", str(index_dir))
    assert both.returncode == 2 and "--export" in both.stderr


def test_synthesis_needs_settings_and_never_fails_the_answer(index_dir):
    off = run("ask", "Is dantrolene effective for NMS?", "--synthesis", "--index-dir", str(index_dir))
    assert off.returncode == 2 and off.stdout == "" and "Traceback" not in off.stderr
    assert "NMS_SYNTHESIS__BASE_URL" in off.stderr and "NMS_SYNTHESIS__MODEL" in off.stderr
    # configured, but nothing listens there: the answer as usual, with a one-line note
    down = {
        "NMS_SYNTHESIS__BASE_URL": "http://127.0.0.1:9/v1",
        "NMS_SYNTHESIS__MODEL": "tiny",
        "NMS_SYNTHESIS__TIMEOUT_S": "5",
    }
    result = run(
        "ask", "Is dantrolene effective for NMS?", "--synthesis", "--json", "--index-dir", str(index_dir), **down
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["status"] == "answered" and data["synthesis"]["status"] == "unavailable"
    assert data["synthesis"]["sentences"] == [] and "could not reach" in data["synthesis"]["note"]
    text = run("ask", "Is dantrolene effective for NMS?", "--synthesis", "--index-dir", str(index_dir), **down).stdout
    assert "Short answer by a language model: No synthesis:" in text and "Guideline statements:" in text
