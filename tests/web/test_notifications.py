"""Notifications: deadline reminders from cron (exactly once), certificates and essays as they happen, the bell in
the header, the page in both languages, marking read, and mails that follow the account's choice and language."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import CohortCourse
from lms.db import get_session, utcnow
from lms.learning.studytime import china_day
from lms.mail.models import OutboxMessage
from lms.mail.services import MAX_ATTEMPTS
from lms.notifications import services
from lms.notifications.models import Notification
from lms.orgs import services as orgs
from lms.orgs.models import Organisation, Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_cohorts import make_cohort, mcn  # noqa: F401 - fixture
from tests.web.test_quizzes import host, start, submit, two_mcns  # noqa: F401 - fixtures

COURSE_ZH = "第一次开播：准备清单"
COURSE_EN = "Your first live stream: a checklist"


def notifications_of(app, email: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        session = get_session()
        return [(n.kind, n.subject, n.link) for n in session.scalars(
            select(Notification).join(User, Notification.user_id == User.id).where(User.email == email)
            .order_by(Notification.id))]  # fmt: skip


def mails_to(app, email: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(get_session().scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                          .order_by(OutboxMessage.id)))  # fmt: skip


def user_id(app, email: str) -> int:
    with app.app_context():
        return get_session().scalar(select(User.id).where(User.email == email))


def assign(trainer, url: str, deadline) -> None:
    r = trainer.post(url, {"action": "course", "course": "first-live-room", "deadline": deadline.isoformat()})
    assert r.status_code == 302


def send_due(app, *args: str):
    result = app.test_cli_runner().invoke(args=["notifications", "send-due", *args])
    assert result.exit_code == 0, result.output
    return result.output


# --- deadlines ------------------------------------------------------------------------------------------------------


def test_deadline_reminders_once_only_for_hosts_not_completed_then_overdue(app, mcn):  # noqa: F811
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["a@example.com"]), str(ids["b@example.com"])]})
    today = china_day(utcnow())
    assign(trainer, url, today + timedelta(days=2))
    study_and_pass(app, ids["a@example.com"])  # host a has completed the course

    first = send_due(app)
    assert first.splitlines() == ["1 notification(s) created.",
                                  "1 mail(s) put in the development outbox (/dev/outbox): not sent."]
    assert "0 notification(s) created" in send_due(app)  # cron runs again: nothing twice
    soon = notifications_of(app, "b@example.com")
    assert [(kind, link) for kind, _subject, link in soon] == [("deadline_soon", "/courses/first-live-room")]
    assert [kind for kind, _s, _l in notifications_of(app, "a@example.com")] == ["certificate_issued"]
    # The mail is in the host's language (none chosen: the site's default, Chinese) and links to the notification.
    mail = mails_to(app, "b@example.com")[-1]
    assert "课程即将截止" in mail.subject
    assert f"“{COURSE_ZH}”将于 {(today + timedelta(days=2)).isoformat()} 截止" in mail.body
    assert "http://localhost/notifications/" in mail.body and "http://localhost/account/" in mail.body

    with app.app_context():  # the deadline passes
        session = get_session()
        session.scalar(select(CohortCourse)).deadline = today - timedelta(days=1)
        session.commit()
    assert "1 notification(s) created" in send_due(app)
    assert "0 notification(s) created" in send_due(app)
    kinds = [kind for kind, _s, _l in notifications_of(app, "b@example.com")]
    assert kinds == ["deadline_soon", "deadline_overdue"]
    assert [kind for kind, _s, _l in notifications_of(app, "a@example.com")] == ["certificate_issued"]
    assert "课程已过截止日期" in mails_to(app, "b@example.com")[-1].subject


def test_no_reminder_too_early_and_days_before_is_configurable(app, mcn):  # noqa: F811
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["b@example.com"])]})
    assign(trainer, url, china_day(utcnow()) + timedelta(days=5))
    assert "0 notification(s) created" in send_due(app)  # default: three days before
    assert "1 notification(s) created" in send_due(app, "--days-before", "5")
    bad = app.test_cli_runner().invoke(args=["notifications", "send-due", "--days-before", "-1"])
    assert bad.exit_code != 0 and "-1" in bad.output
    # Another organisation's host is never reminded of this cohort.
    assert notifications_of(app, "stranger@example.com") == []


def test_a_mail_the_mail_module_refused_is_queued_by_the_next_cron_run(app, mcn, monkeypatch):  # noqa: F811
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["b@example.com"])]})
    assign(trainer, url, china_day(utcnow()) + timedelta(days=1))

    def refuse(*_args, **_kw):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "send_message", refuse)
    said = send_due(app)
    assert "1 notification(s) created." in said and "0 mail(s) put in the development outbox" in said
    assert "1 mail(s) could not be queued: the next run tries again." in said
    assert mails_to(app, "b@example.com") == []
    monkeypatch.undo()
    said = send_due(app)
    assert "0 notification(s) created." in said and "1 mail(s) put in the development outbox" in said
    assert "could not be queued" not in said
    assert len(mails_to(app, "b@example.com")) == 1
    assert "0 mail(s) put in the development outbox" in send_due(app)  # and never again


def test_send_due_says_queued_not_sent_and_what_the_mail_queue_holds(app, mcn, monkeypatch):  # noqa: F811
    from tests.web.test_mail_queue import FakeSMTP

    FakeSMTP.sent, FakeSMTP.down = [], True
    monkeypatch.setattr("lms.mail.services.smtplib.SMTP", FakeSMTP)
    app.config["LMS"].mail_backend = "smtp"
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["b@example.com"])]})
    assign(trainer, url, china_day(utcnow()) + timedelta(days=1))

    # The mail server is down: the reminder is queued, the mail job (run at the commit) could not send it.
    said = send_due(app).splitlines()
    assert said == ["1 notification(s) created.",
                    "1 mail(s) queued for sending by the mail job; the mail queue now has 1 message(s) waiting to be "
                    "sent."]
    assert FakeSMTP.sent == [] and "sent" not in said[0]
    (waiting,) = mails_to(app, "b@example.com")
    assert waiting.sent_at is None
    with app.app_context():  # had it failed too often, the run would say it waits for an operator
        session = get_session()
        session.get(OutboxMessage, waiting.id).attempts = MAX_ATTEMPTS
        session.commit()
    assert send_due(app).splitlines()[1].endswith(
        "0 message(s) waiting to be sent and 1 given up (see `lms mail send-pending`).")
    with app.app_context():
        session = get_session()
        session.get(OutboxMessage, waiting.id).attempts = 1
        session.commit()

    FakeSMTP.down = False  # the server is back: the next run queues nothing new and the queue is emptied by the job
    result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
    assert "1 message(s) sent" in result.output
    assert send_due(app).splitlines()[1] == ("0 mail(s) queued for sending by the mail job; the mail queue now has "
                                             "0 message(s) waiting to be sent.")
    assert [to for to, _subject, _body in FakeSMTP.sent] == ["b@example.com"]


# --- certificates -----------------------------------------------------------------------------------------------------


def test_a_certificate_issued_notifies_the_host_and_mails_in_their_language(app, example, make_user):  # noqa: F811
    host_id = make_user("host@example.com", "小林", locale="en")
    study_and_pass(app, host_id)
    found = notifications_of(app, "host@example.com")
    assert [(kind, link) for kind, _s, link in found] == [("certificate_issued", "/certificates/")]
    [mail] = mails_to(app, "host@example.com")
    assert mail.subject == "Host Academy · Your certificate has been issued"
    assert f"Your certificate for “{COURSE_EN}” has been issued: No. " in mail.body
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    page = web.get("/notifications").get_data(as_text=True)
    assert f"Your certificate for “{COURSE_EN}” has been issued" in page
    # Following it marks it read and leads to the certificates.
    with app.app_context():
        notification_id = get_session().scalar(select(Notification.id))
    r = web.get(f"/notifications/{notification_id}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/certificates/")
    assert 'data-testid="unread-count"' not in web.get("/notifications").get_data(as_text=True)


# --- essays -------------------------------------------------------------------------------------------------------------


def test_an_essay_notifies_the_trainers_of_the_hosts_organisation_only(app, host, two_mcns, make_user):  # noqa: F811
    trainer_a, trainer_b = two_mcns
    make_user("admin-a@example.com", "王经理")
    with app.app_context():
        session = get_session()
        mcn_a = session.scalar(select(Organisation).where(Organisation.slug == "mcn-a"))
        admin = session.scalar(select(User).where(User.email == "admin-a@example.com"))
        orgs.add_member(session, org=mcn_a, user=admin, role=Role.ORG_ADMIN)
        session.commit()
    attempt_id = start(host, "essay")
    submit(host, attempt_id, {"q0": "今天直播间下单比平时便宜二十元。"})
    expected = [("essay_to_grade", f"attempt:{attempt_id}", "/orgs/mcn-a/grading")]
    assert notifications_of(app, "trainer-a@example.com") == expected
    assert notifications_of(app, "admin-a@example.com") == expected
    assert notifications_of(app, "trainer-b@example.com") == []  # another organisation's trainer hears nothing
    assert notifications_of(app, "host@example.com") == []
    assert len(mails_to(app, "trainer-a@example.com")) == 1 and mails_to(app, "trainer-b@example.com") == []
    page = trainer_a.get("/notifications").get_data(as_text=True)
    assert "小林 submitted an essay in “Every question type”; it is waiting for grading." in page
    assert 'data-testid="unread-count">1<' in page
    with app.app_context():
        mine = get_session().scalar(select(Notification.id).where(
            Notification.user_id == select(User.id).where(User.email == "trainer-a@example.com").scalar_subquery()))
    r = trainer_a.get(f"/notifications/{mine}")
    assert r.headers["Location"].endswith("/orgs/mcn-a/grading")
    assert "今天直播间下单比平时便宜二十元。" in trainer_a.get("/orgs/mcn-a/grading").get_data(as_text=True)
    assert "No notifications yet" in trainer_b.get("/notifications").get_data(as_text=True)
    # Grading it finishes the attempt; nobody is told twice about the same attempt.
    with app.app_context():
        from lms.quizzes.models import QuizResponse

        response_id = get_session().scalar(select(QuizResponse.id))
    trainer_a.post(f"/orgs/mcn-a/grading/{response_id}", {"score": "80"}, form_page="/orgs/mcn-a/grading")
    assert notifications_of(app, "trainer-a@example.com") == expected
    assert notifications_of(app, "admin-a@example.com") == expected


def test_an_attempt_without_essays_notifies_nobody(app, host, two_mcns):  # noqa: F811
    from tests.web.test_quizzes import right_answers

    attempt_id = start(host)
    submit(host, attempt_id, right_answers(app, attempt_id))
    assert notifications_of(app, "trainer-a@example.com") == []


# --- the page, the header, marking read, the mail choice -------------------------------------------------------------


@pytest.fixture
def reader(app, make_user):
    """Three notifications for one person, made as the features make them."""
    reader_id = make_user("reader@example.com", "小周")
    make_user("nosy@example.com", "旁人")
    with app.app_context():
        session = get_session()
        cfg = app.config["LMS"]
        user = session.get(User, reader_id)
        course = {"zh": "直播间合规话术", "en": "Compliant live-room language"}
        services.notify(session, cfg, user, "deadline_soon", "cohort-course:1", {"course": course, "deadline": "2026-12-10"},
                        "/courses/reg-ads-claims")  # fmt: skip
        services.notify(session, cfg, user, "deadline_overdue", "cohort-course:2",
                        {"course": course, "deadline": "2026-11-01"}, "/courses/reg-ads-claims")  # fmt: skip
        services.notify(session, cfg, user, "certificate_issued", "certificate:7",
                        {"course": course, "number": "ABCDE-FGHJK-LMNP1"}, "/certificates/")  # fmt: skip
        session.commit()
        ids = list(session.scalars(select(Notification.id).order_by(Notification.id)))
    web = Browserish(app.test_client())
    web.login("reader@example.com", PASSWORD)
    return web, ids


def test_the_page_in_chinese_and_english_newest_first(app, reader):
    web, _ids = reader
    english = web.get("/notifications").get_data(as_text=True)
    texts = ["Your certificate for “Compliant live-room language” has been issued: No. ABCDE-FGHJK-LMNP1.",
             "“Compliant live-room language” was due on 2026-11-01 and is not completed yet.",
             "“Compliant live-room language” is due on 2026-12-10. Finish it before then."]  # fmt: skip
    positions = [english.index(t) for t in texts]
    assert positions == sorted(positions)  # newest first
    assert english.count('class="notification card unread"') == 3
    chinese = Browserish(web.client, language="zh-CN,zh;q=0.9").get("/notifications").get_data(as_text=True)
    assert "你的“直播间合规话术”证书已颁发，编号 ABCDE-FGHJK-LMNP1。" in chinese
    assert "“直播间合规话术”已于 2026-11-01 截止，你还没有学完。" in chinese
    assert "“直播间合规话术”将于 2026-12-10 截止，请在此之前学完。" in chinese
    assert "通知" in chinese and "全部标为已读" in chinese


def test_mark_one_and_all_read_with_the_count_in_the_header(app, reader):
    web, ids = reader
    home = web.get("/").get_data(as_text=True)
    assert 'data-testid="unread-count">3<' in home and 'href="/notifications"' in home
    r = web.post(f"/notifications/{ids[0]}/read", {}, form_page="/notifications", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert 'data-testid="unread-count">2<' in page and page.count('class="notification card unread"') == 2
    # Without the form's token nothing changes.
    assert web.client.post(f"/notifications/{ids[1]}/read").status_code == 400
    r = web.post("/notifications/read-all", {}, form_page="/notifications", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "2 notification(s) marked as read." in page and "Everything is read." in page
    assert 'data-testid="unread-count"' not in page and 'class="notification card unread"' not in page
    assert page.count('class="notification card"') == 3


def test_nobody_else_can_open_or_mark_a_notification(app, reader):
    _web, ids = reader
    nosy = Browserish(app.test_client())
    nosy.login("nosy@example.com", PASSWORD)
    assert nosy.post(f"/notifications/{ids[0]}/read", {}, form_page="/notifications").status_code == 404
    assert nosy.get(f"/notifications/{ids[0]}").status_code == 404
    assert nosy.post("/notifications/read-all", {}, form_page="/notifications").status_code == 302
    page = nosy.get("/notifications").get_data(as_text=True)
    assert "Compliant live-room language" not in page and "No notifications yet" in page
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Notification)
                                    .where(Notification.read_at.is_(None))) == 3  # fmt: skip
    anonymous = Browserish(app.test_client()).get("/").get_data(as_text=True)
    assert 'href="/notifications"' not in anonymous


def test_opting_out_stops_mails_but_not_notifications(app, example, make_user):  # noqa: F811
    host_id = make_user("host@example.com", "小林")
    web = Browserish(app.test_client())
    web.login("host@example.com", PASSWORD)
    assert "each notification is also mailed to host@example.com" in web.get("/account/").get_data(as_text=True)
    r = web.post("/account/notification-mails", {"mails": "off"}, form_page="/account/", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "will no longer be mailed" in page and "Off: notifications are shown only on this site." in page
    study_and_pass(app, host_id)
    assert [kind for kind, _s, _l in notifications_of(app, "host@example.com")] == ["certificate_issued"]
    assert mails_to(app, "host@example.com") == []
    assert 'data-testid="unread-count">1<' in web.get("/notifications").get_data(as_text=True)
    # And back on: the next notification is mailed again.
    web.post("/account/notification-mails", {"mails": "on"}, form_page="/account/")
    with app.app_context():
        session = get_session()
        assert session.get(User, host_id).notification_mails is True
        services.notify(session, app.config["LMS"], session.get(User, host_id), "deadline_soon", "cohort-course:9",
                        {"course": {"zh": "课", "en": "Course"}, "deadline": "2026-12-01"}, "/courses/x")  # fmt: skip
        session.commit()
    assert len(mails_to(app, "host@example.com")) == 1


def test_a_phone_only_account_gets_notifications_without_mail(app, make_user):
    phone_id = make_user("13800138000", "手机用户")
    with app.app_context():
        session = get_session()
        made = services.notify(session, app.config["LMS"], session.get(User, phone_id), "deadline_soon", "cohort-course:3",
                               {"course": {"zh": "课", "en": "Course"}, "deadline": "2026-12-01"}, "/courses/x")  # fmt: skip
        session.commit()
        assert made is not None and made.mail_pending is False
        assert get_session().scalar(select(func.count()).select_from(OutboxMessage)) == 0
    web = Browserish(app.test_client())
    web.login("13800138000", PASSWORD)
    assert "Your account has no email address" in web.get("/account/").get_data(as_text=True)
