"""Locale choice: the user's saved choice, then the language cookie, then the browser's Accept-Language."""

from __future__ import annotations

from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import get_translations
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from lms.memo import Memo
from lms.messages import Msg, localize

#: Supported UI languages: Babel identifier -> (BCP 47 tag for HTML, own name for the switch).
LANGUAGES: dict[str, tuple[str, str]] = {"zh_CN": ("zh-CN", "中文"), "en": ("en", "English")}
LANGUAGE_COOKIE = "lms_lang"
# What Locale.parse gives for each language, built without it: parse loads Babel's global data (alias and
# likely-subtag tables, ~3 MiB per worker) on every worker's first request. tests/unit/test_start_memory.py checks.
LOCALES: dict[str, Locale] = {"zh_CN": Locale("zh", "CN", script="Hans"), "en": Locale("en")}


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("-", "_")
    if value in LANGUAGES:
        return value
    if value.lower().startswith("zh"):
        return "zh_CN"
    if value.lower().startswith("en"):
        return "en"
    return None


_FROM_HEADER: Memo[tuple[str, str], str] = Memo(256)


def select_locale() -> str:
    if not has_request_context():
        return "en"  # CLI output (operators) is in English, like the command help
    if getattr(g, "forced_locale", None):
        return g.forced_locale
    user = current_user._get_current_object()  # one proxy read: the viewer (lms.accounts.viewer) or anonymous
    if user.is_authenticated and user.locale in LANGUAGES:
        return user.locale
    chosen = normalise_locale(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    default = current_app.config["LMS"].default_locale
    header = request.environ.get("HTTP_ACCEPT_LANGUAGE", "")
    if not header:
        return default
    # Browsers send a handful of distinct headers: each is parsed once per worker, not on every request.
    return _FROM_HEADER.get((header, default), lambda: _from_accept_language(header, default))


def _from_accept_language(header: str, default: str) -> str:
    """Accept-Language: the first language we support wins, by the browser's weights."""
    for lang, _quality in parse_accept_header(header, LanguageAccept):
        found = normalise_locale(lang)
        if found:
            return found
    return default


def selected_locale() -> Locale:
    """Flask-Babel's locale selector: :func:`select_locale` as a ready Locale (a string would be parsed)."""
    chosen = select_locale()
    return LOCALES.get(chosen) or Locale.parse(chosen)


def html_lang(locale: str) -> str:
    return LANGUAGES.get(locale, ("zh-CN", ""))[0]


def localized(text) -> str:
    """A message from a pure module (see :mod:`lms.messages`) in the page's language; other text unchanged."""
    return localize(text, get_translations().gettext)


def error_text(message) -> str:
    """A domain error's message for a page: marked messages are translated with their values; other strings
    (already translated lazy strings, or English marked elsewhere) go through gettext as they are."""
    if isinstance(message, Msg):
        return localized(message)
    return get_translations().gettext(str(message))
