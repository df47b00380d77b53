"""Write questions as GIFT so that ``parse(export(questions)) == questions`` (line numbers aside).

Import :func:`export` from :mod:`lms.quizzes.gift`. The output follows Moodle's own exporter: special
characters escaped everywhere, line breaks written as ``\\n``, one blank line between questions, a
``$CATEGORY:`` line whenever the category changes, and ``// [id:…] [tag:…]`` before a tagged question.

An ``ordering`` question is written as the parser's extension reads it: ``[tag:type:ordering]`` first among
its tags and its items as ``=`` answers in the right order.

Per-part formats are written back as markers (``~[plain]blue``, ``#[html]…``, ``####[html]…``), so that a
Moodle bank keeps them through a round trip. A single choice (``multichoice``) writes its answers worth 100%
with ``=``; a ``multiresponse`` question never uses ``=`` (Moodle's rule: any ``=`` makes a single choice).

Questions that GIFT cannot express raise ``ValueError``: a matching item, short answer or ordering item,
or their feedback, containing ``->`` (GIFT has no escape for it, and Moodle reads any ``->`` in such a block as
matching), a question without a category after one with a category, a
description with general feedback, tags or ids with line breaks, a ``multichoice`` question without an answer
worth 100% (only ``=`` makes a single choice, and it is worth 100%), an ordering question with fewer than
three items or with an item not worth exactly 1.0, and a ``type:ordering`` tag kept in ``tags``.
"""

from __future__ import annotations

from collections.abc import Iterable

from lms.messages import N_
from lms.quizzes.gift_text import BLANK, FORMAT_MARKER_RE, WEIGHT_RE
from lms.quizzes.questions import MIN_ORDERING_ITEMS, ORDERING_TAG, Answer, NumericalAnswer, Question, TextFormat

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"} | {"\n": "\\n"})


def export(questions: Iterable[Question]) -> str:
    """GIFT text for ``questions``, in order."""
    chunks: list[str] = []
    category: str | None = None
    for number, question in enumerate(questions, 1):
        if question.category != category:
            if question.category is None:
                raise ValueError(
                    N_(
                        "question %(number)s has no category but follows one in %(category)s: "
                        "GIFT cannot switch back to no category",
                        number=number,
                        category=repr(category),
                    )
                )
            category = question.category
            chunks.append(f"$CATEGORY: {escape(category)}")
        chunks.append(_question(question, number))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def escape(text: str) -> str:
    """GIFT-escape ``\\ ~ = # { } :`` and line breaks."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPECIAL)


def _question(question: Question, number: int) -> str:
    lines: list[str] = []
    comment = _tag_comment(question, number)
    if comment:
        lines.append(comment)
    head = f"::{escape(question.name)}::" if question.name else ""
    if question.type == "description":
        if question.general_feedback:
            raise ValueError(
                N_("question %(number)s: a description cannot carry general feedback in GIFT", number=number)
            )
        return "\n".join([*lines, head + _lead_text(question.text, question.format)])
    block = _block(question, number)
    before, after = _split_blank(question.text)
    lines.append(head + _lead_text(before, question.format) + block + escape(after))
    return "\n".join(lines)


def _tag_comment(question: Question, number: int) -> str:
    if ORDERING_TAG in question.tags:
        raise ValueError(
            N_(
                "question %(number)s: the tag %(tag)s is the question type, not a tag",
                number=number,
                tag=repr(ORDERING_TAG),
            )
        )
    bits = [f"[id:{_tag_escape(question.id_number, number)}]"] if question.id_number else []
    if question.type == "ordering":
        bits.append(f"[tag:{ORDERING_TAG}]")
    bits += [f"[tag:{_tag_escape(tag, number)}]" for tag in question.tags]
    return "// " + " ".join(bits) if bits else ""


def _tag_escape(value: str, number: int) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(
            N_("question %(number)s: tags and id numbers cannot contain line breaks", number=number)
        )
    return value.replace("\\", "\\\\").replace("]", "\\]")


def _split_blank(text: str) -> tuple[str, str]:
    """Put the answer block where a missing-word blank is; a blank at the very end stays text (the parser only
    makes a blank when text follows the block)."""
    at = text.find(BLANK)
    if at < 0 or not text[at + len(BLANK) :]:
        return text, ""
    return text[:at], text[at + len(BLANK) :]


def _lead_text(text: str, fmt: TextFormat) -> str:
    """The question text, with a format marker when needed: for a non-default format, and to protect text that
    would otherwise read as a marker or as a ``//`` comment line."""
    needs_marker = fmt != "moodle" or FORMAT_MARKER_RE.match(text) or text.startswith("//")
    return (f"[{fmt}]" if needs_marker else "") + escape(text)


def _part(text: str, fmt: TextFormat, own: TextFormat | None = None) -> str:
    """An answer, feedback or matching item with its own format ``own`` (None: the question's ``fmt``); the
    parser reads one leading format marker, so text that starts like one gets a marker too."""
    if own is not None and own != fmt:
        return f"[{own}]" + escape(text)
    return (f"[{fmt}]" if FORMAT_MARKER_RE.match(text) else "") + escape(text)


def _feedback(feedback: str | None, fmt: TextFormat, own: TextFormat | None = None) -> str:
    return "#" + _part(feedback, fmt, own) if feedback else ""


def _weight(fraction: float) -> str:
    percent = round(fraction * 100, 5)
    shown = str(int(percent)) if percent.is_integer() else f"{percent:.5f}".rstrip("0")
    return f"%{shown}%"


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _block(question: Question, number: int) -> str:
    fmt = question.format
    general = (
        "####" + _part(question.general_feedback, fmt, question.general_feedback_format)
        if question.general_feedback
        else ""
    )
    kind = question.type
    if kind == "essay":
        return "{" + general + "}"
    if kind == "truefalse":
        return "{" + _truefalse(question) + general + "}"
    if kind in ("multichoice", "multiresponse"):
        _check_choice_weights(question, number)
        items = [_choice(a, kind, fmt) for a in question.answers]
    elif kind == "shortanswer":
        items = [_short(a, fmt, number) for a in question.answers]
    elif kind == "ordering":
        items = _ordering_items(question, number)
    elif kind == "numerical":
        last = len(question.numerical) - 1
        items = [_numerical(a, fmt, i == last) for i, a in enumerate(question.numerical)]
    elif kind == "matching":
        items = []
        for pair in question.pairs:
            if "->" in pair.question:
                raise ValueError(
                    N_(
                        "question %(number)s: a matching item cannot contain '->': %(item)s",
                        number=number,
                        item=repr(pair.question),
                    )
                )
            items.append("=" + _part(pair.question, fmt, pair.format) + " -> " + escape(pair.answer))
    else:
        raise ValueError(
            N_("question %(number)s: %(type)s questions cannot be written as GIFT", number=number, type=kind)
        )
    opening = "{#" if kind == "numerical" else "{"
    body = "".join(f"\n\t{item}" for item in items) + (f"\n\t{general}" if general else "")
    return opening + body + "\n}"


def _truefalse(question: Question) -> str:
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.correct
        else (question.feedback_false, question.feedback_true)
    )
    right_format, wrong_format = (
        (question.feedback_true_format, question.feedback_false_format)
        if question.correct
        else (question.feedback_false_format, question.feedback_true_format)
    )
    out = "TRUE" if question.correct else "FALSE"
    if wrong:
        out += "#" + _part(wrong, question.format, wrong_format)
    elif right:
        out += "#"
    if right:
        out += "#" + _part(right, question.format, right_format)
    return out


def _check_choice_weights(question: Question, number: int) -> None:
    if question.type == "multichoice" and not any(a.fraction == 1.0 for a in question.answers):
        raise ValueError(
            N_(
                "question %(number)s: a multichoice question needs an answer worth 100%% "
                "(GIFT makes a single choice only with '=', which is worth 100%%)",
                number=number,
            )
        )


def _choice(answer: Answer, kind: str, fmt: TextFormat) -> str:
    literal_weight = bool(WEIGHT_RE.match(answer.text))  # text starting "%50%" needs an explicit weight first
    if kind == "multichoice" and answer.fraction == 1.0:
        prefix = "="  # after '=' Moodle reads no weight: the text is taken as written
    elif answer.fraction == 0.0 and not literal_weight:
        prefix = "~"
    else:
        prefix = "~" + _weight(answer.fraction)
    return prefix + _part(answer.text, fmt, answer.format) + _feedback(answer.feedback, fmt, answer.feedback_format)


def _short(answer: Answer, fmt: TextFormat, number: int) -> str:
    if "->" in answer.text + (answer.feedback or ""):
        raise ValueError(
            N_(
                "question %(number)s: a short answer or its feedback cannot contain '->' (it would read as matching)",
                number=number,
            )
        )
    literal_weight = bool(WEIGHT_RE.match(answer.text))
    weight = _weight(answer.fraction) if answer.fraction != 1.0 or literal_weight else ""
    return "=" + weight + _part(answer.text, fmt, answer.format) + _feedback(answer.feedback, fmt, answer.feedback_format)


def _ordering_items(question: Question, number: int) -> list[str]:
    if len(question.answers) < MIN_ORDERING_ITEMS:
        raise ValueError(
            N_(
                "question %(number)s: an ordering question needs at least %(minimum)s items",
                number=number,
                minimum=MIN_ORDERING_ITEMS,
            )
        )
    items = []
    for answer in question.answers:
        if answer.fraction != 1.0:
            raise ValueError(
                N_(
                    "question %(number)s: every ordering item is worth 100%%, not %(fraction)s",
                    number=number,
                    fraction=repr(answer.fraction),
                )
            )
        if "->" in answer.text + (answer.feedback or ""):
            raise ValueError(
                N_(
                    "question %(number)s: an ordering item or its feedback cannot contain '->' (reads as matching)",
                    number=number,
                )
            )
        if WEIGHT_RE.match(answer.text):
            raise ValueError(
                N_(
                    "question %(number)s: an ordering item cannot start like a weight %(item)s",
                    number=number,
                    item=repr(answer.text),
                )
            )
        items.append(
            "="
            + _part(answer.text, question.format, answer.format)
            + _feedback(answer.feedback, question.format, answer.feedback_format)
        )
    return items


def _numerical(answer: NumericalAnswer, fmt: TextFormat, last: bool) -> str:
    """One numerical answer. Everything after the first ``~`` is the feedback for other numbers, so the
    catch-all is written ``~#…`` only as the last answer, and ``=%0%*#…`` (the same answer) elsewhere."""
    feedback = _feedback(answer.feedback, fmt, answer.feedback_format)
    if answer.value is None:
        if answer.fraction == 0.0 and last:
            return "~#" + feedback[1:]
        return "=" + _weight(answer.fraction) + "*" + feedback
    weight = _weight(answer.fraction) if answer.fraction != 1.0 else ""
    tolerance = f":{_number(answer.tolerance)}" if answer.tolerance else ""
    return "=" + weight + _number(answer.value) + tolerance + feedback
