"""Courses in the browser: sync, browse and search, enrol, read lessons, versions that stay put."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from lms.catalogue.loader import load_catalogue
from lms.catalogue.models import Course, CourseVersion, Lesson
from lms.catalogue.services import sync_catalogue
from lms.db import get_session
from lms.learning.models import Enrollment
from tests.conftest import PASSWORD, ROOT

EXAMPLE = ROOT / "docs" / "example-course"
SKILLS = ROOT / "courses" / "skills.yaml"


def sync(app, path: Path):
    with app.app_context():
        session = get_session()
        report = sync_catalogue(session, load_catalogue(path, SKILLS))
        session.commit()
        return report


@pytest.fixture
def example(app, tmp_path):
    """A writable copy of the documented example course, imported."""
    root = tmp_path / "catalogue"
    shutil.copytree(EXAMPLE, root)
    sync(app, root)
    return root


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_sync_is_idempotent(app, example):
    again = sync(app, example)
    assert again.created == [] and again.new_versions == [] and again.unchanged == ["first-live-room"]
    assert count(app, CourseVersion) == 1 and count(app, Lesson) == 2


def test_cli_sync_says_when_nothing_changed(app, example):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "sync", str(example), "--skills", str(SKILLS)])
    assert result.exit_code == 0 and "Nothing changed: 1 course(s) already up to date." in result.output


def test_broken_course_changes_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "sync", str(ROOT / "tests" / "fixtures" / "broken-courses")])
    assert result.exit_code == 1
    assert "rejected  broken-one" in result.output and "created   good-one" in result.output
    with app.app_context():
        assert set(get_session().scalars(select(Course.slug))) == {"good-one"}


def test_edited_lesson_makes_a_new_version_and_enrolled_hosts_keep_theirs(app, example, web, make_user):
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    lesson = example / "first-live-room" / "lessons" / "01-before-you-start.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("## 账号与实名", "## 账号、实名与新内容"), encoding="utf-8")
    report = sync(app, example)
    assert report.new_versions == [("first-live-room", 2)]
    page = web.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    assert "账号与实名" in page and "新内容" not in page  # the enrolled host still studies version 1
    with app.app_context():
        session = get_session()
        enrollment = session.scalar(select(Enrollment))
        assert enrollment.version.number == 1
        assert session.scalar(select(Course)).current_version.number == 2
    # A new host gets version 2.
    from tests.conftest import Browserish

    make_user("new@example.com")
    other = Browserish(app.test_client())
    other.login("new@example.com", PASSWORD)
    other.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    assert "新内容" in other.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)


def test_catalogue_browse_filter_and_search(app, example, zh_web):
    page = zh_web.get("/courses/").get_data(as_text=True)
    assert "第一次开播：准备清单" in page
    assert "第一次开播" in zh_web.get("/courses/?q=开播").get_data(as_text=True)
    assert "第一次开播" in zh_web.get("/courses/?q=别说这些话").get_data(as_text=True)  # a lesson title
    assert "第一次开播" in zh_web.get("/courses/?q=全网最低价").get_data(as_text=True)  # words inside a lesson
    assert "第一次开播" not in zh_web.get("/courses/?q=ad9").get_data(as_text=True)  # footnote labels are markup
    assert "第一次开播" not in zh_web.get("/courses/?q=数字人").get_data(as_text=True)
    assert "第一次开播" not in zh_web.get("/courses/?area=wellbeing").get_data(as_text=True)
    assert "第一次开播" in zh_web.get("/courses/?area=compliance").get_data(as_text=True)
    assert "第一次开播" not in zh_web.get("/courses/?q=100%25").get_data(as_text=True)  # a LIKE wildcard is literal


def test_course_page_shows_summary_lessons_hours_skills(app, example, web):
    page = web.get("/courses/first-live-room").get_data(as_text=True)
    assert "<title>Your first live stream: a checklist · Host Academy</title>" in page
    assert page.count('id="quizzes-heading"') == 1
    for text in ("Your first live stream: a checklist", "What to prepare before you go live", "Words to avoid",
                 "10 minutes of verified study", "Log in to enrol"):  # fmt: skip
        assert text in page, text
    assert "v1 ·" not in page and "Version" not in page  # no developer text (version numbers, hashes) for hosts
    assert web.get("/courses/no-such-course").status_code == 404


def test_lesson_needs_enrolment_and_renders_rich_markdown(app, example, web, make_user):
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    r = web.get("/courses/first-live-room/lessons/before-you-start")
    assert r.status_code == 302 and r.headers["Location"].endswith("/courses/first-live-room")
    r = web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    assert r.headers["Location"].endswith("/courses/first-live-room/lessons/before-you-start")
    html = web.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    assert '<div class="admonition tip">' in html and "<table>" in html
    assert 'src="/courses/first-live-room/v1/assets/room.svg"' in html
    assert 'href="/courses/first-live-room/lessons/words-to-avoid"' in html
    assert "footnote-ref" in html and "《网络直播营销管理办法（试行）》" in html
    assert "Lesson 1 of 2" in html
    asset = web.get("/courses/first-live-room/v1/assets/room.svg")
    assert asset.status_code == 200 and asset.mimetype == "image/svg+xml" and b"<svg" in asset.data
    assert "sandbox" in asset.headers["Content-Security-Policy"]
    assert web.get("/courses/first-live-room/lessons/nope").status_code == 404


def test_finishing_a_lesson_needs_reading_time(app, example, web, make_user):
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    url = "/courses/first-live-room/lessons/before-you-start"
    r = web.post(url + "/finish", {}, form_page=url, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Spend about 5 more minute(s) on this lesson" in page
    assert "Not complete yet: 0 of 5 minutes of reading counted on this lesson." in page  # next to the button
    assert "0 of 2 lessons completed" in web.get("/courses/first-live-room").get_data(as_text=True)


def test_home_page_offers_to_continue(app, example, web, make_user):
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    assert "You are not enrolled in any course yet." in web.get("/").get_data(as_text=True)
    web.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    home = web.get("/").get_data(as_text=True)
    assert 'href="/courses/first-live-room/lessons/before-you-start">Your first live stream: a checklist</a>' in home


def make_private_to_new_org(app, member: int) -> None:
    """The (only) course becomes the own course of a new MCN whose learner ``member`` is."""
    from lms.accounts.models import User
    from lms.orgs import services as orgs
    from lms.orgs.models import Role

    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="MCN", slug="mcn", kind="mcn")
        orgs.add_member(session, org=org, user=session.get(User, member), role=Role.LEARNER)
        session.scalar(select(Course)).org_id = org.id
        session.commit()


def test_an_organisation_course_is_private_to_it(app, example, make_user):
    from tests.conftest import Browserish

    make_private_to_new_org(app, make_user("member@example.com"))
    make_user("outsider@example.com")
    inside, outside = Browserish(app.test_client()), Browserish(app.test_client())
    inside.login("member@example.com", PASSWORD)
    outside.login("outsider@example.com", PASSWORD)
    assert "first live stream" in inside.get("/courses/").get_data(as_text=True)
    assert inside.get("/courses/first-live-room").status_code == 200
    assert "first live stream" not in outside.get("/courses/").get_data(as_text=True)
    assert outside.get("/courses/first-live-room").status_code == 404
    assert outside.get("/courses/first-live-room/v1/assets/room.svg").status_code == 404
    r = outside.post("/courses/first-live-room/enrol", {}, form_page="/courses/")
    assert r.status_code == 404
    assert app.test_client().get("/courses/first-live-room").status_code == 404


def test_stats_json_for_scripts(app):
    import json

    result = app.test_cli_runner().invoke(args=["courses", "stats", str(EXAMPLE), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data == [
        {
            "slug": "first-live-room",
            "area": "compliance",
            "vertical": None,
            "lessons": [{"slug": "before-you-start", "chars": data[0]["lessons"][0]["chars"]},
                        {"slug": "words-to-avoid", "chars": data[0]["lessons"][1]["chars"]}],
            "questions": 5,
            "questions_with_feedback": 5,
            "quiz_fairness": {"final": {
                "single_choice": 1, "key_longest": 0, "key_longest_share": 0.0,
                "true_false": {"true": 1, "false": 0, "cue_in_true": 0, "cue_in_false": 0, "cue_gap": 0.0},
                "multi_unmarked": [],
            }},
        }
    ]
    assert all(lesson["chars"] > 20 for lesson in data[0]["lessons"])


def test_check_command_prints_places_and_fails(app):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["courses", "check", str(ROOT / "tests" / "fixtures" / "broken-courses")])
    assert bad.exit_code == 1
    assert "broken-one/course.yaml:7: unknown skill id 'no-such-skill'" in bad.output
    good = runner.invoke(args=["courses", "check", str(EXAMPLE)])
    assert good.exit_code == 0 and "OK: 1 course(s), no problems." in good.output


def test_a_resync_indexes_lesson_text_of_versions_imported_before(app, example, zh_web):
    with app.app_context():
        session = get_session()
        session.execute(update(CourseVersion).values(search_text="第一次开播"))  # as an older release stored it
        session.commit()
    assert "第一次开播" not in zh_web.get("/courses/?q=全网最低价").get_data(as_text=True)
    report = sync(app, example)
    assert report.unchanged == ["first-live-room"] and count(app, CourseVersion) == 1  # no new version
    assert "第一次开播" in zh_web.get("/courses/?q=全网最低价").get_data(as_text=True)
