"""lms.security.sessions: a checked session cookie is kept per worker by its whole text, and still ages out, still
fails when altered and is never shared in a way one request's changes could reach another's."""

from __future__ import annotations

import time

from flask import request, session
from itsdangerous import TimestampSigner

from lms.security import sessions
from tests.conftest import PASSWORD, csrf_token_from


def _logged_in_cookie(app, make_user) -> str:
    make_user("kept@example.com")
    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    client.post("/account/login", data={"csrf_token": csrf_token_from(page), "login": "kept@example.com",
                                        "password": PASSWORD})  # fmt: skip
    return client.get_cookie("session").value


def _open(app, cookie: str) -> dict:
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return dict(app.session_interface.open_session(app, request))


def test_the_same_cookie_is_checked_once_and_each_request_gets_its_own_session(app, make_user, monkeypatch):
    cookie = _logged_in_cookie(app, make_user)
    sessions._CHECKED.clear()
    serializer = app.session_interface.get_signing_serializer(app)
    checks = []
    real_loads = serializer.loads
    monkeypatch.setattr(serializer, "loads", lambda *a, **k: checks.append(1) or real_loads(*a, **k))
    first, second = _open(app, cookie), _open(app, cookie)
    assert first == second and first["_user_id"]
    assert len(checks) == 1
    # One request's change stays in its own session.
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        opened = app.session_interface.open_session(app, request)
        opened["_user_id"] = "someone else"
    assert _open(app, cookie)["_user_id"] == first["_user_id"]


def test_a_kept_cookie_still_expires(app, make_user, monkeypatch):
    cookie = _logged_in_cookie(app, make_user)
    assert _open(app, cookie)  # checked and kept
    later = int(time.time() + app.permanent_session_lifetime.total_seconds() + 60)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    assert _open(app, cookie) == {}


def test_an_altered_cookie_is_not_found_and_fails_its_check(app, make_user):
    cookie = _logged_in_cookie(app, make_user)
    assert _open(app, cookie)
    altered = cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]
    assert _open(app, altered) == {}


def test_a_session_holding_flash_messages_is_not_kept(app):
    with app.test_request_context("/"):
        session["_flashes"] = [("message", "saved")]
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    sessions._CHECKED.clear()
    assert _open(app, cookie)["_flashes"] == [("message", "saved")]
    assert len(sessions._CHECKED) == 0
