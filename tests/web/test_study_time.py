"""Study hours a bureau can trust: the server's clock only, no double counting across tabs, workers or devices."""

import json
import threading
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from lms.catalogue.models import Lesson
from lms.db import get_session
from lms.learning import services
from lms.learning.models import StudyTime
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture

T0 = datetime(2026, 11, 26, 2, 0, 0, tzinfo=timezone.utc)
RULES = services.StudyRules()


@pytest.fixture
def host(app, example, web, make_user):  # noqa: F811
    user_id = make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    with app.app_context():
        lessons = list(get_session().scalars(select(Lesson.id).order_by(Lesson.position)))
    return user_id, lessons


def beat(app, user_id, lesson_id, at):
    with app.app_context():
        session = get_session()
        earned = services.heartbeat(session, user_id, lesson_id, RULES, now=at)
        session.commit()
        return earned


def total_seconds(app, user_id) -> int:
    with app.app_context():
        return get_session().scalar(select(func.coalesce(func.sum(StudyTime.seconds), 0)).where(StudyTime.user_id == user_id))


def test_two_tabs_never_count_the_same_minute_twice(app, host):
    user_id, (first, second) = host
    # Tab A on lesson 1 and tab B on lesson 2 beat alternately every 10 s for 5 minutes of wall clock.
    for i in range(31):
        beat(app, user_id, first if i % 2 == 0 else second, T0 + timedelta(seconds=10 * i))
    assert total_seconds(app, user_id) == 300  # wall clock, not 2 x 300
    with app.app_context():
        per_lesson = services.lesson_seconds(get_session(), user_id, [first, second])
    assert per_lesson == {first: 150, second: 150}


def test_a_repeated_or_late_heartbeat_earns_nothing(app, host):
    user_id, (first, _second) = host
    beat(app, user_id, first, T0)
    assert beat(app, user_id, first, T0 + timedelta(seconds=30)) == 30
    assert beat(app, user_id, first, T0 + timedelta(seconds=30)) == 0  # the same instant again
    assert beat(app, user_id, first, T0 + timedelta(seconds=20)) == 0  # an older request arriving late
    assert beat(app, user_id, first, T0 + timedelta(minutes=10)) == 0  # after a long gap: a new start
    assert total_seconds(app, user_id) == 30


def test_time_away_from_the_lesson_page_never_counts(app, host):
    """A host reads, leaves for another page for 60 s, and comes back: the return only restarts the clock."""
    user_id, (first, _second) = host
    beat(app, user_id, first, T0)
    assert beat(app, user_id, first, T0 + timedelta(seconds=30)) == 30
    with app.app_context():
        session = get_session()
        back = services.heartbeat(session, user_id, first, RULES, now=T0 + timedelta(seconds=90), start=True)
        session.commit()
    assert back == 0
    assert beat(app, user_id, first, T0 + timedelta(seconds=120)) == 30
    assert total_seconds(app, user_id) == 60


def test_rows_are_updated_not_added(app, host):
    user_id, (first, _second) = host
    for i in range(50):
        beat(app, user_id, first, T0 + timedelta(seconds=30 * i))
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(StudyTime)) == 1


def test_a_claimed_duration_is_ignored(app, host, web, monkeypatch):
    user_id, (first, _second) = host
    clock = {"now": T0}
    monkeypatch.setattr("lms.learning.views.utcnow", lambda: clock["now"])
    token = web.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    csrf = token.split('name="csrf-token" content="')[1].split('"')[0]

    def post(body):
        return web.client.post("/api/learning/heartbeat", data=json.dumps(body), content_type="application/json",
                               headers={"X-CSRFToken": csrf})

    assert post({"lesson": first, "visible": True, "idle": 0}).status_code == 200
    clock["now"] = T0 + timedelta(seconds=20)
    r = post({"lesson": first, "visible": True, "idle": 3, "seconds": 3600, "duration": 3600, "elapsed": 3600})
    assert json.loads(r.data) == {"credited": 20, "lesson_seconds": 20, "course_minutes": 0, "certificate": False}


def test_heartbeat_refusals(app, host, web):
    user_id, (first, _second) = host
    r = web.client.post("/api/learning/heartbeat", json={"lesson": first})
    assert r.status_code == 400  # no CSRF token
    csrf = web.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    r = web.client.post("/api/learning/heartbeat", json={"lesson": 999999}, headers={"X-CSRFToken": csrf})
    assert r.status_code == 404 and json.loads(r.data)["error"]["status"] == 404
    r = web.client.post("/api/learning/heartbeat", json={"lesson": "1"}, headers={"X-CSRFToken": csrf})
    assert r.status_code == 400
    anonymous = app.test_client().post("/api/learning/heartbeat", json={"lesson": first})
    assert anonymous.status_code in (400, 401)


def test_lesson_completes_after_enough_time_and_course_progress_shows_it(app, host, web, monkeypatch):
    user_id, (first, _second) = host
    # One clock reading for all beats: reading it per beat let the milliseconds between calls add up to a 331st second.
    now = datetime.now(timezone.utc)
    if (now + timedelta(hours=8)).time() < time(0, 10):  # just past China midnight: keep the 5.5 minutes in one day
        now -= timedelta(minutes=15)
    for i in range(12):  # 5.5 minutes of verified reading; the rule needs half of 10 minutes
        beat(app, user_id, first, now - timedelta(seconds=30 * (11 - i)) - timedelta(seconds=1))
    url = "/courses/first-live-room/lessons/before-you-start"
    r = web.post(url + "/finish", {}, form_page=url)
    assert r.headers["Location"].endswith("/courses/first-live-room/lessons/words-to-avoid")
    page = web.get("/courses/first-live-room").get_data(as_text=True)
    assert "1 of 2 lessons completed" in page and "Continue: Words to avoid" in page
    record = web.get("/learning/record").get_data(as_text=True)
    assert "What to prepare before you go live" in record
    csv_text = web.get("/learning/record.csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "date,course,course_title,course_version,lesson,lesson_title,minutes,seconds"
    assert ",first-live-room," in csv_text and ",330" in csv_text


@pytest.mark.postgres
def test_concurrent_heartbeats_from_two_workers_count_once(app, host):
    """Many heartbeats for the same instant race on PostgreSQL: exactly one earns the interval."""
    user_id, (first, second) = host
    beat(app, user_id, first, T0)
    barrier = threading.Barrier(8)
    results = []

    def worker(lesson_id):
        with app.app_context():
            session = get_session()
            barrier.wait()
            results.append(services.heartbeat(session, user_id, lesson_id, RULES, now=T0 + timedelta(seconds=30)))
            session.commit()

    threads = [threading.Thread(target=worker, args=(first if i % 2 else second,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0] * 7 + [30]
    assert total_seconds(app, user_id) == 30
