"""Presence checks that ask a one-line question from the lesson: the question the course declares for the lesson, or
which of four headings is in it. The page gets the question and the texts to tap, never which one is right; the
server checks the tapped text."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.catalogue.models import Lesson
from lms.db import get_session
from lms.evidence import presence
from lms.evidence.models import PresenceCheck
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_presence_checks import beats_until_check, studying  # noqa: F401 - fixture
from tests.web.test_study_policy import agency  # noqa: F401 - fixture


@pytest.fixture
def asking(studying, monkeypatch):  # noqa: F811
    """Every check on a lesson with questions or headings to ask about is such a question."""
    monkeypatch.setattr(presence, "NUMBER_SHARE", 0.0)
    return studying


def stored(app, check_id) -> PresenceCheck:
    with app.app_context():
        return get_session().get(PresenceCheck, check_id)


def test_the_lesson_s_declared_question_is_asked_and_checked_on_the_server(app, asking):
    clock, post, lesson_id, _ids = asking
    post("/api/learning/heartbeat", {"lesson": lesson_id, "start": True})
    _credited, data = beats_until_check(clock, post, lesson_id)
    check = data["presence"]["check"]
    assert check["kind"] == "lesson" and set(check) == {"id", "kind", "text", "choices", "expires_in", "url"}
    assert check["text"] == "本课问题：开播前，直播账号要先完成什么？ 请点击正确答案。"
    assert sorted(check["choices"]) == sorted(["实名认证", "粉丝满一万", "购买推广", "开通会员"])
    row = stored(app, check["id"])
    assert row.prompt == {"kind": "lesson", "params": {"q": "开播前，直播账号要先完成什么？"}, "choices": check["choices"]}
    assert check["choices"][int(row.answer)] == "实名认证"  # the server keeps only the right position

    # A wrong text stops credit like a missed check; the position of the right answer is not an answer either.
    status, result = post(check["url"], {"answer": "粉丝满一万"})
    assert status == 200 and result["outcome"] == "wrong" and "回答不正确" in result["message"]
    clock.now += timedelta(seconds=30)
    _s, beat = post("/api/learning/heartbeat", {"lesson": lesson_id})
    second = beat["presence"]["check"]
    assert beat["credited"] == 0 and second["kind"] == "lesson"
    assert second["choices"] != check["choices"]  # the prompt changes each time: the same question, reshuffled
    _status, result = post(second["url"], {"answer": str(stored(app, second["id"]).answer)})
    assert result["outcome"] == "wrong"

    # The right text, tapped in time, resumes credit.
    clock.now += timedelta(seconds=30)
    _s, beat = post("/api/learning/heartbeat", {"lesson": lesson_id})
    third = beat["presence"]["check"]
    _status, result = post(third["url"], {"answer": "实名认证"})
    assert result["outcome"] == "answered" and "学习时间恢复计入" in result["message"]
    clock.now += timedelta(seconds=30)
    assert post("/api/learning/heartbeat", {"lesson": lesson_id})[1]["credited"] == 30


def test_without_declared_questions_a_heading_of_the_lesson_is_asked_among_other_lessons_headings(app, asking):
    clock, post, lesson_id, _ids = asking
    with app.app_context():
        session = get_session()
        session.execute(update(Lesson).values(presence_questions=[]))
        other = session.scalar(select(Lesson).where(Lesson.id != lesson_id))
        other.headings = [[2, "a", "绝对化用语"], [2, "b", "可以这样说"], [3, "c", "价格怎么标"], [2, "d", "账号与实名"]]
        session.commit()
    post("/api/learning/heartbeat", {"lesson": lesson_id, "start": True})
    _credited, data = beats_until_check(clock, post, lesson_id)
    check = data["presence"]["check"]
    assert check["kind"] == "heading" and check["text"] == "下面哪个小标题出现在你正在学习的这一课中？请点击它。"
    # the lesson's one heading, and three of the other lesson's (never one both lessons share)
    assert sorted(check["choices"]) == sorted(["账号与实名", "绝对化用语", "可以这样说", "价格怎么标"])
    _status, result = post(check["url"], {"answer": "账号与实名"})
    assert result["outcome"] == "answered"
