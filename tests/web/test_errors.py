"""Friendly error pages in both languages with a request id; JSON under /api/; 503 when the database is down."""

import json

import pytest

from tests.conftest import make_config


def test_404_in_both_languages_with_request_id(web, zh_web):
    r = web.get("/no/such/page")
    html = r.get_data(as_text=True)
    assert r.status_code == 404 and "Page not found" in html
    assert r.headers["X-Request-ID"] in html
    zh = zh_web.get("/no/such/page").get_data(as_text=True)
    assert "找不到" in zh or "页面不存在" in zh


def test_api_errors_are_json(web):
    r = web.get("/api/v1/nothing")
    body = json.loads(r.get_data(as_text=True))
    assert r.status_code == 404 and body["error"]["status"] == 404 and body["error"]["request_id"]


def test_incoming_request_id_is_kept_when_sane(app):
    client = app.test_client()
    assert client.get("/", headers={"X-Request-ID": "abc12345-proxy"}).headers["X-Request-ID"] == "abc12345-proxy"
    assert client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_unexpected_error_shows_no_stack_trace(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("secret internals")

    from lms.security.access import PUBLIC, rule

    app.add_url_rule("/boom", "boom", rule(PUBLIC)(boom))
    r = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    html = r.get_data(as_text=True)
    assert r.status_code == 500 and "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_database_down_gives_503_not_a_trace(tmp_path, app_factory):
    # A port where nothing listens: every query fails to connect.
    app = app_factory(make_config("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2", tmp_path))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    r = client.get("/healthz")
    assert r.status_code == 503 and json.loads(r.data)["database"] == "unreachable"
    from tests.conftest import Browserish

    page = Browserish(client).login("someone@example.com", "password 123")
    assert page.status_code == 503
    assert "cannot reach its database" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_too_large_upload_is_413(web):
    r = web.client.post("/account/login", data=b"x" * (9 * 1024 * 1024), content_type="application/octet-stream",
                        headers=web.headers)
    assert r.status_code == 413 and "larger than the site accepts" in r.get_data(as_text=True)


def test_rate_limit_on_login_answers_429(database_url, tmp_path, app_factory):
    from lms.extensions import limiter

    app = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    limiter.reset()
    from tests.conftest import Browserish

    web = Browserish(app.test_client())
    # Guessing passwords with valid form tokens: the 11th try within a minute is refused before checking.
    statuses = [web.login("nobody@example.com", f"guess {i}").status_code for i in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[-1] == 429
    page = web.login("nobody@example.com", "guess").get_data(as_text=True)
    assert "Too many requests" in page and "wait a few minutes" in page
    limiter.reset()


def test_security_headers(web):
    r = web.get("/account/login")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    html = r.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # nothing inline for the CSP to block
    assert "http://" not in html.replace("http://localhost", "")  # no outside resources


@pytest.mark.redis
def test_rate_limit_is_shared_through_redis(database_url, tmp_path, app_factory):
    """Production keeps limits in Redis, so two gunicorn workers (two apps) count together."""
    import os

    import redis

    from lms.extensions import limiter
    from tests.conftest import Browserish

    url = os.environ["LMS_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    config = make_config(database_url, tmp_path, redis_url=url, flask={"RATELIMIT_ENABLED": True})
    worker_a, worker_b = app_factory(config), app_factory(config)
    assert worker_b.config["RATELIMIT_STORAGE_URI"] == url
    a, b = Browserish(worker_a.test_client()), Browserish(worker_b.test_client())
    statuses = [(a if i % 2 else b).login("nobody@example.com", f"guess {i}").status_code for i in range(11)]
    assert statuses[-1] == 429
    assert redis.Redis.from_url(url).dbsize() > 0
    limiter.reset()
