"""Production mail waits for the request's commit: a failed request sends nothing, a mail server that is down
loses nothing, and a sent message does not keep its (secret) body."""

import pytest
from sqlalchemy import func, select

from lms.db import get_session
from lms.mail.models import OutboxMessage
from lms.mail.services import send_message


class FakeSMTP:
    sent: list = []
    down = False

    def __init__(self, host, port, timeout):
        if FakeSMTP.down:
            raise ConnectionRefusedError("connection refused")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append((message["To"], message["Subject"], message.get_content()))


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.down = [], False
    monkeypatch.setattr("lms.mail.services.smtplib.SMTP", FakeSMTP)
    app.config["LMS"].mail_backend = "smtp"
    return FakeSMTP


def test_a_reset_link_is_mailed_after_the_commit_and_not_kept(app, smtp, make_user, web):
    make_user("host@example.com")
    r = web.post("/account/forgot", {"login": "host@example.com"})
    assert r.status_code in (200, 302)
    assert len(smtp.sent) == 1 and smtp.sent[0][0] == "host@example.com" and "/account/reset/" in smtp.sent[0][2]
    with app.app_context():
        (message,) = get_session().scalars(select(OutboxMessage)).all()
        assert message.sent_at is not None and message.body == "" and message.attempts == 1


def test_a_request_that_fails_sends_nothing(app, smtp):
    with app.app_context():
        session = get_session()
        send_message(session, app.config["LMS"], "host@example.com", "邀请", "link")
        session.rollback()  # the request failed after queuing its mail
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smtp.sent == []


def test_a_mail_server_that_is_down_loses_nothing(app, smtp):
    smtp.down = True
    with app.app_context():
        session = get_session()
        send_message(session, app.config["LMS"], "host@example.com", "证书已颁发", "正文")
        session.commit()  # the request's work is kept although the mail could not go
        (message,) = get_session().scalars(select(OutboxMessage)).all()
        assert message.sent_at is None and message.attempts == 1 and "refused" in message.last_error
        assert message.body == "正文"
    smtp.down = False
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert "1 message(s) sent, 0 failed" in result.output
    assert smtp.sent == [("host@example.com", "证书已颁发", "正文\n")]
    again = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert "0 message(s) sent" in again.output and len(smtp.sent) == 1  # never twice
