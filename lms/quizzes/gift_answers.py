"""Answer blocks of the GIFT parser: the question type and its answers from what is between the braces.

Internal to :mod:`lms.quizzes.gift`; the rules are described there and in docs/gift-compatibility.md. Each rule
follows Moodle's importer (``question/format/gift/format.php``): what Moodle imports is imported, with a warning
where its result may surprise; only what Moodle cannot import either is a problem.
"""

from __future__ import annotations

from lms.messages import N_, Msg
from lms.quizzes.gift_items import (
    SUM_TOLERANCE,
    add_unless_empty,
    all_empty,
    first_line,
    lead_as_answer,
    make_answer,
    no_full_mark,
    own_part,
    percent,
    split_weight,
)
from lms.quizzes.gift_numerical import numerical_answers
from lms.quizzes.gift_text import WEIGHT_RE, Problems, Src
from lms.quizzes.questions import (
    MIN_ORDERING_ITEMS,
    ORDERING_TAG,
    Answer,
    Pair,
    Question,
    TextFormat,
)

MIN_CHOICES = 2  # Moodle: "importminerror" below two answers
MIN_MATCHING_ITEMS = 2  # Moodle: "importminerror" below two pairs
DOCUMENTED_MATCHING_PAIRS = 3  # Moodle's documentation: "There must be at least three matching pairs"
_TF_VALUES = {"T": True, "TRUE": True, "F": False, "FALSE": False}


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
        fmt, text = own_part(content[at + 4 :], question.format)
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
        question.numerical = numerical_answers(content[1:], line, question.format, problems)
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


def _choices(
    content: Src, line: int, question_format: TextFormat, problems: Problems
) -> tuple[str, list[Answer]]:
    """Moodle's rule: any answer marked ``=`` makes a single choice where every ``=`` answer is worth 100% (its
    text taken as written, even ``%50%half``); without ``=``, several may be chosen and the weights apply."""
    single = content.find_any("=") >= 0
    lead, items = content.split("=~")
    items = lead_as_answer(
        lead,
        items,
        "~",
        N_(
            "text '%(text)s' before the first '=' or '~' is read as one more (wrong) answer, as Moodle does",
            text=first_line(lead),
        ),
        problems,
    )
    answers: list[Answer] = []
    for n, (marker, item) in enumerate(items, 1):
        item = item.strip()
        if marker == "=":
            answer = make_answer(item, 1.0, question_format)
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
            weight, rest = split_weight(item, problems)
            answer = make_answer(rest, 0.0 if weight is None else weight, question_format)
        add_unless_empty(answers, answer, item.line(0), n, problems)
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
                total=percent(total),
                best=percent(min(total, 1.0)),
            ),
        )
    return "multiresponse", answers


def _short_answers(content: Src, line: int, question_format: TextFormat, problems: Problems) -> list[Answer]:
    lead, items = content.split("=")
    if all_empty(lead, items):
        problems.add(line, N_("answer block without answers"))
        return []
    if lead.text.strip()[:1] in ("＝", "～"):
        problems.warn(
            lead.line(0),
            N_("full-width '＝' or '～' does not start an answer: it is read as text; use ASCII '=' and '~'"),
        )
        items = [("=", lead), *items]
    elif items:
        items = lead_as_answer(
            lead,
            items,
            "=",
            N_("text '%(text)s' before the first '=' is read as one more answer, as Moodle does",
               text=first_line(lead)),
            problems,
        )
    else:  # "a single answer may be written without '='"
        items = [("=", lead)]
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = split_weight(item, problems)
        answer = make_answer(rest, 1.0 if weight is None else weight, question_format)
        add_unless_empty(answers, answer, item.line(0), n, problems)
    if not answers:
        problems.add(line, N_("answer block without answers"))
    elif max(a.fraction for a in answers) < 1 - SUM_TOLERANCE:
        problems.warn(line, no_full_mark(max(a.fraction for a in answers)))
    return answers


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
            N_("text '%(text)s' before the first '='; every answer must start with '='", text=first_line(lead)),
        )
    answers: list[Answer] = []
    for n, (_, item) in enumerate(items, 1):
        weight, rest = split_weight(item, problems)
        if weight is not None:
            problems.add(
                line,
                N_(
                    "ordering item %(number)s (line %(line)s) has a weight: ordering items take no '%%n%%'",
                    number=n,
                    line=item.line(0),
                ),
            )
        answer = make_answer(rest, 1.0, question.format)
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
    wrong_format, wrong = own_part(wrong_src, question.format)
    right_format, right = own_part(right_src, question.format)
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
    items = lead_as_answer(
        lead,
        items,
        "=",
        N_("text '%(text)s' before the first '=' is read as one more pair, as Moodle does", text=first_line(lead)),
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
        fmt, question = own_part(item[:arrow], question_format)
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


