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
        cache._store().set_many({cache.STATUS + ":document": cache._pack(old_generation, "v1 (stale)")})
        assert cache.cached(cache.STATUS, "document", lambda: "v2") == "v2"
        assert cache.cached(cache.STATUS, "document", lambda: pytest.fail("made again")) == "v2"
        # and the same late write after the new value: still not served
        cache._store().set_many({cache.STATUS + ":document": cache._pack(old_generation, "v1 (stale)")})
        assert cache.cached(cache.STATUS, "document", lambda: "v2 again") == "v2 again"


def _releases(database_url, tmp_path, app_factory, monkeypatch, redis_url=None) -> dict:
    apps = {}
    for release in ("r1", "r2"):  # two releases of the site on one database and one cache (a rolling upgrade)
        monkeypatch.setattr(cache, "_release", lambda _package, release=release: release)
        apps[release] = app_factory(make_config(database_url, tmp_path, redis_url=redis_url))
    return apps


def _each_release_keeps_its_own_renderings_and_sees_every_change(apps) -> None:
    def read(release, make):
        with apps[release].test_request_context():
            return cache.cached(cache.STATUS, "document", make)

    assert read("r1", lambda: "made by r1") == "made by r1"
    assert read("r2", lambda: "made by r2") == "made by r2"  # never r1's rendering
    assert read("r1", lambda: pytest.fail("made again")) == "made by r1"
    with apps["r2"].app_context():  # a revocation through the new release
        session = get_session()
        cache.changed(session, cache.STATUS)
        session.commit()
    assert read("r1", lambda: "r1 after") == "r1 after" and read("r2", lambda: "r2 after") == "r2 after"


def test_each_release_keeps_its_own_renderings_and_sees_every_change(database_url, tmp_path, app_factory,
                                                                     monkeypatch):
    _each_release_keeps_its_own_renderings_and_sees_every_change(
        _releases(database_url, tmp_path, app_factory, monkeypatch))


@pytest.mark.redis
def test_each_release_keeps_its_own_renderings_on_redis(database_url, tmp_path, app_factory, monkeypatch):
    import redis

    url = os.environ["LMS_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    _each_release_keeps_its_own_renderings_and_sees_every_change(
        _releases(database_url, tmp_path, app_factory, monkeypatch, url))


def test_a_release_is_its_code_templates_translations_and_version(tmp_path):
    package = tmp_path / "lms"
    (package / "templates").mkdir(parents=True)
    (package / "translations" / "zh" / "LC_MESSAGES").mkdir(parents=True)
    page = package / "templates" / "base.html"
    page.write_text("<form method=post>", encoding="utf-8")
    catalogue = package / "translations" / "zh" / "LC_MESSAGES" / "messages.mo"
    catalogue.write_bytes(b"one")
    (package / "views.py").write_text("x = 1", encoding="utf-8")
    releases = [cache._release.__wrapped__(package)]
    for change in (lambda: (package / "views.py").write_text("x = 2", encoding="utf-8"),
                   lambda: page.write_text("<form method=get>", encoding="utf-8"),
                   lambda: catalogue.write_bytes(b"two")):
        change()
        releases.append(cache._release.__wrapped__(package))
    (package / "notes.txt").write_text("not part of what renders", encoding="utf-8")
    assert cache._release.__wrapped__(package) == releases[-1] and len(set(releases)) == 4
