"""Where a host stands against the study-time rule of a course, as the course and lesson pages show it:
verified minutes so far, what is still needed, how the lessons' minimums compare, and the certificate once issued."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from lms.certificates.models import SUPERSEDED, VALID, Certificate
from lms.certificates.services import certificate_for, completion, try_issue
from lms.catalogue.outlines import version_outlines
from lms.config import Config
from lms.catalogue.models import Lesson
from lms.learning.models import Enrollment, StudyTime
from lms.learning.services import CourseProgress, StudyRules


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


def standing(session: Session, enrollment: Enrollment, rules: StudyRules, cfg: Config,
             progress: CourseProgress | None = None) -> Standing:
    """The host's standing; issues the certificate first if the rule has been met since the last check (study
    time keeps counting after the last lesson, so reaching it is noticed on the next page or heartbeat).

    ``progress``: the enrolment's progress when the page has it already (its lessons' seconds and minutes)."""
    certificate = certificate_for(session, enrollment.id)
    issuing = certificate is None and enrollment.version.certificate
    status = completion(session, enrollment, progress.seconds if progress is not None else None, check_identity=issuing)
    if issuing:
        certificate = try_issue(session, enrollment, cfg, status=status)
    # Only the lessons' minutes: from the page's progress, or the version's cached outline.
    lessons = progress.lessons if progress is not None else None
    minutes = [state.lesson.estimated_minutes for state in lessons] if lessons is not None else \
        [line.estimated_minutes for line in version_outlines(session, [enrollment.version_id])[enrollment.version_id].lessons]
    minimums = sum(int(m * 60 * rules.completion_ratio) for m in minutes)
    return Standing(
        verified_minutes=status.study_seconds // 60,
        required_minutes=status.required_seconds // 60,
        lesson_minimum_minutes=(minimums + 59) // 60,
        awards_certificate=enrollment.version.certificate,
        certificate=certificate,
    )


_CURRENT_STATUS = (
    select(Certificate.status)
    .where(Certificate.enrollment_id == bindparam("enrollment_id"), Certificate.status != SUPERSEDED)
    .order_by(Certificate.id.desc()).limit(1)
)  # fmt: skip


# What a heartbeat answers, in one statement: the certificate's status, the version's and the lesson's seconds.
_BEAT_FIGURES = select(
    _CURRENT_STATUS.scalar_subquery(),
    select(func.coalesce(func.sum(StudyTime.seconds), 0)).join(Lesson, StudyTime.lesson_id == Lesson.id)
    .where(StudyTime.user_id == bindparam("user_id"), Lesson.version_id == bindparam("version_id")).scalar_subquery(),
    select(func.coalesce(func.sum(StudyTime.seconds), 0))
    .where(StudyTime.user_id == bindparam("user_id"), StudyTime.lesson_id == bindparam("lesson_id")).scalar_subquery(),
)  # fmt: skip


def beat_figures(session: Session, enrollment: Enrollment, cfg: Config, credited: int, lesson_id: int
                 ) -> tuple[int, bool, int]:
    """What a heartbeat answers: the verified minutes, whether the certificate is issued (and valid), and the
    lesson's verified seconds; one statement on most beats.

    Only a beat that earned time can be what completes the rule (the lessons done and the study time reached), so
    only such a beat, with the rest of the rule within reach, works out the whole completion and tries to issue."""
    status, seconds, lesson_seconds = session.execute(_BEAT_FIGURES, {
        "enrollment_id": enrollment.id, "user_id": enrollment.user_id, "version_id": enrollment.version_id,
        "lesson_id": lesson_id}).one()  # fmt: skip
    seconds = int(seconds or 0)
    version = enrollment.version
    if (credited > 0 and status is None and version.certificate and enrollment.lessons_completed_at is not None
            and seconds >= version.required_minutes * 60):  # fmt: skip
        issued = try_issue(session, enrollment, cfg, status=completion(session, enrollment, seconds))
        status = issued.status if issued is not None else None
    return seconds // 60, status == VALID, int(lesson_seconds or 0)
