"""Scoring a question set (eval/SCORING.md): per-kind pass rates, citation hit rate,
contested recall, false flags and median latency. Reads answers as the JSON contract."""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nmsa.errors import NMSAssistantError


@dataclass
class QuestionResult:
    id: str
    kind: str
    style: str
    passed: bool
    failures: list[str]
    citation_hit: bool | None
    contested_flagged: bool | None
    false_flag: bool
    latency_ms: float


@dataclass
class EvalReport:
    results: list[QuestionResult] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        kinds: dict[str, list[QuestionResult]] = defaultdict(list)
        for r in self.results:
            kinds[r.kind].append(r)
        per_kind = {k: {"n": len(v), "passed": sum(r.passed for r in v)} for k, v in sorted(kinds.items())}
        styles: dict[str, list[QuestionResult]] = defaultdict(list)
        for r in self.results:
            styles[r.style].append(r)
        per_style = {k: {"n": len(v), "passed": sum(r.passed for r in v)} for k, v in sorted(styles.items())}
        hits = [r.citation_hit for r in self.results if r.citation_hit is not None]
        contested = [r.contested_flagged for r in self.results if r.contested_flagged is not None]
        latencies = [r.latency_ms for r in self.results]
        return {
            "questions": len(self.results),
            "passed": sum(r.passed for r in self.results),
            "pass_rate": round(sum(r.passed for r in self.results) / max(1, len(self.results)), 4),
            "per_kind": per_kind,
            "per_style": per_style,
            "citation_hit_rate": round(sum(hits) / len(hits), 4) if hits else None,
            "contested_recall": round(sum(contested) / len(contested), 4) if contested else None,
            "false_flags": sum(r.false_flag for r in self.results),
            "median_latency_ms": round(statistics.median(latencies), 1) if latencies else None,
            "failures": {r.id: r.failures for r in self.results if not r.passed},
        }


def load_questions(path: Path) -> list[dict[str, Any]]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NMSAssistantError(f"{path}: cannot read the question file ({exc.strerror})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NMSAssistantError(f"{path}:{number}: not a JSON object ({exc.msg})") from None
        if not isinstance(item, dict) or "question" not in item:
            raise NMSAssistantError(f"{path}:{number}: each line needs at least a 'question' field")
        item.setdefault("id", f"q{number}")
        item.setdefault("kind", "fact")
        questions.append(item)
    return questions


def _statements(answer: dict[str, Any], which: str = "all") -> list[str]:
    texts: list[str] = []
    if which in ("all", "guideline"):
        texts += [s["text"] for s in answer.get("guideline_statements", [])]
    if which in ("all", "research"):
        texts += [s["text"] for s in answer.get("research_findings", [])]
    if which == "all":
        texts += [p["text"] for c in answer.get("contested", []) for p in c.get("positions", [])]
    return texts


def _groups_hold(groups: list[list[str]], texts: list[str]) -> bool:
    blob = "\n".join(texts).lower()
    return all(any(alt.lower() in blob for alt in group) for group in groups)


def _at_least_holds(spec: dict[str, Any], texts: list[str]) -> tuple[bool, int]:
    blob = "\n".join(texts).lower()
    n = sum(1 for s in spec["of"] if s.lower() in blob)
    return n >= spec["n"], n


def content_present(item: dict[str, Any], text: str) -> bool:
    """Whether ``text`` holds every required mention of a question (mention, guideline_mention,
    research_mention and mention_at_least, all read against the same text). The benchmark uses
    it to compare what different systems show the user."""
    groups = [g for key in ("mention", "guideline_mention", "research_mention") for g in item.get(key, [])]
    if groups and not _groups_hold(groups, [text]):
        return False
    return not item.get("mention_at_least") or _at_least_holds(item["mention_at_least"], [text])[0]


def score_answer(item: dict[str, Any], answer: dict[str, Any], latency_ms: float) -> QuestionResult:
    failures: list[str] = []
    expected_status = item.get("status", "answered")
    if answer.get("status") != expected_status:
        failures.append(f"status {answer.get('status')} != {expected_status}")
    cited_sources = {Path(c.get("source", "")).name for c in answer.get("citations", [])} | {
        c.get("doc_id", "") for c in answer.get("citations", [])
    }
    citation_hit = None
    if item.get("sources"):
        citation_hit = any(s in cited_sources for s in item["sources"])
        if not citation_hit:
            failures.append("none of the expected sources is cited")
    if item.get("mention") and not _groups_hold(item["mention"], _statements(answer)):
        failures.append(f"mention {item['mention']}")
    if item.get("mention_at_least"):
        ok, n = _at_least_holds(item["mention_at_least"], _statements(answer))
        if not ok:
            failures.append(f"mention_at_least {n} < {item['mention_at_least']['n']}")
    if item.get("guideline_mention") and not _groups_hold(item["guideline_mention"], _statements(answer, "guideline")):
        failures.append(f"guideline_mention {item['guideline_mention']}")
    if item.get("research_mention") and not _groups_hold(item["research_mention"], _statements(answer, "research")):
        failures.append(f"research_mention {item['research_mention']}")
    topics = [(c.get("topic", "") + " " + c.get("summary", "")).lower() for c in answer.get("contested", [])]
    contested_flagged = None
    if item.get("contested_topic"):
        contested_flagged = any(any(t.lower() in topic for t in item["contested_topic"]) for topic in topics)
        if not contested_flagged:
            failures.append(f"contested_topic {item['contested_topic']} not flagged")
    false_flag = False
    if item.get("not_contested"):
        false_flag = any(any(t.lower() in topic for t in item["not_contested"]) for topic in topics)
        if false_flag:
            failures.append(f"not_contested {item['not_contested']} flagged")
    if item.get("uncovered"):
        notes = [f"{u.get('aspect', '')} {u.get('note', '')}".lower() for u in answer.get("uncovered", [])]
        if not any(alt.lower() in note for alt in item["uncovered"] for note in notes):
            failures.append(f"uncovered {item['uncovered']} not named")
    if item.get("understood"):
        understood = str(answer.get("understood_as") or "").lower()
        if not any(alt.lower() in understood for alt in item["understood"]):
            failures.append(f"understood {item['understood']} not in {understood!r}")
    if item.get("must_not"):
        blob = json.dumps({k: v for k, v in answer.items() if k != "question"}).lower()
        bad = [s for s in item["must_not"] if s.lower() in blob]
        if bad:
            failures.append(f"must_not {bad}")
    return QuestionResult(
        id=item["id"],
        kind=item.get("kind", "fact"),
        style=item.get("style", "plain"),
        passed=not failures,
        failures=failures,
        citation_hit=citation_hit,
        contested_flagged=contested_flagged,
        false_flag=false_flag,
        latency_ms=latency_ms,
    )


Ask = Callable[[str, list[str]], dict[str, Any]]  # (question, earlier user turns of the chat) -> answer JSON


def evaluate(items: Iterable[dict[str, Any]], ask: Ask) -> EvalReport:
    """Ask each question (a follow-up with the turns before it) and score the answer."""
    report = EvalReport()
    for item in items:
        start = time.perf_counter()
        result = ask(item["question"], list(item.get("history") or []))
        latency = (time.perf_counter() - start) * 1000
        report.results.append(score_answer(item, result, latency))
    return report
