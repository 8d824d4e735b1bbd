"""Chunking on the real corpus with the model's own tokenizer: whole sentences, within sections,
never longer than the model reads."""

from __future__ import annotations

import pytest

from ingest.chunk import approximate_tokens, chunk_document
from ingest.clean import clean_text
from ingest.sentences import split_sentences
from nmsa.settings import Settings
from tests.conftest import CORPUS

MODEL_MAX = 256  # all-MiniLM-L6-v2 max_seq_length: longer input is silently truncated


@pytest.fixture(scope="module")
def count_tokens():
    from index.embedder import Embedder

    return Embedder(Settings().index.model).count_tokens  # tokenizer only; the weights are not loaded


DOCS = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.mark.parametrize("name", DOCS)
def test_no_passage_exceeds_the_model_input(name, count_tokens):
    settings = Settings().ingest
    doc = clean_text((CORPUS / name).read_text(encoding="utf-8"))
    chunks = chunk_document(doc, count_tokens, settings.chunk_tokens, settings.min_chunk_tokens)
    assert chunks
    for chunk in chunks:
        n = count_tokens(doc.text[chunk.start : chunk.end])
        assert n <= settings.chunk_tokens <= MODEL_MAX, (name, n)


@pytest.mark.parametrize("name", DOCS)
def test_no_passage_splits_a_sentence_or_crosses_a_section(name, count_tokens):
    doc = clean_text((CORPUS / name).read_text(encoding="utf-8"))
    chunks = chunk_document(doc, count_tokens, 192, 48)
    sentences = [s for a, b in doc.paragraphs for s in split_sentences(doc.text[a:b], a)]
    for a, b in sentences:
        inside = [c for c in chunks if c.start <= a and b <= c.end]
        overlapping = [c for c in chunks if c.start < b and a < c.end]
        assert len(overlapping) <= 1, doc.text[a:b]
        if overlapping:
            assert inside == overlapping, f"sentence split across passages: {doc.text[a:b]!r}"
    for chunk in chunks:
        assert any(s.start <= chunk.start and chunk.end <= s.end for s in doc.sections)
        for a, b in chunk.sentences:
            assert chunk.start <= a < b <= chunk.end


def test_small_budget_still_never_splits_sentences():
    doc = clean_text((CORPUS / "nms-encyclopedia-article.txt").read_text(encoding="utf-8"))
    chunks = chunk_document(doc, approximate_tokens, 40, 10)
    assert len(chunks) > 20
    for chunk in chunks:
        text = doc.text[chunk.start : chunk.end]
        # a passage either fits or is one over-long sentence cut at word boundaries
        assert approximate_tokens(text) <= 40 or len(chunk.sentences) == 1


def test_over_long_sentence_is_cut_to_fit():
    sentence = " ".join(["rigidity"] * 400) + "."
    doc = clean_text(sentence)
    chunks = chunk_document(doc, approximate_tokens, 64, 16)
    assert len(chunks) > 1
    assert all(approximate_tokens(doc.text[c.start : c.end]) <= 64 for c in chunks)


def test_budget_is_validated():
    with pytest.raises(ValueError, match="max_tokens must be at least 16 word pieces"):
        chunk_document(clean_text("One sentence."), approximate_tokens, 8, 4)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("It occurs in 0.07% to 3.23% of patients. Others disagree.", 2),
        ("Symptoms (e.g., fever) vary. See Dr. Smith et al. for details. Done.", 3),
        ("The first step is to stop the drug. Then cool the patient!", 2),
        ("Consideration of benzodiazepines as the first-line agent", 1),
    ],
)
def test_sentence_splitter(text, expected):
    assert len(split_sentences(text)) == expected


@pytest.mark.parametrize("kb", [50, 200])
def test_over_long_sentences_cost_linear_work(kb):
    """A one-sentence file (no full stop for a megabyte) is cut at clause or word boundaries with
    work linear in its length: the tokenizer never sees more than a few times the text."""
    seen = []

    def counting(text: str) -> int:
        seen.append(len(text))
        return approximate_tokens(text)

    rng = __import__("random").Random(kb)
    words = [f"w{rng.randrange(10**6)}" for _ in range(kb * 1024 // 8)] + ["e.g.", "fever,", "rigidity;"] * 50
    rng.shuffle(words)
    doc = clean_text(" ".join(words))
    chunks = chunk_document(doc, counting, 64, 16)
    assert sum(seen) <= 3 * len(doc.text)
    assert all(approximate_tokens(doc.text[c.start : c.end]) <= 64 for c in chunks)
    covered = "".join(doc.text[a:b] for c in chunks for a, b in c.sentences).replace(" ", "")
    assert covered == doc.text.replace(" ", "")  # nothing lost, nothing repeated


def test_a_long_sentence_is_cut_at_a_clause_boundary():
    sentence = "In this cohort " + "the fever fell slowly " * 6 + "over days, " + "and rigidity eased " * 6 + "too."
    doc = clean_text(sentence)
    chunks = chunk_document(doc, approximate_tokens, 40, 0)
    first = doc.text[chunks[0].start : chunks[0].end]
    assert len(chunks) >= 2 and first.endswith("over days,")


def test_chat_text_splits_on_lower_case_starts_and_documents_do_not():
    from ingest.sentences import split_sentences

    text = "Given 10 mg IM. now febrile. e.g. the dose."
    chat = [text[a:b] for a, b in split_sentences(text, chat=True)]
    assert chat == ["Given 10 mg IM.", "now febrile.", "e.g. the dose."]
    assert [text[a:b] for a, b in split_sentences(text)] == [text]


def test_in_chat_a_letter_after_a_number_is_a_unit_not_an_initial():
    text = "Tmax 37.3 over 48 h. Our registrar says it cannot be NMS. Seen by J. Smith today."
    chat = [text[a:b] for a, b in split_sentences(text, chat=True)]
    assert chat == ["Tmax 37.3 over 48 h.", "Our registrar says it cannot be NMS.", "Seen by J. Smith today."]
    # documents keep the print rule: "6 h. Then" may be an abbreviation mid-sentence in a table or legend
    assert len(split_sentences("Measured at 6 h. Then repeated.")) == 1
