"""Forms of the public checking pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.fields import SubmitField, TextAreaField
from wtforms.validators import Length

from lms.security.forms import BaseForm


class BadgeCheckForm(BaseForm):
    """A digital badge from any issuer: a file (JSON, JWT, PNG or SVG) or pasted text, and for a did:web issuer
    its DID document."""

    credential_file = FileField(_l("Badge file"), description=_l("JSON, JWT, PNG or SVG, as the host received it"))
    credential_text = TextAreaField(_l("Or paste the credential (JSON or JWT)"), validators=[Length(max=600_000)],
                                    render_kw={"rows": 6, "spellcheck": "false"})  # fmt: skip
    did_file = FileField(_l("Issuer's DID document (did.json)"),
                         description=_l("Only needed when the issuer is a did:web address; a did:key is checked "
                                        "without it."))  # fmt: skip
    did_text = TextAreaField(_l("Or paste the DID document"), validators=[Length(max=300_000)],
                             render_kw={"rows": 4, "spellcheck": "false"})  # fmt: skip
    submit = SubmitField(_l("Check the badge"))
