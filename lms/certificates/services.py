"""Earning, issuing, revoking and re-issuing certificates, and checking them by number.

A certificate is issued automatically, exactly once per enrolment, when the course's completion rule is met. Its
record is frozen at issue: later changes of name or course never change it; a correction is a re-issue under a
new number that marks the old one superseded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from lms import certnumbers
from lms.accounts import identity
from lms.accounts.models import User
from lms.catalogue.labels import skills_framework
from lms.catalogue.models import Course, CourseVersion, Lesson, Quiz
from lms.certificates.masking import mask_id_public, mask_name
from lms.certificates.models import REVOCATION_CATEGORIES, REVOKED, SUPERSEDED, VALID, Certificate
from lms.config import Config
from lms.db import utcnow
from lms.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lms.evidence import process
from lms.evidence import services as evidence
from lms.learning.models import Enrollment, StudyTime
from lms.learning.studytime import china_day
from lms.orgs.models import Membership, Organisation, Role
from lms.quizzes.models import QuizAttempt
from lms.quizzes.services import QuizSettings, counted_score
from lms.signals import certificate_issued
from lms.transparency import witnessing
from lms.trust.credentials import revoke_certificate, sign_certificate


@dataclass
class Completion:
    """Where an enrolment stands against its course's completion rule."""

    lessons_done: bool
    study_seconds: int
    required_seconds: int
    quizzes: list[tuple[Quiz, float | None, bool]] = field(default_factory=list)  # (quiz, counted score, passed)
    real_name: str = identity.MISSING  # identity.real_name_state
    awards_certificate: bool = True

    @property
    def has_real_name(self) -> bool:
        return self.real_name == identity.SETTLED

    @property
    def hours_done(self) -> bool:
        return self.study_seconds >= self.required_seconds

    @property
    def quizzes_done(self) -> bool:
        return all(passed for quiz, _score, passed in self.quizzes if quiz.required)

    @property
    def met(self) -> bool:
        return self.lessons_done and self.hours_done and self.quizzes_done

    @property
    def score(self) -> float | None:
        scores = [score for quiz, score, _passed in self.quizzes if quiz.required and score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None


# Built once, with bound parameters: the course and lesson pages and every heartbeat run these, and building a
# statement costs more CPU than running it.
_COMPLETION_SECONDS = (
    select(func.coalesce(func.sum(StudyTime.seconds), 0)).join(Lesson, StudyTime.lesson_id == Lesson.id)
    .where(StudyTime.user_id == bindparam("user_id"), Lesson.version_id == bindparam("version_id"))
)  # fmt: skip
_VERSION_QUIZZES = (
    select(Quiz).where(Quiz.version_id == bindparam("version_id")).order_by(Quiz.key).options(defer(Quiz.questions))
)
_QUIZ_ATTEMPTS = (
    select(QuizAttempt)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.quiz_id.in_(bindparam("quiz_ids", expanding=True)))
    .order_by(QuizAttempt.quiz_id, QuizAttempt.number).options(defer(QuizAttempt.paper))
)  # fmt: skip
_CURRENT_CERTIFICATE = (
    select(Certificate).where(Certificate.enrollment_id == bindparam("enrollment_id"), Certificate.status != SUPERSEDED)
    .order_by(Certificate.id.desc())
)  # fmt: skip


def completion_seconds(session: Session, enrollment: Enrollment) -> int:
    """The verified study seconds on the lessons of the enrolment's version."""
    return int(session.scalar(_COMPLETION_SECONDS, {"user_id": enrollment.user_id, "version_id": enrollment.version_id})
               or 0)  # fmt: skip


def completion(session: Session, enrollment: Enrollment, study_seconds: int | None = None,
               check_identity: bool = True) -> Completion:
    """``study_seconds``: the enrolment's verified seconds when the caller has them already (its lessons' sum).
    ``check_identity=False`` skips the real-name check (``real_name`` is then MISSING) for a caller that only
    shows the minutes and quizzes, and issues nothing."""
    version = enrollment.version
    seconds = study_seconds if study_seconds is not None else completion_seconds(session, enrollment)
    # The quizzes without their question banks, and every attempt at them in one query (not one per quiz).
    found = list(session.scalars(_VERSION_QUIZZES, {"version_id": version.id}))
    attempts: dict[int, list[QuizAttempt]] = {quiz.id: [] for quiz in found}
    if found:
        for attempt in session.scalars(_QUIZ_ATTEMPTS, {"user_id": enrollment.user_id, "quiz_ids": list(attempts)}):
            attempts[attempt.quiz_id].append(attempt)
    quizzes = []
    for quiz in found:
        settings = QuizSettings.of(quiz)
        score = counted_score(attempts[quiz.id], settings.grade)
        quizzes.append((quiz, score, score is not None and score >= settings.pass_mark))
    # Only when asked: the page that skips the check has no other use for the account row.
    user = session.get(User, enrollment.user_id) if check_identity else None
    return Completion(
        lessons_done=enrollment.lessons_completed_at is not None,
        study_seconds=int(seconds or 0),
        required_seconds=version.required_minutes * 60,
        quizzes=quizzes,
        # Data an organisation provided counts only once the holder has confirmed it, and a number another
        # account also claims only once a site admin has kept one owner.
        real_name=identity.real_name_state(session, user) if check_identity and user is not None else identity.MISSING,
        awards_certificate=version.certificate,
    )


def certificate_for(session: Session, enrollment_id: int) -> Certificate | None:
    """The current certificate of an enrolment (after re-issues, the newest one)."""
    return session.scalar(_CURRENT_CERTIFICATE, {"enrollment_id": enrollment_id})


def try_issue(session: Session, enrollment: Enrollment, cfg: Config, now: datetime | None = None,
              status: Completion | None = None) -> Certificate | None:
    """Issue the enrolment's certificate if the rule is met and none exists; safe to call as often as wanted.
    ``status``: the enrolment's completion when the caller has just worked it out.

    The certificate, its signed credential, its status bit and its log entry are written together.
    """
    issuer_name = cfg.issuer_name
    existing = session.scalar(select(Certificate).where(Certificate.issue_key == f"enrollment:{enrollment.id}"))
    if existing is not None:
        return existing
    status = status or completion(session, enrollment)
    if not (status.awards_certificate and status.met and status.has_real_name):
        return None
    certificate = _frozen_record(session, enrollment, status, issuer_name, now or utcnow())
    certificate.issue_key = f"enrollment:{enrollment.id}"
    try:
        with session.begin_nested():
            session.add(certificate)
            session.flush()  # the unique issue_key decides a race here, before anything else is locked
            _sign(session, cfg, certificate, enrollment.version)
            process.seal(session, cfg, certificate, enrollment.version)
    except IntegrityError:
        # Another request or worker issued it at the same moment: the unique issue_key kept it to one.
        existing = session.scalar(select(Certificate).where(Certificate.issue_key == f"enrollment:{enrollment.id}"))
        if existing is None:
            raise  # some other constraint failed: not a race we know how to settle
        return existing
    certificate_issued.send(session, certificate=certificate)
    return certificate


def _frozen_record(
    session: Session, enrollment: Enrollment, status: Completion, issuer_name: str, now: datetime
) -> Certificate:
    user = session.get(User, enrollment.user_id)
    assert user is not None and user.real_name is not None
    version: CourseVersion = enrollment.version
    course: Course = enrollment.course
    issuer_org = session.get(Organisation, course.org_id) if course.org_id else None
    return Certificate(
        number=certnumbers.normalise(certnumbers.new_number()),
        status=VALID,
        user_id=user.id,
        enrollment_id=enrollment.id,
        course_id=course.id,
        version_id=version.id,
        issued_at=now,
        holder_name=user.real_name.legal_name,
        holder_id_masked=user.real_name.id_number_masked,
        holder_id_hash=user.real_name.id_number_hash,
        course_slug=course.slug,
        course_title_zh=version.title_zh,
        course_title_en=version.title_en,
        course_version=version.number,
        content_hash=version.content_hash,
        study_seconds=status.study_seconds,
        score=status.score,
        started_on=china_day(enrollment.enrolled_at),
        completed_on=china_day(now),
        issuer_name=issuer_org.name if issuer_org else issuer_name,
        issuer_org_id=issuer_org.id if issuer_org else None,
        skills=frozen_skills(version.skills),
        study_policy=evidence.policy_for(session, user.id, course.id).snapshot(),
    )


def frozen_skills(skill_ids: list[str]) -> list[dict]:
    """Skill names as they read at issue, in both languages: a later rename of a skill changes no certificate."""
    framework = skills_framework()
    frozen = []
    for skill_id in skill_ids:
        skill = framework.skills.get(skill_id) if framework else None
        names = skill.name if skill else {}
        frozen.append({"id": skill_id, "zh-CN": names.get("zh-CN", skill_id), "en": names.get("en", skill_id)})
    return frozen


def certificates_of(session: Session, user_id: int) -> list[Certificate]:
    return list(session.scalars(select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at.desc())))


def find(session: Session, text: str) -> tuple[certnumbers.NumberCheck, Certificate | None]:
    """Look a number up after checking its check character, so a typo is named rather than 'unknown'."""
    checked = certnumbers.check(text)
    if not checked.ok:
        return checked, None
    return checked, session.scalar(select(Certificate).where(Certificate.number == checked.normalised))


def get_by_number(session: Session, text: str) -> Certificate:
    _checked, certificate = find(session, text)
    if certificate is None:
        raise NotFound(_l("No certificate has this number."))
    return certificate


def can_manage(session: Session, user: User, certificate: Certificate) -> bool:
    """Site admins, and admins of the issuing organisation or of an MCN the holder belongs to."""
    if user.is_site_admin:
        return True
    org_ids = {certificate.issuer_org_id} if certificate.issuer_org_id else set()
    org_ids |= set(session.scalars(select(Membership.org_id).where(Membership.user_id == certificate.user_id)))
    return bool(
        org_ids
        and session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id, Membership.role == Role.ORG_ADMIN, Membership.org_id.in_(org_ids)
            )
        )
    )


REVOCATION_LABELS = {
    "incorrect": _l("Revoked: the information on it is incorrect"),
    "misconduct": _l("Revoked: misconduct"),
    "duplicate": _l("Revoked: issued twice"),
    "other": _l("Revoked: other reasons"),
}
assert tuple(REVOCATION_LABELS) == REVOCATION_CATEGORIES


def revocation_label(category: str | None) -> str:
    """What everyone who checks a revoked certificate reads (an older revocation without one: "other reasons")."""
    return str(REVOCATION_LABELS.get(category or "other", REVOCATION_LABELS["other"]))


def revoke(
    session: Session, certificate: Certificate, by: User | None, reason: str, cfg: Config, now: datetime | None = None,
    *, category: str = "other",
) -> Certificate:
    """Revoke with a public ``category`` (shown on /verify) and a detailed ``reason`` that only staff see."""
    reason = " ".join(reason.split())
    if category not in REVOCATION_CATEGORIES:
        raise ValidationFailed(_l("Choose what everyone who checks the certificate is told."), "category")
    if not 5 <= len(reason) <= 500:
        raise ValidationFailed(_l("Give the reason for revoking (5 to 500 characters)."), "reason")
    if by is not None and not can_manage(session, by, certificate):
        raise Forbidden(_l("You may not revoke this certificate."))
    if certificate.status != VALID:
        raise Conflict(_l("Only a valid certificate can be revoked."))
    certificate.status = REVOKED
    certificate.revoked_at = now or utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_category = category
    certificate.revoked_by_id = by.id if by else None
    session.flush()
    revoke_certificate(session, cfg, certificate, certificate.revoked_at)
    return certificate


def reissue(session: Session, certificate: Certificate, by: User | None, cfg: Config, now: datetime | None = None) -> Certificate:
    """A correction: a new number with the holder's current real-name data; the old one becomes superseded."""
    now = now or utcnow()
    if by is not None and not can_manage(session, by, certificate):
        raise Forbidden(_l("You may not re-issue this certificate."))
    if certificate.status != VALID:
        raise Conflict(_l("Only a valid certificate can be re-issued."))
    enrollment = session.get(Enrollment, certificate.enrollment_id)
    user = session.get(User, certificate.user_id)
    if enrollment is None or user is None or not identity.is_settled(session, user):
        raise Conflict(_l("The holder has no real-name information to re-issue with."))
    status = completion(session, enrollment)
    replacement = _frozen_record(session, enrollment, status, cfg.issuer_name, now)
    # What was earned stays as it was earned: only the holder's data is corrected.
    for kept in ("study_seconds", "score", "started_on", "completed_on", "course_version", "content_hash",
                 "course_title_zh", "course_title_en", "skills", "issuer_name", "issuer_org_id", "version_id",
                 "study_policy"):  # fmt: skip
        setattr(replacement, kept, getattr(certificate, kept))
    replacement.supersedes_id = certificate.id
    session.add(replacement)
    session.flush()
    certificate.status = SUPERSEDED
    certificate.superseded_at = now
    certificate.superseded_by_id = replacement.id
    session.flush()
    _sign(session, cfg, replacement, enrollment.version, kind="reissue", superseded_number=certificate.number)
    # A new seal for the new number; the superseded certificate's seal stays, and still verifies.
    process.seal(session, cfg, replacement, enrollment.version)
    return replacement


def _sign(session: Session, cfg: Config, certificate: Certificate, version: CourseVersion, **kw) -> None:
    required = [q for q in version.quizzes if q.required]
    sign_certificate(
        session, cfg, certificate,
        # 学时 of the certificate's study policy, as its PDF counts them (45 minutes in many 人社 schemes).
        required_hours=version.required_minutes / ((certificate.study_policy or {}).get("class_hour_minutes") or 60),
        pass_mark=float(required[0].settings["pass_mark"]) if required else None, **kw,
    )  # fmt: skip


def public_record(session: Session, certificate: Certificate) -> dict:
    """What anyone may see: masked name and the last four characters of the ID (docs/privacy.md); the API's and the
    verify page's data."""
    superseded_by = session.get(Certificate, certificate.superseded_by_id) if certificate.superseded_by_id else None
    return {
        "number": certnumbers.format(certificate.number),
        "status": certificate.status,
        "holder": {"name_masked": mask_name(certificate.holder_name), "id_masked": mask_id_public(certificate.holder_id_masked)},
        "course": {
            "title": certificate.course_title_zh,
            "title_en": certificate.course_title_en,
            "version": f"v{certificate.course_version}",
            "content_hash": certificate.content_hash,
        },
        "hours": certificate.hours,
        "score": certificate.score,
        "started_on": certificate.started_on.isoformat(),
        "completed_on": certificate.completed_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "issued_on": china_day(certificate.issued_at).isoformat(),
        "issuer": {"name": certificate.issuer_name},
        "revocation": None
        if certificate.status != REVOKED
        else {"category": certificate.revoked_category or "other", "label": revocation_label(certificate.revoked_category),
              "revoked_at": certificate.revoked_at.isoformat(),
              "revoked_on": china_day(certificate.revoked_at).isoformat()},
        "superseded_by": certnumbers.format(superseded_by.number) if superseded_by else None,
        "log": {"included": certificate.log_index is not None, "index": certificate.log_index},
    }


def operator_record(session: Session, certificate: Certificate) -> dict:
    """The full frozen record for server operators (CLI only): includes the holder's legal name."""
    record = public_record(session, certificate)
    record["holder"] = {"name": certificate.holder_name, "id_masked": certificate.holder_id_masked}
    if record["revocation"] is not None:
        record["revocation"]["reason"] = certificate.revoked_reason
    record["skills"] = certificate.skills
    record["course"]["slug"] = certificate.course_slug
    return record


@dataclass(frozen=True)
class Witnessing:
    organisation: str
    tree_size: int
    at: datetime


def witnesses_covering(session: Session, log_index: int | None) -> list[Witnessing]:
    """The bureaus whose latest cosignature covers this log entry (tree size beyond its index)."""
    if log_index is None:
        return []
    rows = witnessing.cosignatures_covering(session, log_index)
    if not rows:
        return []  # no bureau witnesses this log yet: no second query
    org_ids = {org_id for org_id, _size, _timestamp in rows}
    names = dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))).all())
    seen: dict[str, Witnessing] = {}
    for org_id, size, timestamp in rows:
        if org_id in names:
            at = datetime.fromtimestamp(timestamp, timezone.utc)
            seen.setdefault(names[org_id], Witnessing(names[org_id], size, at))
    return list(seen.values())
