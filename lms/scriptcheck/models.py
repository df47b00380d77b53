"""Scripts a host chose to save (visible only to that host), organisation rules, and anonymous finding counts
(rule id, organisation, China day, count: never any script text)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class SavedScript(Base):
    __tablename__ = "saved_scripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OrgScriptRule(Base):
    """A word the organisation bans (e.g. a platform's banned word), or allows (a trademark, an approved claim)."""

    __tablename__ = "org_script_rules"
    __table_args__ = (UniqueConstraint("org_id", "phrase", name="uq_org_script_rules_org_phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # banned | approved | allowed
    phrase: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScriptFindingCount(Base):
    """How often a rule fired in the checks of an organisation's members on one China day."""

    __tablename__ = "script_finding_counts"

    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
