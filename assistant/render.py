"""Answers as text: Markdown (export, UI) and plain terminal text. Untrusted text is escaped
for Markdown so a passage's own markup (links, images, HTML, shortcodes) is shown, not rendered."""

from __future__ import annotations

import re
import textwrap

from assistant.records import Answer, Citation, Statement

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


def _marks(statement: Statement) -> str:
    return "".join(f"[{n}]" for n in statement.citations)


def source_line(c: Citation) -> str:
    where = [c.evidence_type]
    if c.section:
        where.append(f"section: {c.section}")
    if c.page:
        where.append(f"p. {c.page}")
    return f"{c.document} ({'; '.join(where)}) — {c.source}"


STANCE_LABELS = {
    "supports": "Reports benefit or use",
    "disputes": "Reports no benefit or doubts it",
    "uncertain": "Calls the evidence weak, unclear or controversial",
    "figure": "Gives a figure",
}


def to_markdown(answer: Answer, quote_passages: bool = True) -> str:
    """The answer as a Markdown document with numbered references and quoted passages."""
    out = [f"# {escape_markdown(answer.question)}", ""]
    if answer.status == "no_evidence":
        out += [f"**No evidence.** {escape_markdown(answer.message)}", ""]
        if answer.nearest:
            out += ["## Nearest passages (for browsing; not an answer)", ""]
            for c in answer.nearest:
                out += [f"- **{escape_markdown(c.document)}** ({escape_markdown(c.section or 'no section')}): "
                        f"{escape_markdown(c.text[:400])}"]
        return "\n".join(out) + "\n"
    if answer.summary:
        out += [f"**Summary:** {escape_markdown(answer.summary)}", ""]
    for title, items in (("Guideline statements", answer.guideline_statements),
                         ("Research findings", answer.research_findings)):
        out += [f"## {title}", ""]
        if not items:
            out += ["_None among the retrieved passages._", ""]
        for s in items:
            tag = " _(background)_" if s.category == "background" else ""
            out.append(f"- {escape_markdown(s.text)} {_marks(s)}{tag}")
        out.append("")
    if answer.contested:
        out += ["## Contested", ""]
        for claim in answer.contested:
            out += [f"### ⚠ {escape_markdown(claim.topic)}", "", escape_markdown(claim.summary), ""]
            for stance in ("supports", "disputes", "uncertain", "figure"):
                side = [p for p in claim.positions if p.stance == stance]
                if side:
                    out.append(f"**{STANCE_LABELS[stance]}:**")
                    out += [f"- {escape_markdown(p.text)} {_marks(p)}" for p in side]
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


def to_text(answer: Answer, width: int = 100) -> str:
    """Plain text for the terminal."""
    wrap = lambda s, indent="  ": textwrap.fill(s, width, initial_indent=indent, subsequent_indent=indent + "  ")  # noqa: E731
    out = [answer.question, "=" * min(width, len(answer.question))]
    if answer.status == "no_evidence":
        out += ["NO EVIDENCE: " + answer.message, ""]
        for c in answer.nearest:
            out.append(wrap(f"- {c.document} ({c.section or 'no section'}): {c.text[:300]}"))
        return "\n".join(out) + "\n"
    out.append(answer.message)
    if answer.summary:
        out += ["", "Summary:", wrap(answer.summary)]
    for title, items in (("Guideline statements", answer.guideline_statements),
                         ("Research findings", answer.research_findings)):
        out += ["", f"{title}:"]
        if not items:
            out.append("  (none among the retrieved passages)")
        for s in items:
            tag = " (background)" if s.category == "background" else ""
            out.append(wrap(f"- {s.text} {_marks(s)}{tag}"))
    if answer.contested:
        out += ["", "CONTESTED:"]
        for claim in answer.contested:
            out += [f"  ! {claim.topic}: {claim.summary}"]
            for stance in ("supports", "disputes", "uncertain", "figure"):
                side = [p for p in claim.positions if p.stance == stance]
                if side:
                    out.append(f"    {STANCE_LABELS[stance]}:")
                    out += [wrap(f"- {p.text} {_marks(p)}", "      ") for p in side]
    out += ["", "Sources:"]
    out += [wrap(f"[{c.id}] {source_line(c)}") for c in answer.citations]
    return "\n".join(out) + "\n"
