"""Query expansion and entity names from the synonyms file (index.synonyms.Vocabulary)."""

from __future__ import annotations

import pytest

from index.synonyms import Vocabulary, load_vocabulary

VOCABULARY = Vocabulary(
    groups=(("NMS", "neuroleptic malignant syndrome"), ("CK", "CPK", "creatine kinase")),
    entities=(("dantrolene", "Dantrium"), ("bromocriptine", "Parlodel")),
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "Is dantrolene effective in NMS?",
            "Is dantrolene effective in NMS? (neuroleptic malignant syndrome; Dantrium)",
        ),
        ("CK levels", "CK levels (CPK; creatine kinase)"),
        (
            "creatine kinase in neuroleptic malignant syndrome",
            "creatine kinase in neuroleptic malignant syndrome (NMS; CK; CPK)",
        ),
        ("Parlodel or bromocriptine?", "Parlodel or bromocriptine?"),  # every name already there: nothing to add
        ("DANTRIUM dose", "DANTRIUM dose (dantrolene)"),  # names are matched in any case...
        ("is it nms", "is it nms"),  # ...except short all-capital abbreviations
        ("anti-CK antibodies", "anti-CK antibodies"),  # a name inside a hyphenated word is not the name
        ("CKD", "CKD"),
        ("fever and rigidity", "fever and rigidity"),
        ("", ""),
    ],
)
def test_expand(query, expected):
    assert VOCABULARY.expand(query) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Dantrium", True),
        ("dantrium", True),
        ("NMS", True),
        ("nms", False),
        ("creatine kinase", True),
        ("creatine", False),
        ("dantrolene,", False),
        ("Parlodel", True),
        ("", False),
    ],
)
def test_knows(word, expected):
    assert VOCABULARY.knows(word) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dantrium or Parlodel", ["dantrolene", "bromocriptine"]),
        ("bromocriptine before dantrolene", ["dantrolene", "bromocriptine"]),  # in the file's order
        ("BROMOCRIPTINE", ["bromocriptine"]),
        ("CK and NMS", []),  # synonym groups are not entities
        ("nothing here", []),
    ],
)
def test_canonical_entities(text, expected):
    assert VOCABULARY.canonical_entities(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("NMS", True), ("a Dantrium dose", True), ("nms", False), ("fever", False)],
)
def test_mentions_any(text, expected):
    assert VOCABULARY.mentions_any(text) is expected


def test_load_vocabulary(tmp_path):
    path = tmp_path / "synonyms.toml"
    path.write_text(
        '[[group]]\nterms = ["NMS", "neuroleptic malignant syndrome"]\n[[group]]\nterms = []\n'
        '[[entity]]\nterms = ["dantrolene", "Dantrium"]\n'
    )
    assert load_vocabulary(path) == Vocabulary(
        groups=(("NMS", "neuroleptic malignant syndrome"),), entities=(("dantrolene", "Dantrium"),)
    )
    assert load_vocabulary(tmp_path / "absent.toml") == Vocabulary()
