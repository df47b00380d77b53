"""The attempt page and its autosave, light: one statement loads what they need about an open attempt, and what is
the same for everyone (the parsed question bank, its texts as HTML) is kept per process.

A Quiz row never changes after import (a new version of the course has new rows), so what is kept is keyed by the
quiz and its version's content hash: content, not state, and nothing kept can go stale. Saved answers are never
kept: they are read on every request, and only for the attempt's own user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from markupsafe import Markup
from sqlalchemy import Text, bindparam, cast, select
from sqlalchemy.orm import Session

from lms.catalogue.models import Course, CourseVersion, Quiz
from lms.catalogue.rendering import plain_text, render_quiz_text
from lms.db import PlainRead
from lms.memo import Memo, memoized
from lms.quizzes.filling import CONTROL
from lms.quizzes.gift import Question, from_dict
from lms.quizzes.models import IN_PROGRESS, QuizAttempt, QuizResponse
from lms.quizzes.paper import OnPaper, PaperItem, matching_answers, paper_from_json

#: (quiz id, quiz key, content hash) -> the parsed bank.
BANKS: Memo[tuple, tuple[Question, ...]] = Memo(64)
#: (bank key, asset prefix) -> each question's texts as HTML.
SHOWN: Memo[tuple, tuple["ShownQuestion", ...]] = Memo(64)


def bank_of(key: tuple, stored: Callable[[], list[dict]]) -> tuple[Question, ...]:
    """The parsed questions of one quiz version, parsed once per process; ``stored`` gives the stored dicts."""
    return BANKS.get(key, lambda: tuple(from_dict(q) for q in stored()))


@dataclass(frozen=True)
class ShownQuestion:
    """What an attempt page shows of one question, as HTML, the same for everyone: its text, its choices and the
    sides of its pairs, in bank order (the page puts them in the paper's order). Never a fraction, a right answer
    or a feedback text: those wait for the review."""

    text: Markup
    answers: tuple[Markup, ...]  # multichoice, multiresponse, ordering: the choices' labels
    answers_plain: tuple[str, ...]  # ordering: the items' accessible names
    pairs: tuple[Markup, ...]  # matching: the question side of every pair
    choices: tuple[str, ...]  # matching: the right-hand column (distinct answers), as plain text
    asked: tuple[int, ...]  # matching: the pairs asked (the others are distractors)


def _html(text: str | None, fmt: str, prefix: str, inline: bool = False) -> Markup:
    if not text:
        return Markup("")
    # lms.site.templating.quiz_text gives the same: most texts show no image, and then need no prefix
    html = render_quiz_text(text, fmt, prefix if "../assets/" in text else "", inline)
    return Markup(html.translate(CONTROL))  # never a character lms.quizzes.filling marks answers with


def _plain(text: str, fmt: str) -> str:
    return (text if fmt == "plain" else plain_text(render_quiz_text(text, fmt))).translate(CONTROL)


def _shown(question: Question, prefix: str) -> ShownQuestion:
    fmt = question.format
    listed = question.type in ("multichoice", "multiresponse", "ordering")
    matching = question.type == "matching"
    return ShownQuestion(
        text=_html(question.text, fmt, prefix),
        answers=tuple(_html(a.text, a.format or fmt, prefix, inline=True) for a in question.answers) if listed else (),
        answers_plain=tuple(_plain(a.text, fmt) for a in question.answers) if question.type == "ordering" else (),
        pairs=tuple(_html(p.question, p.format or fmt, prefix, True) for p in question.pairs) if matching else (),
        choices=tuple(_plain(c, fmt) for c in matching_answers(question)) if matching else (),
        asked=tuple(i for i, p in enumerate(question.pairs) if p.question) if matching else (),
    )


def shown_question(question: Question, prefix: str) -> ShownQuestion:
    """One question's texts as an attempt page shows them (the editor's preview of a draft: not kept)."""
    return _shown(question, prefix)


def shown_of(bank_key: tuple, bank: tuple[Question, ...], prefix: str) -> tuple[ShownQuestion, ...]:
    """Every question's HTML, rendered once per quiz version (and asset address) and process."""
    return SHOWN.get((bank_key, prefix), lambda: tuple(_shown(q, prefix) for q in bank))


@memoized(1024)  # key: an attempt's paper as stored (JSON text)
def _paper(text: str) -> tuple[PaperItem, ...]:
    return tuple(paper_from_json(text))  # an attempt's paper never changes: parsed once per process


@dataclass(frozen=True)
class Saved:
    """A stored answer, in the shape the page reads (``item.response``)."""

    response: object
    score: float | None
    feedback: list | None


@dataclass(frozen=True)
class Item(OnPaper):
    position: int
    question: Question
    shown: ShownQuestion
    paper_item: PaperItem
    response: Saved | None


@dataclass(frozen=True)
class Sheet:
    """One attempt as its page and autosave need it."""

    id: int
    number: int
    status: str
    deadline_at: datetime | None
    paper: tuple[PaperItem, ...]
    paper_text: str  # as stored: what the paper's rendered questions are kept by
    bank_key: tuple
    bank: tuple[Question, ...]
    title_zh: str
    title_en: str
    settings: dict
    certificate_quiz: bool
    course_slug: str
    version_number: int
    responses: dict[int, Saved]

    def items(self, prefix: str) -> list[Item]:
        shown = shown_of(self.bank_key, self.bank, prefix)
        return [Item(i, self.bank[p.question_index], shown[p.question_index], p, self.responses.get(i))
                for i, p in enumerate(self.paper)]  # fmt: skip


#: Built once: the attempt (only if it is this user's), its quiz, version and course, and its answers, in one go.
_SHEET = (
    select(QuizAttempt.number, QuizAttempt.status, QuizAttempt.deadline_at, cast(QuizAttempt.paper, Text),
           Quiz.id, Quiz.key, Quiz.title_zh, Quiz.title_en, cast(Quiz.settings, Text), Quiz.required,
           CourseVersion.number, CourseVersion.content_hash, CourseVersion.certificate, Course.slug,
           QuizResponse.position, QuizResponse.response, QuizResponse.score, QuizResponse.feedback)
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .join(CourseVersion, CourseVersion.id == Quiz.version_id)
    .join(Course, Course.id == CourseVersion.course_id)
    .outerjoin(QuizResponse, QuizResponse.attempt_id == QuizAttempt.id)
    .where(QuizAttempt.id == bindparam("attempt_id"), QuizAttempt.user_id == bindparam("user_id"))
)  # fmt: skip
_SHEET_READ = PlainRead(_SHEET)


def _stored_questions(session: Session, quiz_id: int) -> Callable[[], list[dict]]:
    return lambda: session.scalar(select(Quiz.questions).where(Quiz.id == quiz_id)) or []


def load_sheet(session: Session, attempt_id: int, user_id: int) -> Sheet | None:
    """The attempt if it is ``user_id``'s; None when there is none or it is someone else's (the same answer)."""
    rows = _SHEET_READ.rows(session, {"attempt_id": attempt_id, "user_id": user_id})
    if not rows:
        return None
    (number, status, deadline_at, paper, quiz_id, key, title_zh, title_en, settings, required, version_number,
     content_hash, certificate, slug, *_response) = rows[0]  # fmt: skip
    bank_key = (quiz_id, key, content_hash)
    return Sheet(
        id=attempt_id, number=number, status=status, deadline_at=deadline_at, paper=_paper(paper), paper_text=paper,
        bank_key=bank_key,
        bank=bank_of(bank_key, _stored_questions(session, quiz_id)), title_zh=title_zh, title_en=title_en,
        settings=json.loads(settings), certificate_quiz=bool(required and certificate), course_slug=slug,
        version_number=version_number,
        responses={r[14]: Saved(r[15], r[16], r[17]) for r in rows if r[14] is not None},
    )  # fmt: skip


def is_open(found: "Sheet | Paper", now: datetime, grace: timedelta) -> bool:
    """Still taking answers: in progress and within its time (``grace``: lms.quizzes.services.DEADLINE_GRACE)."""
    return found.status == IN_PROGRESS and (found.deadline_at is None or now <= found.deadline_at + grace)


# --- autosave ---------------------------------------------------------------------------------------------------

#: What a save needs: the attempt's paper, if it is this user's; whether it is still open is for the caller.
_PAPER = (
    select(QuizAttempt.status, QuizAttempt.deadline_at, cast(QuizAttempt.paper, Text), Quiz.id, Quiz.key,
           CourseVersion.content_hash)
    .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
    .join(CourseVersion, CourseVersion.id == Quiz.version_id)
    .where(QuizAttempt.id == bindparam("attempt_id"), QuizAttempt.user_id == bindparam("user_id"))
)  # fmt: skip
_PAPER_READ = PlainRead(_PAPER)


@dataclass(frozen=True)
class Paper:
    status: str
    deadline_at: datetime | None
    items: tuple[PaperItem, ...]
    bank: tuple[Question, ...]

    def pairs(self) -> list[tuple[Question, PaperItem]]:
        return [(self.bank[p.question_index], p) for p in self.items]


def paper_of(session: Session, attempt_id: int, user_id: int) -> Paper | None:
    """The paper of this user's attempt; None when there is none or it is someone else's (the same answer)."""
    rows = _PAPER_READ.rows(session, {"attempt_id": attempt_id, "user_id": user_id})
    if not rows:
        return None
    status, deadline_at, paper, quiz_id, key, content_hash = rows[0]
    bank = bank_of((quiz_id, key, content_hash), _stored_questions(session, quiz_id))
    return Paper(status, deadline_at, _paper(paper), bank)


def _upsert(dialect: str):
    # Only the dialect in use is imported: a worker on PostgreSQL never loads SQLite's (worker memory).
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(QuizResponse)


def upsert_answers(session: Session, attempt_id: int, paper: tuple[PaperItem, ...], answers: dict[int, object],
                   now: datetime) -> int:
    """Store answers by paper position in one statement. A checked answer (immediate feedback: it has a score) is
    locked, and nothing changes once the attempt is closed: closing grades every position, so every row exists and
    the update below finds the attempt no longer in progress."""
    rows = [{"attempt_id": attempt_id, "position": position, "question_index": paper[position].question_index,
             "response": value, "saved_at": now, "needs_manual": False}
            for position, value in sorted(answers.items()) if 0 <= position < len(paper)]  # fmt: skip
    if not rows:
        return 0
    insert = _upsert(session.get_bind().dialect.name).values(rows)
    still_open = (select(QuizAttempt.id).where(QuizAttempt.id == attempt_id, QuizAttempt.status == IN_PROGRESS)
                  .exists())  # fmt: skip
    statement = insert.on_conflict_do_update(
        index_elements=[QuizResponse.attempt_id, QuizResponse.position],
        set_={"response": insert.excluded.response, "saved_at": insert.excluded.saved_at},
        where=QuizResponse.score.is_(None) & still_open,
    )
    # RETURNING, not rowcount: drivers disagree on the rowcount of an upsert; a locked answer returns no row
    return len(session.connection().execute(statement.returning(QuizResponse.position)).all())
