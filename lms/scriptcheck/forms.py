"""The script-check form (paste or upload, category, save) and the organisation-rule form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.fields.choices import SelectChoice
from wtforms.fields import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.i18n import localized
from lms.scriptcheck.rules import CATEGORIES
from lms.security.forms import BaseForm


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(key, localized(label)) for key, label in CATEGORIES.items()]


class CheckForm(BaseForm):
    script = TextAreaField(_l("Your script"), validators=[Length(max=200_000)],
                           description=_l("Paste the script; one sentence or paragraph per line is fine."),
                           render_kw={"rows": 12, "spellcheck": "false"})
    upload = FileField(_l("Or upload a .txt or .docx file"))
    category = SelectField(_l("Product category"), validate_choice=True)
    title = StringField(_l("Title (only when saving)"), validators=[Optional(), Length(max=80)])
    script_id = HiddenField()
    check = SubmitField(_l("Check the script"))
    save = SubmitField(_l("Save the script"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()


class OrgRuleForm(BaseForm):
    kind = SelectField(_l("Kind of rule"), choices=[
        SelectChoice("banned", _l("Banned word (e.g. a platform's banned word)")),
        SelectChoice("approved", _l("Approved brand claim (cleared by legal)")),
        SelectChoice("allowed", _l("Allowed word (e.g. a trademark)")),
    ])  # fmt: skip
    phrase = StringField(_l("Word or phrase"), validators=[DataRequired(_l("Give a word or phrase.")), Length(max=60)])
    reason = StringField(_l("Reason (hosts see it)"), validators=[DataRequired(_l("Give the reason.")),
                                                                  Length(max=300)])
    submit = SubmitField(_l("Add the rule"))
