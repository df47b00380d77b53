"""Reading lessons, heartbeats, finishing a lesson, "my learning" and the study record (学习档案)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from sqlalchemy.orm.attributes import set_committed_value

from lms.accounts.forms import ConfirmForm
from lms.catalogue.models import CourseVersion
from lms.catalogue import services as catalogue
from lms.catalogue.outlines import LessonLine, LessonPage
from lms.catalogue.views import locale_code, user_org_ids
from lms.certificates.lessonpage import PageStanding, governing_for, lesson_view
from lms.certificates.standing import beat_figures
from lms.db import get_session, utcnow
from lms.errors import NotFound, ValidationFailed
from lms.evidence import automation
from lms.evidence import identity_services as identities
from lms.evidence import services as evidence
from lms.evidence.views import presence_json
from lms.learning import card_views, lessonhtml, services, summaries
from lms.learning.lessonhtml import HostFigures
from lms.learning.models import Enrollment
from lms.memo import memoized
from lms.security.access import LOGIN, rule
from lms.site.links import link
from lms.bounds import BadJSON, parse_json, whole_number

bp = Blueprint("learning", __name__)


def study_rules(daily_max_seconds: int | None = None) -> services.StudyRules:
    cfg = current_app.config["LMS"]
    return services.StudyRules(completion_ratio=cfg.lesson_completion_ratio, daily_max_seconds=daily_max_seconds)


def _enrollment_or_none(slug: str) -> Enrollment | None:
    session = get_session()
    try:
        course, version = catalogue.get_visible_course(session, slug, user_org_ids())
    except NotFound:
        return None
    enrollment = services.enrollment_for(session, current_user.id, course.id)
    if enrollment is not None:
        # The pages show both: give what is loaded already, and load an older version the host studies on purpose.
        set_committed_value(enrollment, "course", course)
        set_committed_value(enrollment, "version", version if enrollment.version_id == version.id
                            else session.get(CourseVersion, enrollment.version_id))  # fmt: skip
    return enrollment


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@rule(LOGIN)
def lesson(slug: str, lesson_slug: str):
    session = get_session()
    cfg = current_app.config["LMS"]
    view = lesson_view(session, user_id=current_user.id, slug=slug, lesson_slug=lesson_slug,
                       rules=study_rules(), cfg=cfg)  # fmt: skip
    if view is None:
        flash(_("Enrol on the course to read its lessons."), "info")
        return redirect(url_for("catalogue.course", slug=slug))
    if view.recorded:  # a reload of the lesson just read writes nothing: no COMMIT either
        session.commit()
    babel_locale = str(get_locale())
    locale = "en" if babel_locale == "en" else "zh"  # as locale_code, without asking Babel again
    standing, state, progress = view.standing, view.state, view.progress
    parts = _lesson_parts(babel_locale, request.script_root, view.course_slug, view.course_title(locale),
                          view.lesson, view.previous, view.next, cfg.heartbeat_seconds, standing.required_minutes,
                          standing.lesson_minimum_minutes, standing.awards_certificate, view.required_seconds)
    figures = HostFigures(
        course_percent=progress.percent, completed_count=progress.completed_count,
        lesson_count=len(progress.lessons), lesson_position=view.lesson.position,
        certificate_issued=bool(standing.issued),
        identity_start=bool(view.policy.identity_at_start and view.consented),
        identity_random=bool(view.policy.identity_random and view.consented), identity_unmet=view.identity_unmet,
        lesson_seconds=state.seconds, lesson_completed=state.completed, lesson_reached_end=state.reached_end,
        required_seconds=view.required_seconds, awards_certificate=standing.awards_certificate,
        verified_minutes=standing.verified_minutes, required_minutes=standing.required_minutes,
        verified_percent=standing.percent, remaining_minutes=standing.remaining_minutes,
    )  # fmt: skip
    page = render_template("learning/lesson.html", parts=parts,
                           content=lessonhtml.content(parts, figures, generate_csrf()))  # fmt: skip
    response = current_app.make_response(page)
    if view.consented and (view.policy.identity_at_start or view.policy.identity_random):
        response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return response


#: key: the arguments (language, address, course, the lesson itself with its text, its neighbours, settings).
@memoized(128)
def _lesson_parts(babel_locale: str, script_root: str, course_slug: str, course_title: str, lesson: LessonPage,
                  previous: LessonLine | None, next: LessonLine | None, heartbeat_seconds: int,
                  required_minutes: int, lesson_minimum_minutes: int, awards_certificate: bool,
                  required_seconds: int) -> lessonhtml.LessonParts:
    """What the lesson page shows every host alike, rendered once per process: the arguments are everything it
    depends on (the lesson's own text included), so a new version or setting is a new entry, never a stale one.
    The study-time rule's words and the certificate banner (both ways) are here; the host's figures are not, but
    the sentences that hold them are, translated (gettext without values gives the format string)."""
    rule_values = {"verified_minutes": 0, "required_minutes": required_minutes, "certificate": None,
            "lesson_minimum_minutes": lesson_minimum_minutes, "awards_certificate": awards_certificate}
    html = render_template("learning/_lesson_parts.html", course_slug=course_slug, course_title=course_title,
                           lesson=lesson, previous=previous, next=next, heartbeat_seconds=heartbeat_seconds,
                           required_minutes=required_minutes, required_seconds=required_seconds,
                           rule=PageStanding(**rule_values), banner_shown=PageStanding(**rule_values, valid=True),
                           banner_hidden=PageStanding(**rule_values),
                           locale=locale_code())  # fmt: skip
    sentences = {
        "position": _("Lesson %(n)d of %(total)d · %(done)d completed"),
        "verified": _("%(done)d of %(needed)d minutes verified"),
        "still_needed": _("Still needed: %(m)d minutes."),
        "not_complete": _("Not complete yet: %(done)d of %(needed)d minutes of reading counted on this lesson."),
    }
    return lessonhtml.cut(html, sentences)


@bp.post("/courses/<slug>/lessons/<lesson_slug>/finish")
@rule(LOGIN)
def finish(slug: str, lesson_slug: str):
    form = ConfirmForm()
    enrollment = _enrollment_or_none(slug)
    if enrollment is None or not form.validate_on_submit():
        return redirect(url_for("catalogue.course", slug=slug))
    session = get_session()
    current = services.lesson_of(session, enrollment, lesson_slug)
    try:
        services.finish_lesson(session, enrollment, current, study_rules())
    except ValidationFailed as exc:
        session.commit()  # keep "reached the end"
        flash(str(exc.message), "error")
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=lesson_slug) + "#finish")
    session.commit()
    progress = services.course_progress(session, enrollment)
    following = [s.lesson for s in progress.lessons if s.lesson.position > current.position]
    if following:
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=following[0].slug))
    flash(_("You have finished the lessons of this course."), "success")
    return redirect(url_for("catalogue.course", slug=slug))


@bp.post("/api/learning/heartbeat")
@rule(LOGIN)
def heartbeat():
    """The lesson page says "visible and active" every few seconds; the server's clock decides what counts."""
    try:
        payload = parse_json(request.get_data(), max_bytes=1024, max_depth=2)
    except BadJSON as exc:
        return jsonify({"error": {"status": 400, "detail": str(exc)}}), 400
    lesson = payload.get("lesson") if isinstance(payload, dict) else None
    lesson_id = whole_number(lesson, low=1) if isinstance(lesson, int) else None  # a JSON number, in range
    if lesson_id is None or not isinstance(payload.get("start", False), bool):
        return jsonify({"error": {"status": 400, "detail": "send {\"lesson\": a lesson id (a whole number), "
                                                           "\"start\": true or false, \"visible\": true or false, "
                                                           "\"idle\": seconds since the last input}"}}), 400
    session = get_session()
    enrollment = services.enrollment_for_lesson(session, current_user.id, lesson_id)
    if enrollment is None:
        return jsonify({"error": {"status": 404, "detail": "no such lesson in your courses"}}), 404
    policy = governing_for(session, current_user.id, enrollment.course_id).policy
    now = utcnow()
    gate = evidence.before_beat(session, current_user.id, lesson_id, policy, now)
    rules = study_rules(policy.daily_max_seconds)
    # The page must say it is visible and had input lately; otherwise the beat only restarts the clock.
    if gate.credit and automation.active(payload.get("visible"), payload.get("idle")):
        on_credit = (lambda day, seconds: evidence.record_credit(session, current_user.id, lesson_id, day, seconds)) \
            if gate.tracking else None
        credited = services.heartbeat(session, current_user.id, lesson_id, rules, now=now,
                                      start=payload.get("start") is True, on_credit=on_credit)
    else:  # a presence check is outstanding or credit is stopped: the clock moves, nothing is earned
        credited = services.heartbeat(session, current_user.id, lesson_id, rules, now=now, start=True)
    evidence.record_beat(session, current_user.id, lesson_id, now, credited=credited, max_gap=rules.max_gap,
                         identity_unmet=identity_unmet(session, policy),
                         scroll=whole_number(payload.get("scroll"), low=0, high=100) or 0,
                         scrollable=payload.get("scrollable") is True)  # fmt: skip
    enrollment.last_active_at = now
    # Reaching the course's study time can be what completes the rule: the page announces the certificate.
    course_minutes, issued, total = beat_figures(session, enrollment, current_app.config["LMS"], credited, lesson_id)
    session.commit()
    body = {"credited": credited, "lesson_seconds": total, "course_minutes": course_minutes, "certificate": issued}
    if gate.tracking:
        body["presence"] = presence_json(gate, now)
    return jsonify(body)


def identity_unmet(session, policy) -> bool:
    """The programme requires identity checks but the host has not given the face-image consent."""
    requires = (policy.identity_at_start or policy.identity_random) and current_app.config["LMS"].identity_provider != "none"
    return bool(requires) and identities.face_consent(session, current_user.id) is None


@bp.get("/learning/")
@rule(LOGIN)
def dashboard():
    progresses = summaries.course_summaries(get_session(), current_user.id)
    rows = card_views.course_rows("learning/_course_card.html", progresses, str(get_locale()))
    return render_template("learning/dashboard.html", cards=rows, link=link)


@bp.get("/learning/record")
@rule(LOGIN)
def record():
    rows = services.study_rows(get_session(), current_user.id)
    by_day: dict = {}
    by_course: dict = {}
    for row in rows:
        by_day[row.day] = by_day.get(row.day, 0) + row.seconds
        key = (row.course_slug, row.version)
        title = row.course_title_en if locale_code() == "en" else row.course_title_zh
        by_course.setdefault(key, [title, 0])[1] += row.seconds
    session = get_session()
    progresses = services.course_progresses(session, services.enrollments_of(session, current_user.id))
    return render_template(
        "learning/record.html", rows=rows, by_day=sorted(by_day.items(), reverse=True),
        by_course=by_course, total=sum(r.seconds for r in rows), progresses=progresses, locale=locale_code(),
    )  # fmt: skip


@bp.get("/learning/record.csv")
@rule(LOGIN)
def record_csv():
    body = services.study_record_csv(services.study_rows(get_session(), current_user.id), locale_code())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="study-record.csv"'},
    )
