"""Metadata a researcher cites by: read from the paper, corrected by a bibliography beside it,
overridden by the manifest; evidence types from printed types or from structure; references out."""

from __future__ import annotations

import pytest

from ingest.bibliography import (
    apply_record,
    load_bibliographies,
    match_record,
    parse_bibliography,
    parse_bibtex,
    parse_medline,
    parse_ris,
)
from ingest.chunk import approximate_tokens
from ingest.clean import clean_text
from ingest.metadata import (
    author_names,
    find_doi,
    find_journal,
    infer_evidence_type,
    printed_article_type,
    publication_types,
    text_metadata,
)
from ingest.reader import parse_document
from ingest.records import DocumentInfo
from nmsa.settings import IngestSettings
from tests.pdf_fixtures import DOI, TITLE, write_journal_pdf

BIBTEX = r"""
@article{lindqvist2024,
  title = {Early dantrolene and recovery time in neuroleptic malignant syndrome: a retrospective cohort study},
  author = {Lindqvist, Maria K. and Haddad, Omar and Tan, Jun Wei},
  journal = {Journal of Neuroleptic Safety},
  year = {2024},
  doi = {10.5555/jns.2024.0117},
  pmid = {39000001}
}
@article{other, title = {Caf\'{e} study of \&c}, author = {M{\"u}ller, Anna}, year = 2019}
"""
RIS = """TY  - JOUR
TI  - Managing an effective treatment for neuroleptic malignant syndrome
AU  - Reulbach, U.
AU  - Dütsch, C.
JO  - Critical Care
PY  - 2007
DO  - 10.1186/cc5148
M3  - Review
ER  - 
"""
MEDLINE = """PMID- 17222339
TI  - Managing an effective treatment for neuroleptic malignant
      syndrome.
FAU - Reulbach, Udo
FAU - Dutsch, Christine
JT  - Critical care (London, England)
DP  - 2007
PT  - Journal Article
PT  - Case Reports
AID - cc5148 [pii]
AID - 10.1186/cc5148 [doi]
"""


def test_bibtex_ris_and_medline_are_read_as_zotero_endnote_and_pubmed_write_them():
    lindqvist, other = parse_bibtex(BIBTEX)
    assert lindqvist.authors == ("Maria K. Lindqvist", "Omar Haddad", "Jun Wei Tan")
    assert lindqvist.year == 2024 and lindqvist.doi == "10.5555/jns.2024.0117" and lindqvist.pmid == "39000001"
    assert other.title == "Café study of &c" and other.authors == ("Anna Müller",)
    (ris,) = parse_ris(RIS)
    assert ris.journal == "Critical Care" and ris.year == 2007 and ris.evidence_type == "review"
    (med,) = parse_medline(MEDLINE)
    assert med.title == "Managing an effective treatment for neuroleptic malignant syndrome."
    assert med.doi == "10.1186/cc5148" and med.pmid == "17222339" and med.evidence_type == "case_report"
    assert [r.doi for r in parse_bibliography(MEDLINE + "\n")] == ["10.1186/cc5148"]
    assert parse_bibliography("no records here") == []


def test_records_match_by_doi_else_by_title():
    records = parse_bibtex(BIBTEX) + parse_ris(RIS)
    assert match_record(records, "10.1186/CC5148", None).journal == "Critical Care"
    assert (
        match_record(
            records,
            None,
            "Early Dantrolene and Recovery Time in Neuroleptic Malignant Syndrome: A Retrospective Cohort Study",
        ).year
        == 2024
    )
    assert match_record(records, None, "Early dantrolene in something else entirely") is None


def _info(**kw) -> DocumentInfo:
    base = dict(
        doc_id="x.pdf",
        title="T",
        source="x.pdf",
        evidence_type="research",
        evidence_type_origin="inferred",
        year=None,
        origin=None,
        content_hash="h",
        n_chars=1,
    )
    base.update(kw)
    return DocumentInfo(**base)


def test_a_bibliography_record_fills_in_metadata():
    info = _info(title="Early dantrolene: a cohort", authors=("Maria K. Lindqvist", "Omar Haddad"), year=2024)
    assert apply_record(info, parse_bibtex(BIBTEX)[0]).pmid == "39000001"


def test_a_bibliography_beside_the_pdf_corrects_it_and_the_manifest_overrides_both(tmp_path):
    spec = write_journal_pdf(tmp_path / "paper.pdf")
    (tmp_path / "library.bib").write_text(BIBTEX.replace("year = {2024}", "year = {2023}"), encoding="utf-8")
    assert len(load_bibliographies(tmp_path)) == 2
    data = spec.path.read_bytes()
    doc = parse_document(spec.path, data, IngestSettings(), approximate_tokens, None, "h")
    assert doc.info.year == 2023 and doc.info.pmid == "39000001"  # the maintainer's record wins over the page
    entry = {
        "title": "Dantrolene timing (manifest title)",
        "evidence_type": "review",
        "year": 2025,
        "journal": "J Test",
    }
    doc = parse_document(spec.path, data, IngestSettings(), approximate_tokens, entry, "h")
    assert doc.info.title == "Dantrolene timing (manifest title)" and doc.info.evidence_type_origin == "manifest"
    assert doc.info.evidence_type == "review" and doc.info.year == 2025 and doc.info.journal == "J Test"
    assert doc.info.doi == DOI and all(p.title == doc.info.title for p in doc.passages)


@pytest.mark.parametrize(
    "lines,expected",
    [
        (["RESEARCH ARTICLE", "Open Access"], ("Research Article", "research")),
        (["R E S E A R C H  A R T I C L E"], ("Research Article", "research")),
        (["Review"], ("Review", "review")),
        (["CASE REPORT"], ("Case Report", "case_report")),
        (["Letter to the Editor"], ("Letter To The Editor", "commentary")),
        (["Gene regulation, Chromatin and Epigenetics"], None),
    ],
)
def test_printed_article_types(lines, expected):
    assert printed_article_type(lines) == expected


def test_journal_year_and_doi_from_citation_lines():
    assert find_journal(["Nucleic Acids Research, 2024, 52, 4151–4166"]) == ("Nucleic Acids Research", 2024)
    assert find_journal(["Agyeman-Duah et al. BMC Health Services Research 2014, 14:1"]) == (
        "BMC Health Services Research",
        2014,
    )
    assert find_journal(["Proceedings of Machine Learning for Healthcare 2017"]) == (
        "Proceedings of Machine Learning for Healthcare",
        2017,
    )
    assert find_journal(["Received: 3 March 2024"]) == (None, None)
    assert find_doi("see https://doi.org/10.1186/s13059-023-02935-8.") == "10.1186/s13059-023-02935-8"


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Neuroleptic malignant syndrome in an adolescent\n\nWe report a case of a 15-year-old boy who developed fever.",
            "case_report",
        ),
        (
            "Dantrolene for NMS\n\nBackground: little is known.\nMethods: we studied 40 patients.\nResults: most recovered.",
            "research",
        ),
        ("NMS: an update\n\nIn this review we summarise the literature on treatment.", "review"),
        ("Dear Editor,\n\nWe read with interest the recent analysis of dantrolene.", "commentary"),
        (
            "NMS and your medicines\n\nIf you have a fever after starting your medicine, talk to your doctor. Ask your pharmacist.",
            "patient_information",
        ),
        ("Bromocriptine\n\nAntidote monograph.\n\nFrom the Guidelines\n\nGive 2.5 mg three times a day.", "guideline"),
        ("What is NMS?\n\nNMS is a reaction to some drugs.\n\nFAQ\n\nIs it common? No.", "educational"),
        ("NMS\n\nA short note on the drugs involved.", None),
    ],
)
def test_evidence_type_of_text_documents_from_their_own_structure_and_wording(text, expected):
    meta = text_metadata(clean_text(text), "note.md")
    assert meta.evidence_type == expected, meta.evidence_reason


def test_title_of_a_text_document_is_its_own_not_a_header_line_or_a_label():
    assert (
        text_metadata(clean_text("Bromocriptine\n\nAntidote monograph for poison centres."), "b.md").title
        == "Bromocriptine"
    )
    assert text_metadata(clean_text("Table 1: Doses\n\nDantrolene 1 mg/kg."), "dose-table.md").title == "dose table"
    body = (
        "Neuroleptic malignant syndrome is a fulminant reaction that occurs in some patients treated with antipsychotics. "
        * 3
    )
    assert (
        text_metadata(clean_text(body + "\n\nThe acute phase response\n\nMore text."), "cmaj-hypothesis.txt").title
        == "cmaj hypothesis"
    )


def test_structure_cues_name_kinds_not_topics():
    kind, reason = infer_evidence_type("Dantrolene in NMS", ["Methods", "Results › Patients"], "text")
    assert kind == "research" and "Methods and Results" in reason
    assert infer_evidence_type("Dantrolene in NMS", [], "Dantrolene is a muscle relaxant.") == (None, None)
    assert TITLE.startswith("Early dantrolene")


# --- Documents without a manifest entry: their title block (hand-written snippets) ------------------
# Each snippet is the top of an invented document; expected: title, evidence type, and the fields read.

ABSTRACT = "\n\nAbstract\n\nWe looked at heat illness in 40 runners over one summer and describe what we found."


@pytest.mark.parametrize(
    "text,source,expected",
    [
        # A PubMed-style record: the title ends with a full stop; authors with initials; citation line.
        (
            "Heat illness in long-distance runners.\n\nHarlow K, Osei B, Lindgren AM.\n\nJ Sport Med Sci. 2003;12(2):44-50."
            + ABSTRACT,
            None,
            {
                "title": "Heat illness in long-distance runners.",
                "authors": ("Harlow K", "Osei B", "Lindgren AM"),
                "journal": "J Sport Med Sci",
                "year": 2003,
            },
        ),
        # A citation line above the title is not the title; its DOI, journal and year are read.
        (
            "Annals of Invented Medicine, Volume 12, Issue 3 (May 2019), p. 101. DOI: 10.5555/aim.2019.101\n\n"
            "Cooling before transfer in exertional heat stroke\n\nJ. Doe, R. M. Roe\n\nIntroduction\n\nHeat stroke is common in summer.",
            None,
            {
                "title": "Cooling before transfer in exertional heat stroke",
                "journal": "Annals of Invented Medicine",
                "year": 2019,
                "doi": "10.5555/aim.2019.101",
                "authors": ("J. Doe", "R. M. Roe"),
            },
        ),
        # A Markdown level-1 heading is the title, whatever banner stands above it.
        (
            "Journal of Invented Care, 2011 — Letter\n\nCooling is not enough\n\nAnna B Smith (Department of Medicine, Some University)\n\n"
            "To the Editor:\n\nWe read the recent paper with interest.",
            "Journal of Invented Care, 2011 — Letter\n\n# Cooling is not enough\n\nAnna B Smith (Department of Medicine, Some University)\n",
            {
                "title": "Cooling is not enough",
                "evidence_type": "commentary",
                "article_type": "Letter",
                "journal": "Journal of Invented Care",
                "year": 2011,
                "authors": ("Anna B Smith",),
            },
        ),
        # A web page's byline and its update date (cleaning drops "Last updated" lines; the source keeps them).
        (
            "Heat Stroke Medication\n\nSome Drug Reference, article 42, Medication section\n\n"
            "Author: Jane Q Public, MD, PhD. Chief Editor: John Editor, MD\n\nMedication Summary\n\nNo drug cools the body.",
            "# Heat Stroke Medication\n\nSome Drug Reference, article 42, Medication section\n\nLast updated: 2021-05-02\n",
            {
                "title": "Heat Stroke Medication",
                "authors": ("Jane Q Public",),
                "journal": "Some Drug Reference",
                "year": 2021,
            },
        ),
        # A PMID cited in the first paragraph is not the document's own.
        (
            "Heat stroke: a handout\n\nThis handout is about heat stroke in athletes (Smith, J Sport 2001, PMID 12345678) and how it is treated.",
            None,
            {"title": "Heat stroke: a handout", "pmid": None, "year": None, "authors": ()},
        ),
        # A Title Case heading after the title is not an author.
        (
            "Heat illness: management approach\n\nKey Recommendations\n\nCool the patient at once and call for help.",
            None,
            {"title": "Heat illness: management approach", "authors": ()},
        ),
        # Body text first: no title block, the file name stands in.
        (
            "Heat stroke is a medical emergency in which the body temperature rises above 40 degrees. It needs cooling at once. "
            "Most patients recover when it is treated early.",
            None,
            {"title": "heat note"},
        ),
    ],
)
def test_title_block_of_a_text_document(text, source, expected):
    meta = text_metadata(clean_text(text), "heat-note.md", source)
    for key, value in expected.items():
        assert getattr(meta, key) == value, (key, meta)


@pytest.mark.parametrize(
    "text,expected",
    [
        # Printed types win over structure: a banner part, a parenthesised type, a publication-type list.
        (
            "Heat in the ward\n\nClinical Invented 2015; 4(1): 1-9 · Review · DOI: 10.5555/ci.2015.1\n\nMethods: we searched.\nResults: we found.",
            "review",
        ),
        (
            "Annals of Things, Volume 3 (2020). Abstract (case report).\n\nFever after a marathon\n\nIntroduction\n\nFever is common.",
            "case_report",
        ),
        (
            "Fever after a marathon\n\nBackground: runners get fever.\nMethods: we studied 40 runners.\nResults: most recovered.\n\n"
            "Publication types: Case Reports; Journal Article.",
            "case_report",
        ),
        # A list naming two kinds does not settle it; the wording does (a pooled analysis of cases).
        (
            "Cooling in heat stroke. Review of outcomes.\n\nLee A, Park B.\n\nIn all, 58 published case reports were pooled and analysed. "
            "Cooling shortened recovery.\n\nPublication types: Case Reports; Review.",
            "research",
        ),
        ("Drugs for heat stroke\n\nWe carried out a case-controlled analysis of the published cases.", "research"),
        # Genre words in a banner: point-of-care recommendations, patient handouts.
        (
            "Heat illness: management\n\nSome Point-of-Care Resource, topic 12 — Recommendations\n\nStart cooling at once.",
            "guideline",
        ),
        (
            "Heat stroke and you\n\nCity Clinic — patient handout\n\nThis page explains heat stroke.",
            "patient_information",
        ),
        (
            "Heat stroke and you\n\nThis page explains heat stroke. If you feel hot, talk to your care team. Take your medicines as prescribed.",
            "patient_information",
        ),
        # Structure: a review's structured abstract, a textbook chapter, a drug reference, case-series wording.
        (
            "Cooling in heat stroke\n\nObjective: to review cooling.\nData sources: MEDLINE to 2020.\nStudy selection: trials.\n"
            "Data synthesis: cooling helps.",
            "review",
        ),
        (
            "Chapter 7: Heat Stroke\n\nA Handbook of Emergencies (textbook), chapter 7.\n\nCooling is the first step in every patient.",
            "review",
        ),
        (
            "Cooling Agents Medication\n\nMedication Summary\n\nNo drug cools the body well.\n\nClass Summary\n\nThese drugs act on muscle.",
            "reference",
        ),
        (
            "Three runners with heat stroke\n\nThis case series shows how three runners recovered. In the first case, a man collapsed.",
            "case_report",
        ),
        ("Heat stroke\n\nKey Recommendations\n\nCool the patient at once.", "guideline"),
    ],
)
def test_evidence_type_of_a_text_document_from_its_printed_type_then_its_structure(text, expected):
    meta = text_metadata(clean_text(text), "note.txt")
    assert meta.evidence_type == expected, meta.evidence_reason


@pytest.mark.parametrize(
    "line,expected",
    [
        ("Leah D. Fryml, Kristen R. Williams and James Fox", ("Leah D. Fryml", "Kristen R. Williams", "James Fox")),
        ("Harlow K, Osei B, Lindgren AM.", ("Harlow K", "Osei B", "Lindgren AM")),
        ("Anna B Smith (Department of Medicine, Some University; City Hospital)", ("Anna B Smith",)),
        ("Jane Q Public, MD, PhD", ("Jane Q Public",)),
        ("Key Recommendations", ()),
        ("Department of Psychiatry, Some University, Springfield", ()),
        ("Heat stroke in runners: a case report", ()),
        ("Some Drug Reference, article 42, Medication section", ()),
    ],
)
def test_author_lines(line, expected):
    assert author_names(line) == expected


def test_publication_type_lists_name_one_kind_or_none():
    assert publication_types("Abstract...\nPublication types: Case Reports; Journal Article.\n") == (
        "Case Reports; Journal Article",
        "case_report",
    )
    assert publication_types("Publication types: Case Reports; Review") == ("Case Reports; Review", None)
    assert publication_types("Publication types: Journal Article; Research Support, Non-U.S. Gov't") == (
        "Journal Article; Research Support, Non-U.S. Gov't",
        None,
    )
    assert publication_types("No list here.") is None
    assert printed_article_type(["Research article. Publication types as indexed: Meta-Analysis; Review."]) == (
        "Research Article",
        "research",
    )


def test_citation_lines_with_month_place_and_banner_separators():
    assert find_journal(["Journal of Invented Practice. 2017 May;23(3):191-199."]) == (
        "Journal of Invented Practice",
        2017,
    )
    assert find_journal(["Medicine (Springfield). 2015 Oct;94(43):e1752."]) == ("Medicine (Springfield)", 2015)
    assert find_journal(["Critical Things, 2007 — Letter"]) == ("Critical Things", 2007)
    assert find_journal(["Annals of Invented Medicine, Volume 12, Issue 3 (May 2019), p. 101"]) == (
        "Annals of Invented Medicine",
        2019,
    )


def test_a_markdown_file_without_a_manifest_entry_through_the_reader(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "Journal of Invented Care, 2011 — Letter\n\n# Cooling is not enough\n\nAnna B Smith (Some University)\n\n"
        "Journal of Invented Care 2011. doi:10.5555/jic.2011.7\n\nTo the Editor:\n\nWe read the recent paper on cooling with interest. "
        "Its methods leave doubt about the effect of cooling on recovery.\n",
        encoding="utf-8",
    )
    data = path.read_bytes()
    info = parse_document(path, data, IngestSettings(), approximate_tokens, None, "h").info
    assert (info.title, info.evidence_type, info.evidence_type_origin) == (
        "Cooling is not enough",
        "commentary",
        "inferred",
    )
    assert (info.authors, info.journal, info.year, info.doi, info.article_type) == (
        ("Anna B Smith",),
        "Journal of Invented Care",
        2011,
        "10.5555/jic.2011.7",
        "Letter",
    )
