"""Turning what a form sent into the grader's response shape, per question type; and what a page may show."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lms.quizzes.gift import Question
from lms.quizzes.paper import PaperItem, matching_answers
from lms.bounds import whole_number

MAX_TEXT = 2000
MAX_ESSAY = 20000


def matching_choices(question: Question) -> list[str]:
    """The right-hand column of a matching question, as the paper's ``answer_order`` indexes it."""
    return matching_answers(question)


def asked_pairs(question: Question) -> list[int]:
    """Indices of the pairs that are asked (a pair with an empty question is only a distractor answer)."""
    return [i for i, pair in enumerate(question.pairs) if pair.question]


class FormProblem(ValueError):
    """What the form sent for one question cannot be an answer (an ordering with a gap or a position used
    twice): the page asks again instead of storing it."""

    def __init__(self, message: str, draft: list[str]) -> None:
        super().__init__(message)
        self.message, self.draft = message, draft


@dataclass
class FormAnswers:
    answers: dict[int, object] = field(default_factory=dict)  # paper position -> the grader's response
    problems: dict[int, str] = field(default_factory=dict)  # paper position -> what is wrong, for the page
    drafts: dict[int, list[str]] = field(default_factory=dict)  # ordering positions as sent, to show again


def ordering_positions(item: PaperItem, saved: object, draft: list[str] | None = None) -> list[str]:
    """The position ("1".."n", or "" for none) of each ordering item in display order: what the form shows.
    ``saved`` is a stored response (answer indices in the learner's order); ``draft`` what the form sent
    when it could not be stored."""
    order = item.option_order or []
    if draft is not None:
        return draft
    if not isinstance(saved, list):
        return ["" for _ in order]
    return [str(saved.index(index) + 1) if index in saved else "" for index in order]


def _ordering(question: Question, item: PaperItem, name: str, values: MultiDict) -> list[int] | None:
    """Each item shown at display position k has a select ``{name}_{k}`` holding the position the learner gives
    it, 1..n: neither the names nor the values say which item belongs where."""
    count = len(question.answers)
    order = item.option_order or list(range(count))
    raw = [(values.get(f"{name}_{k}") or "").strip() for k in range(count)]
    if not any(raw):
        return None
    positions = [whole_number(r, low=1, high=count) for r in raw]
    if None in positions:
        raise FormProblem(_("Give every item a position from 1 to %(n)d.", n=count), raw)
    twice = sorted(p for p in set(positions) if positions.count(p) > 1)
    if twice:
        raise FormProblem(
            _("Each position can be given only once; position %(p)d is given more than once.", p=twice[0]), raw
        )
    response = [0] * count
    for shown, place in enumerate(positions):
        response[place - 1] = order[shown]
    return response


def _display_to_bank(order: list[int] | None, count: int, raw: str) -> int | None:
    """Forms send the position an option was SHOWN at, never its index in the bank: the bank order often puts
    the right answer first, so sending it would leak the key."""
    shown = whole_number(raw, high=count - 1)
    if shown is None:
        return None
    return (order or list(range(count)))[shown]


def parse_answer(question: Question, item: PaperItem, position: int, values: MultiDict) -> object | None:
    """The response for paper position ``position``, or None when the form says nothing about it.
    :class:`FormProblem` when what it says cannot be an answer."""
    name = f"q{position}"
    kind = question.type
    count = len(question.answers)
    if kind == "multichoice":
        return _display_to_bank(item.option_order, count, values.get(name, ""))
    if kind == "multiresponse":
        if name + "_shown" not in values:
            return None
        picked = {_display_to_bank(item.option_order, count, v) for v in values.getlist(name)}
        return sorted(p for p in picked if p is not None)
    if kind == "truefalse":
        raw = values.get(name)
        return {"true": True, "false": False}.get(raw or "")
    if kind in ("shortanswer", "numerical"):
        raw = (values.get(name) or "").strip()[:MAX_TEXT]
        return raw or None
    if kind == "essay":
        raw = (values.get(name) or "").strip()[:MAX_ESSAY]
        return raw or None
    if kind == "matching":
        choices = matching_choices(question)
        chosen: dict[str, str] = {}
        for pair_index in asked_pairs(question):
            bank = _display_to_bank(item.answer_order, len(choices), values.get(f"{name}_{pair_index}", ""))
            if bank is not None:
                chosen[str(pair_index)] = choices[bank]
        return chosen or None
    if kind == "ordering":
        return _ordering(question, item, name, values)
    return None


def answers_from_form(paper: list[tuple[Question, PaperItem]], values: MultiDict) -> FormAnswers:
    """The answers the form holds, and the questions whose input cannot be an answer (see :class:`FormProblem`)."""
    found = FormAnswers()
    for position, (question, item) in enumerate(paper):
        try:
            value = parse_answer(question, item, position, values)
        except FormProblem as problem:
            found.problems[position], found.drafts[position] = problem.message, problem.draft
            continue
        if value is not None:
            found.answers[position] = value
    return found
