"""Answer blocks of the GIFT parser: the question type and its answers from what is between the braces.

Internal to :mod:`lms.quizzes.gift`; the rules are described there.
"""

from __future__ import annotations

import re

from lms.quizzes.gift_text import WEIGHT_RE, Problems, Src, clean
from lms.quizzes.model import (
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
        problems.add(line, f"answer weight {match.group(1)}% is outside -100%..100%")
    return round(percent / 100, 7), item[match.end() :]


def _answer_and_feedback(item: Src) -> tuple[str, str | None]:
    at = item.find("#")
    if at < 0:
        return clean(item), None
    return clean(item[:at]), clean(item[at + 1 :]) or None


def _no_answers(lead: Src, items: list[tuple[str, Src]]) -> bool:
    return not lead.text.strip() and all(not item.text.strip() for _, item in items)


def _stray_lead(lead: Src, markers: str, problems: Problems) -> None:
    if lead.text.strip():
        shown = lead.text.strip().splitlines()[0]
        problems.add(
            lead.line(0), f"text '{shown}' before the first {markers}; every answer must start with {markers}"
        )


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 4):g}%"


def _choices(content: Src, line: int, problems: Problems) -> tuple[QuestionType, list[Answer]]:
    lead, items = content.split("=~")
    if _no_answers(lead, items):
        problems.add(line, "answer block without answers")
        return "multichoice", []
    _stray_lead(lead, "'=' or '~'", problems)
    before_count = len(problems.found)
    answers: list[Answer] = []
    plain_right: list[int] = []  # '=' answers without a weight
    explicit_positive = False
    for n, (marker, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems, item.line(0))
        text, feedback = _answer_and_feedback(rest)
        if not text:
            problems.add(item.line(0), f"answer {n} is empty")
        if weight is None:
            weight = 1.0 if marker == "=" else 0.0
            if marker == "=":
                plain_right.append(len(answers))
        elif weight > 0:
            explicit_positive = True
        answers.append(Answer(text, weight, feedback))
    if len(answers) < MIN_CHOICES:
        problems.add(
            line, f"multiple-choice question needs at least {MIN_CHOICES} answers, found {len(answers)}"
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
            "choice question without a right answer: mark one with '=' or give answers weights like '~%50%'",
        )
    elif abs(total - 1) >= SUM_TOLERANCE:
        problems.add(
            line, f"multiple-response weights of correct answers add up to {_percent(total)}, expected 100%"
        )
    return "multiresponse", answers


def _short_answers(content: Src, line: int, problems: Problems) -> list[Answer]:
    lead, items = content.split("=")
    if _no_answers(lead, items):
        problems.add(line, "answer block without answers")
        return []
    if not items:  # "a single answer may be written without '='"
        if lead.text.strip()[:1] in ("＝", "～"):
            problems.add(
                lead.line(0), "full-width '＝' or '～' cannot start an answer: use ASCII '=' and '~'"
            )
        items = [("=", lead)]
    else:
        _stray_lead(lead, "'='", problems)
    before_count = len(problems.found)
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems, item.line(0))
        text, feedback = _answer_and_feedback(rest)
        if not text:
            problems.add(item.line(0), f"answer {n} is empty")
        answers.append(Answer(text, 1.0 if weight is None else weight, feedback))
    best = max(a.fraction for a in answers)
    if best != 1.0 and len(problems.found) == before_count:
        problems.add(line, f"short-answer question needs an answer worth 100%, best is {_percent(best)}")
    return answers


def _block_kind(content: Src) -> str:
    """What a block would read as without the ordering tag, in words for an error message."""
    if not content.text:
        return "an essay"
    if content.is_syntax(0, "#"):
        return "a numerical"
    if content.split("#")[0].text.strip() in _TF_VALUES:
        return "a true/false"
    if content.find_any("~") >= 0:
        return "choice"
    if _is_matching(content):
        return "a matching"
    return "shortanswer"


def _ordering(content: Src, line: int, problems: Problems) -> list[Answer]:
    """The items of a ``[tag:type:ordering]`` question: a short-answer block of ``=`` items in the right
    order. Problems with the question as a whole are reported at ``line``, the question's first line."""
    kind = _block_kind(content)
    if kind == "choice":
        problems.add(
            line,
            "an ordering question takes no '~' answers: list every item with '=', in the right order",
        )
        return []
    if kind != "shortanswer":
        problems.add(
            line,
            f"[tag:{ORDERING_TAG}] on {kind} answer block: an ordering question lists its items with '=', "
            "in the right order",
        )
        return []
    lead, items = content.split("=")
    _stray_lead(lead, "'='", problems)
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems, line)
        if weight is not None:
            problems.add(
                line, f"ordering item {n} (line {item.line(0)}) has a weight: ordering items take no '%n%'"
            )
        text, feedback = _answer_and_feedback(rest)
        if not text:
            problems.add(item.line(0), f"ordering item {n} is empty")
        answers.append(Answer(text, 1.0, feedback))
    if len(answers) < MIN_ORDERING_ITEMS:
        problems.add(
            line, f"an ordering question needs at least {MIN_ORDERING_ITEMS} items, found {len(answers)}"
        )
    return answers


def _truefalse(question: Question, content: Src, problems: Problems) -> None:
    lead, parts = content.split("#")
    if len(parts) > 2:
        problems.add(
            parts[2][1].line(0),
            f"true/false takes at most two feedbacks ('{{TRUE#wrong#right}}'), found {len(parts)}",
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
    _stray_lead(lead, "'='", problems)
    before_count = len(problems.found)
    pairs: list[Pair] = []
    for n, (_, item) in enumerate(items, 1):
        line = item.line(0)
        arrow = item.find("->")
        if item.find("#") >= 0:
            problems.add(line, "matching pairs take no feedback; escape a literal '#' as '\\#'")
        if arrow < 0:
            problems.add(line, f"matching pair {n} has no '->'")
            continue
        answer = item[arrow + 2 :].text.strip()
        if not answer:
            problems.add(line, f"matching pair {n} has no answer after '->'")
        pairs.append(Pair(clean(item[:arrow]), answer))
    if len(items) < MIN_MATCHING_PAIRS:
        problems.add(
            block_line, f"matching question needs at least {MIN_MATCHING_PAIRS} pairs, found {len(items)}"
        )
    elif len(problems.found) == before_count and sum(1 for p in pairs if p.question) < MIN_MATCHING_QUESTIONS:
        problems.add(
            block_line,
            f"matching question needs at least {MIN_MATCHING_QUESTIONS} pairs with a question "
            f"('= -> answer' is only a distractor)",
        )
    return pairs


def _number(text: str, what: str, line: int, problems: Problems) -> float | None:
    text = text.strip()
    if _NUMBER_RE.fullmatch(text):
        return float(text)
    problems.add(line, f"{what} '{text}' is not a number" if text else f"{what} is missing")
    return None


def _numerical(content: Src, block_line: int, problems: Problems) -> list[NumericalAnswer]:
    lead, items = content.split("=~")
    if _no_answers(lead, items):
        problems.add(block_line, "numerical answer block '{#' without answers")
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
                    line, "'~' in a numerical question only gives feedback for other answers: write '~#text'"
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
            block_line, "numerical question needs at least one numeric answer, not only '~' feedback"
        )
    elif max(graded) != 1.0:
        problems.add(
            block_line, f"numerical question needs an answer worth 100%, best is {_percent(max(graded))}"
        )
    return answers


def _numerical_spec(spec: str, line: int, problems: Problems) -> tuple[float | None, float]:
    if ".." in spec:
        low_text, high_text = spec.split("..", 1)
        low = _number(low_text, "range minimum", line, problems)
        high = _number(high_text, "range maximum", line, problems)
        if low is None or high is None:
            return None, 0.0
        if low > high:
            problems.add(
                line, f"range minimum {low_text.strip()} is greater than maximum {high_text.strip()}"
            )
            return None, 0.0
        middle = (low + high) / 2
        return middle, high - middle
    value_text, _, tolerance_text = spec.partition(":")
    value = _number(value_text, "numerical answer", line, problems)
    tolerance = _number(tolerance_text, "tolerance", line, problems) if tolerance_text.strip() else 0.0
    if tolerance is None:
        return None, 0.0
    if tolerance < 0:
        problems.add(line, f"tolerance {tolerance_text.strip()} must not be negative")
        return None, 0.0
    return value, tolerance
