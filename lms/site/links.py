"""Links whose address depends only on their arguments (a course, a lesson, a fixed page), built once per process:
``url_for`` costs more than the rest of a list row, and the host pages show several per course."""

from __future__ import annotations

from flask import request, url_for

from lms.memo import Memo

#: (script root, endpoint, (argument, value)...) -> the path. Courses, lessons and organisations are few: the bound
#: keeps every link a page shows while a worker's memory stays flat whatever it serves.
_BUILT: Memo[tuple, str] = Memo(4096)


def link(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)`` (a path, never external), from the memo when built before."""
    return _BUILT.get((request.script_root, endpoint, *values.items()), lambda: url_for(endpoint, **values))
