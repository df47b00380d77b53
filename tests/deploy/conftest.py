"""Fixtures of the deployment tests: fresh PostgreSQL databases beside the test database, and the commands of an
installed site (the ``lms`` and ``gunicorn`` of this venv)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

BIN = Path(sys.executable).parent


@pytest.fixture
def fresh_database(database_url):
    """Make empty PostgreSQL databases named after the test database (dropped afterwards); returns their URLs."""
    base = make_url(database_url)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(suffix: str) -> str:
        name = f"{base.database}_{suffix}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def production_env(environ: dict, database_url: str, instance: Path, **extra: str) -> dict:
    """The environment of /etc/lms/env (deploy/env.example) for processes started by a test."""
    import base64
    import os

    env = {k: v for k, v in environ.items() if not k.startswith("LMS_")}
    key = lambda: base64.b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
    env.update(
        LMS_ENV="production", LMS_DATABASE_URL=database_url, LMS_REDIS_URL=os.environ["LMS_TEST_REDIS_URL"],
        LMS_SECRET_KEY=secrets.token_urlsafe(48), LMS_PII_KEY=key(), LMS_SIGNING_KEY_SECRET=key(),
        LMS_TRUSTED_PROXIES="1", LMS_INSTANCE_PATH=str(instance), LMS_MAIL_BACKEND="smtp",
        LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT="9",  # nothing listens: mail waits in the outbox table
        **extra,
    )  # fmt: skip
    return env
