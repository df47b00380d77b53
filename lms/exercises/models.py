"""A host's best result on a rewrite exercise. The rewrite text is the host's own: only they see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class RewriteResult(Base):
    __tablename__ = "rewrite_results"
    __table_args__ = (UniqueConstraint("user_id", "exercise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"), index=True)
    #: The best result so far: once passed, it stays passed.
    passed: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer)
    #: When the best result was reached (the first pass, or the latest attempt while none passed).
    best_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The rewrite of the best result (the latest while none passed), shown back only to its author.
    text: Mapped[str] = mapped_column(Text)
