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
from collections.abc import Sequence
from dataclasses import dataclass


def _any(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.IGNORECASE)


# --- Guideline statements: what clinicians should or should not do (GRADE/AGREE wording) ---
GUIDELINE_CUES = _any(
    [
        r"should(?: not)?",
        r"must(?: not)?",
        r"is (?:strongly )?recommended",
        r"are recommended",
        r"recommend(?:s|ed)?",
        r"first[- ]line",
        r"second[- ]line",
        r"first step",
        r"most important (?:first )?step",
        r"mainstay",
        r"consider(?:ed|ation)?",
        r"avoid(?:ing|ed)?",
        r"is (?:essential|crucial|critical|vital|necessary|paramount|indicated)",
        r"are (?:essential|crucial|critical|vital|necessary|indicated)",
        r"contraindicated",
        r"caution",
        r"reserved for",
        r"(?:treatment|management|therapy) (?:involves|includes|consists|focuses|revolves)",
        r"key components",
        r"may be (?:required|considered|used|necessary|needed)",
        r"is the foundation",
        r"standard of care",
        r"discontinu(?:e|ation)",
        r"cessation of",
        r"withdrawal of the (?:offending|causative)",
        r"stop(?:ping)? the",
        r"is (?:commonly|typically|often) used",
        r"are (?:commonly|typically|often) used",
        r"should be",
        # prohibitions and cautions of drug and antidote pages
        r"do not (?:give|use|delay|start|restart|stop|administer|combine|exceed)",
        r"never (?:give|use|delay|combine)",
        r"(?:must|should) not be (?:given|used|combined|delayed)",
        r"needs? care",
        r"with (?:great )?care",
        r"(?:use|used|given) with caution",
        r"not (?:be )?indicated",
    ]
)
# A study's practical conclusion: what its results favour in practice ("these results favour early use of X").
PRACTICAL_CONCLUSION = _any(
    [
        r"favou?r(?:s|ed|ing)? (?:the )?(?:early |prompt )?(?:use|treatment|administration)",
        r"supports? the use",
        r"(?:argue|speak)s? for (?:the )?(?:early |prompt )?use",
        r"clinicians (?:should|ought to|may wish to)",
    ]
)
# A dosing instruction: a dose with how it is given ("can be begun at 2.5 mg by mouth two or three times a
# day", "1-2.5 mg/kg IV every 6 h, maximum 10 mg/kg"), as antidote and drug monographs write them.
DOSING_LINE = re.compile(
    r"(?:\b(?:can|may|should) be (?:begun|started|given|repeated|increased|continued|titrated)\b|\bevery \d+(?:\s?[–-]\s?\d+)?"
    r"\s?(?:h|hours?|min)\b|\b(?:once|twice|\w+ times) (?:a|per) day\b|\bmaximum(?: dose)?(?: of)?\b|\bper day\b|\bdaily\b)"
    r".{0,80}?\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|units?)\b|\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g)(?:/kg)?\b.{0,60}?"
    r"(?:\bevery \d+|\b(?:once|twice|\w+ times) (?:a|per) day\b|\bmaximum\b|\bper day\b|\bdaily\b|\bby mouth\b|\b(?:IV|orally|intravenously)\b)",
    re.IGNORECASE,
)
# Imperative management steps at the start of a sentence or list item.
IMPERATIVE_START = re.compile(
    r"^(?:stop|discontinue|treat|give|start|monitor|avoid|use|consider|administer|cool|admit|check|measure|"
    r"withhold|restart|titrate|taper|ensure|maintain|provide|correct|do not|don't|never|always|call|contact|phone|"
    r"seek|ask|watch for|keep|continue|repeat|reduce|increase|dilute|reconstitute|infuse|inject|wait|rechallenge)\b",
    re.IGNORECASE,
)
# Noun-phrase list items of a management list ("Discontinuation of ...", "Intravenous fluids for hydration").
MANAGEMENT_ITEM = _any(
    [
        r"discontinuation",
        r"supportive care",
        r"management of",
        r"treatment of",
        r"cooling",
        r"fluids?",
        r"hydration",
        r"rehydration",
        r"monitoring",
        r"benzodiazepines?",
        r"consideration of",
    ]
)

# --- Research findings: what studies report, and how strong the evidence is ---
RESEARCH_CUES = _any(
    [
        r"stud(?:y|ies)",
        r"trials?",
        r"case (?:series|reports?)",
        r"case[–-]control",
        r"meta-analys[ie]s",
        r"cohort",
        r"subgroup",
        r"found",
        r"reported",
        r"reports?",
        r"observed",
        r"measured",
        r"statistically significant",
        r"associated with",
        r"evidence",
        r"data",
        r"patients had",
        r"were found",
        r"has been shown",
        r"have been shown",
        r"shown to",
        r"we (?:propose|previously reported|recently reported|have shown|now propose|measured)",
        r"hypothes[ie]s",
        r"suggest(?:s|ed|ing)?",
        r"incidence",
        r"mortality",
        r"prevalence",
        r"rates?",
        r"pooled",
        r"replicated",
        r"sample",
        r"per 100,000",
        r"it has been proposed",
        r"has been proposed",
        r"have (?:been )?(?:used|implicated)",
        r"has (?:been )?used",
        r"been used",
        r"have shown",
        r"has shown",
        # risk factors are findings about who gets the disease, not advice (issue: "high-potency agents increase the risk")
        r"risk factors?",
        r"increas\w* (?:the )?risk",
        r"higher risk",
        r"predispos\w*",
        r"odds ratio",
    ]
)
NUMBER_CUE = re.compile(r"\d+(?:\.\d+)?\s?%|\bper 100,000\b|\b\d+ of (?:the )?\d+\b|\b\d+ patients\b")

# Sections and evidence types that set a prior for a statement's category.
GUIDELINE_SECTION = re.compile(r"guideline|recommendation|management|treatment|key points|memo|summary", re.I)
RESEARCH_SECTION = re.compile(r"research|results|findings|outcomes|evidence|studies|limitations|epidemiolog", re.I)
GUIDELINE_TYPES = frozenset({"guideline"})
RESEARCH_TYPES = frozenset({"research", "hypothesis", "case_report"})

# --- Contested claims ---
# (a) Explicit doubt or controversy (hedge cues, BioScope-style).
CONTROVERSY_CUES = _any(
    [
        r"controversial",
        r"controversy",
        r"debated?",
        r"(?:is|are|remains?|still) (?:still )?unclear",
        r"unclear",
        r"little evidence",
        r"limited evidence",
        r"insufficient evidence",
        r"lack of evidence",
        r"weak evidence",
        r"no statistically significant",
        r"no significant difference",
        r"casting doubt",
        r"cast(?:s)? doubt",
        r"remains? unknown",
        r"based (?:mainly|largely|primarily|only) on case reports?",
        r"no large (?:controlled |randomi[sz]ed )?trials?",
        r"conflicting",
        r"inconsistent",
        r"uncertain(?:ty)?",
        r"does not fully explain",
        r"do(?:es)? not (?:adequately )?(?:explain|account)",
        r"fail to account",
        r"circumstantial evidence",
        r"varying results",
        r"mixed results",
        r"contested",
        r"disputed",
        r"not been tested",
        r"more studies are required",
        r"further research is needed",
    ]
)
# (b) Stances on an intervention. Negative cues are checked first (NegEx-style negation).
# Words before an intervention's name saying the patient's illness did not answer to it ("the fever did not come
# down with X", "refractory to X"): no effect, whatever else the sentence says of other treatments.
NO_RESPONSE_BEFORE = re.compile(
    r"(?:\b(?:(?:did|does|do|would) not|didn't|doesn't|failed to|not)\s+(?:\w+\s+)?(?:respond|come down|improve|settle|"
    r"resolve|subside|fall)\w*(?:\s+\w+){0,2}\s+(?:to|with|on|after)|\b(?:resistant|refractory|unresponsive|no response)"
    r"\s+to)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
NEGATIVE_STANCE = _any(
    [
        r"not effective",
        r"ineffective",
        r"no (?:clear |significant )?benefit",
        r"did not (?:improve|reduce|shorten|help)",
        r"does not (?:improve|reduce|reverse|treat|address|help|work)",
        r"not a cure",
        r"not (?:a )?monotherapy",
        r"no statistically significant",
        r"no significant difference",
        r"failed to",
        r"no better than",
        r"worse outcomes?",
        r"increased mortality",
        r"not recommended",
        r"should not be used",
        r"little evidence",
        r"based (?:mainly|largely) on case reports?",
        r"no large (?:controlled )?trials?",
        r"not supported",
        r"should (?:\w+ )?avoid",  # advice against giving it ("physicians should avoid restarting ...")
        r"(?:is|are|be) (?:best )?avoided",
        r"contraindicated",
    ]
)
POSITIVE_STANCE = _any(
    [
        r"effective",
        r"efficacious",
        r"benefit(?:s|ed|ial)?",
        r"successful(?:ly)?",
        r"success",
        r"improve[sd]?",
        r"lower mortality",
        r"reduc(?:es|ed|ing) (?:mortality|the duration|symptoms|rigidity|muscle)",
        r"helps? reverse",
        r"reverses?",
        r"relieving",
        r"rational treatment",
        r"treatment option",
        r"useful",
        r"recommended",
        r"first-line",
        r"can be used",
        # advice that it may be given (again): "many can eventually be restarted", "may be necessary"
        r"can (?:\w+ )?be (?:restarted|reintroduced|re-introduced|rechallenged|resumed|given|continued)",
        r"may be (?:necessary|possible|safe)",
        r"has been used",
        r"have been used",
        r"(?:treatment|management|care) (?:involves|includes|consists of|comprises)",  # a named part of the care given
        r"used with some success",
        r"favou?r(?:s|ed|ing)? (?:the |early )?(?:use|treatment)",
        r"supports? the use",
    ]
)
# (b1) What followed giving a drug (again): the syndrome came back (harm) or did not (it was tolerated). Not
# when the drug was stopped: "symptoms recurred when X was withdrawn" speaks for X, not against it.
RECURRED = _any(
    [
        r"recurred",
        r"recurs",
        r"came back",
        r"comes? back",
        r"reappeared",
        r"relapsed",
        r"(?:trigger(?:s|ed)?|cause[sd]?|led to|provoked?|developed) (?:a |an )?(?:\w+ )?(?:recurrence|relapse|second episode)",
    ]
)
NOT_RECURRED = re.compile(
    r"\b(?:no|without|not|never|nor|neither)\b(?:\s+[\w-]+){0,3}?\s+"
    r"(?:recur\w*|relapse\w*|come back|came back|reappear\w*)|\brecurrence-free\b|\bfree (?:of|from) (?:recurrence|relapse)",
    re.IGNORECASE,
)
WITHDRAWN = _any(
    [
        r"stopp(?:ed|ing)",
        r"withdrawn",
        r"withdrawal",
        r"discontinu\w+",
        r"tapered",
        r"ceased",
        r"held",
        r"reduced",
        r"lowered",
    ]
)
# (b2) Findings as they are stated in results sections: an outcome, a direction, and whether more of the
# outcome is good or bad (CONSORT/STROBE reporting: "X shortened the time to recovery", "mortality was
# higher with X", "no difference between X and supportive care"). Polarity -1: more is worse.
OUTCOMES: tuple[tuple[re.Pattern[str], int], ...] = (
    (
        _any(
            [
                r"mortality",
                r"deaths?",
                r"death rates?",
                r"died",
                r"dying",
                r"fatal(?:ity|ities)?",
                r"case fatality",
                r"lethal(?:ity)?",
            ]
        ),
        -1,
    ),
    (
        _any(
            [
                r"(?:hospital |icu )?stays?",
                r"length of stay",
                r"duration",
                r"complications?",
                r"relapses?",
                r"recurrences?",
                r"rigidity",
                r"fever",
                r"temperature",
                r"hyperthermia",
                r"symptoms?",
                r"creatine (?:phospho)?kinase",
                r"ck",
                r"side effects?",
                r"adverse (?:effects?|events?)",
                r"risk",
                r"incidence",
                r"morbidity",
                r"rhabdomyolysis",
            ]
        ),
        -1,
    ),
    (
        _any(
            [
                r"survival",
                r"survived",
                r"response",
                r"responded",
                r"improvement",
                r"recovery",
                r"remission",
                r"resolution",
                r"success(?:ful)?(?: outcomes?)?",
                r"outcomes?",
            ]
        ),
        1,
    ),
)
# Outcomes that are events in time: reached sooner is better, later is worse ("recovery came sooner").
TIME_OUTCOMES = _any(
    [
        r"recovery",
        r"recovered",
        r"remission",
        r"resolution",
        r"resolved",
        r"improvement",
        r"improved",
        r"response",
        r"normali[sz]ed",
        r"subsided",
        r"time to \w+",
    ]
)
SOONER = _any(
    [
        r"sooner",
        r"faster",
        r"quicker",
        r"earlier",
        r"more rapid(?:ly)?",
        r"shortened",
        r"shorter",
        r"shorten(?:s|ing)?",
        r"accelerat\w+",
        r"hastened",
        r"speed(?:s|ed)? (?:up )?",
    ]
)
LATER = _any([r"later", r"slower", r"delayed", r"prolong\w*", r"longer", r"lengthen\w*"])
UP = _any(
    [
        r"higher",
        r"increased",
        r"increases?",
        r"increasing",
        r"more",
        r"rose",
        r"raised",
        r"elevated",
        r"greater",
        r"worse",
        r"worsened",
        r"doubled",
        r"longer",
        r"prolong\w*",
        r"excess",
    ]
)
DOWN = _any(
    [
        r"lower(?:ed|s)?",
        r"reduced",
        r"reduces?",
        r"reducing",
        r"reduction",
        r"decreased",
        r"decreases?",
        r"fewer",
        r"less",
        r"fell",
        r"falls?",
        r"dropped",
        r"shorter",
        r"shortened",
        r"declined?",
        r"halved",
        r"cut",
    ]
)
NO_CHANGE = _any(
    [
        r"no (?:statistically )?significant (?:difference|change|effect|benefit|reduction|improvement)",
        r"no difference",
        r"did not differ",
        r"not differ",
        r"similar",
        r"comparable",
        r"no effect",
        r"independently of",
        r"regardless of",
        r"unchanged",
        r"no better than",
        r"not (?:statistically )?significant",
    ]
)
# A finding's window: the direction must be this close (in words) to the outcome it qualifies.
EFFECT_WINDOW = 6
# Statements of a study's aim or a mechanism report no finding ("we studied how effective X is").
AIM = _any(
    [
        r"(?:aim|objective|purpose|goal)s? (?:of (?:this|the|our) (?:study|review|analysis) )?(?:was|were|is|are) to",
        r"we (?:studied|examined|investigated|assessed|evaluated|set out to|sought to|aimed to)",
        r"this (?:study|review|analysis) (?:set out|sought|aimed|examined|investigated|assessed)",
        r"how (?:effective|well)",
        r"whether",
    ]
)
# An exposure's link with an outcome (risk factors): asserted, or denied.
ASSOCIATION = _any(
    [
        r"increas\w* (?:the )?risk",
        r"(?:is|are|was|were) (?:a |an )?(?:independent |major |important )?risk factors?",
        r"risk factors? (?:include|are|were)",
        r"more (?:often|common(?:ly)?|likely|frequent(?:ly)?)",
        r"predominan\w+",
        r"higher (?:risk|incidence|rates?|odds|frequency|mortality)",
        r"predispos\w+",
        r"associated with (?:an? )?(?:increased|higher|greater|elevated)",
        r"predict\w*",
        r"implicated",
        r"odds ratio",
        r"\bOR\s?=",
        r"twice as",
    ]
)
# A comparison of risk: "X appear to have a higher risk than Y", "less often with X than with Y". The exposure
# named after "than" is the one with the lower (after HIGHER_THAN) or higher (after LOWER_THAN) risk.
HIGHER_THAN = re.compile(r"\b(?:higher|greater|more|increased)\b[^.;]{0,40}?\bthan\b", re.IGNORECASE)
LOWER_THAN = re.compile(r"\b(?:lower|less|fewer|smaller|reduced)\b[^.;]{0,40}?\bthan\b", re.IGNORECASE)
AFTER_THAN = re.compile(r"\bthan\s+(?:with\s+|in\s+|for\s+|the\s+|those\s+(?:on|taking)\s+){0,2}$", re.IGNORECASE)
# A protective finding next to an exposure: "wider use of class X has reduced the incidence", "X with a lower
# rate of the syndrome".
PROTECTIVE = re.compile(
    r"\b(?:reduc\w*|lower\w*|decreas\w*|less\w*)\s+(?:the\s+)?(?:risk|incidence|prevalence|rates?|frequency|odds)\b",
    re.IGNORECASE,
)
# Advice to prefer an exposure when a drug must be given ("with a preference for low-potency or atypical agents"):
# the source holds it the lower risk.
PREFERRED = re.compile(
    r"\b(?:(?:a |with )?preference for|preferably|(?:is |are )?preferred|prefer(?:ring)?)\s+(?:(?!(?:over|to|than|instead|rather)\b)[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
PROTECTIVE_WINDOW = 12  # words after an exposure's mention within which a protective finding is about it

NO_ASSOCIATION = _any(
    [
        r"(?:is|are|was|were) not (?:a |an )?(?:\w+ )?risk factors?",
        r"no evidence(?: shows| that| suggests)?",
        r"did not differ",
        r"not associated",
        r"no (?:significant |clear )?(?:association|link|relationship)",
        r"does not (?:increase|raise|add)",
        r"do not (?:increase|raise|add)",
        r"plays? no (?:part|role)",
        r"not (?:a |an )?(?:independent )?predictors?",
        r"not related",
        r"unrelated",
        r"neither .{0,60} nor",
        r"no (?:statistically )?significant difference",
    ]
)
# A source's own account of something (a mechanism, a cause): a position another source may doubt.
PROPOSAL = _any(
    [
        r"hypothes[ie]s",
        r"propos\w*",
        r"theor(?:y|ies)",
        r"suggest\w*",
        r"is (?:thought|believed) to",
        r"(?:is|are) caused by",
        r"results? from",
        r"leads? to",
        r"underl(?:ies|ying)",
        r"implicated",
    ]
)
# A question whether something causes the condition ("is droperidol a known cause of NMS?", "can
# metoclopramide trigger it?"): the drugs it names are exposures (associated or not), not treatments.
CAUSE_QUESTION = re.compile(  # not in a relative clause naming the drug ("give again the agent that caused the episode")
    r"(?<!that )(?<!which )(?<!who )\b(?:caus\w*|trigger\w*|induc\w*|precipitat\w*|responsible for|leads? to|associated with|linked (?:to|with))"
    r"(?:\W+\w+){0,4}?\W+(?:nms|neuroleptic malignant|the syndrome|this|it)\b",
    re.IGNORECASE,
)
RISK_QUESTION = _any(
    [
        r"risk(?: factors?)?",
        r"more likely",
        r"less likely",
        r"predispos\w*",
        r"safer",
        r"lower with",
        r"higher with",
        r"more (?:common|often)",
        r"increase the (?:risk|chance)",
    ]
)

# Whether a feature must be present for the diagnosis ("does it always come with fever?", "can it be NMS
# without rigidity?"): the features it names are topics on which sources may disagree (required, or seen
# without it), as diagnostic criteria and case reports of incomplete forms do.
NECESSITY_QUESTION = _any(
    [
        r"always",
        r"without (?:a |any )?(?:high |raised |the )?\w+",
        r"required?",
        r"requires?",
        r"necessary",
        r"essential",
        r"mandatory",
        r"must (?:have|be present|include)",
        r"need(?:s)? to (?:have|be present)",
        r"no (?:\w+ )?(?:means|rules? (?:it )?out|excludes?)",  # "no fever means it isn't NMS"
    ]
)
# A sentence that calls a feature required, or defines the syndrome by it (the cue within this many words
# before a mention: a list of features follows "characterised by") ...
NECESSITY_WINDOW = 10
NECESSITY = _any(
    [
        r"required?",
        r"requires?",
        r"essential",
        r"necessary",
        r"mandatory",
        r"obligatory",
        r"always",
        r"must (?:be present|have|include)",
        r"cardinal",
        r"hallmarks?",
        r"core (?:features?|symptoms?|signs?)",
        r"major (?:criteri(?:on|a)|symptoms?|features?|signs?|manifestations?)",
        r"sine qua non",
        r"characteri[sz]ed by",
        r"defin(?:ed|es|ing) by",
        r"(?:classic(?:al)?|typical) (?:features?|signs?|symptoms?|presentation|triad|tetrad)",
        r"(?:diagnostic )?criteri(?:on|a) (?:include|require|are)",
    ]
)
# ... or reports it absent, by a cue just before a mention ("without fever", "no hyperthermia was observed")
# or just after it ("fever was absent"); NegEx-style, in a window of words.
ABSENCE_WINDOW = 4
ABSENCE_BEFORE = _any(
    [
        r"without(?: (?:a|any|significant|marked|high))?$",
        r"absen(?:t|ce) of(?: (?:a|any|significant|marked|high))?$",
        r"(?:with the )?exception of(?: (?:a|any|significant|marked|high))?$",
        r"except(?: for)?(?: (?:a|any))?$",
        r"lack of(?: (?:a|any))?$",
        r"\bno(?: (?:significant|marked|high|obvious))?$",
        r"did not (?:develop|have|show)(?: (?:a|any|significant|marked|high))?$",
        r"not always (?:\w+ )?(?:with|by)?(?: (?:a|any))?$",
    ]
)
FEATURE_ABSENT_SEARCH = "without absence absent exception"  # searched with a feature's names, to find such reports
NEGATING_PREFIXES = ("a", "non-", "non")  # a feature's name negated: "afebrile", "non-febrile"


def negated_names(names: Sequence[str]) -> list[str]:
    """Each name with each negating prefix ("febrile" -> "afebrile", "non-febrile", "nonfebrile")."""
    return [prefix + name for name in names for prefix in NEGATING_PREFIXES]


ABSENCE_AFTER = re.compile(
    r"(?:was|were|is|are|may be|can be) (?:absent|not (?:observed|present|seen|noted|recorded)|lacking|missing)\b"
    r"|(?:was|were|is|are) not always\b|(?:is|are) not (?:required|necessary|essential|mandatory)\b",
    re.IGNORECASE,
)

# (c) Quantities whose figures can disagree, with the words that name them.
# Asking how often to *check* something (a monitoring schedule), not how often it occurs.
_CHECK_SCHEDULE = (
    r"how (?:often|frequently) (?:should|do|must|to|would) (?:we |i |you |they )?"
    r"(?:check|monitor|measure|repeat|test|take|recheck|re-?check)"
)
FACETS: dict[str, re.Pattern[str]] = {
    "incidence": _any(
        [
            r"incidence(?: risk)?",
            r"prevalence",
            r"occurs? in",
            r"occurrence",
            r"affected",
            r"(?!" + _CHECK_SCHEDULE + r")how often",  # how often it occurs, not how often to check
            r"how common",
            r"frequency",
            r"frequent",
            r"common",
            r"per 100,000",
            r"(?:cases )?per \d{1,3}(?:,\d{3})* (?:admissions|patients|treated|users|cases|neuroleptic-treated)",
            r"(?<!death )(?<!fatality )rates? of nms",
            r"of patients (?:treated|exposed)",
            r"developed nms",
            r"(?:get|gets|getting|develops?|developing) (?:nms|neuroleptic malignant syndrome)",
        ]
    ),
    # the same quantity under its other names: death rate, fatal outcome, died (issue 9.5)
    "mortality": _any(
        [
            r"mortality",
            r"fatal(?:ity|ities)?",
            r"fatal outcomes?",
            r"death(?:s| rates?)?",
            r"die",
            r"dies",
            r"died",
            r"dying",
            r"lethal(?:ity)?",
            r"kill(?:s|ed|ing)?",
            r"case[- ]fatality",
            r"survival",
            r"survived",
        ]
    ),
    "mechanism": _any(
        [
            r"mechanisms? of action",
            r"mode of action",
            r"mechanisms?",
            r"pathophysiolog(?:y|ical)",
            r"pathogenesis",
            r"hypothes[ie]s",
            r"theor(?:y|ies)",
            r"etiology",
            r"aetiology",
            r"causes?",
            r"caused",
            r"underlying",
            r"model",
            r"(?:best |fully |largely )?explained by",
            r"what explains",
        ]
    ),
    "recurrence": _any(
        [r"recur(?:s|red|rence)?", r"rechallenge", r"re-?introduc(?:tion|ed|e)", r"restart(?:ed|ing)?", r"re-?exposure"]
    ),
    "history": _any(
        [
            r"first described",
            r"described in",
            r"discovered",
            r"first reported",
            r"known about",
            r"first descriptions?",
            r"first (?:appear(?:ed|s)?|published|recogni[sz]ed)",
        ]
    ),
    # the time from a drug's start to the syndrome's beginning
    "onset": _any(
        [
            r"onset",
            r"how soon (?:after (?:starting|taking|beginning|the first|a dose)|does|do|did|can|will|is)",
            r"how (?:long|quickly|fast) after (?:starting|taking|the first|beginning|a dose)",
            r"(?:begins?|began|starts?|started|appears?|appeared|develops?|developed|emerges?|occur(?:s|red)?) "
            r"(?:\w+ ){0,4}?(?:within|during|after starting|after the (?:start|initiation)|in the first)",
        ]
    ),
    # how the syndrome divides between the sexes ("male:female ratio", "are men affected twice as often")
    "sex ratio": _any(
        [
            r"(?:sex|gender|male|female|men|women)\b[^.?;]{0,25}\bratio",
            r"ratio\b[^.?;]{0,25}\b(?:sex|gender|males?|females?|men|women)",
            r"(?:men|males|women|females)\b[^.?;]{0,25}\b(?:twice|\d+ times) as (?:often|many|likely|common)",
        ]
    ),
    # a laboratory criterion as a multiple of the upper limit of normal ("a CK over 5x ULN")
    "threshold": _any(
        [
            r"upper limits? of normal",
            r"uln",
            r"(?:times|x) (?:the )?normal",
            r"thresholds?",
            r"cut-?offs?",
        ]
    ),
    "treatment": _any(
        [
            r"treatments?",
            r"therap(?:y|ies)",
            r"pharmacolog(?:ic|ical|y)",
            r"efficacy",
            r"effectiveness",
            r"specific (?:drugs|medications|agents)",
        ]
    ),
}
QUANTITY_FACETS = ("incidence", "mortality", "history", "recurrence", "onset", "sex ratio", "threshold")
# The word the sources use for a quantity asked in other words ("how many die" -> mortality), added to the
# search. Not incidence: its cues ("frequent", "common", "develop NMS") also ask which features are common or
# what raises the risk, where "incidence" would pull the search away.
FACET_WORDS = {"mortality": "mortality", "recurrence": "recurrence"}
# Question words that ask about drug treatment (a "management" or "care" question does not).
TREATMENT_QUESTION = _any(
    [
        r"drugs?",
        r"medications?",
        r"medicines?",
        r"pharmacolog\w*",
        r"effective",
        r"efficacy",
        r"reverse",
        r"options?",
        r"therap(?:y|ies)",
        r"treat(?:ment|ments|ed|ing)?",
        r"works?",
        r"recommended",
        r"agents?",
        r"help",
    ]
)
_PERCENT = r"(?:%|\s?per ?cent\b)"  # "8.6%" and "8.6 percent" are one figure
# A time span ("24 h to 1 week", "1 to 3 days", "the first 2 weeks", "after 30 days"): the figures of an onset.
_SPAN_UNIT = r"(?:h|hrs?|hours?|days?|weeks?|months?|years?)\b"
DURATION_RE = re.compile(
    r"\d+(?:\.\d+)?\s?(?:"
    + _SPAN_UNIT
    + r"\s?)?(?:to|–|-)\s?\d+(?:\.\d+)?\s?"
    + _SPAN_UNIT
    + r"|\d+(?:\.\d+)?\s?"
    + _SPAN_UNIT
    + r"|\b(?:one|two|three|four|five|six|seven|ten|a few|several) (?:to (?:\w+) )?"
    + _SPAN_UNIT,
    re.IGNORECASE,
)
# How many of one sex per one of the other: "2:1", "twice as often", "a ratio of 1.47", "three times as many".
RATIO_RE = re.compile(
    r"\b\d+(?:\.\d+)?\s?:\s?\d+(?:\.\d+)?\b|\btwice\b|\b(?:two|three|four|\d+(?:\.\d+)?)[- ]?(?:times|fold)\b"
    r"|(?:(?<=ratio )|(?<=ratio of )|(?<=ratio was )|(?<=ratio is ))\d+(?:\.\d+)?\b(?!\s?:\s?\d)",
    re.IGNORECASE,
)
# Words that say which dose, not of what ("max dose", "oral dose", "the usual adult dose").
DOSE_QUALIFIERS = frozenset(
    "max maximum maximal min minimum initial starting start usual typical daily total oral iv im intravenous "
    "intramuscular loading maintenance recommended effective safe right correct best first single cumulative "
    "paediatric pediatric adult adults child children weekly bolus test lowest highest standard".split()
)
# A multiple of the upper limit of normal: "five times the ULN", "3x ULN", "10 or more times normal".
MULTIPLE_OF_NORMAL_RE = re.compile(
    r"\b(?:two|three|four|five|ten|\d+(?:\.\d+)?)(?: or more)?\s?(?:x|×|times|-fold)(?=\s?(?:the\s)?(?:upper limits?|uln|normal))",
    re.IGNORECASE,
)
FACET_FIGURES: dict[str, re.Pattern[str]] = {
    "onset": DURATION_RE,
    "sex ratio": RATIO_RE,
    "threshold": MULTIPLE_OF_NORMAL_RE,
}  # else FIGURE_RE
# How a sentence states a quantity, where that differs from how a question asks for it: a source says NMS
# "begins early, during the first week" or "appears 24 to 72 hours after"; a question's "start" is often
# about starting a drug, so only these sentences' words, not the question's, are anchors.
FACET_ANCHORS: dict[str, re.Pattern[str]] = {
    "onset": _any([r"onset", r"begins?", r"began", r"appears?", r"appeared", r"emerges?", r"develops?", r"comes? on"]),
    "sex ratio": _any([r"sex", r"gender", r"males?", r"females?", r"men", r"women"]),
    "threshold": _any([r"upper limits? of normal", r"uln", r"(?:times|x) (?:the )?normal"]),
}
FIGURE_RE = re.compile(
    r"(?:(?:about|around|approximately|up to|as high as|below|over|under|between|from)\s)?"
    r"\d+(?:[.,]\d+)?\s?" + _PERCENT + r"?(?:\s?(?:to|–|-|and)\s?\d+(?:\.\d+)?\s?" + _PERCENT + r")"
    r"|(?:(?:about|around|approximately|up to|as high as|below|over|under)\s)?\d+(?:\.\d+)?\s?"
    + _PERCENT
    + r"|\d+(?:\.\d+)?(?:\s?(?:to|–|-)\s?\d+(?:\.\d+)?)? per \d{1,3}(?:,\d{3})*"
    r"|\b1[89]\d\d\b|\b20\d\d\b"
)
TOPIC_LABELS = {
    "incidence": "NMS incidence",
    "mortality": "NMS mortality",
    "mechanism": "NMS mechanism (pathophysiology)",
    "recurrence": "recurrence on re-exposure",
    "history": "when NMS was first described",
    "onset": "NMS onset (time from the drug's start)",
    "sex ratio": "NMS sex ratio (male to female)",
    "threshold": "the diagnostic threshold (times the upper limit of normal)",
    "treatment": "pharmacological treatment",
}

# --- Questions ---
QUESTION_STOPWORDS = frozenset(
    "what which who whom whose when where why how is are was were be been do does did can could should would will "
    "may might the a an of in on for to and or with without about into by from at as it its this that these those "
    "there their they them i we you me my our your patient patients nms neuroleptic malignant syndrome tell "
    "explain describe give list any some all much many more most very really "
    # words that point at a publication, not at what it is about ("the Leeds paper on sodium")
    "paper papers article articles authors publication say says "
    # words that frame what is asked, never its topic ("is it easy to miss?", "a reasonable first step?")
    "easy easier hard harder difficult reasonable sensible appropriate okay ok fine miss missed practice "
    "realistic worth exactly precisely straightforward simple obvious tricky according overlook overlooked "
    "order sequence "  # "the order the drugs came in"
    # words that ask whether the sources agree, not what about ("is there agreement?"), or what a label
    # means ("what do the boxes stand for?")
    "sources agree agrees disagree disagrees consensus stand stands "
    # question words as they are often typed, too short for the speller ("wat", "wich")
    "wat wot wut wht whta waht wich whic whcih wen wher hw".split()
)
# Words that point at the sources or ask whether they agree, never at what a question is about ("do our texts
# agree that fever is part of it?"): left out of the words a sentence is scored against
FRAMING_WORDS = frozenset(
    "paper papers article articles authors publication say says sources source texts text documents document "
    "refs references agree agrees disagree disagrees consensus".split()
)
NO_EVIDENCE_MESSAGE = (
    "No indexed source answers this question well enough. The closest passages are listed for browsing; "
    "nothing has been inferred from them."
)


# --- What a question asks beyond its subject: aspects a source may or may not give ---
# After the elements of answerable clinical questions (PICO: population, intervention, comparison,
# outcome) and the generic question types of Ely et al. 2000 (BMJ 321:429: "What is the dose of
# drug X?", "How long should ...?"). ``asked`` is matched in the question, ``answered`` in a
# statement that gives that aspect; an asked aspect no selected statement gives is named in the
# answer ("No indexed source gives a dose.").
@dataclass(frozen=True)
class Aspect:
    name: str
    asked: re.Pattern[str]
    answered: re.Pattern[str]
    note: str
    population: bool = False  # a patient group (replaces the previous one in a follow-up)
    search: str = ""  # words that find passages giving it (with the question's subject), when none was retrieved
    any_subject: bool = False  # given by a statement about anything (what a patient received need not name the culprit)
    not_exposure: bool = (
        False  # not given by a clause about the case's own drugs only (the culprit is not the treatment)
    )


def _same_words(name: str, words: list[str], note: str, *, population: bool = False, search: str = "") -> Aspect:
    """An aspect asked and answered in the same words (a patient group named in both)."""
    pattern = _any(words)
    return Aspect(name, pattern, pattern, note, population=population, search=search)


_DOSE_GIVEN = r"\d+(?:[.,]\d+)?\s?(?:-|–|to)?\s?\d*(?:[.,]\d+)?\s?(?:mg|mcg|µg|micrograms?|g|mmol|units?|iu)(?:\s?/\s?(?:kg|day|d|h|m2))?\b"
# A number written out, as prose gives a span ("from eight hours to forty days", "a few weeks")
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|forty|"
    r"fifty|sixty|ninety|a few|several)"
)
ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "dose",
        _any([r"doses?", r"dosing", r"dosage", r"how much", r"mg(?:/kg)?", r"posology"]),
        re.compile(_DOSE_GIVEN, re.I),
        "No indexed source gives a dose.",
        search="dose mg/kg mg dosage",
    ),
    Aspect(
        "children",
        _any(
            [
                r"child(?:ren)?",
                r"kids?",
                r"p(?:a)?ediatric(?!s\b|ians?\b)\w*",  # not the specialty or its doctor ("paediatrics wants ...")
                r"infants?",
                r"adolescen\w*",
                r"teen\w*",
                r"minors?",
            ]
        ),
        _any(
            [
                r"child(?:ren)?",
                r"p(?:a)?ediatric\w*",
                r"paediatric\w*",
                r"infants?",
                r"adolescen\w*",
                r"\d+-year-old",
                r"teen\w*",
                r"boys?",
                r"girls?",
            ]
        ),
        "No indexed source addresses children.",
        population=True,
        search="children paediatric pediatric child",
    ),
    Aspect(
        "older adults",
        # not the specialty or its doctor ("geriatrics wants a scan", "the geriatrician"): a speaker, not the patients
        _any(
            [
                r"elderly",
                r"older (?:adults|people|patients)",
                r"geriatric(?!s\b|ians?\b)\w*",
                r"aged (?:over|above) \d+",
            ]
        ),
        _any([r"elderly", r"older", r"geriatric\w*", r"aged (?:over|above) \d+"]),
        "No indexed source addresses older adults.",
        population=True,
        search="elderly older geriatric",
    ),
    _same_words(
        "pregnancy",
        [r"pregnan\w*", r"fo?etus", r"fo?etal", r"gestation\w*", r"trimester"],
        "No indexed source addresses pregnancy.",
        population=True,
        search="pregnancy pregnant",
    ),
    _same_words(
        "breastfeeding",
        [r"breast-?feed\w*", r"lactat\w*", r"nursing mothers?", r"breast milk"],
        "No indexed source addresses breastfeeding.",
        population=True,
        search="breastfeeding lactation",
    ),
    _same_words("adults", [r"adults?"], "No indexed source addresses adults specifically.", population=True),
    Aspect(
        "duration",
        _any(
            [
                r"how long (?:to|should|do|does|is|must)(?! .*wait)",
                r"duration",
                r"continue(?:d)? for",
                r"for how many (?:days|weeks|months)",
                r"how many (?:days|weeks|months)",
            ]
        ),
        # how long a treatment lasts, not how often a dose is given ("every 6 hours") nor how soon
        # something happens ("1.03 days to response")
        re.compile(
            r"(?<!every )(?<!every \d )\b(?:\d+(?:[.,]\d+)?|"
            + _NUMBER_WORD
            + r")\s?(?:-|–|to)?\s?\d*\s?(?:days?|weeks?|months?)\b"
            r"(?! (?:to|until|before) (?:clinical )?(?:response|improvement|recovery|resolution|onset))|"
            r"\buntil (?:the )?(?:\w+ )?(?:resolves?|resolution|normali[sz]|subsides?|recover)|"
            r"\bfor (?:at least |up to )?\d+\s?(?:hours|days|weeks)",
            re.I,
        ),
        "No indexed source gives how long.",
        search="duration days weeks continued",
    ),
    Aspect(
        # what a reported patient was given ("how were they managed?", "what treatment was used in that case?")
        "treatment received",
        _any(
            [
                r"how (?:was|were|is) (?:he|she|they|that|it|(?:the|this|that|their|his|her|our) (?:\w+ )?"
                r"(?:patient|child|man|woman|case)) (?:\w+ )?(?:treated|managed)",
                # "how was the reported woman treated?", "how was the episode eventually managed?"
                r"how (?:was|were) (?:the|this|that|their|his|her|our) (?:[\w'’]+ ){1,3}?(?:finally |eventually |then )?"
                r"(?:treated|managed)\b",
                # "which particular therapy did she get?"
                r"(?:which|what) (?:specific |particular )?(?:treatments?|therap(?:y|ies)) did (?:he|she|they|the patient) "
                r"(?:get|receive)",
                # "which medications were given for her?", "what medication did she receive?"
                r"(?:which|what) (?:drugs?|medications?|medicines?|treatments?) (?:was|were) (?:\w+ )?(?:used|given) "
                r"(?:to treat|for|in) (?:him|her|them|the patient)",
                r"(?:which|what) (?:drugs?|medications?|medicines?) did (?:he|she|they|the patient) (?:get|receive)",
                r"what treatment (?:did|was|were)",
                r"what (?:was|were) (?:he|she|they|the patient) (?:given|treated with)",
                r"what (?:tx|treatment) worked",
            ]
        ),
        _any(
            [
                r"(?:treated|managed) (?:\w+ )?with",
                r"(?:was|were) given",
                r"(?:was|were) (?:started|commenced) on",
                r"(?:was|were) (?:started|introduced|begun)",
                r"(?:was|were) administered",
                r"received (?:\w+ )?(?:mg|doses?|sessions?|courses?|treatment|therapy|\d)",
                r"responded to",
                r"sessions of",
            ]
        ),
        "No indexed source says how the patient was treated.",
        any_subject=True,
        not_exposure=True,
    ),
    Aspect(
        # how a reported patient's illness ended ("how did the patient fare?", "did she survive?")
        "outcome",
        _any(
            [
                r"how did (?:he|she|they|it|this|that|the (?:\w+ ){0,2}?(?:patient|man|woman|boy|girl|child|baby|case|"
                r"episode|illness)|(?:the )?mother and (?:the )?baby) (?:do|end|turn out|fare|go)\b",
                r"what happened to (?:him|her|them|the (?:\w+ )?(?:patient|man|woman|boy|girl|child|baby))",
                r"did (?:he|she|they|the (?:\w+ )?patient) (?:survive|recover|die|make it)",
                r"how (?:quickly|fast|soon) did (?:he|she|they|the (?:\w+ )?patient) (?:die|recover)",
            ]
        ),
        _any(
            [
                r"recover\w*",
                r"died",
                r"dies",
                r"death",
                r"surviv\w*",
                r"discharged",
                r"resol(?:ved|ution)",
                r"improv\w*",
                r"fatal\w*",
                r"passed away",
                r"uneventful\w*",
                r"outcomes?",
                r"sequelae",
                r"back to (?:his|her|their) (?:usual|normal|baseline)",
            ]
        ),
        "No indexed source says how the patient did.",
        any_subject=True,
    ),
    Aspect(
        # what a study's authors concluded: their own concluding sentence, not the figures before it
        "conclusion",
        _any([r"conclu(?:de|ded|des|sion|sions)", r"take[- ]home(?: message)?", r"bottom line", r"main message"]),
        _any(
            [
                r"conclu\w*",
                r"in summary",
                r"to summari[sz]e",
                r"(?:these|our) (?:findings|results|data) (?:suggest|indicate|show)",
                r"we (?:suggest|propose)",
            ]
        ),
        "No indexed source states a conclusion on this.",
        search="conclusion conclude",
    ),
    Aspect(
        "timing",
        _any(
            [
                r"how long (?:\w+ )*wait",
                r"wait",
                r"when (?:can|should|to)",
                r"how soon",
                r"timing",
                r"interval",
                r"delay before",
                r"how long (?:\w+ )*before (?:we|you|i|one|they|he|she) (?:can|could|may|should)",
            ]
        ),
        re.compile(
            r"\b\d+(?:[.,]\d+)?\s?(?:-|–|to)?\s?\d*\s?(?:hours?|days?|weeks?|months?)\b|\bwait\w*|\binterval\b|\bdelay (?:of|before)\b",
            re.I,
        ),
        "No indexed source gives a waiting time.",
        search="wait weeks interval delay",
    ),
    Aspect(
        "how often to check",
        # a monitoring schedule ("how often do we measure CK?")
        _any([_CHECK_SCHEDULE, r"monitoring (?:frequency|schedule|interval)"]),
        re.compile(
            r"\bevery \d+(?:[-–]\d+)?\s?(?:hours?|h|minutes?|min|days?)\b|\b(?:hourly|twice daily|q\d+h|\d+-hourly)\b|"
            r"\b\d+ times (?:a|per) day\b",
            re.I,
        ),
        "No indexed source says how often to check.",
        search="monitor every hours daily",
    ),
    Aspect(
        "speed of effect",
        # how soon a treatment works, asked as a comparison of speed ("which works quicker?")
        _any(
            [
                r"faster",
                r"quicker",
                r"sooner",
                r"how (?:fast|quickly|rapidly)",
                r"kicks? in",
                r"takes? effect",
                r"onset of (?:action|effect)",
                r"starts? working",
            ]
        ),
        re.compile(
            r"\b(?:within|in|after) (?:\d+|a few|several|one|two|hours|minutes|days)\b|\b(?:hours?|minutes)\b|"
            r"\b(?:rapid(?:ly)?|faster|quick(?:er|ly)?|sooner|prompt(?:ly)?)\b|\bonset of action\b",
            re.I,
        ),
        "No indexed source gives how quickly it works.",
        search="rapid hours faster response",
    ),
    Aspect(
        "stopping",
        # how a treatment is ended: at once or gradually
        _any(
            [
                r"(?:just )?stop(?:ping)? (?:it|them)",
                r"how (?:should|do|can|to) (?:we |i |you )?(?:stop|discontinue|come off)",
                r"how (?:should|is|are) (?:it|they|\w+) (?:be )?(?:stopped|discontinued)",
                r"come off",
                r"wean\w*",
                r"taper\w*",
            ]
        ),
        _any(
            [
                r"taper\w*",
                r"gradual\w*",
                r"wean\w*",
                r"abrupt\w*",
                r"slowly",
                r"step(?:wise|s)",
                r"immediately",
                r"at once",
            ]
        ),
        "No indexed source says how to stop it.",
        search="taper gradually abrupt discontinuation",
    ),
    Aspect(
        "route",
        _any(
            [
                r"iv",
                r"intravenous\w*",
                r"oral(?:ly)?",
                r"by mouth",
                r"im",
                r"intramuscular\w*",
                r"route",
                r"subcutaneous\w*",
                # how to give a drug to someone who cannot take it by mouth
                r"(?:can(?:no|')?t|cannot|unable to|not able to) swallow",
                r"nil by mouth",
                r"npo",
                r"intubated",
            ]
        ),
        _any(
            [
                r"iv",
                r"intravenous\w*",
                r"oral(?:ly)?",
                r"by mouth",
                r"im",
                r"intramuscular\w*",
                r"route",
                r"subcutaneous\w*",
                r"nasogastric",
            ]
        ),
        "No indexed source addresses the route.",
        search="intravenous oral route",
    ),
    Aspect(
        "length of stay",
        _any([r"length of (?:hospital |icu |inpatient )?stay", r"(?:hospital|icu) stay", r"days in (?:hospital|icu)"]),
        # a number of days said of the stay or the admission
        re.compile(
            r"\b\d+(?:[.,]\d+)?\s?(?:-|–|to)?\s?\d*\s?days?\b.{0,40}\b(?:stay|hospitali[sz]ed|hospitali[sz]ation|admission|admitted)|"
            r"\b(?:stay|hospitali[sz]ation|admission)\b.{0,40}\b\d+(?:[.,]\d+)?\s?(?:-|–|to)?\s?\d*\s?days?\b",
            re.I,
        ),
        "No indexed source gives the length of stay.",
        search="length of stay days hospital",
    ),
    Aspect(
        "target",
        _any([r"targets?", r"aim(?:ing)? (?:for|at)", r"goals?", r"keep (?:it|him|her|the \w+) (?:below|under|at)"]),
        # a value to reach or keep: "target", "goal", "below 38.5 °C", "keep ... under ..."
        re.compile(
            r"\b(?:targets?|goals?|aim(?:ing)? (?:for|at))\b.{0,40}\d|"
            r"\b(?:below|under|less than|to) \d+(?:[.,]\d+)?\s?(?:°\s?[cf]|degrees|mmhg|u/l|mmol)",
            re.I,
        ),
        "No indexed source gives a target value.",
        search="target goal below",
    ),
    Aspect(
        "cost",
        _any([r"cost\w*", r"price\w*", r"expensive", r"cheap\w*", r"afford\w*"]),
        _any([r"cost\w*", r"price\w*", r"expensive", r"cheap\w*"]),
        "No indexed source gives costs.",
        search="cost price",
    ),
    Aspect(
        "interactions",
        _any([r"interactions?", r"interact", r"co-?administ\w*", r"combined with", r"together with"]),
        _any(
            [
                r"interact\w*",
                r"co-?administ\w*",
                r"(?:combined|in combination) with",
                r"together with",
                r"concomitant\w*",
                # "avoiding its use with X", "should not be given with X"
                r"avoid\w* (?:\w+ ){0,3}with",
                r"(?:not|never) (?:be )?(?:given|used|combined|taken) (?:\w+ ){0,2}with",
            ]
        ),
        "No indexed source addresses drug interactions.",
        search="interaction interactions combined",
    ),
    Aspect(
        "genetic testing",
        _any([r"genetic\w*", r"genotyp\w*", r"genes?", r"pharmacogen\w*", r"polymorphisms?"]),
        _any(
            [
                r"genetic (?:test|screen)\w*",
                r"genotyp\w*",
                r"pharmacogen\w* test\w*",
                r"(?:test|screen)\w* for (?:\w+ )?"
                r"(?:polymorphisms?|variants?|genes?)",
            ]
        ),
        "No indexed source describes a genetic test.",
        search="genetic test genotyping",
    ),
    Aspect(
        "contraindications",
        _any(
            [
                r"must not (?:be )?(?:given|used|take)",
                r"should not (?:be )?(?:given|used|take)",
                r"contra-?indicat\w*",
                r"who (?:cannot|can't|should not|must not) (?:take|have|receive)",
                r"not (?:be )?(?:given|used) (?:to|in)",
                r"when (?:not|to avoid)",
                r"avoid(?:ed)? in",
            ]
        ),
        _any(
            [
                r"contra-?indicat\w*",
                r"do not give",
                r"must not be",
                r"should not be (?:given|used)",
                r"avoid(?:ed)? in",
                r"not (?:be )?(?:given|used) (?:to|in)",
                r"with a history of",
            ]
        ),
        "No indexed source gives contraindications.",
        search="contraindicated contraindications do not give",
    ),
    Aspect(
        "proportion",
        _any(
            [
                r"what (?:proportion|percentage|share|fraction)",
                r"how many (?:patients|people|cases)",
                r"response rate",
                r"what percent\w*",
            ]
        ),
        re.compile(r"\d+(?:[.,]\d+)?\s?%|\b\d+ (?:of|out of) (?:the )?\d+\b|\bproportion\b|\bmajority\b", re.I),
        "No indexed source gives a proportion.",
        search="percent proportion patients",
    ),
    Aspect(
        "monitoring",
        _any([r"monitor\w*", r"follow-?up tests?", r"check (?:levels|blood)"]),
        _any([r"monitor\w*", r"measur\w*", r"check\w*"]),
        "No indexed source addresses monitoring.",
        search="monitoring monitor",
    ),
)

# --- A count asked of something a source may number ("how many sessions", "how many items") ---
# Patients, cases and units of time or dose have their own aspects (proportion, duration, dose).
COUNTED = re.compile(
    r"\bhow many (?:of (?:the|those|these|their|its) )?(?:[\w-]+ ){0,2}?([a-z][\w-]*?(?:es|s))\b", re.IGNORECASE
)
NOT_COUNTED = frozenset(
    "patients people persons pts cases subjects individuals times years months weeks days hours minutes seconds "
    "grams milligrams mg doses units degrees percent".split()
)


def counted_aspect(text: str) -> Aspect | None:
    """The aspect "number of <things>" a question asks ("how many items were scored?"): given by a
    statement that puts a number before the thing counted ("10 sessions", "three ECT sessions")."""
    match = COUNTED.search(text)
    if not match or match.group(1).lower() in NOT_COUNTED:
        return None
    noun = match.group(1).lower()
    stem = noun[:-2] if noun.endswith("es") and len(noun) > 5 else noun[:-1]
    answered = re.compile(
        rf"\b(?:\d+|{_NUMBER_WORD}|a single|one)\s+(?:[\w-]+\s+){{0,2}}?{re.escape(stem)}\w*", re.IGNORECASE
    )
    return Aspect(
        f"number of {noun}",
        re.compile(re.escape(match.group(0)), re.IGNORECASE),
        answered,
        f"No indexed source gives the number of {noun}.",
        search=noun,
    )


# --- The kind of answer a question expects (the "expected answer type" of question answering) ---
# A question asking how many, how much or how often expects a figure; a sentence giving one is preferred.
QUANTITY_QUESTION = _any(
    [
        r"how many",
        r"how much",
        r"what (?:proportion|percentage|percent|share|fraction|rate|number)",
        r"how (?:common|often|frequent(?:ly)?|likely|rare)",
        r"most (?:frequent|common)",
        r"(?:incidence|mortality|prevalence|death rate|case fatality)",
        r"what dose",
        r"in what share",
    ]
)
FIGURE_IN_TEXT = re.compile(
    r"\d+(?:[.,]\d+)?\s?%|\b\d+(?:[.,]\d+)?\s?(?:per|in) (?:\d|one|a )|\b\d+ (?:of|out of) (?:the )?\d+\b|\b\d+(?:[.,]\d+)?\s?"
    r"(?:mg|mcg|g|days?|weeks?|hours?|patients|cases|sessions|years)\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|twenty|thirty|half|a third|a quarter)\b",
    re.IGNORECASE,
)
# Sentences that state a study's aim or method answer few clinical questions (IMRAD: Methods).
METHOD_SECTION = re.compile(
    r"\bmethods?\b|materials|study design|data sources?|search strategy|patients and methods", re.I
)

# An ask that only checks the claim of the sentence before it ("Does the literature back that up?", "Is he right?").
CLAIM_CHECK = re.compile(
    r"(?:do|does|would) (?:the )?(?:sources?|literature|evidence|documents?|studies|papers?) (?:agree|support (?:this|that|it))"
    r"|is (?:that|this|he|she|it|they) (?:right|true|correct|so)"
    r"|are (?:they|we) right"
    r"|is (?:that|this) what (?:the )?(?:sources?|literature|evidence|documents?|studies) says?"
    r"|(?:do|does) (?:the )?(?:sources?|literature|evidence) back (?:this|that|it) up",
    re.IGNORECASE,
)

# --- A question that points at one publication without naming it ("the published case", "that ICU series",
# "which drug did those authors use"): the document it describes is found by the details it gives.
PUBLICATION_REFERENCE = re.compile(
    r"\b(?:the|that|this|a|an|one|which|what)\s+(?:[\w-]+\s+){0,5}?(?:case reports?|reports?|series|stud(?:y|ies)|"
    r"trial|cohort|paper|article|review|letter|label|authors?|survey|audit|analysis|table|chart|entry|handout|leaflet|monograph|"
    r"pages?|site|website|blog|sheet|abstract|podcast|episode)\b|"
    r"\b(?:published|reported|described)\s+(?:[\w-]+\s+)?cases?\b|"
    # "the fatal fulminant case from Japan", "the clozapine case" (not "in that case": a word between)
    r"\b(?:the|that|this)\s+(?:[\w-]+\s+){1,3}?cases?\s+(?:from|in|of|with|where|who|that|report)\b",
    re.IGNORECASE,
)

# An ask that points back at the drugs its case names ("is either of these medications safe here?"):
# the case's drugs are what it asks about
CASE_DRUGS_REFERENCE = re.compile(
    r"\b(?:(?:each|both|either|all|any) of )?(?:these|those|both|either) (?:\w+ )?(?:drugs?|medications?|medicines?|"
    r"agents?)\b|\b(?:each|both|either) of them\b",
    re.IGNORECASE,
)

# --- Conversation: how a follow-up signals that it leans on the turn before it ---
FOLLOW_UP_START = re.compile(
    r"^(?:and|but|so|also|then|ok(?:ay)?|what about|how about|what of|same for|what if|and if|is that|is it|"
    r"are they|are those|does it|do they|does that|would it|would that|could it|can it|any|how about)\b",
    re.IGNORECASE,
)
# Two answers a question sets side by side (assistant.alternatives): an "or" that opens a clause of its own
# ("is it just X, or is it Y?", "... or should we wait?"), not "or not", "or other ..." nor a list
# of two names ("haloperidol or droperidol")
_CLAUSE_OPENERS = (
    r"(?:is|are|does|do|can|could|should|would|was|were|has|have|will|just|only|rather|instead|simply|mainly|"
    r"merely|part|the|a|an|it|its|they|he|she|that|this|these|those|we|to|from|due|because|more|less|in|at|"
    r"after|before|with|without)"
)
ALTERNATIVE_OR = re.compile(
    r",?\s+or\s+(?!(?:not|no|other|another|any|both|either|neither|so|more|less|similar)\b)(?="
    + _CLAUSE_OPENERS
    + r"\b)",
    re.IGNORECASE,
)
_SAYS = (
    r"(?:says?|thinks?|insists?|argues?|claims?|believes?|holds?|maintains?|calls? it|wants?|suggests?|reckons?|feels?)"
)
ALTERNATIVE_SAYS = re.compile(  # "the consultant says A; the registrar says B"
    r"\b" + _SAYS + r"\s+(?:that\s+)?(?P<first>[^;.?]+?)[;.,]\s+(?:but\s+|while\s+|whereas\s+)?"
    r"(?:(?:the|my|our|a|his|her)\s+)?\w+(?:\s+\w+)?\s+" + _SAYS + r"\s+(?:that\s+)?(?:it\s+is\s+|it's\s+)?"
    r"(?P<second>[^;.?]+)",
    re.IGNORECASE,
)

# Where a question turns from one source's view to another's ("the review says A, but the guideline says
# B", "A (review) vs B (label)"): the clauses it separates are the sides the question sets against each other
SIDES_TURN = re.compile(
    r"\s*(?:[,;:]\s*)?\b(?:(?<!all )(?<!anything )(?<!nothing )but\b(?! also)|whereas\b|however\b|yet\b|vs\b\.?|versus\b)\s*"
    r"|,\s*while\s+|\s*;\s*",  # not "all but the first", "but also"
    re.IGNORECASE,
)

# ... or where a statement of what one source says follows another's after a comma ("the review says weeks, the
# leaflet says days"); a question about each ("what does A say ..., and what does B say ...?")
# is no such statement
_SAYING = r"\b(?:says?|calls?|reports?|found|finds|gives?|lists?|claims?|states?|puts?)\b"
SAYING_CLAUSE = re.compile(r"[,;]\s+(?=[^,;]*" + _SAYING + ")", re.IGNORECASE)
SAYING = re.compile(_SAYING, re.IGNORECASE)
ASKING_CLAUSE = re.compile(r"\b(?:does|do|did|what|which|how|where|when|who|why|whether)\b", re.IGNORECASE)
# Two answers each given with its source in brackets ("the brain (review) or the muscle (label)?")
ATTRIBUTED_OR = re.compile(r"(?<=\))\s*,?\s+or\s+", re.IGNORECASE)
# A question that says the sources it names differ, naming them together ("the review and the label see it
# differently", "... are at odds"): each named source is a side of its own
SOURCES_DIFFER = re.compile(
    r"\b(?:dif+er(?:ent(?:ly)?)?\b(?!ial)|disagree|contradict|conflict|inconsistent|at odds|pull (?:in )?(?:both|different|opposite))",
    re.IGNORECASE,
)
# A statement that the sources differ, none of them named ("the papers give different doses",
# "the texts disagree", "conflicting reports?")
_SOURCES = (
    r"(?:documents?|sources?|texts?|papers?|refs?|references|studies|pages|articles|reports|reviews|guidelines|others|"
    r"textbooks|websites|sites|books|figures|numbers|estimates|data)"
)
SOURCES_SAID_TO_DIFFER = re.compile(
    rf"\b{_SOURCES}\s+(?:\w+\s+){{0,3}}?(?:give|say|report|quote|cite|use|list|state|put|offer|suggest|show)s?\s+"
    r"(?:\w+\s+)?(?:different|conflicting|contradictory|varying|inconsistent)\b"
    rf"|\b{_SOURCES}\s+(?:\w+\s+){{0,2}}?(?:disagree|differ|conflict|contradict|pull|vary|clash|do(?: not|n't) "
    r"(?:agree|match|add up))\b"
    rf"|\b(?:conflicting|contradictory|inconsistent|differing)\s+(?:\w+\s+)?{_SOURCES}\b"
    r"|\bpull (?:in )?(?:both|different|opposite) ways?\b",
    re.IGNORECASE,
)
# A side named as the sources the question does not name ("but other papers call it rare")
OTHER_SOURCES = re.compile(
    r"\b(?:other|remaining|rest of the)\s+(?:\w+\s+)?(?:texts|sources|documents|docs|papers|pages|references|refs|reports|"
    r"articles|reviews|studies)\b",
    re.IGNORECASE,
)

# A turn that asks the same of other sources or of something else ("in the remaining sources as well?", "... too?")
ALSO_ASKED = re.compile(
    r"\bthe other (?:texts|sources|documents|docs|papers|pages|ones|references|refs)\b|\b(?:as well|too)\W*$",
    re.IGNORECASE,
)
# A turn that says it leaves the conversation's subject ("separate question - ...", "on another note, ...",
# "unrelated, but ..."): it is read on its own, whatever its pronouns
TOPIC_CHANGE = re.compile(
    r"^\W*(?:separately|(?:(?:a|one|an?other|(?:totally|completely|quite)) )?(?:separate|different|unrelated) "
    r"(?:question|issue|thing|topic|matter|query|patient|case)|unrelated(?: question)?|new (?:topic|subject)|"
    r"on (?:a )?(?:different|separate|unrelated) (?:note|topic|subject)|chang(?:e|ing) (?:of )?(?:the )?(?:topic|subject))"
    r"(?:,? (?:(?:not |un)related |nothing )?to (?:do with )?\w+(?: \w+){0,3}?(?=\s*[,:;.!?–—-]))?"  # "unrelated to the case:"
    r"\b[\s,:;.!?–—-]*",
    re.IGNORECASE,
)
# A publication named only by "the" and its kind ("is the leaflet still current?", "did the paper give a
# dose?"): the one the conversation was about
BARE_PUBLICATION = re.compile(
    r"\b(?:the|that|this|these|those)\s+(?:same\s+)?(?:entry|paper|article|study|review|report|authors?|letter|page|"
    r"table|series|case report|monograph|leaflet|handout|chapter|summary|guideline)s?\b(?!\s+(?:of|on|by|from|in|about)\b)",
    re.IGNORECASE,
)
# A pronoun that points back to an earlier turn ("in how many centres was it run?"), unless "it" is
# only the grammatical subject of a judgment ("is it safe to ...", "it is unclear whether ...").
REFERRING_PRONOUN = re.compile(r"\b(?:it|its|they|them|their)\b", re.IGNORECASE)
EXPLETIVE_IT = re.compile(
    r"\b(?:is|was|would|will|does|do|could|can)\s+it\s+(?:\w+\s+){0,2}?(?:to|that|whether|if)\b|"
    r"\bit(?:'s|\s+is|\s+was|\s+would\s+be|\s+seems)\s+(?:\w+\s+){0,2}?(?:to|that|whether|if)\b",
    re.IGNORECASE,
)
CONTINUATION_WORDS = frozenset("and but so also then ok okay what about how of same for if any".split())

# --- Case descriptions: cues that a question describes a patient (a vignette) ---
# Demographics ("68F", "34M", "80 kg man", "79-year-old"), vital signs and laboratory values with
# units, and clinical-narrative phrasing, as clinicians type them in a chat.
CASE_CUES = [
    re.compile(r"\b\d{1,3}\s?(?:yo|y/o|y\.o\.|-?year-?old|yr-?old|years? old|[MF])\b"),
    re.compile(
        r"\b(?:man|woman|male|female|boy|girl|pt|patient|gentleman|lady)\b.{0,30}\b(?:on|with|taking|started|given)\b",
        re.I,
    ),
    re.compile(r"\b(?:t|temp|temperature|hr|bp|rr|spo2|gcs|ck|cpk|wbc|crp)\s?[:=]?\s?\d", re.I),
    re.compile(r"\d\s?(?:°\s?[cf]|u/l|iu/l|mmol/l|mg/dl|bpm|mmhg|kg|mg)\b", re.I),
    re.compile(r"(?<![\d.])(?:3[5-9]|4[0-3])\.\d\b"),  # a body temperature in °C, written without its unit
    re.compile(r"\b(?:day \d|\d+\s?(?:days?|weeks?|hours?|h|wks?) (?:ago|later|after|since))\b", re.I),
]
# What a case description asks, in its own words -> the words that ask it plainly.
ASK_INTENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        _any(
            [
                r"what now",
                r"what (?:else )?(?:do|should|can) (?:we|i|you) (?:be )?do(?:ing)?",
                r"what (?:else )?(?:does|do|will|would) (?:she|he|they|the patient) need",
                r"what (?:else )?(?:should|must) (?:she|he|they|the patient) (?:get|have|receive)",
                r"what next",
                r"next steps?",
                r"how (?:do|should) (?:we|i) "
                r"(?:manage|treat)",
                r"first[- ]line management",
                r"management\??",
                r"first steps?",
                r"(?:first )?things? to do",
                r"what to do",
                r"what should be done",
                r"how (?:to|should we) proceed",
                r"immediate (?:steps|management)",
            ]
        ),
        "first steps in management and treatment",
    ),
    (
        _any(
            [
                r"(?:is|could) (?:this|it) (?:be )?nms",
                r"nms picture",
                r"picture\??",
                r"diagnos\w*",
                r"dd?x",
                r"differential",
                r"what else",
                r"how (?:do|can) (?:you|we|i|u) (?:tell|distinguish|differentiate)",
            ]
        ),
        "diagnosis and differential diagnosis",
    ),
    (
        _any(
            [
                r"prognosis",
                r"bad (?:prognostic )?sign",
                r"outcome",
                r"will (?:she|he|they) (?:recover|survive)",
                r"mortality",
            ]
        ),
        "prognosis and mortality",
    ),
    (_any([r"(?:at|particular|higher) risk", r"risk factors?"]), "risk factors"),
    (
        _any(
            [
                r"how (?:does|do|did) (?:\w+ ){0,3}(?:actually )?work",
                r"how (?:it|they) works?",
                r"what (?:does|do) (?:\w+ ){0,3}(?:act|work) on",
            ]
        ),
        "mechanism of action: what it acts on",
    ),
    (
        _any(
            [
                r"not (?:improving|responding|getting better|better)",
                r"no (?:improvement|response)",
                r"doesn'?t (?:improve|respond)",
                r"fails? to (?:improve|respond)",
                r"refractory",
                r"still (?:rigid|febrile|hot|stiff)",
                r"despite (?:treatment|that)",
            ]
        ),
        "refractory cases that do not respond to treatment, second-line options",
    ),
)

# English function words (pronouns, auxiliaries, prepositions, conjunctions, determiners, question
# words), after the SMART stop list (Salton 1971) trimmed to grammatical words: they never carry
# what a question is about, so they are not counted as its content.
FUNCTION_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves u ur pt pls please ok okay also still
    yet got get gets give given go going want wanted need needs needed anyone anything something thing things
    really actually even ever much many may might must shall let lets worth tell say said know""".split()
)


# A reference list's section ("References", "References listed on the page", "Bibliography"): its lines are
# citations of other work, quoted only when the question asks about references ("which papers does it cite?")
REFERENCE_LIST_SECTION = re.compile(
    r"(?:^|›\s*)(?:references|bibliography|literature cited|works cited|further reading|refer[eê]ncias|r[ée]f[ée]rences|"
    r"referencias|literatur(?:verzeichnis)?|riferimenti(?: bibliografici)?|bibliografia)\b[^›]*$",
    re.IGNORECASE,
)
REFERENCES_ASKED = re.compile(r"\b(?:referenc|cites?\b|cited\b|citing|bibliograph|reading list|further reading)", re.I)
