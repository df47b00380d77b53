"""Running one job: claim it, call its kind's handler in the language of the person who started it, then finish,
retry after the back-off, or give up with a message. Features register their handlers here (``@handler(kind)``),
so this module imports none of them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from flask import Flask
from flask_babel import force_locale
from sqlalchemy.orm import Session

from lms.db import get_session
from lms.jobs import services
from lms.jobs.models import Job
from lms.jobs.services import LostClaim

log = logging.getLogger("lms.jobs")


class JobFailed(Exception):
    """A failure that trying again cannot fix (a file that cannot be read): the job stops at once. What the
    handler wrote before raising (an audit row) is committed with the failure."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.error = {"code": code, "detail": detail[:500]}


@dataclass
class JobContext:
    app: Flask
    session: Session
    job: Job
    worker: str
    #: What the job leaves for its page (encrypted by the handler), kept in place of its input.
    output: bytes | None = None

    def progress(self, done: int, total: int) -> None:
        """Rows done of total, visible at once to a page that polls; raises LostClaim if another worker took over.
        It commits on a connection of its own: call it before the job writes in its session (SQLite has one writer;
        finishing marks every row done anyway)."""
        services.report_progress(self.session.get_bind(), self.job.id, self.worker, done, total)


#: kind -> handler(context) returning a reference to what the job made ("bulk_check:12") or None.
HANDLERS: dict[str, Callable[[JobContext], str | None]] = {}


#: name -> (crontab fields, task(app)): run by every worker's scheduler, so each must be idempotent.
PERIODIC: dict[str, tuple[dict, Callable[[Flask], None]]] = {}


def periodic(name: str, **when):
    """Run ``task(app)`` on a schedule in the workers (``when``: huey crontab fields, e.g. minute="*/10")."""
    def register(task: Callable[[Flask], None]):
        PERIODIC[name] = (when, task)
        return task

    return register


def handler(kind: str):
    def register(fn: Callable[[JobContext], str | None]):
        HANDLERS[kind] = fn
        return fn

    return register


def execute(app: Flask, relay: services.Relay, job_id: int) -> None:
    """The body of every queued message. Runs the job if this attempt can claim it; never raises."""
    with app.app_context():
        session = get_session()
        worker = services.new_worker_id()
        job = services.claim(session, job_id, worker)
        if job is None:
            return  # done, failed, held by a live worker, or not due yet
        try:
            run = HANDLERS[job.kind]
            context = JobContext(app, session, job, worker)
            with force_locale(job.args.get("locale") or app.config["LMS"].default_locale):
                result = run(context)
            services.finish(session, job, worker, result, output=context.output)
            session.commit()
        except LostClaim:
            session.rollback()
            log.warning("job %s: another worker took it over; this attempt wrote nothing", job_id)
        except JobFailed as exc:
            _settle(session, job_id, lambda: services.give_up(session, job, worker, exc.error))
        except Exception as exc:  # noqa: BLE001 - any other failure is tried again after the back-off
            session.rollback()
            log.exception("job %s (%s) attempt %s failed", job_id, job.kind, job.attempts)
            when = _settle(session, job_id, lambda: services.retry_later(
                session, job, worker, {"code": "error", "detail": f"{type(exc).__name__}: {exc}"[:300]}))  # fmt: skip
            if when is not None:
                relay(job_id, eta=when)


def _settle(session: Session, job_id: int, change: Callable):
    try:
        outcome = change()
        session.commit()
        return outcome
    except LostClaim:
        session.rollback()
        log.warning("job %s: another worker took it over before this attempt recorded its failure", job_id)
        return None
