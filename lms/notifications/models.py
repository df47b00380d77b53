"""A notification for one person: what happened (kind and parameters, rendered when read), where to look, and
whether it was read and mailed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    #: The same event never notifies the same person twice, whichever worker or cron run sees it first.
    __table_args__ = (UniqueConstraint("user_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: One of lms.notifications.schedule.KINDS.
    kind: Mapped[str] = mapped_column(String(32))
    #: What the event is about, e.g. "cohort-course:12", "certificate:5", "attempt:9".
    subject: Mapped[str] = mapped_column(String(64))
    #: The parameters of the text (course titles in both languages, dates, names): the text itself is rendered in
    #: the reader's language when it is shown or mailed.
    params: Mapped[dict] = mapped_column(JSON)
    #: A path on this site (the course, the certificates, the grading queue).
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A mail is owed (the person has an email address and wants mails) and lms.mail has not taken it yet.
    mail_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When lms.mail took the mail (queued in the outbox; the mail job sends it after the commit, see lms.mail).
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
