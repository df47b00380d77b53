"""Issue 22, items 10 and 11, as trainers see them in Chromium: a trainer imports hosts once the organisation lets
trainers do it, downloads the set-password links still unused and opens their printable QR sheet; the cohort
dashboard shows a revoked certificate as revoked, study time with its units and full course titles on hover, and
sharing a cohort with a bureau says what is shared and asks first."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Organisation, Role
from tests.browser.conftest import accept_dialogs, axe_serious, log_in
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass

pytestmark = pytest.mark.browser

HOSTS_CSV = "昵称,手机号,邮箱\n阿杰,13900139000,\n小红,13700137000,\n小美,,mei@example.com\n"


def _mcn(app, make_user) -> dict[str, int]:
    ids = {"admin": make_user("admin@example.com", "培训主管"), "trainer": make_user("trainer@example.com", "王老师")}
    with app.app_context():
        session = get_session()
        mcn = orgs.create_organisation(session, name="星火传媒", slug="mcn-a", kind="mcn")
        orgs.add_member(session, org=mcn, user=session.get(User, ids["admin"]), role=Role.ORG_ADMIN)
        orgs.add_member(session, org=mcn, user=session.get(User, ids["trainer"]), role=Role.TRAINER)
        session.commit()
    return ids


def _desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True,
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})  # fmt: skip
    page = context.new_page()
    accept_dialogs(page)
    return context, page


def test_trainer_imports_hosts_when_allowed_and_hands_over_the_links(app, example, live_server, browser,  # noqa: F811
                                                                     make_user, artifacts_dir):  # fmt: skip
    _mcn(app, make_user)
    trainer_context, trainer = _desk(browser)
    log_in(trainer, live_server, "trainer@example.com", PASSWORD)
    trainer.goto(live_server + "/orgs/mcn-a/")
    assert trainer.get_by_role("link", name="从文件导入主播").count() == 0  # off by default
    assert trainer.goto(live_server + "/orgs/mcn-a/hosts/import").status == 403

    # The org admin allows it on the organisation's settings.
    admin_context, admin = _desk(browser)
    log_in(admin, live_server, "admin@example.com", PASSWORD)
    admin.goto(live_server + "/orgs/mcn-a/")
    admin.get_by_label("培训师可以导入主播").check()
    admin.get_by_role("button", name="保存设置").click()
    assert "设置已保存：培训师也可以导入主播" in admin.locator(".flashes").inner_text()
    admin_context.close()

    trainer.goto(live_server + "/orgs/mcn-a/")
    trainer.get_by_role("link", name="从文件导入主播").click()
    trainer.locator("#file").set_input_files({"name": "新主播.csv", "mimeType": "text/csv",
                                              "buffer": HOSTS_CSV.encode("utf-8-sig")})  # fmt: skip
    trainer.locator("main form [type=submit]").first.click()
    trainer.get_by_role("button", name=re.compile("确认")).click()
    shown = trainer.locator("main").inner_text()
    assert "已创建主播：3" in shown and "阿杰" in shown and "小红" in shown
    assert trainer.locator(".qr-slip").count() == 2  # the phone-only hosts' codes
    assert axe_serious(trainer) == []
    trainer.screenshot(path=str(artifacts_dir / "trainer-import-allowed.png"), full_page=True)

    with trainer.expect_download() as download:
        trainer.locator("#pending-downloads").get_by_role("link", name="下载链接（CSV）").click()
    assert download.value.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["主播", "手机号或邮箱（部分隐藏）", "班级", "设置密码链接", "有效期至（北京时间）"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["阿杰"][1] == "139****9000" and "/account/reset/" in by_name["阿杰"][3]
    assert set(by_name) == {"阿杰", "小红", "小美"}

    trainer.locator("#pending-downloads").get_by_role("link", name="可打印页：尚未使用的链接").click()
    sheet = trainer.locator("main").inner_text()
    assert "尚待转交的设置密码链接" in sheet and "139****9000" in sheet and "13900139000" not in sheet
    assert trainer.locator(".qr-slip svg").count() == 3
    assert axe_serious(trainer) == []
    trainer.screenshot(path=str(artifacts_dir / "trainer-first-links-sheet.png"), full_page=True)
    trainer.goto(live_server + "/orgs/mcn-a/")
    assert "3 位导入的主播还有未使用的设置密码链接" in trainer.locator("#first-links").inner_text()
    trainer_context.close()


def test_cohort_dashboard_shows_a_revoked_certificate_and_sharing_asks_first(app, example, live_server, browser,  # noqa: F811
                                                                            make_user, artifacts_dir):  # fmt: skip
    from lms.certificates.models import Certificate
    from lms.cohorts.models import CohortSubmission

    _mcn(app, make_user)
    host = make_user("host@example.com", "林小美")
    with app.app_context():
        session = get_session()
        mcn = session.scalar(select(Organisation).where(Organisation.slug == "mcn-a"))
        orgs.add_member(session, org=mcn, user=session.get(User, host), role=Role.LEARNER)
        orgs.create_organisation(session, name="示例市人社局", slug="city-bureau", kind="bureau")
        session.commit()
    context, page = _desk(browser)
    log_in(page, live_server, "trainer@example.com", PASSWORD)
    page.goto(live_server + "/orgs/mcn-a/cohorts")
    page.locator("#name").fill("十一月新主播班")
    page.locator("#starts_on").fill(date.today().isoformat())
    page.locator("#ends_on").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="创建班级").click()
    cohort_url = page.url
    page.get_by_label("林小美").check()
    page.get_by_role("button", name=re.compile("加入班级|添加")).first.click()
    page.locator("#course").select_option(index=0)
    page.locator("#deadline").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="布置").click()
    study_and_pass(app, host)
    with app.app_context():
        session = get_session()
        certificate = session.scalar(select(Certificate))
        certificate.status, certificate.revoked_reason, certificate.revoked_category = "revoked", "代考", "misconduct"
        session.commit()

    page.goto(cohort_url)
    board = page.locator("main").inner_text()
    assert "证书已撤销" in board and "已获证书" not in board
    assert re.search(r"\d+\.\d 学时", board) and " h" not in board and "0.0 h" not in board
    assert re.search(r"\d+ 分钟", board)
    header = page.locator("thead th[title]").first
    full_title = header.get_attribute("title")
    assert full_title and full_title.startswith(header.inner_text().split("\n")[0].rstrip("…"))
    header.hover()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "cohort-dashboard-revoked.png"), full_page=True)

    share = page.locator("form[data-confirm]")
    share.scroll_into_view_if_needed()
    assert "完整身份证号" in share.inner_text()
    share.get_by_role("button").click()  # without the tick, the browser stops it: nothing is shared
    with app.app_context():
        assert get_session().scalar(select(CohortSubmission)) is None
    share.locator("#understood").check()
    page.locator("section.card", has=share).screenshot(path=str(artifacts_dir / "cohort-share-confirm.png"))
    share.get_by_role("button").click()
    page.wait_for_load_state("load")
    assert any("完整身份证号" in m for m in page.dialog_messages)  # the confirmation said what is shared
    assert "已提交：人社部门现在可以审核本班级的学习记录" in page.locator(".flashes").inner_text()
    with app.app_context():
        assert get_session().scalar(select(CohortSubmission)) is not None
    context.close()
