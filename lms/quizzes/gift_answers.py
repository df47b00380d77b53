"""Answer blocks of the GIFT parser: the question type and its answers from what is between the braces.

Internal to :mod:`lms.quizzes.gift`; the rules are described there and in docs/gift-compatibility.md. Each rule
follows Moodle's importer (``question/format/gift/format.php``): what Moodle imports is imported, with a warning
where its result may surprise; only what Moodle cannot import either is a problem.
"""

from __future__ import annotations

import re

from lms.messages import N_, Msg
from lms.quizzes.gift_text import WEIGHT_RE, Problems, Src, with_format
from lms.quizzes.questions import (
    MIN_ORDERING_ITEMS,
    ORDERING_TAG,
    Answer,
    NumericalAnswer,
    Pair,
    Question,
    TextFormat,
)

MIN_CHOICES = 2  # Moodle: "importminerror" below two answers
MIN_MATCHING_ITEMS = 2  # Moodle: "importminerror" below two pairs
DOCUMENTED_MATCHING_PAIRS = 3  # Moodle's documentation: "There must be at least three matching pairs"
SUM_TOLERANCE = 0.005  # Moodle rounds the total of multiple-response weights to two decimals
_TF_VALUES = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def block_kind(content: Src) -> str:
    """What a block reads as, in Moodle's order: ``essay`` (empty), ``numerical`` (starts with ``#``), ``choice``
    (any ``~``), ``matching`` (``=`` and ``->``), ``truefalse`` (T, TRUE, F, FALSE before any ``#``), else
    ``shortanswer``."""
    if not content.text:
        return "essay"
    if content.is_syntax(0, "#"):
        return "numerical"
    if content.find_any("~") >= 0:
        return "choice"
    if content.find_any("=") >= 0 and content.find("->") >= 0:
        return "matching"
    if content.split("#")[0].text.strip() in _TF_VALUES:
        return "truefalse"
    return "shortanswer"


def fill_from_block(question: Question, content: Src, problems: Problems, ordering: bool = False) -> None:
    """Set the type and answers of ``question`` from the text between its braces; ``ordering``: the question
    is tagged ``[tag:type:ordering]``, so the block must read as a short answer listing the items."""
    line = content.line(0)  # the line of '{': where problems with the block as a whole are reported
    content = content.strip()
    at = content.rfind("####")  # like Moodle: the last run of four '#' starts the general feedback
    if at >= 0:
        fmt, text = _part(content[at + 4 :], question.format)
        question.general_feedback = text or None
        question.general_feedback_format = fmt if text else None
        content = content[:at].strip()
    if ordering:
        question.type = "ordering"
        question.answers = _ordering(content, question, problems)
        return
    kind = block_kind(content)
    if kind == "essay":
        question.type = "essay"
    elif kind == "numerical":
        question.type = "numerical"
        question.numerical = _numerical(content[1:], line, question.format, problems)
    elif kind == "choice":
        question.type, question.answers = _choices(content, line, question.format, problems)
    elif kind == "matching":
        question.type = "matching"
        question.pairs = _matching(content, line, question.format, problems)
    elif kind == "truefalse":
        question.type = "truefalse"
        _truefalse(question, content, problems)
    else:
        question.type = "shortanswer"
        question.answers = _short_answers(content, line, question.format, problems)


def _part(part: Src | None, question_format: TextFormat) -> tuple[TextFormat | None, str]:
    """A part's own format (None when it is the question's) and its text."""
    fmt, text = with_format(part)
    return (None if fmt == question_format else fmt), text


def _weight(item: Src, problems: Problems) -> tuple[float | None, Src]:
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


def _answer(item: Src, fraction: float, question_format: TextFormat) -> Answer:
    """An answer with its feedback after the first ``#``, each with its own format."""
    at = item.find("#")
    fmt, text = _part(item[:at] if at >= 0 else item, question_format)
    feedback_format, feedback = _part(item[at + 1 :], question_format) if at >= 0 else (None, "")
    return Answer(text, fraction, feedback or None, fmt, feedback_format if feedback else None)


def _add_unless_empty(answers: list[Answer], answer: Answer, line: int, number: int, problems: Problems) -> None:
    """Moodle's question types leave an answer without text out: so does this parser, with a warning."""
    if answer.text:
        answers.append(answer)
    else:
        problems.warn(line, N_("answer %(number)s is empty and is left out, as Moodle does", number=number))


def _all_empty(lead: Src, items: list[tuple[str, Src]]) -> bool:
    return not lead.text.strip() and all(not item.text.strip() for _, item in items)


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 4):g}%"


def _lead_as_answer(lead: Src, items: list[tuple[str, Src]], marker: str, message: Msg, problems: Problems) -> list:
    """Moodle keeps text before the first marker as one more answer: so does this parser, with a warning."""
    if not lead.text.strip():
        return items
    problems.warn(lead.line(0), message)
    return [(marker, lead), *items]


def _shown(src: Src) -> str:
    return src.text.strip().splitlines()[0] if src.text.strip() else ""


def _choices(
    content: Src, line: int, question_format: TextFormat, problems: Problems
) -> tuple[str, list[Answer]]:
    """Moodle's rule: any answer marked ``=`` makes a single choice where every ``=`` answer is worth 100% (its
    text taken as written, even ``%50%half``); without ``=``, several may be chosen and the weights apply."""
    single = content.find_any("=") >= 0
    lead, items = content.split("=~")
    items = _lead_as_answer(
        lead,
        items,
        "~",
        N_(
            "text '%(text)s' before the first '=' or '~' is read as one more (wrong) answer, as Moodle does",
            text=_shown(lead),
        ),
        problems,
    )
    answers: list[Answer] = []
    for n, (marker, item) in enumerate(items, 1):
        item = item.strip()
        if marker == "=":
            answer = _answer(item, 1.0, question_format)
            if WEIGHT_RE.match(answer.text):
                problems.warn(
                    item.line(0),
                    N_(
                        "answer '%(text)s' starts like a weight, but after '=' Moodle reads it as text worth "
                        "100%%: write '~%(text)s' for a weighted answer",
                        text=answer.text,
                    ),
                )
        else:
            weight, rest = _weight(item, problems)
            answer = _answer(rest, 0.0 if weight is None else weight, question_format)
        _add_unless_empty(answers, answer, item.line(0), n, problems)
    if len(answers) < MIN_CHOICES:
        problems.add(
            line,
            N_(
                "multiple-choice question needs at least %(minimum)s answers, found %(count)s",
                minimum=MIN_CHOICES,
                count=len(answers),
            ),
        )
        return ("multichoice" if single else "multiresponse"), answers
    if single:
        right = sum(1 for marker, _ in items if marker == "=")
        if right > 1:
            problems.warn(
                line,
                N_(
                    "%(count)s answers are marked '=': hosts choose one, and each of them earns full marks "
                    "(Moodle's rule); to let hosts choose several, weight them like '~%%50%%'",
                    count=right,
                ),
            )
        return "multichoice", answers
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if total == 0:
        problems.warn(
            line,
            N_(
                "no answer is marked '=' and none has a positive weight: hosts may choose several answers "
                "and none earns marks (Moodle imports it the same way)"
            ),
        )
    elif abs(total - 1) >= SUM_TOLERANCE:
        problems.warn(
            line,
            N_(
                "multiple-response weights of correct answers add up to %(total)s, not 100%%: "
                "the best possible score is %(best)s",
                total=_percent(total),
                best=_percent(min(total, 1.0)),
            ),
        )
    return "multiresponse", answers


def _short_answers(content: Src, line: int, question_format: TextFormat, problems: Problems) -> list[Answer]:
    lead, items = content.split("=")
    if _all_empty(lead, items):
        problems.add(line, N_("answer block without answers"))
        return []
    if lead.text.strip()[:1] in ("＝", "～"):
        problems.warn(
            lead.line(0),
            N_("full-width '＝' or '～' does not start an answer: it is read as text; use ASCII '=' and '~'"),
        )
        items = [("=", lead), *items]
    elif items:
        items = _lead_as_answer(
            lead,
            items,
            "=",
            N_("text '%(text)s' before the first '=' is read as one more answer, as Moodle does", text=_shown(lead)),
            problems,
        )
    else:  # "a single answer may be written without '='"
        items = [("=", lead)]
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems)
        _add_unless_empty(answers, _answer(rest, 1.0 if weight is None else weight, question_format), item.line(0), n,
                          problems)
    if not answers:
        problems.add(line, N_("answer block without answers"))
    elif max(a.fraction for a in answers) < 1 - SUM_TOLERANCE:
        problems.warn(line, _no_full_mark(max(a.fraction for a in answers)))
    return answers


def _no_full_mark(best: float) -> Msg:
    return N_("no answer is worth 100%%: the best possible score is %(best)s", best=_percent(max(best, 0.0)))


def _wrong_ordering_block(kind: str) -> Msg:
    """The problem with an ordering question whose block reads as ``kind``, from :func:`block_kind`."""
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


def _ordering(content: Src, question: Question, problems: Problems) -> list[Answer]:
    """The items of a ``[tag:type:ordering]`` question: a short-answer block of ``=`` items in the right
    order. Problems with the question as a whole are reported at the question's first line."""
    line = question.line
    kind = block_kind(content)
    if kind != "shortanswer":
        problems.add(line, _wrong_ordering_block(kind))
        return []
    lead, items = content.split("=")
    if lead.text.strip():
        problems.add(
            lead.line(0),
            N_("text '%(text)s' before the first '='; every answer must start with '='", text=_shown(lead)),
        )
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = _weight(item, problems)
        if weight is not None:
            problems.add(
                line,
                N_(
                    "ordering item %(number)s (line %(line)s) has a weight: ordering items take no '%%n%%'",
                    number=n,
                    line=item.line(0),
                ),
            )
        answer = _answer(rest, 1.0, question.format)
        if not answer.text:
            problems.add(item.line(0), N_("ordering item %(number)s is empty", number=n))
        answers.append(answer)
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
    """``{TRUE#wrong#right}``: like Moodle, a third ``#`` and what follows stay in the feedback for a right
    answer."""
    first = content.find_any("#")
    second = content.find_any("#", first + 1) if first >= 0 else -1
    wrong_src = content[first + 1 : second if second >= 0 else len(content.text)] if first >= 0 else None
    right_src = content[second + 1 :] if second >= 0 else None
    if right_src is not None and right_src.find_any("#") >= 0:
        problems.warn(
            right_src.line(right_src.find_any("#")),
            N_("a third '#' in a true/false block is kept as text in the feedback for a right answer, as Moodle does"),
        )
    wrong_format, wrong = _part(wrong_src, question.format)
    right_format, right = _part(right_src, question.format)
    question.correct = _TF_VALUES[(content[:first] if first >= 0 else content).text.strip()]
    pairs = ((right, right_format), (wrong, wrong_format))
    (true_text, true_format), (false_text, false_format) = pairs if question.correct else pairs[::-1]
    question.feedback_true, question.feedback_true_format = true_text or None, true_format if true_text else None
    question.feedback_false, question.feedback_false_format = (
        false_text or None,
        false_format if false_text else None,
    )


def _matching(content: Src, block_line: int, question_format: TextFormat, problems: Problems) -> list[Pair]:
    """``=item -> answer`` pairs. Like Moodle, a ``#`` is part of the item (matching pairs take no feedback),
    ``= -> answer`` is a distractor, and the answer is plain text."""
    lead, items = content.split("=")
    items = _lead_as_answer(
        lead,
        items,
        "=",
        N_("text '%(text)s' before the first '=' is read as one more pair, as Moodle does", text=_shown(lead)),
        problems,
    )
    if len(items) < MIN_MATCHING_ITEMS:
        problems.add(
            block_line,
            N_(
                "matching question needs at least %(minimum)s pairs, found %(count)s",
                minimum=MIN_MATCHING_ITEMS,
                count=len(items),
            ),
        )
        return []
    before_count = len(problems.found)
    pairs: list[Pair] = []
    for n, (_, item) in enumerate(items, 1):
        line = item.line(0)
        arrow = item.find("->")
        if arrow < 0:
            problems.add(line, N_("matching pair %(number)s has no '->'", number=n))
            continue
        fmt, question = _part(item[:arrow], question_format)
        answer = item[arrow + 2 :].text.strip()
        if not answer and not question:
            problems.warn(line, N_("matching pair %(number)s is empty and is left out, as Moodle does", number=n))
            continue
        if not answer:
            problems.add(line, N_("matching pair %(number)s has no answer after '->'", number=n))
        pairs.append(Pair(question, answer, fmt if question else None))
    if len(problems.found) > before_count:
        return pairs
    asked = sum(1 for p in pairs if p.question)
    if not asked:
        problems.add(
            block_line,
            N_("matching question needs a pair with a question ('= -> answer' is only a distractor)"),
        )
    elif len(pairs) < DOCUMENTED_MATCHING_PAIRS:
        problems.warn(
            block_line,
            N_(
                "matching question with %(count)s pairs: Moodle imports it, but its documentation asks for at "
                "least %(minimum)s",
                count=len(pairs),
                minimum=DOCUMENTED_MATCHING_PAIRS,
            ),
        )
    return pairs


def _is_number(text: str) -> bool:
    return bool(_NUMBER_RE.fullmatch(text.strip()))


def _numerical(
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
        weight, rest = _weight(item, problems)
        answer = _answer(rest, 1.0 if weight is None else weight, question_format)
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
        fmt, feedback = _part(wrong[at + 1 :], question_format) if at >= 0 else (None, "")
        answers.append(NumericalAnswer(None, 0.0, 0.0, feedback or None, fmt if feedback else None))
    graded = [a.fraction for a in answers[: len(items)]]
    if len(problems.found) == before_count and max(graded) < 1 - SUM_TOLERANCE:
        problems.warn(block_line, _no_full_mark(max(graded)))
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
