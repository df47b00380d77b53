"""The life of a job: created with the data (the outbox), relayed after the commit, claimed by one worker, its
progress recorded, finished once, retried with back-off or given up with a message, and swept back onto the queue
when its message was lost (a worker killed mid-job, a queue that was down at the commit).

Every state change is a conditional UPDATE on the job's row, so the database, not the queue, decides who runs a
job: two workers given the same message (the relay and the sweep both sent it) run it once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, case, event, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lms.db import utcnow
from lms.errors import NotFound
from lms.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job

log = logging.getLogger("lms.jobs")

#: A claimed job belongs to its worker this long after the claim or the last progress report.
LEASE = timedelta(minutes=5)
#: A queued job nobody took this long after its commit (or its last relay) is put on the queue again.
STALE = timedelta(seconds=60)
#: Back-off after failed attempt n: BACKOFF_FIRST * BACKOFF_FACTOR ** (n - 1), at most BACKOFF_MAX.
BACKOFF_FIRST = timedelta(seconds=10)
BACKOFF_FACTOR = 4
BACKOFF_MAX = timedelta(hours=1)
_NEW = "lms.jobs.new"
_HOOKED = "lms.jobs.hooked"

#: Relays a job id to the queue: ``relay(job_id, eta=None)``.
Relay = Callable[..., None]


class LostClaim(Exception):
    """Another worker holds the job now (this one's lease ran out): this attempt stops and writes nothing."""


def new_worker_id() -> str:
    return uuid.uuid4().hex


def backoff(attempt: int) -> timedelta:
    return min(BACKOFF_FIRST * BACKOFF_FACTOR ** max(attempt - 1, 0), BACKOFF_MAX)


# --- the outbox: created with the data, relayed after the commit ---------------------------------------------


def create(session: Session, relay: Relay, kind: str, *, org_id: int | None = None, user_id: int | None = None,
           label: str = "", args: dict | None = None, payload: bytes | None = None,
           max_attempts: int = 5) -> Job:  # fmt: skip
    """Add a job to the caller's transaction. It reaches the queue only if that transaction commits."""
    job = Job(kind=kind, org_id=org_id, user_id=user_id, label=label[:200], args=args or {}, payload=payload,
              state=QUEUED, max_attempts=max_attempts, available_at=utcnow())  # fmt: skip
    session.add(job)
    session.flush()
    session.info.setdefault(_NEW, []).append(job.id)
    if not session.info.get(_HOOKED):
        session.info[_HOOKED] = True
        event.listen(session, "after_commit", lambda committed: _relay_new(committed, relay))
        event.listen(session, "after_rollback", lambda rolled_back: _forget_new(rolled_back))
    return job


def outermost_ended(session: Session) -> bool:
    """In an after_commit or after_rollback hook: True when the whole transaction ended, False when only a
    savepoint (``begin_nested``) did and the outer transaction goes on."""
    return session.get_nested_transaction() is None


def _forget_new(session: Session) -> None:
    if outermost_ended(session):
        session.info.pop(_NEW, None)


def _relay_new(session: Session, relay: Relay) -> None:
    if not outermost_ended(session):
        return  # a savepoint was released: the jobs are not committed yet
    for job_id in session.info.pop(_NEW, None) or []:
        try:
            relay(job_id)
        except Exception:  # the job is committed; the sweep puts it on the queue within a minute or two
            log.exception("job %s not relayed to the queue; the sweep will", job_id)


def sweep(session: Session, relay: Relay, now: datetime | None = None) -> int:
    """Put back on the queue every job whose message was lost: queued and due but not taken for STALE, or running
    under a lease that ran out (its worker died). Safe to run anywhere, any time: a duplicate message is refused
    by the claim."""
    now = now or utcnow()
    stale = now - STALE
    lost = or_(
        and_(Job.state == QUEUED, Job.available_at <= now, func.coalesce(Job.relayed_at, Job.created_at) < stale),
        and_(Job.state == RUNNING, Job.claimed_until < now),
    )
    ids = list(session.scalars(select(Job.id).where(lost).order_by(Job.id).limit(1000)))
    if ids:
        session.execute(update(Job).where(Job.id.in_(ids)).values(relayed_at=now)
                        .execution_options(synchronize_session=False))  # fmt: skip
    session.commit()
    for job_id in ids:
        relay(job_id)
    return len(ids)


# --- one attempt ----------------------------------------------------------------------------------------------


def claim(session: Session, job_id: int, worker: str, now: datetime | None = None) -> Job | None:
    """Take the job for this attempt, or None: done, failed, held by a live worker, or not due yet."""
    now = now or utcnow()
    free = or_(and_(Job.state == QUEUED, Job.available_at <= now), and_(Job.state == RUNNING, Job.claimed_until < now))
    taken = session.execute(
        update(Job).where(Job.id == job_id, free)
        .values(state=RUNNING, claimed_by=worker, claimed_until=now + LEASE, attempts=Job.attempts + 1,
                started_at=func.coalesce(Job.started_at, now))
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    session.commit()
    if taken != 1:
        return None
    job = session.get(Job, job_id, populate_existing=True)
    if job.attempts > job.max_attempts:  # its workers kept dying: stop trying
        give_up(session, job, worker, {"code": "gave_up", "detail": "the worker stopped during every attempt"})
        session.commit()
        return None
    return job


def report_progress(engine: Engine, job_id: int, worker: str, done: int, total: int) -> None:
    """Record rows done (in its own short transaction, so a page polling sees it at once) and extend the lease."""
    now = utcnow()
    with engine.begin() as conn:
        held = conn.execute(
            update(Job).where(Job.id == job_id, Job.claimed_by == worker, Job.state == RUNNING)
            .values(progress_done=done, progress_total=total, claimed_until=now + LEASE)
        ).rowcount  # fmt: skip
    if held != 1:
        raise LostClaim(job_id)


def _mine(session: Session, job: Job, worker: str, **values) -> None:
    changed = session.execute(
        update(Job).where(Job.id == job.id, Job.claimed_by == worker, Job.state == RUNNING).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    if changed != 1:
        raise LostClaim(job.id)
    session.refresh(job)


def finish(session: Session, job: Job, worker: str, result_ref: str | None, output: bytes | None = None) -> None:
    """Mark the job done in the transaction that holds its work: both commit, or neither. Its input is dropped;
    ``output`` (what its page shows, encrypted) takes its place."""
    _mine(session, job, worker, state=DONE, result_ref=result_ref, payload=output, error=None, claimed_until=None,
          finished_at=utcnow(), progress_done=case((Job.progress_total > Job.progress_done, Job.progress_total),
                                                   else_=Job.progress_done))  # fmt: skip


def give_up(session: Session, job: Job, worker: str, error: dict) -> None:
    """The job failed for good: its error is kept for the person who started it; its input is dropped."""
    _mine(session, job, worker, state=FAILED, error=error, payload=None, claimed_until=None, finished_at=utcnow())


def retry_later(session: Session, job: Job, worker: str, error: dict) -> datetime | None:
    """After a failed attempt: queued again after the back-off (the last error kept), or given up when it was the
    last attempt. Returns when to run again, or None."""
    if job.attempts >= job.max_attempts:
        give_up(session, job, worker, {**error, "code": "gave_up"})
        return None
    when = utcnow() + backoff(job.attempts)
    _mine(session, job, worker, state=QUEUED, error=error, available_at=when, relayed_at=when, claimed_by=None,
          claimed_until=None)  # fmt: skip
    return when


# --- reading ------------------------------------------------------------------------------------------------------


def get_job(session: Session, org_id: int, job_id: int, kind: str) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.org_id != org_id or job.kind != kind:
        raise NotFound("no such job in this organisation")
    return job


def open_jobs(session: Session, org_id: int, kind: str, limit: int = 20) -> list[Job]:
    """The organisation's jobs of this kind that are waiting, running or failed (finished ones show their result)."""
    return list(session.scalars(
        select(Job).where(Job.org_id == org_id, Job.kind == kind, Job.state != DONE).order_by(Job.id.desc()).limit(limit)
    ))  # fmt: skip


def percent(job: Job) -> int:
    if job.state == DONE:
        return 100
    return int(100 * job.progress_done / job.progress_total) if job.progress_total else 0
