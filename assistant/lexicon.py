"""Cue lexicons for classifying statements and finding contested claims, in one visible place.

They describe how clinical writing *signals* a recommendation, a study result, doubt or a
stance: none of them names a particular drug, figure or known controversy, so they work
for papers added later. Sources: the GRADE and AGREE conventions for recommendation wording
("should", "is recommended", "consider", "avoid"), the hedging and negation cues of
BioScope / NegEx (Vincze et al. 2008; Chapman et al. 2001), and the study-design vocabulary
of PubMed publication types.
"""

from __future__ import annotations

import re


def _any(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.IGNORECASE)


# --- Guideline statements: what clinicians should or should not do (GRADE/AGREE wording) ---
GUIDELINE_CUES = _any(
    [
        r"should(?: not)?", r"must(?: not)?", r"is (?:strongly )?recommended", r"are recommended", r"recommend(?:s|ed)?",
        r"first[- ]line", r"second[- ]line", r"first step", r"most important (?:first )?step", r"mainstay",
        r"consider(?:ed|ation)?", r"avoid(?:ing|ed)?", r"is (?:essential|crucial|critical|vital|necessary|paramount|indicated)",
        r"are (?:essential|crucial|critical|vital|necessary|indicated)", r"contraindicated", r"caution", r"reserved for",
        r"(?:treatment|management|therapy) (?:involves|includes|consists|focuses|revolves)", r"key components",
        r"may be (?:required|considered|used|necessary|needed)", r"is the foundation", r"standard of care",
        r"discontinu(?:e|ation)", r"cessation of", r"withdrawal of the (?:offending|causative)", r"stop(?:ping)? the",
        r"is (?:commonly|typically|often) used", r"are (?:commonly|typically|often) used", r"should be",
    ]
)
# Imperative management steps at the start of a sentence or list item.
IMPERATIVE_START = re.compile(
    r"^(?:stop|discontinue|treat|give|start|monitor|avoid|use|consider|administer|cool|admit|check|measure|"
    r"withhold|restart|titrate|taper|ensure|maintain|provide|correct)\b",
    re.IGNORECASE,
)
# Noun-phrase list items of a management list ("Discontinuation of ...", "Intravenous fluids for hydration").
MANAGEMENT_ITEM = _any(
    [r"discontinuation", r"supportive care", r"management of", r"treatment of", r"cooling", r"fluids?",
     r"hydration", r"rehydration", r"monitoring", r"benzodiazepines?", r"consideration of"]
)

# --- Research findings: what studies report, and how strong the evidence is ---
RESEARCH_CUES = _any(
    [
        r"stud(?:y|ies)", r"trials?", r"case (?:series|reports?)", r"case[–-]control", r"meta-analys[ie]s", r"cohort",
        r"subgroup", r"found", r"reported", r"reports?", r"observed", r"measured", r"statistically significant",
        r"associated with", r"evidence", r"data", r"patients had", r"were found", r"has been shown", r"have been shown",
        r"shown to", r"we (?:propose|previously reported|recently reported|have shown|now propose|measured)",
        r"hypothes[ie]s", r"suggest(?:s|ed|ing)?", r"incidence", r"mortality", r"prevalence", r"rates?",
        r"pooled", r"replicated", r"sample", r"per 100,000", r"it has been proposed", r"has been proposed",
        r"have (?:been )?(?:used|implicated)", r"has (?:been )?used", r"been used", r"have shown", r"has shown",
    ]
)
NUMBER_CUE = re.compile(r"\d+(?:\.\d+)?\s?%|\bper 100,000\b|\b\d+ of (?:the )?\d+\b|\b\d+ patients\b")

# Sections and evidence types that set a prior for a statement's category.
GUIDELINE_SECTION = re.compile(r"guideline|recommendation|management|treatment|key points|memo|summary", re.I)
RESEARCH_SECTION = re.compile(r"research|results|findings|outcomes|evidence|studies|limitations|epidemiolog", re.I)
GUIDELINE_TYPES = frozenset({"guideline"})
RESEARCH_TYPES = frozenset({"research", "hypothesis"})

# --- Contested claims ---
# (a) Explicit doubt or controversy (hedge cues, BioScope-style).
CONTROVERSY_CUES = _any(
    [
        r"controversial", r"controversy", r"debated?", r"(?:is|are|remains?|still) (?:still )?unclear", r"unclear",
        r"little evidence", r"limited evidence", r"insufficient evidence", r"lack of evidence", r"weak evidence",
        r"no statistically significant", r"no significant difference", r"casting doubt", r"cast(?:s)? doubt",
        r"remains? unknown", r"based (?:mainly|largely|primarily|only) on case reports?",
        r"no large (?:controlled |randomi[sz]ed )?trials?", r"conflicting", r"inconsistent", r"uncertain(?:ty)?",
        r"does not fully explain", r"do(?:es)? not (?:adequately )?(?:explain|account)", r"fail to account",
        r"circumstantial evidence", r"varying results", r"mixed results", r"contested", r"disputed",
        r"not been tested", r"more studies are required", r"further research is needed",
    ]
)
# (b) Stances on an intervention. Negative cues are checked first (NegEx-style negation).
NEGATIVE_STANCE = _any(
    [
        r"not effective", r"ineffective", r"no (?:clear |significant )?benefit", r"did not (?:improve|reduce|shorten|help)",
        r"does not (?:improve|reduce|reverse|treat|address|help|work)", r"not a cure", r"not (?:a )?monotherapy",
        r"no statistically significant", r"no significant difference", r"failed to", r"no better than",
        r"worse outcomes?", r"increased mortality", r"not recommended", r"should not be used", r"little evidence",
        r"based (?:mainly|largely) on case reports?", r"no large (?:controlled )?trials?", r"not supported",
    ]
)
POSITIVE_STANCE = _any(
    [
        r"effective", r"efficacious", r"benefit(?:s|ed|ial)?", r"successful(?:ly)?", r"success", r"improve[sd]?",
        r"lower mortality", r"reduc(?:es|ed|ing) (?:mortality|the duration|symptoms|rigidity|muscle)",
        r"helps? reverse", r"reverses?", r"relieving", r"rational treatment", r"treatment option", r"useful",
        r"recommended", r"first-line", r"can be used", r"has been used", r"have been used", r"used with some success",
    ]
)
# (c) Quantities whose figures can disagree, with the words that name them.
FACETS: dict[str, re.Pattern[str]] = {
    "incidence": _any([r"incidence", r"prevalence", r"occurs? in", r"affected", r"how often", r"how common",
                       r"frequency", r"frequent", r"common", r"per 100,000", r"rates? of nms", r"of patients (?:treated|exposed)"]),
    "mortality": _any([r"mortality", r"fatal", r"death", r"die", r"dies", r"lethal", r"case fatality", r"survival"]),
    "mechanism": _any([r"mechanisms?", r"pathophysiolog(?:y|ical)", r"pathogenesis", r"hypothes[ie]s", r"theor(?:y|ies)",
                       r"etiology", r"aetiology", r"causes?", r"caused", r"underlying", r"model"]),
    "recurrence": _any([r"recur(?:s|red|rence)?", r"rechallenge", r"re-?introduc(?:tion|ed|e)", r"restart(?:ed|ing)?",
                        r"re-?exposure"]),
    "history": _any([r"first described", r"described in", r"discovered", r"first reported", r"known about"]),
    "treatment": _any([r"treatments?", r"therap(?:y|ies)", r"pharmacolog(?:ic|ical|y)", r"efficacy", r"effectiveness",
                       r"specific (?:drugs|medications|agents)"]),
}
QUANTITY_FACETS = ("incidence", "mortality", "history", "recurrence")
# Question words that ask about drug treatment (a "management" or "care" question does not).
TREATMENT_QUESTION = _any([r"drugs?", r"medications?", r"medicines?", r"pharmacolog\w*", r"effective", r"efficacy",
                           r"reverse", r"options?", r"therap(?:y|ies)", r"treat(?:ment|ments|ed|ing)?", r"works?",
                           r"recommended", r"agents?", r"help"])
FIGURE_RE = re.compile(
    r"(?:(?:about|around|approximately|up to|as high as|below|over|under|between|from)\s)?"
    r"\d+(?:[.,]\d+)?\s?%?(?:\s?(?:to|–|-|and)\s?\d+(?:\.\d+)?\s?%)"
    r"|(?:(?:about|around|approximately|up to|as high as|below|over|under)\s)?\d+(?:\.\d+)?\s?%"
    r"|\d+ per \d{1,3}(?:,\d{3})+"
    r"|\b1[89]\d\d\b|\b20\d\d\b"
)
TOPIC_LABELS = {
    "incidence": "NMS incidence",
    "mortality": "NMS mortality",
    "mechanism": "NMS mechanism (pathophysiology)",
    "recurrence": "recurrence on re-exposure",
    "history": "when NMS was first described",
    "treatment": "pharmacological treatment",
}

# --- Questions ---
QUESTION_STOPWORDS = frozenset(
    "what which who whom whose when where why how is are was were be been do does did can could should would will "
    "may might the a an of in on for to and or with without about into by from at as it its this that these those "
    "there their they them i we you me my our your patient patients nms neuroleptic malignant syndrome tell "
    "explain describe give list any some all much many more most very really".split()
)
NO_EVIDENCE_MESSAGE = (
    "No indexed source answers this question well enough. The closest passages are listed for browsing; "
    "nothing has been inferred from them."
)
