"""Certificate numbers (证书序列号): random, easy to read aloud and type, with one check character. Pure: stdlib only.

Shape: 15 characters printed as three groups of five, ``7KQ2M-HT4XN-9DWR3`` (an example); the last character is the check
character. It deliberately looks nothing like a 职业技能等级证书 number (one letter + 21 digits).

Alphabet (29 characters, upper case)::

    23456789ABCDEFGHJKMNPQRSTVWXY

0/O, 1/I/L, U/V and 2/Z are the usual confusions when a number is read aloud, handwritten or typed from a
photo; 0, 1, O, I, L, U and Z are left out. Keeping V is safe once U is gone, keeping 2 once Z is gone. That
leaves 29 characters, a prime, which the check character below relies on.

Randomness: 14 characters drawn with ``secrets`` give 14 · log2(29) ≈ 68.0 bits, above the 60-bit floor, so
numbers can be neither guessed nor enumerated, and they leak neither issue order nor volume (unlike a sequence).

Check character: the ISO/IEC 7064 *pure system* construction (the one behind MOD 11-2 and MOD 37-2) with
modulus p = 29 and radix r = 2. With the character values v_i (their index in the alphabet) and the check
character in position i = 0 counted from the right, a number is valid when

    Σ v_i · 2^i ≡ 1 (mod 29).

Why it catches every single error and every adjacent swap:

* p = 29 is prime and equals the alphabet size, so every residue is a character: no extra check symbol is
  needed (MOD 37-2 needs ``*``, MOD 11-2 needs ``X``) and values are all < p.
* A single substitution v → v' at position i changes the sum by 2^i · (v' − v). 29 is prime, 2^i is not a
  multiple of 29 and 0 < |v' − v| < 29, so the change is never ≡ 0: the number no longer checks.
* Swapping neighbours v ≠ v' at positions i+1, i changes the sum by 2^i · (2 − 1) · (v − v'), again a product
  of factors that are all non-zero mod 29: never ≡ 0. This includes a swap of the check character with the
  character before it, because the check character takes part in the sum with weight 2^0 = 1.
* Bonus: a jump swap (v x v' → v' x v) changes the sum by 2^i · (4 − 1) · (v − v') and a twin error
  (v v → v' v') by 2^i · (2 + 1) · (v' − v); both are non-zero mod 29 too.

The ISO 7064 *hybrid* system MOD 30+1,30 was considered and rejected: an exhaustive search shows that for every
state it misses one adjacent transposition (as MOD 11,10 does for digits), so it does not meet the "any
adjacent swap" requirement.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from typing import Protocol

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = 29  # prime, equal to len(ALPHABET)
RADIX = 2
RANDOM_LENGTH = 14
LENGTH = RANDOM_LENGTH + 1
GROUP = 5

_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Separators people type or paste between the groups: ASCII and typographic hyphens/dashes, minus signs. NFKC
# has already folded the full-width forms (U+FF0D, U+FE63) to "-" by the time this set is used.
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70_")


class _Chooser(Protocol):
    """The part of ``secrets`` (or a seeded ``random.Random`` in tests) that we use."""

    def choice(self, seq: str, /) -> str: ...


@dataclass(frozen=True)
class NumberCheck:
    """Result of :func:`check`.

    ``normalised`` is the canonical 15-character form (for database look-ups) and is set only when ``ok``.
    ``problem`` is a stable code the page translates: ``length`` | ``characters`` | ``check_character``.
    For ``characters``, ``character`` is the first character that is not allowed and ``position`` its 1-based
    place in the normalised input, so the page can say e.g. "certificate numbers never contain the letter O".
    """

    ok: bool
    normalised: str | None
    problem: str | None = None
    character: str | None = None
    position: int | None = None


def _weighted_sum(chars: str) -> int:
    # Horner's rule: the rightmost character gets weight 2^0.
    total = 0
    for c in chars:
        total = (total * RADIX + _VALUE[c]) % MODULUS
    return total


def check_character(random_part: str) -> str:
    """The character that makes ``random_part + it`` valid (needs alphabet characters only)."""
    # Appending a character multiplies the existing sum by the radix; solve r·S + v ≡ 1 for v.
    return ALPHABET[(1 - RADIX * _weighted_sum(random_part)) % MODULUS]


def is_valid_raw(raw: str) -> bool:
    """True when a normalised 15-character string has a correct check character."""
    return len(raw) == LENGTH and all(c in _VALUE for c in raw) and _weighted_sum(raw) == 1


def new_number(rng: _Chooser = secrets) -> str:
    """A new random number, formatted in three groups of five. Uniqueness is the caller's (database) job."""
    body = "".join(rng.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format(body + check_character(body))


# ASCII whitespace and separators, deleted in one str.translate.
_ASCII_DROP = {ord(c): None for c in " \t\n\r\x0b\x0c-_"}


def normalise(text: str) -> str:
    """Strip spaces and hyphens, map full-width characters to ASCII and upper-case.

    NFKC turns full-width Ａ/１/－ and the ideographic space, as typed with a Chinese IME, into their ASCII forms.
    It does not map look-alikes such as O → 0 on purpose: neither is in the alphabet, and guessing would hide
    a real typo from :func:`check`.
    """
    if text.isascii():
        # The common case (typed or read from a file in ASCII): one translate, no per-character loop.
        return text.translate(_ASCII_DROP).upper()
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if not c.isspace() and c not in _SEPARATORS).upper()


def check(text: str) -> NumberCheck:
    """Check a number as a person typed it and say exactly what is wrong.

    Characters are checked before the length: "the letter O is not used" is the more useful message when both
    are wrong, and an unknown character usually means a misread one rather than a missing one.
    """
    raw = normalise(text)
    for i, c in enumerate(raw):
        if c not in _VALUE:
            return NumberCheck(False, None, "characters", character=c, position=i + 1)
    if len(raw) != LENGTH:
        return NumberCheck(False, None, "length")
    if _weighted_sum(raw) != 1:
        return NumberCheck(False, None, "check_character")
    return NumberCheck(True, raw)


def format(raw: str) -> str:
    """Group a 15-character number in three groups of five; input is normalised first."""
    text = normalise(raw)
    if len(text) != LENGTH:
        raise ValueError(f"a certificate number has {LENGTH} characters, got {len(text)}")
    return "-".join(text[i : i + GROUP] for i in range(0, LENGTH, GROUP))
