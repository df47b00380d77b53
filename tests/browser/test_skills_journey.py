"""A host answers questions in two courses and watches the T-profile change; the profile on a phone is kept."""

import re

import pytest

from lms.catalogue.loader import load_catalogue
from lms.catalogue.services import sync_catalogue
from sqlalchemy import select

from lms.db import get_session, utcnow
from lms.learning.models import Enrollment
from tests.browser.conftest import axe_serious
from tests.browser.test_quiz_journey import answer_correctly, latest_paper
from tests.conftest import PASSWORD, ROOT
from tests.web.test_catalogue import example  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def compliance_mastery(page) -> int:
    """The compliance row's mastery in percent; 0 while there is no evidence yet (the page shows a dash)."""
    row = page.locator("tr", has_text="法规与合规").first.inner_text()
    found = re.search(r"(\d+)%", row)
    return int(found.group(1)) if found else 0


def take_quiz(page, app, base, course):
    page.goto(f"{base}/courses/{course}")
    page.get_by_role("button", name="报名学习").click()
    with app.app_context():  # a certificate quiz opens after the lessons; reading them is another journey
        session = get_session()
        for enrollment in session.scalars(select(Enrollment)):
            enrollment.lessons_completed_at = enrollment.lessons_completed_at or utcnow()
        session.commit()
    page.goto(f"{base}/courses/{course}/quizzes/final")
    page.get_by_role("button", name="开始测验").click()
    answer_correctly(page, latest_paper(app))
    page.get_by_role("button", name="提交全部答案").click()
    assert "已通过" in page.locator(".result").inner_text()


def test_t_profile_grows_with_two_courses(app, example, live_server, phone, make_user, artifacts_dir):  # noqa: F811
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(ROOT / "tests" / "fixtures" / "quiz-courses"))
        session.commit()
    make_user("host@example.com", "小林")
    page = phone
    page.goto(live_server + "/account/login")
    page.locator("#login").fill("host@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()

    page.goto(live_server + "/skills/")
    assert page.locator("svg[role=img]").count() == 1
    start = compliance_mastery(page)
    assert start == 0 and "尚无记录" in page.locator("tr", has_text="法规与合规").first.inner_text()
    page.get_by_label("美妆护肤").check()
    page.get_by_role("button", name="保存").click()

    take_quiz(page, app, live_server, "first-live-room")
    page.goto(live_server + "/skills/")
    after_one = compliance_mastery(page)
    take_quiz(page, app, live_server, "all-types")
    page.goto(live_server + "/skills/")
    after_two = compliance_mastery(page)
    assert start < after_one < after_two
    svg_text = page.locator("svg[role=img]").text_content()
    assert "法规与合规" in svg_text and "美妆护肤" in svg_text
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "t-profile-phone.png"), full_page=True)
    # The home page opens with the same profile.
    page.goto(live_server + "/")
    assert page.locator("svg[role=img]").count() == 1
