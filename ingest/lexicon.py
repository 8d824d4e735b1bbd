"""Words and patterns that cleaning depends on, in one visible place.

Each list says where it comes from. They describe *kinds* of noise (web chrome, PDF floats,
back matter), not the content of any particular source.
"""

from __future__ import annotations

import re

# Whole lines of web-page chrome: navigation, sharing, cookie/consent and advisory banners,
# review-status widgets. Collected from common CMS templates (WordPress, health-news sites,
# medical Q&A sites); matched case-insensitively against the whole stripped line.
BOILERPLATE_LINES = [
    r"skip to (main )?content",
    r"\d+\s*min(ute)?s? read",
    r"in this article",
    r"table of contents",
    r"personali[sz]e",
    r"help us tailor your experience",
    r"which best describes you\?.*",
    r"medical advisory board\s*all articles are reviewed.*",
    r"educational purpose only.*",
    r"article review status",
    r"(submitted|under review|approved|pending review)",
    r"last (updated|reviewed)( on)?:?.*",
    r"view editorial policy",
    r"peer-influenced content\..*",
    r"click (below|here) to leave this site.*",
    r"more on [\w\- ]{1,40}",
    r".*is owned and operated by .*",
    r"have a (follow-up|follow up) question\??",
    r"our medical a\.?i\.? .*",
    r"for more information on .{0,80}, (please )?(consult|see|visit) .*",
    r"(share|print|email|tweet|facebook|twitter|linkedin|pinterest|whatsapp)( this( article| page)?)?",
    r"(accept|reject|manage)( all)? cookies.*",
    r"we use cookies.*",
    r"advertisement",
    r"(sign|log) ?in( to .*)?",
    r"subscribe( now| to .*)?",
    r"back to top",
    r"related (articles|posts|content)",
]
BOILERPLATE_RE = re.compile(r"^(?:" + "|".join(BOILERPLATE_LINES) + r")$", re.IGNORECASE)

# Inline editorial marks from wiki-style pages.
INLINE_NOISE_RE = re.compile(
    r"\[(?:when\?|citation needed|edit|who\?|clarification needed|according to whom\?)\]", re.I
)

# Headings that start back matter: everything from here to the end of the document is
# reference lists, disclaimers and calls to action, not claims (standard article structure).
BACK_MATTER_HEADINGS = re.compile(r"^(references|bibliography|works cited|sources|further reading)$", re.I)

# Headings whose own section is dropped (disclaimers), up to the next heading.
DROP_SECTION_HEADINGS = re.compile(r"^((professional )?medical disclaimer|disclaimer|disclosures?)$", re.I)

# Floats in PDF extractions (boxes, figures, tables, key-point panels) that land in the
# middle of running text; they are cut out and kept as their own sections.
FLOAT_LABEL_RE = re.compile(
    r"^(key points|box \d+\b.*|figure \d+\b.*|fig\. \d+\b.*|table \d+\b.*|panel \d+\b.*)$", re.I
)

# Left halves of line-break hyphenation that usually form real compounds ("life-threatening",
# "case-control"); used only when the document itself does not settle the question.
COMPOUND_LEFT_PARTS = frozenset(
    "life well self long short high low case dose drug time age non post pre anti first second third "
    "two three four five half full multi semi cross side over under".split()
)

# Words after which a bare number before a period is part of the sentence, not a citation.
NUMBER_BEFORE_PERIOD_WORDS = frozenset(
    "type stage grade phase table figure box day days week weeks month months year years level class "
    "dose doses step group version and of to than or was were is are by at in on from about ratio "
    "page pages chapter section item items criterion criteria".split()
)

BULLET_RE = re.compile(r"^\s*(?:[•●▪◦‣∙·\-\*–]|\d{1,2}[.)])\s+")

# Abbreviations that end in a period but do not end a sentence (English clinical prose).
ABBREVIATIONS = frozenset(
    "e.g i.e etc vs al dr mr mrs ms prof fig figs no nos approx cf st jr inc ed eds vol pp ca "
    "resp max min mg kg ml dl mmol iv im po sc".split()
)

# --- Journal articles (PDF layout analysis, ingest/layout.py and ingest/metadata.py) ---------------
# Patterns for the parts of a typeset article that are not its body. Collected from the layouts of
# the major biomedical publishers (BMC/Springer Nature, Elsevier, Wiley, OUP, MDPI, Cambridge,
# Ivyspring, PMLR) as seen on their article PDFs; each matches a kind of line, never a topic.

# The standard headings of a research article (IMRaD, ICMJE "Preparing a manuscript"; structured
# abstracts per NLM's list of structured-abstract labels), numbered or not.
STANDARD_HEADING_RE = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})\.?\s+)?(abstract|summary|simple summary|background|introduction|"
    r"(?:materials?|patients|subjects|participants)?\s*(?:and|&)?\s*methods?|methodology|"
    r"(?:proposed|experimental) methods?|results?(?: and discussion)?|discussion|conclusions?(?: and [\w ]{3,40})?|"
    r"concluding remarks|limitations|case (?:report|presentation|description)s?|references|bibliography)$",
    re.I,
)

# Headings that open a reference list (everything under them is bibliography).
REFERENCE_HEADING_RE = re.compile(
    r"^(?:\d{1,2}\.?\s+)?(references?(?: cited)?|bibliography|literature cited|works cited|cited literature)$", re.I
)

# Back matter whose sections are dropped (declarations required by journals, ICMJE and COPE):
# they carry no findings. Up to the next heading that is not back matter.
BACK_MATTER_SECTION_RE = re.compile(
    r"^(?:\d{1,2}\.?\s+)?(acknowledge?ments?|funding(?: information| sources?)?|financial (?:support|disclosure)|"
    r"(?:declaration|conflicts?) of (?:competing )?interests?|competing interests?|conflicts? of interest|disclosures?|"
    r"author(?:s'|s’|s)? contributions?|contributors|authors' information|author information|author details|"
    r"declarations|ethics(?: approval)?(?: and consent to participate)?|ethical (?:approval|statement)|"
    r"consent (?:for|to) publication|informed consent statement|institutional review board statement|"
    r"data availability(?: statement)?|availability of data(?: and materials)?|code availability|"
    r"supplementary (?:material|information|data)s?|additional files?|electronic supplementary material|"
    r"abbreviations|publisher'?s note|open access|notes|endnotes|footnotes|supporting information|graphical abstract|"
    r"peer review information|review history|additional information|cite this article as)$",
    re.I,
)

# Float labels that open a figure or table caption ("Figure 2.", "Fig. 3:", "Table 1 |", "Table S2").
CAPTION_RE = re.compile(
    r"^(figure|fig\.?|table|scheme|chart|box|supplementary (?:figure|table))\s*(S?\d{1,3}[A-Za-z]?)\b\s*[.:|]?", re.I
)

# Page chrome: lines that are never body text wherever they stand (download stamps, licences,
# page labels, DOIs and journal citation lines, publisher banners).
CHROME_LINE_RE = re.compile(
    r"^(?:downloaded from\b.*|.*\bby guest on\b.*|page \d+ of \d+|\d{1,4}|\(?\d{1,4}\)?\s*of\s*\d{1,4}|"
    r"(?:https?://)?(?:dx\.)?doi\.org/\S+|doi:?\s*10\.\d{4,}/\S+|https?://\S+|www\.\S+|"
    r".*\ball rights reserved\b.*|open access|.*\bthis (?:is an open access|article is (?:licensed|distributed|an open access))\b.*|"
    r"vol\.?\s*\d+.*|.*\bisbn\b.*|.*\bissn\b.*|\S+@\S+)$",
    re.I,
)

# Front matter that is not body text: correspondence, dates, editors, licences, citation boxes,
# keywords (kept as metadata), the "full list of author information" pointer.
FRONT_MATTER_RE = re.compile(
    r"^(?:\*?\s*correspond(?:ence|ing authors?)\b.*|.*\bto whom correspondence\b.*|.*\bcorrespondence (?:should|may)\b.*|"
    r"e-?mail:?.*|tel\.?:?.*|fax:?.*|received:?\s.*|accepted:?\s.*|published(?: online)?:?\s.*|revised:?\s.*|"
    r"(?:advance access )?publication date:?.*|editorial decision:?.*|academic editors?:?.*|edited by\b.*|handling editor.*|"
    r"citation:.*|copyright:?.*|©.*|\(c\)\s*\d{4}.*|.*\blicensee\b.*|publisher[’']?s note:?.*|"
    r"keywords?:.*|key ?words:.*|full list of author information.*|.*\bcreative\s*commons\b.*|"
    r"this article is part of.*|article history:?.*|available online.*|"
    r"how to cite.*|cite this article:?.*|to cite this article:?.*)$",
    re.I,
)

# Words that make a front-matter block an affiliation (institution words of address lines).
AFFILIATION_RE = re.compile(
    r"\b(?:department|dept\.|university|universit[àäé]|institut[eo]?|centre|center|hospital|school of|faculty|"
    r"laborator(?:y|ies)|college|clinic|division of|unit of|research (?:centre|center|institute)|academy|"
    r"ministry of|foundation)\b",
    re.I,
)

# Article types printed on the first page (a banner or a line of its own), mapped to the evidence
# type. From the publication types of PubMed (https://pubmed.ncbi.nlm.nih.gov/help/#publication-types)
# and the article-type banners publishers print ("RESEARCH ARTICLE", "Original Article", "Review",
# "Case Report", "Letter to the Editor"...). Matched on the whole line, letters only, case folded.
ARTICLE_TYPES: tuple[tuple[str, str], ...] = (
    ("practice guideline", "guideline"),
    ("clinical practice guideline", "guideline"),
    ("guideline", "guideline"),
    ("guidelines", "guideline"),
    ("consensus statement", "guideline"),
    ("position statement", "guideline"),
    ("recommendations", "guideline"),
    ("systematic review", "review"),
    ("systematic review and meta-analysis", "review"),
    ("meta-analysis", "review"),
    ("review", "review"),
    ("review article", "review"),
    ("reviews", "review"),
    ("mini review", "review"),
    ("minireview", "review"),
    ("narrative review", "review"),
    ("invited review", "review"),
    ("state of the art review", "review"),
    ("case report", "case_report"),
    ("case reports", "case_report"),
    ("case study", "case_report"),
    ("clinical case report", "case_report"),
    ("case series", "research"),
    ("research", "research"),
    ("research article", "research"),
    ("research paper", "research"),
    ("original research", "research"),
    ("original article", "research"),
    ("original investigation", "research"),
    ("original contribution", "research"),
    ("original paper", "research"),
    ("article", "research"),  # MDPI and others label original research "Article"
    ("brief report", "research"),
    ("brief communication", "research"),
    ("short communication", "research"),
    ("clinical trial", "research"),
    ("randomized controlled trial", "research"),
    ("clinical study", "research"),
    ("letter", "commentary"),
    ("letters", "commentary"),
    ("letter to the editor", "commentary"),
    ("correspondence", "commentary"),
    ("editorial", "commentary"),
    ("commentary", "commentary"),
    ("comment", "commentary"),
    ("perspective", "commentary"),
    ("viewpoint", "commentary"),
    ("opinion", "commentary"),
    ("hypothesis", "hypothesis"),
    ("hypotheses", "hypothesis"),
    ("medical hypotheses", "hypothesis"),
    # More of PubMed's publication types (as on an abstract page, "Publication types: ...").
    ("observational study", "research"),
    ("multicenter study", "research"),
    ("validation study", "research"),
    ("controlled clinical trial", "research"),
    ("pragmatic clinical trial", "research"),
    ("scoping review", "review"),
    ("consensus development conference", "guideline"),
    ("patient education handout", "patient_information"),
    # Genre labels that web pages and point-of-care resources print as their type: patient handouts
    # and leaflets (NHS/MedlinePlus patient-information style), antidote monographs of poison centres.
    ("handout", "patient_information"),
    ("patient handout", "patient_information"),
    ("patient information", "patient_information"),
    ("patient information leaflet", "patient_information"),
    ("antidote monograph", "guideline"),
)

# --- Documents without a manifest entry: their front matter (ingest/metadata.py) -------------------
# A text or Markdown document's opening lines are its title block: title, source banner, authors,
# affiliations, citation line, dates, printed type. These patterns name kinds of lines, never topics.

# PubMed's "Publication types" list (abstract page; MEDLINE "PT" field as a line) and the like.
PUBLICATION_TYPES_LINE_RE = re.compile(
    r"^(?:publication|article|document) types?(?: as indexed)?\s*:\s*(.+?)\.?$", re.I | re.M
)

# How a banner line separates its parts ("Pharmacopsychiatry 2020; 53: 51-59 · Review · DOI ...",
# "Critical Care, 2007 — Letter", "Research article. Publication types ..."): dashes, middle dots,
# bars, tabs, wide gaps, and the full stop after a lower-case word.
BANNER_PARTS_RE = re.compile(r"\s+[—–|·•]\s+|\s{2,}|\t|(?<=[a-z)])\.\s+")

# A journal citation line (ICMJE/NLM citation style, PubMed record headers): volume(issue):pages,
# "Volume 66", a DOI or a PMID, or "Journal Name, 2007" standing alone or before a separator.
CITATION_LINE_RE = re.compile(
    r"\b\d{1,4}\s*\(\s*[\w–-]{1,12}\s*\)\s*:\s*[eRS]?\d|\b(?:volume|vol\.)\s*\d|\bdoi:?\s*10\.\d|\bpmid:?\s*\d|"
    r"^(?-i:[A-Z][\w'’.&-]*(?:\s+(?:[A-Z][\w'’.&-]*|\([A-Z][\w .]*\)|of|and|for|in|the|on|&)){0,8})[,.]?\s+\(?(?:19|20)\d{2}\)?\s*(?:[—–·|;,.]|$)",
    re.I,
)

# A source banner naming a publication and a locator in it (CSL "container-title, locator"):
# "BMJ Best Practice, topic 990", "Medscape Reference (eMedicine), article 816018",
# "Critical Care Secrets (a textbook), chapter 82". The container is the journal of the record.
SOURCE_BANNER_RE = re.compile(
    r"^(?P<source>[A-Z][\w'’.&-]*(?:\s+[\w'’.&-]+){0,6}?)(?:\s*\([^)]{1,60}\))?,\s*"
    r"(?:topic|article|chapter|section|entry|dossier|monograph|volume|issue|edition)\s+[\w.-]+",
)

# Author bylines of web pages and point-of-care resources ("Author: ...", "Authors: ...", "By ...").
BYLINE_RE = re.compile(
    r"(?:^|\.\s+)(?:authors?|written by|by)\s*:?\s+(?P<names>[A-Z][^:]+?)(?=\.\s+[A-Z][\w ]{0,30}:|$)", re.I
)
# Degrees and credentials after names (ICMJE author lines, US/UK post-nominals).
DEGREE_RE = re.compile(
    r",?\s*\b(?:MD|PhD|DO|MBBS|MBChB|MB|BCh|BS|BSc|MSc|MS|MA|MPH|MPhil|PharmD|RPh|RN|NP|PA-C|FACEP|FACP|FRCP|FRCPC|"
    r"FRCPsych|MRCPsych|FRACP|FAAN|FAPA|DPhil|Dr)\b\.?",
)

# Dates a web page or article prints (publication, posting, update; Vancouver and AMA cite web
# pages by the date updated). Used for the year when no citation line gives one.
DATED_LINE_RE = re.compile(
    r"\b(?:published|posted|accepted|received|publication date|(?:last )?updated|last reviewed|reviewed)\b[^\n]{0,40}?\b((?:19|20)\d{2})\b",
    re.I,
)

# Headings that open the body of a document after its title block (IMRaD, structured abstracts,
# letters, web pages' "key points" panels).
BODY_OPENING_RE = re.compile(
    r"^(?:abstract|summary|background|introduction|objectives?|key points|key messages|highlights|overview|"
    r"to the editor:?|dear editor,?|sir,?)$",
    re.I,
)

# Structure and genre cues in a document's own text, for documents without a printed type (text
# and Markdown files, PDFs that print none). Each is a kind of document, never a topic:
# - structured abstracts with Methods and Results mark original studies (ICMJE/CONSORT/STROBE);
# - "we report/present/describe a case" marks case reports (CARE guideline wording);
# - "this review", "we review", "systematic review" mark reviews (PRISMA wording);
# - guideline, antidote and poison-centre wording marks guidance (WHO/NICE/poison-centre pages);
# - addressing the reader as a patient or family marks patient information (NHS/MedlinePlus pages);
# - "to the editor", "we read with interest" mark letters (ICMJE letters).
CASE_REPORT_CUE_RE = re.compile(
    r"\b(?:we|here we|this paper|this article)\s+(?:report|present|describe)\s+(?:a|an|the|two|three)\s+(?:\w+\s+){0,4}?(?:case|patient)s?\b",
    re.I,
)
# Weaker case-report wording (CARE: a report of one or a few patients): "this case series aims",
# "in the first case". Read only when no Methods/Results structure makes it an original study.
CASE_SERIES_CUE_RE = re.compile(
    r"\bthis case (?:report|series)\b|\bin (?:the|our) (?:first|second|third) (?:case|patient)\b", re.I
)
# Pooled analyses of published case reports are original analyses (their own Results, statistics),
# not reviews or case reports: "271 published case reports were analysed", "a case-controlled
# analysis", "64 case reports ... were pooled" (the study-design wording of such papers).
POOLED_CASES_CUE_RE = re.compile(
    r"\bcase[- ]control(?:led)? analysis\b|"
    r"\b(?:\d+|[a-z]+-[a-z]+|[a-z]+ty|[a-z]+teen)\s+(?:published\s+)?case reports\b[^.]{0,160}?\b(?:were|was)\s+(?:pooled|analy[sz]ed)\b|"
    r"\b(?:pooled|analy[sz]ed|analysis of)\s+(?:\d+|all|every)\s+(?:published\s+)?case reports\b",
    re.I,
)
# Structured abstracts of reviews (Mulrow's "more informative abstracts" for review articles, as
# used by Annals of Pharmacotherapy, JAMA, ACP Journal Club): Data sources, Study selection, Data
# extraction, Data synthesis.
REVIEW_ABSTRACT_LABEL_RE = re.compile(
    r"\b(?:data sources?|study selection|data extraction|data synthesis)\b(?=\s*:|\s*$)", re.I | re.M
)
# Textbook chapters ("Chapter 82: ...", "a textbook", "handbook"): a narrative review of their topic.
TEXTBOOK_CUE_RE = re.compile(r"^chapter \d+\b|\b(?:textbook|handbook)\b", re.I)
REVIEW_CUE_RE = re.compile(
    r"\b(?:this|the present|our)\s+(?:\w+\s+)?review\b|\bwe (?:review|summari[sz]e)\b|\bsystematic review\b|\bmeta-analys[ie]s\b|\bliterature review\b",
    re.I,
)
GUIDELINE_CUE_RE = re.compile(
    r"\b(?:guidelines?|recommendations? for|consensus statement|practice parameter|antidote|poison (?:centre|center|control)|first aid)\b",
    re.I,
)
PATIENT_CUE_RE = re.compile(
    r"\b(?:your (?:doctors?|pharmacist|nurses?|medicines?|medications?|child|children|care team|(?:health ?care )?providers?|gp)|"
    r"if you (?:have|are|take|notice|feel|think)|talk (?:to|with) your|ask your|call your)\b",
    re.I,
)
LETTER_CUE_RE = re.compile(r"^\s*(?:dear editor|to the editor|sir,)|\bwe read with (?:great )?interest\b", re.I | re.M)
HYPOTHESIS_CUE_RE = re.compile(
    r"\b(?:we (?:propose|hypothesi[sz]e)|this hypothesis|the hypothesis that|hypothesis:)\b", re.I
)
# Headings that name guidance ("From the Guidelines", "Recommendations") mark a guideline document.
GUIDELINE_HEADING_RE = re.compile(
    r"\bguidelines?\b|^(?:key |main |summary of (?:the )?)?recommendations?\b|\bconsensus\b", re.I
)
# Web explainers for clinicians or students: FAQ and summary boxes (health-site templates).
EDUCATIONAL_HEADING_RE = re.compile(
    r"^(?:faqs?|frequently asked questions|key takeaways?|quick summary|the bottom line|takeaways?)$", re.I
)
# Encyclopedia articles: the section layout of medical encyclopedia entries (Wikipedia's MOS:MED
# order: signs and symptoms, causes, diagnosis, treatment, prognosis, epidemiology, history) and
# their closing sections ("See also", "External links").
ENCYCLOPEDIA_HEADINGS = frozenset(
    {
        "signs and symptoms",
        "causes",
        "pathophysiology",
        "diagnosis",
        "differential diagnosis",
        "prevention",
        "treatment",
        "management",
        "prognosis",
        "epidemiology",
        "history",
        "etymology",
        "society and culture",
        "research",
        "see also",
        "external links",
    }
)
# Drug-reference entries: the sections of drug monographs (Medscape/eMedicine drug sections, FDA
# structured product labels, BNF monographs). Poison-centre antidote monographs share some of them
# and are read as guidance first (GUIDELINE_CUE_RE).
DRUG_REFERENCE_HEADINGS = frozenset(
    {
        "medication summary",
        "class summary",
        "mechanism of action",
        "pharmacokinetics",
        "pharmacodynamics",
        "contraindications",
        "drug interactions",
        "interactions",
        "indications and usage",
        "dosage and administration",
        "adverse reactions",
        "warnings and precautions",
        "how supplied",
        "use in specific populations",
    }
)
