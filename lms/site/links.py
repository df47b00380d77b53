"""Links whose address depends only on their arguments (a course, a lesson, a fixed page), built once per process:
``url_for`` costs more than the rest of a list row, and the host pages show several per course."""

from __future__ import annotations

from flask import request, url_for

_BUILT: dict[tuple, str] = {}
#: Courses and lessons are few; past this many links the memo starts afresh rather than grow without bound.
_MOST = 20_000


def link(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)`` (a path, never external), from the memo when built before."""
    key = (request.script_root, endpoint, *values.items())
    found = _BUILT.get(key)
    if found is None:
        if len(_BUILT) >= _MOST:
            _BUILT.clear()
        found = _BUILT[key] = url_for(endpoint, **values)
    return found
