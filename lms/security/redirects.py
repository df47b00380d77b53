"""Where the site may send a browser back to: only a path on this site (no open redirect). Pure: stdlib only.

Used for every redirect whose target comes from a user or from stored data: ``next`` after login, the language
switch, a notification's link. Browsers are lenient: they drop tabs and newlines anywhere in a URL, strip leading
control characters and spaces, read ``\\`` as ``/`` and ``//host`` as another site; so control characters are
removed first, then only a plain absolute path on this site is accepted, also once percent-decoded (a later hop
may decode it).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

__all__ = ["MAX_NEXT", "safe_next"]

MAX_NEXT = 2000  # a longer target is not one of ours


def _without_controls(text: str) -> str:
    # Cc: C0/C1 controls (tab, CR, LF, NUL, …); Cf: invisible format characters (zero-width, bidi overrides).
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def _plain_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return False
    parts = urlsplit(text)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    return not any(segment in (".", "..") for segment in parts.path.split("/"))  # /.//evil is //evil


def safe_next(target: object, fallback: str) -> str:
    """``target`` when it is a path on this site (``/account/password?x=1``), else ``fallback``.

    Control and format characters are removed before the checks (``/\\t/evil`` is ``//evil`` to a browser);
    the answer never contains one, so it is always a valid ``Location`` header."""
    if not isinstance(target, str) or len(target) > MAX_NEXT:
        return fallback
    cleaned = _without_controls(target).strip()
    if not _plain_path(cleaned):
        return fallback
    decoded = cleaned
    for _ in range(3):  # %252f%252f → %2f%2f → //
        decoded = _without_controls(unquote(decoded)).strip()
        if not _plain_path(decoded):
            return fallback
    return cleaned
