"""The host home and "my learning": progress, minutes and the next lesson from one statement, and a host's own
progress shows on the very next visit (nothing of it is cached)."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lms.catalogue.models import Lesson
from lms.db import get_session
from lms.learning import services, summaries
from lms.skills import services as skills
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
        shown = summaries.course_summaries(session, user_id)
        progresses = services.course_progresses(session, services.enrollments_of(session, user_id))
        for first in (1, 3):
            home = summaries.host_home(session, user_id, courses=first)
            assert home.courses == shown[:first]
            assert home.evidence_version == skills.evidence_version(session, user_id)
        assert [
            (s.course_slug, s.title_en, s.lesson_count, s.completed_count, s.seconds, s.percent, s.resume_slug,
             s.resume_title("en"), s.resume_title("zh_CN"))
            for s in shown
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


def test_several_courses_most_recently_active_first_and_home_shows_three(app, example, web, make_user):  # noqa: F811
    """Four more copies of the example course: "my learning" lists all five, the latest studied first; the home
    page the first three, in the same order."""
    import shutil

    from tests.web.test_catalogue import sync

    for index in range(4):
        target = example / f"copy-{index}"
        shutil.copytree(example / "first-live-room", target)
        yaml = target / "course.yaml"
        text = yaml.read_text(encoding="utf-8").replace("id: first-live-room", f"id: copy-{index}")
        yaml.write_text(text.replace("Your first live stream: a checklist", f"Copy number {index}"), encoding="utf-8")
    sync(app, example)
    user_id = make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    for slug in ("first-live-room", "copy-0", "copy-1", "copy-2", "copy-3"):
        web.post(f"/courses/{slug}/enrol", {}, form_page=f"/courses/{slug}")
    for slug in ("copy-2", "first-live-room", "copy-0"):  # opened in this order: copy-0 is the latest
        web.get(f"/courses/{slug}/lessons/words-to-avoid")
    titles = ["Copy number 0", "Your first live stream: a checklist", "Copy number 2", "Copy number 1", "Copy number 3"]
    learning = web.get("/learning/").get_data(as_text=True)
    assert sorted(titles, key=learning.index) == titles  # never opened: in the order of enrolment
    home = _continue_link(web.get("/").get_data(as_text=True))
    assert sorted(titles[:3], key=home.index) == titles[:3] and "Copy number 1" not in home
    agrees_with_course_progress(app, user_id)


def test_links_built_once_are_those_url_for_builds_for_each_mount_point_and_argument(app):
    from flask import url_for

    from lms.site.links import link

    for root in ("", "/academy"):
        for slug, lesson in (("first-live-room", "words-to-avoid"), ("copy-1", "before-you-start")):
            with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
                built = [link("learning.lesson", slug=slug, lesson_slug=lesson), link("catalogue.course", slug=slug)]
                assert built == [url_for("learning.lesson", slug=slug, lesson_slug=lesson),
                                 url_for("catalogue.course", slug=slug)]  # fmt: skip
                assert built[0].startswith(f"{root}/courses/{slug}/") and link("site.home") == f"{root}/"


def test_kept_course_rows_show_each_host_their_own_figures(app, host, web, make_user):
    """A course row is kept per process keyed by everything it shows (lms.learning.card_views): two hosts on the same
    course see their own minutes; the same figures give the same row, and a new figure a new one at once."""
    user_id, (first, _second) = host
    other_id = make_user("other@example.com", "小王")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    other.post(COURSE + "/enrol", {}, form_page=COURSE)
    read(app, user_id, first, 3)
    mine, theirs = web.get("/learning/").get_data(as_text=True), other.get("/learning/").get_data(as_text=True)
    assert "· 3 minutes studied" in mine and "· 0 minutes studied" in theirs
    assert "· 3 minutes studied" not in theirs and "· 0 minutes studied" not in mine
    read(app, other_id, first, 5)
    mine, theirs = web.get("/learning/").get_data(as_text=True), other.get("/learning/").get_data(as_text=True)
    assert "· 3 minutes studied" in mine and "· 5 minutes studied" in theirs
