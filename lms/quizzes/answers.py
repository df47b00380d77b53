"""Turning what a form sent into the grader's response shape, per question type; and what a page may show."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from lms.quizzes.gift import Question
from lms.quizzes.paper import PaperItem, matching_answers

MAX_TEXT = 2000
MAX_ESSAY = 20000


def matching_choices(question: Question) -> list[str]:
    """The right-hand column of a matching question, as the paper's ``answer_order`` indexes it."""
    return matching_answers(question)


def asked_pairs(question: Question) -> list[int]:
    """Indices of the pairs that are asked (a pair with an empty question is only a distractor answer)."""
    return [i for i, pair in enumerate(question.pairs) if pair.question]


def _display_to_bank(order: list[int] | None, count: int, raw: str) -> int | None:
    """Forms send the position an option was SHOWN at, never its index in the bank: the bank order often puts
    the right answer first, so sending it would leak the key."""
    if not raw.isdigit() or int(raw) >= count:
        return None
    return (order or list(range(count)))[int(raw)]


def parse_answer(question: Question, item: PaperItem, position: int, values: MultiDict) -> object | None:
    """The response for paper position ``position``, or None when the form says nothing about it."""
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
    return None


def answers_from_form(paper: list[tuple[Question, PaperItem]], values: MultiDict) -> dict[int, object]:
    answers: dict[int, object] = {}
    for position, (question, item) in enumerate(paper):
        value = parse_answer(question, item, position, values)
        if value is not None:
            answers[position] = value
    return answers
