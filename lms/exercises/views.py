"""A course's rewrite exercise: the host reads a flawed AI draft, writes a compliant rewrite, and the script checker
grades it (findings shown as on the script-check page, lost facts named); the host may retry until it passes."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.catalogue import services as catalogue
from lms.catalogue.views import locale_code, user_org_ids
from lms.db import get_session
from lms.errors import DomainError, NotFound
from lms.exercises import services
from lms.exercises.forms import RewriteForm
from lms.i18n import error_text, localized
from lms.learning import services as learning
from lms.scriptcheck.rules import CATEGORIES
from lms.scriptcheck.views import report_context
from lms.security.access import LOGIN, rule
from lms.security.forms import attach_error

bp = Blueprint("exercises", __name__)


@bp.route("/courses/<slug>/exercises/<key>", methods=["GET", "POST"])
@rule(LOGIN)
def exercise(slug: str, key: str):
    session = get_session()
    course, _version = catalogue.get_visible_course(session, slug, user_org_ids())
    enrollment = learning.enrollment_for(session, current_user.id, course.id)
    if enrollment is None:
        flash(_("Enrol on the course to do its exercises."), "info")
        return redirect(url_for("catalogue.course", slug=slug))
    found = services.exercise_in(session, enrollment.version_id, key)
    if found is None:
        raise NotFound(_("This exercise does not exist in your version of the course."))
    form = RewriteForm()
    result = services.result_of(session, current_user.id, found.id)
    context: dict = {"grade": None, "category_label": localized(CATEGORIES[found.category])}
    if form.validate_on_submit():
        try:
            grade, result = services.submit_rewrite(session, current_user.id, found, form.rewrite.data or "")
        except DomainError as exc:
            session.rollback()
            if not attach_error(form, exc.field, error_text(exc.message)):
                flash(error_text(exc.message), "error")
        else:
            session.commit()
            context.update(grade=grade, **report_context(session, grade.report))
    elif request.method == "GET":
        form.rewrite.data = result.text if result is not None else found.sample
    return render_template("exercises/exercise.html", course=course, exercise=found, form=form, result=result,
                           locale=locale_code(), **context)
