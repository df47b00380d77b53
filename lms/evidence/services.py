"""Which study policy governs a host's course, and saving an organisation's or a cohort's policy.

Services flush; the caller commits once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.catalogue.models import CourseVersion, Lesson
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.db import utcnow
from lms.errors import Conflict, NotFound
from lms.evidence import automation, presence
from lms.evidence.models import LessonSession, PresenceCheck, PresenceState, StudyPolicyRecord
from lms.evidence.policy import DEFAULT, StudyPolicy, snapshot
from lms.learning.models import StudyTime
from lms.orgs.models import Membership, OrgKind, Organisation, Role

FIELDS = tuple(StudyPolicy.__dataclass_fields__)


@dataclass(frozen=True)
class Governing:
    """A policy with where it came from: ``scope`` is ``default``, ``org:<id>`` or ``cohort:<id>``."""

    policy: StudyPolicy
    scope: str = "default"
    version: int = 0

    def snapshot(self) -> dict:
        return snapshot(self.policy, self.scope, self.version)


def governing_of(record: StudyPolicyRecord) -> Governing:
    return Governing(StudyPolicy(**{name: getattr(record, name) for name in FIELDS}), record.scope, record.version)


def org_scope(org_id: int) -> str:
    return f"org:{org_id}"


def cohort_scope(cohort_id: int) -> str:
    return f"cohort:{cohort_id}"


def record_of(session: Session, scope: str) -> StudyPolicyRecord | None:
    return session.scalar(select(StudyPolicyRecord).where(StudyPolicyRecord.scope == scope))


def org_policy(session: Session, org_id: int) -> Governing:
    """The organisation's defaults (the built-in defaults until it saves its own)."""
    record = record_of(session, org_scope(org_id))
    return governing_of(record) if record else Governing(DEFAULT)


def cohort_policy(session: Session, cohort: Cohort) -> Governing:
    """The cohort's override, else its organisation's defaults (both looked up in one query)."""
    scopes = [cohort_scope(cohort.id), org_scope(cohort.org_id)]
    records = {r.scope: r for r in session.scalars(select(StudyPolicyRecord).where(StudyPolicyRecord.scope.in_(scopes)))}
    record = records.get(scopes[0]) or records.get(scopes[1])
    return governing_of(record) if record else Governing(DEFAULT)


def policy_for(session: Session, user_id: int, course_id: int) -> Governing:
    """The policy a host studies a course under: the newest cohort that holds both, else the host's agency."""
    cohort = session.scalar(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id, CohortCourse.course_id == course_id)
        .order_by(Cohort.id.desc())
        .limit(1)
    )
    if cohort is not None:
        return cohort_policy(session, cohort)
    org_id = session.scalar(
        select(Membership.org_id).join(Organisation, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user_id, Membership.role == Role.LEARNER, Organisation.kind == OrgKind.MCN)
        .order_by(Membership.id).limit(1)
    )  # fmt: skip
    return org_policy(session, org_id) if org_id is not None else Governing(DEFAULT)


def policy_for_lesson(session: Session, user_id: int, lesson_id: int) -> Governing:
    course_id = session.scalar(
        select(CourseVersion.course_id).join(Lesson, Lesson.version_id == CourseVersion.id).where(Lesson.id == lesson_id)
    )
    return policy_for(session, user_id, course_id) if course_id is not None else Governing(DEFAULT)


def save_policy(
    session: Session, *, org_id: int, cohort_id: int | None, policy: StudyPolicy, by_user_id: int | None,
    scope: str | None = None,
) -> StudyPolicyRecord:
    """Save an organisation's defaults or a cohort's override (or, with ``scope``, a bureau's requirement for a
    submitted cohort: lms.bureau.required_policy); each save that changes a value is a new version."""
    problems = policy.problems()
    if problems:
        raise ValueError("; ".join(problems.values()))  # the form keeps values in bounds; this guards other callers
    scope = scope or (cohort_scope(cohort_id) if cohort_id is not None else org_scope(org_id))
    record = record_of(session, scope)
    values = policy.as_dict()
    if record is None:
        record = StudyPolicyRecord(scope=scope, org_id=org_id, cohort_id=cohort_id, version=1, **values)
        session.add(record)
    elif any(getattr(record, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(record, name, value)
        record.version += 1
    else:
        return record
    record.updated_at = utcnow()
    record.updated_by_id = by_user_id
    session.flush()
    return record


def remove_override(session: Session, cohort_id: int) -> bool:
    """The cohort follows its organisation's defaults again."""
    return remove_scope(session, cohort_scope(cohort_id))


def remove_scope(session: Session, scope: str) -> bool:
    """Delete the policy saved under ``scope``; whether there was one."""
    record = record_of(session, scope)
    if record is None:
        return False
    session.delete(record)
    session.flush()
    return True



# --- presence checks ---------------------------------------------------------------------------------------------


@dataclass
class Gate:
    """What the presence checks say about a heartbeat: whether it may earn time, and what the page must show."""

    credit: bool = True
    #: Whether credited seconds must be remembered (checks are on): a later miss withdraws them.
    tracking: bool = False
    #: The check the host must answer now (shown until answered or expired).
    check: PresenceCheck | None = None
    #: A check that this beat found expired: the page says that credit stopped, and how much was withdrawn.
    missed: PresenceCheck | None = None
    #: Credit is stopped until the host answers a check.
    stopped: bool = False


def _presence_state(session: Session, user_id: int, policy: StudyPolicy, now: datetime,
                    rng: random.Random | None) -> PresenceState:  # fmt: skip
    query = select(PresenceState).where(PresenceState.user_id == user_id).with_for_update()
    state = session.scalar(query.execution_options(populate_existing=True))
    if state is not None:
        return state
    try:
        with session.begin_nested():
            session.add(PresenceState(user_id=user_id, since_answered={},
                                      next_due_at=presence.next_due(now, policy.presence_interval_minutes, rng)))
            session.flush()
    except IntegrityError:
        pass  # another tab made it at the same moment
    return session.scalar(query.execution_options(populate_existing=True))  # type: ignore[return-value]


def pending_check(session: Session, user_id: int) -> PresenceCheck | None:
    return session.scalar(
        select(PresenceCheck).where(PresenceCheck.user_id == user_id, PresenceCheck.outcome == presence.PENDING)
        .order_by(PresenceCheck.id.desc()).limit(1)
    )  # fmt: skip


def before_beat(session: Session, user_id: int, lesson_id: int, policy: StudyPolicy, now: datetime,
                rng: random.Random | None = None) -> Gate:  # fmt: skip
    """Decide, before a heartbeat is credited, whether a presence check blocks it (see docs/study-hours.md)."""
    if not policy.presence_checks:
        return Gate()
    state = _presence_state(session, user_id, policy, now, rng)
    gate = Gate(tracking=True)
    check = pending_check(session, user_id)
    if check is not None and presence.outcome_of_late(check.expires_at, now):
        _fail(session, state, check, presence.MISSED, now)
        gate.missed, check = check, None
    if check is None and (state.stopped or now >= state.next_due_at):
        check = _issue(session, user_id, lesson_id, policy, now, rng)
    gate.check = check
    gate.stopped = state.stopped
    gate.credit = check is None and not state.stopped
    session.flush()
    return gate


def _issue(session: Session, user_id: int, lesson_id: int, policy: StudyPolicy, now: datetime,
           rng: random.Random | None) -> PresenceCheck:  # fmt: skip
    last = session.scalar(select(PresenceCheck.prompt).where(PresenceCheck.user_id == user_id)
                          .order_by(PresenceCheck.id.desc()).limit(1))  # fmt: skip
    prompt = presence.make_prompt(last, rng, lesson_material(session, lesson_id))
    check = PresenceCheck(user_id=user_id, lesson_id=lesson_id, kind=prompt.kind, prompt=prompt.public(),
                          answer=prompt.answer, shown_at=now, outcome=presence.PENDING,
                          expires_at=now + timedelta(seconds=policy.presence_answer_seconds))  # fmt: skip
    session.add(check)
    session.flush()
    return check


def lesson_material(session: Session, lesson_id: int) -> presence.LessonMaterial:
    """The lesson's declared presence questions, its headings, and the other lessons' headings of the course."""
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        return presence.LessonMaterial()
    rows = session.execute(select(Lesson.id, Lesson.headings).where(Lesson.version_id == lesson.version_id))
    texts = {row.id: [h[2] for h in row.headings or [] if h[0] in (2, 3)] for row in rows}
    return presence.LessonMaterial(
        questions=list(lesson.presence_questions or []), headings=texts.pop(lesson.id, []),
        other_headings=[text for others in texts.values() for text in others],
    )  # fmt: skip


def record_credit(session: Session, user_id: int, lesson_id: int, day: date, seconds: int) -> None:
    """Remember seconds credited since the last answered check: a later miss withdraws them."""
    state = session.get(PresenceState, user_id)
    if state is None:
        return
    key = f"{lesson_id}:{day.isoformat()}"
    since = dict(state.since_answered or {})
    since[key] = since.get(key, 0) + seconds
    state.since_answered = since


def answer_check(session: Session, user_id: int, check_id: int, given: object, policy: StudyPolicy,
                 now: datetime, rng: random.Random | None = None) -> PresenceCheck:  # fmt: skip
    """The host's answer: right in time resumes credit; wrong or late stops it and withdraws the unconfirmed time."""
    check = session.get(PresenceCheck, check_id)
    if check is None or check.user_id != user_id:
        raise NotFound("no such presence check")
    if check.outcome != presence.PENDING:
        raise Conflict("this presence check is already closed")
    state = _presence_state(session, user_id, policy, now, rng)
    if presence.outcome_of_late(check.expires_at, now):
        _fail(session, state, check, presence.MISSED, now)
    elif not presence.is_right_answer(check.kind, check.prompt.get("choices") or [], check.answer, given):
        _fail(session, state, check, presence.WRONG, now)
    else:
        check.outcome, check.resolved_at = presence.ANSWERED, now
        state.stopped, state.last_answered_at, state.since_answered = False, now, {}
        state.next_due_at = presence.next_due(now, policy.presence_interval_minutes, rng)
    session.flush()
    return check


def _fail(session: Session, state: PresenceState, check: PresenceCheck, outcome: str, now: datetime) -> None:
    """A missed or wrong check: the time credited since the last answered check is withdrawn, and credit stops."""
    withdrawn = 0
    for key, seconds in (state.since_answered or {}).items():
        lesson_id, day = key.split(":")
        row = session.scalar(select(StudyTime).where(StudyTime.user_id == state.user_id,
                                                     StudyTime.lesson_id == int(lesson_id),
                                                     StudyTime.day == date.fromisoformat(day)))  # fmt: skip
        if row is not None:
            taken = min(row.seconds, seconds)
            row.seconds -= taken
            withdrawn += taken
    check.outcome, check.resolved_at, check.withdrawn_seconds = outcome, now, withdrawn
    state.stopped, state.since_answered = True, {}


# --- lesson sessions and automation signals -----------------------------------------------------------------------


def record_beat(session: Session, user_id: int, lesson_id: int, now: datetime, *, credited: int, scroll: int,
                scrollable: bool, max_gap: timedelta, identity_unmet: bool = False) -> LessonSession:  # fmt: skip
    """Add a heartbeat to the host's current sitting on the lesson (a new one after a long gap) and flag patterns."""
    sitting = session.scalar(
        select(LessonSession).where(LessonSession.user_id == user_id, LessonSession.lesson_id == lesson_id)
        .order_by(LessonSession.id.desc()).limit(1)
    )  # fmt: skip
    if sitting is None or now - sitting.last_beat_at > max_gap or now < sitting.last_beat_at:
        sitting = LessonSession(user_id=user_id, lesson_id=lesson_id, started_at=now, last_beat_at=now, beats=0,
                                credited_seconds=0, max_scroll=0, scrollable=False, gaps_ms=[], flags=[])  # fmt: skip
        session.add(sitting)
    else:
        gap = int((now - sitting.last_beat_at).total_seconds() * 1000)
        sitting.gaps_ms = [*(sitting.gaps_ms or []), gap][-automation.PERIODIC_WINDOW:]
    sitting.last_beat_at = now
    sitting.beats += 1
    sitting.credited_seconds += credited
    sitting.max_scroll = max(sitting.max_scroll, scroll)
    sitting.scrollable = sitting.scrollable or scrollable
    flags = list(sitting.flags or [])
    if identity_unmet:
        flags = automation.with_flag(flags, "identity_unmet")
    if automation.is_periodic(sitting.gaps_ms):
        flags = automation.with_flag(flags, automation.PERIODIC)
    if automation.never_scrolled(sitting.scrollable, sitting.max_scroll, sitting.credited_seconds):
        flags = automation.with_flag(flags, automation.NO_SCROLL)
    # Another lesson beating lately *while this sitting was going on* (not a host who just went on to the next lesson).
    others = list(session.scalars(
        select(LessonSession).where(
            LessonSession.user_id == user_id, LessonSession.lesson_id != lesson_id,
            LessonSession.last_beat_at >= now - timedelta(seconds=automation.PARALLEL_SECONDS),
            LessonSession.last_beat_at > sitting.started_at)
    ))  # fmt: skip
    if others:
        flags = automation.with_flag(flags, automation.PARALLEL)
        for other in others:
            other.flags = automation.with_flag(list(other.flags or []), automation.PARALLEL)
    sitting.flags = flags
    session.flush()
    return sitting
