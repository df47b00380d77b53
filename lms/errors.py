"""Domain errors raised by services, and the error pages (HTML, or JSON under /api/) with a request id."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("lms.errors")


class DomainError(Exception):
    """A rule of the domain was broken; ``field`` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    pass


class ValidationFailed(DomainError):
    pass


class Conflict(DomainError):
    pass


TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Upload too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}

EXPLANATIONS = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("You need to log in to see this page."),
    403: _l("Your account is not allowed to open this page."),
    404: _l("There is no page at this address. Check the address, or start again from the home page."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What you sent is larger than the site accepts."),
    429: _l("You have tried too many times in a short while. Please wait a few minutes and try again."),
    500: _l("An unexpected error happened on our side. It has been logged; please try again later."),
    503: _l("The site cannot reach its database right now. Please try again in a few minutes."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, detail: str | None = None):
    request_id = getattr(g, "request_id", "-")
    title = TITLES.get(status, TITLES[500])
    message = detail or EXPLANATIONS.get(status, EXPLANATIONS[500])
    if wants_json():
        body = {"error": {"status": status, "title": str(title), "detail": str(message), "request_id": request_id}}
        return jsonify(body), status
    try:
        html = render_template(
            "errors/error.html", status=status, title=title, message=message, request_id=request_id
        )
    except Exception:  # the template layer itself failed (e.g. no database for the user): plain text
        log.exception("error page failed to render")
        html = f"<!doctype html><title>{status}</title><p>{status}</p><p>request id: {request_id}</p>"
    return html, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400, str(_l("The form has expired or was not sent from this site. Reload the page and try again."))
        )

    @app.errorhandler(NotFound)
    def domain_not_found(exc: NotFound):
        # A service could not find what the URL names (a course, cohort, certificate …) among what the user may
        # see: the same answer as a missing page, so nothing tells another organisation's record from no record.
        if wants_json():
            return error_response(404, str(exc.message))
        return render_template("catalogue/not_found.html"), 404

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        detail = None
        if exc.code == 400 and exc.description and isinstance(exc.description, str) and g.get("own_abort"):
            detail = exc.description
        response = error_response(exc.code, detail)
        if exc.code == 405 and exc.valid_methods:
            return response[0], 405, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_error(exc: Exception):
        log.error("database unavailable: %s", type(exc).__name__)
        return error_response(503)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error")
        return error_response(500)

    @app.errorhandler(InternalServerError)
    def internal(exc: InternalServerError):
        original = getattr(exc, "original_exception", None)
        if isinstance(original, (OperationalError, DBAPIError)):
            return database_error(original)
        return error_response(500)
