"""Drawing the paper of one quiz attempt from a question bank: pure functions, no I/O.

A *paper* is the list of questions one learner gets, in the order shown, with the order of each question's
choices. It is drawn once when the attempt starts and stored with it (:func:`paper_to_json`), so that
reloading the page, grading and review all see the same paper.

:func:`draw_paper` takes *rules* ``(category, count)``: draw ``count`` distinct questions from the questions
whose ``category`` (the GIFT ``$CATEGORY``) is exactly ``category``; ``None`` draws from the whole bank.

- No question appears twice in a paper. Rules naming a category are served first and ``None`` rules draw
  from what they left, whatever their order in the list, so ``[(None, 5), ("unit 1", 3)]`` never fails
  because the ``None`` rule happened to take unit 1's questions. A category named twice draws twice from
  the same pool, without repeats.
- Descriptions are text, not questions: they are never drawn as graded items.
- A pool with fewer questions than its rules ask for raises :class:`ValueError` naming the category.
- Without ``shuffle_questions`` the paper lists the rules' draws in rule order, each in bank order.

Each :class:`PaperItem` carries presentation orders, all permutations of ``range(k)``:

- ``option_order`` for ``multichoice`` and ``multiresponse`` (indices into ``answers``, from
  :func:`lms.quizzes.grading.shuffle_options`), and also for ``ordering``: its ``answers`` are listed in the
  right order, so they are always shuffled, never shown already solved;
- ``answer_order`` for ``matching``: indices into :func:`matching_answers` (the distinct answer texts,
  distractors included), the order of the right-hand column;
- ``None`` otherwise. With ``shuffle_options=False`` the orders are the identity (ordering items excepted).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms.quizzes.grading import is_gradable
from lms.quizzes.grading import shuffle_options as _shuffle_options
from lms.quizzes.questions import Question

OPTION_TYPES = ("multichoice", "multiresponse", "ordering")


@dataclass(frozen=True)
class PaperItem:
    question_index: int  # index into the question list the paper was drawn from
    option_order: list[int] | None = None  # multichoice, multiresponse, ordering: answers in display order
    answer_order: list[int] | None = None  # matching: matching_answers() in display order


class OnPaper:
    """A question as one paper places it (the attempt page's and the review's items): its choices come in the
    paper item's orders, which the answer form, the filling and the templates read from the item itself."""

    __slots__ = ()
    paper_item: PaperItem  # a field of each dataclass that mixes this in

    @property
    def option_order(self) -> list[int] | None:
        return self.paper_item.option_order

    @property
    def answer_order(self) -> list[int] | None:
        return self.paper_item.answer_order


def matching_answers(question: Question) -> list[str]:
    """The distinct answer texts of a matching question (distractors included), in bank order: what
    ``PaperItem.answer_order`` indexes into."""
    return list(dict.fromkeys(pair.answer for pair in question.pairs))


def draw_paper(
    questions: Sequence[Question],
    rules: Sequence[tuple[str | None, int]],
    rng: random.Random,
    shuffle_questions: bool = True,
    shuffle_options: bool = True,
) -> list[PaperItem]:
    """Draw one paper; deterministic for a seeded ``rng``. See the module docstring for the rules."""
    for category, count in rules:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"rule ({category!r}, {count!r}): the count must be an int >= 0")
    drawable = [i for i, q in enumerate(questions) if is_gradable(q)]
    taken: set[int] = set()
    draws: dict[int, list[int]] = {}
    # Named categories first, then None: a "from anywhere" rule must not eat a category's only questions.
    for position in sorted(range(len(rules)), key=lambda p: rules[p][0] is None):
        category, count = rules[position]
        pool = [
            i for i in drawable if i not in taken and (category is None or questions[i].category == category)
        ]
        if len(pool) < count:
            raise ValueError(_too_small(questions, rules, category, count, len(pool)))
        chosen = rng.sample(pool, count)
        taken.update(chosen)
        draws[position] = chosen if shuffle_questions else sorted(chosen)
    indices = [i for position in range(len(rules)) for i in draws[position]]
    if shuffle_questions:
        rng.shuffle(indices)
    return [_item(questions[i], i, rng, shuffle_options) for i in indices]


def _too_small(
    questions: Sequence[Question],
    rules: Sequence[tuple[str | None, int]],
    category: str | None,
    count: int,
    left: int,
) -> str:
    where = "the question bank" if category is None else f"category {category!r}"
    in_pool = [q for q in questions if category is None or q.category == category]
    gradable = sum(1 for q in in_pool if is_gradable(q))
    message = f"{where} cannot supply {count} question(s): it has {gradable} gradable question(s)"
    if len(in_pool) > gradable:
        message += f" (descriptions are not drawn: {len(in_pool) - gradable})"
    if left < gradable:
        message += f", of which {gradable - left} already drawn by other rules"
    if category is not None and not in_pool:
        known = sorted({q.category for q in questions if q.category is not None})
        message += f"; categories in the bank: {', '.join(map(repr, known)) or 'none'}"
    asked = sum(c for cat, c in rules if cat == category)
    if asked != count:
        message += f"; its rules ask for {asked} in all"
    return message


def _item(question: Question, index: int, rng: random.Random, shuffle: bool) -> PaperItem:
    if question.type in OPTION_TYPES:
        if shuffle or question.type == "ordering":
            return PaperItem(index, option_order=_shuffle_options(question, rng))
        return PaperItem(index, option_order=list(range(len(question.answers))))
    if question.type == "matching":
        order = list(range(len(matching_answers(question))))
        if shuffle:
            rng.shuffle(order)
        return PaperItem(index, answer_order=order)
    return PaperItem(index)


# --- storage -------------------------------------------------------------------------------------------------


def paper_to_json(paper: Sequence[PaperItem]) -> str:
    """A compact JSON array of ``{"question_index", "option_order", "answer_order"}`` objects."""
    return json.dumps(
        [
            {
                "question_index": p.question_index,
                "option_order": p.option_order,
                "answer_order": p.answer_order,
            }
            for p in paper
        ],
        separators=(",", ":"),
    )


def paper_from_json(data: str | bytes | list[Any]) -> list[PaperItem]:
    """The inverse of :func:`paper_to_json`; also takes the already decoded list a JSON column returns.
    ``ValueError`` on anything malformed: not a list, a missing key, an order that is not a permutation of
    ``0..k-1``, a question drawn twice."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValueError(f"a stored paper is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise ValueError(f"a stored paper is a JSON array, got {type(data).__name__}")  # noqa: TRY004 - one error type for bad data
    paper: list[PaperItem] = []
    seen: set[int] = set()
    for number, entry in enumerate(data):
        if not isinstance(entry, dict) or "question_index" not in entry:
            raise ValueError(f"paper item {number} is not an object with a question_index")
        index = entry["question_index"]
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError(f"paper item {number}: question_index {index!r} is not an int >= 0")
        if index in seen:
            raise ValueError(f"paper item {number}: question {index} appears twice")
        seen.add(index)
        paper.append(
            PaperItem(
                index,
                _order(entry.get("option_order"), number, "option_order"),
                _order(entry.get("answer_order"), number, "answer_order"),
            )
        )
    return paper


def _order(value: Any, number: int, what: str) -> list[int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or any(isinstance(i, bool) or not isinstance(i, int) for i in value)
        or sorted(value) != list(range(len(value)))
    ):
        raise ValueError(f"paper item {number}: {what} {value!r} is not a permutation of 0..k-1")
    return list(value)
