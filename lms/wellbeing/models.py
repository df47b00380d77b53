"""The operator's switch per instrument (on only after confirming its licence) and the results a host chose to
store: answers sealed with the PII cipher, with the instrument, its version and the licence confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class SelfCheckSwitch(Base):
    """One per instrument on this site. ``version`` is the instrument version whose licence was confirmed: a
    changed instrument file is off again until an operator confirms its licence anew."""

    __tablename__ = "self_check_switches"

    instrument_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[str] = mapped_column(String(40))
    licence_name: Mapped[str] = mapped_column(String(200))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SelfCheckResult(Base):
    """A result the host consented to store; only that host reads or deletes it (no role, report or export
    shows it). The answers are sealed; the row names the instrument, its version and the licence confirmation
    it was taken under."""

    __tablename__ = "self_check_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(80))
    instrument_version: Mapped[str] = mapped_column(String(40))
    licence_name: Mapped[str] = mapped_column(String(200))
    licence_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sealed_answers: Mapped[bytes] = mapped_column(LargeBinary)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
