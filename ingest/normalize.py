"""Unicode normalisation of untrusted text (pure functions).

Two levels:

* ``normalize_text``: what is stored and indexed. NFKC (ligatures ``ﬁ`` -> ``fi``, full-width
  letters, compatibility forms), invisible characters removed (zero-width, bidi controls, soft
  hyphens, Unicode tag characters) and control characters other than line ends and tabs removed.
  Genuine non-Latin text (Greek, Cyrillic) is kept as written.
* ``skeleton``: what checks compare (instruction detection, for instance). On top of
  ``normalize_text``: letters that merely look Latin (Cyrillic ``І``, Greek ``Ο``...) become
  the Latin letter, marks are dropped, case is folded and whitespace collapsed, so that
  ``Ig\\u2060nore`` and ``Іgnore`` read as ``ignore``. Never stored: it is for matching only.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible format characters: zero-width space/joiners, word joiner and invisible operators,
# bidi embeddings, overrides and isolates, soft hyphen, combining grapheme joiner, Mongolian
# vowel separator, BOM, and the Unicode tag block (used to smuggle invisible ASCII).
INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
# C0 and C1 control characters except tab, line feed, form feed and carriage return; DEL.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# ANSI escape sequences (terminal colours, cursor movement), removed whole before CONTROL_RE.
ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")

# Letters of other scripts that render like Latin letters (from Unicode's confusables.txt,
# the Cyrillic and Greek letters mapped to a single Latin letter). Used by ``skeleton`` only.
_CONFUSABLES = {
    # Cyrillic capitals and small letters
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "Ѕ": "S",
    "І": "I",
    "Ј": "J",
    "Ԛ": "Q",
    "Ԝ": "W",
    "Ү": "Y",
    "Ӏ": "I",
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    "ү": "y",
    # Greek capitals and small letters
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
    "ο": "o",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    # Latin look-alikes outside ASCII
    "ı": "i",
    "ȷ": "j",
    "ℓ": "l",
}
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)


def strip_invisible(text: str) -> str:
    """Remove ANSI escapes, invisible format characters and control characters (keeps \\n, \\t, \\f, \\r)."""
    text = ANSI_RE.sub("", text)
    text = INVISIBLE_RE.sub("", text)
    return CONTROL_RE.sub("", text)


def normalize_text(text: str) -> str:
    """NFKC with invisible and control characters removed: the form that is stored and indexed."""
    return unicodedata.normalize("NFKC", strip_invisible(text))


def skeleton(text: str) -> str:
    """A matching form: ``normalize_text``, look-alike letters made Latin, marks dropped, case
    folded, whitespace collapsed. For checks only; never shown or stored."""
    text = normalize_text(text).translate(_CONFUSABLE_TABLE)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def word_key(text: str) -> str:
    """The words of a text, case folded, punctuation dropped: two texts with the same key say the same
    words ("Title: Subtitle." and "title - subtitle")."""
    return " ".join(re.findall(r"\w+", text.lower()))


def fold_accents(text: str) -> str:
    """Letters without their accents, case kept ("dantrolène" -> "dantrolene"): for matching names and
    searching, so an accented spelling finds the plain one."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFKC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def safe_terminal_text(text: str) -> str:
    """Text fit for a terminal: no escape sequences or control characters (line ends and tabs kept)."""
    return strip_invisible(text)
