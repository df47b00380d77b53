"""A shared cache for what is the same for everyone and changes only when something is published, synced, signed
or appended: catalogue cards and course outlines, the DID document, the status list, the log checkpoint.

Redis when ``LMS_REDIS_URL`` is set (production requires it), otherwise Flask-Caching's files in the instance folder,
which every worker of one machine shares: a revocation seen by one worker is seen by all, at once. The public pages
answer from here on every request, so the Redis reads skip the layers of a general client (one MGET on the
thread's own connection, the hiredis parser) and values are bytes with a one-letter type: a kept response body is
sent as it was stored, nothing is unpickled or encoded again (see :func:`_pack`).

Each cached thing belongs to a *topic*. A value is stored with its topic's current generation; a commit that
changed a topic's rows drops the generation (after the commit, so no reader can fill the new generation from the
old data), and the next reader starts a new one: a value of an older generation no longer counts. Rows are noticed
by type when the session flushes (see ``TOPICS``); writes that bypass the ORM's unit of work say so with
:func:`changed`. Nothing personal is ever cached here under a shared key: keys name public things, or the
organisations whose courses a list shows. What belongs to one person (their T-profile picture) is stored by
:func:`personal` under their user id and a digest of its sources, and is only ever looked up for that same person.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.memo import Memo

CATALOGUE = "catalogue"
KEYS = "keys"
STATUS = "status"
LOG = "log"
#: Bureaus' cosignatures of the log, their keys and organisations' names: who a certificate page says witnessed it.
WITNESS = "witness"

#: How long a cached value may live at most (seconds); a missed invalidation can never outlive this.
TIMEOUT = 600
_PENDING = "lms.cache.changed"

T = TypeVar("T")
_EXTENSION = "lms.cache"
_GENERATION = "gen:"


class _Keys:
    """A store's key for a cache key: generations under ``prefix`` (shared by every release), values under
    ``values_prefix``, which adds the release (see :func:`_release`)."""

    prefix = ""
    values_prefix = ""

    def _key(self, key: str) -> str:
        return (self.prefix if key.startswith(_GENERATION) else self.values_prefix) + key


class _RedisStore(_Keys):
    """The cache in Redis, spoken to directly: a warm public page costs one MGET. redis-py's client adds some 20 us
    of CPU per command (command lookup, retries, response callbacks) and cachelib's unpickling more; the reads here
    send and read on a connection of their own (see :meth:`_reader`). Writes happen on misses and changes only, and
    go through the client and its pool."""

    def __init__(self, url: str, prefix: str, release: str) -> None:
        import redis

        # Short socket timeouts: a Redis that hangs makes pages slower by at most this, then "not cached".
        self.client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.pool = self.client.connection_pool
        self.prefix = prefix
        self.values_prefix = prefix + release + ":"
        self._readers = threading.local()

    def _reader(self):
        """This thread's connection for reads, with the pool's settings, kept for the life of the thread. redis-py
        8's pool dispatches events and records metrics on every checkout and release, some 10-15 us a read: a
        tenth of what a kept document costs the worker. A forked process makes its own (a socket is never shared
        between processes); one that failed is closed and connects again on its next command."""
        readers = self._readers
        if getattr(readers, "pid", None) != os.getpid():
            readers.connection = self.pool.connection_class(**self.pool.connection_kwargs)
            readers.pid = os.getpid()
        return readers.connection

    def get_many(self, keys: list[str]) -> list:
        connection = self._reader()
        try:
            connection.send_command("MGET", *[self._key(key) for key in keys])
            return connection.read_response()
        except BaseException:
            connection.disconnect()  # a half-read answer must never be read by the next command
            raise

    def set_many(self, values: dict[str, bytes]) -> None:
        with self.client.pipeline(transaction=False) as pipe:
            for key, value in values.items():
                pipe.set(self._key(key), value, ex=TIMEOUT)
            pipe.execute()

    def add(self, key: str, value: bytes) -> None:
        self.client.set(self._key(key), value, ex=TIMEOUT, nx=True)

    def delete_many(self, keys: list[str]) -> None:
        self.client.delete(*[self._key(key) for key in keys])


class _FileStore(_Keys):
    """Flask-Caching's files (which add the site's prefix themselves): the same interface as :class:`_RedisStore`."""

    def __init__(self, backend, release: str) -> None:
        self.backend = backend
        self.values_prefix = release + ":"

    def get_many(self, keys: list[str]) -> list:
        return self.backend.get_many(*[self._key(key) for key in keys])

    def set_many(self, values: dict[str, bytes]) -> None:
        self.backend.set_many({self._key(key): value for key, value in values.items()})

    def add(self, key: str, value: bytes) -> None:
        self.backend.add(self._key(key), value)

    def delete_many(self, keys: list[str]) -> None:
        self.backend.delete_many(*[self._key(key) for key in keys])


def _store() -> _RedisStore | _FileStore:
    return current_app.extensions[_EXTENSION]


def _pack(stamp: bytes, value: object) -> bytes:
    """``value`` with the stamp (the generations it was made in) in front: ``<length of stamp>:<stamp><type><data>``.
    bytes and str are stored as they are, anything else pickled."""
    if type(value) is bytes:
        kind, data = b"b", value
    elif type(value) is str:
        kind, data = b"s", value.encode()
    else:
        kind, data = b"p", pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return b"%d:%s%s%s" % (len(stamp), stamp, kind, data)


_NOT_FOUND = object()


def _unpack(raw: object, stamp: bytes) -> object:
    """The value packed in ``raw`` if it was made under ``stamp``, else ``_NOT_FOUND`` (missing, of an older
    generation, or written by an older version of this module: a miss, and soon overwritten)."""
    if type(raw) is not bytes:
        return _NOT_FOUND
    colon = raw.find(b":", 0, 8)
    if colon < 1 or not raw[:colon].isdigit():
        return _NOT_FOUND
    start = colon + 1 + int(raw[:colon])
    if raw[colon + 1:start] != stamp:
        return _NOT_FOUND
    kind, data = raw[start:start + 1], raw[start + 1:]
    if kind == b"b":
        return data
    if kind == b"s":
        return data.decode()
    try:
        return pickle.loads(data) if kind == b"p" else _NOT_FOUND
    except Exception:  # noqa: BLE001 - e.g. a class renamed since it was kept: made again, and kept anew
        return _NOT_FOUND


def _stamp(generations: tuple) -> bytes:
    return b"\n".join(generations)


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
        _safely(lambda: _store().delete_many([_generation_key(t) for t in topics]), None)


def _safely(call: Callable[[], T], fallback: T) -> T:
    """The cache is a help, not a dependency: with Redis down, pages are made from the database."""
    try:
        return call()
    except Exception:  # noqa: BLE001 - any cache failure means "not cached"
        current_app.logger.warning("cache unavailable", exc_info=True)
        return fallback


@functools.lru_cache(maxsize=4)
def _release(package: Path) -> str:
    """What kept values were made by: a digest of the package's code, templates and translations, and its version
    (read once per process, some 20 ms). Values are kept under it, so after an upgrade (and during a rolling one, two
    releases serving side by side) no instance sends a page or fragment that another release made, with forms or
    links it may not have. The topics' generations stay shared: a change made through either release reaches the
    values of both."""
    digest = hashlib.sha256(_version().encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".mo") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lms")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "0"


def init_app(app: Flask, redis_url: str | None, instance_path: str, database_url: str) -> None:
    # Sites (or test runs) sharing one Redis never see each other's values: the prefix names the database.
    prefix = "lms:" + hashlib.sha256(database_url.encode()).hexdigest()[:12] + ":"
    release = _release(Path(app.root_path))
    if redis_url:
        app.extensions[_EXTENSION] = _RedisStore(redis_url, prefix, release)
    else:
        # Files in the instance folder when there is no Redis (development, tests). Imported here: a production
        # worker (Redis) never loads Flask-Caching and cachelib (about 1 MiB).
        from flask_caching import Cache

        config = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": instance_path + "/cache", "CACHE_THRESHOLD": 5000}
        files = Cache(app, config={**config, "CACHE_KEY_PREFIX": prefix, "CACHE_DEFAULT_TIMEOUT": TIMEOUT})
        app.extensions[_EXTENSION] = _FileStore(app.extensions["cache"][files], release)
    factory = app.extensions["lms.db"].session_factory
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_commit", _after_commit)


def _generation_key(topic: str) -> str:
    return _GENERATION + topic


def _start_generation(topic: str) -> bytes | None:
    key = _generation_key(topic)
    store = _store()
    store.add(key, secrets.token_hex(8).encode())  # of two workers starting one at once, the first wins
    return store.get_many([key])[0]


def cached(topic: str, name: str, make: Callable[[], T]) -> T:
    """The value of ``name`` in the topic's current generation, made (and stored) when missing."""
    return cached_many(topic, [name], lambda _missing: {name: make()})[name]


def cached_many(topic: str, names: list, make: Callable[[list], dict]) -> dict:
    """Like :func:`cached` for several names at once; ``make`` gets the missing names and returns a dict.

    The topic's generation and the values come in one read (one round trip to Redis): each value is stored with
    the generation it was made in and counts only while that is still the topic's current one."""
    def look_up() -> tuple[bytes | None, list]:
        gen, *values = _store().get_many([_generation_key(topic), *(f"{topic}:{n}" for n in names)])
        if gen is None:
            return _start_generation(topic), []
        return gen, [_unpack(v, gen) for v in values]

    gen, values = _safely(look_up, (None, []))
    found = {n: v for n, v in zip(names, values) if v is not _NOT_FOUND}
    missing = [n for n in names if n not in found]
    if missing:
        made = make(missing)
        if gen:
            _safely(lambda: _store().set_many({f"{topic}:{n}": _pack(gen, v) for n, v in made.items()}), None)
        found.update(made)
    return found


#: The personal values this worker asked for last, in front of the shared store: keyed by the store (one per app)
#: and the same key, which names the person and a digest of the value's sources, so a kept value is never another
#: person's and never an older one. A host's home page reads their T-profile picture on every visit.
_PERSONAL: Memo[tuple, object] = Memo(64)


def personal(user_id: int, name: str, make: Callable[[], T]) -> T:
    """One person's own value, made when missing. ``name`` must change whenever the value's sources do (a digest
    of them); the key always starts with the user id, so no one else's lookup can ever reach it."""
    key = f"user:{int(user_id)}:{name}"
    store = _store()
    kept = _PERSONAL.find((store, key))
    if kept is not None:
        return kept  # type: ignore[return-value]
    found = _safely(lambda: _unpack(store.get_many([key])[0], b""), _NOT_FOUND)
    if found is _NOT_FOUND:
        found = make()
        _safely(lambda: store.set_many({key: _pack(b"", found)}), None)
    _PERSONAL.keep((store, key), found)
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
        *gens, stored = _store().get_many([*(_generation_key(t) for t in topics), "v:" + name])
        if not all(gens):
            return Lookup(False, None, None)
        generations = tuple(gens)
        value = _unpack(stored, _stamp(generations))
        return Lookup(False, None, generations) if value is _NOT_FOUND else Lookup(True, value, generations)

    return _safely(read, _MISS)


def started(topics: tuple[str, ...]) -> Lookup:
    """A miss whose generations are current (started now where missing): read the value's sources after this."""
    def current() -> tuple:
        got = _store().get_many([_generation_key(t) for t in topics])
        return tuple(gen if gen is not None else _start_generation(t) for t, gen in zip(topics, got))

    generations = _safely(current, None)
    return Lookup(False, None, generations if generations and all(generations) else None)


def keep(name: str, found: Lookup, value: Any) -> None:
    """Store what was made after ``found`` missed, under the generations read *before* the value's sources were: a
    commit in between dropped one of them, so a value made from the old rows can never be seen. Nothing is stored
    when a generation was missing (see :func:`started`)."""
    if found.generations is not None:
        _safely(lambda: _store().set_many({"v:" + name: _pack(_stamp(found.generations), value)}), None)


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
    found = fresh((topic,), topic + ":document", lambda: _document_or_none(make()))
    if found is None:
        return Response("the log is empty\n", status=404, mimetype="text/plain")
    return document_response(found, mimetype, {"Cache-Control": "no-cache"})


_TAG_LENGTH = 32


def document(body: str | bytes) -> bytes:
    """A response body as it is kept and sent, its strong ETag (a digest of it) in front: a cache hit sends the
    stored bytes without encoding or copying them into anything else."""
    data = body.encode() if isinstance(body, str) else body
    return hashlib.sha256(data).hexdigest()[:_TAG_LENGTH].encode() + data


def _document_or_none(body: str | None) -> bytes | None:
    return None if body is None else document(body)


def document_response(kept: bytes, mimetype: str, headers: dict) -> Response:
    """A :func:`document` with its ETag, or a 304 for a client that has it (only If-None-Match counts: no dates, no
    ranges, so werkzeug's make_conditional is not needed)."""
    etag = kept[:_TAG_LENGTH].decode()
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304, headers=headers)
    else:
        response = Response(kept[_TAG_LENGTH:], mimetype=mimetype, headers=headers)
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


def marked(render: Callable[[dict], str]) -> tuple[bytes | None, bytes, str]:
    """(marker, page, its digest): the page (bytes, as sent) rendered with a marker where the session's CSRF token
    goes, the only personal thing on a visitor's page. The marker is None when a real token went into the page (not
    to be kept), and empty when the page has no form that needs one (it is sent as it is: no session is made)."""
    marker = "csrf-marker-" + secrets.token_hex(16)
    body = render({"csrf_token": lambda: marker})
    real = g.get("csrf_token")  # made by a form on the way, perhaps
    page = body.encode()
    kept_marker = None if real and real in body else marker.encode() if marker in body else b""
    return kept_marker, page, hashlib.sha256(page).hexdigest()


def visitor_answer(page: tuple[bytes | None, bytes, str]) -> Response:
    """A kept visitor's page with the visitor's own CSRF token in it; a client that has it gets a 304 without
    that. The tag covers the token and the hour (a kept copy is at most an hour old, its token well within its
    time limit); the copy is ``private``. A page without a form gets no token, so the visitor gets no session."""
    marker, body, digest = page
    if request.if_none_match and request.if_none_match.contains_weak(tag := _visitor_tag(digest)):
        response = Response(status=304)
    else:
        response = Response(body.replace(marker, generate_csrf().encode()) if marker else body, mimetype="text/html")
        tag = _visitor_tag(digest)  # with the token a first visit's session got just now
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _visitor_tag(digest: str) -> str:
    parts = (digest, str(session.get("csrf_token", "")), str(int(time.time() // 3600)), request.full_path)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]

