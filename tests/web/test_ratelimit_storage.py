"""With the rate-limit storage (Redis) unreachable, limits do not silently switch off: /healthz says so, the
failure is logged, and logins, password resets and real-name saves are refused with a clear 503 (issue 14 §5)."""

import json
import logging
import os

import pytest
from sqlalchemy import func, select

from lms.accounts.models import RealNameProfile, User
from lms.db import get_session
from lms.mail.models import OutboxMessage
from tests.conftest import PASSWORD, Browserish, make_config

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once
PAUSED = "Logging in, password resets and real-name changes are paused"


@pytest.fixture
def redis_down(database_url, tmp_path, app_factory):
    from lms.extensions import limiter

    yield app_factory(make_config(database_url, tmp_path, redis_url=DEAD_REDIS, flask={"RATELIMIT_ENABLED": True}))
    limiter._storage_dead = False  # the limiter is one object for every app of the test session: forget the outage


def test_healthz_reports_redis_unreachable_and_logs_it(redis_down, caplog):
    caplog.set_level(logging.ERROR, logger="lms.ratelimit")
    r = redis_down.test_client().get("/healthz")
    assert r.status_code == 503
    assert json.loads(r.data) == {"status": "degraded", "database": "ok", "redis": "unreachable"}
    assert "unreachable" in caplog.text


def test_healthz_says_when_no_redis_is_configured(app):
    body = json.loads(app.test_client().get("/healthz").data)
    assert body == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_login_fails_closed(redis_down, make_user, caplog):
    make_user("lin@example.com")
    web = Browserish(redis_down.test_client())
    assert web.get("/account/login").status_code == 200  # the page itself still opens
    r = web.login("lin@example.com", PASSWORD)
    assert r.status_code == 503 and PAUSED in r.get_data(as_text=True)
    assert web.get("/account/").status_code == 302, "not logged in"
    assert "fails closed" in caplog.text


def test_password_reset_fails_closed(redis_down, make_user):
    make_user("lin@example.com")
    web = Browserish(redis_down.test_client())
    r = web.post("/account/forgot", {"login": "lin@example.com"})
    assert r.status_code == 503 and PAUSED in r.get_data(as_text=True)
    r = web.post("/account/reset/some-token", {"password": "a new long password"}, form_page="/account/forgot")
    assert r.status_code == 503
    with redis_down.app_context():
        assert get_session().scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_real_name_save_fails_closed(redis_down, make_user):
    user_id = make_user("lin@example.com")
    client = redis_down.test_client()
    with client.session_transaction() as sess:  # logged in before Redis went away
        sess["_user_id"], sess["_fresh"] = f"{user_id}:1", True
    web = Browserish(client)
    r = web.post("/account/real-name", {"legal_name": "林小美", "id_number": "11010519491231002X", "consent": "y"})
    assert r.status_code == 503 and PAUSED in r.get_data(as_text=True)
    with redis_down.app_context():
        assert get_session().scalar(select(func.count()).select_from(RealNameProfile)) == 0
        assert get_session().get(User, user_id) is not None


def test_other_pages_keep_working_and_stay_limited(redis_down, caplog):
    client = redis_down.test_client()
    assert client.get("/courses/").status_code == 200
    # The public API's 60 a minute still holds, counted in the worker's memory while Redis is away.
    statuses = [client.get("/api/v1/certificates/22222-22222-22222").status_code for _ in range(61)]
    assert statuses[0] in (400, 404) and statuses[-1] == 429
    assert "Swallowing error" in caplog.text or "rate limit" in caplog.text.lower()


@pytest.mark.redis
def test_healthz_reports_a_reachable_redis(database_url, tmp_path, app_factory):
    url = os.environ["LMS_TEST_REDIS_URL"]
    app = app_factory(make_config(database_url, tmp_path, redis_url=url, flask={"RATELIMIT_ENABLED": True}))
    assert json.loads(app.test_client().get("/healthz").data) == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.redis
def test_healthz_pings_redis_once_on_a_pooled_connection_and_notices_a_dropped_one(database_url, tmp_path,
                                                                                    app_factory, monkeypatch):
    url = os.environ["LMS_TEST_REDIS_URL"]
    app = app_factory(make_config(database_url, tmp_path, redis_url=url, flask={"RATELIMIT_ENABLED": True}))
    client = app.test_client()
    assert client.get("/healthz").get_json()["redis"] == "ok"
    pool = app.extensions["lms.ratelimit_probe"].storage.connection_pool
    sent: list = []
    connection = pool.get_connection()
    real_send = type(connection).send_command
    pool.release(connection)
    # monkeypatch, not a plain assignment: restoring by assignment would leave the inherited method set on the
    # subclass itself, and a later test patching the base class (tests/web/test_cache_*.py) would count nothing.
    monkeypatch.setattr(type(connection), "send_command",
                        lambda self, *args, **kw: sent.append(args) or real_send(self, *args, **kw))
    for _ in range(3):
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    monkeypatch.undo()
    assert sent == [("PING",)] * 3
    assert len(pool._available_connections) == 1  # the same connection each time, given back
    pool._available_connections[0].disconnect()  # dropped (a Redis restart): the next ping reconnects
    assert client.get("/healthz").get_json()["redis"] == "ok"
