"""The jobs table: the outbox the web requests write to, and what people see of long work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(Base):
    """One piece of background work. Written in the transaction of the data it acts on (so a request that fails
    leaves no job, and a job never points at data that was not committed); a worker claims it with a conditional
    update, so it runs to completion once however often its message is delivered."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_available_at", "state", "available_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What to run, e.g. "bureau.bulk_check" or "mail.send".
    kind: Mapped[str] = mapped_column(String(40))
    #: Whose work it is: only members of this organisation see it.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Shown to people (a file name); never personal data.
    label: Mapped[str] = mapped_column(String(200), default="")
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The input (an uploaded file), encrypted with the PII key; when the job is done, what its page shows (also
    #: encrypted), or nothing.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(12), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    #: Not run before this time (the back-off after a failed attempt).
    available_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The attempt that holds the job, and until when: a worker that died loses it when this passes.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the sweep last put the job on the queue again (None: only the relay after the commit did).
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    #: What went wrong, as a code and a detail that the page words in the reader's language.
    error: Mapped[dict | None] = mapped_column(JSON)
    #: What the job made, e.g. "bulk_check:12".
    result_ref: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
