"""The base form: CSRF (Flask-WTF), and one check that every text field is clean text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import StringField, TextAreaField

from lms.bounds import is_clean_text


class BaseForm(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, (StringField, TextAreaField)) and isinstance(field.data, str):
                if not is_clean_text(field.data):
                    field.errors = list(field.errors) + [
                        str(_l("This field contains characters that are not valid text."))
                    ]
                    ok = False
        return ok


def attach_error(form: FlaskForm, field_name: str | None, message) -> bool:
    """Show a service's error on the field it names; False when the form has no such field."""
    field = getattr(form, field_name, None) if field_name else None
    if field is None:
        return False
    field.errors = list(field.errors) + [str(message)]
    return True


def reject_undecodable_forms():
    """Called by ``lms.security.access.guard`` before CSRF: a urlencoded body that is not UTF-8 gets a clear 400.

    Werkzeug silently drops such fields, which would surface as a confusing "missing field" or CSRF error.
    """
    from urllib.parse import unquote_to_bytes

    from flask import abort, g, request

    if request.method not in ("POST", "PUT", "PATCH") or request.mimetype != "application/x-www-form-urlencoded":
        return None
    raw = request.get_data(cache=True)
    for part in raw.split(b"&"):
        try:
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            g.own_abort = True
            abort(400, description=str(_l("The form contained bytes that are not valid UTF-8 text. Check the text you entered and try again.")))
    return None


def reject_nul_characters():
    """Called by ``lms.security.access.guard`` after :func:`reject_undecodable_forms`: a NUL character in the query or a form field gets
    a clear 400. No text on the site holds one, and PostgreSQL refuses it in any text column, so a field read straight
    from the request would otherwise surface as "database unavailable"."""
    from flask import abort, g, request

    values = list(request.args.values())
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        values += request.form.values()
    if any("\x00" in value for value in values):
        g.own_abort = True
        abort(400, description=str(_l("This field contains characters that are not valid text.")))
    return None
