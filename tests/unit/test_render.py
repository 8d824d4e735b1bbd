"""Answers as Markdown (assistant.render): untrusted text made inert, and the layout of an answer
with its numbered citations."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from assistant.records import Answer, Category, Citation, ContestedClaim, Stance, Statement, Status
from assistant.render import WORD_JOINER, escape_markdown, to_markdown

WJ = WORD_JOINER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("Fever ≥ 38 °C", "Fever ≥ 38 °C"),
        ("[click](http://evil.example)", f"\\[click\\]\\(h{WJ}ttp\\:\\/\\/evil\\.example\\)"),
        ("![img](x.png)", "\\!\\[img\\]\\(x\\.png\\)"),
        ("<script>alert(1)</script>", "\\<script\\>alert\\(1\\)\\<\\/script\\>"),
        ("Title\n===", "Title\n\\=\\=\\="),
        ("Title\n---", "Title\n\\-\\-\\-"),
        ("# heading", "\\# heading"),
        ("1. item", "1\\. item"),
        ("- item", "\\- item"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
        ("`code`", "\\`code\\`"),
        ("    indented code", "indented code"),
        ("a | b", "a \\| b"),
        ("$x^2$", "\\$x\\^2\\$"),
        (":red[alert]", "\\:red\\[alert\\]"),
        (":material/home:", f"\\:{WJ}material\\/home\\:"),
        ("www.example.com", f"w{WJ}ww\\.example\\.com"),
        ("write to a@b.org", f"write to a\\@{WJ}b\\.org"),
        ("mailto:x", f"m{WJ}ailto\\:x"),
        ("ftp://h", f"f{WJ}tp\\:\\/\\/h"),
    ],
)
def test_escape_markdown(text, expected):
    assert escape_markdown(text) == expected


HOSTILE = [
    "[click](http://evil.example)",
    "![beacon](http://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='http://evil.example'>x</a>",
    "Title\n===",
    "Title\n---",
    "# heading\n## another",
    "> quoted\n\n* list",
    "1. one\n2. two",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "**bold** and _it_ and ~~struck~~",
    "```\ncode\n```",
    "    indented code",
    "<http://evil.example>",
    "visit www.evil.example or http://evil.example today",
    "mail a@evil.example",
    ":material/home: and :smile:",
    "[ref]: http://evil.example\n[ref]",
]
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_one_plain_paragraph(text):
    html = MARKDOWN.render(escape_markdown(text))
    assert set(re.findall(r"</?(\w+)", html)) <= {"p"}, html  # no link, image, heading, list, code, table, HTML
    visible = html.replace(WJ, "|")
    for pattern in (r"https?:", r"www\.", r"\w@\w", r":[\w/]+:"):  # autolinks and shortcodes are broken
        assert not re.search(pattern, visible), (pattern, visible)


def citation(n: int, doc: str, text: str, section: str | None = "Results", page: int | None = None) -> Citation:
    return Citation(
        id=n,
        document=f"Title of {doc}",
        doc_id=doc,
        source=f"/corpus/{doc}.txt",
        evidence_type="review",
        section=section,
        page=page,
        text=text,
        score=0.8,
        passage_id=f"p{n}",
    )


ANSWERED = Answer(
    question="Is dantrolene [effective]?",
    status=Status.ANSWERED,
    message="1 guideline statement(s) and 1 research finding(s) from 2 source(s).",
    summary="Dantrolene may be considered [1]",
    guideline_statements=[Statement(text="Dantrolene may be considered.", citations=[1], category=Category.GUIDELINE)],
    research_findings=[
        Statement(text="NMS is a *rare* reaction.", citations=[2], category=Category.BACKGROUND),
    ],
    contested=[
        ContestedClaim(
            topic="dantrolene efficacy",
            summary="Sources disagree on dantrolene.",
            reason="opposing",
            positions=[
                Statement(text="Dantrolene may be considered.", citations=[1], stance=Stance.SUPPORTS),
                Statement(text="No benefit was found.", citations=[1, 2], stance=Stance.DISPUTES),
            ],
        )
    ],
    citations=[
        citation(1, "guide", "Dantrolene may be considered.\nNo benefit was found.", section="Management", page=3),
        citation(2, "review", "NMS is a *rare* reaction.", section=None),
    ],
)

ANSWERED_MARKDOWN = """\
# Is dantrolene \\[effective\\]\\?

**Summary:** Dantrolene may be considered \\[1\\]

## Guideline statements

- Dantrolene may be considered\\. [1]

## Research findings

- NMS is a \\*rare\\* reaction\\. [2] _(background)_

## Contested

### ⚠ dantrolene efficacy

Sources disagree on dantrolene\\.

**Reports benefit or use:**
- Dantrolene may be considered\\. [1]

**Reports no benefit or doubts it:**
- No benefit was found\\. [1][2]

## Sources

[1] Title of guide \\(review\\; section\\: Management\\; p\\. 3\\) — \\/corpus\\/guide\\.txt

> Dantrolene may be considered\\.
> No benefit was found\\.

[2] Title of review \\(review\\) — \\/corpus\\/review\\.txt

> NMS is a \\*rare\\* reaction\\.

---
_Extracted from the indexed literature; not a substitute for clinical judgement._
"""

NO_EVIDENCE = Answer(
    question="What is the capital of France?",
    status=Status.NO_EVIDENCE,
    message="No indexed source answers this question well enough.",
    nearest=[citation(1, "review", "NMS is <b>rare</b>.", section=None)],
)

NO_EVIDENCE_MARKDOWN = """\
# What is the capital of France\\?

**No evidence.** No indexed source answers this question well enough\\.

## Nearest passages (for browsing; not an answer)

- **Title of review** (no section): NMS is \\<b\\>rare\\<\\/b\\>\\.
"""


@pytest.mark.parametrize(
    ("answer", "quote", "expected"),
    [
        (ANSWERED, True, ANSWERED_MARKDOWN),
        (
            ANSWERED,
            False,
            ANSWERED_MARKDOWN.replace("\n> Dantrolene may be considered\\.\n> No benefit was found\\.\n", "").replace(
                "\n> NMS is a \\*rare\\* reaction\\.\n", ""
            ),
        ),
        (NO_EVIDENCE, True, NO_EVIDENCE_MARKDOWN),
    ],
)
def test_to_markdown(answer, quote, expected):
    assert to_markdown(answer, quote_passages=quote) == expected


def test_empty_sections_say_so_and_citation_numbers_are_the_answers_own():
    only_research = ANSWERED.model_copy(update={"guideline_statements": [], "contested": [], "summary": None})
    text = to_markdown(only_research)
    assert "## Guideline statements\n\n_None among the retrieved passages._\n" in text
    assert "## Contested" not in text and "**Summary:**" not in text
    assert re.findall(r"^\[(\d+)\] ", text, re.M) == ["1", "2"]  # every citation listed once, in order
