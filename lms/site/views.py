"""Home page, the language switch and the health check."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from lms.catalogue.views import locale_code
from lms.db import get_session
from lms.catalogue.labels import skill_names
from lms.learning import services as learning
from lms.skills import services as skills_services
from lms.skills import views as skills_views
from lms.skills.tsvg import render_t_svg
from lms.i18n import LANGUAGE_COOKIE, LANGUAGES
from lms.orgs.models import Role
from lms.security.access import PUBLIC, rule
from lms.security.ratelimit import storage_state
from lms.security.redirects import safe_next
from lms.site import bp


@bp.get("/")
@rule(PUBLIC)
def home():
    memberships, progresses, t_svg, shape_text = [], [], None, None
    if current_user.is_authenticated:
        memberships = sorted(current_user.memberships, key=lambda m: m.org.name)
        session = get_session()
        progresses = learning.course_progresses(session, learning.enrollments_of(session, current_user.id)[:3])
        # Trainers, admins and verifiers who study nothing get their work links, not a learner's page.
        show_learner = bool(progresses) or all(m.role == Role.LEARNER for m in memberships)
        if show_learner:
            # The T-profile first: it is what a host comes back to see grow.
            profile = skills_services.host_profile(session, current_user.id)
            t_svg = render_t_svg(profile.profile, skill_names(), _("My T-profile"), skills_views.level_names())
            shape_text = skills_views.SHAPE_TEXT[profile.profile.shape]()
    return render_template(
        "site/home.html", memberships=memberships, progresses=progresses, Role=Role, locale=locale_code(),
        t_svg=t_svg, shape_text=shape_text,
    )


@bp.post("/language")
@rule(PUBLIC)
def set_language():
    # Plain form post (CSRF-checked by CSRFProtect): the switch works without JavaScript.
    chosen = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("site.home"))
    if chosen not in LANGUAGES:
        return redirect(target)
    if current_user.is_authenticated:
        current_user.locale = chosen
        get_session().commit()
    response = redirect(target)
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["LMS"].is_production,
        httponly=True,
    )
    return response


@bp.get("/healthz")
@rule(PUBLIC)
def healthz():
    """Database and rate-limit storage (Redis): 503 when either is unreachable, so monitoring notices both."""
    database = "ok"
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:
        current_app.logger.error("health check: database unreachable")
        database = "unreachable"
    redis = {"ok": "ok", "unreachable": "unreachable", "memory": "not configured"}[storage_state(current_app)]
    if database != "ok":
        status = "unavailable"
    elif redis == "unreachable":
        status = "degraded"  # pages work; logins, resets and real-name saves are refused until Redis is back
    else:
        status = "ok"
    return jsonify({"status": status, "database": database, "redis": redis}), 200 if status == "ok" else 503
