"""The course editor's forms as a trainer meets them: every error at once, English optional, codes suggested from
the title, no file names or tool words."""

import re

from sqlalchemy import select

from lms.authoring import folder
from lms.authoring.models import CourseDraft
from lms.db import get_session
from tests.web.test_authoring import BASE, login, new_course, people  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture


def test_a_course_needs_only_a_chinese_title_and_gets_a_code_from_it(app, people):  # noqa: F811
    trainer = login(app, "trainer@example.com")
    r = trainer.send(f"{BASE}/", {"action": "new", "new-slug": "", "new-title_zh": "退货规则入门", "new-title_en": "",
                                  "new-area": "compliance", "new-skill": "compliance"})  # fmt: skip
    assert r.status_code == 302, r.get_data(as_text=True)
    assert r.headers["Location"].endswith("/tuihuoguizerumen/")
    with app.app_context():
        draft = get_session().scalar(select(CourseDraft))
        data = folder.course_data({f.path: f.data for f in draft.files})
    assert data["title"] == {"zh-CN": "退货规则入门", "en": "退货规则入门"}  # English falls back to Chinese
    shown = re.sub(r"<[^>]+>", " ", trainer.get(r.headers["Location"]).get_data(as_text=True))  # the visible text
    assert "01-intro.md" not in shown and "course.yaml" not in shown


def test_every_error_of_the_new_course_form_is_shown_at_once(app, people):  # noqa: F811
    trainer = login(app, "trainer@example.com")
    r = trainer.send(f"{BASE}/", {"action": "new", "new-slug": "退货", "new-title_zh": "", "new-title_en": "",
                                  "new-area": "compliance", "new-skill": "compliance"})  # fmt: skip
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Use 2 to 63 lowercase letters" in page and "This field is required." in page  # code and title together
    trainer.headers["Accept-Language"] = "zh-CN"
    page = trainer.send(f"{BASE}/", {"action": "new", "new-slug": "退货", "new-title_zh": "", "new-area": "compliance",
                                     "new-skill": "compliance"}).get_data(as_text=True)  # fmt: skip
    assert "检查器" not in page and "git" not in page and "留空则根据标题自动生成" in page


def test_lessons_and_quizzes_get_codes_from_their_titles_and_report_every_error(app, people):  # noqa: F811
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-codes")
    r = trainer.send(f"{draft}lessons", {"lesson-slug": "", "lesson-title_zh": "话术示意", "lesson-title_en": ""},
                     page=draft)  # fmt: skip
    assert r.status_code == 302 and r.headers["Location"].endswith("/lessons/02-huashushiyi.md")
    r = trainer.send(f"{draft}lessons", {"lesson-slug": "坏", "lesson-title_zh": ""}, page=draft, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Lesson code: Use 2 to 63 lowercase letters" in page and "Title (Chinese): This field is required." in page
    r = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "", "quiz-title_zh": "结业测验", "quiz-pass_mark": "60"},
                     page=draft)  # fmt: skip
    assert r.status_code == 302 and r.headers["Location"].endswith("/quizzes/jieyeceyan")


def test_suggested_codes_avoid_taken_ones_and_fall_back_to_a_date():
    from datetime import date

    assert folder.suggest_code("Returns 101: 基础") == "returns-101-jichu"
    assert folder.suggest_code("退货", taken={"tuihuo"}) == "tuihuo-2"
    assert folder.suggest_code("！", today=date(2026, 12, 6)) == "c-20261206"
    assert all(folder.SLUG.match(folder.suggest_code(t)) for t in ("退货流程基础课程" * 10, "a", "Ünïcode"))


def test_publishing_asks_first_and_asks_whether_it_awards_a_certificate(app, people):  # noqa: F811
    from lms.catalogue.models import CourseVersion

    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-publish")
    page = trainer.get(draft).get_data(as_text=True)
    form = page.split('action="' + draft + 'publish"')[1].split("</form>")[0]
    assert 'data-confirm="Publish this course now? Hosts who enrol from now on study this version."' in page
    assert 'name="certificate"' in form and "checked" not in form.split('name="certificate"')[1].split(">")[0]
    r = trainer.send(f"{draft}publish", {"certificate_asked": "1", "certificate": "y"}, page=draft)
    assert r.status_code == 302
    with app.app_context():
        assert get_session().scalar(select(CourseVersion)).certificate is True
