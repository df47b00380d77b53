"""How a holder's name appears to anyone who is not the holder: enough to recognise, not enough to identify. Pure."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """林小美 → 林*美, 林美 → 林*, 欧阳小美 → 欧**美; Latin names keep each word's initial: Zhang Wei → Z**** W**."""
    name = name.strip()
    if not name:
        return ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        chars = [c for c in name if not c.isspace()]
        if len(chars) == 1:
            return chars[0]
        if len(chars) == 2:
            return chars[0] + "*"
        return chars[0] + "*" * (len(chars) - 2) + chars[-1]
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


#: How many characters of a 身份证号 anyone who is not its holder may see (docs/privacy.md explains why 4).
PUBLIC_ID_TAIL = 4


def mask_id_public(number: str) -> str:
    """The one form of a 身份证号 shown on public surfaces (verify page, API, certificate PDF): the last four
    characters only, 110105194912310021 or 110105********0021 → **************0021. The region code and the birth
    date, which make a number guessable, never appear. Accepts the full number or the owner's birth-date mask."""
    compact = "".join(number.split())
    if len(compact) <= PUBLIC_ID_TAIL:
        return "*" * len(compact)
    return "*" * (len(compact) - PUBLIC_ID_TAIL) + compact[-PUBLIC_ID_TAIL:]
