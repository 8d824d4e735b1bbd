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
    to_bibtex,
    to_ris,
)
from ingest.chunk import approximate_tokens
from ingest.clean import clean_text
from ingest.metadata import find_doi, find_journal, infer_evidence_type, printed_article_type, text_metadata
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
    assert match_record(records, None, "Early Dantrolene and Recovery Time in Neuroleptic Malignant Syndrome: A Retrospective Cohort Study").year == 2024
    assert match_record(records, None, "Early dantrolene in something else entirely") is None


def _info(**kw) -> DocumentInfo:
    base = dict(doc_id="x.pdf", title="T", source="x.pdf", evidence_type="research", evidence_type_origin="inferred",
                year=None, origin=None, content_hash="h", n_chars=1)
    base.update(kw)
    return DocumentInfo(**base)


def test_references_out_as_ris_and_bibtex():
    info = _info(title="Early dantrolene: a cohort", authors=("Maria K. Lindqvist", "Omar Haddad"), journal="Journal of Neuroleptic Safety",
                 year=2024, doi="10.5555/jns.2024.0117", ocr=True)
    ris = to_ris(info)
    assert ris.startswith("TY  - JOUR\nTI  - Early dantrolene: a cohort\nAU  - Lindqvist, Maria K.\nAU  - Haddad, Omar\n")
    assert "DO  - 10.5555/jns.2024.0117" in ris and "N1  - text from OCR" in ris and ris.endswith("ER  - \n")
    assert parse_ris(ris)[0].authors == ("Maria K. Lindqvist", "Omar Haddad")  # round trip
    bib = to_bibtex(info)
    assert bib.startswith("@article{lindqvist2024early,") and "author = {Lindqvist, Maria K. and Haddad, Omar}" in bib
    assert parse_bibtex(bib)[0].doi == "10.5555/jns.2024.0117"
    assert apply_record(info, parse_bibtex(BIBTEX)[0]).pmid == "39000001"


def test_a_bibliography_beside_the_pdf_corrects_it_and_the_manifest_overrides_both(tmp_path):
    spec = write_journal_pdf(tmp_path / "paper.pdf")
    (tmp_path / "library.bib").write_text(BIBTEX.replace("year = {2024}", "year = {2023}"), encoding="utf-8")
    assert len(load_bibliographies(tmp_path)) == 2
    data = spec.path.read_bytes()
    doc = parse_document(spec.path, data, IngestSettings(), approximate_tokens, None, "h")
    assert doc.info.year == 2023 and doc.info.pmid == "39000001"  # the maintainer's record wins over the page
    entry = {"title": "Dantrolene timing (manifest title)", "evidence_type": "review", "year": 2025, "journal": "J Test"}
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
    assert find_journal(["Agyeman-Duah et al. BMC Health Services Research 2014, 14:1"]) == ("BMC Health Services Research", 2014)
    assert find_journal(["Proceedings of Machine Learning for Healthcare 2017"]) == ("Proceedings of Machine Learning for Healthcare", 2017)
    assert find_journal(["Received: 3 March 2024"]) == (None, None)
    assert find_doi("see https://doi.org/10.1186/s13059-023-02935-8.") == "10.1186/s13059-023-02935-8"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Neuroleptic malignant syndrome in an adolescent\n\nWe report a case of a 15-year-old boy who developed fever.", "case_report"),
        ("Dantrolene for NMS\n\nBackground: little is known.\nMethods: we studied 40 patients.\nResults: most recovered.", "research"),
        ("NMS: an update\n\nIn this review we summarise the literature on treatment.", "review"),
        ("Dear Editor,\n\nWe read with interest the recent analysis of dantrolene.", "commentary"),
        ("NMS and your medicines\n\nIf you have a fever after starting your medicine, talk to your doctor. Ask your pharmacist.", "patient_information"),
        ("Bromocriptine\n\nAntidote monograph.\n\nFrom the Guidelines\n\nGive 2.5 mg three times a day.", "guideline"),
        ("What is NMS?\n\nNMS is a reaction to some drugs.\n\nFAQ\n\nIs it common? No.", "educational"),
        ("NMS\n\nA short note on the drugs involved.", None),
    ],
)
def test_evidence_type_of_text_documents_from_their_own_structure_and_wording(text, expected):
    meta = text_metadata(clean_text(text), "note.md")
    assert meta.evidence_type == expected, meta.evidence_reason


def test_title_of_a_text_document_is_its_own_not_a_header_line_or_a_label():
    assert text_metadata(clean_text("Bromocriptine\n\nAntidote monograph for poison centres."), "b.md").title == "Bromocriptine"
    assert text_metadata(clean_text("Table 1: Doses\n\nDantrolene 1 mg/kg."), "dose-table.md").title == "dose table"
    body = "Neuroleptic malignant syndrome is a fulminant reaction that occurs in some patients treated with antipsychotics. " * 3
    assert text_metadata(clean_text(body + "\n\nThe acute phase response\n\nMore text."), "cmaj-hypothesis.txt").title == "cmaj hypothesis"


def test_structure_cues_name_kinds_not_topics():
    kind, reason = infer_evidence_type("Dantrolene in NMS", ["Methods", "Results › Patients"], "text")
    assert kind == "research" and "Methods and Results" in reason
    assert infer_evidence_type("Dantrolene in NMS", [], "Dantrolene is a muscle relaxant.") == (None, None)
    assert TITLE.startswith("Early dantrolene")
