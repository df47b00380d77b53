"""Flask's signed-cookie sessions, with the signing serializer built once per key set instead of twice a request,
and a checked cookie's contents kept per worker for the next request that sends the very same cookie."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner

from lms.memo import Memo

#: A logged-in browser sends the same signed cookie on every request until the session changes. Its checked
#: contents are kept here, keyed by the cookie's whole text (its signature included) and the signing keys: only a
#: cookie that passed the check under those keys is ever found. Each request still gets its own session object,
#: and its age is checked against the lifetime on every request, as itsdangerous checks it. Sessions holding
#: anything but plain values (a list of flash messages) are not kept: a request may change those in place.
_CHECKED: Memo[tuple, tuple[dict, int]] = Memo(512)
_PLAIN = (str, int, bool, float, type(None))


def _signing_keys(app: Flask) -> tuple:
    return (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)


class SessionInterface(SecureCookieSessionInterface):
    """The same cookies, keys, salt and checks as Flask's; a request without a session cookie builds nothing."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        # Keyed by the keys themselves: a rotated SECRET_KEY (or new fallbacks) gets a new serializer at once.
        keys = _signing_keys(app)
        serializer = self._serializers.get(keys)
        if serializer is None:
            if len(self._serializers) > 8:
                self._serializers.clear()
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, *_signing_keys(app))
        kept = _CHECKED.find(key)
        if kept is not None:
            data, signed_at = kept
            if 0 <= TimestampSigner.get_timestamp(None) - signed_at <= max_age:  # the clock itsdangerous ages by
                return self.session_class(data)
            return self.session_class()  # expired, as itsdangerous would say
        try:
            data, signed = self.get_signing_serializer(app).loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if type(data) is dict and all(type(v) in _PLAIN for v in data.values()):
            _CHECKED.keep(key, (dict(data), int(signed.timestamp())))
        return self.session_class(data)
