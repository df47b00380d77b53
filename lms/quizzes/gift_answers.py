"""Answer blocks of the GIFT parser: the question type and its answers from what is between the braces.

Internal to :mod:`lms.quizzes.gift`; the rules are described there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lms.messages import N_, Msg
from lms.quizzes.gift_text import WEIGHT_RE, Problems, Src, clean
from lms.quizzes.questions import (
    MIN_ORDERING_ITEMS,
    ORDERING_TAG,
    Answer,
    NumericalAnswer,
    Pair,
    Question,
    QuestionType,
)

MIN_CHOICES = 2
MIN_MATCHING_PAIRS = 3  # the documentation: "There must be at least three matching pairs"
MIN_MATCHING_QUESTIONS = 2  # Moodle's matching question type: at least two questions and three answers
SUM_TOLERANCE = 0.005  # Moodle rounds the total of multiple-response weights to two decimals
_TF_VALUES = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def fill_from_block(question: Question, content: Src, problems: Problems, ordering: bool = False) -> None:
    """Set the type and answers of ``question`` from the text between its braces; ``ordering``: the question
    is tagged ``[tag:type:ordering]``, so the block must read as a short answer listing the items."""
    line = content.line(0)  # the line of '{': where problems with the block as a whole are reported
    content = content.strip()
    at = content.rfind("####")  # like Moodle: the last run of four '#' starts the general feedback
    if at >= 0:
        question.general_feedback = clean(content[at + 4 :]) or None
        content = content[:at].strip()
    if ordering:
        question.type = "ordering"
        question.answers = _ordering(content, question.line, problems)
        return
    kind: QuestionType
    if not content.text:
        kind = "essay"
    elif content.is_syntax(0, "#"):
        kind = "numerical"
        question.numerical = _numerical(content[1:], line, problems)
    elif content.split("#")[0].text.strip() in _TF_VALUES:
        kind = "truefalse"
        _truefalse(question, content, problems)
    elif content.find_any("~") >= 0:
        kind, question.answers = _choices(content, line, problems)
    elif _is_matching(content):
        kind = "matching"
        question.pairs = _matching(content, line, problems)
    else:
        kind = "shortanswer"
        question.answers = _short_answers(content, line, problems)
    question.type = kind


def _weight(item: Src, problems: Problems, line: int) -> tuple[float | None, Src]:
    item = item.strip()
    match = WEIGHT_RE.match(item.text)
    if match is None:
        return None, item
    percent = float(match.group(1))
    if not -100 <= percent <= 100:
        problems.add(line, N_("answer weight %(weight)s%% is outside -100%%..100%%", weight=match.group(1)))
    return round(percent / 100, 7), item[match.end() :]


def _answer_and_feedback(item: Src) -> tuple[str, str | None]:
    at = item.find("#")
    if at < 0:
        return clean(item), None
    return clean(item[:at]), clean(item[at + 1 :]) or None


def _no_answers(lead: Src, items: list[tuple[str, Src]]) -> bool:
    return not lead.text.strip() and all(not item.text.strip() for _, item in items)


def _stray_lead(lead: Src, problems: Problems, tilde: bool = False) -> None:
    """Report text before the first answer marker: ``=``, or ``=`` or ``~`` when ``tilde``."""
    if lead.text.strip():
        shown = lead.text.strip().splitlines()[0]
        problems.add(
            lead.line(0),
            N_(
                "text '%(text)s' before the first '=' or '~'; every answer must start with '=' or '~'",
                text=shown,
            )
            if tilde
            else N_("text '%(text)s' before the first '='; every answer must start with '='", text=shown),
        )


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 4):g}%"


def _choices(content: Src, line: int, problems: Problems) -> tuple[QuestionType, list[Answer]]:
    lead, items = content.split("=~")
    if _no_answers(lead, items):
        problems.add(line, N_("answer block without answers"))
        return "multichoice", []
    _stray_lead(lead, problems, tilde=True)
    before_count = len(problems.found)
    answers: list[Answer] = []
    plain_right: list[int] = []  # '=' answers without a weight
    explicit_positive = False
    for n, (marker, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems, item.line(0))
        text, feedback = _answer_and_feedback(rest)
        if not text:
            problems.add(item.line(0), N_("answer %(number)s is empty", number=n))
        if weight is None:
            weight = 1.0 if marker == "=" else 0.0
            if marker == "=":
                plain_right.append(len(answers))
        elif weight > 0:
            explicit_positive = True
        answers.append(Answer(text, weight, feedback))
    if len(answers) < MIN_CHOICES:
        problems.add(
            line,
            N_(
                "multiple-choice question needs at least %(minimum)s answers, found %(count)s",
                minimum=MIN_CHOICES,
                count=len(answers),
            ),
        )
    if sum(1 for a in answers if a.fraction == 1.0) == 1:
        return "multichoice", answers
    if len(problems.found) > before_count:  # the weights below would only repeat those problems
        return "multiresponse", answers
    if len(plain_right) > 1 and not explicit_positive:
        for i in plain_right:
            answers[i].fraction = round(1 / len(plain_right), 7)
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if total == 0:
        problems.add(
            line,
            N_(
                "choice question without a right answer: mark one with '=' "
                "or give answers weights like '~%%50%%'"
            ),
        )
    elif abs(total - 1) >= SUM_TOLERANCE:
        problems.add(
            line,
            N_(
                "multiple-response weights of correct answers add up to %(total)s, expected 100%%",
                total=_percent(total),
            ),
        )
    return "multiresponse", answers


def _short_answers(content: Src, line: int, problems: Problems) -> list[Answer]:
    lead, items = content.split("=")
    if _no_answers(lead, items):
        problems.add(line, N_("answer block without answers"))
        return []
    if not items:  # "a single answer may be written without '='"
        if lead.text.strip()[:1] in ("＝", "～"):
            problems.add(
                lead.line(0), N_("full-width '＝' or '～' cannot start an answer: use ASCII '=' and '~'")
            )
        items = [("=", lead)]
    else:
        _stray_lead(lead, problems)
    before_count = len(problems.found)
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems, item.line(0))
        text, feedback = _answer_and_feedback(rest)
        if not text:
            problems.add(item.line(0), N_("answer %(number)s is empty", number=n))
        answers.append(Answer(text, 1.0 if weight is None else weight, feedback))
    best = max(a.fraction for a in answers)
    if best != 1.0 and len(problems.found) == before_count:
        problems.add(
            line,
            N_("short-answer question needs an answer worth 100%%, best is %(best)s", best=_percent(best)),
        )
    return answers


def _block_kind(content: Src) -> str:
    """What a block would read as without the ordering tag: a question type, or ``choice``."""
    if not content.text:
        return "essay"
    if content.is_syntax(0, "#"):
        return "numerical"
    if content.split("#")[0].text.strip() in _TF_VALUES:
        return "truefalse"
    if content.find_any("~") >= 0:
        return "choice"
    if _is_matching(content):
        return "matching"
    return "shortanswer"


def _wrong_ordering_block(kind: str) -> Msg:
    """The problem with an ordering question whose block reads as ``kind``, from :func:`_block_kind`."""
    if kind == "choice":
        return N_("an ordering question takes no '~' answers: list every item with '=', in the right order")
    if kind == "essay":
        return N_(
            "[tag:%(tag)s] on an essay answer block: an ordering question lists its items with '=', "
            "in the right order",
            tag=ORDERING_TAG,
        )
    if kind == "numerical":
        return N_(
            "[tag:%(tag)s] on a numerical answer block: an ordering question lists its items with '=', "
            "in the right order",
            tag=ORDERING_TAG,
        )
    if kind == "truefalse":
        return N_(
            "[tag:%(tag)s] on a true/false answer block: an ordering question lists its items with '=', "
            "in the right order",
            tag=ORDERING_TAG,
        )
    return N_(
        "[tag:%(tag)s] on a matching answer block: an ordering question lists its items with '=', "
        "in the right order",
        tag=ORDERING_TAG,
    )


def _ordering(content: Src, line: int, problems: Problems) -> list[Answer]:
    """The items of a ``[tag:type:ordering]`` question: a short-answer block of ``=`` items in the right
    order. Problems with the question as a whole are reported at ``line``, the question's first line."""
    kind = _block_kind(content)
    if kind != "shortanswer":
        problems.add(line, _wrong_ordering_block(kind))
        return []
    lead, items = content.split("=")
    _stray_lead(lead, problems)
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems, line)
        if weight is not None:
            problems.add(
                line,
                N_(
                    "ordering item %(number)s (line %(line)s) has a weight: ordering items take no '%%n%%'",
                    number=n,
                    line=item.line(0),
                ),
            )
        text, feedback = _answer_and_feedback(rest)
        if not text:
            problems.add(item.line(0), N_("ordering item %(number)s is empty", number=n))
        answers.append(Answer(text, 1.0, feedback))
    if len(answers) < MIN_ORDERING_ITEMS:
        problems.add(
            line,
            N_(
                "an ordering question needs at least %(minimum)s items, found %(count)s",
                minimum=MIN_ORDERING_ITEMS,
                count=len(answers),
            ),
        )
    return answers


def _truefalse(question: Question, content: Src, problems: Problems) -> None:
    lead, parts = content.split("#")
    if len(parts) > 2:
        problems.add(
            parts[2][1].line(0),
            N_(
                "true/false takes at most two feedbacks ('{TRUE#wrong#right}'), found %(count)s",
                count=len(parts),
            ),
        )
    wrong = clean(parts[0][1]) or None if parts else None
    right = clean(parts[1][1]) or None if len(parts) > 1 else None
    question.correct = _TF_VALUES[lead.text.strip()]
    question.feedback_true, question.feedback_false = (right, wrong) if question.correct else (wrong, right)


def _is_matching(content: Src) -> bool:
    _, items = content.split("=")
    for _, item in items:
        feedback = item.find("#")
        if item[: feedback if feedback >= 0 else len(item.text)].find("->") >= 0:
            return True
    return False


def _matching(content: Src, block_line: int, problems: Problems) -> list[Pair]:
    lead, items = content.split("=")
    _stray_lead(lead, problems)
    before_count = len(problems.found)
    pairs: list[Pair] = []
    for n, (_, item) in enumerate(items, 1):
        line = item.line(0)
        arrow = item.find("->")
        if item.find("#") >= 0:
            problems.add(line, N_("matching pairs take no feedback; escape a literal '#' as '\\#'"))
        if arrow < 0:
            problems.add(line, N_("matching pair %(number)s has no '->'", number=n))
            continue
        answer = item[arrow + 2 :].text.strip()
        if not answer:
            problems.add(line, N_("matching pair %(number)s has no answer after '->'", number=n))
        pairs.append(Pair(clean(item[:arrow]), answer))
    if len(items) < MIN_MATCHING_PAIRS:
        problems.add(
            block_line,
            N_(
                "matching question needs at least %(minimum)s pairs, found %(count)s",
                minimum=MIN_MATCHING_PAIRS,
                count=len(items),
            ),
        )
    elif len(problems.found) == before_count and sum(1 for p in pairs if p.question) < MIN_MATCHING_QUESTIONS:
        problems.add(
            block_line,
            N_(
                "matching question needs at least %(minimum)s pairs with a question "
                "('= -> answer' is only a distractor)",
                minimum=MIN_MATCHING_QUESTIONS,
            ),
        )
    return pairs


def _number(
    text: str, line: int, problems: Problems, not_a_number: Callable[[str], Msg], missing: Msg
) -> float | None:
    """``text`` as a number; else reports ``not_a_number(text)``, or ``missing`` when ``text`` is blank."""
    text = text.strip()
    if _NUMBER_RE.fullmatch(text):
        return float(text)
    problems.add(line, not_a_number(text) if text else missing)
    return None


def _numerical(content: Src, block_line: int, problems: Problems) -> list[NumericalAnswer]:
    lead, items = content.split("=~")
    if _no_answers(lead, items):
        problems.add(block_line, N_("numerical answer block '{#' without answers"))
        return []
    if lead.text.strip():  # "{#1822:5}": a single answer without '='
        items = [("=", lead), *items]
    before_count = len(problems.found)
    answers: list[NumericalAnswer] = []
    for marker, item in items:
        line = item.line(0)
        weight, rest = _weight(item, problems, line)
        spec, feedback = _answer_and_feedback(rest)
        if marker == "~":
            if spec or weight is not None:
                problems.add(
                    line,
                    N_("'~' in a numerical question only gives feedback for other answers: write '~#text'"),
                )
            answers.append(NumericalAnswer(None, 0.0, 0.0, feedback))
            continue
        fraction = 1.0 if weight is None else weight
        if spec == "*":
            answers.append(NumericalAnswer(None, 0.0, fraction, feedback))
            continue
        value, tolerance = _numerical_spec(spec, line, problems)
        if value is not None:
            answers.append(NumericalAnswer(value, tolerance, fraction, feedback))
    if len(problems.found) > before_count:
        return answers
    graded = [a.fraction for a in answers if a.value is not None]
    if not graded:
        problems.add(
            block_line, N_("numerical question needs at least one numeric answer, not only '~' feedback")
        )
    elif max(graded) != 1.0:
        problems.add(
            block_line,
            N_(
                "numerical question needs an answer worth 100%%, best is %(best)s", best=_percent(max(graded))
            ),
        )
    return answers


def _numerical_spec(spec: str, line: int, problems: Problems) -> tuple[float | None, float]:
    if ".." in spec:
        low_text, high_text = spec.split("..", 1)
        low = _number(
            low_text,
            line,
            problems,
            lambda text: N_("range minimum '%(text)s' is not a number", text=text),
            N_("range minimum is missing"),
        )
        high = _number(
            high_text,
            line,
            problems,
            lambda text: N_("range maximum '%(text)s' is not a number", text=text),
            N_("range maximum is missing"),
        )
        if low is None or high is None:
            return None, 0.0
        if low > high:
            problems.add(
                line,
                N_(
                    "range minimum %(minimum)s is greater than maximum %(maximum)s",
                    minimum=low_text.strip(),
                    maximum=high_text.strip(),
                ),
            )
            return None, 0.0
        middle = (low + high) / 2
        return middle, high - middle
    value_text, _, tolerance_text = spec.partition(":")
    value = _number(
        value_text,
        line,
        problems,
        lambda text: N_("numerical answer '%(text)s' is not a number", text=text),
        N_("numerical answer is missing"),
    )
    tolerance = (
        _number(
            tolerance_text,
            line,
            problems,
            lambda text: N_("tolerance '%(text)s' is not a number", text=text),
            N_("tolerance is missing"),  # not reached: a blank tolerance is 0
        )
        if tolerance_text.strip()
        else 0.0
    )
    if tolerance is None:
        return None, 0.0
    if tolerance < 0:
        problems.add(
            line, N_("tolerance %(tolerance)s must not be negative", tolerance=tolerance_text.strip())
        )
        return None, 0.0
    return value, tolerance
