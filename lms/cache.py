"""A shared cache for what is the same for everyone and changes only when something is published, synced, signed
or appended: catalogue cards and course outlines, the DID document, the status list, the log checkpoint.

Flask-Caching on Redis when ``LMS_REDIS_URL`` is set (production requires it), otherwise files in the instance
folder, which every worker of one machine shares: a revocation seen by one worker is seen by all, at once.

Each cached thing belongs to a *topic*. A value is stored with its topic's current generation; a commit that
changed a topic's rows drops the generation (after the commit, so no reader can fill the new generation from the
old data), and the next reader starts a new one: a value of an older generation no longer counts. Rows are noticed
by type when the session flushes (see ``TOPICS``); writes that bypass the ORM's unit of work say so with
:func:`changed`. Nothing personal is ever cached here under a shared key: keys name public things, or the
organisations whose courses a list shows. What belongs to one person (their T-profile picture) is stored by
:func:`personal` under their user id and a digest of its sources, and is only ever looked up for that same person.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Callable, Iterable, TypeVar

from flask import Flask, Response, current_app, request
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Session

CATALOGUE = "catalogue"
KEYS = "keys"
STATUS = "status"
LOG = "log"

#: How long a cached value may live at most (seconds); a missed invalidation can never outlive this.
TIMEOUT = 600
_PENDING = "lms.cache.changed"

cache = Cache()
T = TypeVar("T")


def _topics_of(instances: Iterable[object]) -> set[str]:
    """The topics of changed rows: tables say which cached topic they feed by a ``cache_topic`` class attribute
    (so this module, low in the layers, imports no feature package)."""
    return {topic for obj in instances if (topic := getattr(type(obj), "cache_topic", None))}


def changed(session: Session, *topics: str) -> None:
    """Drop these topics' cached values once the session's transaction commits."""
    session.info.setdefault(_PENDING, set()).update(topics)


def _after_flush(session: Session, _flush_context) -> None:
    topics = _topics_of([*session.new, *session.dirty, *session.deleted])
    if topics:
        changed(session, *topics)


def _after_commit(session: Session) -> None:
    topics = session.info.pop(_PENDING, None)
    if topics:
        _safely(lambda: cache.delete_many(*(_generation_key(t) for t in topics)), None)


def _safely(call: Callable[[], T], fallback: T) -> T:
    """The cache is a help, not a dependency: with Redis down, pages are made from the database."""
    try:
        return call()
    except Exception:  # noqa: BLE001 - any cache failure means "not cached"
        current_app.logger.warning("cache unavailable", exc_info=True)
        return fallback


def init_app(app: Flask, redis_url: str | None, instance_path: str, database_url: str) -> None:
    if redis_url:
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    else:
        config = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": instance_path + "/cache", "CACHE_THRESHOLD": 5000}
    # Sites (or test runs) sharing one Redis never see each other's values: the prefix names the database.
    prefix = "lms:" + hashlib.sha256(database_url.encode()).hexdigest()[:12] + ":"
    cache.init_app(app, config={**config, "CACHE_KEY_PREFIX": prefix, "CACHE_DEFAULT_TIMEOUT": TIMEOUT})
    factory = app.extensions["lms.db"].session_factory
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_commit", _after_commit)


def _generation_key(topic: str) -> str:
    return "gen:" + topic


def _start_generation(topic: str) -> str | None:
    key = _generation_key(topic)
    cache.add(key, secrets.token_hex(8))  # of two workers starting one at once, the first wins
    return cache.get(key)


def cached(topic: str, name: str, make: Callable[[], T]) -> T:
    """The value of ``name`` in the topic's current generation, made (and stored) when missing."""
    return cached_many(topic, [name], lambda _missing: {name: make()})[name]


def cached_many(topic: str, names: list, make: Callable[[list], dict]) -> dict:
    """Like :func:`cached` for several names at once; ``make`` gets the missing names and returns a dict.

    The topic's generation and the values come in one read (one round trip to Redis): each value is stored with
    the generation it was made in and counts only while that is still the topic's current one."""
    def look_up() -> tuple[str | None, list]:
        got = cache.get_many(_generation_key(topic), *(f"{topic}:{n}" for n in names))
        gen = got[0]
        if gen is None:
            return _start_generation(topic), [None] * len(names)
        return gen, [v[1] if type(v) is tuple and len(v) == 2 and v[0] == gen else None for v in got[1:]]

    gen, values = _safely(look_up, (None, []))
    found = {n: v for n, v in zip(names, values) if v is not None}
    missing = [n for n in names if n not in found]
    if missing:
        made = make(missing)
        if gen:
            _safely(lambda: cache.set_many({f"{topic}:{n}": (gen, v) for n, v in made.items()}), None)
        found.update(made)
    return found


def personal(user_id: int, name: str, make: Callable[[], T]) -> T:
    """One person's own value, made when missing. ``name`` must change whenever the value's sources do (a digest
    of them); the key always starts with the user id, so no one else's lookup can ever reach it."""
    key = f"user:{int(user_id)}:{name}"
    found = _safely(lambda: cache.get(key), None)
    if found is None:
        found = make()
        _safely(lambda: cache.set(key, found), None)
    return found


def published(topic: str, make: Callable[[], str | None], mimetype: str) -> Response:
    """A public document from the shared cache (made when missing), with an ETag: a client that has it gets a 304.
    ``no-cache``: clients ask again each time, so a revocation or a new checkpoint is seen at once."""
    found = cached(topic, "document", lambda: _tagged(make()))
    if found is None:
        return Response("the log is empty\n", status=404, mimetype="text/plain")
    etag, body = found
    response = Response(body, mimetype=mimetype, headers={"Cache-Control": "no-cache"})
    response.set_etag(etag)
    return response.make_conditional(request)


def _tagged(body: str | None) -> tuple[str, str] | None:
    return None if body is None else (hashlib.sha256(body.encode()).hexdigest()[:32], body)
