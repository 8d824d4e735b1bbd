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
    # an acronym of three letters or more names the field typed in lower case too; a two-letter one does not
    [("NMS", True), ("a Dantrium dose", True), ("is it nms", True), ("a ck level", False), ("fever", False)],
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


def test_an_entity_is_read_with_its_classes(tmp_path):
    path = tmp_path / "synonyms.toml"
    path.write_text(
        '[[entity]]\nterms = ["lorazepam", "Ativan"]\nclasses = ["benzodiazepines"]\n'
        '[[entity]]\nterms = ["benzodiazepines", "benzodiazepine"]\n'
    )
    vocabulary = load_vocabulary(path)
    assert vocabulary.names_with_classes("lorazepam") == ["lorazepam", "Ativan", "benzodiazepines", "benzodiazepine"]
    assert vocabulary.names_with_classes("benzodiazepines") == ["benzodiazepines", "benzodiazepine"]
    assert vocabulary.names_with_classes("a drug not in the file") == ["a drug not in the file"]


def test_a_class_that_is_not_an_entity_group_is_a_clear_error(tmp_path):
    from nmsa.errors import NMSAssistantError

    path = tmp_path / "synonyms.toml"
    path.write_text('[[entity]]\nterms = ["lorazepam"]\nclasses = ["benzos"]\n')
    with pytest.raises(NMSAssistantError, match="not found: benzos"):
        load_vocabulary(path)


def test_words_of_other_languages_are_read_in_the_sources_english(tmp_path):
    path = tmp_path / "synonyms.toml"
    path.write_text(
        '[translate]\n"sindrome neuroleptico maligno" = "neuroleptic malignant syndrome"\n'
        'mueren = "die"\ncuantos = "how many"\n'
    )
    vocabulary = load_vocabulary(path)
    # phrases before words, whole words only, case-insensitive
    assert vocabulary.translate("¿Cuantos pacientes mueren de sindrome neuroleptico maligno?") == (
        "¿how many pacientes die de neuroleptic malignant syndrome?"
    )
    assert vocabulary.translate("muerenx") == "muerenx"


def test_the_shipped_translations_leave_english_alone():
    from tests.conftest import CORPUS

    vocabulary = load_vocabulary(CORPUS / "synonyms.toml")
    english = "How common is NMS, what is the dose of dantrolene, and does it cause fever in patients?"
    assert vocabulary.translate(english) == english
    assert "neuroleptic malignant syndrome" in vocabulary.translate("syndrome malin des neuroleptiques")
    longer = (
        "Was the patient given the drug, and can a kind man with a fever come back per protocol? "
        "What is the risk when the dose is high?"
    )
    assert vocabulary.translate(longer) == longer  # no Portuguese, Italian or German word is also English


@pytest.mark.parametrize(
    "question,english",
    [
        ("sollte man bei verdacht auf ein malignes neuroleptisches syndrom das neuroleptikum sofort absetzen",
         ["suspected", "neuroleptic malignant syndrome", "immediately", "stop"]),
        ("qual e a mortalidade da sindrome neuroleptica maligna em criancas?",
         ["mortality", "neuroleptic malignant syndrome", "children"]),
        ("il dantroleno e efficace nella sindrome maligna da neurolettici?",
         ["dantrolene", "effective", "neuroleptic malignant syndrome"]),
        # the class with its adjective after the noun, as the sources name it; a case's people and times
        ("los antipsicoticos atipicos tienen menos riesgo que los tipicos?",
         ["atypical antipsychotics", "less", "risk", "typical"]),
        ("une femme de 76 ans: combien d'heures apres l'arret de la levodopa?",
         ["woman", "years", "hours", "after", "stopping"]),
        ("welche Dosis wird bei Dysthymie eingesetzt, und wie lange?", ["which", "for Dysthymie", "used", "how long"]),
        ("ist eine rhabdomyolyse mit nierenversagen eine komplikation des malignen neuroleptischen syndroms?",
         ["rhabdomyolysis", "renal failure", "complication", "neuroleptic malignant syndrome"]),
    ],
)  # fmt: skip
def test_the_shipped_translations_read_german_portuguese_and_italian(question, english):
    from tests.conftest import CORPUS

    translated = load_vocabulary(CORPUS / "synonyms.toml").translate(question)
    assert all(term in translated for term in english), translated


def test_a_translation_table_of_the_wrong_shape_is_a_clear_error(tmp_path):
    from nmsa.errors import NMSAssistantError

    path = tmp_path / "synonyms.toml"
    path.write_text("[translate]\nmueren = 3\n")
    with pytest.raises(NMSAssistantError, match="translate"):
        load_vocabulary(path)


def test_a_feature_group_is_a_synonym_group_and_named_as_a_feature(tmp_path):
    path = tmp_path / "synonyms.toml"
    path.write_text('[[group]]\nterms = ["ICU", "intensive care"]\n[[feature]]\nterms = ["fever", "pyrexia"]\n')
    vocabulary = load_vocabulary(path)
    assert vocabulary.groups == (("ICU", "intensive care"), ("fever", "pyrexia"))
    assert vocabulary.features == frozenset({"fever"})
    assert vocabulary.synonyms_of("pyrexia") == ("fever", "pyrexia")
    assert vocabulary.synonyms_of("coma") == ("coma",)
