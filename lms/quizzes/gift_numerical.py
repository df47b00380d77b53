"""The numerical answer block of the GIFT parser (``{#...}``): answers as ``value``, ``value:tolerance`` or
``min..max``, each with a weight and feedback, and ``~#text`` as the feedback for any other number.

Internal to :mod:`lms.quizzes.gift`; follows Moodle's importer (``question/format/gift/format.php``), with a warning
where Moodle's reading may surprise (a value that is not a number becomes ``*``, any number).
"""

from __future__ import annotations

import re

from lms.messages import N_
from lms.quizzes.gift_items import SUM_TOLERANCE, make_answer, no_full_mark, own_part, split_weight
from lms.quizzes.gift_text import Problems, Src
from lms.quizzes.questions import NumericalAnswer, TextFormat

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _is_number(text: str) -> bool:
    return bool(_NUMBER_RE.fullmatch(text.strip()))


def numerical_answers(
    content: Src, block_line: int, question_format: TextFormat, problems: Problems
) -> list[NumericalAnswer]:
    """Moodle's numerical block: answers after ``=`` (the first may omit it), ``value``, ``value:tolerance`` or
    ``min..max``; from the first ``~`` on, the feedback for any other number (``~#text``)."""
    tilde = content.find_any("~")
    wrong = content[tilde + 1 :] if tilde >= 0 else None
    if tilde >= 0:
        content = content[:tilde]
    lead, items = content.split("=")
    if lead.text.strip():  # "{#1822:5}": a single answer without '='
        items = [("=", lead), *items]
    if not items:
        problems.add(
            block_line,
            N_("numerical question needs at least one numeric answer, not only '~' feedback")
            if wrong is not None
            else N_("numerical answer block '{#' without answers"),
        )
        return []
    before_count = len(problems.found)
    answers: list[NumericalAnswer] = []
    for _, item in items:
        line = item.line(0)
        weight, rest = split_weight(item, problems)
        answer = make_answer(rest, 1.0 if weight is None else weight, question_format)
        value, tolerance = _numerical_spec(answer.text, line, problems)
        answers.append(NumericalAnswer(value, tolerance, answer.fraction, answer.feedback, answer.feedback_format))
    if wrong is not None:
        at = wrong.find("#")
        ignored = (wrong[:at] if at >= 0 else wrong).text.strip()
        if ignored:
            problems.warn(
                wrong.line(0),
                N_(
                    "'%(text)s' after '~' is ignored, as Moodle does: in a numerical question '~' only gives "
                    "the feedback for other answers ('~#text')",
                    text=ignored.splitlines()[0],
                ),
            )
        fmt, feedback = own_part(wrong[at + 1 :], question_format) if at >= 0 else (None, "")
        answers.append(NumericalAnswer(None, 0.0, 0.0, feedback or None, fmt if feedback else None))
    graded = [a.fraction for a in answers[: len(items)]]
    if len(problems.found) == before_count and max(graded) < 1 - SUM_TOLERANCE:
        problems.warn(block_line, no_full_mark(max(graded)))
    return answers


def _numerical_spec(spec: str, line: int, problems: Problems) -> tuple[float | None, float]:
    """Value and tolerance of one numerical answer; ``None`` is Moodle's ``*``, any number."""
    arrow = spec.find("..")
    if arrow > 0:
        low_text, high_text = spec[:arrow].strip(), spec[arrow + 2 :].strip()
        for text, bad, missing in (
            (low_text, N_("range minimum '%(text)s' is not a number", text=low_text), N_("range minimum is missing")),
            (high_text, N_("range maximum '%(text)s' is not a number", text=high_text), N_("range maximum is missing")),
        ):
            if not _is_number(text):
                problems.add(line, bad if text else missing)
                return None, 0.0
        low, high = float(low_text), float(high_text)
        if low > high:
            problems.add(
                line,
                N_("range minimum %(minimum)s is greater than maximum %(maximum)s", minimum=low_text, maximum=high_text),
            )
            return None, 0.0
        middle = (low + high) / 2
        return middle, high - middle
    colon = spec.find(":")
    value_text, tolerance_text = (spec[:colon].strip(), spec[colon + 1 :].strip()) if colon > 0 else (spec, "0")
    if not _is_number(tolerance_text):
        problems.add(
            line,
            N_("tolerance '%(text)s' is not a number", text=tolerance_text)
            if tolerance_text
            else N_("tolerance is missing after ':'"),
        )
        return None, 0.0
    tolerance = float(tolerance_text)
    if tolerance < 0:
        problems.add(line, N_("tolerance %(tolerance)s must not be negative", tolerance=tolerance_text))
        return None, 0.0
    if _is_number(value_text):
        return float(value_text), tolerance
    if value_text.strip() != "*":  # '*' takes any number: a tolerance means nothing there
        problems.warn(
            line,
            N_(
                "numerical answer '%(text)s' is not a number: Moodle imports it as '*', which accepts any number",
                text=value_text.strip(),
            )
            if value_text.strip()
            else N_("numerical answer is missing: Moodle imports it as '*', which accepts any number"),
        )
    return None, 0.0
