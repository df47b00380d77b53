"""A host's courses as "my learning" and the home page list them, one rendered row per course, kept per process.

A row shows nothing but its CourseSummary (title, lessons done, minutes, where "continue" goes) in one language
under one address: keyed by all of them, a row is the same HTML for whoever has those figures, and a new figure is
a new key, never a stale row. Rendering a row (two links, three translations) costs more than the rest of the list.
"""

from __future__ import annotations

from functools import partial

from flask import render_template, request
from markupsafe import Markup

from lms.learning.summaries import CourseSummary
from lms.memo import Memo
from lms.site.links import link

#: (template, language, script root, summary) -> the row. Rows are small; the bound keeps a worker's memory flat.
_ROWS: Memo[tuple, Markup] = Memo(4096)


def course_rows(template: str, summaries: list[CourseSummary], babel_locale: str) -> list[Markup]:
    """Each summary rendered by ``template`` (its ``p``), from the memo when rendered before."""
    root, locale = request.script_root, "en" if babel_locale == "en" else "zh"

    def render(summary: CourseSummary) -> Markup:
        return Markup(render_template(template, p=summary, locale=locale, link=link))

    return [_ROWS.get((template, babel_locale, root, summary), partial(render, summary)) for summary in summaries]
