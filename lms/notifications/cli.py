"""``lms notifications send-due``: the deadline reminders and the mails still owed, for cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.db import get_session
from lms.notifications import services


@click.group("notifications")
def notifications() -> None:
    """In-app notifications and their mails."""


@notifications.command("send-due")
@click.option("--days-before", type=click.IntRange(min=0), default=None,
              help="Remind hosts this many China days before a deadline (default: LMS_DEADLINE_NOTICE_DAYS, 3).")
@with_appcontext
def send_due_command(days_before: int | None) -> None:
    """Create due deadline reminders and send the mails still owed. Idempotent: run it from cron, e.g. hourly."""
    cfg = current_app.config["LMS"]
    session = get_session()
    report = services.send_due(session, cfg, days_before=cfg.deadline_notice_days if days_before is None else days_before)
    session.commit()
    click.echo(f"{report.created} notification(s) created, {report.mailed} mail(s) sent, "
               f"{report.mail_failed} mail(s) failed (tried again next run)")
