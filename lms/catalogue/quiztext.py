"""Checks of the markup in quiz questions, by their GIFT format. Pure: no Flask, no database.

Hosts see a question as Moodle would (see ``render_quiz_text``): ``[markdown]`` rendered, ``[html]`` and GIFT's
default ``[moodle]`` format cleaned by the lessons' allow-list, ``[plain]`` as written. So two things a trainer
writes can go missing without a word: an image from outside the course, and a ``<`` that reads as a tag the
allow-list drops ("价格<B档" shows as "价格"). Both are problems at the question's line instead.
"""

from __future__ import annotations

import html
import re

from lms.catalogue.rendering import ALLOWED_TAGS, plain_text, render_quiz_text
from lms.messages import N_, Msg
from lms.quizzes.gift import Question

MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(["']?)([^"'\s>]+)\1""", re.I)
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")  # a well-formed tag


def lost_text(text: str, text_format: str) -> str | None:
    """Where a ``moodle`` or ``html`` text loses words on the way to the page (a ``<`` read as the start of a tag,
    a script's content): a few characters from that place, or None when everything written is shown."""
    shown = re.sub(r"\s+", "", plain_text(render_quiz_text(text, text_format)))
    written = re.sub(r"\s+", "", html.unescape(TAG.sub("", text)))
    if shown == written:
        return None
    tags = list(TAG.finditer(text))
    starts = {m.start() for m in tags}
    stray = next((i for i, ch in enumerate(text) if ch == "<" and i not in starts), None)
    if stray is None:  # every "<" starts a tag: the words are inside one the allow-list drops (<script>, <style>)
        stray = next((m.start() for m in tags if m.group(1).lower() not in ALLOWED_TAGS), 0)
    return text[stray:stray + 12]


def texts_of(question: Question) -> list[tuple[str, str]]:
    """Every text of a question a host may see, with the format it is shown in: the question, options, pairs
    and feedback (a part's own ``[plain]`` marker, else the question's format)."""
    q = question.format
    texts = [(question.text, q), (question.general_feedback or "", question.general_feedback_format or q),
             (question.feedback_true or "", question.feedback_true_format or q),
             (question.feedback_false or "", question.feedback_false_format or q)]  # fmt: skip
    texts += [pair for a in question.answers for pair in ((a.text, a.format or q), (a.feedback or "", a.feedback_format or q))]
    texts += [(n.feedback or "", n.feedback_format or q) for n in question.numerical]
    texts += [pair for p in question.pairs for pair in ((p.question, p.format or q), (p.answer, q))]
    return [(t, f) for t, f in texts if t]


def markup_problems(question: Question, assets: set[str] | dict) -> list[Msg]:
    """What in the question's texts would not reach the host as written."""
    problems: list[Msg] = []
    for text, fmt in texts_of(question):
        if fmt == "plain":
            continue
        targets = [m.group(2) for m in HTML_IMAGE.finditer(text)]  # markdown may hold HTML too
        if fmt == "markdown":
            targets += [m.group(1) for m in MARKDOWN_IMAGE.finditer(text)]
        near = lost_text(text, fmt) if fmt in ("moodle", "html") else None
        if near is not None:
            problems.append(N_("part of the text reads as HTML and would not be shown (at '%(near)s'): write '&lt;' "
                               "for a '<' meant as text, or mark the question [plain]", near=near))  # fmt: skip
        for target in targets:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
                problems.append(N_("images must come from the course's assets/, not the web"))
            elif not target.startswith("../assets/"):
                problems.append(N_("images are referenced as ../assets/NAME, not %(target)s", target=target))
            elif target[len("../assets/"):] not in assets:
                problems.append(N_("image or file not found in assets/: %(name)s", name=target))
    return problems
