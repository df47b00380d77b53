"""The study-policy settings form of an organisation admin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields import BooleanField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from lms.evidence.policy import BOUNDS, StudyPolicy
from lms.security.forms import BaseForm

_number = InputRequired(message=_l("Enter a whole number."))


def _range(name: str) -> NumberRange:
    low, high = BOUNDS[name]
    return NumberRange(low, high, message=_l("Enter a whole number from %(min)s to %(max)s."))


class StudyPolicyForm(BaseForm):
    class_hour_minutes = IntegerField(
        _l("Minutes per class hour (学时)"), validators=[_number, _range("class_hour_minutes")],
        description=_l("60 by default; many subsidy schemes of the human-resources bureaus count 45."))
    daily_max_minutes = IntegerField(
        _l("Most minutes credited per day"), validators=[_number, _range("daily_max_minutes")],
        description=_l("Per host and day (China time), over all lessons; study beyond it is not counted."))
    presence_interval_minutes = IntegerField(
        _l("Presence check every ... minutes"), validators=[_number, _range("presence_interval_minutes")],
        description=_l("A short check comes at a random moment within each interval; 0 turns the checks off."))
    presence_answer_seconds = IntegerField(
        _l("Seconds to answer a presence check"), validators=[_number, _range("presence_answer_seconds")])
    identity_at_start = BooleanField(_l("Identity check at the start of each lesson"))
    identity_random = BooleanField(_l("Identity check at random presence checks"))
    retention_years = IntegerField(
        _l("Keep study evidence for ... years"), validators=[_number, _range("retention_years")],
        description=_l("5 by default; evidence older than this is deleted."))
    submit = SubmitField(_l("Save study policy"))

    def fill(self, policy: StudyPolicy) -> None:
        for name, value in policy.as_dict().items():
            getattr(self, name).data = value

    def policy(self) -> StudyPolicy:
        return StudyPolicy(**{name: getattr(self, name).data for name in StudyPolicy.__dataclass_fields__})
