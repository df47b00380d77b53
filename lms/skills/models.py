"""A host's skill settings (chosen verticals, sharing) and trainers' rubric assessments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class SkillSettings(Base):
    __tablename__ = "skill_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: One or two vertical skill ids (product categories) the host is building depth in.
    verticals: Mapped[list] = mapped_column(JSON, default=list)
    #: Secret for the read-only shared profile link; NULL while the profile is private.
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SkillAssessment(Base):
    """A trainer's judgement of a host on one skill against the rubric in skills.yaml (level 0..3)."""

    __tablename__ = "skill_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
