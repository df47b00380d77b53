"""Quiz attempts and responses. The paper (which questions, in which order) is fixed when an attempt starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.catalogue.models import Quiz
from lms.db import Base, UTCDateTime, utcnow

IN_PROGRESS = "in_progress"
NEEDS_GRADING = "needs_grading"
FINISHED = "finished"


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3 …: unique per host and quiz, so two tabs can never both start attempt n.
    number: Mapped[int] = mapped_column(Integer)
    #: "user:quiz" while the attempt is open, NULL after: at most one open attempt per host and quiz.
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set from the server's clock at start; answers saved after it do not count.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: [{question_index, option_order, answer_order}] as drawn (lms.quizzes.paper).
    paper: Mapped[list] = mapped_column(JSON)
    #: Percent 0..100 once graded (None while essays wait for a trainer).
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)

    quiz: Mapped[Quiz] = relationship()
    responses: Mapped[list["QuizResponse"]] = relationship(
        back_populates="attempt", order_by="QuizResponse.position", cascade="all, delete-orphan"
    )


class QuizResponse(Base):
    __tablename__ = "quiz_responses"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_index: Mapped[int] = mapped_column(Integer)
    #: What the host answered, in the grader's response shape (see lms.quizzes.grading).
    response: Mapped[object | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: 0..1 once graded.
    score: Mapped[float | None] = mapped_column(Float)
    feedback: Mapped[list | None] = mapped_column(JSON)
    needs_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    grader_comment: Mapped[str | None] = mapped_column(Text)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="responses")
