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
