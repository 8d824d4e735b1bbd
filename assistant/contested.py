"""Contested claims, found in the documents themselves (no list of known controversies).

Three signals, on the sentences retrieved for a question:

(a) explicit doubt: a hedge or controversy cue ("controversial", "remains unknown",
    "no statistically significant differences", ...) in a sentence about the topic;
(b) opposing stances: on the same intervention, one sentence reports benefit or use and
    another reports no benefit (negation checked first, NegEx-style);
(c) different figures for the same quantity (incidence, mortality, recurrence, a date).

A topic is an intervention the question (or, for treatment questions, an answer statement)
names, or a quantity or facet the question asks about. Every source that takes a position on
a flagged topic is shown with its citation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from assistant.candidates import Candidate
from assistant.lexicon import (
    CONTROVERSY_CUES,
    FACET_ANCHORS,
    FACET_FIGURES,
    FACETS,
    FIGURE_RE,
    PROPOSAL,
    QUANTITY_FACETS,
    QUESTION_STOPWORDS,
    TOPIC_LABELS,
    TREATMENT_QUESTION,
)
from assistant.records import ContestReason, Stance
from assistant.stance import SIDE_LABELS, TOPIC_ENDINGS, Role, RuleStanceDetector, StanceDetector, topic_name
from index.synonyms import Vocabulary
from nmsa.settings import AnswerSettings, SelectionSettings

STANCE_ORDER = {Stance.SUPPORTS: 0, Stance.DISPUTES: 1, Stance.UNCERTAIN: 2, Stance.FIGURE: 3}
Position = tuple[Candidate, Stance]


@dataclass
class Flag:
    topic: str
    summary: str
    reason: str
    positions: list[Position]


@dataclass(frozen=True)
class ContestedSettings:
    """The numbers the scan needs; :meth:`from_settings` takes them from ``Settings.answer`` and
    ``Settings.selection``, where each has its default, bounds and reason."""

    min_relevance: float
    position_similarity_factor: float
    max_positions: int
    figure_similarity_factor: float

    @property
    def position_floor(self) -> float:
        """The similarity to the question a position must reach (keeps far-off sentences out of the box)."""
        return self.min_relevance * self.position_similarity_factor

    @classmethod
    def from_settings(cls, answer: AnswerSettings, selection: SelectionSettings) -> ContestedSettings:
        return cls(
            answer.min_relevance,
            selection.position_similarity_factor,
            selection.max_positions,
            selection.figure_similarity_factor,
        )


def question_facets(question: str) -> list[str]:
    facets = [name for name, pattern in FACETS.items() if name != "treatment" and pattern.search(question)]
    if TREATMENT_QUESTION.search(question):
        facets.append("treatment")
    if re.search(r"\bhow (?:often|common|frequent)|\boccur", question, re.I) and "incidence" not in facets:
        facets.append("incidence")
    return facets


def stance(text: str) -> Stance | None:
    """The rule-based stance of one sentence."""
    return _RULES.stance(text)


_RULES = RuleStanceDetector()


def _mentions(vocabulary: Vocabulary, entity: str, text: str) -> bool:
    for group in vocabulary.entities:
        if group[0] == entity:
            return any(vocabulary.pattern(t).search(text) for t in group)
    return bool(vocabulary.pattern(entity).search(text))


_TIMES = {"twice": "2", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10"}


def normalise_figure(value: str, facet: str | None = None) -> str:
    """One spelling per figure: qualifiers dropped, ranges with a hyphen, "percent" as "%", no spaces; a ratio
    as N:1 ("twice", "two-fold", "2 times" and "2:1" are one figure); a threshold as N× ULN."""
    value = value.strip()
    if facet == "threshold":  # "four times", "4 or more times", "4x": 4× ULN
        number = re.match(r"[a-z]+|\d+(?:\.\d+)?", value, re.I)
        word = number.group(0).lower() if number else value
        return f"{_TIMES.get(word, word)}× ULN"
    times = re.fullmatch(r"(twice|two|three|four|\d+(?:\.\d+)?)(?:[- ]?(?:times|fold))?", value, re.I)
    if times and (value.lower() == "twice" or re.search(r"times|fold", value, re.I)):
        return f"{_TIMES.get(times.group(1).lower(), times.group(1))}:1"
    value = re.sub(r"^(about|around|approximately|up to|as high as|below|over|under|between|from)\s", "", value)
    value = re.sub(r"\s?per ?cent\b", "%", value, flags=re.I)
    value = re.sub(r"\s?(to|–|-|and)\s?", "-", value)
    return value.replace(" ", "")


def figures_by_facet(text: str) -> dict[str, list[str]]:
    """Figures in a sentence, each assigned to the nearest quantity word of the sentence."""
    out: dict[str, list[str]] = defaultdict(list)
    for figures in {FACET_FIGURES.get(f, FIGURE_RE) for f in QUANTITY_FACETS}:
        # the quantities counted in this kind of figure (a percentage or a year; a time span)
        facets = [f for f in QUANTITY_FACETS if FACET_FIGURES.get(f, FIGURE_RE) is figures]
        anchors = [(m.start(), f) for f in facets for m in FACET_ANCHORS.get(f, FACETS[f]).finditer(text)]
        if not anchors:
            continue
        for match in figures.finditer(text):
            value = match.group(0)
            is_year = bool(re.fullmatch(r"1[89]\d\d|20\d\d", value))
            options = [(abs(pos - match.start()), f) for pos, f in anchors if (f == "history") == is_year]
            if options:
                facet = min(options)[1]
                out[facet].append(normalise_figure(value, facet))
    return out


def disagreement(positions: list[Position]) -> list[ContestReason]:
    """Why positions amount to sources disagreeing: opposite stances held by different sources, or doubt in
    one source about what another reports (two sources at least). One source alone never disagrees."""
    docs: dict[Stance, set[str]] = defaultdict(set)
    for cand, side in positions:
        docs[side].add(cand.doc_id)
    if len(set().union(*docs.values()) if docs else set()) < 2:
        return []
    reasons = []
    if any(a != b for a in docs.get(Stance.SUPPORTS, ()) for b in docs.get(Stance.DISPUTES, ())):
        reasons.append(ContestReason.OPPOSING)
    if docs.get(Stance.UNCERTAIN):
        reasons.append(ContestReason.EXPLICIT)
    return reasons


def _summarise(positions: list[Position], role: Role = Role.INTERVENTION) -> str:
    by_stance: dict[Stance, set[str]] = defaultdict(set)
    for cand, side in positions:
        by_stance[side].add(cand.doc_id)
    parts = []
    labels = SIDE_LABELS[role]
    for side in STANCE_ORDER:
        if by_stance.get(side):
            n = len(by_stance[side])
            parts.append(f"{n} source{'s' if n > 1 else ''} {labels[side][n > 1]}")
    return "; ".join(parts) + "."


def diverse(positions: list[Position], limit: int) -> list[Position]:
    """Keep every (source, side) pair first, then fill up by relevance; drop repeats."""
    positions = sorted(positions, key=lambda p: (-p[0].similarity, STANCE_ORDER[p[1]]))
    seen_text: set[str] = set()
    first: list[Position] = []
    rest: list[Position] = []
    pairs: set[tuple[str, Stance]] = set()
    for cand, side in positions:
        if cand.text in seen_text:
            continue
        seen_text.add(cand.text)
        if (cand.doc_id, side) not in pairs:
            pairs.add((cand.doc_id, side))
            first.append((cand, side))
        else:
            rest.append((cand, side))
    chosen = (first + rest)[:limit]
    return sorted(chosen, key=lambda p: (STANCE_ORDER[p[1]], -p[0].similarity))


def find_contested(
    question: str,
    entities: list[str],
    facets: list[str],
    pool: list[Candidate],
    vocabulary: Vocabulary,
    config: ContestedSettings,
    detector: StanceDetector | None = None,
    exposures: list[tuple[str, list[re.Pattern[str]]]] | None = None,
    features: list[tuple[str, list[re.Pattern[str]]]] | None = None,
) -> list[Flag]:
    """Contested claims among ``pool``: on each intervention, on each exposure a risk question asks about
    and each feature a question asks whether the diagnosis needs (a label and the patterns that find it),
    then on each facet the question asks about."""
    detector = detector or _RULES
    flags = intervention_flags(entities, pool, vocabulary, config, detector)
    for label, patterns in exposures or []:
        flags += topic_flags(label, patterns, pool, config, detector, Role.EXPOSURE)
    for label, patterns in features or []:
        flags += topic_flags(label, patterns, pool, config, detector, Role.FEATURE)
    used = {f.topic.removesuffix(TOPIC_ENDINGS[Role.INTERVENTION]) for f in flags}
    return flags + facet_flags(facets, entities, used, pool, vocabulary, config)


def topic_flags(
    label: str,
    patterns: list[re.Pattern[str]],
    pool: list[Candidate],
    config: ContestedSettings,
    detector: StanceDetector,
    role: Role,
) -> list[Flag]:
    """One topic (an intervention or an exposure) is contested when sources disagree on it (``disagreement``)."""
    about = [c for c in pool if any(p.search(c.text) for p in patterns)]
    sides = detector.stance_batch([c.text for c in about], label, role)
    positions = [(c, side) for c, side in zip(about, sides) if side is not None]
    reasons = disagreement(positions)
    if not reasons:
        return []
    chosen = diverse(positions, config.max_positions)
    topic = topic_name(label, role)
    return [
        Flag(
            topic=topic,
            summary=f"Sources disagree on {label}: {_summarise(chosen, role)}",
            reason="+".join(reasons),
            positions=chosen,
        )
    ]


def intervention_flags(
    entities: list[str],
    pool: list[Candidate],
    vocabulary: Vocabulary,
    config: ContestedSettings,
    detector: StanceDetector,
) -> list[Flag]:
    """An intervention is contested when sources take opposite stances on it or doubt what others report."""
    flags: list[Flag] = []
    for entity in entities:
        names = vocabulary.names_with_classes(entity)  # its classes too: doubt about the class is doubt about it
        flags += topic_flags(entity, [vocabulary.pattern(t) for t in names], pool, config, detector, Role.INTERVENTION)
    return flags


def facet_flags(
    facets: list[str],
    entities: list[str],
    used_entities: set[str],
    pool: list[Candidate],
    vocabulary: Vocabulary,
    config: ContestedSettings,
) -> list[Flag]:
    """A facet (incidence, mortality, mechanism ...) is contested when sources give different figures for it
    or call the evidence on it weak, unclear or controversial."""
    flags: list[Flag] = []
    for facet in facets:
        pattern = FACET_ANCHORS.get(facet, FACETS[facet])
        floor = config.position_floor
        figure_floor = config.min_relevance * config.figure_similarity_factor
        relevant = [c for c in pool if pattern.search(c.text) and c.similarity >= floor]
        explicit: list[Position] = [(c, Stance.UNCERTAIN) for c in relevant if CONTROVERSY_CUES.search(c.text)]
        if facet == "treatment" and entities:
            continue  # the question names the interventions; their own flags say it better
        if facet == "treatment":
            # pharmacological doubt that names no single drug already flagged
            explicit = [(c, s) for c, s in explicit if not any(_mentions(vocabulary, e, c.text) for e in used_entities)]
        figure_positions: list[Position] = []
        values: dict[str, set[str]] = defaultdict(set)
        stated: set[frozenset[str]] = set()  # what each sentence states: one range ("24 h to 1 week") is one position
        if facet in QUANTITY_FACETS:
            for cand in (c for c in pool if pattern.search(c.text) and c.similarity >= figure_floor):
                found = figures_by_facet(cand.text).get(facet)
                if found:
                    figure_positions.append((cand, Stance.FIGURE))
                    values[cand.doc_id].update(found)
                    stated.add(frozenset(found))
        distinct = {v for vs in values.values() for v in vs}
        reasons = []
        if len(distinct) >= 2 and len(stated) >= 2:  # two figures in two sentences: two positions, also in one source
            reasons.append(ContestReason.FIGURES)
        hedging = {c.doc_id for c, _ in explicit}
        accounts: list[Position] = []
        if len(hedging) == 1 and facet not in QUANTITY_FACETS:
            # one source doubts an account that other sources propose: they disagree
            accounts = [
                (c, Stance.SUPPORTS)
                for c in relevant
                if c.doc_id not in hedging and PROPOSAL.search(c.text) and not CONTROVERSY_CUES.search(c.text)
            ]
        if len(hedging) >= 2 or accounts:  # one source's own hedge alone is uncertainty, not disagreement
            reasons.append(ContestReason.EXPLICIT)
            explicit = explicit + accounts
        if not reasons:
            continue
        positions = (figure_positions if ContestReason.FIGURES in reasons else []) + (
            explicit if ContestReason.EXPLICIT in reasons or ContestReason.FIGURES in reasons else []
        )
        chosen = diverse(positions, config.max_positions)
        label = TOPIC_LABELS.get(facet, facet)
        if ContestReason.FIGURES in reasons:
            shown = ", ".join(sorted(distinct)[:6])
            summary = (
                f"Figures for {label} differ between or within sources ({shown}); {_summarise(chosen, Role.FACET)}"
            )
        else:
            summary = f"Sources disagree on {label}: {_summarise(chosen, Role.FACET)}"
        flags.append(Flag(topic=label, summary=summary, reason="+".join(reasons), positions=chosen))
    return flags


# Endings of drug names: the WHO's INN stems ("The use of stems in the selection of International
# Nonproprietary Names", 2018) common among drugs a psychiatric or toxicology text names, plus generic
# chemical endings (-ine, -ide, -ate, -one).
DRUG_ENDING = re.compile(
    r"(?:ine|ole|ide|ate|one|ene|yl|pam|lam|zole|azole|mab|pril|sartan|olol|azine|apine|idol|peridol|perone|pride|"
    r"oxetine|pramine|tyline|serin|setron|tidine|triptan|statin|afil|caine|dopa|profen|coxib|navir|vir|mycin|cillin|"
    r"dronate|barbital|tropin|xaban|gliptin|glitazone|conazole|parin|farin)$"
)


# Everyday words with a drug-like ending, as whole words or the end of one after a prefix or a hyphen
# ("medicine", "nanomedicine"); a drug named like them ("lurasidone", "ziprasidone") is not one of them.
EVERYDAY_ENDING = re.compile(
    r"(?:^|-|nano|tele|bio|re)(?:medicine|routine|online|done|gone|none|someone|anyone|bone|hormone|syndrome|dopamine|"
    r"serotonin|guideline|baseline|timeline|deadline|pipeline|headline|outline|sideline)$"
)


def drug_like_terms(query: str, vocabulary: Vocabulary, is_rare: Callable[[str], bool] | None = None) -> list[str]:
    """Drug-like words of the question that the synonyms file does not list (e.g. a new agent): a drug-name
    ending, and (when ``is_rare`` is given) a word the model's tokenizer splits into pieces, as it does
    drug names and not everyday words ("outside", "guide")."""
    out = []
    for group in vocabulary.groups:  # a word of a named test or finding ("creatine" of creatine kinase) is no drug
        for term in group:
            query = vocabulary.pattern(term).sub(" ", query)
    for word in re.findall(r"[A-Za-z][a-z]{5,}", query):
        low = word.lower()
        if low in QUESTION_STOPWORDS or vocabulary.canonical_entities(word):
            continue
        if DRUG_ENDING.search(low) and not EVERYDAY_ENDING.search(low):
            if is_rare is None or is_rare(low):
                out.append(low)
    return out
