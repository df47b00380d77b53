"""The `lms` command: init-db, create-admin and demo, as an operator types them."""

import os
import subprocess
import sys

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.db import get_session
from lms.orgs.models import Organisation
from tests.conftest import ROOT


def test_demo_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for role in ("site admin", "MCN trainer", "host", "bureau verifier"):
        assert role in first.output
    assert "demo-pass-2026" in first.output and "/dev/outbox" in first.output
    assert "valid certificate" in first.output and "revoked certificate" in first.output
    shipped = sum(1 for folder in (ROOT / "courses").iterdir() if (folder / "course.yaml").is_file())
    assert f"Catalogue: {shipped} course(s)" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(User)) == 6
        from lms.certificates.models import Certificate

        statuses = sorted(session.scalars(select(Certificate.status)))
    assert statuses == ["revoked", "valid"]  # the second run issued nothing new
    with app.app_context():
        from lms.cohorts.models import Cohort

        (cohort,) = get_session().scalars(select(Cohort)).all()  # one demo cohort, however often demo runs
        assert len(cohort.members) == 2 and len(cohort.courses) == 2
    with app.app_context():
        session = get_session()
        slugs = set(session.scalars(select(Organisation.slug)))
    assert slugs == {"demo-mcn", "demo-bureau"}


def test_create_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "ops@example.com", "--password", "long enough 1"])
    assert result.exit_code == 0 and "created" in result.output
    again = runner.invoke(args=["create-admin", "--email", "ops@example.com"])
    assert again.exit_code == 0 and "promoted" in again.output
    bad = runner.invoke(args=["create-admin", "--email", "not-an-email@", "--password", "long enough 1"])
    assert bad.exit_code != 0 and "not a valid email" in bad.output
    with app.app_context():
        assert get_session().scalar(select(User.is_site_admin).where(User.email == "ops@example.com")) is True


def test_console_script_init_db_on_a_fresh_instance(tmp_path):
    env = dict(os.environ, LMS_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("LMS_DATABASE_URL", None)
    lms = [sys.executable, "-m", "lms.cli"]
    result = subprocess.run([*lms, "init-db"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "latest schema" in result.stdout
    assert (tmp_path / "instance" / "lms.sqlite3").exists()
    assert (tmp_path / "instance" / "pii_key").exists()


def test_help_lists_the_sites_commands_only_and_writes_nothing(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    for name in ("LMS_INSTANCE_PATH", "LMS_DEV_COMMANDS"):
        env.pop(name, None)
    lms = [sys.executable, "-m", "lms.cli"]
    shown = subprocess.run([*lms, "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    commands = _commands_in(shown.stdout)
    assert {"init-db", "courses", "serve", "notifications", "mail", "witness", "static"} <= commands
    assert not commands & {"run", "routes", "shell", "limiter"}
    assert "--env-file" not in shown.stdout and "--app" not in shown.stdout
    assert list(tmp_path.iterdir()) == []  # no instance folder, no keys
    env["LMS_DEV_COMMANDS"] = "1"
    developer = subprocess.run([*lms, "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert {"run", "routes", "shell"} <= _commands_in(developer.stdout)
    assert "--env-file" in developer.stdout


def _commands_in(help_text: str) -> set[str]:
    return {line.split()[0] for line in help_text.split("Commands:")[1].splitlines() if line.strip()}


def test_demo_refuses_to_run_in_production(database_url, tmp_path, app_factory):
    from tests.web.test_production import production_config

    app = app_factory(production_config(database_url, tmp_path))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refuses to run with LMS_ENV=production" in result.output and "lms create-admin" in result.output
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(User)) == 0
