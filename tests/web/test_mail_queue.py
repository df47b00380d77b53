"""Production mail waits for the request's commit: a failed request sends nothing, a mail server that is down
loses nothing, and a sent message does not keep its (secret) body."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.db import get_session, utcnow
from lms.jobs.models import Job
from lms.mail.models import OutboxMessage
from lms.mail.services import send_message
from tests.conftest import drain


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


def test_a_big_batch_is_sent_by_one_job_after_the_commit_not_by_the_request(queued_app, smtp):
    queued_app.config["LMS"].mail_backend = "smtp"
    with queued_app.app_context():
        session = get_session()
        for i in range(45):  # an import of many hosts: the request must not wait for the mail server
            send_message(session, queued_app.config["LMS"], f"host{i}@example.com", "设置密码", "link")
        session.commit()
        assert session.scalar(select(func.count()).select_from(Job)) == 1
    assert smtp.sent == []
    assert drain(queued_app) == 1
    assert len(smtp.sent) == 45
    with queued_app.app_context():
        assert get_session().scalar(select(Job.state)) == "done"
    assert "0 message(s) sent" in queued_app.test_cli_runner().invoke(args=["mail", "send-pending"]).output


def test_a_mail_job_that_meets_a_dead_server_tries_again_after_a_back_off(queued_app, smtp):
    queued_app.config["LMS"].mail_backend = "smtp"
    with queued_app.app_context():
        session = get_session()
        send_message(session, queued_app.config["LMS"], "host@example.com", "证书", "正文")
        session.commit()
    smtp.down = True
    drain(queued_app)
    with queued_app.app_context():
        job = get_session().scalar(select(Job))
        assert job.state == "queued" and job.attempts == 1 and "1 message(s) not sent" in job.error["detail"]
        assert job.available_at > utcnow() + timedelta(seconds=5)  # not before the back-off
    smtp.down = False
    assert drain(queued_app) == 0 and smtp.sent == []  # the retry waits in the queue's schedule
    with queued_app.app_context():
        session = get_session()
        session.execute(update(Job).values(available_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    queued_app.extensions["lms.jobs"].relay(job.id)  # what the scheduler does when the back-off is over
    drain(queued_app)
    assert smtp.sent == [("host@example.com", "证书", "正文\n")]


def test_a_sender_that_died_loses_its_claim(app, smtp):
    from datetime import timedelta

    from lms.db import utcnow

    smtp.down = True
    with app.app_context():
        session = get_session()
        send_message(session, app.config["LMS"], "host@example.com", "证书", "正文")
        session.commit()
        message = session.scalar(select(OutboxMessage))
        message.claimed_until = utcnow() + timedelta(minutes=5)  # held by a sender that then crashed
        session.commit()
    smtp.down = False
    assert "0 message(s) sent" in app.test_cli_runner().invoke(args=["mail", "send-pending"]).output
    with app.app_context():
        session = get_session()
        session.scalar(select(OutboxMessage)).claimed_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert "1 message(s) sent" in app.test_cli_runner().invoke(args=["mail", "send-pending"]).output


def test_the_workers_also_do_what_cron_does(queued_app, smtp):
    queue = queued_app.extensions["lms.jobs"]
    queue.consumer(1)  # a worker registers the periodic tasks of every feature
    names = set(queue.huey._registry._registry)
    assert any(n.endswith("lms.mail.send_pending") for n in names)
    assert any(n.endswith("lms.notifications.send_due") for n in names)
    from lms.mail.services import send_pending_periodically

    queued_app.config["LMS"].mail_backend = "smtp"
    smtp.down = True
    with queued_app.app_context():
        session = get_session()
        send_message(session, queued_app.config["LMS"], "host@example.com", "证书", "正文")
        session.commit()
    drain(queued_app)  # the job meets the dead server
    smtp.down = False
    send_pending_periodically(queued_app)
    assert smtp.sent == [("host@example.com", "证书", "正文\n")]
