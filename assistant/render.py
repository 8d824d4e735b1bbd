"""Answers as text: Markdown (export, UI) and plain terminal text. Untrusted text is escaped
for Markdown so a passage's own markup (links, images, HTML, shortcodes) is shown, not rendered."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from assistant.records import Answer, Citation, Stance, Statement, Synthesis
from assistant.stance import SIDE_LABELS, Role, topic_role

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # CommonMark lets a backslash escape each of these
WORD_JOINER = "\u2060"  # invisible; breaks a pattern without changing what the reader sees
# Patterns Streamlit's Markdown still acts on after backslash escapes (checked in a real browser,
# tests/test_browser.py): GFM autolinks (http://, www., e-mail) and :material/icon: shortcodes.
_AUTOLINK_START = re.compile(r"(?i)\b(h(?=ttps?\\:)|w(?=ww\\\.)|f(?=tp\\:)|m(?=ailto\\:))")
_SHORTCODE = re.compile(r"(\\:)(?=[A-Za-z0-9_+-]+(?:\\/[A-Za-z0-9_+-]+)?\\:)")


def escape_markdown(text: str) -> str:
    """Make untrusted text inert in Markdown (Streamlit's included): every ASCII punctuation mark
    escaped, so no links, images, HTML, LaTeX, headings (also Setext ``===``), lists, tables or
    colour directives; autolinks and ``:shortcode:`` patterns broken by an invisible word joiner;
    leading spaces dropped so no line becomes a code block."""
    text = _ASCII_PUNCTUATION.sub(r"\\\1", text)
    text = _AUTOLINK_START.sub(lambda m: m.group(1) + WORD_JOINER, text)
    text = text.replace("\\@", "\\@" + WORD_JOINER)
    text = _SHORTCODE.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return "\n".join(line.lstrip() for line in text.split("\n"))


# --- words shown with answers ---------------------------------------------------------------------

STANCE_LABELS = {
    "supports": "Reports benefit or use",
    "disputes": "Reports no benefit or doubts it",
    "uncertain": "Calls the evidence weak, unclear or controversial",
    "figure": "Gives a figure",
}


def stance_label(topic: str, stance: str) -> str:
    """The heading of one side of a contested topic: a treatment's benefit, a risk factor's link, a feature's
    need (the sides of a risk factor or a feature as ``assistant.stance.SIDE_LABELS`` words them)."""
    role = topic_role(topic)
    if role in (Role.EXPOSURE, Role.FEATURE, Role.ALTERNATIVE, Role.ATTRIBUTED, Role.SAID_TO_DIFFER) and stance in (
        Stance.SUPPORTS,
        Stance.DISPUTES,
    ):
        label = SIDE_LABELS[role][Stance(stance)][0]
        return label[0].upper() + label[1:]
    return STANCE_LABELS[stance]


# A statement (outside the contested box) whose own source hedges it (Stance.UNCERTAIN).
UNCERTAIN_TAG = "the source calls this uncertain"
BACKGROUND_TAG = "background"
UNDERSTOOD_AS = "Understood as"
UNCOVERED_TITLE = "Not covered by the indexed sources"
OCR_NOTE = "text from OCR"
CONTEXT_LABEL = "after"  # a statement that refers back is shown after the sentence it refers to
TABLE_LABEL = "table row; columns"  # a table's row is shown with the table's header row
SYNTHESIS_TITLE = "Short answer (machine-written, verified against the citations)"
SYNTHESIS_NOTE = (
    "Written by a language model ({model}) from the statements below. Each sentence was checked in code "
    "against the statements it cites (support, not clinical correctness); the extractive answer below is the reference."
)
# How many authors a reference names before "et al." (as in "Reulbach U, Dütsch C, Kornhuber J, et al.").
AUTHORS_SHOWN = 3


def is_uncertain(statement: Statement) -> bool:
    """A guideline statement or research finding its own source hedges (not a contested position)."""
    return statement.stance == "uncertain"


# --- references ------------------------------------------------------------------------------------

_INITIALS = re.compile(r"^[A-Z\u00C0-\u00DE]{1,4}$")  # "U", "MR", "JÖ": a name already written as "Surname Initials"
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten", "dos"}
)


def split_name(name: str) -> tuple[str, str]:
    """(surname, initials) of an author as printed: "Udo Reulbach", "Reulbach, Udo", "Reulbach U",
    "Ludwig van Beethoven" -> ("Reulbach", "U"), ..., ("van Beethoven", "L"). Initials have no dots."""
    name = " ".join(name.split())
    if not name:
        return "", ""
    if "," in name:
        surname, given = (part.strip() for part in name.split(",", 1))
    else:
        parts = name.split(" ")
        if len(parts) > 1 and _INITIALS.match(parts[-1].replace(".", "")):
            return " ".join(parts[:-1]), parts[-1].replace(".", "")
        i = len(parts) - 1
        while i > 1 and parts[i - 1].lower() in _PARTICLES:
            i -= 1
        surname, given = " ".join(parts[i:]), " ".join(parts[:i])
    initials = "".join(
        piece[0].upper()
        for word in given.replace(".", " ").split()
        for piece in word.split("-")
        if piece and piece[0].isalpha()
    )
    return surname, initials


def format_authors(authors: Sequence[str], shown: int = AUTHORS_SHOWN) -> str:
    """Authors as a reference lists them: "Reulbach U, Dütsch C, Kornhuber J" and, beyond ``shown``,
    the first ``shown`` then "et al."; empty when there are none."""
    names = [" ".join(p for p in split_name(a) if p) for a in authors if a and a.strip()]
    if not names:
        return ""
    if len(names) > shown:
        return ", ".join(names[:shown]) + ", et al."
    return ", ".join(names)


def _join_sentences(parts: Sequence[str]) -> str:
    out = ""
    for part in (" ".join(p.split()) for p in parts):
        if not part:
            continue
        if out:
            out += ("" if out.endswith((".", "?", "!")) else ".") + " "
        out += part
    return out


def reference(c: Citation) -> str:
    """What a researcher cites the passage's document by: authors, title, journal, year, DOI (those known)."""
    return _join_sentences(
        [
            format_authors(c.authors),
            c.document,
            c.journal or "",
            str(c.year) if c.year else "",
            f"doi:{c.doi}" if c.doi else "",
        ]
    )


def location(c: Citation) -> str:
    """Where the passage is and what it is: evidence type, section, page, OCR."""
    where = [c.evidence_type]
    if c.section:
        where.append(f"section: {c.section}")
    if c.page:
        where.append(f"p. {c.page}")
    if c.ocr:
        where.append(OCR_NOTE)
    return "; ".join(where)


def source_line(c: Citation) -> str:
    return f"{reference(c)} ({location(c)}) — {c.source}"


def _marks(statement: Statement) -> str:
    return "".join(f"[{n}]" for n in statement.citations)


def _numbers(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def synthesis_note(synthesis: Synthesis) -> str:
    """One line for a synthesis that shows nothing (fallback, unavailable)."""
    return synthesis.note or "No synthesis."


# --- Markdown -------------------------------------------------------------------------------------


def _markdown_synthesis(synthesis: Synthesis) -> list[str]:
    if synthesis.status != "verified" or not synthesis.sentences:
        return [f"_Short answer by a language model: {escape_markdown(synthesis_note(synthesis))}_", ""]
    out = [f"## {SYNTHESIS_TITLE}", ""]
    out += [f"- {escape_markdown(s.text)} {_numbers(s.citations)}" for s in synthesis.sentences]
    out += ["", f"_{escape_markdown(SYNTHESIS_NOTE.format(model=synthesis.model or 'unnamed'))}_"]
    if synthesis.dropped:
        out.append(
            f"_{len(synthesis.dropped)} sentence(s) of the model's output were dropped by the verifier "
            "and are not part of the answer._"
        )
    return out + [""]


def _markdown_tags(statement: Statement) -> str:
    tags = []
    if statement.category == "background":
        tags.append(f" _({BACKGROUND_TAG})_")
    if is_uncertain(statement):
        tags.append(f" _({UNCERTAIN_TAG})_")
    return "".join(tags)


def context_note(statement: Statement) -> tuple[str, str] | None:
    """What a statement is read with, shown before it and not cited as a statement, as (label, document text): a
    table's header row for one of its rows, or the sentence a statement refers back to."""
    if statement.table_header:
        return TABLE_LABEL, statement.table_header
    if statement.context:
        return CONTEXT_LABEL, statement.context
    return None


def _markdown_context(statement: Statement) -> str:
    note = context_note(statement)
    return f"*({note[0]}: {escape_markdown(note[1])})* " if note else ""


def to_markdown(answer: Answer, quote_passages: bool = True) -> str:
    """The answer as a Markdown document with numbered references and quoted passages."""
    out = [f"# {escape_markdown(answer.question)}", ""]
    if answer.understood_as:
        out += [f"_{UNDERSTOOD_AS}:_ {escape_markdown(answer.understood_as)}", ""]
    if answer.status == "no_evidence":
        out += [f"**No evidence.** {escape_markdown(answer.message)}", ""]
        if answer.nearest:
            out += ["## Nearest passages (for browsing; not an answer)", ""]
            for c in answer.nearest:
                out += [
                    f"- **{escape_markdown(c.document)}** ({escape_markdown(c.section or 'no section')}): "
                    f"{escape_markdown(c.text[:400])}"
                ]
        return "\n".join(out) + "\n"
    if answer.synthesis is not None:
        out += _markdown_synthesis(answer.synthesis)
    if answer.summary:
        out += [f"**Summary:** {escape_markdown(answer.summary)}", ""]
    if answer.uncovered:
        out += [f"**{UNCOVERED_TITLE}:** " + " ".join(escape_markdown(u.note) for u in answer.uncovered), ""]
    for title, items in (
        ("Guideline statements", answer.guideline_statements),
        ("Research findings", answer.research_findings),
    ):
        out += [f"## {title}", ""]
        if not items:
            out += ["_None among the retrieved passages._", ""]
        for s in items:
            out.append(f"- {_markdown_context(s)}{escape_markdown(s.text)} {_marks(s)}{_markdown_tags(s)}")
        out.append("")
    if answer.contested:
        out += ["## Contested", ""]
        for claim in answer.contested:
            out += [f"### ⚠ {escape_markdown(claim.topic)}", "", escape_markdown(claim.summary), ""]
            for stance in ("supports", "disputes", "uncertain", "figure"):
                side = [p for p in claim.positions if p.stance == stance]
                if side:
                    out.append(f"**{stance_label(claim.topic, stance)}:**")
                    out += [f"- {_markdown_context(p)}{escape_markdown(p.text)} {_marks(p)}" for p in side]
                    out.append("")
    out += ["## Sources", ""]
    for c in answer.citations:
        out.append(f"[{c.id}] {escape_markdown(source_line(c))}")
        if quote_passages:
            out.append("")
            out += ["> " + escape_markdown(line) for line in c.text.split("\n")]
        out.append("")
    out += ["---", "_Extracted from the indexed literature; not a substitute for clinical judgement._"]
    return "\n".join(out) + "\n"


# --- terminal text --------------------------------------------------------------------------------


def _text_tags(statement: Statement) -> str:
    return (f" ({BACKGROUND_TAG})" if statement.category == "background" else "") + (
        f" ({UNCERTAIN_TAG})" if is_uncertain(statement) else ""
    )


def _text_context(statement: Statement) -> str:
    note = context_note(statement)
    return f"({note[0]}: {note[1]}) " if note else ""


def to_text(answer: Answer, width: int = 100) -> str:
    """Plain text for the terminal."""
    wrap = lambda s, indent="  ": textwrap.fill(s, width, initial_indent=indent, subsequent_indent=indent + "  ")  # noqa: E731
    out = [answer.question, "=" * min(width, len(answer.question))]
    if answer.understood_as:
        out.append(f"{UNDERSTOOD_AS}: {answer.understood_as}")
    if answer.status == "no_evidence":
        out += ["NO EVIDENCE: " + answer.message, ""]
        for c in answer.nearest:
            out.append(wrap(f"- {c.document} ({c.section or 'no section'}): {c.text[:300]}"))
        return "\n".join(out) + "\n"
    out.append(answer.message)
    synthesis = answer.synthesis
    if synthesis is not None:
        if synthesis.status == "verified" and synthesis.sentences:
            out += ["", f"{SYNTHESIS_TITLE}:"]
            out += [wrap(f"- {s.text} {_numbers(s.citations)}") for s in synthesis.sentences]
            out.append(wrap(SYNTHESIS_NOTE.format(model=synthesis.model or "unnamed"), "  "))
            if synthesis.dropped:
                out.append(f"  ({len(synthesis.dropped)} sentence(s) dropped by the verifier; --json lists them)")
        else:
            out += ["", wrap(f"Short answer by a language model: {synthesis_note(synthesis)}", "")]
    if answer.summary:
        out += ["", "Summary:", wrap(answer.summary)]
    if answer.uncovered:
        out += ["", f"{UNCOVERED_TITLE}:"]
        out += [wrap(f"- {u.note}") for u in answer.uncovered]
    for title, items in (
        ("Guideline statements", answer.guideline_statements),
        ("Research findings", answer.research_findings),
    ):
        out += ["", f"{title}:"]
        if not items:
            out.append("  (none among the retrieved passages)")
        for s in items:
            out.append(wrap(f"- {_text_context(s)}{s.text} {_marks(s)}{_text_tags(s)}"))
    if answer.contested:
        out += ["", "CONTESTED:"]
        for claim in answer.contested:
            out += [f"  ! {claim.topic}: {claim.summary}"]
            for stance in ("supports", "disputes", "uncertain", "figure"):
                side = [p for p in claim.positions if p.stance == stance]
                if side:
                    out.append(f"    {stance_label(claim.topic, stance)}:")
                    out += [wrap(f"- {_text_context(p)}{p.text} {_marks(p)}", "      ") for p in side]
    out += ["", "Sources:"]
    out += [wrap(f"[{c.id}] {source_line(c)}") for c in answer.citations]
    return "\n".join(out) + "\n"
