from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.security.forms import BaseForm

_required = DataRequired(message=_l("This field is required."))

ROLE_LABELS = {
    "learner": _l("Host (learner)"),
    "trainer": _l("Trainer"),
    "org_admin": _l("Organisation admin"),
    "bureau_verifier": _l("Bureau verifier"),
}
KIND_LABELS = {"mcn": _l("MCN agency"), "bureau": _l("Labor bureau")}


class CreateOrganisationForm(BaseForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=120)])
    slug = StringField(
        _l("Short name (used in addresses)"),
        validators=[_required, Length(max=40)],
        description=_l("Lowercase letters, digits and hyphens, e.g. star-mcn."),
    )
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    admin_email = StringField(
        _l("Email of its first admin"),
        validators=[_required, Length(max=254)],
        description=_l("They receive an invitation link."),
    )
    submit = SubmitField(_l("Create organisation"))


class InviteForm(BaseForm):
    email = StringField(_l("Email"), validators=[_required, Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    submit = SubmitField(_l("Send invitation"))


def role_choices(roles) -> list[SelectChoice]:
    return [SelectChoice(r.value, ROLE_LABELS[r.value]) for r in roles]


class OrgSettingsForm(BaseForm):
    trainers_import_hosts = BooleanField(
        _l("Trainers may import hosts"),
        description=_l("Off: only organisation admins import hosts and see their set-password links."),
    )
    submit = SubmitField(_l("Save settings"))
