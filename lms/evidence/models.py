"""Study policies of organisations and cohorts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class StudyPolicyRecord(Base):
    """An organisation's default study policy (``cohort_id`` empty) or a cohort's override.

    ``scope`` is ``org:<id>`` or ``cohort:<id>``, unique; ``version`` counts the saves, so a certificate's
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
