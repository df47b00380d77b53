"""The host home and "my learning": progress, minutes and the next lesson from one statement, and a host's own
progress shows on the very next visit (nothing of it is cached)."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lms.catalogue.models import Lesson
from lms.db import get_session
from lms.learning import services
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

RULES = services.StudyRules()
COURSE = "/courses/first-live-room"


@pytest.fixture
def host(app, example, web, make_user):  # noqa: F811
    user_id = make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post(COURSE + "/enrol", {}, form_page=COURSE)
    with app.app_context():
        lessons = list(get_session().scalars(select(Lesson.id).order_by(Lesson.position)))
    return user_id, lessons


def read(app, user_id: int, lesson_id: int, minutes: float, ago: int = 0) -> None:
    """Verified reading time on a lesson, ending ``ago`` minutes before now."""
    now = datetime.now(timezone.utc) - timedelta(minutes=ago)
    beats = int(minutes * 2)
    with app.app_context():
        session = get_session()
        for i in range(beats + 1):
            services.heartbeat(session, user_id, lesson_id, RULES, now=now - timedelta(seconds=30 * (beats - i) + 1))
        session.commit()


def agrees_with_course_progress(app, user_id: int) -> None:
    """The one-statement summaries say what the per-lesson progress says, course by course."""
    with app.app_context():
        session = get_session()
        summaries = services.course_summaries(session, user_id)
        progresses = services.course_progresses(session, services.enrollments_of(session, user_id))
        assert services.course_summaries(session, user_id, limit=1) == summaries[:1]
        assert [
            (s.course_slug, s.title_en, s.lesson_count, s.completed_count, s.seconds, s.percent, s.resume_slug,
             s.resume_title("en"), s.resume_title("zh_CN"))
            for s in summaries
        ] == [
            (p.enrollment.course.slug, p.enrollment.version.title_en, len(p.lessons), p.completed_count, p.seconds,
             p.percent, p.resume_lesson.slug, p.resume_lesson.title_en, p.resume_lesson.title_zh)
            for p in progresses
        ]  # fmt: skip


def _continue_link(page: str) -> str:
    return page.split('<section class="card" aria-labelledby="continue-heading">', 1)[1].split("</section>", 1)[0]


def test_a_finished_lesson_shows_at_once_on_home_and_my_learning(app, host, web):
    user_id, (first, second) = host
    learning, home = web.get("/learning/").get_data(as_text=True), _continue_link(web.get("/").get_data(as_text=True))
    assert "0 of 2 lessons completed · 0 minutes studied" in learning
    assert "Continue: What to prepare before you go live" in learning
    assert 'href="/courses/first-live-room"' in learning and "Your first live stream: a checklist" in learning
    assert 'href="/courses/first-live-room/lessons/before-you-start"' in home and 'value="0"' in home
    agrees_with_course_progress(app, user_id)

    web.get(COURSE + "/lessons/words-to-avoid")  # the lesson last opened, unfinished: "continue" goes there
    assert "Continue: Words to avoid" in web.get("/learning/").get_data(as_text=True)
    assert 'lessons/words-to-avoid"' in _continue_link(web.get("/").get_data(as_text=True))
    agrees_with_course_progress(app, user_id)

    read(app, user_id, first, 5.5, ago=10)
    url = COURSE + "/lessons/before-you-start"
    assert web.post(url + "/finish", {}, form_page=url).status_code == 302
    learning, home = web.get("/learning/").get_data(as_text=True), _continue_link(web.get("/").get_data(as_text=True))
    assert "1 of 2 lessons completed · 5 minutes studied" in learning and "Continue: Words to avoid" in learning
    assert 'lessons/words-to-avoid"' in home and 'value="50"' in home
    agrees_with_course_progress(app, user_id)

    read(app, user_id, second, 6)
    url = COURSE + "/lessons/words-to-avoid"
    web.post(url + "/finish", {}, form_page=url)
    learning, home = web.get("/learning/").get_data(as_text=True), _continue_link(web.get("/").get_data(as_text=True))
    assert "2 of 2 lessons completed · 11 minutes studied" in learning and "Review: Words to avoid" in learning
    assert 'value="100"' in home
    agrees_with_course_progress(app, user_id)


def test_the_pages_show_only_the_hosts_own_courses_in_their_language(app, host, web, make_user):
    user_id, (first, _second) = host
    read(app, user_id, first, 3)
    make_user("other@example.com", "小王")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    assert "You are not enrolled in any course yet." in other.get("/learning/").get_data(as_text=True)
    assert "You are not enrolled in any course yet." in _continue_link(other.get("/").get_data(as_text=True))
    chinese = Browserish(app.test_client(), language="zh-CN")
    chinese.login("host@example.com", PASSWORD)
    chinese.post("/language", {"lang": "zh_CN"}, form_page="/")
    page = chinese.get("/learning/").get_data(as_text=True)
    assert "第一次开播：准备清单" in page and "开播前要准备什么" in page
    assert "第一次开播：准备清单" in _continue_link(chinese.get("/").get_data(as_text=True))
