"""Database wiring: declarative base with a naming convention, one engine per app, a session per app context."""

from __future__ import annotations

import os
import weakref
from datetime import datetime, timezone

from flask import Flask, current_app
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp always stored and returned as aware UTC (SQLite forgets time zones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Database:
    """The engine and the app-context-scoped session of one application."""

    def __init__(self, url: str) -> None:
        self.url = url
        # A ping (SELECT 1) on every checkout is a round trip per request. SQLite has nothing to lose; psycopg's
        # connections are checked without one (see _closed_by_server); other drivers keep the ping.
        checked_locally = url.startswith("postgresql+psycopg:")
        kwargs: dict = {"future": True, "pool_pre_ping": not (url.startswith("sqlite") or checked_locally)}
        if url.startswith("sqlite"):
            # Several threads (the dev server, browser tests) share one SQLite file.
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if checked_locally:
            kwargs["pool_recycle"] = 1800  # a firewall or pooler that drops idle connections silently sends nothing
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if checked_locally:
            event.listen(self.engine, "checkout", _closed_by_server)
            event.listen(self.engine, "before_cursor_execute", _note_writes)
            event.listen(self.engine, "commit", _forget_writes)
            event.listen(self.engine, "rollback", _forget_writes)
        # psycopg forgets its prepared statements (the saved query plans) on every ROLLBACK: see remove().
        self.ends_reads_with_commit = checked_locally
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory, scopefunc=_scope_id)

    def remove(self, exc: BaseException | None = None) -> None:
        """End the request's session. A transaction that only read ends with COMMIT rather than ROLLBACK (the
        same for a read): psycopg drops its prepared statements on ROLLBACK, and PostgreSQL would plan every
        query of every page again (5 ms for the lesson page's). Anything written and not committed is still
        rolled back."""
        if self.ends_reads_with_commit and exc is None and self.session.registry.has():
            session = self.session()
            transaction = session.get_transaction()
            try:
                if transaction is not None and transaction.is_active and not (session.new or session.dirty or session.deleted):
                    connection = session.connection()
                    if not connection.invalidated and not connection.info.get(_WROTE):
                        session.commit()
            except Exception:  # noqa: BLE001 - a connection gone bad: the session's close below rolls back as ever
                pass
        self.session.remove()


_WROTE = "lms.wrote"


def _note_writes(conn, _cursor, statement: str, _params, _context, _many) -> None:
    """Mark a transaction that ran anything but a SELECT (it will be rolled back unless the code commits it)."""
    if not statement.lstrip()[:6].upper() == "SELECT":
        conn.info[_WROTE] = True


def _forget_writes(conn) -> None:
    conn.info.pop(_WROTE, None)


def _scope_id() -> int:
    # One session per application context (a request or a CLI command).
    from flask import globals as flask_globals

    ctx = flask_globals._cv_app.get(None)
    return id(ctx)


def _closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """Pool checkout without a round trip: an idle connection has nothing to read unless the server wrote to it,
    and a server that ends a connection (pg_terminate_backend, a restart, idle_session_timeout) writes its FATAL
    message and closes. Reading that (without blocking) tells a dead connection from a live one; the pool then
    replaces it with a new one (DisconnectionError), so the request goes on as if nothing happened."""
    import select

    from sqlalchemy.exc import DisconnectionError

    pgconn = dbapi_connection.pgconn
    for _ in range(4):  # the message, then the end of the stream: a few reads at most
        try:
            poller = select.poll()  # not select.select: it fails on descriptors past 1024 (busy processes)
            poller.register(pgconn.socket, select.POLLIN)
            if not poller.poll(0):
                return  # nothing pending: alive
            pgconn.consume_input()  # a notice or parameter change is harmless; a closed stream raises
        except Exception as exc:  # noqa: BLE001 - any failure to read means the connection is unusable
            raise DisconnectionError("the server closed this connection") from exc
        if pgconn.status != 0:  # CONNECTION_OK
            raise DisconnectionError("the connection is no longer usable")
    raise DisconnectionError("the server keeps writing to an idle connection")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class LazyLoadError(AssertionError):
    """A lazy load under ``LMS_RAISE_ON_LAZY_LOAD``: the page should have loaded this on purpose."""


def _refuse_lazy_loads(state) -> None:
    from flask import has_request_context

    if not state.is_select or not has_request_context() or not current_app.config["LMS_RAISE_ON_LAZY_LOAD"]:
        return  # set-up code and CLI commands may load as they like; pages may not
    if state.lazy_loaded_from is not None or state.is_column_load:
        what = state.lazy_loaded_from.class_.__name__ if state.lazy_loaded_from is not None else "a column"
        raise LazyLoadError(f"lazy load from {what}: {str(state.statement)[:200]}")


#: This process's engines, for the fork hook below (weakly: an app that is dropped, as in tests, takes its engine).
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _drop_inherited_connections() -> None:
    """In a forked child (gunicorn ``preload_app``: the app is built before the fork), forget the parent's pooled
    connections without closing them: their sockets are the parent's too, and two processes on one connection
    corrupt each other's stream. The child opens its own on first use (SQLAlchemy's advice for os.fork; psycopg
    never closes a connection from a process that did not open it). Redis clients need nothing: redis-py's pools
    notice a new pid themselves."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


def _watch_forks(engine: Engine) -> None:
    global _fork_hook_registered
    if not _fork_hook_registered:
        os.register_at_fork(after_in_child=_drop_inherited_connections)  # once per process: it cannot be undone
        _fork_hook_registered = True
    _ENGINES.add(engine)


_fork_hook_registered = False


def init_app(app: Flask, url: str) -> Database:
    database = Database(url)
    _watch_forks(database.engine)
    if "LMS_RAISE_ON_LAZY_LOAD" in app.config:
        # Tests of the query budgets turn this on: a relationship or deferred column that a page touches without
        # loading it first (one query per row: the N+1 pattern) fails the test instead of slowing the page.
        event.listen(database.session_factory, "do_orm_execute", _refuse_lazy_loads)
    app.extensions["lms.db"] = database
    app.teardown_appcontext(database.remove)
    return database


def get_db() -> Database:
    return current_app.extensions["lms.db"]


def get_session() -> Session:
    """The session of the current request or CLI command."""
    return get_db().session()
