"""The words of a notification, rendered from its kind and parameters in the current language: the reader's on a
page, the recipient's in a mail (services.deliver switches the language around it)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.notifications.schedule import CERTIFICATE_ISSUED, DEADLINE_OVERDUE, DEADLINE_SOON, ESSAY_TO_GRADE

SUBJECTS = {
    DEADLINE_SOON: _l("A course deadline is near"),
    DEADLINE_OVERDUE: _l("A course deadline has passed"),
    CERTIFICATE_ISSUED: _l("Your certificate has been issued"),
    ESSAY_TO_GRADE: _l("An essay is waiting for grading"),
}


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "zh"


def localised(value) -> str:
    """A title stored in both languages ({"zh": …, "en": …}) in the current one; a plain string as it is."""
    if isinstance(value, dict):
        return str(value.get(_language()) or value.get("zh") or value.get("en") or "")
    return "" if value is None else str(value)


def text(kind: str, params: dict) -> str:
    course = localised(params.get("course"))
    if kind == DEADLINE_SOON:
        return _("“%(course)s” is due on %(date)s. Finish it before then.", course=course,
                 date=params.get("deadline", ""))  # fmt: skip
    if kind == DEADLINE_OVERDUE:
        return _("“%(course)s” was due on %(date)s and is not completed yet.", course=course,
                 date=params.get("deadline", ""))  # fmt: skip
    if kind == CERTIFICATE_ISSUED:
        return _("Your certificate for “%(course)s” has been issued: No. %(number)s.", course=course,
                 number=params.get("number", ""))  # fmt: skip
    if kind == ESSAY_TO_GRADE:
        return _("%(host)s submitted an essay in “%(course)s”; it is waiting for grading.",
                 host=params.get("host", ""), course=course)  # fmt: skip
    return _("You have a new notification.")


def mail_subject(kind: str) -> str:
    return f"{_('Host Academy')} · {SUBJECTS.get(kind, _l('You have a new notification.'))}"


def mail_body(kind: str, params: dict, open_url: str, account_url: str) -> str:
    return "\n\n".join([
        text(kind, params),
        _("Open it here: %(url)s", url=open_url),
        _("You receive this mail because notification mails are on for your account. You can turn them off on your "
          "account page: %(url)s", url=account_url),
    ])  # fmt: skip
