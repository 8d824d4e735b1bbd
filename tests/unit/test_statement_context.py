"""A statement that opens by referring back ("It should be tapered ...") is shown after the sentence it
refers to (assistant.candidates.context_of, assistant.render). Model-free."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.candidates import Candidate, context_of
from assistant.records import Answer, Category, Statement, Status
from assistant.render import CONTEXT_LABEL, to_markdown, to_text
from ingest.records import Passage
from tests.unit.test_render import citation as render_citation

TEXT = (
    "Amantadine is a dopamine agonist. It should be tapered gradually to avoid relapse. Dantrolene is another option."
)


def sentence(index: int, text: str = TEXT) -> Candidate:
    spans = ((0, 33), (34, 83), (84, len(text)))
    passage = Passage(
        id="p0", doc_id="a.txt", title="A", source="/x/a.txt", evidence_type="research", section=None,
        kind="text", page=None, start=0, end=len(text), text=text, sentences=spans,
    )  # fmt: skip
    a, b = spans[index]
    return Candidate(row=0, index=index, text=text[a:b], span=(a, b), passage=passage, vector=np.zeros(4, np.float32))


@pytest.mark.parametrize(
    "index,context",
    [
        (1, "Amantadine is a dopamine agonist."),  # "It ..." refers back
        (2, None),  # names its own subject
        (0, None),  # nothing before it
    ],
)
def test_context_of(index, context):
    assert context_of(sentence(index)) == context


def test_context_is_shown_before_the_statement_and_not_cited_as_one():
    citation = render_citation(1, "a", TEXT)
    statement = Statement(
        text="It should be tapered gradually to avoid relapse.",
        citations=[1],
        category=Category.GUIDELINE,
        context="Amantadine is a dopamine agonist.",
    )
    result = Answer(
        question="how is amantadine stopped?", status=Status.ANSWERED, message="", index_generation="g",
        guideline_statements=[statement], citations=[citation],
    )  # fmt: skip
    text = to_text(result)
    assert f"({CONTEXT_LABEL}: Amantadine is a dopamine agonist.) It should be tapered" in text
    assert f"*({CONTEXT_LABEL}: Amantadine is a dopamine agonist\\.)* It should be tapered" in to_markdown(result)
    assert result.to_json()["guideline_statements"][0]["context"] == "Amantadine is a dopamine agonist."
