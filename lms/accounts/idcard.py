"""Checking and masking of the resident identity card number (公民身份号码, GB 11643-1999). Pure: no Flask, no database.

An 18-character number is: 6-digit administrative region code, 8-digit birth date (YYYYMMDD), 3-digit sequence
code, 1 check character computed with ISO 7064 MOD 11-2 (0-9 or X).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# First two digits of the region code: provinces, autonomous regions and municipalities (GB/T 2260), plus
# 81/82/83 used by residence permits for Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip


@dataclass(frozen=True)
class IdCardProblem:
    """Why a number was refused; ``code`` is stable for tests, the view translates it."""

    code: str  # length | characters | region | birth_date | future | check_digit
    expected: str | None = None


def normalise(raw: str) -> str:
    """Strip spaces and accept a lower-case or full-width check character as typed on a phone."""
    text = "".join(raw.split())
    text = text.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    return text.replace("ｘ", "X").replace("Ｘ", "X").replace("x", "X")


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def validate(number: str, today: date | None = None) -> IdCardProblem | None:
    """Return the first problem with an already normalised number, or None when it is plausible."""
    if len(number) != 18:
        return IdCardProblem("length")
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return IdCardProblem("characters")
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000" and number[:2] not in {"81", "82", "83"}:
        return IdCardProblem("region")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return IdCardProblem("birth_date")
    today = today or date.today()
    if born.year < today.year - 130:  # nobody that old takes a course: a mistyped year
        return IdCardProblem("birth_date")
    if born > today:
        return IdCardProblem("future")
    expected = check_character(number[:17])
    if number[17] != expected:
        return IdCardProblem("check_digit", expected=None)
    return None


def mask(number: str) -> str:
    """Hide the eight birth-date digits: 110105********0012."""
    return number[:6] + "*" * 8 + number[14:]


def birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
