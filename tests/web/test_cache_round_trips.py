"""The shared cache reads a topic's generation and its values in one call (one round trip to Redis), and a value
made from data older than the last change is never served, however late it was written."""

from __future__ import annotations

import os

import pytest

from lms import cache
from lms.db import get_session
from tests.conftest import make_config


def _count_calls(monkeypatch) -> dict:
    calls: dict[str, int] = {}
    backend = cache._store()
    for name in ("get_many", "add", "set_many", "delete_many"):
        real = getattr(backend, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(backend, name, counted)
    return calls


def _warm_read_is_one_call(app, monkeypatch, redis: bool = False) -> None:
    with app.test_request_context():
        assert cache.cached_many(cache.CATALOGUE, ["a", "b"], lambda missing: {n: n.upper() for n in missing}) == \
            {"a": "A", "b": "B"}
        calls = _count_calls(monkeypatch)
        assert cache.cached_many(cache.CATALOGUE, ["a", "b"], lambda missing: pytest.fail("made again")) == \
            {"a": "A", "b": "B"}
        assert calls == {"get_many": 1}
        if redis:  # one MGET: no other command reaches Redis
            sent = _count_redis_commands(monkeypatch, cache._store())
            cache.cached_many(cache.CATALOGUE, ["a", "b"], lambda missing: pytest.fail("made again"))
            assert sent == ["MGET"]


def _count_redis_commands(monkeypatch, store) -> list:
    import redis

    sent: list = []
    real = redis.connection.AbstractConnection.send_command

    def counted(connection, *args, **kwargs):
        sent.append(args[0])
        return real(connection, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", counted)
    return sent


def test_a_warm_read_is_one_call(app, monkeypatch):
    _warm_read_is_one_call(app, monkeypatch)


@pytest.mark.redis
def test_a_warm_read_is_one_call_on_redis(database_url, tmp_path, app_factory, monkeypatch):
    import redis

    url = os.environ["LMS_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    _warm_read_is_one_call(app_factory(make_config(database_url, tmp_path, redis_url=url)), monkeypatch, redis=True)


def test_a_value_written_late_from_old_data_is_not_served(app):
    with app.test_request_context():
        assert cache.cached(cache.STATUS, "document", lambda: "v1") == "v1"
        old_generation = cache._store().backend.get("gen:" + cache.STATUS)
        session = get_session()
        cache.changed(session, cache.STATUS)
        session.commit()  # a revocation: the generation is dropped
        # A reader that read the old generation before the commit stores what it made from the old rows after it.
        cache._store().backend.set(cache.STATUS + ":document", cache._pack(old_generation, "v1 (stale)"))
        assert cache.cached(cache.STATUS, "document", lambda: "v2") == "v2"
        assert cache.cached(cache.STATUS, "document", lambda: pytest.fail("made again")) == "v2"
        # and the same late write after the new value: still not served
        cache._store().backend.set(cache.STATUS + ":document", cache._pack(old_generation, "v1 (stale)"))
        assert cache.cached(cache.STATUS, "document", lambda: "v2 again") == "v2 again"
