"""Messages from the pure layers (course checker, GIFT parser, zip reader) that pages can show translated.

The pure modules import neither Flask nor Babel, yet a trainer reading a Chinese page should see a checker
problem in Chinese. So a problem message is made with :func:`N_` ("translate later"): the result is the English
text as an ordinary ``str`` (the CLI prints it, tests compare it, JSON stores it), which also remembers its
template and values. A page runs it through the ``localize`` filter, which translates the template and fills
in the same values. ``N_`` is one of Babel's default keywords, so ``make i18n-update`` extracts the templates.

A template names its values as ``%(name)s`` (a literal percent sign is ``%%``) and is always formatted, with or
without values, so the English text and every translation follow one rule.
"""

from __future__ import annotations

from typing import Any, Self


class Msg(str):
    """English text that keeps its template and values for translation."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any]) -> Self:
        message = super().__new__(cls, template % params)
        message.template = template
        message.params = params
        return message

    def __reduce__(self):  # copy and pickle keep the template
        return (Msg, (self.template, self.params))


def N_(template: str, **params: Any) -> Msg:  # the name is one of Babel's default keywords
    return Msg(template, params)


def localize(text: str, translate) -> str:
    """``text`` in the reader's language: ``translate`` is a gettext function; plain strings pass unchanged."""
    if not isinstance(text, Msg):
        return text
    params = {key: localize(value, translate) for key, value in text.params.items()}  # nested messages too
    try:
        return translate(text.template) % params
    except (KeyError, TypeError, ValueError):  # a translation naming other values than the English: show English
        return str(text)
