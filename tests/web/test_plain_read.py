"""lms.db.PlainRead: the pages' fixed reads on the DBAPI cursor give exactly the rows SQLAlchemy's execute gives,
are seen by statement counters, and refuse statements whose parameters are worked out when run."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import bindparam, event, select

from lms.accounts.models import User
from lms.accounts.views import _viewer_statement
from lms.catalogue.models import Course
from lms.certificates.lessonpage import _LESSON_PAGE_READ, _POLICY_FOR
from lms.db import PlainRead, get_session
from lms.demo import DEMO_COURSE
from lms.learning.summaries import _COURSE_SUMMARIES, _HOME
from lms.quizzes.models import QuizAttempt
from lms.quizzes.sheet import _PAPER_READ, _SHEET_READ

HOST = "host@demo.example.com"


def _reads(session) -> list[tuple[str, PlainRead, dict]]:
    host = session.scalar(select(User.id).where(User.email == HOST))
    course = session.scalar(select(Course.id).where(Course.slug == DEMO_COURSE))
    attempt_id, attempt_user = session.execute(select(QuizAttempt.id, QuizAttempt.user_id).limit(1)).one()
    return [
        ("viewer", _viewer_statement(), {"user_id": host}),
        ("lesson page", _LESSON_PAGE_READ, {"user_id": host, "slug": DEMO_COURSE}),
        ("heartbeat's study policy", _POLICY_FOR, {"user_id": host, "course_id": course}),
        ("home", _HOME, {"user_id": host, "limit": 3}),
        ("my learning", _COURSE_SUMMARIES, {"user_id": host}),
        ("quiz sheet", _SHEET_READ, {"attempt_id": attempt_id, "user_id": attempt_user}),
        ("answer save", _PAPER_READ, {"attempt_id": attempt_id, "user_id": attempt_user}),
    ]


def test_the_rows_and_their_values_are_what_execute_gives(app, demo):
    with app.app_context():
        session = get_session()
        for name, read, params in _reads(session):
            expected = [tuple(row) for row in session.connection().execute(read.statement, params).all()]
            got = read.rows(session, params)
            assert expected, name  # the demo has a row for each: an empty comparison would prove nothing
            assert got == expected, name
            assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected], name
            # Converted as SQLAlchemy converts: times are aware datetimes on SQLite too (stored there as text).
            assert all(v.tzinfo is not None for row in got for v in row if isinstance(v, datetime)), name
            assert read.rows(session, params) == got, name  # the second run, with the conversions it learnt


def test_statement_counters_see_each_read(app, demo):
    engine = app.extensions["lms.db"].engine
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        session = get_session()
        reads = _reads(session)
        event.listen(engine, "before_cursor_execute", count)
        try:
            for _name, read, params in reads:
                read.rows(session, params)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(seen) == len(reads)


def test_parameters_worked_out_when_run_are_refused(app):
    expanding = PlainRead(select(User.id).where(User.id.in_(bindparam("ids", expanding=True))))
    computed = PlainRead(select(User.id).where(User.id == bindparam("id", callable_=lambda: 1)))
    with app.app_context():
        for read in (expanding, computed):
            with pytest.raises(ValueError, match="PlainRead"):
                read.rows(get_session(), {"ids": [1]})


def test_a_database_error_comes_wrapped_as_sqlalchemys(app):
    """The error pages (lms.errors: 503 when the database is unreachable) see the same exceptions as from execute."""
    from sqlalchemy import Column, Integer, MetaData, Table
    from sqlalchemy.exc import DBAPIError

    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    with app.app_context():
        with pytest.raises(DBAPIError):
            PlainRead(select(missing.c.id).where(missing.c.id == bindparam("id"))).rows(get_session(), {"id": 1})
