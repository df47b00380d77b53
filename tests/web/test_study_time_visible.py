"""The study-time rule as a host sees it: verified minutes, what is still needed and how to earn it, the idle
notice, and the moment the certificate is issued."""

import re
from datetime import timedelta

from sqlalchemy import select

from lms.db import get_session, utcnow
from lms.learning import services as learning
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example, sync  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass

COURSE = "/courses/first-live-room"
LESSON = COURSE + "/lessons/before-you-start"


def _read(app, user_id, minutes: int) -> None:
    with app.app_context():
        session = get_session()
        enrollment = learning.enrollments_of(session, user_id)[0]
        lesson = learning.course_progress(session, enrollment).lessons[0].lesson
        start = utcnow() - timedelta(hours=1)
        for i in range(minutes * 2 + 1):
            learning.heartbeat(session, user_id, lesson.id, learning.StudyRules(), now=start + timedelta(seconds=30 * i))
        session.commit()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_course_and_lesson_pages_show_verified_and_still_needed_minutes(app, example, web, make_user):  # noqa: F811
    # A course whose certificate needs more than the lessons' minimums, like the advertising-law course.
    yaml = example / "first-live-room" / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("required_minutes: 10", "required_minutes: 15"),
                    encoding="utf-8")
    sync(app, example)
    user_id = make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post(COURSE + "/enrol", {}, form_page=COURSE)
    _read(app, user_id, 4)
    course = _text(web.get(COURSE).get_data(as_text=True))
    assert "4 of 15 minutes verified" in course and "Still needed: 11 minutes." in course
    assert "at least 10 minutes; the certificate needs 15. Earn the other 5 minutes" in course
    assert "After 2 minutes without any activity the clock stops" in course
    page = web.get(LESSON).get_data(as_text=True)
    assert "4 of 15 minutes verified" in _text(page)
    notice = re.search(r'<p class="notice idle-notice" id="idle-notice"[^>]*>', page).group(0)
    assert 'aria-live="polite"' in notice and 'role="status"' in notice and "hidden" in notice
    assert "The study clock has stopped" in notice and "running again" in notice
    banner = re.search(r'<div class="banner banner-success" id="certificate-issued"[^>]*>', page).group(0)
    assert "hidden" in banner  # no certificate yet


def test_the_certificate_is_announced_with_a_link(app, example, zh_web, make_user):  # noqa: F811
    user_id = make_user("host@example.com")
    study_and_pass(app, user_id)
    zh_web.login("host@example.com", PASSWORD)
    page = zh_web.get(COURSE).get_data(as_text=True)
    banner = re.search(r'<div class="banner banner-success" id="certificate-issued"[^>]*>(.*?)</div>', page, re.S)
    assert "hidden" not in banner.group(0) and "恭喜：你的证书已颁发。" in banner.group(1)
    assert 'href="/certificates/"' in banner.group(1) and "查看你的证书" in banner.group(1)
    assert "证书所需学习时长已达到" in page


def test_a_heartbeat_that_reaches_the_study_time_reports_the_certificate(app, example, web, make_user):  # noqa: F811
    user_id = make_user("host@example.com")
    study_and_pass(app, user_id)
    web.login("host@example.com", PASSWORD)
    html = web.get(LESSON).get_data(as_text=True)
    csrf = html.split('name="csrf-token" content="')[1].split('"')[0]
    with app.app_context():
        session = get_session()
        lesson_id = learning.course_progress(session, learning.enrollments_of(session, user_id)[0]).lessons[0].lesson.id
    r = web.client.post("/api/learning/heartbeat", json={"lesson": lesson_id, "start": True},
                        headers={"X-CSRFToken": csrf})
    assert r.get_json()["certificate"] is True and r.get_json()["course_minutes"] >= 10
