"""Optional synthesis: a short prose answer written by a language model the user runs, every
sentence verified in code against the numbered statements it cites.

The extractive answer stays the reference. The model sees only the question (instruction-like
sentences removed) and the answer's selected statements, numbered; it is asked for 2-4 sentences,
each ending with the numbers of the statements it uses. ``verify`` then keeps a sentence only when

- it cites at least one statement of this answer (numbers out of range are not citations of it);
- every figure in it (digits, decimals, percentages, ranges, number words from "two") appears in the
  statements it cites;
- every content word (stemmed by the index's own tokenizer, minus its stop words and a few
  function words; a synonym from the synonyms file counts as the word) appears in them, with the
  same polarity: a word asserted here must be asserted there, a negated one negated (NegEx-style);
- it has content of its own: a word beyond the question's, a negation or a figure;
- each verb it shares with them has their roles (``assistant.roles``): its agent is not their patient
  nor its patient their agent, it names no agent where they have only an agentless passive, and its
  agent is among their words before that verb.

The question's words are not exempt from the presence check: in the hand-labelled set that let
"The most important first step is to immediately stop levodopa [1]" through, its statement saying
to stop the neuroleptic ("levodopa" came from the question). What it does not check: order beyond the
roles of verbs it can read ("A is preferred over B" passes against "B is preferred over A", "fell from
10% to 20%" against "from 20% to 10%"), nor clinical correctness. It checks support, and it is strict:
a paraphrase with a word of its own is dropped. When fewer than half of the sentences survive, or
none does, nothing is shown and the answer falls back to its extractive summary. Timeouts, a server
that is down or nonsense from the model end in a one-line note, never a traceback and never a wait
beyond ``timeout_s``.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, SecretStr

from assistant.records import DroppedSentence, Synthesis, SynthesisSentence, SynthesisStatus
from assistant.roles import role_conflicts
from index.lexical import tokenize
from index.synonyms import Vocabulary
from ingest.normalize import word_key
from ingest.sentences import split_sentences
from nmsa.settings import SynthesisSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from assistant.records import Answer

__all__ = [
    "DroppedSentence",
    "Synthesis",
    "SynthesisSentence",
    "SynthesisSettings",
    "SynthesisStatus",
    "build_prompt",
    "make_chat_model",
    "synthesize",
    "verify",
]

# --- Settings ------------------------------------------------------------------------------

# What a local server accepts as a key when it needs none (Ollama, llama.cpp, vLLM without --api-key);
# the OpenAI client refuses an empty one.
PLACEHOLDER_API_KEY = "not-needed"
# 2-4 sentences of 20-40 words are 100-220 tokens; the cap stops a model that never ends.
MAX_OUTPUT_TOKENS = 256


# --- Prompt --------------------------------------------------------------------------------

# Worded for the smallest model the tests run (SmolLM2-135M): each source line ends with its number, as the
# answer's sentences should, so a model that copies or paraphrases a line keeps its number. Of eleven wordings
# tried on 17 questions, only those with the number after each line got the model to cite at all (about half of
# its sentences against under a tenth); among them this one asks for 2-4 sentences, as issue 13 requires.
SYSTEM_PROMPT = (
    "You are a medical librarian. You answer with two to four sentences from the sources, "
    "each ending with its source number in brackets, like [1] or [1][3]."
)


def build_prompt(question: str, statements: list[str]) -> list[BaseMessage]:
    """The messages sent to the model: the question and the numbered statements, nothing else.
    Square brackets inside a statement become parentheses so only our numbers look like citations."""
    from langchain_core.messages import HumanMessage, SystemMessage  # the `synthesis` extra: imported when used

    lines = [f"{' '.join(s.translate(_BRACKETS).split())} [{i}]" for i, s in enumerate(statements, 1)]
    user = f"Question: {' '.join(question.split())}\n\nSources:\n" + "\n".join(lines)
    return [SystemMessage(content=SYSTEM_PROMPT), HumanMessage(content=user)]


_BRACKETS = str.maketrans("[]", "()")

# --- Verifier ------------------------------------------------------------------------------

# Citation markers: [1], [1][3], [1, 3], [1-3], [Statement 2]; only square brackets are citations.
_MARKER = re.compile(r"\[\s*(?:statements?\s*)?(\d+(?:\s*(?:[,;]|-|–|and)\s*(?:statements?\s*)?\d+)*)\s*\]", re.I)
_MARKER_RUN = re.compile(rf"(?:\s*{_MARKER.pattern})+", re.I)
# Markers written after the full stop ("... 10%. [1]") belong to the sentence before it.
_MARKERS_AFTER_STOP = re.compile(rf"([.!?])((?:\s*{_MARKER.pattern})+)", re.I)
# A marker run followed by a new capitalised sentence ends a sentence even without a full stop or a
# space ("... for clinicians. [4]NMS is ...").
_MARKER_THEN_CAPITAL = re.compile(rf"({_MARKER.pattern})\s*(?=[A-Z])", re.I)
# Leading list labels: "1.", "2)", "-", "*", "•", "(a)", "a)", "iv.", markdown headings "#".
_LIST_LABEL = re.compile(
    r"^\s*(?:#{1,6}\s+|[-*•+–]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+|\(?[ivx]{1,4}[.)]\s+|\([a-z0-9]{1,3}\)\s+)+", re.I
)
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S | re.I)
_EMPHASIS = re.compile(r"\*\*|__|`")

# Figures: "1,000", "10", "0.5", ".5", with an optional percent sign or word.
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+)(?!\w)(\s*(?:%|percent\b|per\s*cent\b))?", re.I
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and)\s*$", re.I)
# Number words a model may write for a figure. "one" is left out: it is mostly a pronoun ("one of the").
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)

# Closed-class words the index's stop list (33 words) keeps but that assert nothing: pronouns,
# auxiliaries of be/have/do, linking prepositions and connectives, and words that refer to the
# statements themselves. Modal verbs (may, can, should), quantifiers (all, most, some), comparatives
# and temporal words (before, after) change a claim and stay content words.
FUNCTION_WORDS = frozenset(
    """its his her hers he she we you i me us our your them those which who whom whose what
    has have had having been being were am do does did done from than also however additionally
    furthermore moreover overall summary conclusion both either whether well as so here
    statement statements according""".split()
)
# NegEx-style negation (Chapman et al. 2001): a cue negates the next few words of its clause.
NEGATION_CUES = frozenset("no not never without cannot none neither nor nothing".split())
NEGATION_SCOPE_WORDS = 6  # NegEx's window is 5 words; one more for "not be the" style phrasing
_SCOPE_END = frozenset("but however although though whereas while yet except".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|[,;:!?()]|\.(?!\d)")
# Stands in for a name whose synonym the sources use: still a word (negation scopes stay the same), never a claim.
_SYNONYM_SLOT = "synonymslot"


class _Claim(BaseModel):
    """A content word as written, its stem and whether it stands in a negated clause."""

    model_config = ConfigDict(frozen=True)
    word: str
    stem: str
    negated: bool


@lru_cache(maxsize=8192)
def _stems(word: str) -> tuple[str, ...]:
    return tuple(tokenize([word])[0])


def _claims(text: str) -> list[_Claim]:
    """Content words of ``text`` with their polarity (figures and number words are checked apart)."""
    out: list[_Claim] = []
    scope = 0
    for match in _WORD.finditer(text):
        token = match.group(0)
        lower = token.lower().replace("’", "'")
        if not token[0].isalpha() or lower in _SCOPE_END:
            scope = 0
            continue
        if lower in NEGATION_CUES or lower.endswith("n't"):
            scope = NEGATION_SCOPE_WORDS
            continue
        negated = scope > 0
        scope = max(scope - 1, 0)
        if lower in FUNCTION_WORDS or lower in NUMBER_WORDS or lower == _SYNONYM_SLOT:
            continue
        for stem in _stems(lower):
            if not stem.isdigit():
                out.append(_Claim(word=token, stem=stem, negated=negated))
    return out


def _figures(text: str) -> list[tuple[str, float, bool]]:
    """(as written, value, is a percentage) for every figure in ``text``; the first end of a
    percentage range ("10-20%", "10 to 20 percent") is a percentage too."""
    found: list[tuple[int, int, str, float, bool]] = []
    for m in _NUMBER.finditer(text):
        found.append((m.start(), m.end(), m.group(0).strip(), float(m.group(1).replace(",", "")), bool(m.group(2))))
    for m in _NUMBER_WORD.finditer(text):
        found.append((m.start(), m.end(), m.group(0), float(NUMBER_WORDS[m.group(1).lower()]), False))
    found.sort()
    figures = []
    for i, (_start, end, written, value, percent) in enumerate(found):
        if not percent and i + 1 < len(found) and found[i + 1][4] and _RANGE_JOIN.match(text[end : found[i + 1][0]]):
            percent = True
        figures.append((written, value, percent))
    return figures


def _split(output: str) -> list[str]:
    """The model's output as sentences (list labels removed, citation markers kept)."""
    text = _EMPHASIS.sub("", _THINK.sub("", output))
    sentences: list[str] = []
    for raw_line in text.splitlines():
        line = _LIST_LABEL.sub("", raw_line).strip()
        if not line:
            continue
        line = _MARKERS_AFTER_STOP.sub(_marker_before_stop, line)
        line = _MARKER_THEN_CAPITAL.sub(lambda m: m.group(1) + "\n", line)
        for part in line.split("\n"):
            for start, end in split_sentences(part):
                sentence = _LIST_LABEL.sub("", part[start:end]).strip()
                if re.search(r"[A-Za-z0-9]", _MARKER_RUN.sub("", sentence)):
                    sentences.append(sentence)
                elif sentences and _MARKER.search(sentence):  # a marker run alone belongs to the sentence before
                    sentences[-1] = f"{sentences[-1]} {sentence}"
    return sentences


def _marker_before_stop(m: re.Match[str]) -> str:
    """'... 10%. [1]' as '... 10% [1].', ending the sentence there when the next one starts at once."""
    follows = m.string[m.end() : m.end() + 1]
    return f"{m.group(2)}{m.group(1)}" + ("\n" if follows.isupper() else "")


def _cited(sentence: str) -> list[int]:
    numbers: list[int] = []
    for m in _MARKER.finditer(sentence):
        for part in re.split(r"\s*(?:[,;]|and)\s*", m.group(1)):
            bounds = [int(x) for x in re.findall(r"\d+", part)]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] <= 20:  # "[1-3]"
                bounds = list(range(bounds[0], bounds[1] + 1))
            numbers += [b for b in bounds if b not in numbers]
    return numbers


def _bare(sentence: str) -> str:
    """The sentence without its citation markers, as it is shown."""
    text = _MARKER_RUN.sub("", sentence)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return " ".join(text.split())


def _remove_synonyms(text: str, sources: str, vocabulary: Vocabulary) -> str:
    """Blank out names whose synonym group the sources mention ("CPK" when a statement says
    "creatine kinase"): a word counts as present if a synonym of it is present."""
    for group in vocabulary.groups + vocabulary.entities:
        if any(vocabulary.pattern(t).search(sources) for t in group):
            for term in group:
                text = vocabulary.pattern(term).sub(f" {_SYNONYM_SLOT} ", text)
    return text


def _quote(words: list[str]) -> str:
    return ", ".join(f'"{w}"' for w in dict.fromkeys(words))


def _refs(numbers: list[int]) -> str:
    return ("statement " if len(numbers) == 1 else "statements ") + "".join(f"[{n}]" for n in numbers)


def _check(
    sentence: str, cited: list[int], statements: list[str], question_stems: set[str], vocabulary: Vocabulary
) -> list[str]:
    """Why ``sentence`` is not supported by the statements it cites (empty when it is)."""
    sources = " ".join(statements[n - 1] for n in cited)
    problems: list[str] = []
    figures = _figures(sentence)
    available = _figures(sources)
    missing = [w for w, v, pct in figures if not any(v == v2 and (pct2 or not pct) for _, v2, pct2 in available)]
    if missing:
        problems.append(f"{_quote(missing)} not in {_refs(cited)}")
    affirmed = {c.stem for c in _claims(sources) if not c.negated}
    negated = {c.stem for c in _claims(sources) if c.negated}
    checked = _remove_synonyms(sentence, sources, vocabulary)
    absent: list[str] = []
    flipped: list[str] = []
    unnegated: list[str] = []
    content = 0  # words (or negations) of its own, beyond the question's
    for claim in _claims(checked):
        content += claim.negated or claim.stem not in question_stems
        if claim.negated and claim.stem not in negated:
            (unnegated if claim.stem in affirmed else absent).append(claim.word)
        elif not claim.negated and claim.stem not in affirmed:
            (flipped if claim.stem in negated else absent).append(claim.word)
    if absent:
        problems.append(f"{_quote(absent)} not in {_refs(cited)}")
    if flipped:
        problems.append(f"{_quote(flipped)} asserted here but negated in {_refs(cited)}")
    if unnegated:
        problems.append(f"{_quote(unnegated)} negated here but not in {_refs(cited)}")
    if not content and not figures:
        problems.append("no content beyond the question's own words")
    problems += role_conflicts(sentence, [statements[n - 1] for n in cited], _refs(cited))
    return problems


def _verdicts(
    output: str, statements: list[str], question: str, vocabulary: Vocabulary
) -> list[tuple[str, SynthesisSentence | None, str]]:
    """Each sentence of ``output`` as written, the verified sentence (None when dropped) and the reason."""
    question_stems = {c.stem for c in _claims(question)}
    out: list[tuple[str, SynthesisSentence | None, str]] = []
    seen: set[str] = set()
    for sentence in _split(output):
        numbers = _cited(sentence)
        valid = [n for n in numbers if 1 <= n <= len(statements)]
        text = _bare(sentence)
        if not numbers:
            reason = "cites no statement"
        elif not valid:
            reason = f"cites {''.join(f'[{n}]' for n in numbers)}, which this answer does not have"
        elif word_key(text) in seen:
            reason = "repeats an earlier sentence"
        else:
            reason = "; ".join(_check(text, valid, statements, question_stems, vocabulary))
        seen.add(word_key(text))
        out.append((sentence.strip(), None if reason else SynthesisSentence(text=text, statements=valid), reason))
    return out


def verify(
    output: str, statements: list[str], question: str, vocabulary: Vocabulary
) -> tuple[list[SynthesisSentence], list[DroppedSentence]]:
    """Split a model's output into sentences and keep those the statements they cite support.

    ``statements`` are numbered from 1 in the order given. Returns (kept, dropped), each in the
    output's order; a kept sentence's ``citations`` are left empty (``synthesize`` fills them)."""
    verdicts = _verdicts(output, statements, question, vocabulary)
    kept = [v for _, v, _ in verdicts if v is not None]
    dropped = [DroppedSentence(text=raw, reason=reason) for raw, v, reason in verdicts if v is None]
    return kept, dropped


# --- The model call ------------------------------------------------------------------------


def make_chat_model(settings: SynthesisSettings) -> BaseChatModel:
    """LangChain's OpenAI-compatible chat model for ``settings`` (the ``synthesis`` extra).

    No sampling parameter is sent, so the server's defaults apply; no retries, so ``timeout_s``
    bounds the wait."""
    from langchain_openai import ChatOpenAI

    key = settings.api_key or SecretStr(PLACEHOLDER_API_KEY)
    return ChatOpenAI(
        base_url=settings.base_url,
        model=settings.model or "",
        api_key=key,
        timeout=settings.timeout_s,
        max_retries=0,
        # as max_tokens, which every local server reads (ChatOpenAI's own field is sent as
        # max_completion_tokens, which llama.cpp's Python server ignores: it then writes until its context is full)
        extra_body={"max_tokens": MAX_OUTPUT_TOKENS},
    )


# Why a supported sentence is not shown when the synthesis as a whole falls back.
WITHHELD = "supported, but withheld: fewer than half of the sentences were supported"


class _NoAnswer(Exception):
    """The model gave no usable answer; the message is the note's reason."""


def _ask(model: BaseChatModel, messages: list[BaseMessage], timeout_s: float) -> str:
    """The model's reply text, waiting at most ``timeout_s`` whatever the client does."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["reply"] = model.invoke(messages)
        except Exception as exc:  # noqa: BLE001 - any client failure becomes the note, never a traceback
            box["error"] = exc

    worker = threading.Thread(target=run, name="nms-synthesis", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise _NoAnswer(f"the language model did not answer within {timeout_s:g} s")
    if "error" in box:
        raise _NoAnswer(_describe(box["error"], timeout_s))
    reply = box["reply"]
    text = (
        reply.text if hasattr(reply, "text") and isinstance(reply.text, str) else str(getattr(reply, "content", reply))
    )
    text = _THINK.sub("", text).strip()
    if not text:
        raise _NoAnswer("the language model returned no text")
    return text


def _describe(exc: BaseException, timeout_s: float) -> str:
    name = type(exc).__name__
    if "Timeout" in name:
        return f"the language model did not answer within {timeout_s:g} s"
    if "Connection" in name or isinstance(exc, ConnectionError):
        return "could not reach the language model (is the server running?)"
    detail = " ".join(str(exc).split())[:160]
    return f"the language model failed ({name}: {detail})" if detail else f"the language model failed ({name})"


def _model_name(settings: SynthesisSettings, model: BaseChatModel | None) -> str:
    """The name of the model that writes: the chat model's own when one is given, else the settings'."""
    if model is None:
        return settings.model or ""
    for attribute in ("model_name", "model", "model_id"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def synthesize(
    answer: Answer, settings: SynthesisSettings, vocabulary: Vocabulary, chat_model: BaseChatModel | None = None
) -> Synthesis:
    """A verified synthesis of ``answer``'s statements (guideline statements, then research findings),
    by ``chat_model`` or else the model ``settings`` name. Never raises for a model failure."""
    from assistant.answer import strip_instructions  # here: the answer's records may come to import this module

    model_name = _model_name(settings, chat_model)
    statements = list(answer.guideline_statements) + list(answer.research_findings)
    if answer.status != "answered" or not statements:
        return Synthesis(
            status=SynthesisStatus.UNAVAILABLE,
            model=model_name,
            note="No synthesis: the answer has no statements to summarise.",
        )
    if chat_model is None:
        if not settings.enabled:
            return Synthesis(
                status=SynthesisStatus.UNAVAILABLE,
                model=model_name,
                note="No synthesis: set synthesis.base_url and synthesis.model to turn it on.",
            )
        try:
            chat_model = make_chat_model(settings)
        except ImportError:
            return Synthesis(
                status=SynthesisStatus.UNAVAILABLE,
                model=model_name,
                note="No synthesis: install the extra with pip install 'nms-assistant[synthesis]'.",
            )
    # a follow-up or a case description is given to the model as it was understood ("what about bromocriptine?"
    # alone asks nothing); the understood form never holds the typed question's instructions
    question, _ignored = strip_instructions(" ".join((answer.understood_as or answer.question).split()))
    texts = [s.text for s in statements]
    try:
        output = _ask(chat_model, build_prompt(question, texts), settings.timeout_s)
    except _NoAnswer as reason:
        return Synthesis(
            status=SynthesisStatus.UNAVAILABLE,
            model=model_name,
            note=f"No synthesis: {reason}; the extractive answer is shown.",
        )
    verdicts = _verdicts(output, texts, question, vocabulary)
    kept = [v for _, v, _ in verdicts if v is not None]
    if not verdicts:
        return Synthesis(
            status=SynthesisStatus.UNAVAILABLE,
            model=model_name,
            note="No synthesis: the language model returned no sentences; the extractive answer is shown.",
        )
    if not kept or 2 * len(kept) < len(verdicts):
        return Synthesis(
            status=SynthesisStatus.FALLBACK,
            model=model_name,
            dropped=[DroppedSentence(text=raw, reason=reason or WITHHELD) for raw, _, reason in verdicts],
            note=f"Synthesis withheld: {len(kept)} of {len(verdicts)} sentences were supported by the statements "
            "they cite; the extractive summary stands.",
        )
    for sentence in kept:
        sentence.citations = sorted({c for n in sentence.statements for c in statements[n - 1].citations})
    dropped = [DroppedSentence(text=raw, reason=reason) for raw, v, reason in verdicts if v is None]
    return Synthesis(status=SynthesisStatus.VERIFIED, sentences=kept, dropped=dropped, model=model_name)
