"""Phone-number accounts recover their password with a 6-digit code by SMS, as a browser does it."""

import json
import re
import urllib.parse
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from lms.accounts.models import PasswordResetCode
from lms.db import get_session, utcnow
from lms.mail.models import OutboxMessage
from lms.sms.services import AliyunSms, FakeSms
from tests.conftest import make_config

PHONE = "13800138000"


def _fake(app) -> FakeSms:
    fake = FakeSms()
    app.extensions["lms.sms"] = fake
    return fake


def _code(fake: FakeSms) -> str:
    return re.search(r"\b(\d{6})\b", fake.sent[-1][1]).group(1)


def test_a_phone_account_gets_a_code_and_is_logged_in_after_choosing_a_password(web, app, make_user):
    make_user(PHONE)
    fake = _fake(app)
    r = web.post("/account/forgot", {"login": "138 0013 8000"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/reset-code")
    assert fake.sent[0][0] == PHONE and "valid for 10 minutes" in fake.sent[0][1]
    page = web.get("/account/reset-code").get_data(as_text=True)
    assert "6-digit code has been sent to it by SMS" in page and f'value="{PHONE}"' in page
    r = web.post("/account/reset-code", {"login": PHONE, "code": _code(fake), "password": "brand new pass 9"})
    assert r.status_code == 302
    assert "Hello, 小林" in web.get("/").get_data(as_text=True)
    with app.app_context():
        record = get_session().scalar(select(PasswordResetCode))
        assert record.used_at is not None and _code(fake) not in record.code_hash and len(record.code_hash) == 64
    web.logout()
    again = web.post("/account/reset-code", {"login": PHONE, "code": _code(fake), "password": "another pass 10"})
    assert again.status_code == 400 and "not correct, has expired" in again.get_data(as_text=True)
    assert web.login(PHONE, "brand new pass 9").status_code == 302


def test_wrong_codes_are_limited_and_an_expired_code_is_refused(web, app, make_user):
    make_user(PHONE)
    fake = _fake(app)
    web.post("/account/forgot", {"login": PHONE})
    good = _code(fake)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(4):
        r = web.post("/account/reset-code", {"login": PHONE, "code": wrong, "password": "brand new pass 9"})
        assert r.status_code == 400 and "not correct" in r.get_data(as_text=True)
    r = web.post("/account/reset-code", {"login": PHONE, "code": wrong, "password": "brand new pass 9"})
    assert "typed wrong too many times" in r.get_data(as_text=True)
    r = web.post("/account/reset-code", {"login": PHONE, "code": good, "password": "brand new pass 9"})
    assert r.status_code == 400 and "typed wrong too many times" in r.get_data(as_text=True)  # void after 5
    web.post("/account/forgot", {"login": PHONE})
    with app.app_context():
        newest = get_session().scalars(select(PasswordResetCode).order_by(PasswordResetCode.id.desc())).first()
        newest.expires_at = utcnow() - timedelta(seconds=1)
        get_session().commit()
    r = web.post("/account/reset-code", {"login": PHONE, "code": _code(fake), "password": "brand new pass 9"})
    assert r.status_code == 400 and "has expired" in r.get_data(as_text=True)


def test_unknown_number_gets_the_same_answer_and_no_sms(web, app):
    fake = _fake(app)
    r = web.post("/account/forgot", {"login": "13900139000"}, follow_redirects=True)
    assert "If an account exists for this number" in r.get_data(as_text=True) and fake.sent == []


def test_a_provider_failure_is_said_and_nothing_claimed(web, app, make_user):
    make_user(PHONE)
    fake = _fake(app)
    fake.fail = True
    r = web.post("/account/forgot", {"login": PHONE})
    page = r.get_data(as_text=True)
    assert r.status_code == 503 and "could not be sent just now" in page and "has been sent" not in page
    with app.app_context():
        assert get_session().scalar(select(PasswordResetCode)) is None


def test_without_a_provider_the_page_says_how_to_get_help(zh_web, app, make_user):
    make_user(PHONE)
    app.extensions["lms.sms"] = None
    page = zh_web.get("/account/forgot").get_data(as_text=True)
    assert "管理员" in page and "首次登录链接" in page
    r = zh_web.post("/account/forgot", {"login": PHONE})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "已发送" not in page and "短信" in page
    with app.app_context():
        assert get_session().scalar(select(PasswordResetCode)) is None


def test_development_outbox_shows_the_sms(web, app, make_user):
    make_user(PHONE)
    web.post("/account/forgot", {"login": PHONE})
    with app.app_context():
        message = get_session().scalar(select(OutboxMessage))
        assert message.recipient == PHONE and message.subject == "SMS"
    assert re.search(r"code is \d{6}", web.get("/dev/outbox").get_data(as_text=True))


def test_codes_for_one_number_are_rate_limited(database_url, tmp_path, app_factory, make_user):
    from lms.extensions import limiter
    from tests.conftest import Browserish

    limited = app_factory(make_config(database_url, tmp_path, flask={"RATELIMIT_ENABLED": True}))
    limiter.reset()
    fake = _fake(limited)
    web = Browserish(limited.test_client())
    assert web.post("/account/forgot", {"login": PHONE}).status_code == 302
    second = web.post("/account/forgot", {"login": "138-0013-8000"})
    assert second.status_code == 429 and "wait a few minutes" in second.get_data(as_text=True)
    assert web.post("/account/forgot", {"login": "13900139000"}).status_code == 302  # another number
    limiter.reset()
    assert fake.sent == []  # neither number has an account here


def test_aliyun_request_is_signed_and_a_refusal_is_not_taken_as_sent():
    posted = []

    def post(url, body):
        posted.append((url, body))
        return json.dumps({"Code": "isv.BUSINESS_LIMIT_CONTROL"}).encode()

    sms = AliyunSms("testid", "testsecret", "主播学堂", "SMS_123", post=post)
    body = sms.signed_body(PHONE, "123456", now=datetime(2026, 12, 6, tzinfo=timezone.utc), nonce="n1")
    fields = dict(urllib.parse.parse_qsl(body.decode()))
    assert fields["PhoneNumbers"] == PHONE and json.loads(fields["TemplateParam"]) == {"code": "123456"}
    assert fields["Timestamp"] == "2026-12-06T00:00:00Z" and len(fields["Signature"]) == 28
    import pytest

    from lms.sms.services import SmsNotSent

    with pytest.raises(SmsNotSent):
        sms.send(None, PHONE, "123456", "text")
    assert posted[0][0] == "https://dysmsapi.aliyuncs.com/"
