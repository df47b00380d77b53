"""One answer inside a GIFT answer block: its weight, text, feedback and formats, and the Moodle warnings every
block kind shares (an empty answer left out, text before the first marker kept as one more answer, no answer worth
100%).

Internal to :mod:`lms.quizzes.gift`; used by :mod:`lms.quizzes.gift_answers` and :mod:`lms.quizzes.gift_numerical`.
"""

from __future__ import annotations

from lms.messages import N_, Msg
from lms.quizzes.gift_text import WEIGHT_RE, Problems, Src, with_format
from lms.quizzes.questions import Answer, TextFormat

SUM_TOLERANCE = 0.005  # Moodle rounds the total of multiple-response weights to two decimals


def own_part(part: Src | None, question_format: TextFormat) -> tuple[TextFormat | None, str]:
    """A part's own format (None when it is the question's) and its text."""
    fmt, text = with_format(part)
    return (None if fmt == question_format else fmt), text


def split_weight(item: Src, problems: Problems) -> tuple[float | None, Src]:
    item = item.strip()
    match = WEIGHT_RE.match(item.text)
    if match is None:
        return None, item
    percent = float(match.group(1))
    if not -100 <= percent <= 100:
        problems.warn(
            item.line(0),
            N_(
                "answer weight %(weight)s%% is outside -100%%..100%%: Moodle keeps it, "
                "and a score never goes below 0 or above 100%%",
                weight=match.group(1),
            ),
        )
    return round(percent / 100, 7), item[match.end() :]


def make_answer(item: Src, fraction: float, question_format: TextFormat) -> Answer:
    """An answer with its feedback after the first ``#``, each with its own format."""
    at = item.find("#")
    fmt, text = own_part(item[:at] if at >= 0 else item, question_format)
    feedback_format, feedback = own_part(item[at + 1 :], question_format) if at >= 0 else (None, "")
    return Answer(text, fraction, feedback or None, fmt, feedback_format if feedback else None)


def add_unless_empty(answers: list[Answer], answer: Answer, line: int, number: int, problems: Problems) -> None:
    """Moodle's question types leave an answer without text out: so does this parser, with a warning."""
    if answer.text:
        answers.append(answer)
    else:
        problems.warn(line, N_("answer %(number)s is empty and is left out, as Moodle does", number=number))


def all_empty(lead: Src, items: list[tuple[str, Src]]) -> bool:
    """True when neither the text before the first marker nor any item has text."""
    return not lead.text.strip() and all(not item.text.strip() for _, item in items)


def percent(fraction: float) -> str:
    """0.333333 → "33.3333%", 1.0 → "100%": a weight as a problem message shows it."""
    return f"{round(fraction * 100, 4):g}%"


def lead_as_answer(lead: Src, items: list[tuple[str, Src]], marker: str, message: Msg, problems: Problems) -> list:
    """Moodle keeps text before the first marker as one more answer: so does this parser, with a warning."""
    if not lead.text.strip():
        return items
    problems.warn(lead.line(0), message)
    return [(marker, lead), *items]


def first_line(src: Src) -> str:
    """The first line of a part's text, to quote it in a problem message."""
    return src.text.strip().splitlines()[0] if src.text.strip() else ""


def no_full_mark(best: float) -> Msg:
    """The warning for a block whose best answer is worth less than 100%."""
    return N_("no answer is worth 100%%: the best possible score is %(best)s", best=percent(max(best, 0.0)))
