"""Answer composition, as a pipeline of named steps.

    understand -> retrieve -> score -> gate -> select -> cover -> contest -> compose

Extractive by design: every statement is a sentence of an indexed passage, and it cites only
passages retrieved for this question. When nothing retrieved is relevant enough, the answer is
``no_evidence`` with the nearest passages to browse, never a guess. The judgments that may be
swapped (statement classification, stance) come from the engine (``Engine.classifier``,
``Engine.stance_detector``); every weight is in ``Settings``.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import zip_longest

import numpy as np

from assistant.alternatives import (
    alternative_flag,
    alternatives,
    attributed_flag,
    attributed_sides,
    differ_issue,
    issue_of,
    names_unseen,
    said_to_differ,
    said_to_differ_flag,
)
from assistant.candidates import Candidate, LexicalStats, collect, context_of, score, sentence_tokens
from assistant.classify import Sentence
from assistant.contested import ContestedSettings, Flag, drug_like_terms, find_contested, question_facets
from assistant.coverage import (
    asked_without_mention,
    check_aspects,
    dosed_without_mention,
    exposure_topics,
    feature_topics,
    other_condition,
    rare_use,
    uncovered_concepts,
    unrelated_use,
)
from assistant.engine import Engine
from assistant.gate import follow_up_elsewhere, off_topic, own_relevance, unknown_terms
from assistant.lexicon import (
    CAUSE_QUESTION,
    CONTROVERSY_CUES,
    FEATURE_ABSENT_SEARCH,
    NO_EVIDENCE_MESSAGE,
    PUBLICATION_REFERENCE,
    QUANTITY_QUESTION,
    REFERENCE_LIST_SECTION,
    REFERENCES_ASKED,
    Aspect,
    negated_names,
)
from assistant.query import Query, content_stems, part_query, question_stems, strip_instructions, understand
from assistant.records import Answer, Category, Citation, ContestedClaim, Stance, Statement, Status, Uncovered
from assistant.render import TABLE_LABEL
from index.search import Filters, Hit, Searcher
from index.store import Snapshot
from ingest.records import DocumentInfo, Passage
from nmsa.errors import NMSAssistantError
from nmsa.settings import SelectionSettings

MAX_QUESTION_CHARS = 2000


class _Timer:
    """Milliseconds per named step."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.steps: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + (time.perf_counter() - t0) * 1000

    def done(self) -> dict[str, float]:
        return {**self.steps, "total": (time.perf_counter() - self.started) * 1000}


@dataclass
class _Context:
    """One question's state, filled in by the steps of ``answer``."""

    question: str
    read: Query
    snapshot: Snapshot
    searcher: Searcher
    stats: LexicalStats
    filters: Filters | None
    mode: str
    k: int
    query_vector: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    focus: str = ""
    focus_vector: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    deep: list[Hit] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    best: float = 0.0
    unknown: list[str] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra_rows: list[int] = field(default_factory=list)  # passages read beyond the hits (aspect searches)
    named: tuple[str, ...] = ()  # documents the question (or its conversation) names, in index order

    @property
    def query(self) -> str:
        return self.read.retrieval

    @property
    def wants_figure(self) -> bool:
        return bool(QUANTITY_QUESTION.search(self.read.ask))

    @property
    def ignored(self) -> list[str]:
        return list(self.read.ignored)


# --- steps ------------------------------------------------------------------------------------------


def _retrieve(ctx: _Context, engine: Engine) -> None:
    """One retrieval: statements read the top k passages, the contested scan the deeper list (both rank
    the same fused candidates, so the top k is the deeper list's head)."""
    sel = engine.settings.selection
    vocabulary = engine.vocabulary
    ctx.query_vector = engine.embedder.embed_query(vocabulary.expand(ctx.query))
    ctx.deep = ctx.searcher.search(
        ctx.query,
        k=max(sel.deep_factor * ctx.k, sel.deep_min),
        mode=ctx.mode,
        candidates=max(engine.settings.retrieval.candidates, sel.deep_factor * ctx.k),
        filters=ctx.filters,
        query_vector=ctx.query_vector,
    )
    ctx.hits = ctx.deep[: max(ctx.k, sel.statement_passages)]
    read = {h.row for h in ctx.hits}
    mask = ctx.searcher.mask(ctx.filters)
    # also read, by BM25 alone: the best lexical matches (a passage that answers without repeating the
    # condition's name ranks low by meaning, so in the fusion) and the passages naming what the question names
    searches = [(ctx.query, sel.lexical_rows)] + [(entity, sel.named_rows) for entity in ctx.read.entities]
    for text, n in searches:
        for row, _ in ctx.snapshot.lexical.search(vocabulary.expand(text), n, mask):
            if row not in read:
                read.add(row)
                ctx.extra_rows.append(row)
    # and the passages of a document the question names ("what does the Smith review recommend?")
    described_by = f"{ctx.read.typed} {ctx.read.text}"  # the case's details too, and the conversation's subject
    # read in the question as understood and as typed, each with its own first word (a follow-up's own name)
    named = ctx.stats.named_documents(ctx.read.text) + ctx.stats.named_documents(ctx.read.typed)
    ctx.named = tuple(dict.fromkeys(named)) or tuple(_described(ctx.stats, sel.described_document_lead, described_by))
    for doc_id in ctx.named:
        for row in ctx.stats.rows_of[doc_id][: sel.named_document_rows]:
            if row not in read and (mask is None or mask[row]):
                read.add(row)
                ctx.extra_rows.append(row)


def _stating(ctx: _Context, candidates: list[Candidate]) -> list[Candidate]:
    """The candidates, a reference list's lines left out unless the question asks about references: they cite
    other work and state nothing themselves."""
    if REFERENCES_ASKED.search(ctx.read.typed):
        return candidates
    return [c for c in candidates if not REFERENCE_LIST_SECTION.search(c.passage.section or "")]


def _score(ctx: _Context, engine: Engine) -> None:
    vocabulary = engine.vocabulary
    ctx.focus = ctx.stats.focus(ctx.read.scored)
    ctx.focus_vector = (
        ctx.query_vector if ctx.focus == ctx.query else engine.embedder.embed_query(vocabulary.expand(ctx.focus))
    )
    ctx.candidates = _stating(ctx, collect(ctx.snapshot, ctx.hits, ctx.extra_rows))
    score(
        ctx.candidates,
        ctx.query_vector,
        ctx.focus_vector,
        vocabulary.expand(ctx.focus),
        ctx.stats,
        engine.settings.scoring,
        ctx.wants_figure,
        frozenset(ctx.named),
    )
    ctx.best = max((c.similarity for c in ctx.candidates), default=0.0)
    if ctx.read.case_terms and ctx.candidates:  # a case description: also judged by what it asks
        asked = np.stack([c.vector for c in ctx.candidates]) @ ctx.focus_vector
        ctx.best = max(ctx.best, float(asked.max()))
    # words of what was asked that the index has never seen (not the words added to the search)
    unknown = unknown_terms(ctx.read.ask, ctx.snapshot.lexical.vocab, vocabulary)
    # ... nor the name of a document the question names by its file ("the NEJM summary")
    ctx.unknown = [w for w in unknown if ctx.stats.file_words.get(w.lower()) not in ctx.named]


NAMED_MATCH = 0.5  # a sentence of the document a question names with this share of the question's other words


def _named_document_answers(ctx: _Context, engine: Engine) -> bool:
    """Whether a document the question names has a sentence using at least NAMED_MATCH of the question's other
    content words ("what do the Leeds authors report on sodium?": a Leeds sentence on sodium), the field's own
    subject and the document's name left out."""
    if not ctx.named:
        return False
    named_words = set().union(*(ctx.stats.header.get(d, frozenset()) for d in ctx.named))
    wanted = set(content_stems(ctx.read.ask)) - engine.reader(ctx.snapshot).anchor - named_words - question_stems()
    if not wanted:
        return False
    return any(  # a table's row is read with its header row, which names what each column is about
        len(wanted & (sentence_tokens(c.text) | sentence_tokens(c.table_header or ""))) >= NAMED_MATCH * len(wanted)
        for c in ctx.candidates
        if c.doc_id in ctx.named
    )


def _case_in_own_words(ctx: _Context, engine: Engine) -> bool:
    """A case description ("a man on a depot, febrile and stiff, CK very high") whose words the index all knows, the
    drugs the patient is on aside, and that asks for no use the sources barely mention ("a dose for the
    tics"): like a question naming the field's subject, it is about what the sources cover."""
    if not ctx.read.case_terms or ctx.read.follow_up or rare_use(ctx.read.ask, ctx.stats.df, ctx.stats.n):
        return False
    drugs = {t.lower() for t in ctx.read.case_terms}
    unknown = unknown_terms(ctx.read.retrieval, ctx.snapshot.lexical.vocab, engine.vocabulary)
    return not [w for w in unknown if w.lower() not in drugs]


def _gate(ctx: _Context, engine: Engine) -> str | None:
    """None when the evidence can answer; else the no-evidence message."""
    cfg = engine.settings.answer
    topic_elsewhere = off_topic(
        ctx.query,
        ctx.unknown,
        ctx.best,
        ctx.candidates,
        ctx.query_vector,
        engine.embedder.embed_query,
        engine.vocabulary,
        cfg,
        engine.settings.selection.off_topic_top,
    )
    if ctx.read.follow_up:  # the conversation carries the subject; the turn's own words say whether it moved
        own = own_relevance(ctx.read.ask, ctx.candidates, engine.embedder.embed_query)
        topic_elsewhere = follow_up_elsewhere(own, topic_elsewhere, cfg)
    if ctx.read.left_subject:  # "different question - ...", not naming the field's subject: not the sources' topic
        return (
            "This question says it changes the subject and does not name what the indexed sources are about, "
            f"so they are not taken to answer it; {BROWSE}"
        )
    # an intervention the question asks about that no indexed passage names: the evidence is about others
    named = {e.lower() for e in ctx.read.entities}
    unseen = [w for w in ctx.unknown if w.lower() in named]
    if ctx.read.case_terms:  # a case's own drugs may go by names no source uses; what its question asks about may not
        asked = ctx.read.ask.lower()
        unseen = [  # named as a thing, not done ("should we ventilate?")
            w for w in unseen if re.search(rf"(?<!\bwe )(?<!\byou )(?<!\bto )\b{re.escape(w.lower())}\b", asked)
        ]
    if unseen:
        return f"No indexed source mentions {', '.join(repr(u) for u in unseen[:3])}; {BROWSE}"
    # a question in the index's own words that names the field's subject ("is tremor typical of NMS?")
    # or an indexed document ("the Leeds authors on sodium?") is about what the sources cover: a
    # lower bar than a question that might be about something else
    floor = cfg.min_relevance
    if _named_document_answers(ctx, engine) or (ctx.named and not [w for w in ctx.unknown if engine.is_rare(w)]):
        # the named document itself uses the question's words (a word no text uses counts against), or the
        # question names an indexed document in the index's own words ("what does the Smith review's summary list?")
        floor = 0.0
    elif not ctx.unknown and (
        set(content_stems(ctx.read.ask)) & engine.reader(ctx.snapshot).anchor or _case_in_own_words(ctx, engine)
    ):
        floor = min(cfg.min_relevance, cfg.min_relevance_anchored)
    if ctx.candidates and ctx.best >= floor and not topic_elsewhere:
        return None
    if ctx.unknown and ctx.candidates and ctx.best >= cfg.min_relevance:
        return f"The indexed sources do not cover {', '.join(repr(u) for u in ctx.unknown[:3])}; {BROWSE}"
    return NO_EVIDENCE_MESSAGE


def _redundancy(a: Candidate, b: Candidate) -> float:
    """How much ``a`` repeats ``b``: their cosine, except for two rows of one table, which state different things
    however alike their vectors (each row is embedded with the table's header row)."""
    if a.table_header is not None and a.table_header == b.table_header and a.doc_id == b.doc_id:
        return 0.0
    return float(a.vector @ b.vector)


def select_statements(
    candidates: list[Candidate],
    max_n: int,
    cutoff: float,
    lam: float,
    sel: SelectionSettings | None = None,
    first: Sequence[Candidate] = (),
    asked_of: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Maximal marginal relevance over sentences, with a small penalty for repeating a source (not a document
    the question asks about, ``asked_of``); ``first`` are taken before any other."""
    sel = sel or SelectionSettings()
    pool = sorted(candidates, key=lambda c: -c.score)[: sel.pool_size]
    selected: list[Candidate] = list(first)[:max_n]
    per_doc: Counter[str] = Counter(c.doc_id for c in selected)
    while len(selected) < max_n:
        best, best_value = None, -1e9
        for cand in pool:
            if cand in selected or cand.score < cutoff:
                continue
            redundancy = max((_redundancy(cand, s) for s in selected), default=0.0)
            if redundancy > sel.max_redundancy or any(cand.text == s.text for s in selected):
                continue
            repeats = 0 if cand.doc_id in asked_of else per_doc[cand.doc_id]
            value = lam * cand.score - (1 - lam) * redundancy - sel.source_repeat_penalty * repeats
            if value > best_value:
                best, best_value = cand, value
        if best is None:
            break
        selected.append(best)
        per_doc[best.doc_id] += 1
    return selected


def _select(ctx: _Context, engine: Engine) -> list[Candidate]:
    """The statements: the best of the document the question names, if it names one ("what did the Smith
    review find?": that document's own words come first, whatever other sources say more fluently), then
    the best of all by relevance and variety."""
    cfg, sel = engine.settings.answer, engine.settings.selection
    cutoff = cfg.relative_cutoff * max(c.score for c in ctx.candidates)
    first: list[Candidate] = []
    if ctx.named and sel.named_document_statements:
        own = [c for c in ctx.candidates if c.doc_id in ctx.named]
        first = select_statements(own, sel.named_document_statements, -1e9, cfg.mmr_lambda, sel)
    return select_statements(
        ctx.candidates, cfg.max_statements, cutoff, cfg.mmr_lambda, sel, first, frozenset(ctx.named)
    )


PART_STATEMENTS = 3  # statements each part of a question that asks several things is sure to get
WHOLE_FIRST = 2  # ... after this many of the whole question's own


def _answer_parts(ctx: _Context, engine: Engine, selected: list[Candidate]) -> list[Candidate]:
    """A question that asks several things ("is it NMS, and is bromocriptine indicated?"): each part is
    searched and scored on its own, with the whole question's case or subject; the whole question's two
    best statements come first, then each part's best in turn, then the whole question's others. A part
    the evidence cannot answer (by the same gate as a whole question) is named as uncovered."""
    if not ctx.read.parts:
        return selected
    reader = engine.reader(ctx.snapshot)
    per_part: list[list[Candidate]] = []
    for part in ctx.read.parts:
        pctx = replace(ctx, read=part_query(ctx.read, part, reader), extra_rows=[], uncovered=[], missing=[])
        _retrieve(pctx, engine)
        _score(pctx, engine)
        if _gate(pctx, engine) is not None:
            ctx.uncovered.append(Uncovered(aspect=part, note=f"No indexed source answers: {part}"))
            continue
        per_part.append(_select(pctx, engine)[:PART_STATEMENTS])
        ctx.extra_rows += [r for r in [h.row for h in pctx.hits] + pctx.extra_rows if r not in ctx.extra_rows]
    merged: list[Candidate] = []
    # the whole question's best (what the case as a whole calls for), then each part's best in turn
    for group in [selected[:WHOLE_FIRST], *zip_longest(*per_part), selected]:
        for cand in group:
            if (
                cand is not None
                and len(merged) < engine.settings.answer.max_statements
                and all(cand.key != m.key and cand.text != m.text for m in merged)
            ):
                merged.append(cand)
    return merged


def _cover(ctx: _Context, engine: Engine, selected: list[Candidate]) -> str | None:
    """Check the question's concepts against the selected statements: add a statement that gives an asked
    aspect, name the aspects no source gives, and refuse when uncovered concepts carry the topic."""
    # every part asked, none answered (a follow-up's parts are read without the conversation that carries them)
    if ctx.read.parts and not ctx.read.follow_up and len(ctx.uncovered) == len(ctx.read.parts):
        return f"No indexed source answers any part of the question; {BROWSE}"
    reader = engine.reader(ctx.snapshot)
    floor = engine.settings.answer.relative_cutoff * max(c.score for c in ctx.candidates) * ASPECT_FLOOR
    named = frozenset(ctx.named)
    check = check_aspects(ctx.read, reader, selected, ctx.candidates, floor, named)
    if check.uncovered:  # not among the passages read: search for the subject with the aspect's own words
        wanted = [a for a in ctx.read.aspects if a.name in {u.aspect for u in check.uncovered} and a.search]
        rows = _aspect_rows(ctx, engine, wanted)
        if rows:
            pool = collect(ctx.snapshot, [], rows)
            score(
                pool,
                ctx.query_vector,
                ctx.focus_vector,
                engine.vocabulary.expand(ctx.focus),
                ctx.stats,
                engine.settings.scoring,
                ctx.wants_figure,
                frozenset(ctx.named),
            )
            second = check_aspects(ctx.read, reader, selected + check.added, pool, floor, named)
            check.added += second.added
            check.uncovered = [u for u in check.uncovered if u.aspect in {v.aspect for v in second.uncovered}]
            ctx.extra_rows += [c.row for c in second.added]
    selected.extend(check.added)
    ctx.uncovered = [*ctx.uncovered, *check.uncovered]  # parts no source answers come first
    ctx.missing = uncovered_concepts(ctx.read, reader, selected)
    elsewhere = other_condition(ctx.read, reader, ctx.missing, ctx.stats.df, ctx.stats.n, ctx.unknown)
    elsewhere = elsewhere or unrelated_use(ctx.read, reader, selected, ctx.stats.df, ctx.stats.n)
    if elsewhere:
        return (
            f"The indexed sources do not cover {', '.join(repr(w) for w in elsewhere[:3])}: what they say about this "
            "is about another condition. The closest passages are listed for browsing; nothing has been inferred from them."
        )
    undosed = dosed_without_mention(ctx.read, reader, selected, ctx.stats.df, ctx.stats.n)
    if undosed:
        return f"No indexed source gives a dose of {' '.join(undosed)!r}; {BROWSE}"
    mention = asked_without_mention(ctx.read, reader, selected, ctx.candidates, floor)
    selected.extend(mention.added)
    unnamed = [w for w in mention.unmentioned if w.lower() not in ctx.stats.file_words]
    if unnamed:
        return f"No statement found for this question mentions {', '.join(repr(w) for w in unnamed[:3])}; {BROWSE}"
    return None


BROWSE = "the closest passages are listed for browsing, nothing has been inferred from them."  # ends a refusal
ASPECT_FLOOR = 0.75  # a statement added for an asked aspect may score this fraction of the statements' own cutoff
ASPECT_ROWS = 10  # passages a targeted search for an uncovered aspect reads


def _aspect_rows(ctx: _Context, engine: Engine, aspects: list[Aspect]) -> list[int]:
    """Rows a lexical search finds for the question's subject with each aspect's own words."""
    subject = " ".join(ctx.read.entities) or ctx.focus
    mask = ctx.searcher.mask(ctx.filters)
    read = {h.row for h in ctx.hits}
    rows: list[int] = []
    for aspect in aspects:
        query = engine.vocabulary.expand(f"{subject} {aspect.search}")
        rows += [r for r, _ in ctx.snapshot.lexical.search(query, ASPECT_ROWS, mask) if r not in read and r not in rows]
    return rows


def _described(stats: LexicalStats, lead: float, text: str) -> list[str]:
    """The one document a text that points at a publication describes by its details ("the published case
    with CK above 30,000"), when it leads by ``lead`` (0: never)."""
    if not lead or not PUBLICATION_REFERENCE.search(text):
        return []
    described = stats.described_document(text, lead)
    return [described] if described else []


def _sources_named(stats: LexicalStats, lead: float, clause: str) -> list[str]:
    """The documents a clause names ("the Smith paper"), else the one it describes ("the Danish review")."""
    return stats.named_documents(clause) or _described(stats, lead, clause)


def _naming(stats: LexicalStats, doc_id: str) -> frozenset[str]:
    """The stems that name a document (its file's name), not what it says."""
    return frozenset(s for w in stats.file_names.get(doc_id, []) for s in content_stems(w))


# A source the question sets against another is read this many times deeper than a named one: what the question
# says it says may be anywhere in it (a box near its end).
SIDE_ROWS = 4


def _contest(ctx: _Context, engine: Engine, selected: list[Candidate]) -> tuple[list[int], list[Flag]]:
    """Contested claims on the question's interventions and facets, over a deeper pool: the deeper
    retrieval plus a lexical search for each intervention, so every source taking a position is seen.
    Returns (the pool's rows beyond the hits, the flags)."""
    settings, vocabulary = engine.settings, engine.vocabulary
    facets = question_facets(ctx.query)
    entities = list(ctx.read.entities) or vocabulary.canonical_entities(ctx.query)
    entities += [w for w in drug_like_terms(ctx.query, vocabulary, engine.is_rare) if w not in entities]
    if "treatment" in facets and not entities:  # "which drugs reverse NMS?": the answer's drugs
        for cand in selected:
            entities += [e for e in vocabulary.canonical_entities(cand.text) if e not in entities]
    exposures = exposure_topics(ctx.read, engine.reader(ctx.snapshot))
    if CAUSE_QUESTION.search(ctx.read.ask):  # whether its drugs cause the condition: exposures, not treatments
        labels = {label for label, _ in exposures}
        exposures += [
            (e, [vocabulary.pattern(t) for t in vocabulary.names_with_classes(e)]) for e in entities if e not in labels
        ]
        entities = []
    features = feature_topics(ctx.read, engine.reader(ctx.snapshot))
    extra_rows = [h.row for h in ctx.deep]
    mask = ctx.searcher.mask(ctx.filters)
    searches = [" ".join(vocabulary.names_with_classes(e)) for e in entities]
    searches += [label for label, _ in exposures + features]
    # and, for a feature, the passages reporting it absent ("without fever", "afebrile")
    for label, _ in features:
        names = vocabulary.synonyms_of(label)
        searches.append(" ".join([FEATURE_ABSENT_SEARCH, *names, *negated_names(names)]))  # "afebrile" too
    for text in searches:
        extra_rows += [
            row for row, _ in ctx.snapshot.lexical.search(vocabulary.expand(text), settings.selection.entity_rows, mask)
        ]
    # sources the question sets against each other ("the review says A, but the guideline says B"): their
    # passages are read too (in the question as understood: a follow-up's own words, else spelt right)
    asked = ctx.read.typed if ctx.read.follow_up else ctx.read.text
    sides = attributed_sides(asked, partial(_sources_named, ctx.stats, settings.selection.described_document_lead))
    for _, docs in sides or []:
        for doc_id in docs:
            rows = ctx.stats.rows_of.get(doc_id, [])[: SIDE_ROWS * settings.selection.named_document_rows]
            extra_rows += [r for r in rows if r not in extra_rows and (mask is None or mask[r])]
    pool = _stating(ctx, collect(ctx.snapshot, ctx.hits, extra_rows))
    score(
        pool,
        ctx.query_vector,
        ctx.focus_vector,
        vocabulary.expand(ctx.focus),
        ctx.stats,
        settings.scoring,
        ctx.wants_figure,
    )
    config = ContestedSettings.from_settings(settings.answer, settings.selection)
    flags = find_contested(
        ctx.query, entities, facets, pool, vocabulary, config, engine.stance_detector, exposures, features
    )
    pair = alternatives(ctx.read.typed)
    if pair and not names_unseen(pair, ctx.unknown):  # "is it A, or B?": do sources give both answers?
        sel = settings.selection
        near = [c for c in pool if c.similarity >= config.position_floor]
        skip = engine.reader(ctx.snapshot).anchor
        both = alternative_flag(
            pair,
            near,
            engine.embedder.embed_query,
            vocabulary,
            skip,
            sel.alternative_similarity,
            sel.alternative_margin,
            sel.max_positions,
        )
        flags += [both] if both else []
    said = None if sides else said_to_differ(asked)
    if said:  # "the papers give different doses": each source's own words, none named
        issue = differ_issue(ctx.read.typed if ctx.read.case_terms else asked, said)  # a case as typed, not its terms
        skip = engine.reader(ctx.snapshot).anchor | question_stems()
        differ = said_to_differ_flag(
            issue,
            said,
            pool,
            lambda text: engine.embedder.embed_query(vocabulary.expand(text)),  # "SGAs": the sources' words too
            config.position_floor,
            frozenset(content_stems(vocabulary.expand(issue))) - skip,
        )
        flags += [differ] if differ else []
    if sides:
        compared = attributed_flag(
            sides,
            issue_of(asked, ctx.stats.named_documents),
            pool,
            engine.embedder.embed_query,
            config.position_floor,
            settings.selection.max_positions,
            partial(_naming, ctx.stats),
        )
        flags += [compared] if compared else []
    return extra_rows, flags


def citation_of(passage: Passage, number: int, score: float, documents: dict[str, DocumentInfo]) -> Citation:
    """A passage as cited: where it is, and what a researcher cites its document by."""
    info = documents.get(passage.doc_id)
    return Citation(
        id=number,
        document=passage.title,
        doc_id=passage.doc_id,
        source=passage.source,
        evidence_type=passage.evidence_type,
        section=passage.section,
        page=passage.page,
        text=passage.text,
        score=score,
        passage_id=passage.id,
        authors=list(info.authors) if info else [],
        year=info.year if info else None,
        journal=info.journal if info else None,
        doi=info.doi if info else None,
        ocr=bool(info and info.ocr),
    )


class Citations:
    """Numbers passages in order of first citation and records the cited sentence spans."""

    def __init__(self, hits_by_row: dict[int, Hit], documents: dict[str, DocumentInfo] | None = None) -> None:
        self.hits_by_row = hits_by_row
        self.documents = documents or {}
        self.by_row: dict[int, Citation] = {}

    def cite(self, cand: Candidate) -> int:
        citation = self.by_row.get(cand.row)
        if citation is None:
            hit = self.hits_by_row.get(cand.row)
            score = hit.dense_score if hit else cand.similarity  # cosine similarity to the question
            citation = citation_of(cand.passage, len(self.by_row) + 1, score, self.documents)
            self.by_row[cand.row] = citation
        if cand.span not in citation.highlights:
            citation.highlights.append(cand.span)
        return citation.id

    def statement(self, cand: Candidate, category: Category, stance: Stance | None = None) -> Statement:
        return Statement(
            text=cand.text,
            citations=[self.cite(cand)],
            category=category,
            score=cand.score,
            stance=stance,
            doc_id=cand.doc_id,
            context=context_of(cand),
            table_header=cand.table_header,
        )

    def sorted(self) -> list[Citation]:
        return sorted(self.by_row.values(), key=lambda c: c.id)


def _as_sentences(cands: list[Candidate]) -> list[Sentence]:
    return [Sentence(c.text, c.passage.section, c.passage.evidence_type, c.passage.kind) for c in cands]


def nearest(hits: list[Hit], n: int, documents: dict[str, DocumentInfo] | None = None) -> list[Citation]:
    """The closest passages, offered for browsing when there is no evidence."""
    return [citation_of(h.passage, i + 1, h.dense_score, documents or {}) for i, h in enumerate(hits[:n])]


def _compose(
    ctx: _Context, engine: Engine, selected: list[Candidate], extra_rows: list[int], flags: list[Flag]
) -> Answer:
    cite = Citations({h.row: h for h in ctx.hits}, ctx.snapshot.documents)
    result = Answer(
        question=ctx.question,
        understood_as=ctx.read.understood_as,
        status=Status.ANSWERED,
        message="",
        ignored_instructions=ctx.ignored,
        index_generation=ctx.snapshot.generation,
    )
    result.retrieved = list(
        dict.fromkeys(
            [h.passage.id for h in ctx.hits] + [ctx.snapshot.passages[r].id for r in ctx.extra_rows + extra_rows]
        )
    )
    classifier = engine.classifier
    for cand, category in zip(selected, classifier.classify_batch(_as_sentences(selected))):
        # a source's own hedge ("it is unclear whether ...") is shown as uncertainty, not as sources disagreeing
        statement = cite.statement(cand, category, Stance.UNCERTAIN if CONTROVERSY_CUES.search(cand.text) else None)
        (result.guideline_statements if category == Category.GUIDELINE else result.research_findings).append(statement)
    for flag in flags:
        categories = classifier.classify_batch(_as_sentences([c for c, _ in flag.positions]))
        positions = [cite.statement(c, cat, s) for (c, s), cat in zip(flag.positions, categories)]
        result.contested.append(
            ContestedClaim(topic=flag.topic, summary=flag.summary, positions=positions, reason=flag.reason)
        )
    result.uncovered = list(ctx.uncovered)
    result.citations = cite.sorted()
    top = max(selected, key=lambda c: c.score)
    columns = f"({TABLE_LABEL}: {top.table_header}) " if top.table_header else ""  # a row is read with its header
    result.summary = f"{columns}{top.text} [{cite.cite(top)}]"
    n_sources = len({c.doc_id for c in result.citations})
    result.message = (
        f"{len(result.guideline_statements)} guideline statement(s) and {len(result.research_findings)} research "
        f"finding(s) from {n_sources} source(s)"
        + (f"; {len(result.contested)} contested claim(s) flagged" if result.contested else "")
        + "."
        + "".join(f" {u.note}" for u in result.uncovered)
        + (" Instructions inside the question were ignored." if ctx.ignored else "")
    )
    return result


def _no_evidence(ctx: _Context, engine: Engine, message: str) -> Answer:
    hits = sorted(ctx.hits, key=lambda h: -h.dense_score)
    return Answer(
        question=ctx.question,
        understood_as=ctx.read.understood_as,
        status=Status.NO_EVIDENCE,
        message=message + (" Instructions inside the question were ignored." if ctx.ignored else ""),
        ignored_instructions=ctx.ignored,
        index_generation=ctx.snapshot.generation,
        retrieved=[h.passage.id for h in ctx.hits],
        nearest=nearest(hits, engine.settings.selection.nearest, ctx.snapshot.documents),
    )


def answer(
    question: str,
    engine: Engine,
    k: int | None = None,
    filters: Filters | None = None,
    mode: str | None = None,
    history: list[str] | None = None,
) -> Answer:
    """Answer a question from the index only; see the module docstring."""
    timer = _Timer()
    original = question
    question = " ".join((question or "").split())
    if not question:
        raise NMSAssistantError("the question is empty; ask something about neuroleptic malignant syndrome")
    if len(question) > MAX_QUESTION_CHARS:
        raise NMSAssistantError(f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}")
    settings = engine.settings
    snapshot = engine.snapshot()  # one generation for the whole answer
    with timer.step("understand"):
        read = understand(question, [h for h in history or [] if h and h.strip()], engine.reader(snapshot))
    ctx = _Context(
        original,
        read,
        snapshot,
        engine.searcher(snapshot),
        engine.lexical_stats(snapshot),
        filters,
        mode or settings.retrieval.mode,
        k or settings.retrieval.k,
    )
    with timer.step("retrieve"):
        _retrieve(ctx, engine)
    with timer.step("score"):
        _score(ctx, engine)
    with timer.step("gate"):
        refusal = _gate(ctx, engine)
    if refusal is not None:
        result = _no_evidence(ctx, engine, refusal)
        result.timings_ms = timer.done()
        return result
    with timer.step("select"):
        selected = _answer_parts(ctx, engine, _select(ctx, engine))
    with timer.step("cover"):
        refusal = _cover(ctx, engine, selected)
    if refusal is not None:
        result = _no_evidence(ctx, engine, refusal)
        result.timings_ms = timer.done()
        return result
    with timer.step("contest"):
        extra_rows, flags = _contest(ctx, engine, selected)
    with timer.step("compose"):
        result = _compose(ctx, engine, selected, extra_rows, flags)
    result.timings_ms = timer.done()
    return result


__all__ = ["MAX_QUESTION_CHARS", "answer", "strip_instructions"]
