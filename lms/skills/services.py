"""Skill evidence from learning records, T-profiles, sharing, trainer assessments and the cohort skill map.

Evidence is read from where it was recorded (graded quiz answers, completed lessons, trainer assessments), each
with its time and source, so a profile can always be recomputed and explained. Bulk queries keep the cohort map to
three queries whatever the number of hosts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, func, literal, or_, select, true, union_all
from sqlalchemy.orm import Session

from lms import spreadsheets
from lms.accounts.models import User
from lms import cache
from lms.catalogue.labels import skills_framework
from lms.catalogue.models import Course, CourseVersion, Exercise, Lesson, Quiz
from lms.db import utcnow
from lms.errors import NotFound, ValidationFailed
from lms.exercises.models import RewriteResult
from lms.learning.models import Enrollment, LessonProgress
from lms.orgs.models import Membership, Role
from lms.quizzes.models import FINISHED, QuizAttempt, QuizResponse
from lms.skills import mastery as model
from lms.skills.models import SkillAssessment, SkillSettings
from lms.skills.profile import CourseInfo, TProfile, build_profile, profile_json, recommend


def framework_ids() -> tuple[list[str], list[str]]:
    framework = skills_framework()
    if framework is None:
        return [], []
    skills = list(framework.skills.values())
    return [s.id for s in skills if s.kind == "horizontal"], [s.id for s in skills if s.kind == "vertical"]


def evidence_for(session: Session, user_ids: list[int]) -> dict[int, list[model.Evidence]]:
    """Every piece of evidence of these hosts: four queries in all."""
    known = set(sum(framework_ids(), []))
    found: dict[int, list[model.Evidence]] = defaultdict(list)
    if not user_ids:
        return found
    rows = session.execute(
        select(QuizResponse.id, QuizResponse.question_index, QuizResponse.score, QuizResponse.graded_at,
               QuizAttempt.user_id, QuizAttempt.submitted_at, QuizAttempt.quiz_id)
        .join(QuizAttempt, QuizResponse.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.status == FINISHED, QuizResponse.score.is_not(None))
    ).all()  # fmt: skip
    # Each quiz's question list (a large JSON) is read once, not once per answer.
    tags = _question_tags(session, {row[6] for row in rows}, known)
    for rid, index, score, graded_at, user_id, submitted_at, quiz_id in rows:
        skills, difficulty = tags[quiz_id][index] if index < len(tags[quiz_id]) else ((), 2)
        for skill in skills:
            found[user_id].append(model.answer(skill, max(0.0, min(1.0, score)), difficulty,
                                               graded_at or submitted_at, f"quiz-response:{rid}"))
    # Completed lessons and rewrite exercises in one statement. A rewrite exercise is a hard, open answer: the
    # host's best result counts as one answer of difficulty 3 (outcome 1 passed, 0 not yet; -1 marks a lesson).
    lessons = (
        select(LessonProgress.id, LessonProgress.user_id, LessonProgress.completed_at, Lesson.skills,
               literal(-1).label("outcome"))
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id.in_(user_ids), LessonProgress.completed_at.is_not(None))
    )  # fmt: skip
    rewrites = (
        select(RewriteResult.id, RewriteResult.user_id, RewriteResult.best_at, Exercise.skills,
               case((RewriteResult.passed, 1), else_=0))
        .join(Exercise, RewriteResult.exercise_id == Exercise.id).where(RewriteResult.user_id.in_(user_ids))
    )  # fmt: skip
    for rid, user_id, at, skills, outcome in session.execute(union_all(lessons, rewrites)):
        for skill in skills:
            if skill not in known:
                continue
            if outcome < 0:
                found[user_id].append(model.lesson(skill, at, f"lesson-progress:{rid}"))
            else:
                found[user_id].append(model.answer(skill, float(outcome), 3, at, f"rewrite:{rid}"))
    for assessment in session.scalars(select(SkillAssessment).where(SkillAssessment.user_id.in_(user_ids))):
        if assessment.skill in known:
            found[assessment.user_id].append(
                model.assessment(assessment.skill, assessment.level, assessment.assessed_at,
                                 f"assessment:{assessment.id}")
            )  # fmt: skip
    return found


def _question_tags(session: Session, quiz_ids: set[int], known: set[str]) -> dict[int, list[tuple[tuple, int]]]:
    """Per quiz, per question: (skills, difficulty); untagged questions count for the course's first skill."""
    tags: dict[int, list[tuple[tuple, int]]] = {}
    if not quiz_ids:
        return tags
    for quiz_id, questions, course_skills in session.execute(
        select(Quiz.id, Quiz.questions, CourseVersion.skills)
        .join(CourseVersion, Quiz.version_id == CourseVersion.id)
        .where(Quiz.id.in_(quiz_ids))
    ):
        tags[quiz_id] = [
            (tuple(s for s in (q.get("skills") or course_skills[:1]) if s in known), int(q.get("difficulty") or 2))
            for q in questions
        ]
    return tags


def settings_of(session: Session, user_id: int) -> SkillSettings:
    settings = session.get(SkillSettings, user_id)
    if settings is None:
        settings = SkillSettings(user_id=user_id, verticals=[])
        session.add(settings)
        session.flush()
    return settings


@dataclass
class HostProfile:
    profile: TProfile
    masteries: dict[str, model.SkillMastery]
    next_courses: list[str]
    verticals: list[str]

    def as_json(self) -> dict:
        return profile_json(self.profile, self.next_courses)


def course_infos(session: Session) -> list[CourseInfo]:
    """The shared catalogue's courses as recommendations see them: the same for everyone, so cached."""
    def make() -> list[CourseInfo]:
        rows = session.execute(
            select(Course.slug, CourseVersion.skills, CourseVersion.vertical, CourseVersion.level)
            .join(CourseVersion, Course.current_version_id == CourseVersion.id)
            .where(or_(Course.org_id.is_(None), Course.shared.is_(True)))
        )
        return [CourseInfo(slug, tuple(skills), vertical, level) for slug, skills, vertical, level in rows]

    return cache.cached(cache.CATALOGUE, "course-infos", make)


def _evidence_version_statement():
    """One statement of aggregates over every source of a host's T-profile (built once: building it costs more
    than running it)."""
    user_id = bindparam("user_id")
    answers = (
        select(func.count(QuizResponse.id), func.sum(QuizResponse.id), func.sum(QuizResponse.score),
               func.max(QuizResponse.graded_at), func.max(QuizAttempt.submitted_at))
        .join(QuizAttempt, QuizResponse.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.status == FINISHED, QuizResponse.score.is_not(None))
    )  # fmt: skip
    lessons = select(func.count(LessonProgress.id), func.sum(LessonProgress.id), func.max(LessonProgress.completed_at)) \
        .where(LessonProgress.user_id == user_id, LessonProgress.completed_at.is_not(None))  # fmt: skip
    rewrites = select(func.count(RewriteResult.id), func.sum(RewriteResult.id), func.max(RewriteResult.best_at),
                      func.sum(case((RewriteResult.passed, 1), else_=0))).where(RewriteResult.user_id == user_id)
    assessments = select(func.count(SkillAssessment.id), func.sum(SkillAssessment.id), func.sum(SkillAssessment.level),
                         func.max(SkillAssessment.assessed_at)).where(SkillAssessment.user_id == user_id)
    settings = select(SkillSettings.updated_at).where(SkillSettings.user_id == user_id)
    parts = [q.subquery() for q in (answers, lessons, rewrites, assessments)]
    return (
        select(*(c for part in parts for c in part.c), settings.scalar_subquery())
        .select_from(parts[0]).join(parts[1], true()).join(parts[2], true()).join(parts[3], true())
    )  # fmt: skip


_EVIDENCE_VERSION = _evidence_version_statement()


def evidence_version(session: Session, user_id: int) -> str:
    """A digest of everything a host's T-profile is computed from (graded answers, completed lessons, rewrite
    results, trainer assessments, chosen verticals), in one statement: it changes whenever any of them is added,
    removed or changed, however it was written, so a profile cached under it is never stale."""
    return evidence_digest(tuple(session.execute(_EVIDENCE_VERSION, {"user_id": user_id}).one()))


def evidence_digest(values: tuple) -> str:
    """The digest of a row of the evidence statement (the home page reads that row with the host's courses)."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:24]


def evidence_statement():
    """The evidence statement (bound parameter ``user_id``), for a page that reads it within a larger one."""
    return _EVIDENCE_VERSION


def host_profile(session: Session, user_id: int, now: datetime | None = None) -> HostProfile:
    now = now or utcnow()
    horizontal, verticals = framework_ids()
    settings = session.get(SkillSettings, user_id)
    chosen = [v for v in (settings.verticals if settings else []) if v in verticals]
    masteries = model.compute_mastery(evidence_for(session, [user_id])[user_id], now, skills=horizontal + verticals)
    profile = build_profile(masteries, horizontal, chosen)
    taken = set(session.scalars(
        select(Course.slug).join(Enrollment, Enrollment.course_id == Course.id).where(Enrollment.user_id == user_id)
    ))  # fmt: skip
    return HostProfile(profile, masteries, recommend(profile, course_infos(session), taken), chosen)


def choose_verticals(session: Session, user_id: int, chosen: list[str]) -> None:
    _horizontal, verticals = framework_ids()
    chosen = list(dict.fromkeys(v for v in chosen if v))
    if not 1 <= len(chosen) <= 2 or any(v not in verticals for v in chosen):
        raise ValidationFailed(_l("Choose one product category, or two for a π-shaped profile."), "verticals")
    settings_of(session, user_id).verticals = chosen
    session.flush()


def set_sharing(session: Session, user_id: int, shared: bool) -> str | None:
    settings = settings_of(session, user_id)
    settings.share_token = secrets.token_urlsafe(24) if shared else None
    session.flush()
    return settings.share_token


def shared_profile_owner(session: Session, token: str) -> User:
    settings = session.scalar(select(SkillSettings).where(SkillSettings.share_token == token))
    if settings is None or not token:
        raise NotFound(_l("This profile is not shared, or the link was withdrawn."))
    user = session.get(User, settings.user_id)
    assert user is not None
    return user


def org_hosts(session: Session, org_id: int) -> list[User]:
    return list(session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org_id, Membership.role == Role.LEARNER).order_by(User.display_name)
    ))  # fmt: skip


def assess(session: Session, *, org_id: int, assessor_id: int, host_id: int, skill: str, level: int, note: str) -> SkillAssessment:
    horizontal, verticals = framework_ids()
    if skill not in horizontal + verticals:
        raise ValidationFailed(_l("Unknown skill."), "skill")
    if level not in (0, 1, 2, 3):
        raise ValidationFailed(_l("Choose a level from the rubric."), "level")
    if host_id not in {u.id for u in org_hosts(session, org_id)}:
        raise NotFound(_l("This host is not in your organisation."))
    record = SkillAssessment(user_id=host_id, skill=skill, level=level, assessor_id=assessor_id, org_id=org_id,
                             note=note.strip()[:1000] or None)  # fmt: skip
    session.add(record)
    session.flush()
    return record


@dataclass
class CohortMap:
    hosts: list[User]
    skills: list[str]  # weakest first
    cells: dict[int, dict[str, model.SkillMastery]]
    averages: dict[str, float]


def cohort_map(session: Session, org_id: int, now: datetime | None = None, sort: str | None = None) -> CohortMap:
    """Hosts by skills; skills ordered with the cohort's weakest (lowest average mastery) first."""
    now = now or utcnow()
    horizontal, verticals = framework_ids()
    skills = horizontal + verticals
    hosts = org_hosts(session, org_id)
    evidence = evidence_for(session, [h.id for h in hosts])
    cells = {h.id: model.compute_mastery(evidence[h.id], now, skills=skills) for h in hosts}
    averages = {s: (sum(cells[h.id][s].mastery for h in hosts) / len(hosts)) if hosts else 0.0 for s in skills}
    ordered = sorted(skills, key=lambda s: (averages[s], skills.index(s)))
    if sort in skills:
        hosts = sorted(hosts, key=lambda h: (-cells[h.id][sort].mastery, h.display_name))
    return CohortMap(hosts, ordered, cells, averages)


def cohort_csv(cmap: CohortMap, names: dict[str, str]) -> bytes:
    # One kind of value per column: the level's code in one, the mastery (0 to 1) as a number in the next.
    header = ["host", "account"]
    for s in cmap.skills:
        header += [f"{names.get(s, s)} ({s}) level", f"{names.get(s, s)} ({s}) mastery"]
    return spreadsheets.csv_bytes(header, (
        [host.display_name, host.login_name,
         *(v for s in cmap.skills for v in (cmap.cells[host.id][s].level, round(cmap.cells[host.id][s].mastery, 2)))]
        for host in cmap.hosts
    ))  # fmt: skip
