"""The lesson page's content as HTML: the parts every host on the lesson sees alike (rendered once per process from
learning/_lesson_parts.html, see lms.learning.views._lesson_parts) with this host's figures put between them.

Pure: joining strings costs a few microseconds where a template, its macro and its translation calls cost a tenth
of the page. The parts are HTML already (escaped by the template that made them); the figures are numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

_MARKER = re.compile(r"<!--part:(\w+)-->")


@dataclass(frozen=True, slots=True)
class LessonParts:
    """The parts of one lesson in one language, by name (the marker that starts each one in the template), and the
    translated sentences that hold a host's figures, as format strings (``%(done)d`` ...)."""

    parts: dict[str, str]
    sentences: dict[str, str]

    @property
    def title(self) -> Markup:
        return Markup(self.parts["title"])

    @property
    def head(self) -> Markup:
        return Markup(self.parts["head"])


def cut(html: str, sentences: dict[str, str]) -> LessonParts:
    """``html`` cut at its ``<!--part:NAME-->`` markers (what comes before the first one is dropped)."""
    pieces = _MARKER.split(html)
    return LessonParts(dict(zip(pieces[1::2], pieces[2::2])), sentences)


@dataclass(frozen=True, slots=True)
class HostFigures:
    """What the lesson page shows of this host, as plain values."""

    course_percent: int
    completed_count: int
    lesson_count: int
    lesson_position: int
    certificate_issued: bool
    identity_start: bool
    identity_random: bool
    identity_unmet: bool
    lesson_seconds: int
    lesson_completed: bool
    lesson_reached_end: bool
    required_seconds: int
    #: The study time for the certificate (shown only when the course awards one).
    awards_certificate: bool
    verified_minutes: int
    required_minutes: int
    verified_percent: int
    remaining_minutes: int


def content(lesson: LessonParts, figures: HostFigures, csrf_token: str) -> Markup:
    """The page's main content for this host: as learning/_lesson_parts.html lays it out, figures in place."""
    p, say, f = lesson.parts, lesson.sentences, figures
    course_percent = str(f.course_percent)
    out = [
        p["top"], course_percent, p["course_bar"], course_percent, p["course_percent"],
        say["position"] % {"n": f.lesson_position, "total": f.lesson_count, "done": f.completed_count},
        p["position_end"], p["banner_shown"] if f.certificate_issued else p["banner_hidden"],
        p["article"], "yes" if f.identity_start else "no", p["identity_random"], "yes" if f.identity_random else "no",
        p["heading"], str(f.lesson_seconds), p["lesson_minutes"], str(f.lesson_seconds // 60), p["lesson_seconds"],
        str(f.lesson_seconds % 60), p["lesson_time_end"], p["identity_unmet"] if f.identity_unmet else "", p["body"],
    ]  # fmt: skip
    if f.awards_certificate:
        verified_percent = str(f.verified_percent)
        out += [
            p["study_time"], p["verified_start"],
            say["verified"] % {"done": f.verified_minutes, "needed": f.required_minutes},
            p["verified_bar"], verified_percent, p["verified_percent"], verified_percent, p["verified_end"],
        ]  # fmt: skip
        if f.remaining_minutes:
            out += [p["remaining_start"], say["still_needed"] % {"m": f.remaining_minutes}, p["remaining_end"]]
        else:
            out.append(p["time_reached"])
        out += [p["figures_end"], p["study_time_end"]]
    if f.lesson_completed:
        out.append(p["completed"])
    elif f.lesson_reached_end:
        needed = (f.required_seconds + 59) // 60
        out += [p["not_complete_start"], say["not_complete"] % {"done": f.lesson_seconds // 60, "needed": needed},
                p["not_complete_end"]]  # fmt: skip
    else:
        out.append(p["to_do"])
    out += [p["form"], str(escape(csrf_token)), p["pager"]]
    return Markup("".join(out))
