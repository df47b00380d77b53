"""The self-check form (one radio group per item, built from the instrument file, and the separate consent to
store) and the operator's licence confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from lms.security.forms import BaseForm
from lms.wellbeing.instruments import Instrument


class _TakeForm(BaseForm):
    consent = BooleanField(
        _l("Store this result so that I can see how it changes over time"), default=False,
        description=_l("Optional, and separate from taking the self-check. Your answers are health information "
                       "(sensitive personal information): they are stored encrypted, only you can see them, and "
                       "you can delete them at any time. Trainers, your organisation, bureaus and site operators "
                       "never see them. Without this box ticked, nothing is stored."))  # fmt: skip
    submit = SubmitField(_l("See my result"))


def take_form(instrument: Instrument, **kwargs) -> _TakeForm:
    """A form with ``item_1`` … ``item_n``: the instrument's items and options, verbatim."""
    form_class = type("TakeForm", (_TakeForm,), {})
    choices = [SelectChoice(str(option.score), option.text) for option in instrument.options]
    for number, text in enumerate(instrument.items, start=1):
        setattr(form_class, f"item_{number}", RadioField(
            text, choices=choices, validators=[InputRequired(_l("Choose the answer closest to how you have felt."))]))
    return form_class(**kwargs)


def item_fields(form: _TakeForm) -> list:
    return [field for field in form if field.name.startswith("item_")]


def answers(form: _TakeForm) -> list[int | None]:
    return [int(f.data) if (f.data or "").isdigit() else None for f in item_fields(form)]


class LicenceForm(BaseForm):
    confirm_licence = BooleanField(_l("I have read the licence above and confirm that it allows our use of this "
                                      "self-check on this site"), default=False)
    turn_on = SubmitField(_l("Switch the self-check on"))


class TurnOffForm(BaseForm):
    turn_off = SubmitField(_l("Switch the self-check off"))
