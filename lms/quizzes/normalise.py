"""Normalising what learners type, so that grading does not depend on their keyboard or input method.

Chinese input methods switch between full-width and half-width forms (``ＧＭＶ``, ``１２００``, ``。``),
and phones add trailing punctuation or double spaces: none of that should turn a right answer into a wrong
one.
"""

from __future__ import annotations

import math
import re
import unicodedata

# After NFKC, full-width "！？，；：．" are already ASCII; "。、…" have no half-width form and stay.
TRAILING_PUNCTUATION = ".。!?,;:、…"
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_RE = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_MINUS_SIGNS = str.maketrans(
    {"\u2212": "-", "\u2013": "-", "\u2014": "-"}
)  # minus sign and dashes typed for "-"


def normalise_answer(text: str) -> str:
    """NFKC (full-width → half-width), casefold, whitespace collapsed to single spaces, stripped, trailing
    Chinese/ASCII punctuation removed. An answer made only of punctuation keeps it, so it can be compared."""
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    trimmed = folded.rstrip(TRAILING_PUNCTUATION + " ")
    return trimmed or folded


def parse_number(value: str | float) -> float:
    """A learner's number: full-width digits, a leading ``+``/``−``, thousands commas (``1,200``) and spaces
    around it are accepted. Raises ``ValueError`` for anything else, including NaN and infinities, and
    ``TypeError`` for a ``bool``."""
    if isinstance(value, bool):  # bool is an int, but True is not an answer to "how many?"
        raise TypeError("a yes/no value is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = unicodedata.normalize("NFKC", value).translate(_MINUS_SIGNS).strip()
        if _GROUPED_RE.fullmatch(text):
            text = text.replace(",", "")
        if not _NUMBER_RE.fullmatch(text):
            raise ValueError(f"{value!r} is not a number")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number
