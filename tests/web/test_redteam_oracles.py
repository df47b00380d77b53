"""Red-team findings on oracles: no answer may differ between an account that exists and one that does not."""

import re

from lms.sms.services import FakeSms
from tests.conftest import Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

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


def test_the_per_number_sms_limit_holds_for_every_spelling_of_the_number(database_url, tmp_path, app_factory, make_user):
    """Finding: the per-number limit on reset codes (1 a minute, 5 a day) was keyed on the typed text, while the
    number is read with "+86", "0086", brackets and full-width digits: each spelling had its own allowance, so
    one number could be sent any number of codes (and the provider's own per-number limit then answered 503 for
    registered numbers only). Now the key is the number itself."""
    from lms.extensions import limiter
    from tests.conftest import make_config

    make_user(KNOWN)
    limited = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    limiter.reset()
    fake = FakeSms()
    limited.extensions["lms.sms"] = fake
    web = Browserish(limited.test_client())
    try:
        assert web.post("/account/forgot", {"login": KNOWN}).status_code == 302
        for spelling in ("+86 138 0013 8000", "008613800138000", "(138)00138000", "１３８００１３８０００"):
            r = web.post("/account/forgot", {"login": spelling})
            assert r.status_code == 429, spelling
        assert [to for to, _text in fake.sent] == [KNOWN]
        web.client.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # a fresh address: only the per-account limit counts
        email = web.post("/account/forgot", {"login": "Someone@Example.com"})
        assert email.status_code == 302 and web.post("/account/forgot", {"login": "someone@example.com"}).status_code == 429
    finally:
        limiter.reset()


def test_the_certificate_checklist_does_not_tell_whose_id_number_was_saved(app, example, make_user):  # noqa: F811
    """Finding: the "On the way to a certificate" checklist at /certificates/ ticked "real-name information
    provided" only for a number no other account holds: enrolling in any course (one click) and saving a guess
    showed ✗ for someone else's number and ✓ for a free one, with no course to finish (docs/privacy.md counted on
    that). Now the line says whether the host provided (and confirmed) the data; a pending identity review still
    holds the certificate back, which shows only when everything else is done."""
    from tests.web.test_identity import OTHER_ID, account, save
    from tests.web.test_redteam_bureau import VALID_ID

    assert save(account(app, make_user, "holder@example.com"), VALID_ID).status_code == 302
    pages = []
    for login, number in (("prober@example.com", VALID_ID), ("other@example.com", OTHER_ID)):
        web = account(app, make_user, login)
        web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
        assert save(web, number).status_code == 302
        page = web.get("/certificates/").get_data(as_text=True)
        pages.append(re.search(r"<li>([✓✗])[^<]*(?:<a [^>]*>)?real-name information provided", page).group(1))
    assert pages == ["✓", "✓"]
