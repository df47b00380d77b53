"""Behind a reverse proxy (``LMS_TRUSTED_PROXIES``): rate limits count per real client, and nobody can pick their
own bucket by sending X-Forwarded-For when no proxy is trusted (issue 14 §5)."""

from __future__ import annotations

import itertools

import pytest

from lms.config import Config, ConfigError
from tests.conftest import Browserish, make_config


LOGINS = itertools.count()


def forgot_statuses(client, forwarded_for: str, times: int) -> list[int]:
    """Password-reset requests ("5 per 15 minutes") from one client, as a browser sends them through the proxy."""
    web = Browserish(client)
    web.headers["X-Forwarded-For"] = forwarded_for
    # A new login each time: the per-login limit (one code a minute) is not what this measures.
    return [web.post("/account/forgot", {"login": f"nobody{next(LOGINS)}@example.com"}).status_code
            for _ in range(times)]


@pytest.fixture
def limited(database_url, tmp_path, app_factory):
    from lms.extensions import limiter

    def build(trusted_proxies: int):
        app = app_factory(make_config(database_url, tmp_path, trusted_proxies=trusted_proxies,
                                      flask={"RATELIMIT_ENABLED": True}))  # fmt: skip
        limiter.reset()
        return app

    yield build
    limiter.reset()


def test_one_trusted_proxy_gives_each_client_its_own_bucket(limited):
    client = limited(1).test_client()
    first = forgot_statuses(client, "203.0.113.7", 6)
    assert first[:5] == [302] * 5 and first[5] == 429  # "5 per 15 minutes" for the password-reset form
    assert forgot_statuses(client, "198.51.100.9", 1) == [302]  # another client behind the same proxy
    # Only the hop the proxy added counts: a client's own made-up X-Forwarded-For entries do not.
    assert forgot_statuses(client, "10.9.9.9, 203.0.113.7", 1) == [429]


def test_without_a_trusted_proxy_the_header_is_ignored(limited):
    client = limited(0).test_client()
    assert forgot_statuses(client, "203.0.113.7", 5) == [302] * 5
    assert forgot_statuses(client, "198.51.100.9", 1) == [429]  # the socket address: one bucket


def test_a_trusted_proxy_also_gives_scheme_and_host(limited):
    app = limited(1)

    from lms.security.access import PUBLIC, rule

    @app.get("/_probe")
    @rule(PUBLIC)
    def probe():
        from flask import request

        return f"{request.remote_addr} {request.scheme} {request.host}"

    r = app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
                                                  "X-Forwarded-Host": "lms.example.com"})  # fmt: skip
    assert r.get_data(as_text=True) == "203.0.113.7 https lms.example.com"


def test_trusted_proxies_is_read_and_checked(tmp_path):
    assert Config.from_env({}).trusted_proxies == 0
    assert Config.from_env({"LMS_TRUSTED_PROXIES": "1"}).trusted_proxies == 1
    with pytest.raises(ConfigError, match="LMS_TRUSTED_PROXIES must be a number"):
        Config.from_env({"LMS_TRUSTED_PROXIES": "one"})
    with pytest.raises(ConfigError, match="LMS_TRUSTED_PROXIES must be 0"):
        Config(instance_path=str(tmp_path), trusted_proxies=-1).resolved()
