"""Where a host stands against the study-time rule of a course, as the course and lesson pages show it:
verified minutes so far, what is still needed, how the lessons' minimums compare, and the certificate once issued."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.certificates.models import VALID, Certificate
from lms.certificates.services import certificate_for, completion, try_issue
from lms.catalogue.models import Lesson
from lms.config import Config
from lms.learning.models import Enrollment
from lms.learning.services import StudyRules


@dataclass(frozen=True)
class Standing:
    verified_minutes: int
    required_minutes: int
    #: What the lessons' own minimums add up to (each lesson's completion time).
    lesson_minimum_minutes: int
    awards_certificate: bool
    certificate: Certificate | None

    @property
    def issued(self) -> Certificate | None:
        """The certificate to announce: issued and valid (not one that was revoked)."""
        return self.certificate if self.certificate is not None and self.certificate.status == VALID else None

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.required_minutes - self.verified_minutes)

    @property
    def extra_beyond_lessons(self) -> int:
        """Minutes the certificate needs beyond the lessons' minimums (0 when the minimums cover it)."""
        return max(0, self.required_minutes - self.lesson_minimum_minutes)

    @property
    def percent(self) -> int:
        if self.required_minutes <= 0:
            return 100
        return min(100, self.verified_minutes * 100 // self.required_minutes)


def standing(session: Session, enrollment: Enrollment, rules: StudyRules, cfg: Config) -> Standing:
    """The host's standing; issues the certificate first if the rule has been met since the last check (study
    time keeps counting after the last lesson, so reaching it is noticed on the next page or heartbeat)."""
    certificate = certificate_for(session, enrollment.id)
    if certificate is None and enrollment.version.certificate:
        certificate = try_issue(session, enrollment, cfg)
    status = completion(session, enrollment)
    # Only the lessons' minutes: one small query rather than loading every lesson with its HTML.
    lesson_minutes = session.scalars(select(Lesson.estimated_minutes).where(Lesson.version_id == enrollment.version_id))
    minimums = sum(int(minutes * 60 * rules.completion_ratio) for minutes in lesson_minutes)
    return Standing(
        verified_minutes=status.study_seconds // 60,
        required_minutes=status.required_seconds // 60,
        lesson_minimum_minutes=(minimums + 59) // 60,
        awards_certificate=enrollment.version.certificate,
        certificate=certificate,
    )
