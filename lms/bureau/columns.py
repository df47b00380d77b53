"""Header names of a bureau's bulk file: synonyms, normalisation, and the guard against ID-number columns.

Pure: stdlib only. Shared by the reader (:mod:`lms.bureau.bulkfile`) and the result writers
(:mod:`lms.bureau.results`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "FIELDS",
    "ID_NUMBER",
    "NAME",
    "NUMBER",
    "Field",
    "field_for_header",
    "looks_like_id_column",
    "normalise_header",
]


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # attribute of BulkRow: "number", "name", "id_number"
    label: str  # how messages name the column: Chinese / English
    required: bool
    synonyms: tuple[str, ...]  # as people write them; normalised on import


NUMBER = Field(
    "number",
    "证书编号 / certificate number",
    True,
    (
        "证书编号", "证书号", "编号", "certificate number", "number",
        # Also seen in bureaus' templates; harmless to accept.
        "证书号码", "证书序列号", "certificate no", "cert number",
    ),
)  # fmt: skip
NAME = Field(
    "name",
    "姓名 / name",
    True,
    ("姓名", "持证人", "name", "holder name", "持证人姓名"),
)
ID_NUMBER = Field(
    "id_number",
    "身份证号 / ID number",
    False,
    ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id number", "id_number", "身份证"),
)
FIELDS: tuple[Field, ...] = (NUMBER, NAME, ID_NUMBER)

# "（必填）", "(选填)", "[18位]" and a required-marker "*" that templates put into header cells.
_DECORATION = re.compile(r"\([^)]*\)|\[[^]]*\]|【[^】]*】|[*※]")
_SPACING = re.compile(r"[\s_\-]+")


def normalise_header(text: object) -> str:
    """Strip, full-width→half-width (NFKC), case-fold, drop decorations, spaces, underscores and hyphens."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    folded = _DECORATION.sub("", folded)
    return _SPACING.sub("", folded)


_BY_HEADER: dict[str, Field] = {normalise_header(s): f for f in FIELDS for s in f.synonyms}


def field_for_header(text: object) -> Field | None:
    return _BY_HEADER.get(normalise_header(text))


# A results column must not carry the holder's 身份证号. Refused: a name that maps to the ID-number field, a
# Chinese name containing one of the fragments, or an English name with one of the words (matched as whole words
# so that "valid number" passes but "id", "holder ID" and "IDNumber" do not).
_ID_FRAGMENTS = ("身份证", "身份号", "证件号")
_ID_WORDS = frozenset(
    {"id", "idno", "idnum", "idnumber", "idcard", "identity", "identification", "nationalid", "citizenid"}
)
_WORDS = re.compile(r"[a-z0-9]+")


def looks_like_id_column(name: object) -> bool:
    if field_for_header(name) is ID_NUMBER:
        return True
    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    if any(fragment in folded for fragment in _ID_FRAGMENTS):
        return True
    return any(word in _ID_WORDS for word in _WORDS.findall(folded))
