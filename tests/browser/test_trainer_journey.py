"""The trainer's journey of issue 9, in Chromium: write a course with two lessons and a GIFT-imported quiz, publish
it, import a cohort of hosts from a CSV (the bad row reported, and skipped only after confirmation), assign the
course; a host of the cohort completes it; the trainer sees the completion and exports the progress file."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.db import get_session
from lms.mail.models import OutboxMessage
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.browser.conftest import accept_dialogs, axe_serious
from tests.browser.test_learning_journey import read_for
from tests.browser.test_quiz_journey import answer_correctly, latest_paper
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

LESSON_TWO = """## 七日无理由退货怎么讲

消费者网购商品，自收到商品之日起七日内有权退货，且无需说明理由[^law]。

!!! warning "别这样说"
    "直播间商品一律不退不换"——这句话违反法律，也会被平台处罚。

[^law]: 《中华人民共和国消费者权益保护法》第二十五条。
"""

BROKEN_GIFT = "$CATEGORY: returns\n\n::q1:: 七日无理由退货从哪天起算？{\n=收到商品之日\n~下单之日\n"
GOOD_GIFT = """$CATEGORY: returns

// [tag:skill:compliance]
::q1:: 七日无理由退货从哪天起算？{
=收到商品之日#对，从收到商品之日起算。
~下单之日#不对。
####《消费者权益保护法》第二十五条。
}

// [tag:skill:compliance]
::q2:: 主播可以说"本店商品一律不退不换"。{FALSE####《消费者权益保护法》第二十五条。}

// [tag:skill:compliance]
::q3:: 网购商品无理由退货的期限是几天？{#7####《消费者权益保护法》第二十五条。}
"""

HOSTS_CSV = "昵称,手机号,邮箱\n小美,,mei@example.com\n阿杰,,jie@example.com\n坏号码,12345,\n"


def test_trainer_writes_publishes_imports_assigns_and_exports(app, example, live_server, browser, make_user,  # noqa: F811
                                                              artifacts_dir, tmp_path):  # fmt: skip
    cfg = app.config["LMS"]
    cfg.heartbeat_seconds, cfg.lesson_completion_ratio = 1, 0.005
    admin_id = make_user("admin@example.com", "培训主管")
    with app.app_context():
        session = get_session()
        mcn = orgs.create_organisation(session, name="星火传媒", slug="mcn-a", kind="mcn")
        orgs.add_member(session, org=mcn, user=session.get(User, admin_id), role=Role.ORG_ADMIN)
        session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True,
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})  # fmt: skip
    page = context.new_page()
    accept_dialogs(page)
    page.goto(live_server + "/account/login")
    page.locator("#login").fill("admin@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()

    # 1. A new course, its details, a second lesson written with the live preview.
    page.goto(live_server + "/orgs/mcn-a/")
    page.get_by_role("link", name="编写和发布课程").click()
    assert axe_serious(page) == []
    # Item 9: a Chinese code and a missing title are both reported at once; the English title is optional.
    page.locator("#new-slug").fill("退货")
    page.get_by_role("button", name="创建草稿").click()
    shown = page.locator("main").inner_text()
    assert "小写字母" in shown and "此项为必填项" in shown and "留空则根据标题自动生成" in shown
    assert "检查器" not in shown and "git" not in shown
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "authoring-new-course-every-error.png"), full_page=True)
    page.locator("#new-slug").fill("mcn-returns")
    page.locator("#new-title_zh").fill("退货规则入门")
    page.get_by_role("button", name="创建草稿").click()
    shown = page.locator("main").inner_text()
    assert "没有发现问题，可以发布" in shown and "检查器" not in shown and "01-intro.md" not in shown
    # Item 8: two images with Chinese names are both kept, under distinct names.
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    for name, data in (("退货流程.png", png + b"1"), ("话术示意.png", png + b"2")):
        page.locator("#asset-image").set_input_files({"name": name, "mimeType": "image/png", "buffer": data})
        page.locator("#assets [type=submit]").last.click()
        assert f"{name} 已保存为" in page.locator(".flashes").inner_text()
    images = page.locator("#assets").inner_text()
    assert "tuihuoliucheng.png" in images and "huashushiyi.png" in images
    assert axe_serious(page) == []
    page.locator("#assets").screenshot(path=str(artifacts_dir / "authoring-images-chinese-names.png"))
    page.locator("#details-required_minutes").fill("0")
    page.get_by_role("button", name="保存课程信息").click()
    page.locator("#lessons summary").click()
    page.locator("#lesson-slug").fill("returns")
    page.locator("#lesson-title_zh").fill("七日无理由退货")
    page.locator("#lesson-title_en").fill("Seven-day returns")
    page.get_by_role("button", name="添加课时").click()
    page.locator("#lesson-body").fill(LESSON_TWO)
    page.locator("#preview .admonition-title").wait_for()
    assert "消费者权益保护法" in page.locator("#preview").inner_text()
    page.screenshot(path=str(artifacts_dir / "authoring-lesson-preview.png"))
    assert axe_serious(page) == []
    page.get_by_role("button", name="保存课时").click()
    assert "课时已保存" in page.locator(".flashes").inner_text()

    # 2. A quiz from a GIFT file: a broken file is refused at its line, the fixed one is imported.
    page.goto(live_server + "/orgs/mcn-a/authoring/mcn-returns/")
    page.locator("#quizzes summary").click()
    page.locator("#quiz-quiz_id").fill("final")
    page.locator("#quiz-title_zh").fill("结业测验")
    page.locator("#quiz-title_en").fill("Final quiz")
    page.get_by_role("button", name="添加测验").click()
    gift_file = {"name": "returns.gift", "mimeType": "text/plain"}
    page.locator("#gift-upload").set_input_files({**gift_file, "buffer": BROKEN_GIFT.encode()})
    page.locator("#gift-mode").select_option("replace")
    page.get_by_role("button", name="保存题目").click()
    errors = page.locator("#gift-errors").inner_text()
    assert "未保存任何内容" in errors and "第 3 行：此处开始的答案块“{”没有结束" in errors  # the parser, in Chinese
    page.locator("#gift-gift").fill("")
    page.locator("#gift-upload").set_input_files({**gift_file, "buffer": GOOD_GIFT.encode()})
    page.locator("#gift-mode").select_option("replace")
    page.get_by_role("button", name="保存题目").click()
    assert "3 道题" in page.locator("#questions").inner_text()
    assert axe_serious(page) == []
    # The question editor shows the columns a type uses: matching pairs have neither weight nor feedback.
    weight, feedback = page.locator("#question-answers-0-percent"), page.locator("#question-answers-0-feedback")
    matches = page.locator("#question-answers-0-match")
    page.locator("#question-kind").select_option(label="配对题")
    assert matches.is_visible() and not weight.is_visible() and not feedback.is_visible()
    page.locator("#question-kind").select_option(label="单选题")
    assert weight.is_visible() and feedback.is_visible() and not matches.is_visible()
    # The question's text previews as hosts will see it, in the format chosen.
    from playwright.sync_api import expect

    page.locator("#question-text").fill("哪句是**绝对化用语**？")
    expect(page.locator("#preview")).to_contain_text("哪句是**绝对化用语**？")  # GIFT's default: as written
    page.locator("#question-text_format").select_option("markdown")
    expect(page.locator("#preview strong")).to_have_text("绝对化用语")
    page.locator("#question-text").fill("")
    page.get_by_role("link", name="按主播看到的样子预览全部题目").click()
    assert page.locator(".question").count() == 3 and "第 1 题的答案与反馈" in page.content()
    assert axe_serious(page) == []
    page.go_back()
    page.get_by_role("link", name=re.compile("草稿：mcn-returns")).click()
    page.get_by_label("学完颁发证书").last.check()  # item 12: the publish form asks about the certificate
    page.get_by_role("button", name="发布").click()
    assert "已发布为第 1 版" in page.locator(".flashes").inner_text()
    assert any("现在发布这门课程吗" in m for m in page.dialog_messages)  # and publishing asked first
    assert axe_serious(page) == []

    # 3. A cohort, then its hosts from a CSV: the bad row is shown and nothing is written before confirming.
    page.goto(live_server + "/orgs/mcn-a/cohorts")
    page.locator("#name").fill("十一月新主播班")
    page.locator("#starts_on").fill(date.today().isoformat())
    page.locator("#ends_on").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="创建班级").click()
    cohort_url = page.url
    page.goto(live_server + "/orgs/mcn-a/hosts/import")
    page.locator("#file").set_input_files({"name": "hosts.csv", "mimeType": "text/csv",
                                           "buffer": HOSTS_CSV.encode("utf-8-sig")})  # fmt: skip
    page.locator("#cohort").select_option(label="十一月新主播班")
    page.locator("main form [type=submit]").first.click()
    preview = page.locator("main").inner_text()
    assert "将创建 2 行，1 行有问题" in preview
    bad_row = page.get_by_role("row", name=re.compile("坏号码")).inner_text()
    assert bad_row.split()[0] == "4" and "手机号" in bad_row and "12345" in bad_row
    with app.app_context():
        assert get_session().scalar(select(User).where(User.email == "mei@example.com")) is None
    page.screenshot(path=str(artifacts_dir / "host-import-preview.png"))
    assert axe_serious(page) == []
    page.get_by_role("button", name=re.compile("确认")).click()
    assert "小美" in page.locator("main").inner_text() and "阿杰" in page.locator("main").inner_text()

    # 4. The course is assigned to the cohort.
    page.goto(cohort_url)
    page.locator("#course").select_option(label="退货规则入门")
    page.locator("#deadline").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="布置").click()

    # 5. A host sets a password from the mailed link, studies both lessons and passes the quiz.
    with app.app_context():
        mail = get_session().scalar(select(OutboxMessage).where(OutboxMessage.recipient == "mei@example.com"))
        link = re.search(r"https?://\S+", mail.body).group(0)
    host_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                       extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})  # fmt: skip
    host = host_context.new_page()
    accept_dialogs(host)
    host.goto(link)
    host.locator("#password").fill("a new password 2026")
    host.locator("main form [type=submit]").first.click()
    assert "密码已设置，你已登录" in host.locator(".flashes").inner_text()  # no second log-in by hand
    host.goto(live_server + "/courses/mcn-returns")
    host.get_by_role("link", name=re.compile("继续学习|开始学习")).first.click()
    for _lesson in range(2):
        read_for(host, 10, at_least=10)
        host.locator("#finish button").click()
    host.goto(live_server + "/courses/mcn-returns/quizzes/final")
    host.get_by_role("button", name="开始测验").click()
    answer_correctly(host, latest_paper(app))
    host.get_by_role("button", name="提交全部答案").click()
    assert "已通过" in host.locator(".result").inner_text()
    host_context.close()

    # 6. The trainer sees the completion and exports the progress file.
    page.goto(cohort_url)
    board = page.locator("main").inner_text()
    assert "小美" in board and "已完成" in board
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    mei = next(r for r in rows if r.get("host") == "小美" or "小美" in r.values())
    assert "completed" in mei.values()
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="导出 XLSX").click()
    assert xlsx.value.suggested_filename.endswith(".xlsx")
    page.screenshot(path=str(artifacts_dir / "cohort-completed.png"))
    page.get_by_role("link", name="小美").first.click()  # the host's learning record
    record = page.locator("main").inner_text()
    assert "退货规则入门" in record and "已完成" in record and "2 / 2" in record
    assert axe_serious(page) == []
    context.close()
