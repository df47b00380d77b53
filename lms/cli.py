"""The ``lms`` command: the platform's own commands. Commands are thin: they call services and commit once.

Flask's development commands and options (``run``, ``routes``, ``shell``, ``--app``, ``--env-file``, ``--debug``) are
shown only to developers who set ``LMS_DEV_COMMANDS=1``. Listing the commands (``lms --help``) builds no app, so it
writes nothing anywhere; a command that needs the app builds it (``@with_appcontext``).
"""

from __future__ import annotations

import getpass
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from lms.db import get_session


def _create_app() -> Flask:
    from lms import create_app

    return create_app()


def developer_commands() -> bool:
    return os.environ.get("LMS_DEV_COMMANDS", "").strip().lower() in ("1", "true", "yes", "on")


class SiteGroup(FlaskGroup):
    """Flask's command group with the site's commands only, unless LMS_DEV_COMMANDS is set."""

    def __init__(self, **extra) -> None:
        self.developer = developer_commands()
        super().__init__(create_app=_create_app, add_version_option=False, add_default_commands=self.developer,
                         load_dotenv=self.developer, set_debug_flag=self.developer, **extra)  # fmt: skip
        if not self.developer:
            self.params = [p for p in self.params if p.name not in ("env_file", "app", "debug")]
        self._site_commands_added = False

    def _add_site_commands(self) -> None:
        if not self._site_commands_added:
            self._site_commands_added = True
            register_commands(self)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._add_site_commands()
        if self.developer:
            return super().get_command(ctx, name)
        return click.Group.get_command(self, ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_site_commands()
        if self.developer:
            return super().list_commands(ctx)
        return click.Group.list_commands(self, ctx)


@click.group(cls=SiteGroup)
def main() -> None:
    """Learning platform for e-commerce live-streaming hosts."""


def register_commands(target: Flask | click.Group) -> None:
    group = target.cli if isinstance(target, Flask) else target
    from lms.bureau.cli import bureau
    from lms.catalogue.cli import courses
    from lms.certificates.cli import certificates
    from lms.jobs.cli import worker_command
    from lms.evidence.cli import evidence
    from lms.mail.cli import mail
    from lms.notifications.cli import notifications
    from lms.quizzes.cli import gift
    from lms.site.cli import static_group
    from lms.scriptcheck.cli import script
    from lms.skills.cli import skills
    from lms.transparency.cli import witness_command, witness_keygen_command
    from lms.trust.cli import keys_group, verify_badge_command, verify_command
    from lms.wellbeing.cli import instruments

    for command in (init_db, create_admin, demo, serve, courses, gift, certificates, skills, keys_group, verify_command,
                    verify_badge_command, bureau, witness_command, witness_keygen_command, notifications, mail, static_group, script, worker_command, evidence,
                    instruments):
        group.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations to head)."""
    from lms.migrate import upgrade

    upgrade(current_app.config["LMS"].database_url)
    click.echo("Database is at the latest schema.")


@click.command("create-admin")
@click.option("--email", required=True, help="Login email of the site admin.")
@click.option("--name", default="Site admin", show_default=True, help="Display name.")
@click.option("--password", default=None, help="Password; asked for when not given.")
@with_appcontext
def create_admin(email: str, name: str, password: str | None) -> None:
    """Create a site admin, or make an existing account one."""
    from lms.accounts import services
    from lms.errors import DomainError

    session = get_session()
    try:
        ident = services.identifier_or_error(email)
        user = services.find_user(session, ident)
        if user is None:
            if password is None:
                password = getpass.getpass("Password: ")
            user = services.register_user(session, display_name=name, login=email, password=password)
            verb = "created"
        else:
            verb = "promoted"
        user.is_site_admin = True
        session.commit()
    except DomainError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.field or 'input'}: {exc.message}") from None
    click.echo(f"Site admin {verb}: {user.email}")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load demo organisations and accounts (idempotent) and print the logins."""
    from lms.demo import load_demo

    cfg = current_app.config["LMS"]
    if cfg.is_production:
        raise click.ClickException(
            "lms demo refuses to run with LMS_ENV=production: it creates a site admin and other accounts whose "
            "password is published (demo-pass-2026). Create the first admin with `lms create-admin` instead."
        )
    session = get_session()
    summary = load_demo(session, current_app.extensions["lms.pii"], cfg=cfg)
    session.commit()
    click.echo(f"Catalogue: {summary.courses} course(s) from courses/ ({summary.catalogue_note})")
    click.echo(f"Demo data ready at {cfg.base_url}  (password for every demo account: {summary.password})")
    for role, login in summary.logins:
        click.echo(f"  {role:<18} {login}")
    for label, number in summary.certificates:
        click.echo(f"  {label:<18} {cfg.base_url}/verify/{number}")
    if cfg.mail_backend == "outbox":
        click.echo(f"  Mail outbox (password reset and invitation links): {cfg.base_url}/dev/outbox")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Run background jobs in this process too (no separate `lms worker` needed).")
@with_appcontext
def serve(host: str, port: int, worker: bool) -> None:
    """Start the development server (production: gunicorn 'lms:create_app()', see docs/operations.md)."""
    import os

    from werkzeug.serving import run_simple

    from lms.jobs.queue import IMMEDIATE, current_queue

    if not os.environ.get("LMS_BASE_URL"):
        # Links in mail, QR codes and credentials must point at this server, not the default port.
        current_app.config["LMS"].base_url = f"http://{host}:{port}"
    consumer = None
    if worker and current_queue().url != IMMEDIATE:
        consumer = current_queue().start_in_background(workers=1)
        click.echo("Background jobs run in this process (a worker thread).")
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    sys.stdout.flush()
    try:
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


if __name__ == "__main__":
    main()
