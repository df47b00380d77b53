"""Database wiring: declarative base with a naming convention, one engine per app, a session per app context."""

from __future__ import annotations

import functools
import os
import re
import weakref
from datetime import datetime, timezone

from flask import Flask, current_app
from flask.globals import _cv_app
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

from lms.memo import Memo

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
            event.listen(self.engine, "before_cursor_execute", _transaction_only_for_writes)
            _cache_long_statements()
            event.listen(self.engine, "connect", _describe_lazily)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory, scopefunc=_scope_id)

    def remove(self, exc: BaseException | None = None) -> None:
        """End the request's session. On PostgreSQL a request that only read has no transaction open on the server
        (see _transaction_only_for_writes): the rollback below sends nothing, and psycopg keeps its prepared
        statements. Anything written and not committed is rolled back."""
        self.session.remove()


#: SELECTs that take locks or change state: they must run inside the transaction of what follows them.
_LOCKS_OR_SETS = re.compile(r"\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|PG_ADVISORY|SET_CONFIG|NEXTVAL")
_PLAIN_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_plain_reads: Memo[str, bool] = Memo(1024)  # key: a statement's text (SQLAlchemy hands the same str each time)
_LONGEST_KEPT = 32 * 1024


def _is_plain_read(statement: str) -> bool:
    if not _PLAIN_SELECT.match(statement):
        return False  # not kept: only SELECTs pay for the search below (and batched INSERTs vary in length)
    if len(statement) > _LONGEST_KEPT:
        return not _LOCKS_OR_SETS.search(statement.upper())
    # The search reads the whole statement (upper-cased: text() may be written in lower case): once per statement.
    return _plain_reads.get(statement, lambda: not _LOCKS_OR_SETS.search(statement.upper()))


def _transaction_only_for_writes(conn, _cursor, statement: str, _params, context, _many) -> None:
    """PostgreSQL runs a statement sent outside a transaction block as a transaction of its own. So plain SELECTs
    go in psycopg's autocommit mode: no BEGIN before them, no COMMIT or ROLLBACK after (two round trips of a page's
    four), and psycopg keeps its prepared statements (it drops them on ROLLBACK). The first statement that is not
    a plain SELECT (a write, a savepoint, SELECT ... FOR UPDATE) switches autocommit off, so psycopg sends BEGIN
    before it and everything from there on is one transaction, committed or rolled back as the code says. At READ
    COMMITTED (PostgreSQL's default) each statement sees its own snapshot anyway, so the reads before it see what
    they saw inside a transaction. The switch is only possible (and only made) while no transaction is open; a
    connection with an isolation level of its own (execution_options) is left alone."""
    dbapi_connection = conn.connection.dbapi_connection
    options = context.execution_options if context is not None else conn.get_execution_options()  # PlainRead: none
    if dbapi_connection.pgconn.transaction_status != _IDLE or "isolation_level" in options:
        return
    read_only = _is_plain_read(statement)
    if dbapi_connection.autocommit != read_only:
        dbapi_connection.autocommit = read_only


_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open on the server


def _cache_long_statements() -> None:
    """psycopg keeps the conversion of a statement to PostgreSQL's numbered parameters ($1, $2 ...) for statements
    up to 4 KB only; the lesson page's (about 5.5 KB) was split anew on each request (some 0.1 ms). Our statements are a fixed
    set (SQLAlchemy's compiled ones), so the bound is raised; psycopg's cache stays at 128 entries."""
    from psycopg import _queries

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, _LONGEST_KEPT)


class PlainRead:
    """A fixed SELECT that pages run on every request (the logged-in person, the lesson page, home, a quiz sheet),
    sent on the DBAPI cursor of the session's connection.

    SQLAlchemy still compiles it (once per dialect), and its bind and result conversions, events (statement
    counters, lms.db's transaction switch), logging and error wrapping all apply (``Connection._cursor_execute``, the
    path SQLAlchemy itself takes for sequences and defaults). What is skipped is the work each ``execute`` repeats:
    matching the statement to its compiled form, building the parameters, an execution context and the result's
    metadata, some 0.1-0.25 ms a statement, as much as PostgreSQL's own round trip. Rows are plain tuples with the
    values ``connection.execute`` would give. Only plain ``bindparam``s may be left to the caller (no lists expanded
    when run, no values computed when run)."""

    def __init__(self, statement) -> None:
        self.statement = statement
        self._forms: Memo[object, _CompiledRead] = Memo(16)  # by dialect: an app has one, a test run several

    def rows(self, session: Session, params: dict) -> list[tuple]:
        connection = session.connection()
        dialect = connection.dialect
        form = self._forms.get(dialect, lambda: _CompiledRead(self.statement, dialect))
        values = {**form.fixed, **params}
        for name, convert in form.converters:
            values[name] = convert(values[name])
        cursor = connection.connection.cursor()
        try:
            connection._cursor_execute(cursor, form.sql, tuple(values[n] for n in form.order) if form.order else values)
            fetched = cursor.fetchall()
            processors = form.processors if form.processors is not None else form.learn(cursor.description)
        finally:
            cursor.close()
        if not processors:
            return fetched  # psycopg and sqlite3 both fetch a list of tuples
        return [tuple([p(v) if p else v for p, v in zip(processors, row)]) for row in fetched]


class _CompiledRead:
    """A PlainRead's statement compiled for one dialect."""

    def __init__(self, statement, dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params or getattr(compiled, "escaped_bind_names", None):
            raise ValueError("a PlainRead takes plain bound parameters only")
        asked = set()
        for bind, name in compiled.bind_names.items():
            if bind.callable is not None or bind.expanding:
                raise ValueError(f"a PlainRead's parameter {name!r} is computed when run")
            if bind.required:
                asked.add(name)
        processors = compiled._bind_processors
        fixed = compiled.construct_params(_check=False)
        self.fixed = {name: processors[name](value) if name in processors else value
                      for name, value in fixed.items() if name not in asked}  # fmt: skip
        self.converters = tuple((name, processors[name]) for name in sorted(asked) if name in processors)
        self.sql = compiled.string
        self.order = tuple(compiled.positiontup) if compiled.positional else None
        self.types = [column.type for column in compiled._result_columns]
        self.dialect = dialect
        self.processors: list | None = None

    def learn(self, description) -> list:
        """The result conversions, as SQLAlchemy picks them: by the column's type and the driver's type code."""
        if description is None or len(description) != len(self.types):
            raise ValueError("a PlainRead's result does not match its statement's columns")
        processors = [type_._cached_result_processor(self.dialect, column[1])
                      for type_, column in zip(self.types, description)]  # fmt: skip
        self.processors = processors if any(processors) else []  # empty: the fetched rows are returned as they are
        return self.processors


def _describe_lazily(dbapi_connection, _record) -> None:
    dbapi_connection.cursor_factory = _lazily_described_cursor()


@functools.cache
def _lazily_described_cursor() -> type:
    """A psycopg cursor whose ``description`` builds its Column objects only when one is read. psycopg builds all of
    them on every read (about 2 us a column: the lesson page's 49 columns cost 0.1 ms a request), and SQLAlchemy reads
    ``description`` after every SELECT but, once a statement's result metadata is cached, only to see that rows came
    back. The columns describe the result the cursor held when ``description`` was read, as psycopg's do."""
    from collections.abc import Sequence

    import psycopg
    from psycopg import Column
    from psycopg.pq import ExecStatus

    with_rows = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)

    class Described:
        """What Column reads of a cursor, as it was when ``description`` was read."""

        __slots__ = ("pgresult", "_encoding", "adapters")

        def __init__(self, cursor) -> None:
            self.pgresult, self._encoding, self.adapters = cursor.pgresult, cursor._encoding, cursor.adapters

    class LazyDescription(Sequence):
        __slots__ = ("_source", "_count", "_columns")

        def __init__(self, source: Described, count: int) -> None:
            self._source, self._count, self._columns = source, count, None

        def _built(self) -> list:
            if self._columns is None:
                self._columns = [Column(self._source, index) for index in range(self._count)]  # type: ignore[arg-type]
            return self._columns

        def __len__(self) -> int:
            return self._count

        def __getitem__(self, index):
            return self._built()[index]

        def __iter__(self):
            return iter(self._built())

        def __repr__(self) -> str:
            return repr(self._built())

    class LazilyDescribedCursor(psycopg.Cursor):
        __slots__ = ()

        @property
        def description(self):
            result = self.pgresult
            if result and (result.nfields or result.status in with_rows):
                return LazyDescription(Described(self), result.nfields)
            return None

    return LazilyDescribedCursor


def _scope_id() -> int:
    # One session per application context (a request or a CLI command). Asked on every use of the session.
    return id(_cv_app.get(None))


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
