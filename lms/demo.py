"""Demo content for a first look: one MCN with a trainer and hosts, one labor bureau, a site admin.

Idempotent: running it again finds what exists and creates only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

import random
from datetime import timedelta
from pathlib import Path

from lms.accounts import services as accounts
from lms.catalogue.loader import load_catalogue
from lms.catalogue.services import sync_catalogue
from lms.accounts import idcard
from lms.accounts.realname import save_real_name
from lms.catalogue.models import Course, Lesson, Quiz
from lms import certnumbers
from lms.certificates.models import VALID
from lms.certificates.services import certificate_for, revoke, try_issue
from lms.config import Config
from lms.resources import shipped
from lms.db import utcnow
from lms.learning import services as learning
from lms.learning.models import LessonProgress, StudyTime
from lms.learning.studytime import china_day
from lms.quizzes import services as quizzes
from lms.security.pii import PIICipher
from lms.skills.models import SkillSettings
from lms.skills.services import choose_verticals
from lms.accounts.identifiers import parse_identifier
from lms.orgs import services as orgs
from lms.orgs.models import Organisation, OrgKind, Role

DEMO_PASSWORD = "demo-pass-2026"

#: (label, email, display name, org slug or None, role or None, site admin)
DEMO_ACCOUNTS = [
    ("site admin", "admin@demo.example.com", "站点管理员", None, None, True),
    ("MCN org admin", "mcn-admin@demo.example.com", "星光MCN 管理员", "demo-mcn", Role.ORG_ADMIN, False),
    ("MCN trainer", "trainer@demo.example.com", "王老师", "demo-mcn", Role.TRAINER, False),
    ("host", "host@demo.example.com", "小林", "demo-mcn", Role.LEARNER, False),
    ("host", "host2@demo.example.com", "阿美", "demo-mcn", Role.LEARNER, False),
    ("bureau verifier", "verifier@demo.example.com", "人社局核验员", "demo-bureau", Role.BUREAU_VERIFIER, False),
]

DEMO_ORGS = [
    ("demo-mcn", "星光直播 MCN（演示）", OrgKind.MCN),
    ("demo-bureau", "示例市人力资源和社会保障局（演示）", OrgKind.BUREAU),
]


@dataclass
class DemoSummary:
    password: str = DEMO_PASSWORD
    courses: int = 0
    catalogue_note: str = ""
    certificates: list[tuple[str, str]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def load_demo(
    session: Session, cipher: PIICipher, cfg: Config | None = None, catalogue: Path | None = None
) -> DemoSummary:
    if cfg is not None and cfg.is_production:  # known passwords, a site admin among them: never on a real site
        raise RuntimeError("demo data is never loaded with LMS_ENV=production")
    summary = DemoSummary()
    result = load_catalogue(catalogue or shipped("courses"))
    report = sync_catalogue(session, result)
    summary.courses = len(result.courses)
    summary.catalogue_note = (
        f"{len(report.created)} new, {len(report.new_versions)} updated, {len(report.unchanged)} unchanged"
        + (f", {len(report.rejected)} rejected: run `lms courses check courses/`" if report.rejected else "")
    )
    by_slug: dict[str, Organisation] = {}
    for slug, name, kind in DEMO_ORGS:
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        by_slug[slug] = org or orgs.create_organisation(session, name=name, slug=slug, kind=kind.value)
    for label, email, display_name, slug, role, site_admin in DEMO_ACCOUNTS:
        user = accounts.find_user(session, parse_identifier(email))
        if user is None:
            user = accounts.register_user(
                session, display_name=display_name, login=email, password=DEMO_PASSWORD
            )
        user.is_site_admin = site_admin
        if slug and role:
            orgs.add_member(session, org=by_slug[slug], user=user, role=role)
        summary.logins.append((label, email))
    session.flush()
    host = accounts.find_user(session, parse_identifier("host@demo.example.com"))
    if host is not None and not (session.get(SkillSettings, host.id) or SkillSettings(verticals=[])).verticals:
        choose_verticals(session, host.id, ["beauty"])
    cfg = cfg or Config().resolved()
    for email, legal_name, id_base, revoked in DEMO_GRADUATES:
        certificate = _graduate(session, cipher, email, legal_name, id_base, cfg)
        if certificate is None:
            continue
        if revoked and certificate.status == VALID:
            revoke(session, certificate, None, "演示：复核发现该学员的测验由他人代考，证书撤销。", cfg, category="misconduct")
        label = "revoked certificate" if certificate.status != VALID else "valid certificate"
        summary.certificates.append((label, certnumbers.format(certificate.number)))
    _demo_cohort(session, by_slug["demo-mcn"])
    session.flush()
    return summary


def _demo_cohort(session: Session, mcn: Organisation) -> None:
    """A cohort of the demo hosts with two assigned courses, so the dashboard and host records have content."""
    from lms.cohorts import services as cohorts
    from lms.cohorts.models import Cohort

    if session.scalar(select(Cohort).where(Cohort.org_id == mcn.id, Cohort.name == DEMO_COHORT)) is not None:
        return
    today = china_day(utcnow())
    cohort = cohorts.create_cohort(session, mcn.id, name=DEMO_COHORT, starts_on=today - timedelta(days=7),
                                   ends_on=today + timedelta(days=23))  # fmt: skip
    hosts = [accounts.find_user(session, parse_identifier(email)) for email, *_rest in DEMO_GRADUATES]
    cohorts.add_members(session, cohort, [h.id for h in hosts if h is not None])
    for slug, days in ((DEMO_COURSE, 14), ("reg-ads-claims", 2)):
        if session.scalar(select(Course).where(Course.slug == slug)) is not None:
            cohorts.assign_course(session, cohort, [mcn.id], slug, today + timedelta(days=days))


DEMO_COHORT = "十一月新主播班（演示）"


#: Demo hosts who completed the demo course: (email, legal name, first 17 digits of a made-up 身份证号, revoke).
DEMO_GRADUATES = [
    ("host@demo.example.com", "林小美", "11010519950307002", False),
    ("host2@demo.example.com", "陈阿美", "44030419980812004", True),
]
DEMO_COURSE = "reg-host-conduct"


def _right_answer(q):
    """What a well-prepared host answers (demo data only)."""
    if q.type == "multichoice":
        return next(i for i, a in enumerate(q.answers) if a.fraction == 1)
    if q.type == "multiresponse":
        return [i for i, a in enumerate(q.answers) if a.fraction > 0]
    if q.type == "truefalse":
        return q.correct
    if q.type == "shortanswer":
        return q.answers[0].text
    if q.type == "numerical":
        return str(q.numerical[0].value)
    if q.type == "matching":
        return {str(i): p.answer for i, p in enumerate(q.pairs) if p.question}
    if q.type == "ordering":
        return list(range(len(q.answers)))
    return None


def _graduate(session: Session, cipher: PIICipher, email: str, legal_name: str, id_base: str, cfg: Config):
    """Give a demo host a real-name profile and a completed course, as if they had studied it."""
    user = accounts.find_user(session, parse_identifier(email))
    course = session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
    if user is None or course is None:
        return None
    if user.real_name is None:
        save_real_name(session, cipher, user, legal_name=legal_name,
                       id_number=id_base + idcard.check_character(id_base), consent=True)
    enrollment = learning.enroll(session, user.id, course)
    existing = certificate_for(session, enrollment.id)
    if existing is not None:
        return existing
    now = utcnow()
    lessons = session.scalars(select(Lesson).where(Lesson.version_id == enrollment.version_id)).all()
    per_lesson = max(60, enrollment.version.required_minutes * 60 // max(1, len(lessons)) + 60)
    for lesson in lessons:
        session.add(StudyTime(user_id=user.id, lesson_id=lesson.id, day=china_day(now), seconds=per_lesson))
        session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, reached_end_at=now, completed_at=now))
    enrollment.lessons_completed_at = now
    for quiz in session.scalars(select(Quiz).where(Quiz.version_id == enrollment.version_id, Quiz.required)):
        # A real attempt on a drawn paper, so the review and the trainer's statistics have something to show.
        attempt = quizzes.start_attempt(session, user.id, quiz, now, random.Random(user.id))
        answers = {i: _right_answer(item.question) for i, item in enumerate(quizzes.review_items(attempt))}
        quizzes.finish_attempt(session, attempt, now, {i: a for i, a in answers.items() if a is not None})
    session.flush()
    return try_issue(session, enrollment, cfg, now)
