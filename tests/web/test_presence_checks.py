"""Presence checks during a lesson: shown at random within the interval, answered on the server in time; a miss
stops credit and withdraws the time since the last answered check, until the next check is answered."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lms.catalogue.models import Lesson
from lms.db import get_session
from lms.evidence import presence
from lms.evidence.models import PresenceCheck
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_study_policy import FORM, agency  # noqa: F401 - fixture

T0 = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, monkeypatch):
        self.now = T0
        for target in ("lms.learning.views.utcnow", "lms.evidence.views.utcnow"):
            monkeypatch.setattr(target, lambda: self.now)


@pytest.fixture
def studying(app, agency, monkeypatch):  # noqa: F811
    """A host studying under checks every 15 minutes. These tests ask numbers only (tests/web/test_presence_questions.py
    asks questions from the lesson)."""
    monkeypatch.setattr(presence, "NUMBER_SHARE", 1.0)
    admin, ids = agency
    admin.post("/orgs/mcn-a/study-policy", {**FORM, "daily_max_minutes": "480"})  # a check every 15 minutes
    host = Browserish(app.test_client())
    host.login("host@example.com", PASSWORD)
    host.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    page = host.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    assert 'role="alertdialog"' in page and "js/presence." in page
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    with app.app_context():
        lesson_id = get_session().scalar(select(Lesson.id).order_by(Lesson.position))

    def post(url, body):
        if url.endswith("/heartbeat"):
            body = {"visible": True, "idle": 2, **body}
        r = host.client.post(url, data=json.dumps(body), content_type="application/json", headers={"X-CSRFToken": csrf})
        return r.status_code, r.get_json()

    return Clock(monkeypatch), post, lesson_id, ids


def beats_until_check(clock, post, lesson_id):
    """Beat every 30 s until a check is shown; return the seconds credited meanwhile and the check."""
    credited = 0
    for _ in range(40):
        clock.now += timedelta(seconds=30)
        _status, data = post("/api/learning/heartbeat", {"lesson": lesson_id})
        credited += data["credited"]
        if data["presence"]["check"]:
            return credited, data
    raise AssertionError("no presence check within 20 minutes")


def right_answer(app, check_id):
    with app.app_context():
        return get_session().get(PresenceCheck, check_id).answer


def test_answered_checks_keep_crediting_and_a_missed_one_stops_and_withdraws(app, studying):
    clock, post, lesson_id, _ids = studying
    _s, first = post("/api/learning/heartbeat", {"lesson": lesson_id, "start": True})
    assert first["credited"] == 0 and first["presence"] == {"check": None, "stopped": False, "message": None}
    credited, data = beats_until_check(clock, post, lesson_id)
    assert 7 * 60 <= credited <= 15 * 60  # the check came at a random moment within the 15-minute interval
    check = data["presence"]["check"]
    assert "answer" not in check and check["expires_in"] == 60
    # the prompt in the host's language (Chinese first): a number to tap among the shown ones, or a sum to type
    assert check["text"].startswith("请点击数字") if check["choices"] else check["text"].endswith("请输入数字。")
    # while the check waits, nothing is earned
    clock.now += timedelta(seconds=30)
    _s, waiting = post("/api/learning/heartbeat", {"lesson": lesson_id})
    assert waiting["credited"] == 0 and waiting["presence"]["check"]["id"] == check["id"]
    status, result = post(check["url"], {"answer": right_answer(app, check["id"])})
    assert status == 200 and result["outcome"] == "answered" and "学习时间恢复计入" in result["message"]
    clock.now += timedelta(seconds=30)
    _s, resumed = post("/api/learning/heartbeat", {"lesson": lesson_id})
    assert resumed["credited"] == 30
    before_miss = resumed["lesson_seconds"]

    # the next check is left unanswered
    since_answered, data = beats_until_check(clock, post, lesson_id)
    missed = data["presence"]["check"]
    assert missed["text"] != check["text"] or missed["choices"] != check["choices"]
    for _ in range(3):  # 90 seconds: past the 60-second limit
        clock.now += timedelta(seconds=30)
        _s, late = post("/api/learning/heartbeat", {"lesson": lesson_id})
    assert late["credited"] == 0 and late["presence"]["stopped"] is True
    assert "错过了一次在场确认" in late["presence"]["message"]
    # everything credited since the last answered check (the 30 s after it, and the time until the missed one) is gone
    # The next check is due half an interval (450 s) or more after the answer; the 30 s credited by the first beat
    # after it ("resumed") count towards that, so the beats after it credit 390 s or more.
    assert resumed["credited"] + since_answered >= 7 * 60 and late["lesson_seconds"] == before_miss - 30
    replacement = late["presence"]["check"]
    assert replacement["id"] != missed["id"]  # a new check is shown at once: answering it resumes credit
    clock.now += timedelta(seconds=30)
    _s, still = post("/api/learning/heartbeat", {"lesson": lesson_id})
    assert still["credited"] == 0
    _status, result = post(replacement["url"], {"answer": right_answer(app, replacement["id"])})
    assert result["outcome"] == "answered"
    clock.now += timedelta(seconds=30)
    _s, again = post("/api/learning/heartbeat", {"lesson": lesson_id})
    assert again["credited"] == 30 and again["presence"]["stopped"] is False
    with app.app_context():
        outcomes = [c.outcome for c in get_session().scalars(select(PresenceCheck).order_by(PresenceCheck.id))]
        withdrawn = get_session().get(PresenceCheck, missed["id"]).withdrawn_seconds
    assert outcomes == ["answered", "missed", "answered"]  # every check is recorded
    assert withdrawn == 30 + since_answered


def test_a_wrong_or_late_answer_stops_credit_and_a_check_is_answered_once(app, studying):
    clock, post, lesson_id, ids = studying
    post("/api/learning/heartbeat", {"lesson": lesson_id, "start": True})
    _credited, data = beats_until_check(clock, post, lesson_id)
    check = data["presence"]["check"]
    wrong = str(int(right_answer(app, check["id"])) + 1)
    status, result = post(check["url"], {"answer": wrong})
    assert status == 200 and result["outcome"] == "wrong" and "回答不正确" in result["message"]
    assert result["withdrawn_seconds"] > 0
    assert post(check["url"], {"answer": right_answer(app, check["id"])})[0] == 409  # closed: no second try
    clock.now += timedelta(seconds=30)
    _s, next_beat = post("/api/learning/heartbeat", {"lesson": lesson_id})
    second = next_beat["presence"]["check"]
    assert next_beat["credited"] == 0 and second and second["id"] != check["id"]
    clock.now += timedelta(seconds=61)
    status, result = post(second["url"], {"answer": right_answer(app, second["id"])})
    assert result["outcome"] == "missed"  # the right answer, but too late


def test_a_host_can_answer_only_their_own_checks(app, studying, make_user):
    clock, post, lesson_id, _ids = studying
    post("/api/learning/heartbeat", {"lesson": lesson_id, "start": True})
    _credited, data = beats_until_check(clock, post, lesson_id)
    check = data["presence"]["check"]
    make_user("other@example.com", "other")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    csrf = other.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    r = other.client.post(check["url"], json={"answer": right_answer(app, check["id"])}, headers={"X-CSRFToken": csrf})
    assert r.status_code == 404
    assert post(check["url"], {"nothing": 1})[0] == 400


def test_without_presence_checks_the_heartbeat_says_nothing_about_them(app, agency, web, make_user):  # noqa: F811
    make_user("solo@example.com", "solo")
    web.login("solo@example.com", PASSWORD)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    csrf = web.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    with app.app_context():
        lesson_id = get_session().scalar(select(Lesson.id).order_by(Lesson.position))
    r = web.client.post("/api/learning/heartbeat", json={"lesson": lesson_id}, headers={"X-CSRFToken": csrf})
    assert "presence" not in r.get_json()
    with app.app_context():
        assert get_session().scalar(select(PresenceCheck)) is None
