"""The two WSGI apps that bench/pages.py serves under the same gunicorn settings: a bare Flask endpoint, and the LMS
(rate limits off) on the bench's database. Settings come from the environment that bench/pages.py sets."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.environ.get("BENCH_APP_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import Flask  # noqa: E402

bare = Flask("bare")


@bare.get("/hello")
def hello():
    return "Hello, World!"


def bench_config():
    from lms.config import Config

    env = os.environ
    return Config(
        instance_path=env["BENCH_INSTANCE"],
        database_url=env["BENCH_DATABASE_URL"],
        redis_url=env.get("BENCH_REDIS_URL") or None,
        secret_key="bench-secret-key-" + "x" * 32,
        pii_key="YmVuY2gtcGlpLWtleS0zMi1ieXRlcy1sb25nLXh4eHg=",
        signing_key_secret="YmVuY2gtc2lnbmluZy1rZXktMzItYnl0ZXMtbG9uZyE=",
        flask={"RATELIMIT_ENABLED": False},
    )


def make_lms():
    from lms import create_app

    return create_app(bench_config())
