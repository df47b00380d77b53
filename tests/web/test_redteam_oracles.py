"""Red-team findings on oracles: no answer may differ between an account that exists and one that does not."""

import re

from lms.sms.services import FakeSms
from tests.conftest import Browserish

KNOWN, UNKNOWN = "13800138000", "13900139000"


def _messages(page: str) -> list[str]:
    """The error text the reset-code page shows (field errors and flashes), without the form's own words."""
    return re.findall(r'class="(?:field-error|flash[^"]*|error[^"]*)"[^>]*>\s*([^<]+?)\s*<', page)


def _answers_to_wrong_codes(app, phone: str) -> list[tuple[int, list[str]]]:
    web = Browserish(app.test_client())
    assert web.post("/account/forgot", {"login": phone}).status_code == 302
    answers = []
    for _ in range(7):
        r = web.post("/account/reset-code", {"login": phone, "code": "000000", "password": "brand new pass 9"})
        answers.append((r.status_code, _messages(r.get_data(as_text=True))))
    return answers


def test_wrong_sms_codes_answer_the_same_for_a_known_and_an_unknown_number(app, make_user):
    """Finding: after five wrong codes a registered number answered "Too many wrong codes", an unregistered one
    kept answering "not correct": anyone could learn whether a mobile number has an account (and the SMS went to
    its owner). Now every failure has one wording, which still tells the owner to ask for a new code."""
    make_user(KNOWN)
    fake = FakeSms()
    app.extensions["lms.sms"] = fake
    known, unknown = _answers_to_wrong_codes(app, KNOWN), _answers_to_wrong_codes(app, UNKNOWN)
    assert [to for to, _text in fake.sent] == [KNOWN]  # the code really went out, for the known number only
    assert known == unknown
    status, messages = known[-1]
    assert status == 400 and any("ask for a new code" in m for m in messages), messages
