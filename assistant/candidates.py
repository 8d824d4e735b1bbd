"""Sentence candidates: every sentence of the passages retrieved for a question, scored."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.lexicon import AIM, FIGURE_IN_TEXT, FRAMING_WORDS, METHOD_SECTION, QUESTION_STOPWORDS
from index.lexical import tokenize
from index.search import Hit
from index.store import Snapshot
from ingest.instructions import is_instruction
from ingest.normalize import word_key
from ingest.records import CELL_SEPARATOR, Passage
from nmsa.settings import ScoringSettings

# Figure, table and box labels are titles, not statements.
_LABEL = re.compile(r"^(?:figure|fig\.|table|box|panel) \d+\s*[:.]", re.IGNORECASE)
# An abbreviation legend under a figure or table ("ACTH = adrenocorticotropic hormone, CPK = ...").
_LEGEND = re.compile(r"(?:\b[A-Za-z][\w-]{0,9}\s?=\s?[^=,;]{2,60}[,;.]\s*){3,}")
# An index-term list or a front-matter field: "Keywords: ...", "MeSH terms include: Age Factors; Antiparkinson
# Agents / ...", "Publication types: Case Reports; ...", "Article type: ...", "Substances: ...", "Affiliations: ...".
_TERM_LIST = re.compile(
    r"^\W*(?:mesh(?: terms)?|keywords?|key words|index terms|subject (?:headings|terms)|publication types?|"
    r"(?:article|source|document) types?\W*:|substances(?: listed)?\W*:|affiliations?\W*:|author information\W*:|"
    r"(?:last )?updated\W*:)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][\w\-]+")
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,] )([A-Z][a-z][\w\-]+)")
# A reference line ("Journal X, 2006, volume 99, issue 7, pages 435-438", "Eur Psychiatry 2023;66:S1043"): where
# a document was published, not what it says. Two of these marks make one.
_BIBLIOGRAPHIC = re.compile(
    r"\b(?:volume|vol\.)\s*\d+|\bissue\s*\d+|\bpages?\s*S?\d+|\bpp?\.\s*S?\d+|\bdoi:?\s*10\.\d+|"
    r"\b(?:19|20)\d\d\s*;\s*\d+|\bsupplement\b|\bsuppl\.|\b\d+\s*\(\d+\)\s*:\s*[SE]?\d+",
    re.IGNORECASE,
)
MIN_STATEMENT_WORDS = 4  # shorter "sentences" are headings, labels and list stubs, not statements
NOT_RANKED = 99  # passage rank of a sentence whose passage came from a deeper search, not the top k
HEADER_CHARS = 400  # the opening of a document's first passage: title block, authors, journal, site
NAMED_MAX = 2  # a word in the headers of more documents than this does not name one ("study", "review")
ABBREVIATION_MATCHES = 3  # names and years of a question that must begin words of one header to cite it in short
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
NAMED_MAX_DOCUMENTS = 3  # ... nor one the text of more documents uses (a drug's name): a name is rare
_FILE_WORD = re.compile(r"[a-z][a-z0-9]*")  # the words of a file's name, and of texts and questions alike
FILE_WORD_MIN = 4  # a file name's word this long names its file ("rcem"), not a prefix or an extension
FILE_WORD_PREFIX = 6  # a file's word sharing this many first letters with a text's word is a form of it
FILE_WORD_ENDING = 3  # ... or, for a longer word, all but this many of its last letters ("-ent", "-ence")
FILE_PHRASE = 3  # words of a file's name in a row that name it ("drug treatment explainer")
NAMED_SHARED_MAX = 4  # a name this few headers (and documents) share names the one the question describes best
NAMED_LEAD = 2.0  # of the documents one name names, the one the question's rare words describe this much better
_CAPITALISED_RUN = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+")  # "Australian Prescriber"
_DETERMINER = frozenset("the per this that our your".split())  # "per the explainer", "the online encyclopedia"


def document_nouns(question: str) -> list[str]:
    """Words a question may use as a document's name: the two words after a determiner, and a word before "'s"."""
    tokens = re.findall(r"[A-Za-z][\w'’-]*", question)
    nouns = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if low.endswith(("'s", "’s")):
            nouns.append(low[:-2])
        if low in _DETERMINER:
            nouns += [t.lower() for t in tokens[i + 1 : i + 3]]
    return nouns


@dataclass
class Candidate:
    row: int
    index: int  # sentence number within the passage
    text: str
    span: tuple[int, int]  # offsets into the passage text
    passage: Passage
    vector: np.ndarray
    dense: float = 0.0
    similarity: float = 0.0  # cosine to the full question (used for the relevance gate)
    lexical: float = 0.0
    score: float = 0.0
    passage_rank: int = NOT_RANKED
    table_header: str | None = None  # for a row of a table: the table's header row, verbatim

    @property
    def key(self) -> tuple[int, int]:
        return (self.row, self.index)

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id


@lru_cache(maxsize=1)
def _question_stems() -> frozenset[str]:
    """Stems of the words every question uses ("paper", "say"): they describe no document."""
    return frozenset(t for tokens in tokenize(sorted(QUESTION_STOPWORDS)) for t in tokens)


# "the Danish leaflet", "that French review": up to two words and a publication's noun after a determiner
_DESCRIBED_PHRASE = re.compile(
    r"\b(?:the|that|this|per)\s+((?:(?!(?:the|a|an|and|or|of|in|on|for|to|with|at|by|from)\b)[\w-]+\s+){1,2}"
    r"(?:case reports?|reports?|cases?|series|study|trial|cohort|question|journal|paper|article|review|letter|"
    r"label|survey|audit|analysis|entry|handout|leaflet|monograph|pages?|site|website|blog|sheet|abstract|podcast|notes|summary|chapter|guide|"
    r"guideline|textbook|lecture|slides?|quiz)\b)",
    re.IGNORECASE,
)
_ABBREVIATED = re.compile(r"(?<![\w.])([a-z]{3,})\.(?=[\s)\],;:?]|$)")  # "monogr." (not "e.g.", "approx.5")


class LexicalStats:
    """Document frequencies of stemmed tokens over a snapshot's passages (from its BM25 index) and
    the words too common to tell passages apart."""

    def __init__(
        self, snapshot: Snapshot, weights: ScoringSettings | None = None, is_rare: Callable[[str], bool] | None = None
    ) -> None:
        w = weights or ScoringSettings()
        self.n = max(1, len(snapshot.passages))
        self.df = snapshot.lexical.document_frequencies()
        # Terms in a large share of all passages say nothing about which passage answers a question
        # (in an NMS corpus: "nms", "syndrome", ...). Learned from the index, not listed.
        self.ubiquitous = (
            frozenset(t for t, n in self.df.items() if n >= self.n * w.ubiquitous_fraction)
            if self.n >= w.ubiquitous_min_passages
            else frozenset()
        )
        # what names each document: its title, its authors and journal, the opening of its first passage
        self._lexical = snapshot.lexical
        self._doc_of_row = [p.doc_id for p in snapshot.passages]
        self.rows_of: dict[str, list[int]] = {}
        self._docs_with: dict[str, frozenset[str]] = {}
        first: dict[str, tuple[int, str]] = {}
        for row, p in enumerate(snapshot.passages):
            self.rows_of.setdefault(p.doc_id, []).append(row)
            if p.doc_id not in first or p.start < first[p.doc_id][0]:
                first[p.doc_id] = (p.start, p.text[:HEADER_CHARS])
        # words the documents only ever write with a capital, and that a title block uses (places, people,
        # journals): a question typed in lower case ("the finland cohort") still names them
        # ... and, when ``is_rare`` tells everyday words from rare ones, that are rare ("medfriendly") or that running
        # text capitalises after a lower-case word ("registers of Finland"): a title's capitals ("Official Answer")
        # name nothing
        lower = {w for p in snapshot.passages for w in _WORD.findall(p.text) if w[0].islower()}
        capitalised = (
            frozenset(w.lower() for _, opening in first.values() for w in _WORD.findall(opening) if w[0].isupper())
            - lower
            - {w.lower() for w in lower}
        )
        if is_rare is not None:
            mid = {m.group(1).lower() for p in snapshot.passages for m in _MID_SENTENCE_CAPITAL.finditer(p.text)}
            capitalised = frozenset(w for w in capitalised if w in mid or is_rare(w))
        self.proper_names = capitalised
        self.header: dict[str, frozenset[str]] = {}
        # ... and the adjacent word pairs of its title ("low-dose lithium", "renal failure"): a question
        # describing a document in its title's words
        self.title_pairs: dict[str, frozenset[tuple[str, str]]] = {}
        for doc_id, (_, opening) in first.items():
            info = snapshot.documents.get(doc_id)
            names = [opening, doc_id] + ([info.title, info.journal or "", *info.authors] if info else [])
            self.header[doc_id] = frozenset(t for t in tokenize([" ".join(names)])[0] if len(t) >= 3)
            title = info.title if info and info.title else opening.split("\n", 1)[0]
            words = [t for t in tokenize([title])[0] if t not in self.ubiquitous]
            self.title_pairs[doc_id] = frozenset(zip(words, words[1:], strict=False))
        self.header_df: dict[str, int] = {}
        for tokens in self.header.values():
            for t in tokens:
                self.header_df[t] = self.header_df.get(t, 0) + 1
        # a file's name as a reader who saw it cited names it, in any case: a rare word of it that no document's
        # text uses nor a form of one ("rcem", "hkmj"; not "recurrent" beside a text's "recurrence"), or three of
        # its words in a row, one of them unwritten (drug-treatment-explainer.txt read as "drug treatment explainer")
        written_by: dict[str, set[str]] = {}
        for p in snapshot.passages:
            for word in _FILE_WORD.findall(p.text.lower()):
                written_by.setdefault(word, set()).add(p.doc_id)
        written = set(written_by)
        by_prefix: dict[str, list[str]] = {}  # the words texts write, by their first FILE_WORD_PREFIX letters
        for form in written_by:
            if len(form) >= FILE_WORD_PREFIX:
                by_prefix.setdefault(form[:FILE_WORD_PREFIX], []).append(form)

        def forms_of(word: str) -> set[str]:
            """The documents writing a form of ``word``: a word sharing its first letters, all but its last
            FILE_WORD_ENDING and at least FILE_WORD_PREFIX ("recurrence" for "recurrent"; not "pharmacology"
            for "pharmacopedia")."""
            n = max(FILE_WORD_PREFIX, len(word) - FILE_WORD_ENDING)
            return {
                d
                for form in by_prefix.get(word[:FILE_WORD_PREFIX], [])
                if form[:n] == word[:n]
                for d in written_by[form]
            }

        self.file_names: dict[str, list[str]] = {
            doc_id: _FILE_WORD.findall(re.sub(r"\.\w{1,4}$", "", doc_id.lower())) for doc_id in first
        }
        files_with = Counter(word for words in self.file_names.values() for word in set(words))
        by_file: dict[str, set[str]] = {}
        for doc_id, words in self.file_names.items():
            for word in words:
                if len(word) >= FILE_WORD_MIN and word not in written:
                    by_file.setdefault(word, set()).add(doc_id)
        self.unwritten = frozenset(by_file)
        self._written = frozenset(written)
        self.file_words: dict[str, str] = {
            word: next(iter(docs))
            for word, docs in by_file.items()
            if len(docs) == 1 and (is_rare is None or is_rare(word)) and not forms_of(word)
        }
        # ... or a rare word of one file's name that only that document's own text writes (its site,
        # "somehealthblog.net") and no other document writes a form of
        for doc_id, words in self.file_names.items():
            for word in words:
                if (
                    len(word) >= FILE_WORD_MIN
                    and written_by.get(word, {doc_id}) <= {doc_id}
                    and forms_of(word) <= {doc_id}
                    and files_with[word] == 1
                    and is_rare is not None  # without telling everyday words from rare ones, none
                    and is_rare(word)
                ):
                    self.file_words.setdefault(word, doc_id)
        # ... and an everyday word of one file's name that no text writes, when the question uses it as the name of
        # a document ("per the explainer", "the encyclopedia's list"), though a text writes a form of it
        self.file_nouns: dict[str, str] = {
            word: next(iter(docs))
            for word, docs in by_file.items()
            if len(docs) == 1 and word not in self.file_words and word not in QUESTION_STOPWORDS
        }

    def named_documents(self, question: str) -> list[str]:
        """Documents a question names by a capitalised word (a name, not the question's first word unless in
        capitals) of their title, authors, journal or opening that at most NAMED_MAX documents have there
        and few documents use at all ("the Smith review", "the Medline handbook entry", "Jones and colleagues")."""
        names = [
            w
            for i, w in enumerate(re.findall(r"[A-Za-z][\w\-]+", question))
            if ((w[0].isupper() and (i or w.isupper())) or w.lower() in self.proper_names)
            and (len(w) >= 4 or (len(w) == 3 and w.isupper()))  # a short name only as an acronym ("the SHM abstract")
            and w.lower() not in QUESTION_STOPWORDS  # "— What else ...", where a follow-up joins its conversation
        ]
        words = {
            t
            for tokens in (tokenize(names) if names else [])
            for t in tokens
            if 0 < self.header_df.get(t, 0) <= NAMED_MAX and len(self._documents_with(t)) <= NAMED_MAX_DOCUMENTS
        }
        exact = [d for d, tokens in self.header.items() if tokens & words] or self._named_by_phrase(question)
        exact += [d for d in self._named_by_file(question) if d not in exact]
        if not exact:  # a name a few headers share ("the AccessMedicine entry"): the one the question describes
            shared = {
                t
                for tokens in (tokenize(names) if names else [])
                for t in tokens
                if NAMED_MAX < self.header_df.get(t, 0) <= NAMED_SHARED_MAX
                and len(self._documents_with(t)) <= NAMED_SHARED_MAX
            }
            scores = self._description_scores(question, skip=shared)  # the name they share tells them not apart
            sharing = {d: scores.get(d, 0.0) for d, tokens in self.header.items() if tokens & shared}
            best = self._leading(sharing, NAMED_LEAD) if sharing else None
            exact = [best] if best else []
        if not exact:  # words that each name many headers, together few ("the Danish leaflet"): the one described
            exact = self._named_by_description(question)
        capitalised = [w for w in _WORD.findall(question) if w[0].isupper()]  # the first word too ("Peds NMS ...")
        cited = self._cited_in_short(question, capitalised)
        if cited and all(cited[1] > self._header_matches(d, question, capitalised) for d in exact):
            return [cited[0]]
        if len(exact) > 1:  # a name several headers share ("Iranian"): the one the question's details describe
            scores = self._description_scores(question)
            best = self._leading({d: scores.get(d, 0.0) for d in exact}, NAMED_LEAD)
            exact = [best] if best else exact
        # each everyday word of one file's name that the question uses as a name names that file besides
        return list(dict.fromkeys(exact + [d for w in document_nouns(question) if (d := self.file_nouns.get(w))]))

    def _named_by_file(self, question: str) -> list[str]:
        """Documents a question names by their file's name (see ``file_words``, ``file_names``)."""
        words = _FILE_WORD.findall(question.lower())
        named = [d for w in words if (d := self.file_words.get(w))]
        # a word of one file's name cut short with a full stop ("monogr." for a monograph), the cut word written
        # by no text
        for cut in _ABBREVIATED.findall(question.lower()):
            if cut in self._written:
                continue
            docs = {d for d, name in self.file_names.items() for w in name if len(w) > len(cut) and w.startswith(cut)}
            if len(docs) == 1:
                named.append(next(iter(docs)))
        text = " " + " ".join(words) + " "
        for doc_id, name in self.file_names.items():
            for i in range(len(name) - FILE_PHRASE + 1):
                run = name[i : i + FILE_PHRASE]
                if set(run) & self.unwritten and f" {' '.join(run)} " in text:
                    named.append(doc_id)
                    break
        return list(dict.fromkeys(named))

    def _named_by_description(self, question: str) -> list[str]:
        """The document a phrase after "the" describes by words its title block holds all of ("the Danish leaflet":
        eight headers say Danish, eight say leaflet, two say both), when NAMED_MAX headers or fewer hold them
        and the question's rare words describe one of those NAMED_LEAD times better than the other; none when
        two such phrases point at different documents."""
        found: set[str] = set()
        scores: dict[str, float] | None = None
        for match in _DESCRIBED_PHRASE.finditer(question):
            words = [w for w in match.group(1).split() if len(w) >= 4 or (len(w) == 3 and w.isupper())]  # not "Shm"
            stems = set(tokenize([" ".join(words)])[0]) - self.ubiquitous - _question_stems()
            if len(stems) < 2:
                continue
            docs = [d for d, tokens in self.header.items() if stems <= tokens]
            if 0 < len(docs) <= NAMED_MAX:
                scores = self._description_scores(question) if scores is None else scores
                best = self._leading({d: scores.get(d, 0.0) for d in docs}, NAMED_LEAD)
                found |= {best} if best else set(docs)
        return sorted(found) if len(found) == 1 else []  # two phrases describing two documents: neither

    def _named_by_phrase(self, question: str) -> list[str]:
        """Documents a run of capitalised words names together though no word of it does alone ("the Australian
        Prescriber article": three headers say Australian, five say Prescriber, one says both): at most NAMED_MAX
        headers hold every word of the run."""
        for run in _CAPITALISED_RUN.finditer(question):
            stems = set(tokenize([run.group(0)])[0]) - self.ubiquitous
            if len(stems) < 2:
                continue
            docs = [d for d, tokens in self.header.items() if stems <= tokens]
            if 0 < len(docs) <= NAMED_MAX:
                return docs
        return []

    def _short_names(self, question: str, names: list[str]) -> set[str]:
        short = {t for tokens in (tokenize(names) if names else []) for t in tokens if len(t) >= 3}
        return (short | set(YEAR.findall(question))) - self.ubiquitous

    def _header_matches(self, doc_id: str, question: str, names: list[str]) -> int:
        tokens = self.header[doc_id]
        return sum(1 for w in self._short_names(question, names) if any(t.startswith(w) for t in tokens))

    def _cited_in_short(self, question: str, names: list[str]) -> tuple[str, int] | None:
        """The one document whose title block the question cites in short ("Am J Psych 2011 rev", "Geri"):
        at least ABBREVIATION_MATCHES of the question's names or years begin words of that header ("clinical",
        "psychiatry", "pediatric") and no other header has as many; with how many."""
        counts = {d: self._header_matches(d, question, names) for d in self.header}
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < ABBREVIATION_MATCHES or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0]

    def described_document(self, text: str, lead: float) -> str | None:
        """The one document a question describes by its details without naming it ("the published case of a
        woman with CK above 30,000 and myoglobinuria"): the document sharing the most of the question's rare words
        (each weighted by how few documents use it), when it scores at least ``lead`` times the next one."""
        scores = self._description_scores(text)
        leading = self._leading(scores, lead)
        if leading or not scores:
            return leading
        # documents about as well described: the one whose title's word pairs the text uses most
        top = max(scores.values())
        close = [d for d, v in scores.items() if v * lead >= top]
        words = [t for t in tokenize([text])[0] if t not in self.ubiquitous]
        pairs = set(zip(words, words[1:], strict=False))
        shared = {d: len(self.title_pairs.get(d, frozenset()) & pairs) for d in close}
        ranked = sorted(shared.values(), reverse=True)
        if ranked and ranked[0] > 0 and (len(ranked) == 1 or ranked[1] < ranked[0]):
            return next(d for d, n in shared.items() if n == ranked[0])
        return None

    def _description_scores(self, text: str, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, float]:
        """How much of ``text``'s rare words (but ``skip``) each document uses, each word weighted by how few
        documents use it."""
        n_docs = len(self.rows_of)
        scores: dict[str, float] = {}
        for token in set(tokenize([text])[0]) - self.ubiquitous - set(skip):
            docs = self._documents_with(token)
            if not docs or len(docs) > n_docs / 2:  # a word half the documents use describes none of them
                continue
            weight = math.log(n_docs / len(docs))
            for doc_id in docs:
                scores[doc_id] = scores.get(doc_id, 0.0) + weight
        return scores

    @staticmethod
    def _leading(scores: dict[str, float], lead: float) -> str | None:
        """The document scoring at least ``lead`` times the next one, if any."""
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        if not ranked or ranked[0][1] <= 0:
            return None
        if len(ranked) > 1 and ranked[0][1] < lead * ranked[1][1]:
            return None
        return ranked[0][0]

    def _documents_with(self, token: str) -> frozenset[str]:
        """The documents whose passages use ``token``. Remembered for the index's own words (their passages do not
        change within a snapshot); a word it never saw costs nothing to look up and is not kept."""
        docs = self._docs_with.get(token)
        if docs is None:
            docs = frozenset(self._doc_of_row[r] for r in self._lexical.rows_with(token))
            if docs:
                self._docs_with[token] = docs
        return docs

    def focus(self, question: str) -> str:
        """The question without its ubiquitous words and the words that frame what it asks ("do the sources
        agree that ..."), or the question itself if little would be left."""
        words = re.findall(r"\S+", question)
        kept = [
            w
            for w in words
            if not (set(tokenize([w])[0]) & self.ubiquitous) and w.lower().strip("?.,;:!'\"()") not in FRAMING_WORDS
        ]
        content = [w for w in kept if tokenize([w])[0]]
        return " ".join(kept) if len(content) >= 2 else question

    def idf(self, token: str) -> float:
        return math.log(1 + (self.n - self.df.get(token, 0) + 0.5) / (self.df.get(token, 0) + 0.5))


@lru_cache(maxsize=65536)
def sentence_tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize([text])[0])


# A sentence that opens by referring back to the one before it ("It should be tapered ...", "In these
# cases, ..."): read alone, it does not say what it is about.
REFERS_BACK = re.compile(
    r"^(?:it|its|they|their|them|this|these|those|such|both|he|she|his|her|the latter|the former|"
    r"in (?:these|those|such|this|that) (?:cases?|patients|situations?|settings?))\b",
    re.IGNORECASE,
)


def context_of(cand: Candidate) -> str | None:
    """The sentence before ``cand`` in its passage, when ``cand`` refers back to it."""
    if cand.index == 0 or not REFERS_BACK.match(cand.text):
        return None
    a, b = cand.passage.sentences[cand.index - 1]
    return cand.passage.text[a:b]


# An author line ("Hideo Yasunaga, MD, PhD; Hiroaki Miyata, PhD") or a publication note ("First published online
# November 1, 2011", "Received 3 May 2019; accepted ...").
_DEGREE = re.compile(
    r",\s*(?:MD|PhD|MBBS|MBChB|MRCPsych|FRCPC?|MSc|BSc|MPH|PharmD|DNP|RN|MA|BA|DM|MS)\b"
)  # after a name
_PUBLICATION_NOTE = re.compile(
    r"^\W*(?:first )?(?:published|received|accepted|revised|epub)\b.{0,40}\b(?:19|20)\d\d\b", re.IGNORECASE
)
# An editor's or archive's note in square brackets ("[Only the abstract is stored.]", "[Figure omitted]"), or one
# of its sentences: about the copy, not the subject.
_EDITORIAL_NOTE = re.compile(r"^\s*\[[^\]]*\]?\s*$|^[^\[]*\]\s*$")
NAME_LINE_WORDS = 12  # a line this short whose every longer word is capitalised is a name or a title


def _is_name_line(text: str) -> bool:
    """A journal's, a unit's or a paper's name standing as a sentence ("Annals of Internal Medicine.")."""
    words = text.split()
    long = [w for w in _WORD.findall(text) if len(w) >= 4]
    return len(words) <= NAME_LINE_WORDS and len(long) >= 2 and all(w[0].isupper() for w in long)


def is_statement(text: str) -> bool:
    """Whether a sentence may be quoted: not a label, a heading, a list's lead-in, a question or an instruction."""
    return not (
        len(text.split()) < MIN_STATEMENT_WORDS
        or text.rstrip().endswith(("?", ":"))  # a question, or the lead-in to a list ("... include:")
        or _LABEL.match(text)
        or _LEGEND.search(text)
        or _TERM_LIST.match(text)
        or len(_BIBLIOGRAPHIC.findall(text)) >= 2
        or _is_name_line(text)
        or len(_DEGREE.findall(text)) >= 2
        or _PUBLICATION_NOTE.match(text)
        or _EDITORIAL_NOTE.match(text)
        or is_instruction(text)
    )


def collect(snapshot: Snapshot, hits: list[Hit], extra_rows: list[int] | None = None) -> list[Candidate]:
    """Sentences of the hit passages (and extra rows), instruction-like text left out. A table's rows are quoted
    with the table's header row (``ingest.chunk.table_header``), and only for a table that has one."""
    ranks = {h.row: h.rank for h in hits}
    rows = [h.row for h in hits] + [r for r in (extra_rows or []) if r not in ranks]
    out: list[Candidate] = []
    for row in rows:
        passage = snapshot.passages[row]
        header = passage.table_header
        if passage.kind == "table" and header is None:  # an author or indexing block laid out line by line
            continue
        vectors = snapshot.sentence_vectors_of(row)
        info = snapshot.documents.get(passage.doc_id)
        title = word_key(info.title) if info else ""
        for index, (a, b) in enumerate(passage.sentences):
            text = passage.text[a:b]
            if not is_statement(text) or word_key(text) == title:  # the document's title names it, says nothing
                continue
            if header is not None and (
                text.strip() == header  # the header row labels, says nothing
                or (CELL_SEPARATOR in header and CELL_SEPARATOR not in text)  # a note above or below the cells
            ):
                continue
            out.append(
                Candidate(
                    row=row,
                    index=index,
                    text=text,
                    span=(a, b),
                    passage=passage,
                    vector=vectors[index],
                    passage_rank=ranks.get(row, NOT_RANKED),
                    table_header=header,
                )
            )
    return out


FLAT_LABEL_WORDS = 2  # a flattened table's row (no cell marks) is labelled by its first words ("Key Limitation ...")


def _row_label_asked(row: str, question: set[str]) -> bool:
    """Whether a table row's label (its first cell: "Risk factors | ...", or in a table flattened without cell marks
    its first FLAT_LABEL_WORDS words) is what the question asks: at least half of the label's words are the
    question's."""
    words = tokenize([row.split("|", 1)[0]])[0] if "|" in row else tokenize([row])[0][:FLAT_LABEL_WORDS]
    label = set(words)
    return bool(label) and len(label & question) * 2 >= len(label)


def score(
    candidates: list[Candidate],
    query_vector: np.ndarray,
    focus_vector: np.ndarray,
    focus_query: str,
    stats: LexicalStats,
    weights: ScoringSettings | None = None,
    wants_figure: bool = False,
    named: frozenset[str] = frozenset(),
) -> None:
    """Relevance of each sentence: cosine to the question and to its focus (the question without
    ubiquitous words), plus IDF-weighted term overlap with the focus (weights: ``Settings.scoring``); the
    sentences of the ``named`` documents (the question names them) gain a bonus."""
    if not candidates:
        return
    w = weights or ScoringSettings()
    matrix = np.stack([c.vector for c in candidates]).astype(np.float32)
    full = matrix @ query_vector
    focus = matrix @ focus_vector
    q_tokens = set(tokenize([focus_query])[0])
    idf = {t: stats.idf(t) for t in q_tokens}
    total = sum(idf.values()) or 1.0
    for c, f_full, f_focus in zip(candidates, full, focus):
        c.similarity = float(f_full)
        c.dense = w.full_question_weight * float(f_full) + w.focus_weight * float(f_focus)
        overlap = sentence_tokens(c.text) & q_tokens
        c.lexical = sum(idf[t] for t in overlap) / total
        c.score = w.dense_weight * c.dense + w.lexical_weight * c.lexical + w.rank_bonus / c.passage_rank
        if wants_figure and FIGURE_IN_TEXT.search(c.text):
            c.score += w.figure_bonus
        if AIM.search(c.text) or METHOD_SECTION.search(c.passage.section or ""):
            c.score -= w.method_penalty
        if c.doc_id in named:
            c.score += w.named_document_bonus
        if c.table_header is not None and _row_label_asked(c.text, q_tokens):
            c.score += w.table_row_bonus
    if w.neighbour_weight:
        own = {c.key: c.score for c in candidates}
        for c in candidates:
            around = [own.get((c.row, c.index + d)) for d in (-1, 1)]
            best = max((x for x in around if x is not None), default=None)
            if best is not None and best > c.score:
                c.score += w.neighbour_weight * (best - c.score)
