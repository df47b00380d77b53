"""Identity checks: the separate face-image consent, recording a check (the image only with consent, encrypted),
a reviewer's "not the host", and purging after the retention period. Services flush; the caller commits once."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lms.accounts.models import ConsentRecord
from lms.catalogue.models import CourseVersion, Lesson
from lms.certificates.models import Certificate
from lms.errors import NotFound
from lms.evidence import automation, identity
from lms.evidence.models import IdentityCheck, LessonSession, PresenceCheck
from lms.evidence.record import NOT_HOST
from lms.learning.models import StudyTime
from lms.learning.studytime import china_day
from lms.orgs.models import Membership, Role
from lms.security.pii import PIICipher

#: The face-image consent is separate from every other consent (PIPL arts. 26, 28–29).
FACE_PURPOSE, FACE_VERSION = "face_snapshot", "1"
#: A reviewer's verdict on a snapshot (NOT_HOST), also the flag on the lesson session and the certificate.


def face_consent(session: Session, user_id: int) -> ConsentRecord | None:
    return session.scalar(select(ConsentRecord).where(
        ConsentRecord.user_id == user_id, ConsentRecord.purpose == FACE_PURPOSE,
        ConsentRecord.version == FACE_VERSION, ConsentRecord.withdrawn_at.is_(None)))  # fmt: skip


def give_face_consent(session: Session, user_id: int, now: datetime) -> None:
    if face_consent(session, user_id) is None:
        session.add(ConsentRecord(user_id=user_id, purpose=FACE_PURPOSE, version=FACE_VERSION, granted_at=now))
        session.flush()


def withdraw_face_consent(session: Session, user_id: int, now: datetime) -> int:
    """Withdraw the consent and delete every stored snapshot of the host; returns how many were deleted."""
    current = face_consent(session, user_id)
    if current is not None:
        current.withdrawn_at = now
    deleted = session.execute(
        update(IdentityCheck).where(IdentityCheck.user_id == user_id, IdentityCheck.image.is_not(None))
        .values(image=None, purged_at=now).execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    session.flush()
    return deleted


def _context(user_id: int) -> str:
    return f"identity:{user_id}"


def record_check(session: Session, cipher: PIICipher, provider: identity.IdentityProvider, *, user_id: int,
                 lesson_id: int, moment: str, image: bytes | None, now: datetime) -> IdentityCheck:  # fmt: skip
    """Ask the provider and record its verdict. Without the face-image consent no image is ever stored."""
    consented = face_consent(session, user_id) is not None
    result = provider.check(identity.IdentityRequest(user_id, moment, consented, image if consented else None))
    keep = consented and result.keep_image and identity.is_jpeg(image)
    stored = cipher.encrypt(base64.b64encode(image).decode("ascii"), context=_context(user_id)) if keep else None
    check = IdentityCheck(user_id=user_id, lesson_id=lesson_id, moment=moment, provider=provider.name,
                          status=result.status if consented else identity.NO_CONSENT, score=result.score,
                          taken_at=now, image=stored)  # fmt: skip
    session.add(check)
    session.flush()
    return check


def snapshot_of(cipher: PIICipher, check: IdentityCheck) -> bytes | None:
    if check.image is None:
        return None
    return base64.b64decode(cipher.decrypt(check.image, context=_context(check.user_id)))


def mark_not_host(session: Session, check_id: int, reviewer_id: int, now: datetime) -> int:
    """A reviewer judged the person in the snapshot is not the host: the seconds credited to that lesson session
    are removed from the host's study time and their certificate on the course, if any, is flagged. Returns the
    seconds removed."""
    check = session.get(IdentityCheck, check_id)
    if check is None:
        raise NotFound("no such identity check")
    check.review, check.reviewed_by_id, check.reviewed_at = NOT_HOST, reviewer_id, now
    sitting = session.scalar(
        select(LessonSession).where(LessonSession.user_id == check.user_id, LessonSession.lesson_id == check.lesson_id,
                                    LessonSession.started_at <= check.taken_at + timedelta(seconds=90))
        .order_by(LessonSession.started_at.desc()).limit(1)
    )  # fmt: skip
    removed = 0
    if sitting is not None and sitting.credited_seconds:
        row = session.scalar(select(StudyTime).where(StudyTime.user_id == check.user_id,
                                                     StudyTime.lesson_id == check.lesson_id,
                                                     StudyTime.day == china_day(sitting.started_at)))  # fmt: skip
        if row is not None:
            removed = min(row.seconds, sitting.credited_seconds)
            row.seconds -= removed
        sitting.flags = automation.with_flag(list(sitting.flags or []), NOT_HOST)
    course_id = session.scalar(select(CourseVersion.course_id).join(Lesson, Lesson.version_id == CourseVersion.id)
                               .where(Lesson.id == check.lesson_id))  # fmt: skip
    for certificate in session.scalars(select(Certificate).where(Certificate.user_id == check.user_id,
                                                                 Certificate.course_id == course_id)):  # fmt: skip
        certificate.evidence_flag = NOT_HOST
    session.flush()
    return removed


def purge(session: Session, now: datetime, retention_years_of) -> dict[str, int]:
    """Delete study evidence older than its retention period. ``retention_years_of(user_id, lesson_id)`` names the
    period of the policy the evidence was collected under."""
    counts = {"snapshots": 0, "presence_checks": 0}
    for check in session.scalars(select(IdentityCheck).where(IdentityCheck.image.is_not(None))):
        if check.taken_at < now - timedelta(days=365 * retention_years_of(check.user_id, check.lesson_id)):
            check.image, check.purged_at = None, now
            counts["snapshots"] += 1
    old = [c.id for c in session.scalars(select(PresenceCheck))
           if c.shown_at < now - timedelta(days=365 * retention_years_of(c.user_id, c.lesson_id))]  # fmt: skip
    if old:
        session.execute(delete(PresenceCheck).where(PresenceCheck.id.in_(old)))
        counts["presence_checks"] = len(old)
    session.flush()
    return counts


def checks_of_users(session: Session, user_ids: list[int], limit: int = 500) -> list[IdentityCheck]:
    """Identity checks of these hosts, newest first."""
    if not user_ids:
        return []
    return list(session.scalars(select(IdentityCheck).where(IdentityCheck.user_id.in_(user_ids))
                                .order_by(IdentityCheck.taken_at.desc(), IdentityCheck.id.desc()).limit(limit)))  # fmt: skip


def org_host_ids(session: Session, org_id: int) -> list[int]:
    return list(session.scalars(select(Membership.user_id).where(Membership.org_id == org_id,
                                                                 Membership.role == Role.LEARNER)))  # fmt: skip
