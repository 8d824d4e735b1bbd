"""Who does what to whom: a light, rule-based clause analysis for the synthesis verifier.

The word check of ``assistant.synthesis`` passes a sentence whose every word is in the statements it
cites, so it cannot see "A causes B" written against "B is caused by A" read backwards, nor an agent a
statement never names ("which was translated to ..." rewritten as "they translated it to ..."). This
module reads each text as clauses around its verbs, without a tagger or a model:

- a verb is recognised by its context: after a modal or "do" (``may trigger``), after a form of "be"
  as a past participle (passive: ``are released``), after "have" as a participle (``have reduced``),
  as a participle followed by "by" (``caused by``), after "to" that follows a verb (``known to
  trigger``), after a relative pronoun (``that release``), and as a finite verb after its subject when
  the form agrees (``cytokines release``, ``fever induces``; a singular noun followed by a bare word is a
  compound, "calcium release");
- its agent is the subject of an active verb (the noun phrase before it, or the antecedent of "which",
  "that", "who") or the "by" phrase of a passive one; its patient is the object of an active verb or the
  subject of a passive one; each is reduced to its core noun phrase (up to the first preposition,
  relative pronoun or post-nominal participle) and that phrase's head, its last content word.

``role_conflicts`` then compares a sentence's verbs with the same verbs (same stem) in its sources and
reports a verb whose roles no source occurrence bears out: its agent is the sources' patient or its
patient their agent (a swap), it names an agent where the sources use it only in an agentless passive
(an invented agent), or its agent is not among the sources' words before that verb (a changed agent).
A verb the sources use in a way this analysis cannot read (an unclear voice, a verb found only as a
noun) is not judged: the check only drops, it never vouches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from index.lexical import tokenize

__all__ = ["Argument", "Predication", "Voice", "predications", "role_conflicts"]


class Voice(Enum):
    ACTIVE = "active"
    PASSIVE = "passive"
    UNKNOWN = "unknown"  # a participle after a noun: a reduced relative ("the fever seen with") or a past verb


@dataclass(frozen=True)
class Argument:
    """A noun phrase filling a role: its core's content stems, its head (last content stem of the core;
    None for a pronoun or an unresolved "which") and every content stem of the phrase as written."""

    core: frozenset[str] = frozenset()
    head: str | None = None
    wide: frozenset[str] = frozenset()


# An agent that is there but cannot be read: a pronoun, a clause-level "which", the shared subject of
# coordinated verbs ("They characterized ... and translated it").
UNREAD = Argument()


@dataclass(frozen=True)
class Predication:
    """One verb in a clause: its stem as written, its voice, its agent (None: none stated) and patient,
    and for an active verb the preposition that introduces its object ("result in", "act on")."""

    word: str
    stem: str
    voice: Voice
    agent: Argument | None
    patient: Argument | None
    particle: str | None = None


# --- Closed classes ------------------------------------------------------------------------
# English function words in the roles they play here; each list is the grammar-book set, not a list
# tuned on the labelled sentences.
BE = frozenset("is are was were be been being am".split())
HAVE = frozenset("has have had having".split())
MODALS = frozenset("may might can could will would should must shall cannot".split())
DO = frozenset("do does did".split())
NEGATION = frozenset("not never".split())
DETERMINERS = frozenset("the a an this these those its their his her our my your".split())
PREPOSITIONS = frozenset(
    """of in on at by for with from to into onto through like as over under between against after before
    during without within among via than per upon about across toward towards despite including unlike""".split()
)
RELATIVES = frozenset("which that who whom whose".split())
SUBORDINATORS = frozenset("when while whereas because although though if unless since where whether".split())
COORDINATORS = frozenset("and or but nor".split())
# Subject pronouns: an agent that is stated but whose words are elsewhere.
SUBJECT_PRONOUNS = frozenset("i we you he she it they this these those one".split())
PLURAL_PRONOUNS = frozenset("i we you they these those".split())
OBJECT_STARTS = DETERMINERS | frozenset("it them him her us me".split())
# Adverbs that sit inside a verb group ("is sometimes misinterpreted", "have now measured"); any word
# ending in -ly (longer than four letters: not "only", "early" counts) is one too.
ADVERBS = frozenset(
    """often also then still now first again sometimes always never not thereby further even already soon
    once more most less very too only just rather usually""".split()
)
# Verbs that take another verb after them ("helps reverse", "seems to cause").
CATENATIVES = frozenset(
    """help helps helped seem seems seemed appear appears appeared tend tends tended fail fails failed
    continue continues continued""".split()
)
# Words after which "to" introduces a verb ("likely to cause", "in order to", "known to trigger"): the
# raising and control adjectives and participles of a grammar book. After another participle "to" is
# mostly a preposition ("translated to", "compared to"), read as a verb only when the next word is used
# as one elsewhere.
TO_GOVERNORS = frozenset(
    """likely unlikely able unable order need needs needed has have had known thought believed shown used
    said found considered expected required designed intended meant supposed allowed asked""".split()
)
IRREGULAR_PARTICIPLES = frozenset(
    """known shown seen given taken thought made found held brought led done begun written drawn driven
    understood kept left put set become bound told sought spread withdrawn undergone arisen borne chosen
    proven risen fallen gotten caught felt heard meant paid sent spent built""".split()
)
_STRONG_BOUNDARY = frozenset(";:.!?")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*|[,;:.!?]")
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_QUOTES = re.compile(r"[\"“”‘’]")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")
# Derivational endings of nouns: a word so ending is not read as a verb from agreement alone ("NMS
# treatment", "drugs management"). The suffixes of any English grammar; verbs ending so ("implement")
# are still read after a modal, "to" or a form of "be".
NOUN_SUFFIXES = ("ment", "tion", "sion", "ness", "ity", "ance", "ence", "ism", "ogy")
# Past participles end in -ed ("used" is the shortest common one); these words end so and are not.
NOT_PARTICIPLES = frozenset(
    "bed red fed shed need seed feed deed weed heed reed bleed breed greed speed exceed proceed succeed indeed hundred".split()
)
MIN_ED_PARTICIPLE = 4


@lru_cache(maxsize=8192)
def _word_stems(word: str) -> tuple[str, ...]:
    return tuple(tokenize([word])[0])


def _stem(word: str) -> str | None:
    stems = _word_stems(word)
    return stems[0] if stems else None


def _words(text: str) -> list[str]:
    """Lower-cased tokens, parentheticals and quotation marks removed ("(ECT)", "(Figure 1)"). Acronyms
    keep their capitals: "NMS" is one syndrome, not a plural."""
    text = _QUOTES.sub(" ", _PARENTHETICAL.sub("", text))
    return [t if _ACRONYM.fullmatch(t) else t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


def _is_adverb(word: str) -> bool:
    return word in ADVERBS or (word.endswith("ly") and len(word) > 4)


def _is_participle(word: str) -> bool:
    return word in IRREGULAR_PARTICIPLES or (
        word.endswith("ed") and len(word) >= MIN_ED_PARTICIPLE and word not in NOT_PARTICIPLES
    )


def _is_function(word: str) -> bool:
    return (
        word in BE
        or word in HAVE
        or word in MODALS
        or word in DO
        or word in DETERMINERS
        or word in PREPOSITIONS
        or word in RELATIVES
        or word in SUBORDINATORS
        or word in COORDINATORS
        or word in SUBJECT_PRONOUNS
        or word in OBJECT_STARTS
        or not word[0].isalpha()
    )


def _is_plural(word: str) -> bool:
    return (
        word in PLURAL_PRONOUNS or word in RELATIVES or (word.endswith("s") and not word.endswith(("ss", "us", "is")))
    )


def _before(words: list[str], i: int) -> int:
    """Index of the first word before ``i`` that is not an adverb (-1 at the start)."""
    j = i - 1
    while j >= 0 and _is_adverb(words[j]):
        j -= 1
    return j


def _after(words: list[str], i: int) -> int:
    """Index of the first word after ``i`` that is not an adverb (len at the end)."""
    j = i + 1
    while j < len(words) and _is_adverb(words[j]):
        j += 1
    return j


def _voice(words: list[str], i: int, verbal_stems: frozenset[str]) -> Voice | None:
    """The voice of ``words[i]`` used as a verb, or None when it is not read as one."""
    word = words[i]
    if _is_function(word) or _is_adverb(word) or word.endswith("ing") or _stem(word) is None:
        return None
    j = _before(words, i)
    prev = words[j] if j >= 0 else ""
    nxt_i = _after(words, i)
    nxt = words[nxt_i] if nxt_i < len(words) else ""
    participle = _is_participle(word)
    adverb_between = j < i - 1
    if prev in BE:
        return Voice.PASSIVE if participle else None
    if prev in HAVE:
        return Voice.ACTIVE if participle else None
    if prev in MODALS or prev in DO or prev in CATENATIVES:
        return None if participle else Voice.ACTIVE
    if participle and nxt == "by":
        return Voice.PASSIVE
    if prev == "to":
        k = _before(words, j)
        governor = words[k] if k >= 0 else ""
        if governor in TO_GOVERNORS or governor in CATENATIVES or governor in BE:
            return Voice.ACTIVE
        return Voice.ACTIVE if _is_participle(governor) and _stem(word) in verbal_stems else None
    if prev in RELATIVES or prev in COORDINATORS:
        if participle:
            return Voice.ACTIVE if nxt in OBJECT_STARTS else Voice.UNKNOWN
        return Voice.ACTIVE if prev in RELATIVES else None
    if not prev or (_is_function(prev) and prev not in SUBJECT_PRONOUNS):
        return None  # after a determiner, a preposition, punctuation: a noun or an adjective
    if participle:
        if prev in SUBJECT_PRONOUNS or nxt in OBJECT_STARTS:
            return Voice.ACTIVE
        return Voice.UNKNOWN
    if word.removesuffix("s").endswith(NOUN_SUFFIXES):
        return None
    if word.endswith("s") and not _is_plural(prev):
        # "fever induces" -- or a plural noun after a modifier ("dopamine receptors"): a verb only
        # when the word is used as one elsewhere in these texts, an adverb stands between or an object
        # follows at once ("lithium inhibits the enzyme": a plural noun is not followed by "the")
        return Voice.ACTIVE if adverb_between or nxt in OBJECT_STARTS or _stem(word) in verbal_stems else None
    if not word.endswith("s") and (_is_plural(prev) or adverb_between):
        return Voice.ACTIVE  # "cytokines release", "patients often prefer"
    return None


def _verb_group_start(words: list[str], i: int, verbs: dict[int, Voice]) -> int:
    """Where the verb group of the verb at ``i`` starts: its auxiliaries, modals, adverbs and any verb
    it is the complement of ("have been known to trigger", "helps reverse", "is believed to be caused")."""
    j = i
    while j > 0:
        w = words[j - 1]
        if w in BE or w in HAVE or w in MODALS or w in DO or w in NEGATION or _is_adverb(w) or w in CATENATIVES:
            j -= 1
        elif w == "to" and j - 2 >= 0 and (j - 2 in verbs or words[j - 2] in TO_GOVERNORS or words[j - 2] in BE):
            j -= 1
        elif (j - 1) in verbs and words[j] == "to":
            j -= 1
        else:
            break
    return j


def _core(span: list[str], last: bool = False) -> Argument:
    """The core noun phrase of ``span`` (its first, or with ``last`` its last, chunk between prepositions,
    relative pronouns and post-nominal participles) as an Argument."""
    chunks: list[list[str]] = [[]]
    for w in span:
        content = bool(chunks[-1]) and any(_word_stems(x) for x in chunks[-1] if not _is_function(x))
        if w in PREPOSITIONS or w in RELATIVES or not w[0].isalnum():
            chunks.append([])
        elif content and (w.endswith("ing") or _is_participle(w)):
            chunks.append([])
        else:
            chunks[-1].append(w)
    chunks = [c for c in chunks if c]
    wide = frozenset(s for w in span if not _is_function(w) for s in _word_stems(w))
    if not chunks:
        return Argument(wide=wide)
    chunk = chunks[-1] if last else chunks[0]
    stems = [s for w in chunk if not _is_function(w) and not _is_adverb(w) for s in _word_stems(w)]
    stems = [s for s in stems if not s.isdigit()]
    return Argument(core=frozenset(stems), head=stems[-1] if stems else None, wide=wide)


def _is_boundary(words: list[str], k: int, verbs: dict[int, Voice]) -> bool:
    w = words[k]
    return (
        w in _STRONG_BOUNDARY
        or w == ","
        or w in SUBORDINATORS
        or w in RELATIVES
        or w in BE
        or w in HAVE
        or w in MODALS
        or w in DO
        or (k in verbs and verbs[k] is not Voice.UNKNOWN)
    )


def _antecedent(words: list[str], r: int, verbs: dict[int, Voice]) -> Argument:
    """What the relative pronoun at ``r`` stands for: the last noun phrase before it; a "which" after a
    comma may stand for the whole clause before it and is left unread."""
    if r == 0 or (words[r - 1] == "," and words[r] == "which"):
        return UNREAD
    k = r - 1
    span: list[str] = []
    while k >= 0 and not _is_boundary(words, k, verbs):
        span.insert(0, words[k])
        k -= 1
    arg = _core(span, last=True)
    return arg if arg.head else UNREAD


def _subject(words: list[str], start: int, verbs: dict[int, Voice]) -> Argument | None:
    """The subject of the verb group starting at ``start``: UNREAD for a pronoun or the shared subject of
    a coordinated verb, None when there is none (an imperative, a sentence's first word)."""
    k = start - 1
    span: list[str] = []
    while k >= 0:
        w = words[k]
        if w in COORDINATORS and not span:
            return UNREAD  # "... and translated it": the subject of the verb before
        if w == "," and not span:
            k -= 1  # ", might result": a parenthetical removed before the verb
            continue
        if _is_boundary(words, k, verbs):
            break
        span.insert(0, w)
        k -= 1
    if k >= 0 and words[k] in RELATIVES:
        if not span:
            return _antecedent(words, k, verbs)
    elif k >= 0 and (words[k] in BE or words[k] in HAVE or k in verbs):
        # the tail of a relative clause inside the subject ("clinicians who had been working on X first
        # described ..."): the subject is the antecedent of that clause's relative pronoun
        r = k
        while r >= 0 and words[r] not in RELATIVES and words[r] not in _STRONG_BOUNDARY and words[r] != ",":
            r -= 1
        if r >= 0 and words[r] in RELATIVES:
            return _antecedent(words, r, verbs)
    if not span:
        return None
    if len(span) == 1 and span[0] in SUBJECT_PRONOUNS:
        return UNREAD
    arg = _core(span)
    return arg if arg.head else (UNREAD if span else None)


def _wide_subject(words: list[str], start: int, verbs: dict[int, Voice]) -> frozenset[str]:
    """Every content stem before the verb group back to a strong boundary, a relative pronoun or a
    comma-separated stretch that holds a verb: the words a list or a parenthetical subject spans."""
    stems: set[str] = set()
    k = start - 1
    while k >= 0:
        segment: set[str] = set()
        has_verb = False
        while k >= 0 and words[k] != "," and not _ends_wide_subject(words[k]):
            w = words[k]
            has_verb = has_verb or k in verbs or w in BE or w in HAVE or w in MODALS
            segment.update(s for s in _word_stems(w) if not _is_function(w))
            k -= 1
        if has_verb and stems:
            break  # another clause ("In a setting of X induced by Y, this loss ... may trigger")
        stems |= segment
        if k < 0 or words[k] != ",":
            break
        k -= 1
    return frozenset(stems)


def _ends_wide_subject(word: str) -> bool:
    return word in _STRONG_BOUNDARY or word in RELATIVES or word in SUBORDINATORS


def _object(words: list[str], i: int, verbs: dict[int, Voice]) -> tuple[str | None, list[str]]:
    """The preposition (if any) and the words after the verb at ``i``, up to the next clause boundary."""
    k = _after(words, i)
    particle = None
    if k < len(words) and words[k] in PREPOSITIONS:
        particle = words[k]
        k += 1
    span: list[str] = []
    while k < len(words) and not _is_boundary(words, k, verbs):
        span.append(words[k])
        k += 1
    return particle, span


def _reduced_patient(words: list[str], i: int, verbs: dict[int, Voice]) -> Argument:
    """The noun a participle after it modifies ("the blockade caused by ..."): the last chunk before it."""
    k = i - 1
    span: list[str] = []
    while k >= 0 and not _is_boundary(words, k, verbs):
        span.insert(0, words[k])
        k -= 1
    return _core(span, last=True)


def _verbs(words: list[str], verbal_stems: frozenset[str]) -> dict[int, Voice]:
    out: dict[int, Voice] = {}
    for i in range(len(words)):
        voice = _voice(words, i, verbal_stems)
        if voice is not None:
            out[i] = voice
    return out


def _predications(text: str, verbal_stems: frozenset[str]) -> list[Predication]:
    words = _words(text)
    verbs = _verbs(words, verbal_stems)
    out: list[Predication] = []
    for i, voice in sorted(verbs.items()):
        stem = _stem(words[i])
        if stem is None:
            continue
        start = _verb_group_start(words, i, verbs)
        after_be = start < i and any(w in BE for w in words[start:i])
        reduced = voice is Voice.PASSIVE and not after_be
        particle, span = _object(words, i, verbs)
        if voice is Voice.PASSIVE:
            agent = _core(span) if particle == "by" else None
            patient = _reduced_patient(words, i, verbs) if reduced else _subject(words, start, verbs)
            out.append(Predication(words[i], stem, voice, agent, patient))
        elif voice is Voice.ACTIVE:
            subject = _subject(words, start, verbs)
            if subject is not None and subject.head is not None:
                subject = Argument(subject.core, subject.head, subject.wide | _wide_subject(words, start, verbs))
            out.append(Predication(words[i], stem, voice, subject, _core(span), particle))
        else:
            out.append(Predication(words[i], stem, voice, None, None))
    return out


def _verbal_stems(texts: list[str]) -> frozenset[str]:
    """Stems used as a verb in a clear context somewhere in ``texts`` (the first pass, without the
    agreement-only reading)."""
    stems: set[str] = set()
    for text in texts:
        words = _words(text)
        for i, voice in _verbs(words, frozenset()).items():
            stem = _stem(words[i])
            if stem and voice is not Voice.UNKNOWN:
                stems.add(stem)
    return frozenset(stems)


def predications(text: str, context: list[str] | None = None) -> list[Predication]:
    """The verbs of ``text`` with their roles; ``context`` (other texts) tells which words are verbs."""
    return _predications(text, _verbal_stems([text, *(context or [])]))


def _conflict(s: Predication, src: Predication) -> str | None:
    """Why the sentence's ``s`` is not borne out by the source's ``src`` of the same verb (None: it is,
    or the source cannot tell)."""
    if src.voice is Voice.UNKNOWN:
        return None
    if s.particle and src.particle and s.particle != src.particle:
        return None  # "result from" against "result in": another relation, not judged
    src_agent = src.agent.core if src.agent else frozenset()
    src_patient = src.patient.core if src.patient else frozenset()
    if s.agent and s.agent.head and s.agent.head in src_patient and s.agent.head not in src_agent:
        return "swap"
    if s.patient and s.patient.head and s.patient.head in src_agent and s.patient.head not in src_patient:
        return "swap"
    if s.agent is not None and src.voice is Voice.PASSIVE and src.agent is None:
        return "invented"
    if s.agent and s.agent.head and src.agent and src.agent.head and s.agent.head not in src.agent.wide:
        return "changed"
    return None


_REASONS = {
    "swap": '"{word}" has its roles the other way round in {refs}',
    "invented": '"{word}" is given an agent here; {refs} does not say who',
    "changed": '"{word}" has another agent in {refs}',
}


def role_conflicts(sentence: str, sources: list[str], refs: str = "the sources") -> list[str]:
    """Why the verbs of ``sentence`` do not have the roles they have in ``sources`` (empty: no conflict
    found). Only verbs whose stem is used as a verb in the sources are judged; ``refs`` names the sources
    in the reasons."""
    verbal = _verbal_stems([sentence, *sources])
    by_stem: dict[str, list[Predication]] = {}
    for source in sources:
        for p in _predications(source, verbal):
            by_stem.setdefault(p.stem, []).append(p)
    problems: list[str] = []
    for s in _predications(sentence, verbal):
        if s.voice is Voice.UNKNOWN or s.stem not in by_stem:
            continue
        verdicts = [_conflict(s, src) for src in by_stem[s.stem]]
        if verdicts and all(verdicts):
            kind = next(v for v in verdicts if v)
            problems.append(_REASONS[kind].format(word=s.word, refs=refs))
    return problems
