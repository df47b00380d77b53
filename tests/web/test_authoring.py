"""Authoring in the browser: a trainer writes, checks, publishes, exports and imports a course of their own."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.authoring.models import CourseDraft
from lms.catalogue.models import Course, CourseVersion
from lms.db import get_session
from lms.learning.models import Enrollment
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture

BASE = "/orgs/mcn-a/authoring"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class Trainer(Browserish):
    """Posts with the page's CSRF token under every form prefix the editor uses."""

    def send(self, url: str, data: dict | None = None, page: str | None = None, **kw):
        html = self.client.get(page or url, headers=self.headers).get_data(as_text=True)
        token = TOKEN.search(html).group(1)
        payload = {f"{p}csrf_token": token for p in ("", "new-", "zip-", "details-", "lesson-", "quiz-", "gift-",
                                                     "question-", "asset-")}  # fmt: skip
        payload.update(data or {})
        return self.client.post(url, data=payload, headers=self.headers, **kw)


@pytest.fixture
def people(app, example, make_user):  # noqa: F811
    ids = {}
    for email in ("trainer@example.com", "host@example.com", "other@example.com", "outsider@example.com"):
        ids[email] = make_user(email, email.split("@")[0])
    with app.app_context():
        session = get_session()
        from lms.accounts.models import User

        mcn_a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        mcn_b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        for email, org, role in [("trainer@example.com", mcn_a, Role.TRAINER), ("host@example.com", mcn_a, Role.LEARNER),
                                 ("other@example.com", mcn_b, Role.TRAINER),
                                 ("outsider@example.com", mcn_b, Role.LEARNER)]:  # fmt: skip
            orgs.add_member(session, org=org, user=session.get(User, ids[email]), role=role)
        session.commit()
    return ids


def login(app, email: str) -> Trainer:
    client = Trainer(app.test_client())
    client.login(email, PASSWORD)
    return client


def new_course(trainer: Trainer, slug: str = "mcn-returns") -> str:
    r = trainer.send(f"{BASE}/", {"action": "new", "new-slug": slug, "new-title_zh": "退货规则入门",
                                  "new-title_en": "Returns basics", "new-area": "compliance",
                                  "new-skill": "compliance"})  # fmt: skip
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"]


def new_quiz(trainer: Trainer, slug: str) -> tuple[str, str]:
    """A new course with an empty quiz "final": the draft's and the quiz editor's addresses."""
    draft = new_course(trainer, slug)
    r = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "final", "quiz-title_zh": "测验", "quiz-title_en": "Quiz",
                                         "quiz-pass_mark": "60"}, page=draft)  # fmt: skip
    return draft, r.headers["Location"]


LESSON = """## 七日无理由退货

网购的消费者自收到商品之日起七日内可以退货，且无需说明理由[^law]。

!!! warning "别这样说"
    "本店商品一律不退"——这句话本身就违法。

<script>alert(1)</script><img src=x onerror=alert(2)>

[^law]: 《中华人民共和国消费者权益保护法》第二十五条。
"""

GIFT_WITH_ERRORS = """$CATEGORY: returns

::q1:: 七日无理由退货从哪天起算？{
=收到商品之日
~下单之日
}

::q2:: 这道题少了右括号 {
=对
~错
"""


def test_a_trainer_writes_checks_publishes_and_a_host_studies_the_course(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer)
    page = trainer.get(draft).get_data(as_text=True)
    assert "退货规则入门" in page and "no problem" in page

    # A second lesson, written with the editor; its preview is sanitized like the published page.
    r = trainer.send(f"{draft}lessons", {"lesson-slug": "returns", "lesson-title_zh": "七日无理由退货",
                                         "lesson-title_en": "Seven-day returns"}, page=draft)  # fmt: skip
    lesson_url = r.headers["Location"]
    assert lesson_url.endswith("/lessons/02-returns.md")
    r = trainer.send(lesson_url, {"lesson-title_zh": "七日无理由退货", "lesson-title_en": "Seven-day returns",
                                  "lesson-estimated_minutes": "15", "lesson-skills": ["compliance"],
                                  "lesson-body": LESSON})  # fmt: skip
    assert r.status_code == 302
    html = trainer.client.post(f"{draft}preview", json={"markdown": LESSON}, headers={
        "X-CSRFToken": TOKEN.search(trainer.get(lesson_url).get_data(as_text=True)).group(1)}).get_json()["html"]
    assert "消费者权益保护法" in html and "admonition warning" in html
    assert "<script" not in html and "onerror" not in html

    # A quiz: GIFT pasted with an error is refused with its line, then fixed; one more question from the editor.
    r = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "final", "quiz-title_zh": "结业测验",
                                         "quiz-title_en": "Final quiz", "quiz-pass_mark": "60"}, page=draft)  # fmt: skip
    quiz_url = r.headers["Location"]
    r = trainer.send(quiz_url, {"action": "gift", "gift-gift": GIFT_WITH_ERRORS, "gift-mode": "append"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "nothing was saved" in body and re.search(r"line (8|9|10|11)", body)
    fixed = GIFT_WITH_ERRORS.rstrip() + "\n}\n"
    assert trainer.send(quiz_url, {"action": "gift", "gift-gift": fixed, "gift-mode": "append"}).status_code == 302
    r = trainer.send(quiz_url, {"action": "question", "question-kind": "truefalse", "question-text": "主播可以说“不退不换”。",
                                "question-correct": "false", "question-category": "returns",
                                "question-skill": "compliance", "question-difficulty": "1",
                                "question-general_feedback": "《消费者权益保护法》第二十五条。"})  # fmt: skip
    assert r.status_code == 302
    page = trainer.get(quiz_url).get_data(as_text=True)
    assert "3 questions" in page and "不退不换" in page
    from lms.quizzes.gift import parse

    exported = trainer.get(f"{draft}quizzes/final.gift")
    assert "attachment" in exported.headers["Content-Disposition"]
    assert [q.type for q in parse(exported.get_data(as_text=True))] == ["multichoice", "multichoice", "truefalse"]

    # Publish: version 1, in the organisation's catalogue only.
    r = trainer.send(f"{draft}publish", {}, page=draft, follow_redirects=True)
    assert "Published as version 1" in r.get_data(as_text=True)
    with app.app_context():
        session = get_session()
        course = session.scalar(select(Course).where(Course.slug == "mcn-returns"))
        version = session.get(CourseVersion, course.current_version_id)
        assert course.org_id is not None and version.number == 1 and len(version.lessons) == 2
        assert len(version.quizzes[0].questions) == 3 and "<script" not in version.lessons[1].html
    host = login(app, "host@example.com")
    assert "Returns basics" in host.get("/courses/?q=退货").get_data(as_text=True)
    outsider = login(app, "outsider@example.com")
    assert "Returns basics" not in outsider.get("/courses/?q=退货").get_data(as_text=True)
    assert outsider.get("/courses/mcn-returns").status_code == 404

    # The host enrols on v1; an edit becomes v2, with a readable diff; the host keeps v1.
    host.post("/courses/mcn-returns/enrol", {}, form_page="/courses/mcn-returns")
    trainer.send(draft + "details", {"details-title_zh": "退货规则入门（修订）", "details-title_en": "Returns basics",
                                      "details-summary_zh": "学完能正确回答退货问题。", "details-summary_en": "Answer return questions.",
                                      "details-area": "compliance", "details-vertical": "", "details-level": "1",
                                      "details-skills": ["compliance"], "details-estimated_minutes": "30",
                                      "details-required_minutes": "15", "details-prerequisites": "",
                                      "details-certificate": "y"}, page=draft)  # fmt: skip
    changes = trainer.get(draft + "changes").get_data(as_text=True)
    assert "course.yaml" in changes and "退货规则入门（修订）" in changes and "<ins>" in changes
    r = trainer.send(f"{draft}publish", {}, page=draft, follow_redirects=True)
    assert "Published as version 2" in r.get_data(as_text=True)
    with app.app_context():
        session = get_session()
        enrolment = session.scalar(select(Enrollment))
        assert session.get(CourseVersion, enrolment.version_id).number == 1


def test_export_then_import_gives_the_same_course(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-export")
    trainer.send(f"{draft}publish", {}, page=draft)
    exported = trainer.get(f"{BASE}/courses/mcn-export/v1.zip")
    assert exported.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        assert "mcn-export/course.yaml" in archive.namelist()
    trainer.send(f"{draft}discard", {}, page=draft)
    with app.app_context():
        assert get_session().scalar(select(CourseDraft)) is None
    r = trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(exported.data), "mcn-export.zip")},
                     content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 302
    page = trainer.get(r.headers["Location"]).get_data(as_text=True)
    assert "No changes since the published version" in page
    r = trainer.send(f"{draft}publish", {}, page=draft, follow_redirects=True)
    assert "Nothing changed since version 1" in r.get_data(as_text=True)
    assert trainer.get(f"{draft}export.zip").data == exported.data


def test_a_bad_archive_gets_a_clear_error_and_writes_nothing(app, people):
    trainer = login(app, "trainer@example.com")
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("c/course.yaml", "id: c\n")
        archive.writestr("../../etc/cron.d/evil", "x")
    r = trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(evil.getvalue()), "evil.zip")},
                     content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 400 and "leaves the course folder" in r.get_data(as_text=True)
    r = trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(b"not a zip"), "x.zip")},
                     content_type="multipart/form-data")  # fmt: skip
    assert "not a zip archive" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(CourseDraft)) is None


def test_a_course_id_of_the_shared_catalogue_or_another_org_is_refused(app, people):
    trainer = login(app, "trainer@example.com")
    r = trainer.send(f"{BASE}/", {"action": "new", "new-slug": "first-live-room", "new-title_zh": "抄",
                                  "new-title_en": "Copy", "new-area": "compliance", "new-skill": "compliance"})  # fmt: skip
    assert r.status_code == 400 and "already exists on the site" in r.get_data(as_text=True)
    new_course(trainer, "mcn-private")
    other = login(app, "other@example.com")
    r = other.send("/orgs/mcn-b/authoring/", {"action": "new", "new-slug": "mcn-private", "new-title_zh": "抄",
                                               "new-title_en": "Copy", "new-area": "compliance",
                                               "new-skill": "compliance"})  # fmt: skip
    assert "already exists on the site" in r.get_data(as_text=True)


def test_another_organisation_sees_nothing_of_a_draft(app, people):
    trainer = login(app, "trainer@example.com")
    new_course(trainer, "mcn-secret")
    trainer.send(f"{BASE}/mcn-secret/publish", {}, page=f"{BASE}/mcn-secret/")
    other = login(app, "other@example.com")
    assert other.get(f"{BASE}/mcn-secret/").status_code == 404  # not a member of mcn-a
    for url in ("/orgs/mcn-b/authoring/mcn-secret/", "/orgs/mcn-b/authoring/mcn-secret/export.zip",
                "/orgs/mcn-b/authoring/courses/mcn-secret/v1.zip", "/orgs/mcn-b/authoring/mcn-secret/quizzes/final"):
        assert other.get(url).status_code == 404, url
    r = other.send("/orgs/mcn-b/authoring/courses/mcn-secret/edit", {}, page="/orgs/mcn-b/authoring/")
    assert r.status_code == 404
    assert "mcn-secret" not in other.get("/orgs/mcn-b/authoring/").get_data(as_text=True)
    host = login(app, "host@example.com")
    assert host.get(f"{BASE}/mcn-secret/").status_code == 403


def test_images_are_checked_and_served_to_the_preview(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-images")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    r = trainer.send(f"{draft}assets", {"asset-image": (io.BytesIO(png), "直播间 布光.png")}, page=draft,
                     content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "直播间 布光.png saved as zhibojian-buguang.png" in r.get_data(as_text=True)
    with app.app_context():
        names = [f.path for f in get_session().scalar(select(CourseDraft)).files]
    asset = next(n for n in names if n.startswith("assets/"))
    served = trainer.get(f"{draft}assets/{asset.split('/')[-1]}")
    assert served.data == png and "sandbox" in served.headers["Content-Security-Policy"]
    r = trainer.send(f"{draft}assets", {"asset-image": (io.BytesIO(b"<html><script>"), "x.svg")}, page=draft,
                     content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert "not the image type" in r.get_data(as_text=True)


def test_images_with_chinese_names_are_kept_apart_under_their_original_names(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-cn-images")
    first, second = b"\x89PNG\r\n\x1a\n" + b"1" * 64, b"\x89PNG\r\n\x1a\n" + b"2" * 64
    for data, name in ((first, "退货流程.png"), (second, "话术示意.png")):
        r = trainer.send(f"{draft}assets", {"asset-image": (io.BytesIO(data), name)}, page=draft,
                         content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
        page = r.get_data(as_text=True)
        assert f"{name} saved as" in page and f"![{name[:-4]}](../assets/" in page
    page = trainer.get(draft).get_data(as_text=True)
    assert "tuihuoliucheng.png" in page and "huashushiyi.png" in page
    assert trainer.get(f"{draft}assets/tuihuoliucheng.png").data == first
    assert trainer.get(f"{draft}assets/huashushiyi.png").data == second


def test_a_lesson_problem_is_shown_at_its_line_and_blocks_publishing(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-broken")
    lesson = f"{draft}lessons/01-intro.md"
    trainer.send(lesson, {"lesson-title_zh": "导言", "lesson-title_en": "Intro", "lesson-estimated_minutes": "5",
                          "lesson-skills": ["compliance"], "lesson-body": "第一行\n\n![图](../assets/missing.png)\n"})  # fmt: skip
    page = trainer.get(lesson).get_data(as_text=True)
    assert "line 3 of the text" in page and "missing.png" in page
    r = trainer.send(f"{draft}publish", {}, page=draft, follow_redirects=True)
    assert "fix them before publishing" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(Course).where(Course.slug == "mcn-broken")) is None


def test_a_site_admin_publishes_an_org_course_to_the_shared_catalogue(app, people, make_user):
    make_user("root@example.com", "管理员", is_site_admin=True)
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-shared")
    trainer.send(f"{draft}publish", {}, page=draft)
    outsider = login(app, "outsider@example.com")
    assert outsider.get("/courses/mcn-shared").status_code == 404
    # The trainer cannot share their own course; only a site admin decides what the whole site sees.
    assert trainer.send(f"{BASE}/courses/mcn-shared/share", {"shared": "1"}, page=f"{BASE}/").status_code == 403
    root = login(app, "root@example.com")
    r = root.send(f"{BASE}/courses/mcn-shared/share", {"shared": "1"}, page=f"{BASE}/", follow_redirects=True)
    assert "now in the shared catalogue" in r.get_data(as_text=True)
    assert "Returns basics" in outsider.get("/courses/mcn-shared").get_data(as_text=True)
    # The owning organisation keeps editing it; a new version reaches everyone.
    assert trainer.get(f"{BASE}/").status_code == 200 and "Every host (shared catalogue)" in trainer.get(f"{BASE}/").get_data(as_text=True)
    root.send(f"{BASE}/courses/mcn-shared/share", {"shared": "0"}, page=f"{BASE}/")
    assert outsider.get("/courses/mcn-shared").status_code == 404


def test_an_existing_question_is_edited_and_deleted_with_the_form(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-edit-q")
    quiz_url = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "final", "quiz-title_zh": "测验", "quiz-title_en": "Quiz",
                                                "quiz-pass_mark": "60"}, page=draft).headers["Location"]  # fmt: skip
    bank = ("$CATEGORY: returns\n\n// [tag:skill:compliance] [tag:difficulty:3] [tag:source:msl]\n"
            "::q1:: 退货期限几天？{#7:0####《消费者权益保护法》第二十五条。}\n\n::q2:: 第二题{TRUE}\n")
    trainer.send(quiz_url, {"action": "gift", "gift-gift": bank, "gift-mode": "append"})
    form = trainer.get(quiz_url + "?edit=0").get_data(as_text=True)
    assert 'value="7"' in form and "Edit question 1" in form and "第二十五条" in form
    r = trainer.send(quiz_url, {"action": "question", "index": "0", "question-kind": "numerical", "question-correct": "",
                                "question-text": "七日无理由退货是几天？", "question-category": "returns",
                                "question-skill": "compliance", "question-difficulty": "2",
                                "question-answers-0-text": "7", "question-answers-1-text": "6..8",
                                "question-answers-1-percent": "50",
                                "question-general_feedback": "《消费者权益保护法》第二十五条。"},
                     page=quiz_url + "?edit=0")  # fmt: skip
    assert r.status_code == 302, re.findall(r'class="error[^"]*"[^>]*>(.*?)</', r.get_data(as_text=True), re.DOTALL)
    with app.app_context():
        files = {f.path: f.data for f in get_session().scalar(select(CourseDraft)).files}
    from lms.quizzes.gift import parse

    first, second = parse(files["quizzes/final.gift"].decode())
    assert first.text == "七日无理由退货是几天？" and [n.fraction for n in first.numerical] == [1.0, 0.5]
    assert "source:msl" in first.tags and first.difficulty == 2 and second.text == "第二题"
    trainer.send(quiz_url, {"action": "delete-question", "index": "1"})
    with app.app_context():
        files = {f.path: f.data for f in get_session().scalar(select(CourseDraft)).files}
    assert [q.text for q in parse(files["quizzes/final.gift"].decode())] == ["七日无理由退货是几天？"]
    assert trainer.get(quiz_url + "?edit=5").status_code == 404


def test_an_ordering_question_from_the_editor(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer)
    r = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "final", "quiz-title_zh": "结业测验",
                                         "quiz-title_en": "Final quiz", "quiz-pass_mark": "60"}, page=draft)  # fmt: skip
    quiz_url = r.headers["Location"]
    assert 'value="ordering"' in trainer.get(quiz_url).get_data(as_text=True)
    question = {"action": "question", "question-kind": "ordering", "question-text": "把处理退货的步骤按顺序排列",
                "question-correct": "",
                "question-category": "returns", "question-skill": "compliance", "question-difficulty": "2",
                "question-general_feedback": "《消费者权益保护法》第二十五条。",
                "question-answers-0-text": "确认收货日期", "question-answers-1-text": "检查商品是否完好",
                "question-answers-2-text": "办理退款", "question-answers-2-percent": "50"}  # fmt: skip
    r = trainer.send(quiz_url, question)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "Ordering items take no weight" in body
    r = trainer.send(quiz_url, {**question, "question-answers-2-percent": ""})
    assert r.status_code == 302
    page = trainer.get(quiz_url).get_data(as_text=True)
    assert "1 question" in page and "Ordering" in page
    with app.app_context():
        found = get_session().scalar(select(CourseDraft).where(CourseDraft.slug == "mcn-returns"))
        gift = next(f.data for f in found.files if f.path.endswith("final.gift")).decode("utf-8")
    assert "// [tag:type:ordering] [tag:skill:compliance] [tag:difficulty:2]" in gift
    assert "=确认收货日期\n\t=检查商品是否完好\n\t=办理退款" in gift


def test_two_trainers_saving_the_same_lesson_do_not_silently_overwrite_each_other(app, people, make_user):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-together")
    lesson = f"{draft}lessons/01-intro.md"
    opened = trainer.get(lesson).get_data(as_text=True)
    base = re.search(r'name="lesson-base"[^>]*value="([0-9a-f]+)"', opened) or re.search(
        r'value="([0-9a-f]{16})"[^>]*name="lesson-base"', opened)
    fields = {"lesson-title_zh": "导言", "lesson-title_en": "Intro", "lesson-estimated_minutes": "5",
              "lesson-skills": ["compliance"]}  # fmt: skip
    # A colleague saves first...
    assert trainer.send(lesson, {**fields, "lesson-body": "同事写的正文"}).status_code == 302
    # ...then this trainer saves the page they opened earlier: refused, their text kept in the editor.
    r = trainer.send(lesson, {**fields, "lesson-body": "我写的正文", "lesson-base": base.group(1)})
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Someone else saved this lesson" in page and "我写的正文" in page
    with app.app_context():
        files = {f.path: f.data for f in get_session().scalar(select(CourseDraft)).files}
    assert "同事写的正文".encode() in files["lessons/01-intro.md"]
    # Saving again, after reading the warning, is a deliberate choice.
    again = re.search(r'value="([0-9a-f]{16})"', page).group(1)
    assert trainer.send(lesson, {**fields, "lesson-body": "我写的正文", "lesson-base": again}).status_code == 302


def test_syncing_files_never_adds_a_version_to_an_organisations_course(app, people, tmp_path):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-owned")
    trainer.send(f"{draft}publish", {}, page=draft)
    with app.app_context():
        files = {f.path: f.data for f in get_session().scalar(select(CourseDraft)).files}
    folder = tmp_path / "catalogue" / "mcn-owned"
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data.replace("退货规则入门".encode(), "冒名顶替".encode()))
    import shutil

    shutil.copy(Path(__file__).resolve().parents[2] / "courses" / "skills.yaml", tmp_path / "catalogue")
    result = app.test_cli_runner().invoke(args=["courses", "sync", str(tmp_path / "catalogue")])
    assert result.exit_code == 1
    assert "rejected  mcn-owned (the id belongs to an organisation's own course; nothing changed)" in result.output
    with app.app_context():
        course = get_session().scalar(select(Course).where(Course.slug == "mcn-owned"))
        assert [v.number for v in course.versions] == [1] and course.org_id is not None


def test_two_trainers_opening_the_same_course_at_once_share_one_draft(app, people):
    from lms.authoring import services

    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-race")
    trainer.send(f"{draft}publish", {}, page=draft)
    trainer.send(f"{draft}discard", {}, page=draft)
    with app.app_context():
        session = get_session()
        org_id = session.scalar(select(Course.org_id).where(Course.slug == "mcn-race"))
        first = services.edit_course(session, org_id, people["trainer@example.com"], "mcn-race")
        session.commit()
        # The second request checked for a draft before the first one's insert: the unique id decides.
        from lms.authoring.models import CourseDraft as Draft

        raced = services._insert_draft(session, Draft(org_id=org_id, slug="mcn-race"))
        assert raced is None and session.scalar(select(func.count()).select_from(Draft)) == 1
        assert first.slug == "mcn-race"
    r = trainer.send(f"{BASE}/", {"action": "new", "new-slug": "mcn-race", "new-title_zh": "重复", "new-title_en": "Again",
                                  "new-area": "compliance", "new-skill": "compliance"})  # fmt: skip
    assert r.status_code == 400 and "edit it instead" in r.get_data(as_text=True)


def test_an_earlier_version_is_restored_by_importing_its_zip(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-restore")
    trainer.send(f"{draft}publish", {}, page=draft)
    fields = {"lesson-title_zh": "导言", "lesson-title_en": "Intro", "lesson-estimated_minutes": "5",
              "lesson-skills": ["compliance"], "lesson-body": "第二版的正文"}  # fmt: skip
    trainer.send(f"{draft}lessons/01-intro.md", fields)
    trainer.send(f"{draft}publish", {}, page=draft)
    index = trainer.get(f"{BASE}/").get_data(as_text=True)
    assert "/courses/mcn-restore/v1.zip" in index and "/courses/mcn-restore/v2.zip" in index
    first = trainer.get(f"{BASE}/courses/mcn-restore/v1.zip").data
    trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(first), "v1.zip")},
                 content_type="multipart/form-data")  # fmt: skip
    r = trainer.send(f"{draft}publish", {}, page=draft, follow_redirects=True)
    assert "Published as version 1" in r.get_data(as_text=True)
    with app.app_context():
        course = get_session().scalar(select(Course).where(Course.slug == "mcn-restore"))
        assert [v.number for v in course.versions] == [1, 2]
        assert get_session().get(CourseVersion, course.current_version_id).number == 1


def test_a_question_bank_saved_meanwhile_by_a_colleague_is_not_silently_replaced(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-bank")
    quiz_url = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "final", "quiz-title_zh": "测验", "quiz-title_en": "Quiz",
                                                "quiz-pass_mark": "60"}, page=draft).headers["Location"]  # fmt: skip
    opened = re.search(r'name="gift-base"[^>]*value="([0-9a-f]{16})"|value="([0-9a-f]{16})"[^>]*name="gift-base"',
                       trainer.get(quiz_url).get_data(as_text=True))  # fmt: skip
    base = opened.group(1) or opened.group(2)
    colleague = "::c1:: 同事的题 {T}\n"
    assert trainer.send(quiz_url, {"action": "gift", "gift-gift": colleague, "gift-mode": "append"}).status_code == 302
    r = trainer.send(quiz_url, {"action": "gift", "gift-gift": "::m1:: 我的题 {F}\n", "gift-mode": "append",
                                "gift-base": base})  # fmt: skip
    page = r.get_data(as_text=True)
    assert r.status_code == 409 and "Someone else saved these questions" in page and "我的题" in page
    with app.app_context():
        files = {f.path: f.data for f in get_session().scalar(select(CourseDraft)).files}
    assert files["quizzes/final.gift"].decode() == colleague


def test_a_chinese_trainer_reads_every_problem_in_chinese(app, people):
    trainer = login(app, "trainer@example.com")
    trainer.headers["Accept-Language"] = "zh-CN"
    draft = new_course(trainer, "mcn-zh")
    lesson = f"{draft}lessons/01-intro.md"
    trainer.send(lesson, {"lesson-title_zh": "导言", "lesson-title_en": "Intro", "lesson-estimated_minutes": "5",
                          "lesson-skills": ["compliance"], "lesson-body": "第一行\n\n![图](../assets/missing.png)\n"})  # fmt: skip
    missing = "assets/ 中找不到图片或文件：../assets/missing.png"
    assert missing in trainer.get(lesson).get_data(as_text=True)  # the lesson editor
    assert missing in trainer.get(draft).get_data(as_text=True)  # the course's problem list

    # GIFT pasted into a quiz: the parser's message, with its line, in Chinese.
    r = trainer.send(f"{draft}quizzes", {"quiz-quiz_id": "final", "quiz-title_zh": "结业测验",
                                         "quiz-title_en": "Final quiz", "quiz-pass_mark": "60"}, page=draft)  # fmt: skip
    body = trainer.send(r.headers["Location"], {"action": "gift", "gift-gift": GIFT_WITH_ERRORS,
                                                "gift-mode": "append"}).get_data(as_text=True)  # fmt: skip
    assert "答案块“{”没有结束" in body and "unclosed" not in body

    # A question from the editor that cannot be built; and an archive that leaves its folder (the member named).
    body = trainer.send(r.headers["Location"], {"action": "question", "question-kind": "multichoice",
                                                "question-text": "哪一项对？", "question-answers-0-text": "只有一项",
                                                "question-answers-0-percent": "100"}).get_data(as_text=True)  # fmt: skip
    assert "至少" in body and "Give at least" not in body
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("c/course.yaml", "id: c\n")
        archive.writestr("../../etc/cron.d/evil", "x")
    body = trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(evil.getvalue()), "evil.zip")},
                        content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    assert "../../etc/cron.d/evil：路径跳出了课程文件夹" in body


def test_a_question_in_markdown_from_the_editor_and_a_forged_format(app, people):
    trainer = login(app, "trainer@example.com")
    draft, quiz_url = new_quiz(trainer, "mcn-formats")
    question = {"action": "question", "question-kind": "truefalse", "question-text": "**绝对化用语**违法。",
                "question-correct": "true", "question-text_format": "markdown", "question-skill": "compliance",
                "question-difficulty": "1"}  # fmt: skip
    assert trainer.send(quiz_url, question).status_code == 302
    assert trainer.get(f"{draft}quizzes/final.gift").get_data(as_text=True).count("[markdown]**绝对化用语**") == 1
    r = trainer.send(quiz_url, {**question, "question-text_format": "rtf"})
    assert r.status_code == 400 and "Not a valid choice" in r.get_data(as_text=True)
    assert trainer.get(f"{draft}quizzes/final.gift").get_data(as_text=True).count("::") <= 2  # nothing added


def test_the_preview_renders_a_question_text_in_its_format(app, people):
    trainer = login(app, "trainer@example.com")
    draft = new_course(trainer, "mcn-preview")
    token = TOKEN.search(trainer.get(draft).get_data(as_text=True)).group(1)

    def preview(**payload):
        return trainer.client.post(f"{draft}preview", json=payload, headers={"X-CSRFToken": token})

    html = preview(markdown="**最好**？![图](../assets/a.png)", format="markdown").get_json()["html"]
    assert "<strong>最好</strong>" in html and f'src="{draft}assets/a.png"' in html  # the draft's own images
    assert preview(markdown="<b>最好</b><script>x()</script>", format="html").get_json()["html"] == "<b>最好</b>"
    assert preview(markdown="价格<100元", format="moodle").get_json()["html"] == "价格&lt;100元"
    assert preview(markdown="x", format="rtf").status_code == 400
    assert "<h2" in preview(markdown="## 小标题").get_json()["html"]  # a lesson, as before


def test_a_trainer_previews_every_question_as_hosts_see_it_with_its_key(app, people):
    trainer = login(app, "trainer@example.com")
    draft, quiz_url = new_quiz(trainer, "mcn-quiz-preview")
    bank = (GIFT_WITH_ERRORS.rstrip() + "\n}\n\n// [tag:type:ordering]\n::ord:: 退货步骤 {\n=确认收货日期\n=检查商品\n"
            "=办理退款\n}\n\n::md::[markdown]**绝对化用语**违法。{T####《广告法》第九条。}\n")  # fmt: skip
    assert trainer.send(quiz_url, {"action": "gift", "gift-gift": bank, "gift-mode": "append"}).status_code == 302
    assert "Preview every question as hosts see it" in trainer.get(quiz_url).get_data(as_text=True)
    page = trainer.get(f"{quiz_url}/preview").get_data(as_text=True)
    assert page.count('class="question card') == 4  # in the file's order, as on a paper
    assert "七日无理由退货从哪天起算" in page and "<strong>绝对化用语</strong>违法" in page
    assert "<strong>100%</strong> 收到商品之日" in page and "1. 确认收货日期" in page  # the key, for the trainer
    assert "《广告法》第九条。" in page and "No general feedback" in page  # the first questions have none
    assert 'type="submit"' not in page.split("</header>", 1)[-1].split("<footer", 1)[0]  # nothing to send
    assert login(app, "other@example.com").get(f"{quiz_url}/preview").status_code == 404
    # A question file with errors (only an imported zip can bring one) is not previewed: the page says where to go.
    exported, changed = trainer.get(f"{draft}export.zip").data, io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported)) as source, zipfile.ZipFile(changed, "w") as target:
        for name in source.namelist():
            data = GIFT_WITH_ERRORS.encode() if name.endswith("final.gift") else source.read(name)
            target.writestr(name, data)
    trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(changed.getvalue()), "c.zip")},
                 content_type="multipart/form-data")  # fmt: skip
    page = trainer.get(f"{quiz_url}/preview").get_data(as_text=True)
    assert "The question file has errors" in page and 'class="question card' not in page


def test_quiz_settings_take_pools_or_one_number(app, people):
    trainer = login(app, "trainer@example.com")
    draft, quiz_url = new_quiz(trainer, "mcn-draws")
    settings = {"action": "settings", "quiz-title_zh": "测验", "quiz-title_en": "Quiz", "quiz-pass_mark": "60",
                "quiz-time_limit_minutes": "0", "quiz-attempts": "3", "quiz-cooldown_minutes": "0",
                "quiz-feedback": "after_submit", "quiz-grade": "highest", "quiz-required": "y"}  # fmt: skip
    assert trainer.send(quiz_url, {**settings, "quiz-draw": "5"}).status_code == 302
    yaml_text = trainer.get(f"{draft}export.zip").data
    with zipfile.ZipFile(io.BytesIO(yaml_text)) as archive:
        assert "draw: 5" in archive.read("mcn-draws/course.yaml").decode()
    page = trainer.get(quiz_url).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="quiz-draw"[^>]*>\s*5</textarea>', page)  # shown as written, not a 500
    assert trainer.send(quiz_url, {**settings, "quiz-draw": "returns: 2\nads：1"}).status_code == 302
    page = trainer.get(quiz_url).get_data(as_text=True)
    assert re.search(r'name="quiz-draw"[^>]*>\s*returns: 2\nads: 1</textarea>', page)
    r = trainer.send(quiz_url, {**settings, "quiz-draw": "returns two"})
    assert r.status_code == 400 and "Line 1: write a pool as category: count." in r.get_data(as_text=True)


def test_gift_that_moodle_reads_surprisingly_is_saved_with_a_warning_at_its_line(app, people):
    trainer = login(app, "trainer@example.com")
    _draft, quiz_url = new_quiz(trainer, "mcn-warned")
    bank = "::a:: 哪些是七日无理由退货的条件？ {\n=商品完好\n=七日内\n~已拆封的定制商品\n}\n"
    assert trainer.send(quiz_url, {"action": "gift", "gift-gift": bank, "gift-mode": "append"}).status_code == 302
    page = trainer.get(quiz_url).get_data(as_text=True)
    assert 'id="gift-warnings"' in page
    assert "line 1: 2 answers are marked &#39;=&#39;: hosts choose one" in page
    chinese = trainer.client.get(quiz_url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "有 2 个答案标了“=”：主播只能选一个" in chinese
