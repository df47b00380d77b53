"""``lms mail send-pending``: send the mail still waiting in the queue (the mail server was down), for cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import get_session


@click.group("mail")
def mail() -> None:
    """Outgoing mail."""


@mail.command("send-pending")
@with_appcontext
def send_pending_command() -> None:
    """Send queued messages that could not be sent when their request committed. Safe to run at any time."""
    from lms.mail.services import send_pending

    cfg = current_app.config["LMS"]
    if cfg.mail_backend == "outbox":
        click.echo("Mail goes to the development outbox: nothing to send.")
        return
    sent, failed = send_pending(get_session(), cfg)
    click.echo(f"{sent} message(s) sent, {failed} failed (tried again next run)")
