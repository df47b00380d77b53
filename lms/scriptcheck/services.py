"""Script checks with the organisation's rules, saved scripts (only their owner sees them), organisation rules,
anonymous finding counts, and the lesson that teaches an article. Services take plain arguments and raise
domain errors; the caller commits."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.catalogue.models import Course, Lesson
from lms.db import utcnow
from lms.errors import DomainError, NotFound
from lms.learning.studytime import china_day
from lms.messages import N_
from lms.orgs.models import Membership, Organisation, OrgKind
from lms.scriptcheck import checker as checker_mod
from lms.scriptcheck.checker import OrgRules, Report
from lms.scriptcheck.laws import cn_number
from lms.scriptcheck.models import OrgScriptRule, SavedScript, ScriptFindingCount
from lms.scriptcheck.rules import CATEGORIES

RULE_KINDS = ("banned", "approved", "allowed")
MAX_SAVED = 50


class ScriptTooLong(DomainError):
    pass


def _mcn_org_ids(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(
        select(Membership.org_id).join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == user_id, Organisation.kind == OrgKind.MCN)
    ))  # fmt: skip


def org_rules_for(session: Session, user_id: int | None) -> OrgRules:
    """The rules of every agency the user belongs to (banned words fire; approved claims and allowed words
    silence what they cover)."""
    if user_id is None:
        return OrgRules()
    return _rules_of(session, _mcn_org_ids(session, user_id))


def _rules_of(session: Session, org_ids: list[int]) -> OrgRules:
    if not org_ids:
        return OrgRules()
    rows = session.scalars(select(OrgScriptRule).where(OrgScriptRule.org_id.in_(org_ids))
                           .order_by(OrgScriptRule.id)).all()
    banned = tuple((r.phrase, r.reason) for r in rows if r.kind == "banned")
    allowed = tuple(r.phrase for r in rows if r.kind in ("approved", "allowed"))
    return OrgRules(banned=banned, allowed=allowed)


class NotEntitled(DomainError):
    """The caller asked for an organisation's rules without being one of its members."""


def entitled_agencies(session: Session, user_id: int | None, slug: str | None = None) -> list[Organisation]:
    """The agencies whose rules a caller of the API gets: every agency the user belongs to, or only the one named
    by ``slug``. Anonymous callers get none. Asking for an agency the user is not a member of, or one that does
    not exist, raises :class:`NotEntitled` with the same message either way."""
    mine = [] if user_id is None else list(session.scalars(
        select(Organisation).join(Membership, Membership.org_id == Organisation.id)
        .where(Membership.user_id == user_id, Organisation.kind == OrgKind.MCN).order_by(Organisation.id)))  # fmt: skip
    if slug is None:
        return mine
    chosen = [org for org in mine if org.slug == slug]
    if not chosen:
        raise NotEntitled(N_("Only a logged-in member of an agency gets its rules."), field="org")
    return chosen


def agency_by_slug(session: Session, slug: str) -> Organisation:
    """An agency for the command line (the operator may use any agency's rules)."""
    org = session.scalar(select(Organisation).where(Organisation.slug == slug, Organisation.kind == OrgKind.MCN))
    if org is None:
        raise NotFound(N_("There is no agency %(slug)s.", slug=slug))
    return org


def check_with_agencies(session: Session, text: str, category: str, agencies: list[Organisation]) -> Report:
    """Check ``text`` with the shipped rules and the rules of ``agencies``; nothing is stored (API and command
    line). The caller has checked the text's length and the category."""
    return checker_mod.default_checker().check(text, category, _rules_of(session, [org.id for org in agencies]))


def check_script(session: Session, user_id: int | None, text: str, category: str) -> Report:
    """Check ``text``; for a member of an agency, apply its rules and count each finding's rule (no text kept)."""
    if category not in CATEGORIES:
        raise DomainError(N_("Choose a product category."), field="category")
    if not text.strip():
        raise DomainError(N_("Paste a script or upload a file to check."), field="script")
    if len(text) > checker_mod.MAX_CHARS:
        raise ScriptTooLong(N_("The script has %(n)s characters; at most %(max)s can be checked at once.",
                               n=len(text), max=checker_mod.MAX_CHARS), field="script")
    report = checker_mod.default_checker().check(text, category, org_rules_for(session, user_id))
    if user_id is not None:
        _count(session, user_id, report)
    return report


def _count(session: Session, user_id: int, report: Report) -> None:
    fired = Counter(f.rule_id for f in report.findings + report.missing)
    if not fired:
        return
    today = china_day(utcnow())
    for org_id in _mcn_org_ids(session, user_id):
        for rule_id, n in sorted(fired.items()):
            _add_count(session, org_id, rule_id, today, n)


def _add_count(session: Session, org_id: int, rule_id: str, day: date, n: int) -> None:
    """Add ``n`` to the day's counter in one UPDATE; create it when missing. Two checks at the same moment
    both count: the one whose INSERT loses the race adds to the row the other created."""
    key = (ScriptFindingCount.org_id == org_id, ScriptFindingCount.rule_id == rule_id, ScriptFindingCount.day == day)
    bump = update(ScriptFindingCount).where(*key).values(count=ScriptFindingCount.count + n)
    if session.execute(bump.execution_options(synchronize_session=False)).rowcount:
        return
    try:
        with session.begin_nested():
            session.add(ScriptFindingCount(org_id=org_id, rule_id=rule_id, day=day, count=n))
            session.flush()
    except IntegrityError:
        session.execute(bump.execution_options(synchronize_session=False))


def top_findings(session: Session, org_id: int, days: int = 30, today: date | None = None) -> list[tuple[str, int]]:
    """Rule ids and how often they fired in the organisation's checks over the last ``days`` China days."""
    since = (today or china_day(utcnow())) - timedelta(days=days - 1)
    total = func.sum(ScriptFindingCount.count)
    rows = session.execute(
        select(ScriptFindingCount.rule_id, total).where(ScriptFindingCount.org_id == org_id,
                                                        ScriptFindingCount.day >= since)
        .group_by(ScriptFindingCount.rule_id).order_by(total.desc(), ScriptFindingCount.rule_id).limit(20)
    ).all()  # fmt: skip
    return [(rule_id, int(n)) for rule_id, n in rows]


# -- organisation rules -----------------------------------------------------------------------------------------
def org_rules(session: Session, org_id: int) -> list[OrgScriptRule]:
    return list(session.scalars(select(OrgScriptRule).where(OrgScriptRule.org_id == org_id)
                                .order_by(OrgScriptRule.kind, OrgScriptRule.phrase)))


def add_org_rule(session: Session, org_id: int, user_id: int, kind: str, phrase: str, reason: str) -> OrgScriptRule:
    phrase, reason = phrase.strip(), reason.strip()
    if kind not in RULE_KINDS:
        raise DomainError(N_("Choose what kind of rule this is."), field="kind")
    if not phrase or len(phrase) > 60:
        raise DomainError(N_("Give a word or phrase of 1 to 60 characters."), field="phrase")
    if not reason or len(reason) > 300:
        raise DomainError(N_("Give the reason (up to 300 characters): hosts see it next to the finding."),
                          field="reason")
    exists = session.scalar(select(OrgScriptRule).where(OrgScriptRule.org_id == org_id,
                                                        OrgScriptRule.phrase == phrase))
    if exists is not None:
        raise DomainError(N_("“%(phrase)s” already has a rule; delete it first to change it.", phrase=phrase),
                          field="phrase")
    rule = OrgScriptRule(org_id=org_id, kind=kind, phrase=phrase, reason=reason, created_by_id=user_id)
    session.add(rule)
    session.flush()
    return rule


def delete_org_rule(session: Session, org_id: int, rule_id: int) -> None:
    rule = session.get(OrgScriptRule, rule_id)
    if rule is None or rule.org_id != org_id:
        raise NotFound(N_("No such rule."))
    session.delete(rule)


# -- saved scripts ----------------------------------------------------------------------------------------------
def saved_scripts(session: Session, user_id: int) -> list[SavedScript]:
    return list(session.scalars(select(SavedScript).where(SavedScript.user_id == user_id)
                                .order_by(SavedScript.saved_at.desc(), SavedScript.id.desc())))


def saved_script(session: Session, user_id: int, script_id: int) -> SavedScript:
    """The user's own saved script; anyone else's is 'not found', so its existence is not revealed."""
    script = session.get(SavedScript, script_id)
    if script is None or script.user_id != user_id:
        raise NotFound(N_("No such saved script."))
    return script


def save_script(session: Session, user_id: int, title: str, category: str, body: str,
                script_id: int | None = None) -> SavedScript:
    title = title.strip()
    if not title or len(title) > 80:
        raise DomainError(N_("Give the script a title of 1 to 80 characters."), field="title")
    if category not in CATEGORIES:
        raise DomainError(N_("Choose a product category."), field="category")
    if not body.strip() or len(body) > checker_mod.MAX_CHARS:
        raise DomainError(N_("Only a script of 1 to %(max)s characters can be saved.", max=checker_mod.MAX_CHARS),
                          field="script")
    if script_id is not None:
        script = saved_script(session, user_id, script_id)
        script.title, script.category, script.body = title, category, body
    else:
        if len(saved_scripts(session, user_id)) >= MAX_SAVED:
            raise DomainError(N_("You have %(n)s saved scripts; delete one first.", n=MAX_SAVED), field="title")
        script = SavedScript(user_id=user_id, title=title, category=category, body=body)
        session.add(script)
    session.flush()
    return script


def delete_saved(session: Session, user_id: int, script_id: int) -> None:
    session.delete(saved_script(session, user_id, script_id))


# -- the lesson that teaches an article -------------------------------------------------------------------------
def lessons_for(session: Session, citations: set[tuple[str, str, int]]) -> dict[tuple[str, int], tuple[str, Lesson]]:
    """For each (law short name, law title, article number): the shared-catalogue lesson citing that article most
    often, as (course slug, lesson)."""
    if not citations:
        return {}
    found: dict[tuple[str, int], tuple[str, Lesson]] = {}
    for short, title, number in sorted(citations):
        forms = [f"《{name}》第{cn_number(number)}条" for name in {short, title}]
        rows = session.execute(
            select(Course.slug, Lesson).join(Lesson, Lesson.version_id == Course.current_version_id)
            .where(or_(Course.org_id.is_(None), Course.shared.is_(True)),
                   or_(*(Lesson.html.contains(form, autoescape=True) for form in forms)))
        ).all()  # fmt: skip
        best = max(rows, key=lambda row: (sum(row[1].html.count(form) for form in forms), -row[1].id), default=None)
        if best is not None:
            found[(short, number)] = (best[0], best[1])
    return found
