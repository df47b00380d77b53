"""Creating notifications exactly once, mailing them in the recipient's language, the deadline reminders that cron
runs, and reading and marking them.

A notification is keyed by (user, kind, subject): whichever request, worker or cron run sees an event first creates
it, and every later attempt finds it there. Mails go through lms.mail; a mail the server could not take stays
pending and ``send-due`` tries it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, ScalarSelect, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from lms import certnumbers
from lms.accounts.models import User
from lms.catalogue.models import Course, CourseVersion
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_for, completion
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.config import Config
from lms.db import utcnow
from lms.errors import NotFound
from lms.learning import services as learning
from lms.learning.studytime import china_day
from lms.mail.services import send_message
from lms.notifications import schedule, texts
from lms.notifications.models import Notification
from lms.orgs.models import Membership, Organisation, Role
from lms.quizzes.models import NEEDS_GRADING, QuizAttempt

log = logging.getLogger("lms.notifications")

#: A mail the mail server refused is tried again by send-due for this long, then given up.
MAIL_RETRY = timedelta(days=2)
#: The notifications page shows this many, newest first.
PAGE_SIZE = 100


def path_for(endpoint: str, **values) -> str:
    """A path on this site from the URL map: the same in a request, a signal receiver or a cron command."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def wants_mail(user: User) -> bool:
    return bool(user.email) and user.notification_mails


def notify(session: Session, cfg: Config, user: User, kind: str, subject: str, params: dict, link: str) -> Notification | None:
    """Create the notification and mail it; None when this person was already notified of this event."""
    if _exists(session, user.id, kind, subject):
        return None
    notification = Notification(user_id=user.id, kind=kind, subject=subject, params=params,
                                link=schedule.safe_path(link), mail_pending=wants_mail(user))  # fmt: skip
    try:
        with session.begin_nested():
            session.add(notification)
            session.flush()
    except IntegrityError:  # another worker or cron run created it at the same moment
        return None
    if notification.mail_pending:
        deliver(session, cfg, notification, user)
    return notification


def _exists(session: Session, user_id: int, kind: str, subject: str) -> bool:
    return session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.kind == kind, Notification.subject == subject)) is not None  # fmt: skip


def deliver(session: Session, cfg: Config, notification: Notification, user: User) -> bool:
    """Mail one notification in the recipient's language. False, and still pending, if the mail server failed."""
    base = cfg.base_url.rstrip("/")
    with force_locale(user.locale or cfg.default_locale):
        subject = texts.mail_subject(notification.kind)
        body = texts.mail_body(notification.kind, notification.params,
                               base + path_for("notifications.open", notification_id=notification.id),
                               base + path_for("accounts.account"))  # fmt: skip
    try:
        send_message(session, cfg, user.email or "", subject, body)
    except OSError as exc:  # smtplib errors are OSErrors too: the event itself must not fail for a mail
        log.warning("notification %s not mailed (%s); send-due tries again", notification.id, type(exc).__name__)
        notification.mail_pending = True
        return False
    notification.mail_pending = False
    notification.mailed_at = utcnow()
    return True


# --- events from other features (connected in lms.notifications.listeners) ----------------------------------------


def certificate_issued(session: Session, cfg: Config, certificate: Certificate) -> Notification | None:
    user = session.get(User, certificate.user_id)
    if user is None:
        return None
    params = {"course": {"zh": certificate.course_title_zh, "en": certificate.course_title_en},
              "number": certnumbers.format(certificate.number)}  # fmt: skip
    return notify(session, cfg, user, schedule.CERTIFICATE_ISSUED, schedule.subject_key("certificate", certificate.id),
                  params, path_for("certificates.mine"))  # fmt: skip


def attempt_submitted(session: Session, cfg: Config, attempt: QuizAttempt) -> list[Notification]:
    """An attempt waits for essay grading: tell the trainers and org admins of every organisation whose grading
    queue shows it (the organisations the host belongs to), with a link to that queue. Once per attempt each."""
    if attempt.status != NEEDS_GRADING:
        return []
    host = session.get(User, attempt.user_id)
    version = session.get(CourseVersion, attempt.quiz.version_id)
    if host is None or version is None:
        return []
    host_membership = aliased(Membership)
    rows = session.execute(
        select(User, Organisation.slug)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Membership.org_id == Organisation.id)
        .join(host_membership, host_membership.org_id == Organisation.id)
        .where(host_membership.user_id == host.id, Membership.role.in_([Role.TRAINER, Role.ORG_ADMIN]),
               User.id != host.id)
        .order_by(Organisation.id, User.id)
    ).all()  # fmt: skip
    params = {"host": host.display_name, "course": {"zh": version.title_zh, "en": version.title_en},
              "quiz": attempt.quiz.key}  # fmt: skip
    subject = schedule.subject_key("attempt", attempt.id)
    made = []
    for trainer, org_slug in rows:
        notification = notify(session, cfg, trainer, schedule.ESSAY_TO_GRADE, subject, params,
                              path_for("quizzes.grading_queue", org_slug=org_slug))  # fmt: skip
        if notification is not None:
            made.append(notification)
    return made


# --- deadline reminders (lms notifications send-due) ---------------------------------------------------------------


@dataclass
class DueReport:
    """What one ``send-due`` run did. A mail is *queued* when lms.mail took it (in production it is written to the
    outbox and the mail job sends it after the commit; in development it only goes to the outbox page): nothing
    here is sent yet. A mail that lms.mail could not take stays pending on its notification for the next run."""

    created: int = 0
    mails_queued: int = 0
    mails_not_queued: int = 0


def course_completed(session: Session, user_id: int, course_id: int) -> bool:
    """As the cohort dashboard counts it: a certificate, or the completion rule met."""
    enrollment = learning.enrollment_for(session, user_id, course_id)
    if enrollment is None:
        return False
    return certificate_for(session, enrollment.id) is not None or completion(session, enrollment).met


def _course_params(course: Course, deadline: date) -> dict:
    version = course.current_version
    titles = {"zh": version.title_zh, "en": version.title_en} if version else {"zh": course.slug, "en": course.slug}
    return {"course": titles, "deadline": deadline.isoformat()}


def send_due(session: Session, cfg: Config, *, days_before: int, now: datetime | None = None) -> DueReport:
    """Remind hosts of assigned courses they have not completed: ``days_before`` China days before the deadline, and
    once more after it. Mails that failed earlier are tried again first. Safe to run as often as wanted."""
    if days_before < 0:
        raise ValueError("days_before must not be negative")
    now = now or utcnow()
    today = china_day(now)
    report = DueReport()
    report.mails_queued, report.mails_not_queued = retry_mails(session, cfg, now)
    first, last = schedule.deadline_range(today, days_before)
    rows = session.execute(
        select(CohortCourse, User)
        .join(Cohort, CohortCourse.cohort_id == Cohort.id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(User, CohortMember.user_id == User.id)
        .join(Membership, (Membership.user_id == User.id) & (Membership.org_id == Cohort.org_id))
        .where(CohortCourse.deadline.between(first, last), Membership.role == Role.LEARNER)
        .order_by(CohortCourse.deadline, CohortCourse.id, User.id)
    ).all()  # fmt: skip
    for assigned, host in rows:
        kind = schedule.deadline_kind(today, assigned.deadline, days_before)
        subject = schedule.subject_key("cohort-course", assigned.id)
        if kind is None or _exists(session, host.id, kind, subject):
            continue
        if course_completed(session, host.id, assigned.course_id):
            continue
        notification = notify(session, cfg, host, kind, subject, _course_params(assigned.course, assigned.deadline),
                              path_for("catalogue.course", slug=assigned.course.slug))  # fmt: skip
        if notification is None:
            continue
        report.created += 1
        if notification.mailed_at is not None:
            report.mails_queued += 1
        elif notification.mail_pending:
            report.mails_not_queued += 1
    return report


def retry_mails(session: Session, cfg: Config, now: datetime) -> tuple[int, int]:
    """Hand lms.mail what is still pending (it failed before); give up after MAIL_RETRY. (queued, not queued)."""
    cutoff = now - MAIL_RETRY
    session.execute(
        update(Notification).where(Notification.mail_pending.is_(True), Notification.created_at < cutoff)
        .values(mail_pending=False).execution_options(synchronize_session=False)
    )  # fmt: skip
    queued = failed = 0
    for notification_id in session.scalars(select(Notification.id).where(Notification.mail_pending.is_(True))
                                           .order_by(Notification.id)).all():  # fmt: skip
        # Claim it first: two cron runs at the same moment never mail it twice.
        claimed = session.execute(
            update(Notification).where(Notification.id == notification_id, Notification.mail_pending.is_(True))
            .values(mail_pending=False).execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        if claimed != 1:
            continue
        notification = session.get(Notification, notification_id)
        if notification is None:
            continue
        session.refresh(notification)
        user = session.get(User, notification.user_id)
        if user is None or not wants_mail(user):
            continue
        if deliver(session, cfg, notification, user):
            queued += 1
        else:
            failed += 1
    return queued, failed


# --- reading ----------------------------------------------------------------------------------------------------


#: Built once: every logged-in page asks (the header's count), and building a statement costs more than running it.
_UNREAD = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))  # fmt: skip


def unread_count_of(user_id: ColumnElement[int]) -> ScalarSelect[int]:
    """The unread count as a scalar subquery on ``user_id`` (a column): the header's badge, read with the
    viewer."""
    return select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()  # fmt: skip


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(_UNREAD, {"user_id": user_id}) or 0


def latest(session: Session, user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))  # fmt: skip


def count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user_id)) or 0


def get_own(session: Session, user_id: int, notification_id: int) -> Notification:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound(_l("There is no such notification."))
    return notification


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime | None = None) -> Notification:
    notification = get_own(session, user_id, notification_id)
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        session.flush()
    return notification


def mark_all_read(session: Session, user_id: int, now: datetime | None = None) -> int:
    marked = session.execute(
        update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow()).execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    return marked
