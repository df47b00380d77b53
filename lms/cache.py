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
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, TypeVar

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_caching import Cache
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

CATALOGUE = "catalogue"
KEYS = "keys"
STATUS = "status"
LOG = "log"
#: Bureaus' cosignatures of the log, their keys and organisations' names: who a certificate page says witnessed it.
WITNESS = "witness"

#: How long a cached value may live at most (seconds); a missed invalidation can never outlive this.
TIMEOUT = 600
_PENDING = "lms.cache.changed"

cache = Cache()
T = TypeVar("T")


def _topics_of(instances: Iterable[object]) -> set[str]:
    """The topics of changed rows: tables say which cached topic they feed by a ``cache_topic`` class attribute
    (so this module, low in the layers, imports no feature package); a table whose rows each have their own
    cached values (a certificate's page) names a row's topic by a ``cache_row_topic`` method."""
    topics = set()
    for obj in instances:
        if topic := getattr(type(obj), "cache_topic", None):
            topics.add(topic)
        if row_topic := getattr(type(obj), "cache_row_topic", None):
            topics.add(row_topic(obj))
    return topics


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


@dataclass(frozen=True)
class Lookup:
    """What :func:`look_up` found: ``hit`` and its value, and the topics' generations as read (None: one is missing)."""

    hit: bool
    value: Any
    generations: tuple | None


_MISS = Lookup(False, None, None)


def look_up(topics: tuple[str, ...], name: str) -> Lookup:
    """``name``'s value if it was made while each topic had its current generation: ONE cache round trip (the
    generations and the value in one get_many), where :func:`cached` takes two or three."""
    def read() -> Lookup:
        *gens, stored = cache.get_many(*(_generation_key(t) for t in topics), "v:" + name)
        generations = tuple(gens) if all(gens) else None
        if generations is not None and stored is not None and stored[0] == generations:
            return Lookup(True, stored[1], generations)
        return Lookup(False, None, generations)

    return _safely(read, _MISS)


def started(topics: tuple[str, ...]) -> Lookup:
    """A miss whose generations are current (started now where missing): read the value's sources after this."""
    def current() -> tuple:
        got = cache.get_many(*(_generation_key(t) for t in topics))
        return tuple(gen if gen is not None else _start_generation(t) for t, gen in zip(topics, got))

    generations = _safely(current, None)
    return Lookup(False, None, generations if generations and all(generations) else None)


def keep(name: str, found: Lookup, value: Any) -> None:
    """Store what was made after ``found`` missed, under the generations read *before* the value's sources were: a
    commit in between dropped one of them, so a value made from the old rows can never be seen. Nothing is stored
    when a generation was missing (see :func:`started`)."""
    if found.generations is not None:
        _safely(lambda: cache.set("v:" + name, (found.generations, value)), None)


def fresh(topics: tuple[str, ...], name: str, make: Callable[[], T]) -> T:
    """:func:`cached` in one round trip when the value is there (see :func:`look_up`)."""
    found = look_up(topics, name)
    if found.hit:
        return found.value
    if found.generations is None:  # start the generations before reading the sources
        found = started(topics)
    value = make()
    keep(name, found, value)
    return value


def published(topic: str, make: Callable[[], str | None], mimetype: str) -> Response:
    """A public document from the shared cache (made when missing), with an ETag: a client that has it gets a 304.
    ``no-cache``: clients ask again each time, so a revocation or a new checkpoint is seen at once."""
    found = fresh((topic,), topic + ":document", lambda: _tagged(make()))
    if found is None:
        return Response("the log is empty\n", status=404, mimetype="text/plain")
    etag, body = found
    return tagged_response(etag, body, mimetype, {"Cache-Control": "no-cache"})


def tagged_response(etag: str, body: str, mimetype: str, headers: dict) -> Response:
    """``body`` with its strong ETag, or a 304 for a client that has it (only If-None-Match counts: no dates, no
    ranges, so werkzeug's make_conditional is not needed)."""
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304, headers=headers)
    else:
        response = Response(body, mimetype=mimetype, headers=headers)
    response.set_etag(etag)
    return response


def visitor_page(topics: tuple[str, ...], name: str, render: Callable[[dict], str]) -> Response:
    """A whole page for a visitor who is not logged in, kept under ``name`` (which must say the path and the
    language) until one of ``topics`` changes. ``render(extra)`` renders it with ``extra`` added to the context.
    Pending flash messages are always rendered."""
    if "_flashes" in session:
        return make_response(render({}))
    found = look_up(topics, name)
    if found.hit:
        return visitor_answer(found.value)
    if found.generations is None:
        found = started(topics)
    page = marked(render)
    if page[0] is not None:
        keep(name, found, page)
    return visitor_answer(page)


def marked(render: Callable[[dict], str]) -> tuple[str | None, str, str]:
    """(marker, page, its digest): the page rendered with a marker where the session's CSRF token goes, the only personal
    thing on a visitor's page. The marker is None when a real token went into the page (not to be kept)."""
    marker = "csrf-marker-" + secrets.token_hex(16)
    body = render({"csrf_token": lambda: marker})
    real = g.get("csrf_token")  # made by a form on the way, perhaps
    return (None if real and real in body else marker), body, hashlib.sha256(body.encode()).hexdigest()


def visitor_answer(page: tuple[str | None, str, str]) -> Response:
    """A kept visitor's page with the visitor's own CSRF token in it; a client that has it gets a 304 without
    that. The tag covers the token and the hour (a kept copy is at most an hour old, its token well within its
    time limit); the copy is ``private``."""
    marker, body, digest = page
    if request.if_none_match and request.if_none_match.contains_weak(tag := _visitor_tag(digest)):
        response = Response(status=304)
    else:
        response = Response(body.replace(marker, generate_csrf()) if marker else body, mimetype="text/html")
        tag = _visitor_tag(digest)  # with the token a first visit's session got just now
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _visitor_tag(digest: str) -> str:
    parts = (digest, str(session.get("csrf_token", "")), str(int(time.time() // 3600)), request.full_path)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _tagged(body: str | None) -> tuple[str, str] | None:
    return None if body is None else (hashlib.sha256(body.encode()).hexdigest()[:32], body)
