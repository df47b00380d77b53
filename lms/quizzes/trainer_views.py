"""Trainer pages for quizzes: grade essays, and find weak questions from their hosts' attempts."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.catalogue.views import locale_code
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.orgs.models import OrgKind, Role
from lms.quizzes import services, trainer
from lms.quizzes.views import bp
from lms.security.access import org_roles, rule
from lms.bounds import whole_number

TRAINERS = org_roles(Role.TRAINER, Role.ORG_ADMIN, kind=OrgKind.MCN)  # a bureau's admin gets 404


@bp.get("/orgs/<org_slug>/grading")
@rule(TRAINERS)
def grading_queue(org_slug: str):
    queue = trainer.grading_queue(get_session(), g.org.id, locale_code())
    return render_template("quizzes/grading.html", org=g.org, queue=queue, form=ConfirmForm())


@bp.post("/orgs/<org_slug>/grading/<int:response_id>")
@rule(TRAINERS)
def grade(org_slug: str, response_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("quizzes.grading_queue", org_slug=org_slug))
    session = get_session()
    raw_score = (request.form.get("score") or "").strip()
    try:
        response = trainer.pending_response(session, g.org.id, response_id)
        score = whole_number(raw_score, high=100)
        if score is None:
            raise DomainError(_("Enter a score from 0 to 100."))
        services.grade_essay(session, response, current_user.id, score, request.form.get("comment", "")[:2000])
    except NotFound:
        return render_template("catalogue/not_found.html"), 404
    except DomainError as exc:
        session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("quizzes.grading_queue", org_slug=org_slug))
    session.commit()
    flash(_("Graded. The host sees the score now."), "success")
    return redirect(url_for("quizzes.grading_queue", org_slug=org_slug))


@bp.get("/orgs/<org_slug>/quiz-statistics")
@rule(TRAINERS)
def statistics_index(org_slug: str):
    quizzes = trainer.quizzes_with_attempts(get_session(), g.org.id, locale_code())
    return render_template("quizzes/statistics_index.html", org=g.org, quizzes=quizzes)


@bp.get("/orgs/<org_slug>/quiz-statistics/<int:quiz_id>")
@rule(TRAINERS)
def statistics(org_slug: str, quiz_id: int):
    quiz, report, attempts = trainer.question_report(get_session(), g.org.id, quiz_id)
    if attempts == 0:
        return render_template("catalogue/not_found.html"), 404
    editable = quiz.version.course.org_id == g.org.id  # the organisation's own course: its trainers can fix it
    return render_template("quizzes/statistics.html", org=g.org, quiz=quiz, report=report, attempts=attempts,
                           locale=locale_code(), editable=editable, form=ConfirmForm())  # fmt: skip
