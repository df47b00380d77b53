"""The rewrite form of an exercise."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields import SubmitField, TextAreaField
from wtforms.validators import Length

from lms.scriptcheck.checker import MAX_CHARS
from lms.security.forms import BaseForm


class RewriteForm(BaseForm):
    rewrite = TextAreaField(_l("Your rewrite"), validators=[Length(max=MAX_CHARS)],
                            description=_l("Start from the sample and change what breaks the rules; keep the facts."),
                            render_kw={"rows": 10, "spellcheck": "false"})
    submit = SubmitField(_l("Check my rewrite"))
