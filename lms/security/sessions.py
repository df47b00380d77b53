"""Flask's signed-cookie sessions, with the signing serializer built once per key set instead of twice a request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature


class SessionInterface(SecureCookieSessionInterface):
    """The same cookies, keys, salt and checks as Flask's; a request without a session cookie builds nothing."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        # Keyed by the keys themselves: a rotated SECRET_KEY (or new fallbacks) gets a new serializer at once.
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
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
        try:
            data = self.get_signing_serializer(app).loads(value, max_age=max_age)
        except BadSignature:
            return self.session_class()
        return self.session_class(data)
