"""The process record (培训过程记录): built from the stored evidence, sealed into the transparency log when the
certificate is issued, and checked again later. Services flush; the caller commits once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.accounts.models import SignIn, User
from lms.catalogue.models import Course, CourseVersion, Lesson, Quiz
from lms.certificates.models import Certificate
from lms.config import Config
from lms.evidence import record as records
from lms.evidence.models import IdentityCheck, LessonSession, PresenceCheck, ProcessRecord
from lms.evidence.policy import StudyPolicy
from lms.learning.models import Enrollment, StudyTime
from lms.learning.studytime import CHINA
from lms.messages import N_
from lms.quizzes.models import QuizAttempt
from lms.transparency import log
from lms.transparency.entry import PROCESS, entry_bytes


def _at(moment: datetime | None) -> str | None:
    return moment.astimezone(CHINA).isoformat(timespec="seconds") if moment else None


def build(session: Session, user_id: int, version: CourseVersion, policy: dict | None, until: datetime,
          certificate: Certificate | None = None) -> dict:  # fmt: skip
    """The host's record on this course version up to ``until`` (the issue time): sign-ins (from the day before
    enrolment), sessions, minutes per day and class hour, presence checks, identity checks (the verdict, never the
    image), quiz attempts, and the certificate."""
    user = session.get(User, user_id)
    name = user.real_name.legal_name if user and user.real_name else (user.display_name if user else "")
    course = session.get(Course, version.course_id)
    lessons = {lesson.id: lesson.slug for lesson in session.scalars(select(Lesson).where(Lesson.version_id == version.id))}
    class_hour = StudyPolicy.from_dict(policy)
    sittings = session.scalars(
        select(LessonSession).where(LessonSession.user_id == user_id, LessonSession.lesson_id.in_(lessons),
                                    LessonSession.started_at <= until).order_by(LessonSession.started_at, LessonSession.id)
    )  # fmt: skip
    days = session.execute(
        select(StudyTime.day, func.sum(StudyTime.seconds))
        .where(StudyTime.user_id == user_id, StudyTime.lesson_id.in_(lessons), StudyTime.day <= until.astimezone(CHINA).date())
        .group_by(StudyTime.day).order_by(StudyTime.day)
    )  # fmt: skip
    checks = session.scalars(
        select(PresenceCheck).where(PresenceCheck.user_id == user_id, PresenceCheck.lesson_id.in_(lessons),
                                    PresenceCheck.shown_at <= until).order_by(PresenceCheck.id)
    )  # fmt: skip
    enrolled = session.scalar(select(Enrollment.enrolled_at).where(Enrollment.user_id == user_id,
                                                                   Enrollment.version_id == version.id))  # fmt: skip
    sign_ins = session.scalars(select(SignIn.at).where(SignIn.user_id == user_id, SignIn.at <= until,
                                                       SignIn.at >= (enrolled or until) - timedelta(days=1))
                               .order_by(SignIn.at))  # fmt: skip
    identity_checks = session.scalars(
        select(IdentityCheck).where(IdentityCheck.user_id == user_id, IdentityCheck.lesson_id.in_(lessons),
                                    IdentityCheck.taken_at <= until).order_by(IdentityCheck.id)
    )  # fmt: skip
    attempts = session.execute(
        select(QuizAttempt, Quiz.key).join(Quiz, QuizAttempt.quiz_id == Quiz.id)
        .where(QuizAttempt.user_id == user_id, Quiz.version_id == version.id, QuizAttempt.started_at <= until)
        .order_by(QuizAttempt.id)
    )  # fmt: skip
    return {
        "format": "lms-process-v1",
        "host": {"id": user_id, "name": name},
        "course": {"slug": course.slug if course else "", "version": version.number, "title": version.title_zh},
        "policy": policy or {},
        "sign_ins": [_at(at) for at in sign_ins],
        "sessions": [{"lesson": lessons[s.lesson_id], "start": _at(s.started_at), "end": _at(s.last_beat_at),
                      "beats": s.beats, "credited_seconds": s.credited_seconds, "flags": list(s.flags or [])}
                     for s in sittings],
        "days": [{"day": day.isoformat(), "seconds": int(seconds or 0),
                  "class_hours": str(class_hour.class_hours(int(seconds or 0)))} for day, seconds in days],
        "presence_checks": [{"lesson": lessons[c.lesson_id], "kind": c.kind, "shown": _at(c.shown_at),
                             "resolved": _at(c.resolved_at), "outcome": c.outcome,
                             "withdrawn_seconds": c.withdrawn_seconds} for c in checks],
        "identity_checks": [{"lesson": lessons[c.lesson_id], "moment": c.moment, "time": _at(c.taken_at),
                             "provider": c.provider, "status": c.status} for c in identity_checks],
        "quiz_attempts": [{"quiz": key, "number": a.number, "started": _at(a.started_at),
                           "submitted": _at(a.submitted_at), "status": a.status,
                           "score": str(a.score) if a.score is not None else None} for a, key in attempts],
        "certificate": {"number": certificate.number, "issued": _at(certificate.issued_at),
                        "study_seconds": certificate.study_seconds} if certificate else None,
    }  # fmt: skip


def earned_until(session: Session, certificate: Certificate) -> datetime:
    """When the evidence behind a certificate ends: its issue, or for a re-issue the first issue of the chain
    (what was earned stays as it was earned; only the holder's data is corrected)."""
    first, seen = certificate, {certificate.id}
    while first.supersedes_id is not None and first.supersedes_id not in seen:
        older = session.get(Certificate, first.supersedes_id)
        if older is None:
            break
        first = older
        seen.add(first.id)
    return first.issued_at


def seal(session: Session, cfg: Config, certificate: Certificate, version: CourseVersion) -> ProcessRecord:
    """Seal the holder's record at issue or re-issue: store its canonical JSON and log its digest in a ``process``
    entry right after the certificate's own entry. Every certificate is sealed, under the built-in defaults too; a
    re-issued one gets a new seal, and the superseded one keeps its own."""
    record = build(session, certificate.user_id, version, certificate.study_policy, earned_until(session, certificate),
                   certificate)  # fmt: skip
    if certificate.supersedes_id is not None:
        older = session.get(Certificate, certificate.supersedes_id)
        record["supersedes"] = older.number if older else None
    body = records.canonical(record)
    sha = records.body_digest(body.decode("utf-8"))
    sealed = ProcessRecord(certificate_id=certificate.id, user_id=certificate.user_id, sealed_at=certificate.issued_at,
                           body=body.decode("utf-8"), sha256=sha)  # fmt: skip
    session.add(sealed)
    session.flush()
    sealed.log_index = log.append(session, cfg, entry_bytes(PROCESS, certificate.number, sha, certificate.issued_at),
                                  certificate.id)  # fmt: skip
    session.flush()
    return sealed


def sealed_record(session: Session, certificate_id: int) -> ProcessRecord | None:
    return session.scalar(select(ProcessRecord).where(ProcessRecord.certificate_id == certificate_id))


@dataclass(frozen=True)
class Check:
    ok: bool
    problems: tuple[str, ...] = ()
    #: Sessions of the record a reviewer marked "not the host" after issue (as the live record shows them): their
    #: minutes were removed from the host's study time. A legitimate change, so not a problem of the seal.
    reviewed: tuple[dict, ...] = ()


def verify(session: Session, certificate: Certificate) -> Check:
    """Recompute the sealed record's digest and compare it with the log, and the live evidence with the record."""
    sealed = sealed_record(session, certificate.id)
    if sealed is None:
        return Check(False, (N_("no sealed process record"),))
    problems = []
    digest = records.body_digest(sealed.body)
    logged = log.entries(session, sealed.log_index, sealed.log_index + 1) if sealed.log_index is not None else []
    expected = entry_bytes(PROCESS, certificate.number, digest, sealed.sealed_at)
    if not logged or logged[0].data != expected:
        problems.append(N_("the stored process record no longer matches its transparency-log entry"))
    if digest != sealed.sha256:
        problems.append(N_("the stored process record no longer matches its recorded digest"))
    version = session.get(CourseVersion, certificate.version_id)
    stored = json.loads(sealed.body)
    live = build(session, certificate.user_id, version, stored.get("policy"), earned_until(session, certificate),
                 certificate)  # fmt: skip
    # Evidence that cannot legitimately change after issue must still be what was sealed.
    if live["presence_checks"] != stored.get("presence_checks"):
        problems.append(N_("the stored presence checks differ from the sealed record"))
    if live["quiz_attempts"] != stored.get("quiz_attempts"):
        problems.append(N_("the stored quiz attempts differ from the sealed record"))
    return Check(not problems, tuple(problems), records.reviewed_after(stored, live))
