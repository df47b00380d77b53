"""The learning platform for e-commerce live-streaming hosts. ``create_app`` builds the Flask application."""

from __future__ import annotations

from datetime import timedelta
from functools import cache as _once, partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing lms must not import Flask: pure modules (and the offline verifier) stay light
    from flask import Flask

    from lms.config import Config


def create_app(config: Config | None = None) -> Flask:
    """Build the application; no I/O happens at import time, only here."""
    from flask import Flask

    from lms.config import Config
    from lms.resources import shipped

    cfg = (config or Config.from_env()).resolved()
    app = _flask_class()(
        __name__,
        instance_path=cfg.instance_path,
        static_folder=str(shipped("static")),
        template_folder="templates",
    )
    _configure_flask(app, cfg)
    from lms.security.sessions import SessionInterface

    app.session_interface = SessionInterface()
    if cfg.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the last N hops are believed: a client cannot spoof its address past the proxies we run.
        n = cfg.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    _register_extensions(app, cfg)
    from lms.security import converters

    converters.init_app(app)  # before the routes: every <int:…> is bounded to the database's integer range
    _register_blueprints(app)
    from lms.security import ratelimit

    ratelimit.unwrap_when_off(app)  # once the routes are known: with limits off, views run without the limiter
    _register_shell_and_cli(app)
    return app


@_once
def _flask_class() -> type[Flask]:
    from types import FunctionType, MethodType

    from flask import Flask

    class LMSFlask(Flask):
        """Flask asks ``inspect`` whether each hook and view is a coroutine on every request (ten times a request
        here); the answer never changes, so it is kept. Only plain functions and bound methods, at most a few
        hundred: the hooks and views of this app."""

        _sync: dict

        def ensure_sync(self, func):
            known = self.__dict__.setdefault("_sync", {})
            try:
                return known[func]
            except (KeyError, TypeError):
                made = super().ensure_sync(func)
                if isinstance(func, (FunctionType, MethodType, partial)) and len(known) < 512:
                    known[func] = made
                return made

    return LMSFlask


def _configure_flask(app: Flask, cfg: Config) -> None:
    from lms.security.ratelimit import storage_options

    app.config.update(
        LMS=cfg,
        SECRET_KEY=cfg.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg.is_production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=cfg.is_production,
        REMEMBER_COOKIE_DURATION=timedelta(days=14),
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=4 * 3600,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).resolve().parent / "translations"),
        RATELIMIT_STORAGE_URI=cfg.ratelimit_storage_url,
        RATELIMIT_STORAGE_OPTIONS=storage_options(cfg.ratelimit_storage_url),
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
        # With Redis down the site stays up: each worker keeps counting in its own memory meanwhile, logins,
        # password resets and real-name saves fail closed (lms.security.ratelimit), and /healthz says so.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        **cfg.flask,
    )


def _register_extensions(app: Flask, cfg: Config) -> None:
    from lms import cache, db
    from lms.errors import register_error_handlers
    from lms.extensions import babel, csrf, limiter, login_manager
    from lms.i18n import selected_locale
    from lms.jobs import queue as jobs_queue
    from lms.security import access, headers, ratelimit
    from lms.security.pii import PIICipher
    from lms.sms.services import sender_for

    headers.configure_logging(app)
    headers.init_app(app)  # first: every later hook and error page needs the request id
    db.init_app(app, cfg.database_url)
    jobs_queue.init_app(app, cfg.job_queue)
    cache.init_app(app, cfg.redis_url, cfg.instance_path, cfg.database_url)
    app.extensions["lms.pii"] = PIICipher(cfg.pii_key)
    app.extensions["lms.sms"] = sender_for(cfg)
    limiter.init_app(app)  # before CSRF: a flood is answered 429 before any form is looked at
    ratelimit.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=selected_locale)
    login_manager.init_app(app)
    # One hook after the limiter: guarded forms fail closed without the limits' storage, unreadable bodies and NULs
    # get a 400 (named as such, not as a missing CSRF token), then CSRF, then the access rule.
    access.init_app(app)
    register_error_handlers(app)


def _register_blueprints(app: Flask) -> None:
    from lms import accounts, mail, orgs, site
    from lms.accounts import views as _accounts_views  # noqa: F401 - registers routes on the blueprint
    from lms.accounts import review_views
    from lms.catalogue import views as catalogue_views
    from lms.learning import views as learning_views
    from lms.mail import views as _mail_views  # noqa: F401
    from lms.orgs import hostimport_views as _hostimport_views  # noqa: F401
    from lms.orgs import firstlinks_views as _firstlinks_views  # noqa: F401
    from lms.orgs import views as _orgs_views  # noqa: F401
    from lms.quizzes import trainer_views  # noqa: F401 - registers trainer routes on the quizzes blueprint
    from lms.quizzes import views as quizzes_views
    from lms.security import access
    from lms.site import views as _site_views  # noqa: F401

    from lms.certificates import listeners
    from lms.certificates import views as certificates_views
    from lms.skills import views as skills_views
    from lms.bureau import views as bureau_views
    from lms.cohorts import views as cohorts_views
    from lms.evidence import views as evidence_views
    from lms.authoring import views as authoring_views
    from lms.authoring import editor_views as _editor_views  # noqa: F401 - registers the editors on the blueprint
    from lms.transparency import views as transparency_views
    from lms.trust import views as trust_views
    from lms.notifications import listeners as notification_listeners
    from lms.bureau import listeners as bureau_listeners
    from lms.notifications import views as notifications_views
    from lms.scriptcheck import views as scriptcheck_views
    from lms.wellbeing import views as wellbeing_views
    from lms.exercises import views as exercises_views

    listeners.connect()
    notification_listeners.connect()
    bureau_listeners.connect()
    for blueprint in (site.bp, accounts.bp, orgs.bp, mail.bp, catalogue_views.bp, learning_views.bp, quizzes_views.bp, certificates_views.bp, skills_views.bp, trust_views.bp, transparency_views.bp, bureau_views.bp, cohorts_views.bp, evidence_views.bp, authoring_views.bp, notifications_views.bp, scriptcheck_views.bp, review_views.bp,
                      wellbeing_views.bp, exercises_views.bp):
        app.register_blueprint(blueprint)
    from lms.site import assets

    assets.init_app(app)  # before the rule is declared: it replaces the static view
    access.declare(app, "static", access.PUBLIC)
    from lms.site.templating import init_app as init_templating

    init_templating(app)


def _register_shell_and_cli(app: Flask) -> None:
    from lms.cli import register_commands

    register_commands(app)
