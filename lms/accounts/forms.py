from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from lms.security.forms import BaseForm

_required = DataRequired(message=_l("This field is required."))


class RegisterForm(BaseForm):
    display_name = StringField(_l("Name shown to others"), validators=[_required, Length(max=64)])
    login = StringField(
        _l("Email or mobile number"),
        validators=[_required, Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[_required, Length(max=128)],
        render_kw={"autocomplete": "new-password", "minlength": 8},
        description=_l("At least 8 characters."),
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(BaseForm):
    login = StringField(
        _l("Email or mobile number"),
        validators=[_required, Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[_required, Length(max=128)], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[_required, Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[_required, Length(max=128)],
        render_kw={"autocomplete": "new-password", "minlength": 8},
        description=_l("At least 8 characters."),
    )
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(BaseForm):
    login = StringField(
        _l("Email or mobile number"),
        validators=[_required, Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField(_l("Send a link or code"))


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[_required, Length(max=128)],
        render_kw={"autocomplete": "new-password", "minlength": 8},
        description=_l("At least 8 characters."),
    )
    submit = SubmitField(_l("Set new password"))


class ResetCodeForm(ResetPasswordForm):
    """The new password (from :class:`ResetPasswordForm`) with the number and the code from the SMS."""

    login = StringField(
        _l("Mobile number"),
        validators=[_required, Length(max=32)],
        render_kw={"autocomplete": "username", "inputmode": "tel"},
    )
    code = StringField(
        _l("Code from the SMS"),
        validators=[_required, Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6},
        description=_l("6 digits."),
    )


class RealNameForm(BaseForm):
    legal_name = StringField(
        _l("Legal name"), validators=[_required, Length(max=40)], render_kw={"autocomplete": "name"}
    )
    id_number = StringField(
        _l("Identity card number (身份证号)"),
        validators=[Length(max=24)],  # required unless a number is on file: the view decides
        render_kw={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"},
        description=_l("18 characters; the last one may be X."),
    )
    consent = BooleanField(_l("I have read the notice above and agree to this processing of my personal information."))
    submit = SubmitField(_l("Save"))


class ConfirmProvidedRealNameForm(BaseForm):
    consent = BooleanField(_l("I have read the notice above and agree to this processing of my personal information."))
    submit = SubmitField(_l("Confirm this information"))


class ConfirmForm(BaseForm):
    """A button that only carries the CSRF token (logout, delete)."""

    submit = SubmitField(_l("Confirm"))
