"""Rate limits that cannot silently switch off.

The limits live in Redis in production (lms.config). Flask-Limiter is told to swallow storage errors so that a Redis
outage does not take the whole site down, and to keep counting in each worker's memory meanwhile (per worker, so
looser than the shared limit, but never none). Where even that is not enough (guessing passwords, flooding
reset mails, testing 身份证号 on the real-name form) the request is refused with a clear 503 instead: those routes
fail closed. Every refusal is logged as an error, and ``/healthz`` reports the storage.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from limits.storage import storage_from_string

log = logging.getLogger("lms.ratelimit")

#: POSTs to these endpoints are refused while the limit storage is unreachable.
FAIL_CLOSED = frozenset({"accounts.login", "accounts.forgot_password", "accounts.reset_password",
                         "accounts.real_name"})  # fmt: skip

PAUSED = _l("Logging in, password resets and real-name changes are paused for a few minutes because a safety check "
            "of the site is not answering. Nothing was changed; please try again later.")  # fmt: skip

#: Seconds to wait for Redis before counting it as unreachable: a dead Redis must not hang a worker.
TIMEOUT = 1.0


def storage_options(uri: str) -> dict:
    return {} if uri.startswith("memory") else {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT}


def storage_state(app: Flask) -> str:
    """"ok", "unreachable", or "memory" (development: counters in each process, nothing to reach)."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith("memory"):
        return "memory"
    probe = app.extensions.get("lms.ratelimit_probe")
    if probe is None:
        probe = app.extensions["lms.ratelimit_probe"] = storage_from_string(uri, **storage_options(uri))
    if _ping(probe):
        return "ok"
    log.error("rate-limit storage %s is unreachable: limits are not counted", uri.split("@")[-1])
    return "unreachable"


def _ping(probe) -> bool:
    """One PING on a pooled connection of the storage's Redis client, sent and read directly: what limits' check()
    does, without redis-py's command layers (some 20 us of CPU, a fifth of /healthz). Other storages: their check."""
    pool = getattr(getattr(probe, "storage", None), "connection_pool", None)
    if type(probe).__name__ != "RedisStorage" or pool is None:
        return bool(probe.check())
    try:
        connection = pool.get_connection()
    except Exception:
        return False  # refused or timed out connecting
    try:
        connection.send_command("PING")
        return connection.read_response() in (b"PONG", "PONG", True)
    except BaseException as exc:
        connection.disconnect()  # a half-read answer must never be read by the next command
        if not isinstance(exc, Exception):
            raise
        return False
    finally:
        pool.release(connection)


def fail_closed():
    """Called by ``lms.security.access.guard`` before every request: refuse the guarded POSTs while the limits cannot be counted."""
    if request.method != "POST" or request.endpoint not in FAIL_CLOSED:
        return None
    if not current_app.config.get("RATELIMIT_ENABLED", True) or storage_state(current_app) != "unreachable":
        return None
    log.error("refused %s: rate limits cannot be counted (fails closed)", request.endpoint)
    from lms.errors import error_response

    return error_response(503, str(PAUSED))


def _limiter_wrapper(view) -> bool:
    code = getattr(view, "__code__", None)
    return code is not None and "flask_limiter" in code.co_filename and hasattr(view, "__wrapped__")


def unwrap_when_off(app: Flask) -> None:
    """With rate limits off (development, tests, the benchmark), the views run without Flask-Limiter's wrapper: it
    would still look the endpoint up and sort through the limits on every call, to count nothing. Call it once the
    blueprints are registered. With limits on nothing changes: every limit is counted as before."""
    if app.config.get("RATELIMIT_ENABLED", True):
        return
    for endpoint, view in list(app.view_functions.items()):
        plain = view
        while _limiter_wrapper(plain):  # only Flask-Limiter's own wrappers: any other decorator stays
            plain = plain.__wrapped__
        if plain is view:
            continue
        # What was declared on the wrapper after wrapping (the access rule) goes with the view.
        for name, value in vars(view).items():
            if name != "__wrapped__" and not name.startswith("__wrapper-limiter"):
                setattr(plain, name, value)
        app.view_functions[endpoint] = plain


def init_app(app: Flask) -> None:
    if app.config["LMS"].is_production:
        storage_state(app)  # at start-up: an unreachable Redis is logged at once, not at the first login
