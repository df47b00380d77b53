"""Request ids for logs and error pages, and the security headers of every response."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, g, request
from flask.logging import default_handler

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    for name in ("lms", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RequestIdFilter) for h in logger.handlers for f in h.filters):
            logger.addHandler(handler)
        # The app's logger is "lms" too: Flask's own handler would print every line a second time.
        logger.removeHandler(default_handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def init_app(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        # Keep a proxy's id when it looks sane, so one id follows a request through the stack.
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        # A lesson page that takes consented identity snapshots sets camera=(self) itself; every other page: none.
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["LMS"].is_production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
