"""No credit without visibility and input; script-like patterns are flagged on the lesson session, not refused."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lms.catalogue.models import Lesson
from lms.db import get_session
from lms.evidence.models import LessonSession
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture

T0 = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)


@pytest.fixture
def beats(app, example, web, make_user, monkeypatch):  # noqa: F811
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    csrf = web.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    clock = {"now": T0}
    monkeypatch.setattr("lms.learning.views.utcnow", lambda: clock["now"])
    with app.app_context():
        lessons = list(get_session().scalars(select(Lesson.id).order_by(Lesson.position)))

    def beat(after_ms: int, **body):
        clock["now"] += timedelta(milliseconds=after_ms)
        r = web.client.post("/api/learning/heartbeat", data=json.dumps({"lesson": lessons[0], **body}),
                            content_type="application/json", headers={"X-CSRFToken": csrf})  # fmt: skip
        return r.get_json()["credited"]

    return beat, lessons


def sessions(app):
    with app.app_context():
        return list(get_session().scalars(select(LessonSession).order_by(LessonSession.id)))


def test_a_hidden_or_idle_page_earns_nothing(app, beats):
    beat, _lessons = beats
    assert beat(0, visible=True, idle=0) == 0  # starts the clock
    assert beat(30000, visible=True, idle=10) == 30
    assert beat(30000, visible=False, idle=10) == 0
    assert beat(30000, visible=True, idle=10) == 30  # the hidden beat restarted the clock: only these 30 s count
    assert beat(30000, visible=True, idle=300) == 0  # five minutes without a touch, scroll or key
    assert beat(30000) == 0  # a page that says nothing about itself earns nothing
    [sitting] = sessions(app)
    assert sitting.beats == 6 and sitting.credited_seconds == 60


def test_clockwork_beats_and_an_unscrolled_long_lesson_are_flagged_but_credited(app, beats):
    beat, _lessons = beats
    earned = sum(beat(30000, visible=True, idle=1, scroll=0, scrollable=True) for _ in range(14))
    assert earned == 13 * 30  # flagged, not refused
    [sitting] = sessions(app)
    assert set(sitting.flags) == {"periodic", "no_scroll"}


def test_a_reader_who_scrolls_with_human_timing_raises_no_flag(app, beats):
    beat, _lessons = beats
    for i in range(14):
        beat(30000 + (137 * i) % 400 - 200, visible=True, idle=3, scroll=min(100, 8 * i), scrollable=True)
    [sitting] = sessions(app)
    assert sitting.flags == [] and sitting.max_scroll == 100


def test_two_lessons_beating_at_once_are_flagged_on_both(app, beats):
    beat, lessons = beats
    beat(0, visible=True, idle=0)
    beat(10000, lesson=lessons[1], visible=True, idle=0)
    beat(10000, visible=True, idle=0)  # the first lesson beats on, interleaved with the second
    first, second = sessions(app)
    assert first.flags == ["parallel"] and second.flags == ["parallel"]


def test_going_on_to_the_next_lesson_is_not_flagged(app, beats):
    """A host who presses "Finish and go to the next lesson" leaves one lesson and beats on the next seconds later."""
    beat, lessons = beats
    for _ in range(4):
        beat(30000, visible=True, idle=1, scroll=50, scrollable=True)
    for _ in range(4):
        beat(5000 if _ == 0 else 30000, lesson=lessons[1], visible=True, idle=1, scroll=50, scrollable=True)
    first, second = sessions(app)
    assert first.flags == [] and second.flags == []


def test_a_long_gap_starts_a_new_session(app, beats):
    beat, _lessons = beats
    beat(0, visible=True, idle=0)
    beat(30000, visible=True, idle=0)
    beat(600000, visible=True, idle=0)
    first, second = sessions(app)
    assert (first.beats, second.beats) == (2, 1)
    assert first.last_beat_at == T0 + timedelta(seconds=30) and second.started_at == T0 + timedelta(seconds=630)
