"""``lms certificates list|show|revoke``: operator commands on the server."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms import certnumbers
from lms.certificates import services
from lms.certificates.models import REVOCATION_CATEGORIES, Certificate
from lms.db import get_session
from lms.errors import DomainError, NotFound


@click.group("certificates")
def certificates() -> None:
    """Issued certificates."""


@certificates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """Every certificate: number, status, course, issue date (public fields only)."""
    session = get_session()
    rows = [services.public_record(session, c) for c in session.scalars(select(Certificate).order_by(Certificate.id))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['number']}  {row['status']:<10} {row['issued_at'][:10]}  {row['course']['title']}")


@certificates.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def show_command(number: str, as_json: bool) -> None:
    """The full frozen record, including the holder's legal name (for operators only)."""
    session = get_session()
    try:
        certificate = services.get_by_number(session, number)
    except NotFound:
        raise click.ClickException(f"no certificate {number}") from None
    record = services.operator_record(session, certificate)
    click.echo(json.dumps(record, ensure_ascii=False, indent=2 if as_json else None))


@certificates.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Why, in detail; for staff only.")
@click.option("--category", type=click.Choice(REVOCATION_CATEGORIES), default="other", show_default=True,
              help="What everyone who checks the certificate is told.")
@with_appcontext
def revoke_command(number: str, reason: str, category: str) -> None:
    """Revoke a certificate now."""
    session = get_session()
    try:
        certificate = services.get_by_number(session, number)
        services.revoke(session, certificate, None, reason, current_app.config["LMS"], category=category)
    except NotFound:
        raise click.ClickException(f"no certificate {number}") from None
    except DomainError as exc:
        session.rollback()
        click.echo(f"refused: {exc.message}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(f"revoked {certnumbers.format(certificate.number)}: {reason}")
    click.echo(f"check it: {current_app.config['LMS'].base_url.rstrip('/')}/verify/{certnumbers.format(certificate.number)}")


@certificates.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["ob3"]), default="ob3", show_default=True)
@with_appcontext
def export_command(number: str, fmt: str) -> None:
    """Print the signed Open Badges 3.0 credential of a certificate."""
    session = get_session()
    try:
        certificate = services.get_by_number(session, number)
    except NotFound:
        raise click.ClickException(f"no certificate {number}") from None
    if not certificate.credential:
        raise click.ClickException("this certificate was issued before credentials were signed")
    click.echo(json.dumps(json.loads(certificate.credential), ensure_ascii=False, indent=2))
