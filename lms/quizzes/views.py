"""Quiz pages for hosts: the overview, an attempt (resumable, timed by the server) and its review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.catalogue import services as catalogue
from lms.catalogue.views import locale_code, user_org_ids
from lms.db import get_session, utcnow
from lms.errors import DomainError, NotFound
from lms.learning import services as learning
from lms.quizzes.reviewing import review_shown
from lms.quizzes import services
from lms.quizzes.answers import answers_from_form, asked_pairs, matching_choices, ordering_positions
from lms.quizzes.models import IN_PROGRESS
from lms.security.access import LOGIN, rule
from lms.bounds import whole_number

bp = Blueprint("quizzes", __name__)


def _enrollment(slug: str):
    session = get_session()
    try:
        course, _version = catalogue.get_visible_course(session, slug, user_org_ids())
    except NotFound:
        return None
    return learning.enrollment_for(session, current_user.id, course.id)


@bp.get("/courses/<slug>/quizzes/<key>")
@rule(LOGIN)
def overview(slug: str, key: str):
    enrollment = _enrollment(slug)
    if enrollment is None:
        flash(_("Enrol on the course to take its quiz."), "info")
        return redirect(url_for("catalogue.course", slug=slug))
    session = get_session()
    quiz = services.quiz_of(session, enrollment, key)
    state = services.quiz_state(session, current_user.id, quiz, utcnow())
    settings = services.QuizSettings.of(quiz)
    course_title = enrollment.version.title(locale_code())
    session.commit()  # an attempt whose time ran out was closed and graded just now
    return render_template(
        "quizzes/overview.html", course_slug=slug, course_title=course_title, quiz=quiz, state=state,
        settings=settings, form=ConfirmForm(), locale=locale_code(), now=utcnow(),
    )  # fmt: skip


@bp.post("/courses/<slug>/quizzes/<key>/start")
@rule(LOGIN)
def start(slug: str, key: str):
    form = ConfirmForm()
    enrollment = _enrollment(slug)
    if enrollment is None or not form.validate_on_submit():
        return redirect(url_for("catalogue.course", slug=slug))
    session = get_session()
    try:
        quiz = services.quiz_of(session, enrollment, key)
        attempt = services.start_attempt(session, current_user.id, quiz, utcnow())
    except NotFound:
        return render_template("catalogue/not_found.html"), 404
    except DomainError as exc:
        session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.overview", slug=slug, key=key))
    session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _own_attempt(attempt_id: int):
    try:
        return services.get_attempt(get_session(), attempt_id, current_user.id)
    except NotFound:
        abort(404)


def _context(attempt, problems: dict[int, str] | None = None, drafts: dict[int, list[str]] | None = None):
    """What the attempt and review pages show; ``problems`` and ``drafts``: input refused on the last save."""
    drafts = drafts or {}
    quiz = attempt.quiz
    course = quiz.version.course
    items = services.review_items(attempt)
    now = utcnow()
    remaining = None
    if attempt.deadline_at is not None and attempt.status == IN_PROGRESS:
        remaining = max(0, int((attempt.deadline_at - now).total_seconds()))
    settings = services.QuizSettings.of(quiz)
    shown = None
    if attempt.status != IN_PROGRESS:
        state = services.quiz_state(get_session(), attempt.user_id, quiz, now)
        shown = review_shown(settings, passed=state.passed, last_attempt_done=bool(
            settings.attempts and state.open_attempt is None and len(state.attempts) >= settings.attempts))
    return {
        "attempt": attempt, "quiz": quiz, "course": course, "items": items, "remaining": remaining, "shown": shown,
        "settings": settings, "form": ConfirmForm(), "locale": locale_code(),
        "matching_choices": matching_choices, "asked_pairs": asked_pairs, "problems": problems or {},
        "ordering_positions": lambda item: ordering_positions(
            item.paper_item, item.response.response if item.response else None, drafts.get(item.position)),
    }  # fmt: skip


@bp.get("/quiz-attempts/<int:attempt_id>")
@rule(LOGIN)
def attempt(attempt_id: int):
    found = _own_attempt(attempt_id)
    session = get_session()
    if found.status == IN_PROGRESS and services.is_expired(found, utcnow()):
        services.finish_attempt(session, found, utcnow())
        session.commit()
        flash(_("Time is up: your attempt was submitted with the answers saved before the limit."), "info")
    template = "quizzes/attempt.html" if found.status == IN_PROGRESS else "quizzes/review.html"
    return render_template(template, **_context(found))


def _paper(found):
    return [(item.question, item.paper_item) for item in services.review_items(found)]


def _autosave(session, found, sent):
    """The attempt page saves itself a few seconds after each change and when it is hidden, so a closed phone tab
    or a lost connection loses no answer. Nothing is checked or submitted; an answer that cannot be stored yet (an
    ordering with a gap) waits for the host's own save, which marks it."""
    try:
        saved = services.save_answers(session, found, sent.answers, utcnow())
    except services.QuizClosed:
        session.rollback()
        return jsonify(closed=True), 409  # the page reloads and shows why
    session.commit()
    return jsonify(saved=saved, problems=sorted(sent.problems))


@bp.post("/quiz-attempts/<int:attempt_id>/save")
@rule(LOGIN)
def save(attempt_id: int):
    found = _own_attempt(attempt_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    sent = answers_from_form(_paper(found), request.form)
    answers = sent.answers
    finishing = "finish" in request.form
    check = request.form.get("check", "")
    position = whole_number(check, high=10_000)
    if request.form.get("autosave") == "1" and not finishing:
        return _autosave(session, found, sent)
    try:
        if sent.problems:
            # Keep what can be kept, submit and check nothing, and ask again where the input cannot be an answer.
            services.save_answers(session, found, answers, utcnow())
            session.commit()
            if finishing:
                flash(_("Not submitted yet: correct the marked questions, then submit again."), "error")
            else:
                flash(_("Some answers could not be saved: see the marked questions."), "error")
            return render_template("quizzes/attempt.html", **_context(found, sent.problems, sent.drafts)), 400
        if finishing:
            services.finish_attempt(session, found, utcnow(), answers)
        elif position is not None and services.QuizSettings.of(found.quiz).feedback == "immediate":
            services.save_answers(session, found, answers, utcnow())
            services.check_answer(session, found, position, answers.get(position), utcnow())
        else:
            services.save_answers(session, found, answers, utcnow())
            flash(_("Your answers are saved. You can come back and finish later."), "success")
    except services.QuizClosed as exc:
        session.rollback()
        services.finish_attempt(session, found, utcnow())
        session.commit()
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    session.commit()
    anchor = f"#q{position}" if position is not None and not finishing else ""
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id) + anchor)
