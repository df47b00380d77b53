"""Quiz pages for hosts: the overview, an attempt (resumable, timed by the server) and its review."""

from __future__ import annotations

from dataclasses import replace

from flask import (Blueprint, abort, flash, g, get_template_attribute, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.catalogue import services as catalogue
from lms.catalogue.views import locale_code, user_org_ids
from lms.db import get_session, utcnow
from lms.errors import DomainError, NotFound
from lms.learning import services as learning
from lms.memo import Memo
from lms.quizzes.reviewing import review_shown
from lms.quizzes import services
from lms.quizzes import sheet as sheets
from lms.quizzes.answers import answers_from_form
from lms.quizzes.filling import Fill, Marks, answer_fill
from lms.quizzes.models import IN_PROGRESS
from lms.security.access import LOGIN, rule
from lms.site.links import link
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


def _review_context(attempt) -> dict:
    """What the review of a submitted attempt shows."""
    quiz = attempt.quiz
    settings = services.QuizSettings.of(quiz)
    state = services.quiz_state(get_session(), attempt.user_id, quiz, utcnow())
    shown = review_shown(settings, passed=state.passed, last_attempt_done=bool(
        settings.attempts and state.open_attempt is None and len(state.attempts) >= settings.attempts))
    return {
        "attempt": attempt, "quiz": quiz, "course": quiz.version.course, "items": services.review_items(attempt),
        "shown": shown, "settings": settings, "form": ConfirmForm(), "locale": locale_code(),
    }  # fmt: skip


#: (quiz version, asset address, language, immediate feedback, position, paper item) -> that question's HTML with
#: markers where answers go (lms.quizzes.filling): the same for every host whose paper holds it there.
BLANK_QUESTIONS: Memo[tuple, str] = Memo(2048)
#: The same for a whole paper (an attempt's page without answers).
BLANK_PAPERS: Memo[tuple, str] = Memo(256)


def _order(order: list[int] | None) -> tuple[int, ...] | None:
    return None if order is None else tuple(order)


def _questions(sheet: sheets.Sheet, prefix: str, immediate: bool, problems: dict[int, str],
               drafts: dict[int, list[str]]) -> list[Markup]:
    """Each question's HTML with this host's answers: rendered once without them, then filled in per request."""
    macro = get_template_attribute("quizzes/_question.html", "question_form")
    language = str(get_locale())
    items = sheet.items(prefix)
    fills = [answer_fill(item.question, item.paper_item, item.position, item.response.response if item.response
                         else None, drafts.get(item.position)) for item in items]  # fmt: skip

    def blank(item: sheets.Item) -> str:
        key = (sheet.bank_key, prefix, language, immediate, item.position, item.paper_item.question_index,
               _order(item.option_order), _order(item.answer_order))  # fmt: skip
        return BLANK_QUESTIONS.get(key, lambda: str(macro(replace(item, response=None), immediate, Marks, None,
                                                          prefix)))

    def as_it_is(item: sheets.Item) -> bool:  # a refused input, or a checked answer with its feedback
        return item.position in problems or (item.response is not None and item.response.score is not None)

    if not any(as_it_is(item) for item in items):  # the usual page: the whole paper at once
        whole = BLANK_PAPERS.get((sheet.bank_key, prefix, language, immediate, sheet.paper_text),
                                 lambda: "".join(blank(item) for item in items))  # fmt: skip
        return [Fill.merged(fills).into(whole)]  # keys name their question: q3-2, q4_1=2
    return [macro(item, immediate, fill, problems.get(item.position), prefix) if as_it_is(item)
            else fill.into(blank(item)) for item, fill in zip(items, fills)]  # fmt: skip


def _sheet_context(sheet: sheets.Sheet, problems: dict[int, str] | None = None,
                   drafts: dict[int, list[str]] | None = None) -> dict:
    """What the page of an open attempt shows; ``problems`` and ``drafts``: input refused on the last save."""
    # the address of an asset "x" of this version, less the "x": what every image of it starts with (a course
    # version's: built once per process)
    prefix = link("catalogue.asset", slug=sheet.course_slug, number=sheet.version_number, name="x")[:-1]
    remaining = None
    if sheet.deadline_at is not None:
        remaining = max(0, int((sheet.deadline_at - utcnow()).total_seconds()))
    settings = services.QuizSettings.from_stored(sheet.settings, sheet.certificate_quiz)
    questions = _questions(sheet, prefix, settings.feedback == "immediate", problems or {}, drafts or {})
    return {"attempt": sheet, "questions": questions, "remaining": remaining, "settings": settings,
            "locale": locale_code()}  # fmt: skip


@bp.get("/quiz-attempts/<int:attempt_id>")
@rule(LOGIN)
def attempt(attempt_id: int):
    session = get_session()
    sheet = sheets.load_sheet(session, attempt_id, current_user.id)
    if sheet is None:
        abort(404)  # none, or another host's: the same answer
    if sheets.is_open(sheet, utcnow(), services.DEADLINE_GRACE):
        return render_template("quizzes/attempt.html", **_sheet_context(sheet))
    found = _own_attempt(attempt_id)  # submitted, or its time is up: the review needs the whole attempt
    if found.status == IN_PROGRESS and services.is_expired(found, utcnow()):
        services.finish_attempt(session, found, utcnow())
        session.commit()
        flash(_("Time is up: your attempt was submitted with the answers saved before the limit."), "info")
    if found.status == IN_PROGRESS:  # reopened meanwhile (not by this app): show it again
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    return render_template("quizzes/review.html", **_review_context(found))


def _paper(found):
    return [(item.question, item.paper_item) for item in services.review_items(found)]


def _autosave(attempt_id: int):
    """The attempt page saves itself a few seconds after each change and when it is hidden, so a closed phone tab
    or a lost connection loses no answer. Nothing is checked or submitted; an answer that cannot be stored yet (an
    ordering with a gap) waits for the host's own save, which marks it. One statement reads the paper (only the
    host's own attempt), one stores every answer."""
    session = get_session()
    paper = sheets.paper_of(session, attempt_id, current_user.id)
    if paper is None:
        abort(404)
    if not g.get("csrf_valid"):  # what ConfirmForm checks (CSRFProtect checked the token), without building it
        abort(400)
    sent = answers_from_form(paper.pairs(), request.form)
    now = utcnow()
    if not sheets.is_open(paper, now, services.DEADLINE_GRACE):
        return jsonify(closed=True), 409  # the page reloads and shows why
    saved = sheets.upsert_answers(session, attempt_id, paper.items, sent.answers, now)
    session.commit()
    return jsonify(saved=saved, problems=sorted(sent.problems))


@bp.post("/quiz-attempts/<int:attempt_id>/save")
@rule(LOGIN)
def save(attempt_id: int):
    if request.form.get("autosave") == "1" and "finish" not in request.form:
        return _autosave(attempt_id)
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
    try:
        if sent.problems:
            # Keep what can be kept, submit and check nothing, and ask again where the input cannot be an answer.
            services.save_answers(session, found, answers, utcnow())
            session.commit()
            if finishing:
                flash(_("Not submitted yet: correct the marked questions, then submit again."), "error")
            else:
                flash(_("Some answers could not be saved: see the marked questions."), "error")
            sheet = sheets.load_sheet(session, attempt_id, current_user.id)
            return render_template("quizzes/attempt.html", **_sheet_context(sheet, sent.problems, sent.drafts)), 400
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
