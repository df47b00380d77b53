"""Worker memory (issue #16): every gunicorn worker imports the app, so a library that only some requests need is
imported on first use, not at start. Each of these costs MiBs per worker: cryptography ~6, PyLD (with requests and
lxml) ~10, ReportLab and Pillow ~5, Babel's global data ~3, openpyxl ~12, python-docx ~7, huey ~18, argon2, YAML and
xml.sax ~0.5 each, the other database's SQLAlchemy dialect ~0.5-2."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale

from lms.i18n import LANGUAGES, LOCALES

ROOT = Path(__file__).resolve().parents[2]

ON_FIRST_USE = ("cryptography.hazmat", "pyld", "requests", "lxml", "reportlab", "PIL", "segno", "markdown",
                "email_validator", "openpyxl", "docx", "jsonschema", "joserfc", "huey",
                # password hashing (login, password pages) and xml.sax (~0.5 MiB each)
                "argon2", "xml.sax",
                # only the database in use: these tests run on SQLite, and a PostgreSQL worker never loads SQLite's
                "sqlalchemy.dialects.postgresql", "psycopg")  # fmt: skip

# Builds the app the way a worker does, serves some pages, prints the heavy modules loaded and whether Babel's
# global data (aliases and likely subtags) was read.
SCRIPT = """
import base64, os, sys
from lms import create_app
from lms.config import Config
from lms.models import Base

folder = sys.argv[1]
app = create_app(Config(instance_path=folder, database_url=f"sqlite:///{folder}/lms.sqlite3", secret_key="x" * 48,
                        pii_key=base64.b64encode(b"k" * 32).decode(),
                        signing_key_secret=base64.b64encode(b"s" * 32).decode(), base_url="http://localhost",
                        redis_url=os.environ.get("START_MEMORY_REDIS_URL") or None))
Base.metadata.create_all(app.extensions["lms.db"].engine)
if sys.argv[2] == "keys":
    from lms.db import get_session
    from lms.trust import keys

    with app.app_context():
        keys.ensure_keys(get_session(), app.config["LMS"])
        get_session().commit()
    sys.exit()
client = app.test_client()
for path in sys.argv[2:]:
    for language in ("zh-CN", "en"):
        status = client.get(path, headers={"Accept-Language": language}).status_code
        assert status == 200, (path, status)
import babel.core

loaded = [m for m in sys.modules if m.split(".")[0] in PREFIXES or m.startswith(DOTTED)]
print(repr((sorted(loaded), babel.core._global_data is not None)))
"""


def run(folder: Path, *args: str, watched: tuple[str, ...] = ON_FIRST_USE, redis_url: str | None = None
        ) -> tuple[list[str], bool]:
    code = SCRIPT.replace("PREFIXES", repr({m for m in watched if "." not in m}))
    code = code.replace("DOTTED", repr(tuple(m for m in watched if "." in m)))
    env = {**os.environ, "START_MEMORY_REDIS_URL": redis_url or ""}
    result = subprocess.run([sys.executable, "-c", code, str(folder), *args], capture_output=True, text=True,
                            timeout=120, cwd=str(ROOT), env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return ast.literal_eval(result.stdout.strip().splitlines()[-1]) if args[0] != "keys" else ([], False)


def test_the_app_starts_and_serves_pages_without_the_libraries_only_some_requests_need(tmp_path):
    loaded, babel_global_data = run(tmp_path, "/healthz", "/courses/", "/account/login")
    assert loaded == []
    assert not babel_global_data


@pytest.mark.redis
def test_a_worker_with_redis_never_loads_the_file_cache(tmp_path):
    # Production has Redis: Flask-Caching and cachelib (about 1 MiB) serve only the files of a site without it.
    loaded, _ = run(tmp_path, "/healthz", "/courses/", "/account/login",
                    watched=(*ON_FIRST_USE, "flask_caching", "cachelib"), redis_url=os.environ["LMS_TEST_REDIS_URL"])
    assert loaded == []


def test_yaml_waits_for_the_first_page_that_reads_a_file(tmp_path):
    # Course files, checks and the skills framework (read on a catalogue page the shared cache does not hold yet).
    loaded, _ = run(tmp_path, "/healthz", "/account/login", watched=(*ON_FIRST_USE, "yaml"))
    assert loaded == []


def test_the_did_document_is_served_without_cryptography(tmp_path):
    # The keys exist (made by another process, as on a running site): publishing them needs only their bytes.
    run(tmp_path, "keys")
    loaded, _ = run(tmp_path, "/.well-known/did.json")
    assert loaded == []


def test_the_prebuilt_locales_are_what_babel_would_parse():
    # Flask-Babel gets these instead of parsing the selector's string each request; they must be the same.
    assert set(LOCALES) == set(LANGUAGES)
    for identifier, locale in LOCALES.items():
        parsed = Locale.parse(identifier)
        assert locale == parsed and str(locale) == str(parsed) and locale.script == parsed.script
