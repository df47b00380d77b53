"""PostgreSQL: plain reads run outside a transaction; the first write opens one that stays atomic (lms.db)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from lms.accounts.models import User
from lms.db import _is_plain_read, get_session


def _sent_commands(monkeypatch) -> list[bytes]:
    import psycopg

    sent: list[bytes] = []
    real_command = psycopg.Connection._exec_command
    monkeypatch.setattr(psycopg.Connection, "_exec_command",
                        lambda self, command, *a, **k: sent.append(bytes(command)) or real_command(self, command, *a, **k))
    return sent


def test_only_plain_selects_count_as_reads():
    assert _is_plain_read("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert _is_plain_read("\n  select 1")
    assert not _is_plain_read("SELECT log_state.id FROM log_state WHERE log_state.id = %(id)s FOR UPDATE")
    assert not _is_plain_read("select id from t for no key update")
    assert not _is_plain_read("SELECT pg_advisory_xact_lock(1)")
    assert not _is_plain_read("INSERT INTO t VALUES (1)")
    assert not _is_plain_read("SAVEPOINT sa_savepoint_1")
    assert not _is_plain_read("WITH x AS (DELETE FROM t RETURNING id) SELECT * FROM x")


def _connect_first(app) -> None:
    """A first use: a new connection asks the server's settings, which a test of what is sent must not count."""
    with app.test_request_context("/"):
        get_session().execute(select(User.id)).all()
        app.do_teardown_appcontext()


@pytest.mark.postgres
def test_a_request_that_only_reads_sends_no_begin_commit_or_rollback(app, monkeypatch):
    _connect_first(app)
    sent = _sent_commands(monkeypatch)
    with app.test_request_context("/"):
        get_session().execute(select(User.id).limit(1)).all()
        get_session().execute(select(User.display_name).limit(1)).all()
        app.do_teardown_appcontext()
    assert sent == []


@pytest.mark.postgres
def test_writes_after_reads_are_one_transaction_committed_or_rolled_back_together(app, monkeypatch):
    _connect_first(app)
    sent = _sent_commands(monkeypatch)
    with app.test_request_context("/"):
        session = get_session()
        session.execute(text("CREATE TEMP TABLE IF NOT EXISTS kept (n int)"))
        session.commit()
        app.do_teardown_appcontext()
    assert sent == [b"BEGIN", b"COMMIT"]
    sent.clear()
    with app.test_request_context("/"):
        session = get_session()
        session.execute(select(User.id).limit(1)).all()
        session.execute(text("INSERT INTO kept VALUES (1)"))
        assert session.execute(text("SELECT count(*) FROM kept")).scalar_one() == 1  # inside the transaction
        session.execute(text("INSERT INTO kept VALUES (2)"))
        app.do_teardown_appcontext()  # no commit: both inserts go
    assert sent == [b"BEGIN", b"ROLLBACK"]
    with app.test_request_context("/"):
        session = get_session()
        assert session.execute(text("SELECT count(*) FROM kept")).scalar_one() == 0
        session.execute(text("INSERT INTO kept VALUES (3)"))
        session.execute(text("INSERT INTO kept VALUES (4)"))
        session.commit()
        assert session.execute(text("SELECT count(*) FROM kept")).scalar_one() == 2  # a read after the commit
        app.do_teardown_appcontext()


@pytest.mark.postgres
def test_a_locking_select_opens_the_transaction_it_locks_in(app):
    import psycopg

    with app.test_request_context("/"):
        session = get_session()
        session.execute(select(User.id).limit(1)).all()
        connection = session.connection().connection.dbapi_connection
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        session.execute(select(User.id).limit(1).with_for_update()).all()
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        with session.begin_nested():  # a savepoint inside it
            session.execute(text("SELECT 1"))
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        app.do_teardown_appcontext()


@pytest.mark.postgres
def test_psycopg_keeps_the_conversion_of_the_lesson_pages_long_statement(app):
    from psycopg import _queries

    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= 16 * 1024  # the lesson page's statement is about 5.5 KB


@pytest.mark.postgres
def test_cursor_descriptions_are_psycopgs_and_describe_the_result_they_were_read_from(app):
    import psycopg

    with app.test_request_context("/"):
        cursor = get_session().connection().connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1::int AS number, 'a'::text AS word, now() AS moment")
        first = cursor.description
        assert type(first).__name__ == "LazyDescription"  # built on first read of a column
        cursor.execute("SELECT 2::bigint AS other")
        plain = psycopg.Cursor(cursor.connection)
        plain.execute("SELECT 1::int AS number, 'a'::text AS word, now() AS moment")
        assert len(first) == 3
        assert [(c.name, c.type_code, c.internal_size) for c in first] == \
            [(c.name, c.type_code, c.internal_size) for c in plain.description]  # fmt: skip
        assert [c.name for c in cursor.description] == ["other"]
        cursor.execute("SET application_name = 'lms-test'")
        assert cursor.description is None
        # What SQLAlchemy builds from them: rows by name.
        row = get_session().execute(text("SELECT 7 AS seven, 'x' AS letter")).one()
        assert (row.seven, row.letter) == (7, "x")
        app.do_teardown_appcontext()
