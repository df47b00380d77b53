"""``lms bureau token create``: an API token for a labor bureau's own system, printed once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.db import get_session
from lms.errors import DomainError
from lms.orgs.models import Organisation, OrgKind


@click.group("bureau")
def bureau() -> None:
    """Labor-bureau operations."""


@bureau.group("token")
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--org", "slug", required=True, help="The bureau organisation's short name.")
@click.option("--name", required=True, help="What the token is for, e.g. the bureau system that uses it.")
@with_appcontext
def create(slug: str, name: str) -> None:
    """Create a token and print it once: it is stored only hashed."""
    from lms.bureau import services

    session = get_session()
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None or org.kind != OrgKind.BUREAU:
        raise click.ClickException(f"no labor bureau '{slug}'")
    try:
        record, secret = services.create_token(session, org_id=org.id, name=name, created_by_id=None)
    except DomainError as exc:
        raise click.ClickException(str(exc.message)) from None
    services.audit(session, org_id=org.id, action="token_created", detail={"token": record.id, "name": name, "via": "cli"})
    session.commit()
    click.echo(secret)
    click.echo(f"(token {record.prefix}… for {org.name}; store it now: it cannot be shown again)", err=True)
