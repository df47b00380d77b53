"""Study policies of organisations and cohorts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class StudyPolicyRecord(Base):
    """An organisation's default study policy (``cohort_id`` empty), a cohort's override, or the policy a bureau
    requires for a cohort submitted to it (``org_id`` is then the bureau's).

    ``scope`` is ``org:<id>``, ``cohort:<id>`` or ``required:<submission id>``, unique; ``version`` counts the saves, so a certificate's
    snapshot names exactly which version its hours were earned under.
    """

    __tablename__ = "study_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    class_hour_minutes: Mapped[int] = mapped_column(Integer)
    daily_max_minutes: Mapped[int] = mapped_column(Integer)
    presence_interval_minutes: Mapped[int] = mapped_column(Integer)
    presence_answer_seconds: Mapped[int] = mapped_column(Integer)
    identity_at_start: Mapped[bool] = mapped_column(Boolean, default=False)
    identity_random: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_years: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PresenceCheck(Base):
    """One presence check: shown to the host during a lesson, then answered, answered wrongly or missed."""

    __tablename__ = "presence_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: What the page was shown (kind, values, choices): never the answer.
    prompt: Mapped[dict] = mapped_column(JSON)
    #: The right answer, kept on the server.
    answer: Mapped[str] = mapped_column(String(8))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Seconds withdrawn from the host's study time when this check was missed (credit since the last answered one).
    withdrawn_seconds: Mapped[int] = mapped_column(Integer, default=0)


class PresenceState(Base):
    """Per host: when the next presence check is due and what was credited since the last answered one."""

    __tablename__ = "presence_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Credit stops after a missed or wrong check until the host answers the next one.
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Seconds credited since the last answered check, as {"<lesson id>:<YYYY-MM-DD>": seconds}: what a miss withdraws.
    since_answered: Mapped[dict] = mapped_column(JSON, default=dict)


class LessonSession(Base):
    """One sitting on a lesson page: from its first heartbeat until a gap longer than the study gap.

    It keeps what a reviewer needs: start and end, beats, seconds credited, how far the page was scrolled, the
    last beat-to-beat gaps the server saw, and the automation flags raised (see lms/evidence/automation.py).
    """

    __tablename__ = "lesson_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    beats: Mapped[int] = mapped_column(Integer, default=0)
    credited_seconds: Mapped[int] = mapped_column(Integer, default=0)
    #: The deepest scroll reported, in percent of the page.
    max_scroll: Mapped[int] = mapped_column(Integer, default=0)
    scrollable: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The last beat-to-beat gaps in milliseconds, as the server measured them.
    gaps_ms: Mapped[list] = mapped_column(JSON, default=list)
    flags: Mapped[list] = mapped_column(JSON, default=list)


class ProcessRecord(Base):
    """A host's process record (培训过程记录) as sealed when their certificate was issued.

    ``body`` is the record's canonical JSON (JCS); ``sha256`` its digest, which the transparency log's ``process``
    entry at ``log_index`` also holds, so an edit of the body is detected.
    """

    __tablename__ = "process_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    log_index: Mapped[int | None] = mapped_column(Integer)


class IdentityCheck(Base):
    """An identity check at a lesson: the provider's verdict, and the snapshot only if the host consented.

    ``image`` is the JPEG, base64, encrypted with the PII cipher (context ``identity:<user id>``); it is removed when
    the retention period ends or the consent is withdrawn. ``review`` is a reviewer's judgement (``not_host``).
    """

    __tablename__ = "identity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    moment: Mapped[str] = mapped_column(String(12))
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review: Mapped[str | None] = mapped_column(String(20))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
