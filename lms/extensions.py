"""Flask extension objects, bound to an application in ``create_app``; nothing connects at import time."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager as _LoginManager
from flask_login.config import COOKIE_NAME
from flask_login.signals import user_accessed
from flask_wtf.csrf import CSRFProtect


class LoginManager(_LoginManager):
    """A request without a session and without a remember cookie is anonymous, whatever Flask-Login would check
    (its session-protection hash of address and browser, the user loader, the remember cookie): it is told so at
    once. Everything else, and any app with a request or header loader, takes Flask-Login's own way."""

    def _load_user(self):
        if (
            self._request_callback is None
            and self._header_callback is None
            and not session
            and current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in request.cookies
        ):
            # Flask-Login reads the session's user id here, which marks the session accessed: the response still
            # says "Vary: Cookie", as for everyone else (a page for nobody differs from one for a logged-in person).
            session.accessed = True
            if user_accessed.receivers:
                user_accessed.send(current_app._get_current_object())
            return self._update_request_context_with_user()
        return super()._load_user()


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# No default limits: each sensitive route states its own. Storage comes from the config (Redis in production).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
