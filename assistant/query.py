"""Reading a question for what it asks: instructions set aside, a follow-up read with the conversation
before it, a case description read for its question, and the aspects it asks about (pure; no model).

A follow-up ("and in children?", "what about bromocriptine?", "is it lower with atypicals?") leans on
the turn before it: it starts with a continuation, or does not name the field's own subject (in a chat
about NMS, "is humidity relevant?" asks about NMS). It is merged with the previous question slot by
slot: a new drug replaces the old one, a new quantity (how common, how deadly) or patient group
replaces the old one, anything else is added. A case description ("68F on haloperidol, T 39.8, rigid,
CK 9000 - dantrolene or bromocriptine?") is split into what it asks and the clinical terms of the case
that the index knows; numbers, units, demographics and words the index has never seen (a brand name
it lacks, "cogwheel") stay out of the search and out of the coverage check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.contested import drug_like_terms
from assistant.lexicon import (
    ALSO_ASKED,
    ASK_INTENTS,
    ASPECTS,
    BARE_PUBLICATION,
    CASE_CUES,
    CASE_DRUGS_REFERENCE,
    CLAIM_CHECK,
    EXPLETIVE_IT,
    FACET_WORDS,
    FACETS,
    FOLLOW_UP_START,
    FUNCTION_WORDS,
    QUESTION_STOPWORDS,
    REFERRING_PRONOUN,
    SAYING,
    TOPIC_CHANGE,
    Aspect,
    counted_aspect,
)
from index.lexical import tokenize
from index.synonyms import Vocabulary
from ingest.instructions import is_instruction
from ingest.normalize import fold_accents
from ingest.sentences import split_sentences

MIN_CASE_CUES = 2  # demographics, vital signs, lab values with units, narrative: two make a case description
MIN_CASE_WORDS = 12  # ... or one cue in a question this long that describes before it asks
_SEPARATOR = re.compile(r"\s(?:—|–|-{1,2})\s|:\s|;\s")
_NUMBERISH = re.compile(r"^[\d.,/%°]+$|\d")


@dataclass(frozen=True)
class Reader:
    """What reading a question needs from the index: its synonyms, its vocabulary (stems), the field's
    own subject (``anchor_stems``) and a test for rare words (drug names) from the model's tokenizer."""

    vocabulary: Vocabulary
    known: set[str] | frozenset[str]
    anchor: frozenset[str] = frozenset()
    is_rare: Callable[[str], bool] | None = None
    spell: Callable[[str], str] | None = None  # near misses of the index's words corrected ("mortalty")


@dataclass(frozen=True)
class Query:
    """A question as the pipeline reads it."""

    typed: str  # as typed (spaces normalised)
    text: str  # the standalone question answered
    retrieval: str  # what is searched
    ask: str  # the part that asks (a case description's question; else the question)
    focus_text: str = ""  # what sentences are scored against (the ask and its subject; default: retrieval)
    ignored: tuple[str, ...] = ()
    follow_up: bool = False
    left_subject: bool = False  # the turn says it changes the subject and does not name the field's own
    case_terms: tuple[str, ...] = ()  # the clinical terms of a case description
    aspects: tuple[Aspect, ...] = ()
    entities: tuple[str, ...] = ()  # interventions named (canonical names, or the word itself)
    facets: tuple[str, ...] = field(default=())  # quantities asked about (incidence, mortality ...)
    parts: tuple[str, ...] = ()  # the questions the ask puts together, when it asks more than one

    @property
    def scored(self) -> str:
        """The text sentences are scored against: what is asked, not the case's incidental details."""
        return self.focus_text or self.retrieval

    @property
    def understood_as(self) -> str | None:
        """The question answered, when it is not the question as typed."""
        return self.text if self.text != self.typed else None


def strip_instructions(question: str) -> tuple[str, list[str]]:
    """Split off instruction-like sentences ("SYSTEM: disregard the documents ..."); they are text, not commands."""
    parts = [question[a:b] for a, b in split_sentences(question, chat=True)] or [question]
    kept: list[str] = []
    ignored: list[str] = []
    for part in parts:
        (ignored if is_instruction(part) else kept).append(part)
    if not kept:  # nothing but instructions: keep the words as a query, obey nothing
        return question, ignored
    return " ".join(kept), ignored


@lru_cache(maxsize=1)
def _function_stems() -> frozenset[str]:
    return frozenset(s for w in FUNCTION_WORDS for s in tokenize([w])[0])


@lru_cache(maxsize=1)
def question_stems() -> frozenset[str]:
    """Stems of the words every question uses ("what", "paper", "say"), computed once."""
    return frozenset(s for w in QUESTION_STOPWORDS for s in content_stems(w))


def content_stems(text: str) -> list[str]:
    """Stems of a text's content words (the index's tokenizer; function words out)."""
    function = _function_stems()
    return [s for s in tokenize([text])[0] if s not in function]


def anchor_stems(vocabulary: Vocabulary, ubiquitous: frozenset[str]) -> frozenset[str]:
    """The field's own subject, learned from the index: the stems of every synonym group whose terms are
    all ubiquitous in the index (in an NMS corpus: NMS / neuroleptic malignant syndrome, antipsychotic)."""
    out: set[str] = set()
    for group in vocabulary.groups:
        stems = [set(content_stems(term)) for term in group]
        if stems and all(s and s <= ubiquitous for s in stems):
            out |= set().union(*stems)
    return frozenset(out)


def asked_aspects(text: str) -> tuple[Aspect, ...]:
    counted = counted_aspect(text)
    return tuple(a for a in ASPECTS if a.asked.search(text)) + ((counted,) if counted else ())


def entities_of(text: str, reader: Reader) -> tuple[str, ...]:
    """Interventions named: by the synonyms file (also misspelt), or drug-like words it does not list."""
    names = reader.vocabulary.canonical_entities(text)
    names += [c for _, c in reader.vocabulary.misspelt_entities(text) if c not in names]
    names += [w for w in drug_like_terms(text, reader.vocabulary, reader.is_rare) if w not in names]
    return tuple(names)


def with_spelling(text: str, reader: Reader) -> str:
    """The text with each misspelt intervention name followed by its right spelling, for the search."""
    for word, name in reader.vocabulary.misspelt_entities(text):
        text = re.sub(rf"\b{re.escape(word)}\b", f"{word} ({name})", text, count=1)
    return text


def facets_of(text: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in FACETS.items() if name != "treatment" and pattern.search(text))


# --- case descriptions ------------------------------------------------------------------------------


def is_case(text: str) -> bool:
    """A case description: two cues, or one cue in a long question that describes before it asks."""
    cues = sum(bool(cue.search(text)) for cue in CASE_CUES)
    if cues >= MIN_CASE_CUES:
        return True
    case, ask = split_case(text)
    return cues >= 1 and bool(case) and len(text.split()) >= MIN_CASE_WORDS


def split_case(text: str) -> tuple[str, str]:
    """(case, ask): the ask is the last sentence (with the questions just before it); when a separator
    (—, :, ;) inside it follows the case's own details, what comes after the separator."""
    spans = split_sentences(text, chat=True) or [(0, len(text))]
    a, _ = spans[-1]
    if len(spans) > 1 and not text[a:].rstrip().endswith("?") and "?" in text[:a]:
        a = next(s for s, e in reversed(spans) if text[s:e].rstrip().endswith("?"))
    # questions in a row at the end are asked together ("sounds like NMS? next steps?")
    earlier = [(s, e) for s, e in spans if e <= a]
    while earlier and text[earlier[-1][0] : earlier[-1][1]].rstrip().endswith("?"):
        a = earlier.pop()[0]
    case, ask = text[:a], text[a:]
    for match in reversed(list(_SEPARATOR.finditer(ask))):
        before, after = ask[: match.start()], ask[match.end() :]
        if after.strip() and any(cue.search(before) for cue in CASE_CUES):
            case, ask = f"{case} {before}", after
            break
    return " ".join(case.split()), " ".join(ask.split())


def _ask_with_its_subject(case: str, ask: str) -> tuple[str, str]:
    """An ask with no words of its own ("So what do I say to him?") asks about the sentence before it
    ("A friend told him most people with this recover."), which joins the ask, as does an ask that only checks
    a claim ("Is he right?" after "A colleague says it needs a fever."); an ask that says what it
    wants ("what now?", "diagnosis?") stays as it is."""
    checks_claim = bool(CLAIM_CHECK.fullmatch(ask.strip(" ?!.")))
    if not checks_claim and (content_stems(ask) or any(pattern.search(ask) for pattern, _ in ASK_INTENTS)):
        return case, ask
    spans = split_sentences(case, chat=True)
    if len(spans) < 2:  # the case is one sentence: it is the case, not what is asked about
        return case, ask
    a, _ = spans[-1]
    return case[:a].strip(), f"{case[a:].strip()} {ask}"


def case_words(case: str, reader: Reader) -> list[str]:
    """The words of a case the index knows: no numbers, units, demographics or words it has never seen."""
    out = []
    for word in case.replace("/", " ").split():
        word = word.strip(".,;:()[]'\"?!")
        if not word or _NUMBERISH.search(word):
            continue
        stems = content_stems(word)
        if stems and (reader.vocabulary.knows(word) or all(s in reader.known for s in stems)):
            out.append(word)
    return out


def case_terms(case: str, reader: Reader) -> tuple[str, ...]:
    """What a case is about, to show: its interventions and the terms of the synonyms file."""
    terms = list(entities_of(case, reader))
    for group in reader.vocabulary.groups:
        if any(reader.vocabulary.pattern(t).search(case) for t in group) and group[0] not in terms:
            terms.append(group[0])
    return tuple(terms)


_QUESTION_WORD = (
    r"(?:is|are|was|were|should|shall|do|does|did|can|could|will|would|must|has|have|had|what|how|when|which|who|"
    r"whom|whose|why|where)"
)
_PART_BREAK = re.compile(rf"(?:\?\s+|,?\s+(?:and|&|\+)\s+|,\s+)(?={_QUESTION_WORD}\b)", re.IGNORECASE)
# a question, also after a leading phrase ("According to the Leeds authors, what ...", "In that study, how ...")
_STARTS_AS_QUESTION = re.compile(
    rf"^\s*(?:[^,?]{{1,80}},\s+)?(?:and\s+|so\s+|but\s+)?{_QUESTION_WORD}\b", re.IGNORECASE
)
MIN_PART_WORDS = 1  # content words a part needs to be asked on its own ("and how?" has none)
MAX_PARTS = 4  # a longer list of questions is answered as this many: the last part keeps the rest


def ask_parts(ask: str) -> tuple[str, ...]:
    """The questions an ask puts together ("is it NMS, and is bromocriptine indicated?", "How high
    does CK rise, and should we dialyse?"), each as typed; one part when it asks one thing.
    A break is a question mark, "and" or a comma before a question word, when the text before it is itself
    a question (it ends with "?" or starts as one, after a leading phrase or not: "In the Danish study, what
    dose was used, and why?" is two parts, "In the Danish study, what ..." alone one) and
    both sides have content words, or say in everyday words what they ask ("and what now?")."""
    parts: list[str] = []
    start = 0
    for match in _PART_BREAK.finditer(ask):
        before = ask[start : match.start()]
        asked = "?" in match.group(0) or _STARTS_AS_QUESTION.match(before)
        if asked and len(content_stems(_ask_plainly(before))) >= MIN_PART_WORDS:
            parts.append(before.strip(" ,"))
            start = match.end()
    rest = ask[start:].strip(" ,")
    # a part asked in everyday words has the plain words of what it asks ("what should we do?": management)
    if parts and len(content_stems(_ask_plainly(rest))) >= MIN_PART_WORDS:
        found = [*parts, rest]
        return (*found[: MAX_PARTS - 1], " ".join(found[MAX_PARTS - 1 :])) if len(found) > MAX_PARTS else tuple(found)
    return listed_parts(ask) or (ask,)


_LIST_SEPARATOR = re.compile(r"\s*(?:,\s*(?:&|\+|and\b)?|\s\+|\s&|;)\s*")
_NOT_A_LIST = re.compile(rf"\s[-–—]\s|\?.|\bvs\b|\bversus\b|\bor\b|{SAYING.pattern}", re.IGNORECASE)
MAX_ITEM_WORDS = 8  # a listed item is a few words ("time course", "dose in the second table")
MAX_HEADER_WORDS = 12


def listed_parts(ask: str) -> tuple[str, ...]:
    """The items of a terse question that lists what it wants after a colon ("the Leeds note: onset, mortality
    + labs?"), each asked with what comes before the colon; () unless it lists two to MAX_PARTS short items,
    with no clause of its own after them ("... - agreed?") and nothing set side by side ("A vs B", "A or B")."""
    head, colon, listed = ask.rpartition(":")
    text = listed.strip().rstrip("?").strip()
    if not colon or not head.strip() or len(head.split()) > MAX_HEADER_WORDS or re.search(r"[!?]\s", head):
        return ()
    if _NOT_A_LIST.search(text):
        return ()
    items: list[str] = []
    depth = start = 0
    for i, ch in enumerate(text):  # separators outside brackets only ("(mediator, site)" is one item)
        depth += (ch == "(") - (ch == ")")
        if depth or i < start or text[i - 1 : i + 2].replace(",", "").isdigit():  # not "10,000"
            continue
        match = _LIST_SEPARATOR.match(text, i)
        if match and match.group(0).strip():
            items.append(text[start:i])
            start = match.end()
    items = [t.strip(" ,") for t in [*items, text[start:]] if t.strip(" ,")]
    if not 2 <= len(items) <= MAX_PARTS or any(len(t.split()) > MAX_ITEM_WORDS or not content_stems(t) for t in items):
        return ()
    return tuple(f"{item}?" for item in items)


def _ask_plainly(ask: str) -> str:
    """The ask, with the plain words of what it asks added when it says so in its own words."""
    extra = [plain for pattern, plain in ASK_INTENTS if pattern.search(ask)]
    return " ".join([ask, *extra[:1]])


def _parts(ask: str) -> tuple[str, ...]:
    parts = ask_parts(ask)
    return parts if len(parts) > 1 else ()


# --- one turn ---------------------------------------------------------------------------------------


def _single(text: str, reader: Reader) -> Query:
    query, ignored = strip_instructions(text)
    query = fold_accents(query)  # "dantrolène" is dantrolene, for names and the search
    query = reader.vocabulary.translate(query)  # "¿cuál es la mortalidad?": the sources' English words
    if reader.spell is not None:
        query = reader.spell(query)  # "malignent syndrom incidnce" reads as it was meant
    if is_case(query):
        case, ask = split_case(query)
        case, ask = _ask_with_its_subject(case, ask)
        terms = case_terms(case, reader)
        retrieval = " ".join([with_spelling(_ask_plainly(ask), reader), *terms, *case_words(case, reader)])
        standalone = f"{ask} (case: {', '.join(terms)})" if terms else ask
        entities = tuple(dict.fromkeys(entities_of(ask, reader) + entities_of(case, reader)))
        anchor_words = [t for t in terms if set(content_stems(t)) & reader.anchor]
        if CASE_DRUGS_REFERENCE.search(ask):  # "both of these medications": the case's own
            anchor_words += [t for t in entities_of(case, reader) if t not in anchor_words]
        focus = " ".join([with_spelling(_ask_plainly(ask), reader), *anchor_words])
        return Query(
            typed=text,
            text=standalone,
            retrieval=retrieval,
            ask=ask,
            focus_text=focus,
            ignored=tuple(ignored),
            case_terms=terms,
            aspects=asked_aspects(ask),
            entities=entities,
            facets=facets_of(ask),
            parts=_parts(ask),
        )
    return Query(
        typed=text,
        text=query if ignored or query != fold_accents(text) else text,
        retrieval=with_spelling(query, reader),
        ask=query,
        ignored=tuple(ignored),
        aspects=asked_aspects(query),
        entities=entities_of(query, reader),
        facets=facets_of(query),
        parts=_parts(query),
    )


def is_follow_up(query: Query, anchor: frozenset[str]) -> bool:
    """Whether a turn of a conversation leans on the turns before it: it starts with a continuation, it
    points back with a pronoun ("was it run in children?"), or it does not name the field's own subject ("is
    humidity relevant?" in a chat about NMS). Whether such a turn is about something else altogether is the
    gate's judgment, by its own words."""
    ask = query.ask
    if FOLLOW_UP_START.match(ask) or REFERRING_PRONOUN.search(EXPLETIVE_IT.sub(" ", ask)):
        return True
    if BARE_PUBLICATION.search(ask):  # "is the leaflet ...": the publication the conversation named
        return True
    if ALSO_ASKED.search(ask):  # "... in the remaining sources as well?": the same as the turn before, of others
        return True
    return not names_subject(ask, anchor)


def names_subject(ask: str, anchor: frozenset[str]) -> bool:
    """Whether a turn's own words name the field's own subject (``anchor_stems``)."""
    return bool(set(content_stems(ask)) & anchor)


_CONJUNCTION = re.compile(r"^(?:and|but|so|also|then|ok(?:ay)?|what about|how about|what of)\b[\s,]*", re.IGNORECASE)


def _core(ask: str) -> str:
    """A follow-up without its leading conjunction ("and", "so", "what about")."""
    core = _CONJUNCTION.sub("", ask, count=1).strip(" ,")
    return core[:1].upper() + core[1:] if core else ask


def _without(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def merge(previous: Query, current: Query, vocabulary: Vocabulary) -> Query:
    """``current`` read as a follow-up of ``previous``, slot by slot (see the module docstring)."""
    core = _core(current.ask)
    carried = previous.retrieval
    asks = [plain for pattern, plain in ASK_INTENTS if pattern.search(current.ask)]
    if asks:  # the follow-up asks something new of the same case ("and if he is not improving?")
        for _pattern, plain in ASK_INTENTS:
            carried = carried.replace(plain, " ")
        current = replace(current, retrieval=f"{current.retrieval} {asks[0]}", focus_text=f"{current.scored} {asks[0]}")
    # a new intervention replaces the old one
    if current.entities and previous.entities:
        for old in previous.entities:
            for term in next((g for g in vocabulary.entities if g[0] == old), (old,)):
                carried = vocabulary.pattern(term).sub(current.entities[0], carried)
    # a new quantity or patient group replaces the old one
    if current.facets:
        carried = _without(carried, [FACETS[f] for f in previous.facets if f not in current.facets])
    new_groups = [a for a in current.aspects if a.population]
    if new_groups:
        carried = _without(carried, [a.asked for a in previous.aspects if a.population and a not in new_groups])
    leftover = (
        set(content_stems(core))
        - {s for e in current.entities for s in content_stems(e)}
        - {
            s
            for t in vocabulary.entities
            for name in t
            for s in content_stems(name)
            if current.entities and t[0] in current.entities
        }
    )
    only_entity = bool(current.entities) and not leftover
    if only_entity and previous.entities:
        text = previous.text
        for old in previous.entities:
            for term in next((g for g in vocabulary.entities if g[0] == old), (old,)):
                text = vocabulary.pattern(term).sub(current.entities[0], text)
        retrieval = carried
    else:
        text = f"{previous.text} — {core}"
        retrieval = f"{current.retrieval} {carried}"
    focus = f"{current.scored} {_subject(previous, vocabulary)}" if not only_entity else carried
    aspects = tuple(
        dict.fromkeys(current.aspects + tuple(a for a in previous.aspects if not (a.population and new_groups)))
    )
    return replace(
        current,
        text=text,
        retrieval=retrieval,
        focus_text=focus,
        follow_up=True,
        aspects=aspects,
        entities=current.entities or previous.entities,
        facets=current.facets or previous.facets,
        case_terms=current.case_terms or previous.case_terms,
    )


def _subject(query: Query, vocabulary: Vocabulary) -> str:
    """What a question is about, to carry into a follow-up's focus: its interventions and the terms of the
    synonyms file it names (NMS, antipsychotics ...), not what it asked about them."""
    terms = list(query.entities)
    for group in vocabulary.groups:
        if any(vocabulary.pattern(t).search(query.retrieval) for t in group) and group[0] not in terms:
            terms.append(group[0])
    return " ".join(terms)


def part_query(whole: Query, part: str, reader: Reader) -> Query:
    """One part of a question that asks several things, read with what the whole question is about: the
    case's terms, else its subject (the whole question's interventions only when the part names none)."""
    own = entities_of(part, reader)
    context = list(whole.case_terms) or _subject(whole, reader.vocabulary).split()
    if own:
        context = [t for t in context if t not in whole.entities]
    ask = with_spelling(_ask_plainly(part), reader)
    head, colon, listed = whole.ask.rpartition(":")
    # an item of a list after a colon ("the Leeds note: onset, labs?"): what precedes it helps the search only
    searched = [head.strip()] if colon and part.rstrip("?") in listed else []
    context = list(dict.fromkeys(context))
    # scored against what it asks and the field's own terms; the case's other details only help the search
    # a part that names nothing but the field's subject ("is this NMS?") is about the case's drugs too
    bare = set(content_stems(part)) <= reader.anchor
    drugs = own or (whole.entities if bare else ())
    anchor_words = [t for t in context if set(content_stems(t)) & reader.anchor or t in drugs]
    return replace(
        whole,
        retrieval=" ".join([ask, *context, *searched]),
        focus_text=" ".join([ask, *anchor_words]),
        ask=part,
        aspects=asked_aspects(part),
        entities=own or tuple(e for e in whole.entities if e in context),
        facets=facets_of(part) or whole.facets,
        parts=(),
        follow_up=False,
    )


def _with_aspects(query: Query) -> Query:
    """Name each asked aspect and quantity plainly in the search ("kids" -> children, "how many die" ->
    mortality), so passages that give it are found."""
    names = [a.name for a in query.aspects if a.name.lower() not in query.retrieval.lower()]
    names += [
        FACET_WORDS[f] for f in query.facets if f in FACET_WORDS and FACET_WORDS[f] not in query.retrieval.lower()
    ]
    return replace(query, retrieval=" ".join([query.retrieval, *names])) if names else query


def understand(question: str, history: Sequence[str], reader: Reader) -> Query:
    """The question as the pipeline reads it; ``history`` holds the earlier user turns, oldest first."""
    previous: Query | None = None
    for turn in [*history, question]:
        turn = " ".join(turn.split())
        if not turn:
            continue
        change = TOPIC_CHANGE.match(turn)
        if change and change.end() < len(turn):  # "separate question - ...": the turn stands on its own
            current = _single(turn[change.end() :], reader)
            current = replace(current, left_subject=not names_subject(current.ask, reader.anchor))
            previous = None
        else:
            current = _single(turn, reader)
        if previous is not None and is_follow_up(current, reader.anchor):
            # a follow-up of a turn that left the subject stays off it, unless it names the subject again
            off = previous.left_subject and not names_subject(current.ask, reader.anchor)
            current = replace(merge(previous, current, reader.vocabulary), left_subject=off)
        previous = current
    assert previous is not None  # the question itself is never empty here
    return _with_aspects(replace(previous, typed=" ".join(question.split())))
