"""Shared fixtures: one database per test session (SQLite file, or PostgreSQL when LMS_TEST_DATABASE_URL says so),
emptied after every test; an app per test; a client that handles CSRF tokens like a browser."""

from __future__ import annotations

import base64
import os
import re
import secrets
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from lms import create_app
from lms.config import Config
from lms.db import get_session
from lms.models import Base

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Property-based tests: no time limit per example (the machine is shared), no example database on disk, and the
# same examples on every run (a failure found once is found again).
settings.register_profile("lms", deadline=None, database=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile("lms")


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2id at its smallest cost for this test process only: a production hash (64 MiB, 3 passes, 4 lanes) costs
    ~0.2 s of CPU, and the suite hashes or verifies a password hundreds of times. Same algorithm and code path (the
    hashes still start with $argon2id$, wrong passwords still fail); servers started as subprocesses keep the
    production cost. First it checks that production's parameters are still RFC 9106's."""
    from argon2 import PasswordHasher, profiles

    from lms.security import passwords

    production = passwords._hasher
    assert (production.type, production.time_cost, production.memory_cost, production.parallelism) == (
        profiles.RFC_9106_LOW_MEMORY.type, profiles.RFC_9106_LOW_MEMORY.time_cost,
        profiles.RFC_9106_LOW_MEMORY.memory_cost, profiles.RFC_9106_LOW_MEMORY.parallelism,
    ), "production password hashing is no longer RFC 9106's profile"  # fmt: skip
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher, passwords._DUMMY_HASH = cheap, cheap.hash("not-a-real-password-6f1c0e")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


def _reuse_url_builders() -> None:
    """Every test builds its own app, and ~90% of create_app's CPU is Werkzeug compiling (ast + compile) the same
    URL-builder functions for the same 160 rules again. The compiled function reads everything through its rule
    argument, so one compiled per rule text and shape is reused by later apps: same URLs, same app per test.
    Pinned to the Werkzeug versions whose _compile_builder was read; others simply compile as usual."""
    from importlib.metadata import version

    from werkzeug.routing.rules import Rule

    if not version("werkzeug").startswith("3.1.") or getattr(Rule, "_lms_reused", False):
        return
    original = Rule._compile_builder
    compiled: dict = {}

    def compile_builder(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(dynamic and data in defaults for dynamic, data in self._trace):
            return original(self, append_unknown)  # a default resolved through a converter: not shared
        key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_builder
    Rule._lms_reused = True


_reuse_url_builders()


def require_program(name: str, package: str) -> str:
    """The path of an outside program a test needs; without it the test is skipped with the command that installs
    it, except in CI (CI=true), where a missing program fails the test."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found: install Debian's {package} (apt-get install -y {package})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def _test_database_url(tmp_root: Path) -> str:
    return os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.sqlite3'}"


def pytest_collection_modifyitems(config, items):
    # PostgreSQL-only tests are not skipped on SQLite: they are deselected, and run in the PostgreSQL pass.
    # Likewise Redis tests run in the pass that sets LMS_TEST_REDIS_URL.
    unavailable = set()
    if not is_postgres(os.environ.get("LMS_TEST_DATABASE_URL", "")):
        unavailable.add("postgres")
    if not os.environ.get("LMS_TEST_REDIS_URL"):
        unavailable.add("redis")
    keep, drop = [], []
    for item in items:
        (drop if any(item.get_closest_marker(m) for m in unavailable) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _test_database_url(tmp_path_factory.mktemp("db"))
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect is fatal here
        pytest.exit(f"test database {url!r} is not reachable: {exc}", returncode=3)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for all the apps of this test process. Each test's app has its own
    Jinja environment, and compiling a page's templates again for each test cost more CPU than most tests' own work.
    Jinja checks each entry against the template source's checksum; entries are also keyed by the environment's
    compile-time settings, so an app configured differently compiles its own."""

    def __init__(self) -> None:
        self.store: dict[tuple, bytes] = {}

    @staticmethod
    def settings(env) -> tuple:
        same = lambda f: getattr(f, "__func__", f)  # noqa: E731 - each app's bound method, one function
        return (tuple(sorted(env.extensions)), same(env.autoescape), env.optimized, same(env.finalize), env.is_async,
                env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
                env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
                env.line_comment_prefix)  # fmt: skip

    def for_env(self, env) -> BytecodeCache:
        store, settings = self.store, self.settings(env)

        class Keyed(BytecodeCache):
            def load_bytecode(self, bucket):
                if (data := store.get((settings, bucket.key))) is not None:
                    bucket.bytecode_from_string(data)

            def dump_bytecode(self, bucket):
                store[(settings, bucket.key)] = bucket.bytecode_to_string()

        return Keyed()


_COMPILED_TEMPLATES = _CompiledTemplates()


def share_compiled_templates(application):
    application.jinja_env.bytecode_cache = _COMPILED_TEMPLATES.for_env(application.jinja_env)
    return application


def make_config(database_url: str, instance: Path, **overrides) -> Config:
    flask = {"TESTING": True, "RATELIMIT_ENABLED": False}
    flask.update(overrides.pop("flask", {}))
    overrides.setdefault("job_queue", "immediate")  # jobs run inside the commit that queues them
    return Config(
        instance_path=str(instance),
        database_url=database_url,
        secret_key=secrets.token_urlsafe(32),
        pii_key=base64.b64encode(b"k" * 32).decode(),
        signing_key_secret=base64.b64encode(b"s" * 32).decode(),
        base_url="http://localhost",
        flask=flask,
        **overrides,
    )


def empty_database(app) -> None:
    engine = app.extensions["lms.db"].engine
    if engine.dialect.name == "postgresql":
        _empty_postgres(engine)
        return
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def _empty_postgres(engine) -> None:
    """Delete the rows of the tables a test wrote to, and restart the sequences it used, in two round trips.
    TRUNCATE of all 64 tables took ~160 ms a test here (new files for every table and index), about six minutes of
    the PostgreSQL pass; a test writes to a handful of tables, and DELETE of a few rows costs well under a ms."""
    tables = list(reversed(Base.metadata.sorted_tables))
    # One row per table with rows (its index) and per sequence used (minus its 1-based position).
    nonempty = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT FROM \"{t.name}\")" for i, t in enumerate(tables))
    used = ("SELECT -s.i FROM pg_sequences q JOIN unnest(CAST(:sequences AS text[])) WITH ORDINALITY s(name, i)"
            " ON q.schemaname = current_schema() AND q.sequencename = s.name WHERE q.last_value IS NOT NULL")
    probe = f"{nonempty} UNION ALL {used}"
    sequences = _owned_sequences(engine)
    with engine.begin() as conn:
        found = [row[0] for row in conn.execute(text(probe), {"sequences": sequences})]
        statements = [f'DELETE FROM "{tables[i].name}"' for i in sorted(n for n in found if n >= 0)]
        statements += [f'ALTER SEQUENCE "{sequences[-n - 1]}" RESTART' for n in found if n < 0]
        if statements:
            conn.exec_driver_sql("; ".join(statements))


_SEQUENCES: dict[str, list[str]] = {}


def _owned_sequences(engine) -> list[str]:
    key = str(engine.url)
    if key not in _SEQUENCES:
        with engine.connect() as conn:
            _SEQUENCES[key] = list(conn.execute(text(
                "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
                " JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND t.relnamespace = s.relnamespace"
                " AND s.relnamespace = current_schema()::regnamespace ORDER BY s.relname")).scalars())
    return _SEQUENCES[key]


@pytest.fixture
def app(database_url, tmp_path):
    application = share_compiled_templates(create_app(make_config(database_url, tmp_path / "instance")))
    yield application
    application.extensions["lms.db"].session.remove()
    empty_database(application)
    application.extensions["lms.db"].engine.dispose()


@pytest.fixture
def demo(app) -> None:
    """The demo data (``lms demo``) in the test's app."""
    from lms.demo import load_demo

    with app.app_context():
        session = get_session()
        load_demo(session, app.extensions["lms.pii"], app.config["LMS"])
        session.commit()


@pytest.fixture
def app_factory():
    """Build extra apps (other configs, several 'workers'); their connection pools are closed afterwards."""
    made = []

    def build(config: Config):
        application = share_compiled_templates(create_app(config))
        made.append(application)
        return application

    yield build
    for application in made:
        application.extensions["lms.db"].session.remove()
        application.extensions["lms.db"].engine.dispose()


@pytest.fixture
def queued_app(app, database_url, tmp_path, app_factory):
    """The same site with a real job queue (SQLite): jobs wait there until the test runs a worker with drain()."""
    return app_factory(make_config(database_url, tmp_path / "queued", job_queue=f"sqlite:///{tmp_path / 'queue.db'}"))


def drain(app) -> int:
    """Be a worker until the queue is empty; the number of messages handled."""
    huey = app.extensions["lms.jobs"].huey
    handled = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        handled += 1
    return handled


@pytest.fixture
def session(app):
    with app.app_context():
        yield get_session()


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class Browserish:
    """A test client that fetches a form page before posting it, as a browser would (real CSRF tokens)."""

    def __init__(self, client, language: str = "en") -> None:
        self.client = client
        self.headers = {"Accept-Language": language}

    def get(self, url: str, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, data: dict | None = None, *, form_page: str | None = None, **kw):
        page = self.client.get(form_page or url, headers=self.headers)
        payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True))}
        payload.update(data or {})
        return self.client.post(url, data=payload, headers=self.headers, **kw)

    def login(self, login: str, password: str):
        return self.post("/account/login", {"login": login, "password": password})

    def logout(self):
        return self.post("/account/logout", {}, form_page="/")


@pytest.fixture
def web(app):
    return Browserish(app.test_client())


@pytest.fixture
def zh_web(app):
    return Browserish(app.test_client(), language="zh-CN,zh;q=0.9")


PASSWORD = "correct horse 42"


@pytest.fixture
def make_user(app):
    """Create an account directly through the service (fast path for tests that are not about registering)."""
    from lms.accounts.services import register_user

    def make(login: str = "host@example.com", name: str = "小林", password: str = PASSWORD, **attrs):
        with app.app_context():
            session = get_session()
            user = register_user(session, display_name=name, login=login, password=password)
            for key, value in attrs.items():
                setattr(user, key, value)
            session.commit()
            return user.id

    return make


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
