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
INLINE_NOISE_RE = re.compile(r"\[(?:when\?|citation needed|edit|who\?|clarification needed|according to whom\?)\]", re.I)

# Headings that start back matter: everything from here to the end of the document is
# reference lists, disclaimers and calls to action, not claims (standard article structure).
BACK_MATTER_HEADINGS = re.compile(r"^(references|bibliography|works cited|sources|further reading)$", re.I)

# Headings whose own section is dropped (disclaimers), up to the next heading.
DROP_SECTION_HEADINGS = re.compile(r"^((professional )?medical disclaimer|disclaimer|disclosures?)$", re.I)

# Floats in PDF extractions (boxes, figures, tables, key-point panels) that land in the
# middle of running text; they are cut out and kept as their own sections.
FLOAT_LABEL_RE = re.compile(r"^(key points|box \d+\b.*|figure \d+\b.*|fig\. \d+\b.*|table \d+\b.*|panel \d+\b.*)$", re.I)

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
