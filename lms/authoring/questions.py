"""Build one GIFT question from the question editor's fields, for appending to a quiz file. Pure.

The editor never writes GIFT by hand: it builds a :class:`Question` and lets the GIFT exporter escape it, then
parses the result back, so a question made in the browser is exactly one the importer reads the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.messages import N_
from lms.quizzes.gift import Answer, GiftError, NumericalAnswer, Pair, Question, export, parse
from lms.quizzes.questions import TEXT_FORMATS

EDITABLE_TYPES = ("multichoice", "multiresponse", "truefalse", "shortanswer", "numerical", "matching", "ordering",
                  "essay", "description")  # fmt: skip


class QuestionError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class AnswerRow:
    text: str = ""
    match: str = ""  # matching: the answer paired with ``text``
    percent: str = ""
    feedback: str = ""

    @property
    def empty(self) -> bool:
        return not (self.text.strip() or self.match.strip())


def _percent(raw: str, field: str, default: float) -> float:
    raw = raw.strip().rstrip("%")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise QuestionError(N_("Give the weight as a percentage between -100 and 100."), field) from None
    if not -100 <= value <= 100:
        raise QuestionError(N_("Give the weight as a percentage between -100 and 100."), field)
    return value / 100


def _number(raw: str, field: str) -> float:
    try:
        return float(raw.strip())
    except ValueError:
        raise QuestionError(N_("Write a number, a number:tolerance, or a range min..max."), field) from None


def _numerical(row: AnswerRow, i: int) -> NumericalAnswer:
    text, field = row.text.strip(), f"answers-{i}-text"
    if ".." in text:
        low, high = (_number(part, field) for part in text.split("..", 1))
        if high < low:
            raise QuestionError(N_("The range must go from the smaller number to the larger."), field)
        value, tolerance = (low + high) / 2, (high - low) / 2
    elif ":" in text:
        value_raw, tolerance_raw = text.split(":", 1)
        value, tolerance = _number(value_raw, field), abs(_number(tolerance_raw, field))
    else:
        value, tolerance = _number(text, field), 0.0
    return NumericalAnswer(value, tolerance, _percent(row.percent, f"answers-{i}-percent", 1.0),
                           row.feedback.strip() or None)  # fmt: skip


def build_question(
    *, kind: str, text: str, name: str = "", category: str = "", general_feedback: str = "", skill: str = "",
    difficulty: str = "", correct: str = "", rows: list[AnswerRow] | None = None, text_format: str = "moodle",
) -> Question:
    if kind not in EDITABLE_TYPES:
        raise QuestionError(N_("Choose a question type."), "kind")
    if not text.strip():
        raise QuestionError(N_("Write the question."), "text")
    rows = [(i, row) for i, row in enumerate(rows or []) if not row.empty]
    tags = ([f"skill:{skill}"] if skill else []) + ([f"difficulty:{difficulty}"] if difficulty else [])
    if text_format not in TEXT_FORMATS:
        raise QuestionError(N_("Choose a text format."), "text_format")
    question = Question(type=kind, text=text.strip(), name=name.strip() or None, category=category.strip() or None,
                        format=text_format,  # type: ignore[arg-type]  # checked just above
                        general_feedback=None if kind == "description" else (general_feedback.strip() or None),
                        tags=tags if kind != "description" else [])  # fmt: skip
    if kind in ("multichoice", "multiresponse"):
        if len(rows) < 2:
            raise QuestionError(N_("Give at least two options."), "answers-0-text")
        default = 0.0
        for i, row in rows:
            question.answers.append(Answer(row.text.strip(), _percent(row.percent, f"answers-{i}-percent", default),
                                           row.feedback.strip() or None))  # fmt: skip
        best = max(a.fraction for a in question.answers)
        if kind == "multichoice" and best != 1.0:
            raise QuestionError(N_("Give the right option a weight of 100."), "answers-0-percent")
        if kind == "multiresponse" and sum(a.fraction for a in question.answers if a.fraction > 0) < 0.99:
            raise QuestionError(N_("The positive weights of the right options must add up to 100."), "answers-0-percent")
    elif kind == "shortanswer":
        if not rows:
            raise QuestionError(N_("Give at least one accepted answer."), "answers-0-text")
        question.answers = [Answer(row.text.strip(), _percent(row.percent, f"answers-{i}-percent", 1.0),
                                   row.feedback.strip() or None) for i, row in rows]  # fmt: skip
    elif kind == "truefalse":
        if correct not in ("true", "false"):
            raise QuestionError(N_("Say whether the statement is true or false."), "correct")
        question.correct = correct == "true"
    elif kind == "numerical":
        if not rows:
            raise QuestionError(N_("Give at least one accepted number."), "answers-0-text")
        question.numerical = [_numerical(row, i) for i, row in rows]
    elif kind == "matching":
        pairs = [(i, row) for i, row in rows]
        if len(pairs) < 3 or any(not row.text.strip() or not row.match.strip() for _i, row in pairs):
            raise QuestionError(N_("Give at least three complete pairs."), "answers-0-text")
        for i, row in pairs:  # GIFT pairs carry neither: refuse rather than drop what the trainer wrote
            if row.percent.strip():
                raise QuestionError(N_("Matching pairs take no weight: leave it empty."), f"answers-{i}-percent")
            if row.feedback.strip():
                raise QuestionError(N_("Matching pairs take no feedback: explain in the general feedback."),
                                    f"answers-{i}-feedback")  # fmt: skip
        question.pairs = [Pair(row.text.strip(), row.match.strip()) for _i, row in pairs]
    elif kind == "ordering":  # the rows' texts are the items, in the right order
        if len(rows) < 3 or any(not row.text.strip() for _i, row in rows):
            raise QuestionError(N_("Give at least three items, in the right order."), "answers-0-text")
        for i, row in rows:
            if row.percent.strip():
                raise QuestionError(N_("Ordering items take no weight: leave it empty."), f"answers-{i}-percent")
        question.answers = [Answer(row.text.strip(), 1.0, row.feedback.strip() or None) for _i, row in rows]
    return question


def to_gift(question: Question) -> str:
    """The question as GIFT, checked by reading it back."""
    try:
        text = export([question])
    except ValueError as exc:
        raise QuestionError(_reason(exc), "text") from None
    try:
        (parsed,) = parse(text)
    except (GiftError, ValueError) as exc:
        raise QuestionError(_reason(exc), "text") from None
    if parsed.type != question.type:
        raise QuestionError(N_("These options read as another question type; check the weights."), "answers-0-percent")
    return text


def append_question(gift: str, question: Question) -> str:
    """``gift`` with the question added at the end, in its category (a new ``$CATEGORY`` line if it changes)."""
    existing = parse(gift) if gift.strip() else []
    last_category = existing[-1].category if existing else None
    if question.category is None:
        question.category = last_category  # GIFT cannot switch back to "no category"
    block = to_gift(question)
    if question.category == last_category:
        block = "\n".join(line for line in block.split("\n") if not line.startswith("$CATEGORY:")).lstrip("\n")
    return (gift.rstrip("\n") + "\n\n" if gift.strip() else "") + block.rstrip("\n") + "\n"


def _percent_text(fraction: float) -> str:
    return f"{fraction * 100:g}"


def form_values(question: Question) -> dict:
    """The question editor's fields for an existing question, so it can be changed with the same form."""
    rows: list[dict] = []
    if question.type in ("multichoice", "multiresponse", "shortanswer", "ordering"):
        rows = [{"text": a.text, "percent": _percent_text(a.fraction) if a.fraction else "",
                 "feedback": a.feedback or ""} for a in question.answers]  # fmt: skip
    elif question.type == "numerical":
        rows = [{"text": f"{n.value:g}" + (f":{n.tolerance:g}" if n.tolerance else "") if n.value is not None else "",
                 "percent": _percent_text(n.fraction), "feedback": n.feedback or ""} for n in question.numerical]  # fmt: skip
    elif question.type == "matching":
        rows = [{"text": p.question, "match": p.answer} for p in question.pairs]
    skills = question.skills
    return {
        "kind": question.type, "text": question.text, "name": question.name or "", "category": question.category or "",
        "general_feedback": question.general_feedback or "", "skill": skills[0] if skills else "",
        "difficulty": str(question.difficulty),
        "correct": "" if question.correct is None else ("true" if question.correct else "false"), "answers": rows,
        "text_format": question.format,
    }  # fmt: skip


def replace_question(gift: str, index: int, question: Question | None) -> str:
    """The quiz file with question ``index`` replaced (or removed when ``question`` is None), written by the exporter.

    The whole file is rewritten in the exporter's form: question texts, answers, feedback, pools and tags are kept;
    free comments between questions are not.
    """
    questions = parse(gift) if gift.strip() else []
    if not 0 <= index < len(questions):
        raise QuestionError(N_("That question is no longer in the file; reload the page."), "text")
    if question is not None:
        old = questions[index]
        question.format = old.format if question.format == "moodle" else question.format
        question.id_number = old.id_number
        _keep_part_formats(old, question)
        # Tags the form does not edit stay as they were.
        kept = [t for t in old.tags if not t.startswith(("skill:", "difficulty:"))]
        question.tags = list(dict.fromkeys(kept + question.tags))
        questions[index] = question
    else:
        del questions[index]
    # GIFT cannot go back to "no pool" after a pool: such a question joins the pool before it.
    last = None
    for q in questions:
        if q.category is None and last is not None:
            q.category = last
        last = q.category
    try:
        return export(questions)
    except ValueError as exc:
        raise QuestionError(_reason(exc), "text") from None


def _keep_part_formats(old: Question, new: Question) -> None:
    """The form edits texts, not GIFT's per-part markers (``~[plain]…``): a part whose text is unchanged keeps
    the format it had in the file."""
    for before, after in zip(old.answers, new.answers, strict=False):
        if before.text == after.text:
            after.format = before.format
        if before.feedback == after.feedback:
            after.feedback_format = before.feedback_format
    for before_n, after_n in zip(old.numerical, new.numerical, strict=False):
        if before_n.feedback == after_n.feedback:
            after_n.feedback_format = before_n.feedback_format
    for before_p, after_p in zip(old.pairs, new.pairs, strict=False):
        if before_p.question == after_p.question:
            after_p.format = before_p.format
    for attr in ("general_feedback", "feedback_true", "feedback_false"):
        if getattr(old, attr) == getattr(new, attr):
            setattr(new, f"{attr}_format", getattr(old, f"{attr}_format"))


def _reason(exc: ValueError) -> str:
    """What the parser or exporter objected to, still translatable (a built question is one question, so the
    first problem says it; its line in the generated text would mean nothing to the trainer)."""
    if isinstance(exc, GiftError) and exc.problems:
        return exc.problems[0].message
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
