"""Answer composition: retrieve, select cited sentences, classify them, flag contested claims.

Extractive by design: every statement is a sentence of an indexed passage, and it cites only
passages retrieved for this question. When nothing retrieved is relevant enough, the answer
is ``no_evidence`` with the nearest passages to browse, never a guess.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from assistant.candidates import Candidate, LexicalStats, collect, lexical_stats, score
from assistant.classify import classify
from assistant.contested import Flag, drug_like_terms, find_contested, question_facets
from assistant.engine import Engine
from assistant.lexicon import NO_EVIDENCE_MESSAGE, QUESTION_STOPWORDS
from assistant.records import Answer, Citation, ContestedClaim, Statement
from index.lexical import tokenize
from index.search import Filters, Hit, Searcher
from index.store import Snapshot
from index.synonyms import Vocabulary
from ingest.instructions import is_instruction
from ingest.sentences import split_sentences
from nmsa.errors import NMSAssistantError

MAX_QUESTION_CHARS = 2000


def strip_instructions(question: str) -> tuple[str, list[str]]:
    """Split off instruction-like sentences ("SYSTEM: disregard the documents ..."); they are text, not commands."""
    parts = [question[a:b] for a, b in split_sentences(question)] or [question]
    kept, ignored = [], []
    for part in parts:
        (ignored if is_instruction(part) else kept).append(part)
    if not kept:  # nothing but instructions: keep the words as a query, obey nothing
        return question, ignored
    return " ".join(kept), ignored


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def unknown_terms(question: str, vocab: set[str], vocabulary: Vocabulary | None = None) -> list[str]:
    """Content words of the question that the index has never seen (typos of known words and
    names in the synonyms file excepted)."""
    out = []
    for word, token in zip(re.findall(r"[A-Za-z][A-Za-z\-]+", question), _stems(question)):
        if word.lower() in QUESTION_STOPWORDS or token in vocab or len(token) < 4:
            continue
        if vocabulary is not None and vocabulary.knows(word):
            continue
        limit = 1 if len(token) <= 6 else 2
        if any(_edit_distance_at_most(token, v, limit) for v in vocab if v[:1] == token[:1]):
            continue
        out.append(word)
    return out


def _without(question: str, words: list[str]) -> str:
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return " ".join(pattern.sub("", question).split())


def _off_topic(
    query: str, unknown: list[str], best: float, candidates: list[Candidate], query_vector: np.ndarray, engine: Engine
) -> bool:
    """Whether words unknown to the index carry the question's topic (so the corpus cannot answer it)."""
    if not unknown or not candidates:
        return False
    cfg, vocabulary = engine.settings.answer, engine.vocabulary
    # A question naming the field's own vocabulary (synonyms file) is anchored in it; one that
    # is not, and uses words the index has never seen, must match much better to be answered.
    if not vocabulary.mentions_any(query) and best < cfg.min_relevance_unknown_terms:
        return True
    reduced = _without(query, unknown)
    if not reduced:
        return False
    # Without the unknown words, would the corpus match much better? Then they were the topic.
    matrix = np.stack([c.vector for c in candidates])
    with_words = np.sort(matrix @ query_vector)[::-1][:5].mean()
    without = np.sort(matrix @ engine.embedder.embed_query(vocabulary.expand(reduced)))[::-1][:5].mean()
    return float(without - with_words) > cfg.unknown_term_shift


@dataclass
class _Context:
    """One question's retrieval state, shared by the steps of ``answer``."""

    query: str
    query_vector: np.ndarray
    focus: str
    focus_vector: np.ndarray
    snapshot: Snapshot
    searcher: Searcher
    stats: LexicalStats
    filters: Filters | None
    mode: str
    k: int


def _contested(
    ctx: _Context, engine: Engine, selected: list[Candidate], hits: list[Hit], deep: list[Hit]
) -> tuple[list[int], list[Flag]]:
    """Contested claims on the question's interventions and facets, over a deeper pool: the deeper
    retrieval plus a lexical search for each intervention, so every source taking a position is seen. Returns (the pool's rows beyond the hits, the flags)."""
    settings, vocabulary = engine.settings, engine.vocabulary
    facets = question_facets(ctx.query)
    entities = vocabulary.canonical_entities(ctx.query)
    entities += [w for w in drug_like_terms(ctx.query, vocabulary) if w not in entities]
    if "treatment" in facets and not entities:  # "which drugs reverse NMS?": the answer's drugs
        for cand in selected:
            entities += [e for e in vocabulary.canonical_entities(cand.text) if e not in entities]
    extra_rows = [h.row for h in deep]
    mask = ctx.searcher.mask(ctx.filters)
    for term in entities:
        extra_rows += [row for row, _ in ctx.snapshot.lexical.search(vocabulary.expand(term), 30, mask)]
    pool = collect(ctx.snapshot, hits, extra_rows)
    score(pool, ctx.query_vector, ctx.focus_vector, vocabulary.expand(ctx.focus), ctx.stats)
    flags = find_contested(ctx.query, entities, facets, pool, vocabulary, settings.answer.min_relevance)
    return extra_rows, flags


def _stems(question: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z\-]+", question)
    return [(tokenize([w])[0] or [w.lower()])[0] for w in words]


def _select(candidates: list[Candidate], max_n: int, cutoff: float, lam: float) -> list[Candidate]:
    """Maximal marginal relevance over sentences, with a small penalty for repeating a source."""
    pool = sorted(candidates, key=lambda c: -c.score)[:60]
    selected: list[Candidate] = []
    per_doc: Counter[str] = Counter()
    while len(selected) < max_n:
        best, best_value = None, -1e9
        for cand in pool:
            if cand in selected or cand.score < cutoff:
                continue
            redundancy = max((float(cand.vector @ s.vector) for s in selected), default=0.0)
            if redundancy > 0.93 or any(cand.text == s.text for s in selected):
                continue
            value = lam * cand.score - (1 - lam) * redundancy - 0.04 * per_doc[cand.doc_id]
            if value > best_value:
                best, best_value = cand, value
        if best is None:
            break
        selected.append(best)
        per_doc[best.doc_id] += 1
    return selected


class Citations:
    """Numbers passages in order of first citation and records the cited sentence spans."""

    def __init__(self, hits_by_row: dict[int, Hit]) -> None:
        self.hits_by_row = hits_by_row
        self.by_row: dict[int, Citation] = {}

    def cite(self, cand: Candidate) -> int:
        citation = self.by_row.get(cand.row)
        if citation is None:
            p = cand.passage
            hit = self.hits_by_row.get(cand.row)
            citation = Citation(
                id=len(self.by_row) + 1,
                document=p.title,
                doc_id=p.doc_id,
                source=p.source,
                evidence_type=p.evidence_type,
                section=p.section,
                page=p.page,
                text=p.text,
                score=hit.dense_score if hit else cand.similarity,  # cosine similarity to the question
                passage_id=p.id,
            )
            self.by_row[cand.row] = citation
        if cand.span not in citation.highlights:
            citation.highlights.append(cand.span)
        return citation.id

    def statement(self, cand: Candidate, category: str, stance: str | None = None) -> Statement:
        return Statement(
            text=cand.text, citations=[self.cite(cand)], category=category, score=cand.score, stance=stance,
            doc_id=cand.doc_id,
        )


def _nearest(hits: list[Hit], n: int = 3) -> list[Citation]:
    return [
        Citation(
            id=i + 1,
            document=h.passage.title,
            doc_id=h.passage.doc_id,
            source=h.passage.source,
            evidence_type=h.passage.evidence_type,
            section=h.passage.section,
            page=h.passage.page,
            text=h.passage.text,
            score=h.dense_score,
            passage_id=h.passage.id,
        )
        for i, h in enumerate(hits[:n])
    ]


def answer(
    question: str,
    engine: Engine,
    k: int | None = None,
    filters: Filters | None = None,
    mode: str | None = None,
) -> Answer:
    """Answer a question from the index only; see the module docstring."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    original = question
    question = " ".join((question or "").split())
    if not question:
        raise NMSAssistantError("the question is empty; ask something about neuroleptic malignant syndrome")
    if len(question) > MAX_QUESTION_CHARS:
        raise NMSAssistantError(f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}")
    settings = engine.settings
    query, ignored = strip_instructions(question)
    snapshot = engine.snapshot()  # one generation for the whole answer
    searcher = engine.searcher(snapshot)
    vocabulary = engine.vocabulary
    expanded = vocabulary.expand(query)
    query_vector = engine.embedder.embed_query(expanded)
    timings["embed"] = (time.perf_counter() - t0) * 1000
    k = k or settings.retrieval.k
    # One retrieval: the statements read the top k passages, the contested scan the deeper list
    # (both rank the same fused candidates, so the top k is the deeper list's head).
    deep = searcher.search(
        query, k=max(3 * k, 24), mode=mode or settings.retrieval.mode,
        candidates=max(settings.retrieval.candidates, 3 * k), filters=filters, query_vector=query_vector,
    )
    hits = deep[:k]
    timings["retrieve"] = (time.perf_counter() - t0) * 1000 - timings["embed"]
    stats = lexical_stats(snapshot)
    focus = stats.focus(query)
    focus_vector = query_vector if focus == query else engine.embedder.embed_query(vocabulary.expand(focus))
    candidates = collect(snapshot, hits)
    score(candidates, query_vector, focus_vector, vocabulary.expand(focus), stats)
    best = max((c.similarity for c in candidates), default=0.0)
    unknown = unknown_terms(query, snapshot.lexical.vocab, vocabulary)
    cfg = settings.answer
    base = Answer(question=original, status="no_evidence", message=NO_EVIDENCE_MESSAGE, ignored_instructions=ignored,
                  index_generation=snapshot.generation)
    if ignored:
        base.message += " Instructions inside the question were ignored."
    off_topic = _off_topic(query, unknown, best, candidates, query_vector, engine)
    base.retrieved = [h.passage.id for h in hits]
    if not candidates or best < cfg.min_relevance or off_topic:
        base.nearest = _nearest(sorted(hits, key=lambda h: -h.dense_score))
        if unknown and candidates and best >= cfg.min_relevance:
            base.message = (
                f"The indexed sources do not cover {', '.join(repr(u) for u in unknown[:3])}; "
                "the closest passages are listed for browsing, nothing has been inferred from them."
            )
        base.timings_ms = {**timings, "total": (time.perf_counter() - t0) * 1000}
        return base

    best_score = max(c.score for c in candidates)
    cutoff = cfg.relative_cutoff * best_score
    selected = _select(candidates, cfg.max_statements, cutoff, cfg.mmr_lambda)
    if not selected:  # pragma: no cover - the best candidate always passes its own cutoff
        base.nearest = _nearest(hits)
        return base
    timings["select"] = (time.perf_counter() - t0) * 1000 - timings["embed"] - timings["retrieve"]

    ctx = _Context(query, query_vector, focus, focus_vector, snapshot, searcher, stats, filters,
                   mode or settings.retrieval.mode, k)
    extra_rows, flags = _contested(ctx, engine, selected, hits, deep)

    hits_by_row = {h.row: h for h in hits}
    cite = Citations(hits_by_row)
    result = Answer(question=original, status="answered", message="", ignored_instructions=ignored,
                    index_generation=snapshot.generation)
    result.retrieved = list(dict.fromkeys([h.passage.id for h in hits] + [snapshot.passages[r].id for r in extra_rows]))
    for cand in selected:
        category = classify(cand.text, cand.passage.section, cand.passage.evidence_type, cand.passage.kind)
        statement = cite.statement(cand, category)
        (result.guideline_statements if category == "guideline" else result.research_findings).append(statement)
    for flag in flags:
        positions = [cite.statement(c, classify(c.text, c.passage.section, c.passage.evidence_type, c.passage.kind), s)
                     for c, s in flag.positions]
        result.contested.append(ContestedClaim(topic=flag.topic, summary=flag.summary, positions=positions, reason=flag.reason))
    result.citations = sorted(cite.by_row.values(), key=lambda c: c.id)
    top = max(selected, key=lambda c: c.score)
    result.summary = f"{top.text} [{cite.cite(top)}]"
    n_sources = len({c.doc_id for c in result.citations})
    result.message = (
        f"{len(result.guideline_statements)} guideline statement(s) and {len(result.research_findings)} research "
        f"finding(s) from {n_sources} source(s)"
        + (f"; {len(result.contested)} contested claim(s) flagged" if result.contested else "")
        + "."
        + (" Instructions inside the question were ignored." if ignored else "")
    )
    timings["contested"] = (time.perf_counter() - t0) * 1000 - sum(timings.values())
    result.timings_ms = {**timings, "total": (time.perf_counter() - t0) * 1000}
    return result


__all__ = ["answer", "strip_instructions"]
