"""gunicorn ``preload_app`` builds the app once and forks the workers: a child must never use its parent's
database connections (two processes on one socket corrupt each other's stream), and Redis clients must not be
shared either. lms.db drops the inherited pool in the child (os.register_at_fork)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from lms.db import get_session


def _in_child(work) -> int:
    """Run ``work`` in a forked child; its exit status (0: it passed)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            code = 0 if work() else 2
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _backend() -> object:
    """Which connection the session uses: the server process on PostgreSQL, the DBAPI connection on SQLite."""
    session = get_session()
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT pg_backend_pid()")).scalar()
    return id(session.connection().connection.dbapi_connection)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_opens_its_own_database_connection_and_leaves_the_parents_alone(app):
    engine = app.extensions["lms.db"].engine
    with app.app_context():
        parent_backend = _backend()
        get_session().commit()
    inherited = engine.pool
    assert inherited.checkedin() >= 1  # the parent keeps a pooled connection, as a preloaded master would

    def child() -> bool:
        fresh = engine.pool is not inherited and engine.pool.checkedin() == 0
        with app.app_context():
            own = _backend() != parent_backend and get_session().execute(text("SELECT 1")).scalar() == 1
            get_session().commit()
        return fresh and own

    assert _in_child(child) == 0
    with app.app_context():  # the parent's connection is still its own and still works after the child's queries
        assert _backend() == parent_backend and get_session().execute(text("SELECT 1")).scalar() == 1
        get_session().commit()
    assert engine.pool is inherited


def test_redis_clients_notice_a_fork_themselves():
    # The shared cache and the rate limits use redis-py pools, which check the pid on every checkout and start
    # afresh in a child: no hook of ours is needed (this pins the behaviour we rely on).
    from redis.connection import ConnectionPool

    pool = ConnectionPool.from_url("redis://127.0.0.1:6379/0")
    assert pool.pid == os.getpid()
    assert _in_child(lambda: (pool._checkpid(), pool.pid == os.getpid())[1]) == 0
