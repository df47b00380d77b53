"""Request ids for logs and error pages, and the security headers of every response."""

from __future__ import annotations

import logging
import random
import re

from flask import Flask, g, request
from flask.logging import default_handler
from werkzeug.datastructures import Headers

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


#: Set on every response, replacing a view's own value.
_FORCED = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"))
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
#: Set unless the view set its own (a lesson page that takes consented identity snapshots sets camera=(self)).
_DEFAULTS = (("Content-Security-Policy", CSP), ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
#: Unless the view chose its own cache policy (static files keep theirs).
_NO_STORE = ("Cache-Control", "no-store")


def new_request_id(environ: dict) -> str:
    """Keep a proxy's id when it looks sane, so one id follows a request through the stack. Otherwise a random one:
    ``random`` (reseeded in each forked worker) is enough for telling requests apart and needs no system call."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if incoming and _REQUEST_ID.fullmatch(incoming) else "%016x" % random.getrandbits(64)


def init_app(app: Flask) -> None:
    forced = _FORCED + ((_HSTS,) if app.config["LMS"].is_production else ())
    forced_names = frozenset(name.lower() for name, _value in forced) | {"x-request-id"}
    default_names = frozenset(name.lower() for name, _value in _DEFAULTS)
    # What a response that set none of these gets, validated once here: werkzeug's Headers.add checks each value
    # for newlines on every call, and this runs for every response. The request id is validated where it is made.
    Headers([*forced, *_DEFAULTS, _NO_STORE])

    @app.before_request
    def assign_request_id():
        g.request_id = new_request_id(request.environ)

    @app.after_request
    def security_headers(response):
        # Appended to the header list directly (Headers keeps its pairs in ``_list``): every response, error
        # pages included, pays this, and the values are the prebuilt ones above.
        headers = response.headers
        pairs = headers._list
        present = {name.lower() for name, _value in pairs}
        request_id = ("X-Request-ID", g.get("request_id", "-"))
        if present.isdisjoint(forced_names):
            pairs.extend(forced)
        else:  # a view's own value never weakens these
            for name, value in forced:
                headers[name] = value
            headers.remove("X-Request-ID")
        if present.isdisjoint(default_names):
            pairs.extend(_DEFAULTS)
        else:
            pairs.extend([pair for pair in _DEFAULTS if pair[0].lower() not in present])
        pairs.append(request_id)
        if "cache-control" not in present and request.endpoint != "static":
            pairs.append(_NO_STORE)
        return response
