"""The ``lms`` command: Flask's CLI group plus the platform's own commands. Commands are thin: they call services
and commit once."""

from __future__ import annotations

import getpass
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from lms.db import get_session


def _create_app() -> Flask:
    from lms import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Learning platform for e-commerce live-streaming hosts."""


def register_commands(app: Flask) -> None:
    from lms.bureau.cli import bureau
    from lms.catalogue.cli import courses
    from lms.certificates.cli import certificates
    from lms.evidence.cli import evidence
    from lms.mail.cli import mail
    from lms.notifications.cli import notifications
    from lms.quizzes.cli import gift
    from lms.skills.cli import skills
    from lms.transparency.cli import witness_command, witness_keygen_command
    from lms.trust.cli import keys_group, verify_command

    for command in (init_db, create_admin, demo, serve, courses, gift, certificates, skills, keys_group, verify_command,
                    bureau, witness_command, witness_keygen_command, notifications, mail, evidence):
        app.cli.add_command(command)


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

    session = get_session()
    cfg = current_app.config["LMS"]
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
@with_appcontext
def serve(host: str, port: int) -> None:
    """Start the development server (production: gunicorn wsgi:app, see README)."""
    import os

    from werkzeug.serving import run_simple

    if not os.environ.get("LMS_BASE_URL"):
        # Links in mail, QR codes and credentials must point at this server, not the default port.
        current_app.config["LMS"].base_url = f"http://{host}:{port}"
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    sys.stdout.flush()
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
