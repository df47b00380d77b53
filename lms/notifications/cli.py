"""``lms notifications send-due``: the deadline reminders and the mails still owed, for cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import get_session
from lms.mail.services import queue_state
from lms.notifications import services


@click.group("notifications")
def notifications() -> None:
    """In-app notifications and their mails."""


@notifications.command("send-due")
@click.option("--days-before", type=click.IntRange(min=0), default=None,
              help="Remind hosts this many China days before a deadline (default: LMS_DEADLINE_NOTICE_DAYS, 3).")
@with_appcontext
def send_due_command(days_before: int | None) -> None:
    """Create due deadline reminders and queue the mails still owed. Idempotent: run it from cron, e.g. hourly."""
    cfg = current_app.config["LMS"]
    session = get_session()
    report = services.send_due(session, cfg, days_before=cfg.deadline_notice_days if days_before is None else days_before)
    session.commit()  # the mail job sends what was queued once this commits
    click.echo(f"{report.created} notification(s) created.")
    if cfg.mail_backend == "outbox":
        click.echo(f"{report.mails_queued} mail(s) put in the development outbox (/dev/outbox): not sent.")
    else:
        waiting, given_up = queue_state(session)
        click.echo(f"{report.mails_queued} mail(s) queued for sending by the mail job; "
                   f"the mail queue now has {waiting} message(s) waiting to be sent"
                   + (f" and {given_up} given up (see `lms mail send-pending`)." if given_up else "."))
    if report.mails_not_queued:
        click.echo(f"{report.mails_not_queued} mail(s) could not be queued: the next run tries again.")
