"""Moodle GIFT: read a question bank (:func:`parse`) and write one back (:func:`export`).

Follows Moodle's importer (``question/format/gift/format.php``) and its documentation page "GIFT format".

- Questions are separated by blank lines. A line starting with ``//`` is a comment; in the comments of a
  question's own block (no blank line in between) ``[id:…]`` sets ``id_number`` (the first one wins) and each
  ``[tag:…]`` adds a tag (``\\]`` is a literal ``]``). ``$CATEGORY: path`` sets the category of what follows.
- ``::name::`` names a question. ``[html]``, ``[markdown]``, ``[plain]`` or ``[moodle]`` (default) at the
  start of the text sets its format; the same marker in front of an answer, a feedback, a matching item or the
  general feedback sets that part's own format (kept in its ``format``/``*_format`` field, None when it is the
  question's), and the exporter writes it back.
- Escapes: ``\\~ \\= \\# \\{ \\} \\: \\\\`` give the character, ``\\n`` a line break. Any other
  backslash is kept as written, as Moodle does (``C:\\temp``, LaTeX's ``\\(x^2\\)``).
- Lines are stripped, as Moodle does, and the lines of one question joined with ``\\n``. An answer block in
  the middle of the text makes a missing-word question: the text gets ``_____`` in its place.

The question type comes from the answer block, in Moodle's order:

- no block: ``description``; ``{}``: ``essay``;
- ``{#…}``: ``numerical``. ``value``, ``value:tolerance`` or ``min..max`` (kept as midpoint and half-width);
  several answers are written ``=%50%value:tolerance``. From the first ``~`` on is the feedback for any other
  number (``~#feedback``), kept as an answer with ``value=None`` and fraction 0, like Moodle's ``*``. An answer
  that is not a number becomes ``*`` (any number), as in Moodle, with a warning;
- any ``~``: a choice. **Moodle's rule**: if any answer is marked ``=``, ``multichoice`` (one selection) and
  every ``=`` answer is worth 100% (its text taken as written: ``=%50%half`` is the text ``%50%half``);
  ``~`` answers may carry partial or negative weights (``~%50%``, ``~%-100%``). Without ``=``,
  ``multiresponse``: several may be chosen and the weights of the chosen answers are added up (a warning when
  the positive weights do not add up to 100%). At least two answers;
- ``=`` and ``->``: ``matching``; at least two pairs (a warning below the three the documentation asks for).
  ``= -> extra`` is a distractor; a ``#`` is part of the item, since pairs take no feedback;
- ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}``: ``truefalse``. In ``{TRUE#a#b}`` the first feedback is for a
  wrong answer and the second for a right one, so ``feedback_false`` is ``a`` and ``feedback_true`` ``b``;
- otherwise ``shortanswer``: ``=`` answers with optional ``%n%`` weights; a single answer may omit the ``=``.

Extension: ``[tag:type:ordering]`` in the question's comments makes an ``ordering`` question (Moodle has no
GIFT syntax for one and, ignoring the tag's meaning, imports it as the short answer it looks like). Its block
lists the items with ``=`` in the right order, each worth 1.0 and optionally with ``#feedback``; at least
three items, no ``~`` answers, no weights, and the tag on any other kind of block (or on a question without a
block) is an error. The tag itself is not kept in ``tags``: the type says it.

What Moodle imports is imported; where its result may surprise (weights past 100%, multiple-response weights
not adding up to 100%, text before the first answer marker, a numerical answer that is not a number, a
question without text…) a warning names the line. Only what Moodle cannot import either, and the few cases
listed in docs/gift-compatibility.md, are problems: every problem in a file is collected before
:class:`GiftError` is raised, each with its line.
"""

from __future__ import annotations

import re

from lms.messages import N_
from lms.quizzes.gift_answers import fill_from_block
from lms.quizzes.gift_export import export
from lms.quizzes.gift_text import BLANK, GiftError, GiftProblem, Problems, Src, build, split_format
from lms.quizzes.questions import (
    DIFFICULTIES,
    DIFFICULTY_PREFIX,
    ORDERING_TAG,
    SKILL_PREFIX,
    Answer,
    NumericalAnswer,
    Pair,
    Question,
    from_dict,
    to_dict,
)

__all__ = [
    "Answer",
    "GiftError",
    "GiftProblem",
    "NumericalAnswer",
    "Pair",
    "Question",
    "export",
    "from_dict",
    "parse",
    "to_dict",
]

_TAG_RE = re.compile(r"\[(id|tag):((?:\\.|[^\]\\])*)\]")
# Chinese keyboards easily produce full-width braces, which GIFT does not see: flag them rather than import a
# multiple-choice question as a description.
_FULLWIDTH_BLOCK_RE = re.compile(r"｛\s*(?:[=~#＝～＃]|T|F|TRUE|FALSE|｝)")


def parse(text: str, filename: str = "<string>", warnings: list[GiftProblem] | None = None) -> list[Question]:
    """Read every question of a GIFT file. Raises :class:`GiftError` listing all problems if there are any;
    warnings (what imports, but may surprise) are added to ``warnings`` when it is given, in line order."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    problems = Problems(filename)
    questions: list[Question] = []
    category: str | None = None
    for block in _blocks(text.split("\n")):
        comments = [(no, s) for no, s in block if s.startswith("//")]
        body = [(no, s) for no, s in block if not s.startswith("//")]
        if body and body[0][1].startswith("$CATEGORY:"):
            no, line = body.pop(0)
            category = build([(no, line[len("$CATEGORY:") :])], problems).text.strip() or None
            if category is None:
                problems.add(no, N_("empty category after '$CATEGORY:'"))
        if body:
            question = _parse_question(body, comments, category, problems)
            if question is not None:
                questions.append(question)
    if warnings is not None:
        warnings.extend(sorted(problems.warnings, key=lambda p: p.line))
    if problems.found:
        raise GiftError(problems.found)
    return questions


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = [[]]
    for no, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if stripped:
            blocks[-1].append((no, stripped))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _read_tags(comments: list[tuple[int, str]], problems: Problems) -> tuple[str | None, list[str], int]:
    """The id number, the tags, and the line of an ``[tag:type:ordering]`` tag (0 when there is none)."""
    id_number: str | None = None
    tags: list[str] = []
    difficulty_line = ordering_line = 0
    for no, line in comments:
        for match in _TAG_RE.finditer(line):
            value = re.sub(r"\\([\]\\])", r"\1", match.group(2)).strip()
            if match.group(1) == "id":
                id_number = id_number or value or None
                continue
            if not value:
                continue
            if value == ORDERING_TAG:
                ordering_line = ordering_line or no
                continue
            tags.append(value)
            if value.startswith(DIFFICULTY_PREFIX):
                level = value[len(DIFFICULTY_PREFIX) :].strip()
                if level not in DIFFICULTIES:
                    problems.add(no, N_("difficulty tag must be 1, 2 or 3, found '%(level)s'", level=level))
                if difficulty_line:
                    problems.add(
                        no,
                        N_(
                            "more than one difficulty tag (the first is on line %(line)s)",
                            line=difficulty_line,
                        ),
                    )
                difficulty_line = difficulty_line or no
            elif value.startswith(SKILL_PREFIX) and not value[len(SKILL_PREFIX) :].strip():
                problems.add(no, N_("skill tag without a skill id: write [tag:skill:<id>]"))
    return id_number, tags, ordering_line


class _Invalid(Exception):
    """The question cannot be read any further; its problem has been reported."""


def _parse_question(
    body: list[tuple[int, str]], comments: list[tuple[int, str]], category: str | None, problems: Problems
) -> Question | None:
    start = body[0][0]
    before_count = len(problems.found)
    src = build(body, problems)
    id_number, tags, ordering_line = _read_tags(comments, problems)
    name: str | None = None
    if src.find("::") == 0:
        end = src.find("::", 2)
        if end < 0:
            problems.warn(
                start, N_("question name is not closed: '::' expected after the name; read as text, as Moodle does")
            )
            src = src[2:]
        else:
            name = src[2:end].text.strip() or None
            src = src[end + 2 :]
    try:
        block = _answer_block(src, problems)
    except _Invalid:
        return None
    if block is None:
        text = src.text
        if _FULLWIDTH_BLOCK_RE.search(text):
            problems.warn(
                start, N_("full-width brace '｛' found: read as a description; answer blocks need ASCII '{' and '}'")
            )
    else:
        before, _, after = block
        text = before.text + (BLANK + after.text if after.text.strip() else "")
    fmt, text = split_format(text.strip(), "moodle")
    if not text:
        problems.warn(start, N_("question has no text") if block or not name else N_("question has only a name"))

    question = Question(type="description", text=text, name=name, category=category, format=fmt)
    question.id_number, question.tags, question.line = id_number, tags, start
    if block is not None:
        fill_from_block(question, block[1], problems, ordering=bool(ordering_line))
    elif ordering_line:
        problems.add(
            start,
            N_(
                "[tag:%(tag)s] (line %(line)s) needs an answer block listing the items with '='",
                tag=ORDERING_TAG,
                line=ordering_line,
            ),
        )
    return question if len(problems.found) == before_count else None


def _answer_block(src: Src, problems: Problems) -> tuple[Src, Src, Src] | None:
    """(before, inside, after) of the question's only answer block; None when there is none."""
    opening = src.find_any("{}")
    if opening < 0:
        return None
    if src.text[opening] == "}":
        problems.add(src.line(opening), N_("'}' without a matching '{'"))
        raise _Invalid
    closing = src.find_any("{}", opening + 1)
    if closing < 0:
        problems.add(
            src.line(opening),
            N_(
                "unclosed answer block '{' opened here "
                "(a blank line ends a question; escape a literal brace as '\\{')"
            ),
        )
        raise _Invalid
    if src.text[closing] == "{":
        problems.add(
            src.line(closing),
            N_(
                "'{' inside the answer block opened on line %(line)s; escape a literal brace as '\\{'",
                line=src.line(opening),
            ),
        )
        raise _Invalid
    extra = src.find_any("{}", closing + 1)
    if extra >= 0:
        if src.text[extra] == "{":
            problems.add(
                src.line(extra),
                N_("a second answer block in the same question; separate questions with a blank line"),
            )
        else:
            problems.add(src.line(extra), N_("'}' without a matching '{'"))
        raise _Invalid
    return src[:opening], src[opening + 1 : closing], src[closing + 1 :]
