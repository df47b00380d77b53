"""``lms skills profile EMAIL --json``: a host's T-profile for scripts."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from lms.accounts.identifiers import BadIdentifier, parse_identifier
from lms.accounts.services import find_user
from lms.db import get_session
from lms.skills.services import host_profile


@click.group("skills")
def skills() -> None:
    """Skill profiles."""


@skills.command("profile")
@click.argument("login")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (vertical, horizontal, shape, next).")
@with_appcontext
def profile_command(login: str, as_json: bool) -> None:
    """The T-profile of the account with this email or mobile number."""
    session = get_session()
    try:
        user = find_user(session, parse_identifier(login))
    except BadIdentifier:
        user = None
    if user is None:
        raise click.ClickException(f"no account {login}")
    data = host_profile(session, user.id).as_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"shape: {data['shape']}; next: {', '.join(data['next']) or '-'}")
    for row in data["vertical"] + data["horizontal"]:
        click.echo(f"  {row['skill']:<18} {row['level']:<11} mastery {row['mastery']:.2f} confidence {row['confidence']:.2f}")
