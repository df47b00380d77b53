"""Home page, the language switch and the health check."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from lms.accounts import services as account_services
from lms import cache
from lms.db import get_db, get_session, utcnow
from lms.catalogue.labels import skill_names
from lms.learning import card_views, summaries
from lms.skills import services as skills_services
from lms.skills import views as skills_views
from lms.skills.tsvg import render_t_svg
from lms.i18n import LANGUAGE_COOKIE, LANGUAGES
from lms.orgs.models import Role
from lms.security.access import PUBLIC, rule
from lms.security.ratelimit import storage_state
from lms.security.redirects import safe_next
from lms.site import bp
from lms.site.links import link
from lms.memo import memoized
from markupsafe import Markup, escape


@bp.get("/")
@rule(PUBLIC)
def home():
    memberships, progresses, t_svg, shape_text = [], [], None, None
    viewer = current_user._get_current_object() if current_user.is_authenticated else None
    if viewer is not None:
        memberships = sorted(viewer.memberships, key=lambda m: m.org.name)
        session = get_session()
        mine = summaries.host_home(session, viewer.id)
        progresses = card_views.course_rows("site/_home_course.html", mine.courses, str(get_locale()))
        # Trainers, admins and verifiers who study nothing get their work links, not a learner's page.
        show_learner = bool(mine.courses) or all(m.role == Role.LEARNER for m in memberships)
        if show_learner:
            # The T-profile first: it is what a host comes back to see grow.
            t_svg, shape_text = _t_profile(session, viewer.id, mine.evidence_version)
    return render_template(
        "site/home.html", viewer=viewer, memberships=memberships, progresses=progresses, Role=Role,
        t_svg=t_svg, shape_text=shape_text, link=link, w=_home_words(str(get_locale()), request.script_root),
    )


#: key: the language and the address (what the words and links depend on, and all).
@memoized(16)
def _home_words(babel_locale: str, script_root: str) -> dict[str, Markup]:
    """The fixed words and links of a host's home page, translated once per language (as the template's ``_()``
    gives them: unescaped; "hello" is a format string, its name escaped when formatted as Markup)."""
    words = {
        "home": _("Home"), "hello": _("Hello, %(name)s"),
        "real_name_needed": _("Subsidy programmes need your real name. You can add it in your account when you are "
                              "ready."),
        "add_real_name": _("Add real-name information"), "my_t_profile": _("My T-profile"),
        "skills_in_detail": _("Skills in detail"), "continue_learning": _("Continue learning"),
        "all_my_courses": _("All my courses"), "not_enrolled": _("You are not enrolled in any course yet."),
        "browse": _("Browse the courses"), "my_organisations": _("My organisations"),
        "real_name_link": link("accounts.real_name"), "profile_link": link("skills.profile"),
        "dashboard_link": link("learning.dashboard"), "catalogue_link": link("catalogue.index"),
    }  # fmt: skip
    # A translation goes in as it is (as the template's _() puts it); a link is escaped, as {{ link(...) }} was.
    return {name: escape(text) if name.endswith("_link") else Markup(text) for name, text in words.items()}


def _t_profile(session, user_id: int, version: str) -> tuple[str, str]:
    """The host's T-profile picture and shape, as of the start of this hour (evidence ages by the hour, not by the
    request), cached for this host under ``version``, a digest of its evidence: any new result shows at once."""
    hour = utcnow().replace(minute=0, second=0, microsecond=0)

    def make() -> tuple[str, str]:
        profile = skills_services.host_profile(session, user_id, now=hour).profile
        return (render_t_svg(profile, skill_names(), _("My T-profile"), skills_views.level_names()),
                str(skills_views.SHAPE_TEXT[profile.shape]()))  # fmt: skip

    return cache.personal(user_id, f"t-profile:{version}:{get_locale()}:{hour:%Y%m%d%H}", make)


@bp.get("/language")
@rule(PUBLIC)
def choose_language():
    """A visitor's switch: a GET form, so the pages visitors read (the catalogue, a course, a certificate check from
    a QR code) carry no CSRF token and give no session cookie. Its only effect is the language cookie of the
    browser that asked; the account's saved choice, if one is logged in, still rules (its switch is the POST)."""
    return _remember_language(request.args.get("lang", ""), request.args.get("next"))


@bp.post("/language")
@rule(PUBLIC)
def set_language():
    # Plain form post (CSRF-checked by CSRFProtect): the switch works without JavaScript.
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES and current_user.is_authenticated:
        session = get_session()
        account_services.set_locale(session, current_user.id, chosen)
        session.commit()
    return _remember_language(chosen, request.form.get("next"))


def _remember_language(chosen: str, next_url: str | None):
    """Back to ``next_url`` (this site's only) with the language cookie set, when ``chosen`` is one of ours."""
    response = redirect(safe_next(next_url, url_for("site.home")))
    if chosen in LANGUAGES:
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
        _ask_the_database()
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


def _ask_the_database() -> None:
    """SELECT 1 on a pooled connection (the pool's checkout first replaces a connection the server closed, see
    lms.db). On PostgreSQL it is sent by libpq itself, outside psycopg's and SQLAlchemy's transaction handling: the
    server runs a statement sent outside a transaction block as a transaction of its own, so it is one round trip
    (not BEGIN, SELECT, COMMIT) and some 30 us of CPU, where an ORM session takes about 320 and even SQLAlchemy's
    autocommit connection 140 (setting and resetting the isolation level). It checks the same thing."""
    engine = get_db().engine
    if engine.dialect.driver != "psycopg":
        # The DBAPI cursor of a pooled connection (SQLAlchemy's statement layers cost more than SQLite's answer).
        pooled = engine.raw_connection()
        try:
            cursor = pooled.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            cursor.close()
        except Exception:
            pooled.invalidate()
            raise
        finally:
            pooled.close()
        return
    from psycopg import OperationalError, pq

    pooled = engine.raw_connection()
    try:
        result = pooled.driver_connection.pgconn.exec_(b"SELECT 1")
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise OperationalError((result.error_message or b"SELECT 1 failed").decode(errors="replace"))
    except Exception:
        pooled.invalidate()  # never hand a connection in an unknown state to the next request
        raise
    finally:
        pooled.close()
