"""Does the selected evidence answer what was asked? (pure functions)

Every key concept of the question is checked against the statements actually selected, not against
the whole index's vocabulary:

* an asked aspect (a dose, children, how long ...) is covered by a statement that gives it *about the
  question's subject* (its interventions, else the quantity it asks about); when none does, a statement
  of the wider pool that does is added, else the answer names the aspect as not covered;
* any other content word of the question that no selected statement contains is an uncovered concept;
  whether uncovered concepts carry the question's topic (so the evidence answers another question) is
  decided by the caller, from the embeddings (``assistant.gate``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.candidates import Candidate
from assistant.lexicon import ASK_INTENTS, ASPECTS, DOSE_QUALIFIERS, FACETS, QUESTION_STOPWORDS, Aspect
from assistant.query import Query, Reader, content_stems, entities_of
from assistant.records import Uncovered
from index.synonyms import Vocabulary

PREFIX = 5  # two words sharing their first five letters count as the same concept (spastic/spasticity)
# What a question is asked *for*: the words after "for", "in", "with", "after", "to treat" ... name the
# condition, use or population it is about ("dantrolene for spasticity after a stroke").
_SLOT_WORDS = (  # ... up to a word that starts another phrase or says who ("for tremors patients report")
    r"((?:(?!(?:for|in|with|after|during|and|or|of|the|a|an|people|patients|someone|he|she|they)\b)"
    r"[A-Za-z][\w\-]*\s*){1,4})"
)
# ... not a phrase that points back ("in that case", "in its cohort"): it is the conversation's or the
# document's own
# (nor a question's own words: "after how many doses?", "for which patients")
_POINTS_BACK = (
    r"(?!(?:that|this|these|those|its|such|how|what|which|whom|whose)\b)"  # not "his": "for his pain" is a use
)
# ... nor a phrase that only frames the question ("in terms of", "what do they stand for", "for example")
_FRAMES = r"(?<!\bstand )(?<!\bstands )(?<!\baccount )(?<!\baccounts )(?<!\blook )(?<!\bask )(?<!\bwait )"
# ... nor an idiom that says how, not what for ("bear in mind", "in practice", "in the end")
_IN_IDIOMS = (
    r"(?:mind|practice|general|particular|short|brief|detail|fact|total|summary|addition|turn|effect|"
    r"other words|the end|the meantime|the long run|the first instance)\b"
)
_SLOT = re.compile(
    _FRAMES
    + r"\b(?:for(?! (?:example|instance)\b)|in(?! terms of\b)(?! (?:the )?first place\b)(?! "
    + _IN_IDIOMS
    + r")|with|after|"
    r"during|following|"
    r"regarding|concerning|to (?:treat|stop|prevent|manage|suppress))\s+" + _POINTS_BACK + _SLOT_WORDS,
    re.IGNORECASE,
)
# ... or, in a terse query with no such word, the words after "<drug> dose" ("quetiapine dose <a use>")
_TERSE_SLOT = re.compile(  # "<drug> [starting|maximum] dose <a use>"
    r"^\s*[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*)?\s+(?:dose|dosing|dosage)\s+" + _SLOT_WORDS + r"\s*$", re.IGNORECASE
)
# ... and, for a word the index has never seen, also "the odds of <an unseen condition>"
_OF_SLOT = re.compile(r"\bof\s+(?!(?:them|it|these|those|this|that|us|you|which|what)\b)" + _SLOT_WORDS, re.IGNORECASE)


def subject_patterns(read: Query, reader: Reader) -> list[re.Pattern[str]]:
    """What a statement must be about to answer an aspect: the interventions named, else the quantities."""
    vocabulary = reader.vocabulary
    patterns = []
    for entity in read.entities:
        group = next((g for g in vocabulary.entities if g[0] == entity), (entity,))
        patterns += [vocabulary.pattern(t) for t in group]
    if not patterns:  # "the maximum dose of <X>": a dose of something else is not the one asked
        patterns = [vocabulary.pattern(w) for w in dosed_words(read, reader, terse=False)]
    if not patterns:
        patterns = [FACETS[f] for f in read.facets]
    return patterns


def _heading(c: Candidate) -> str:
    """What a sentence is read under: its section, and for a table's row the table's header row."""
    return "\n".join(h for h in (c.passage.section, c.table_header) if h)


_CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:and then|then|but|after which|before|after|when|until)\s", re.IGNORECASE)
Exposure = Callable[[str], bool]  # whether a clause names an intervention other than the case's own drugs


def _no_others(_clause: str) -> bool:
    return False


def _of_exposure_only(aspect: Aspect, text: str, exposures: Sequence[re.Pattern[str]], others: Exposure) -> bool:
    """Whether every clause of ``text`` that gives ``aspect`` names only the case's own drugs ("he was given
    100 mg of the culprit drug" says what caused the illness, not how it was treated)."""
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c and aspect.answered.search(c)]
    return bool(clauses) and all(any(p.search(c) for p in exposures) and not others(c) for c in clauses)


def gives(
    aspect: Aspect,
    text: str,
    subjects: Sequence[re.Pattern[str]],
    section: str = "",
    title: str = "",
    together: Sequence[Aspect] = (),
    exposures: Sequence[re.Pattern[str]] = (),
    others: Exposure = _no_others,
) -> bool:
    """Whether a sentence gives ``aspect`` about one of the ``subjects``, and the ``together`` aspects with it
    (a dose *for children*: the group qualifies what else is asked). A sentence is read with its section; the
    document's title may supply the subject only when the headings themselves name the aspect, as in a
    monograph ("Bromocriptine › Dosage › Paediatric dose: 0.08 mg/kg"). For an aspect that the case's own
    drugs (``exposures``) cannot give, a sentence that only says they were given does not give it."""
    local = f"{section}\n{text}"
    if not (aspect.answered.search(local) and all(a.answered.search(local) for a in together)):
        return False
    if aspect.not_exposure and exposures and _of_exposure_only(aspect, text, exposures, others):
        return False
    if not subjects or any(p.search(local) for p in subjects):
        return True
    headed = bool(aspect.answered.search(section)) or any(a.answered.search(section) for a in together)
    return headed and any(p.search(title) for p in subjects)


def _exposures(read: Query, reader: Reader) -> tuple[list[re.Pattern[str]], Exposure]:
    """The case description's own drugs (its interventions, not its findings), and a test for a clause naming
    any other intervention."""
    vocabulary = reader.vocabulary
    findings = {g[0] for g in vocabulary.groups}
    drugs = [t for t in read.case_terms if t not in findings]
    own = {t.lower() for t in drugs}
    for group in vocabulary.entities:
        if group[0].lower() in own:
            own |= {t.lower() for t in group}

    def others(clause: str) -> bool:
        return any(name.lower() not in own for name in vocabulary.canonical_entities(clause))

    return [vocabulary.pattern(t) for t in drugs], others


@dataclass
class AspectCheck:
    added: list[Candidate]
    uncovered: list[Uncovered]


def check_aspects(
    read: Query,
    reader: Reader,
    selected: list[Candidate],
    pool: list[Candidate],
    floor: float,
    named: frozenset[str] = frozenset(),
) -> AspectCheck:
    """Asked aspects: covered by a selected statement, or by one added from ``pool`` scoring at least
    ``floor``, or named as uncovered. An aspect asked of a ``named`` document (its patient's dose, what it
    recommends) is covered only by that document's statements: another source's dose is not the one asked."""
    added: list[Candidate] = []
    uncovered: list[Uncovered] = []
    taken = {c.key for c in selected}
    # the case's own drugs, read only when an asked aspect cannot be given by them
    exposures, others = _exposures(read, reader) if any(a.not_exposure for a in read.aspects) else ([], _no_others)
    for aspect in read.aspects:
        subjects = [] if aspect.any_subject else subject_patterns(read, reader)
        within = frozenset() if aspect.population else named  # who a named document is about, it need not repeat
        together = [a for a in read.aspects if aspect.population and not a.population]
        if any(
            gives(aspect, c.text, subjects, _heading(c), c.passage.title, together, exposures, others)
            for c in selected + added
            if not within or c.doc_id in within
        ):
            continue
        extra = [
            c
            for c in pool
            if c.key not in taken
            and (not within or c.doc_id in within)
            and c.score >= floor
            and gives(aspect, c.text, subjects, _heading(c), c.passage.title, together, exposures, others)
        ]
        if extra:
            best = max(extra, key=lambda c: c.score)
            added.append(best)
            taken.add(best.key)
        else:
            note = f"The document asked about does not address this: {aspect.name}." if within else aspect.note
            phrase = _asked_phrase(aspect, read.ask)
            if phrase:
                note = f"{note[:-1]} (asked: {phrase})."
            uncovered.append(Uncovered(aspect=aspect.name, note=note))
    return AspectCheck(added, uncovered)


_WHAT_FOLLOWS = re.compile(
    r"(?:\s+(?!(?:should|would|could|do|does|did|is|are|was|were|to|we|i|you|be|in|for)\b)[\w/-]+){1,3}"
)


def _asked_phrase(aspect: Aspect, ask: str) -> str | None:
    """The question's own words for an aspect, when they say more than its name ("how much saline" for the dose):
    the words that ask it and up to three words after them."""
    match = aspect.asked.search(ask)
    if not match:
        return None
    after = _WHAT_FOLLOWS.match(ask, match.end())
    phrase = (match.group(0) + (after.group(0) if after else "")).strip()
    return phrase if phrase.lower() != aspect.name.lower() and len(phrase.split()) > 1 else None


def _aspect_words(read: Query) -> set[str]:
    words: set[str] = set()
    for aspect in read.aspects:
        for match in aspect.asked.finditer(read.ask):
            words |= set(content_stems(match.group(0)))
    for pattern, _plain in ASK_INTENTS:
        if pattern.search(read.ask):
            words |= {s for m in pattern.finditer(read.ask) for s in content_stems(m.group(0))}
    return words


def concepts(read: Query, reader: Reader) -> list[tuple[str, str]]:
    """(word, stem) of the question's key concepts: its content words, minus the field's own subject, the
    interventions (checked by retrieval and the contested scan), the asked aspects and intent phrases."""
    skip = set(reader.anchor) | _aspect_words(read)
    entity_stems = {s for e in read.entities for s in content_stems(e)}
    vocabulary = reader.vocabulary
    out = []
    for word in re.findall(r"[A-Za-z][A-Za-z\-]+", read.ask):
        stems = content_stems(word)
        if not stems or stems[0] in skip or stems[0] in entity_stems or len(stems[0]) < 3:
            continue
        if word.lower() in QUESTION_STOPWORDS:  # it frames the question ("what do they stand for?")
            continue
        if any(vocabulary.pattern(t).fullmatch(word) for g in vocabulary.entities for t in g):
            continue
        out.append((word, stems[0]))
    return list(dict.fromkeys(out))


def covered(stem: str, word: str, texts_stems: set[str], texts: str, reader: Reader) -> bool:
    if stem in texts_stems or any(len(stem) >= PREFIX and t[:PREFIX] == stem[:PREFIX] for t in texts_stems):
        return True
    vocabulary = reader.vocabulary
    for group in vocabulary.groups + vocabulary.entities:  # a synonym of it is in the evidence
        if any(vocabulary.pattern(t).fullmatch(word) for t in group):
            return any(vocabulary.pattern(t).search(texts) for t in group)
    return False


_DOSE_OF = (  # "the dose of <X>", else a terse "<X> [starting] dose ..."
    re.compile(
        r"\b(?:doses?|dosing|dosage)\s+(?:range\s+)?of\s+(?:the\s+|an?\s+)?([A-Za-z][\w-]*(?:\s+"
        r"(?!(?:per|a|an|each|every|in|for|by|to|at|on|when|if|and|or|than)\b)[A-Za-z][\w-]*)?)",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+(?:(?:starting|maximum|loading|usual)\s+)?(?:doses?|dosing|dosage)\b",
        re.IGNORECASE,
    ),
)


def dosed_words(read: Query, reader: Reader, terse: bool = True) -> list[str]:
    """The words naming what a question asks the dose of ("the dose of activated charcoal", and with
    ``terse`` "magnesium dose ..."), not in a follow-up: "max dose?" leans on the conversation for what is
    dosed."""
    if read.follow_up:
        return []
    match = next((m for pattern in _DOSE_OF[: None if terse else 1] if (m := pattern.search(read.ask))), None)
    if not match:
        return []
    words = [w for w in match.group(1).split() if content_stems(w) and w.lower() not in DOSE_QUALIFIERS]
    return [w for w in words if w.lower() not in QUESTION_STOPWORDS and not set(content_stems(w)) & reader.anchor]


_DOSE = next(a for a in ASPECTS if a.name == "dose")


def dosed_without_mention(
    read: Query, reader: Reader, selected: list[Candidate], df: dict[str, int], n_passages: int
) -> list[str]:
    """The words naming what a question asks the dose of when no selected statement mentions any of them
    (nor a synonym), or when the index barely mentions them (see ``RARE_SHARE``) and no selected statement
    gives a dose of them: the doses shown are of something else."""
    words = dosed_words(read, reader)
    if not words:
        return []
    texts = "\n".join(c.text for c in selected)
    stems = set(content_stems(texts))
    if not any(covered(content_stems(w)[0], w, stems, texts, reader) for w in words):
        return words
    rare = max(2, RARE_SHARE * n_passages)
    if any(df.get(content_stems(w)[0], 0) > rare for w in words):
        return []
    subjects = [reader.vocabulary.pattern(w) for w in words]
    if any(gives(_DOSE, c.text, subjects, _heading(c), c.passage.title) for c in selected):
        return []
    return words


_GENERIC = frozenset(s[:PREFIX] for s in content_stems("drugs agents medications medicines therapy treatment"))


def _mentions(entity: str, text: str, stems: set[str], vocabulary: Vocabulary) -> bool:
    """Whether ``text`` (with its ``stems`` cut to PREFIX letters) names ``entity``, another name of it or of its
    class, or a form of one of their own words ("phenothiazines", "ventilation"), not a generic one ("drugs")."""
    names = vocabulary.names_with_classes(entity)
    if any(vocabulary.pattern(name).search(text) for name in names):
        return True
    words = {s[:PREFIX] for name in names for s in content_stems(name) if len(s) >= PREFIX} - _GENERIC
    return bool(words & stems)


def _prefixes(text: str) -> set[str]:
    return {s[:PREFIX] for s in content_stems(text) if len(s) >= PREFIX}


@dataclass
class MentionCheck:
    added: list[Candidate]
    unmentioned: list[str]


def asked_without_mention(
    read: Query, reader: Reader, selected: list[Candidate], pool: list[Candidate], floor: float
) -> MentionCheck:
    """The interventions the ask itself names (not its case's, nor the conversation's; known to the index or the
    synonyms file) when no selected statement mentions any of them: the best statements of ``pool`` scoring at
    least ``floor`` that do are added, else they are named as unmentioned (the statements answer about others:
    "drug A or drug B?" answered with doses of drug C)."""
    vocabulary = reader.vocabulary
    canonical = {g[0] for g in vocabulary.entities}
    asked = [
        e
        for e in entities_of(read.ask, reader)
        if e in read.entities and (e in canonical or all(s in reader.known for s in content_stems(e)))
    ]
    if read.follow_up or not asked:
        return MentionCheck([], [])
    texts = "\n".join(c.text for c in selected)
    stems = _prefixes(texts)
    if any(_mentions(e, texts, stems, vocabulary) for e in asked):
        return MentionCheck([], [])
    taken = {c.key for c in selected}
    naming = []
    for c in pool:
        if c.key in taken or c.score < floor:
            continue
        stems = _prefixes(c.text)
        if any(_mentions(e, c.text, stems, vocabulary) for e in asked):
            naming.append(c)
    if naming:
        return MentionCheck(sorted(naming, key=lambda c: -c.score)[:MENTION_ADDED], [])
    return MentionCheck([], asked)


MENTION_ADDED = 2  # statements added that name an intervention the ask names and no selected statement does


def slot_words(ask: str) -> set[str]:
    """Lower-cased words of the phrases a question is asked *for* (see ``_SLOT``)."""
    matches = list(_SLOT.finditer(ask)) or list(_TERSE_SLOT.finditer(ask))
    return {w.lower() for m in matches for w in m.group(1).split()}


def anchored(read: Query, reader: Reader) -> bool:
    """Whether the question (with its case) names the field's own subject. A follow-up is judged by its
    own words: the conversation's subject does not anchor a turn asking about the drug in another
    disease. The terms of other synonym groups are read whole: "malignant hyperthermia" does not name
    neuroleptic *malignant* syndrome."""
    text = read.ask if read.follow_up else read.retrieval
    vocabulary = reader.vocabulary
    for group in vocabulary.groups:
        if not all(set(content_stems(t)) <= reader.anchor for t in group):
            for term in group:
                text = vocabulary.pattern(term).sub(" ", text)
    return bool(set(content_stems(text)) & reader.anchor)


RARE_SHARE = 0.01  # a word in at most 1% of passages (or 2) is rare in the index: it is not what the corpus is about


def other_condition(
    read: Query,
    reader: Reader,
    missing: list[str],
    df: dict[str, int],
    n_passages: int,
    unknown: Sequence[str] = (),
) -> list[str]:
    """Uncovered concepts that name what a question not anchored in the field is asked for, and that the
    index barely mentions: the evidence is about the intervention, the question about another condition
    or use ("dantrolene for spasticity after a stroke"). Common words of the field ("for treatment")
    never count. A word the index has never seen (``unknown``) counts wherever it stands in a question
    of its own when it is what the question is asked for or about ("is drug X safer in terms
    of glaucoma ..."), not an everyday word around it ("her dose is due on Friday"); not in a
    follow-up, whose conversation carries the subject."""
    if anchored(read, reader):
        return []
    slot = slot_words(read.ask)
    of_slot = slot | {w.lower() for m in _OF_SLOT.finditer(read.ask) for w in m.group(1).split()}
    # ... a word never seen also after an article ("a dose for a prolactinoma"): what the question is asked for
    asked_for = of_slot | slot_words(_PURPOSE_ARTICLE.sub(r"\1 ", read.ask))
    never_seen = {w.lower() for w in unknown if w.lower() in asked_for} if not read.follow_up else set()
    rare = max(2, RARE_SHARE * n_passages)
    out = []
    for word in missing:
        stems = content_stems(word)
        if (word.lower() in slot and stems and df.get(stems[0], 0) <= rare) or word.lower() in never_seen:
            out.append(word)
    return out


_PURPOSE_ARTICLE = re.compile(r"\b(for|with)\s+(?:the|an?)\s+", re.IGNORECASE)
_ARTICLE_AFTER = re.compile(r"\b(for|in|with|after|during)\s+(?:the|an?)\s+", re.IGNORECASE)


def rare_use(ask: str, df: dict[str, int], n_passages: int) -> list[str]:
    """Words of the phrases a question is asked *for* ("a dose for the tics", its article read through) that
    the index barely mentions (in at most RARE_SHARE of its passages): a use the sources do not discuss."""
    rare = max(2, RARE_SHARE * n_passages)
    words = slot_words(_ARTICLE_AFTER.sub(r"\1 ", ask))
    return [w for w in sorted(words) if (stems := content_stems(w)) and df.get(stems[0], 0) <= rare]


FIELD_SHARE = 0.1  # a word in at least 10% of passages is the field's own (rigidity, hyperthermia), no other use


def unrelated_use(
    read: Query, reader: Reader, selected: list[Candidate], df: dict[str, int], n_passages: int
) -> list[str]:
    """A question (a follow-up by its own words, not a case) that does not name the field's subject and asks
    about an intervention *for* something ("<drug> for <another use>", see ``_SLOT``) that is not one of
    the field's common words, when no selected statement read in its passage (the passage names the
    intervention) mentions that purpose: the evidence is about the intervention in the field, the
    question about another use. Returns the purpose's words; empty when the evidence relates them."""
    if anchored(read, reader) or read.case_terms or not read.entities:
        return []  # a case's description carries the subject; a follow-up is judged by its own ask
    # a follow-up asking about the conversation's drug for something else ("does it help the hiccups?"):
    # its use read through an article too (after "for" and "with": "in the oldest patients" is a subgroup)
    slot = slot_words(_PURPOSE_ARTICLE.sub(r"\1 ", read.ask) if read.follow_up else read.ask)
    # what is asked about the intervention (its mechanism of action, its mortality) is no other use
    asked = {s for p in FACETS.values() for m in p.finditer(read.ask) for s in content_stems(m.group(0))}
    words = [
        (w, s)
        for w, s in concepts(read, reader)
        if w.lower() in slot and s not in asked and df.get(s, 0) < FIELD_SHARE * n_passages
    ]
    if not words:
        return []
    subjects = subject_patterns(read, reader)
    about = [c for c in selected if any(p.search(c.passage.text) or p.search(c.passage.title) for p in subjects)]
    texts = "\n".join(c.text for c in about)
    stems = set(content_stems(texts))
    for word, stem in words:  # "coma" is given by "comatose"
        if covered(stem, word, stems, texts, reader) or any(t.startswith(stem) for t in stems if len(stem) >= 4):
            return []
    return [word for word, _ in words]


def uncovered_concepts(read: Query, reader: Reader, selected: list[Candidate]) -> list[str]:
    """The question's key concepts that no selected statement contains (with its synonyms)."""
    texts = "\n".join(c.text for c in selected)
    stems = set(content_stems(texts))
    return [word for word, stem in concepts(read, reader) if not covered(stem, word, stems, texts, reader)]


def exposure_topics(read: Query, reader: Reader) -> list[tuple[str, list[re.Pattern[str]]]]:
    """What a risk question asks about, as (label, patterns): the synonym groups its concepts belong to (sex,
    age, a drug class: exposures are data, in the synonyms file). Empty for questions that ask no risk. A
    question's other words are not made into exposures: "the Indian hospital series" is not a risk factor."""
    from assistant.lexicon import RISK_QUESTION

    return asked_topics(read, reader, RISK_QUESTION)


def feature_topics(read: Query, reader: Reader) -> list[tuple[str, list[re.Pattern[str]]]]:
    """The features a question asks whether the diagnosis needs ("always with fever?", "NMS without
    rigidity?"), as (label, patterns): the ``[[feature]]`` groups of its concepts (data, in the synonyms file)."""
    from assistant.lexicon import NECESSITY_QUESTION, negated_names

    vocabulary = reader.vocabulary
    # a sentence saying the feature is absent by a negated form of its name ("afebrile") is about it too
    return [
        (label, patterns + [vocabulary.pattern(n) for n in negated_names(vocabulary.synonyms_of(label))])
        for label, patterns in asked_topics(read, reader, NECESSITY_QUESTION)
        if label in vocabulary.features
    ]


def asked_topics(read: Query, reader: Reader, cue: re.Pattern[str]) -> list[tuple[str, list[re.Pattern[str]]]]:
    """The synonym groups of a question's concepts, as (label, patterns), when ``cue`` says what it asks."""
    if not cue.search(read.ask):
        return []
    vocabulary = reader.vocabulary
    words = [w for w, _ in concepts(read, reader) if not cue.fullmatch(w)]
    topics: list[tuple[str, list[re.Pattern[str]]]] = []
    for word in words:
        group = next((g for g in vocabulary.groups if any(vocabulary.pattern(t).fullmatch(word) for t in g)), None)
        if group is not None:
            if group[0] not in [label for label, _ in topics]:
                topics.append((group[0], [vocabulary.pattern(t) for t in group]))
    return topics
