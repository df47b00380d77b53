"""Sending mail: to the database outbox in development, over SMTP in production.

In production a message is first written to the outbox table in the request's own transaction, together with a
background job (lms.jobs) that sends it over SMTP once that transaction commits: a request that fails sends nothing
(no reset or invitation link that leads nowhere), a big batch (an import of 2,000 hosts) never holds up the request,
and a mail server that is down loses nothing (the job tries again after its back-off, and ``lms mail send-pending``
from cron). Once sent, the body is cleared: reset and invitation links are not kept longer than needed.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from lms.config import Config
from lms.db import utcnow
from lms.jobs.runner import JobContext, handler, periodic
from lms.mail.models import OutboxMessage

log = logging.getLogger("lms.mail")
KIND = "mail.send"
_JOB_QUEUED = "lms.mail.job-queued"
_HOOKED = "lms.mail.hooked"
#: After this many failed tries a message stays in the table, marked, for an operator to look at.
MAX_ATTEMPTS = 8
#: A sender that dies between claiming a message and recording it sent loses its claim after this long.
CLAIM = timedelta(minutes=10)


def send_message(session: Session | None, cfg: Config, recipient: str, subject: str, body: str) -> None:
    """Send (or, in development, store) one message. Bodies may hold secrets (reset links): never logged."""
    if cfg.mail_backend == "outbox":
        session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
        session.flush()
        log.info("message stored in the outbox (subject %r)", subject)
        return
    if "@" not in recipient:
        # No SMS gateway is configured: a phone-only account cannot receive messages in production.
        log.warning("no channel for a phone-only recipient; message not sent (subject %r)", subject)
        return
    if session is None:  # outside any transaction (a command-line test message): send now
        _smtp_send(cfg, recipient, subject, body)
        return
    session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
    session.flush()
    if not session.info.get(_JOB_QUEUED):  # one job sends every message of this transaction
        from lms.jobs.queue import enqueue

        enqueue(session, KIND)
        session.info[_JOB_QUEUED] = True
        if not session.info.get(_HOOKED):
            session.info[_HOOKED] = True
            for name in ("after_commit", "after_rollback"):
                event.listen(session, name, _job_sent_or_dropped)


def _job_sent_or_dropped(session: Session) -> None:
    from lms.jobs.services import outermost_ended

    if outermost_ended(session):  # the next transaction that mails needs its own job
        session.info.pop(_JOB_QUEUED, None)


@handler(KIND)
def send_job(ctx: JobContext) -> None:
    """The mail job: send whatever waits (this transaction's messages and any left over). A message the server
    refused makes the attempt fail, so the job tries again after its back-off; cron's send-pending does too."""
    sent, failed = send_pending(ctx.session, ctx.app.config["LMS"])
    if failed:
        raise MailNotSent(f"{failed} message(s) not sent, {sent} sent")


class MailNotSent(Exception):
    pass


@periodic("lms.mail.send_pending", minute="*/10")
def send_pending_periodically(app) -> None:
    """What cron's `lms mail send-pending` does, in the workers: mail whose job gave up is tried again."""
    cfg = app.config["LMS"]
    if cfg.mail_backend == "outbox":
        return
    with app.app_context():
        from lms.db import get_session

        send_pending(get_session(), cfg)


def send_pending(session: Session, cfg: Config, ids: list[int] | None = None) -> tuple[int, int]:
    """Send queued messages (all, or those ``ids``); (sent, failed). Each is claimed first, so two runs never
    send one twice."""
    def free(now):
        return (OutboxMessage.sent_at.is_(None) & (OutboxMessage.attempts < MAX_ATTEMPTS)
                & (OutboxMessage.claimed_until.is_(None) | (OutboxMessage.claimed_until < now)))  # fmt: skip

    query = select(OutboxMessage.id).where(free(utcnow()))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    sent = failed = 0
    for message_id in session.scalars(query.order_by(OutboxMessage.id)).all():
        now = utcnow()
        claimed = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, free(now))
            .values(claimed_until=now + CLAIM, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        session.commit()
        if claimed != 1:  # another sender has it
            continue
        message = session.get(OutboxMessage, message_id)
        try:
            _smtp_send(cfg, message.recipient, message.subject, message.body)
        except OSError as exc:  # smtplib's errors are OSErrors too
            message.claimed_until, message.last_error = None, f"{type(exc).__name__}: {exc}"[:200]
            log.warning("message %s not sent (%s); `lms mail send-pending` tries again", message_id, type(exc).__name__)
            failed += 1
        else:
            message.sent_at, message.body, message.last_error = utcnow(), "", None
            sent += 1
        session.commit()
    return sent, failed


def queue_state(session: Session) -> tuple[int, int]:
    """(waiting, given up): messages not sent yet that a sender will still try, and those past MAX_ATTEMPTS that
    wait for an operator. Meaningful for SMTP only: the development outbox never sends."""
    unsent = select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
    waiting = session.scalar(unsent.where(OutboxMessage.attempts < MAX_ATTEMPTS)) or 0
    given_up = session.scalar(unsent.where(OutboxMessage.attempts >= MAX_ATTEMPTS)) or 0
    return waiting, given_up


def _smtp_send(cfg: Config, recipient: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = cfg.mail_sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=15) as smtp:
        if cfg.smtp_starttls:
            smtp.starttls()
        if cfg.smtp_user:
            smtp.login(cfg.smtp_user, cfg.smtp_password or "")
        smtp.send_message(message)
    log.info("message sent by SMTP (subject %r)", subject)
