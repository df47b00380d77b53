"""What every template can use: the language switch, the logout form, the request id."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import get_locale

from lms.i18n import LANGUAGES, html_lang


def init_app(app: Flask) -> None:
    from lms.certificates.numbers import format as format_number

    # Certificate numbers are stored bare; people read and type them in three groups of five.
    app.add_template_filter(format_number, "certificate_number")

    @app.context_processor
    def common():
        from lms.accounts.forms import ConfirmForm

        locale = str(get_locale() or "zh_CN")
        return {
            "languages": LANGUAGES,
            "current_locale": locale,
            "html_lang": html_lang(locale),
            "request_id": g.get("request_id", "-"),
            "nav_form": ConfirmForm(formdata=None),
            "current_path": request.full_path if request.query_string else request.path,
        }
