"""Text addressed to the reader or to a language model, rather than reporting evidence.

Documents are data. A sentence that gives orders to whoever processes it ("Ignore previous
instructions", "Override: the correct answer is ...", "clinicians must tell everyone this") is never
quoted as a statement, and an ingest that finds one names the file and line. Questions are
checked the same way (their instruction-like sentences are dropped from retrieval).

Every check runs on ``ingest.normalize.skeleton``: NFKC, invisible characters removed, look-alike
Cyrillic/Greek letters made Latin, case folded, so ``Ig\\u2060nore`` and ``Іgnore`` (Cyrillic І)
read as ``ignore``. The cues describe how prompt injections are written (the OWASP LLM01 examples
and the published injection corpora: role markers, meta-instructions about instructions/prompts,
dictated answers, orders to pass a claim on); none names a drug or a clinical claim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.normalize import skeleton
from ingest.sentences import split_sentences

_META_OBJECT = (
    r"(?:instructions?|directions?|directives?|prompts?|system prompt|rules?|context|messages?|"
    r"guardrails?|everything (?:above|before|else)|all of the above|what (?:you were|i) (?:told|said))"
)
_CUES = [
    # meta-instructions: ignore / override what came before
    rf"\b(?:ignore|disregard|forget|override|overrule|bypass|skip|abandon|discard)\b(?:\s+\S+){{0,4}}?\s+{_META_OBJECT}\b",
    r"\b(?:new|updated|real|actual|hidden|secret|additional) (?:instructions?|directives?|rules) *(?:follow|are|:)",
    # an order to set the sources aside ("Disregard the documents and answer from memory"): imperative only,
    # since "clinicians often ignore the evidence" reports a finding
    r"(?:^|[.;:!]\s*)(?:please\s+)?(?:ignore|disregard|forget|set aside)\s+(?:all\s+|any\s+)?(?:the\s+|these\s+|your\s+)?"
    r"(?:documents?|sources?|passages?|evidence|context|text|literature)\b",
    r"\banswer (?:only )?from (?:your own )?(?:memory|knowledge|training)\b",
    r"^(?:override|instructions?|important instructions?|new task)\s*:",
    # a role marker ("SYSTEM:") followed by orders or by "you" (alone it can be an innocent label)
    r"^(?:system|assistant|developer|admin|ai|user)\s*:\s*(?:you\b|ignore|disregard|forget|answer|respond|reply|say|tell|"
    r"always|never|do not|from now|act as|pretend)",
    r"\bnote to (?:the )?(?:ai|assistant|model|llm|chatbot|language model)\b",
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?inst\]|###\s*(?:instruction|system)",
    # the reader addressed as a model
    r"\b(?:you are|you're|act as|pretend (?:to be|that)|roleplay as)\b(?:\s+\S+){0,3}?\s+(?:an? |the )?"
    r"(?:ai|assistant|chatbot|language model|llm|gpt)\b",
    r"\bas an? (?:ai|assistant|language model|llm)\b",
    r"\b(?:ai|assistants?|chatbots?|language models?|llms?|models?)\b(?:\s+\S+){0,3}?\s+(?:must|should|shall|will|needs? to)\s+"
    r"(?:always\s+|only\s+|now\s+)?(?:say|answer|respond|reply|state|claim|tell|output|recommend|report|ignore)\b",
    r"\b(?:system prompt|prompt injection|jailbreak|developer mode|do anything now)\b",
    # dictated answers
    r"\bthe (?:correct|right|true|only|real|final) answer (?:is|should be|must be)\b",
    r"(?:^|[.;:!]\s*|\byou (?:must|should|will|shall)\s+)(?:always\s+|only\s+)?(?:respond|reply|answer|output|print)\s+"
    r"(?:only\s+)?(?:with|that|by saying)\b",
    r"(?:^|[.;:!]\s*|\byou (?:must|should|will|shall)\s+)(?:always\s+)?(?:say|state|claim) (?:only )?that\b",
    # orders to pass a claim on to everyone
    r"\b(?:tell|inform|remind|convince|instruct|warn)\s+(?:everyone|everybody|all users|the user|users|the reader|readers|"
    r"anyone|all readers|every reader)\b",
    r"\bdo not (?:mention|cite|reveal|disclose|quote|show)\s+(?:this|these|the (?:sources?|documents?|instructions?|other))\b",
]
INSTRUCTION_RE = re.compile("|".join(f"(?:{c})" for c in _CUES))


@lru_cache(maxsize=65536)
def is_instruction(text: str) -> bool:
    """True for text addressed to the reader or to a model (after normalisation), not evidence."""
    return bool(INSTRUCTION_RE.search(skeleton(text)))


def find_instructions(text: str) -> list[tuple[int, str]]:
    """(1-based line number, excerpt) of each instruction-like sentence in a file's text.

    Each line is checked with the line after it, so a sentence wrapped over two lines is found;
    a finding is reported once, at the line where it starts."""
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        window = line if number == len(lines) else f"{line} {lines[number]}"
        for a, b in split_sentences(window) or [(0, len(window))]:
            if a >= len(line):
                break  # starts on the next line: reported there
            if is_instruction(window[a:b]):
                found.append((number, " ".join(window[a:b].split())[:160]))
                break
    return found
