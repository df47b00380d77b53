"""Bounded input: whole numbers within the database's integer range, and JSON with a size and depth limit.

Pure: stdlib only. Every number and JSON document that comes from outside (a URL, a form, a request body, a file a
user hands to a command) goes through here, so that none can reach the database or a recursive walk unchecked:

- :func:`whole_number` accepts ASCII digits only (``"²".isdigit()`` is true, ``int("²")`` fails) and at most
  :data:`DB_INT_MAX`, the largest value of an SQL ``INTEGER`` column (larger ones make SQLite raise and
  PostgreSQL refuse the query);
- :func:`parse_json` refuses a document larger than ``max_bytes`` or nested deeper than ``max_depth`` *before*
  parsing it (Python's parser and every recursive walk after it fail with ``RecursionError`` on a few hundred
  levels), and refuses ``NaN``/``Infinity`` and integers longer than 20 digits, with a :class:`BadJSON` that says
  what is wrong;
- :func:`is_clean_text` refuses text with control characters or invisible direction controls, which would let a
  name show as something other than what is stored and matched.
"""

from __future__ import annotations

import json
import re
import unicodedata

__all__ = ["CREDENTIAL_JSON", "DB_INT_MAX", "PROCESS_JSON", "BadJSON", "is_clean_text", "json_depth", "parse_json",
           "whole_number"]

DB_INT_MAX = 2**31 - 1
#: Limits for a credential, a DID document or a status list, on the web and offline: a real one is a few KB and
#: nests about eight levels.
CREDENTIAL_JSON = {"max_bytes": 1024 * 1024, "max_depth": 32}
#: A process-record file (lms.credentials.processseal): a cohort's sealed records with their proofs.
PROCESS_JSON = {"max_bytes": 64 * 1024 * 1024, "max_depth": 16}
_DIGITS = re.compile(r"[0-9]{1,10}")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_MAX_INT_DIGITS = 20
#: Unicode's Bidi_Control characters (embeddings, overrides, isolates, marks): invisible, they reorder what is
#: shown, so "林\u202e美小" shows as 林小美 (the "Trojan Source" trick). No name or text on this site needs them.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def whole_number(raw: object, *, low: int = 0, high: int = DB_INT_MAX) -> int | None:
    """``raw`` (text of ASCII digits, or an int) as an int in ``low..high``; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if low <= value <= high else None


def is_clean_text(value: str) -> bool:
    """False for text that came from bytes that were not UTF-8 (U+FFFD), or that holds control characters (other
    than line breaks and tabs) or direction controls."""
    for char in value:
        if char == "\ufffd" or char in BIDI_CONTROLS:
            return False
        if unicodedata.category(char) == "Cc" and char not in "\n\r\t":
            return False
    return True


class BadJSON(ValueError):
    """The text is not JSON the site accepts; the message says why, in English (API answers are English)."""


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text`` (0 for a scalar), counted without parsing it."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise BadJSON(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise BadJSON(f"a number in the JSON has more than {_MAX_INT_DIGITS} digits")
    return int(text)


def parse_json(data: bytes | str, *, max_bytes: int, max_depth: int) -> object:
    """The JSON value in ``data`` (UTF-8 when bytes). Raises :class:`BadJSON` when it is too large, too deeply
    nested, not UTF-8 or not valid JSON."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise BadJSON(f"the JSON is larger than {max_bytes:,} bytes")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadJSON("the JSON is not UTF-8 text") from None
    if json_depth(data) > max_depth:
        raise BadJSON(f"the JSON nests arrays and objects more than {max_depth} levels deep")
    try:
        return json.loads(data, parse_constant=_refuse_constant, parse_int=_bounded_int)
    except BadJSON:
        raise
    except (ValueError, RecursionError) as exc:
        raise BadJSON(f"not valid JSON: {exc}") from None
