"""A host on a phone pastes a script with several kinds of problem, sees each marked with law, article and a
rewrite, fixes it in place and gets a clean result; axe finds nothing serious on either page."""

import re

import pytest

from tests.browser.conftest import axe_serious, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SCRIPT = "\n".join([
    "姐妹们，这是全网最好用的面霜，没有之一",
    "它还能治痘痘，药妆级别的",
    "原价399，今天直播间只要99",
    "想便宜的加我微信，私下转账再少二十",
])
FIXED = "\n".join([
    "姐妹们，这是我们家三款面霜里最滋润的一款",
    "备案的功效是保湿，长痘严重请先看皮肤科",
    "厂商建议零售价399元，今天直播间到手99元",
    "喜欢的直接在小黄车下单，售后有平台保障",
])


def test_host_fixes_a_script_until_it_is_clean(app, live_server, phone, make_user, artifacts_dir):
    make_user("host@example.com", "小林")
    page = phone
    log_in(page, live_server, "host@example.com", PASSWORD)
    page.locator("nav.tab-bar").get_by_role("link", name=re.compile("^我的")).click()  # on a phone: under 我的
    page.get_by_role("link", name="话术检查").click()
    page.get_by_label("商品品类").select_option("beauty")
    page.get_by_label("你的话术").fill(SCRIPT)
    page.get_by_role("button", name="检查话术").click()

    result = page.get_by_test_id("result")
    assert "处违规" in result.locator("h2").inner_text()
    marked = page.get_by_test_id("script-view")
    for text in ("全网最好用", "治痘痘", "原价399，今天", "加我微信", "私下转账"):
        assert marked.locator("mark", has_text=text).count() >= 1, text
    assert marked.locator(".mark-tag", has_text="违规").count() >= 3  # a text label, not colour only
    assert marked.locator(".mark-tag", has_text="需核实").count() == 1
    findings = page.get_by_test_id("findings")
    first = findings.locator("li").first
    assert "绝对化用语" in first.inner_text() and "《中华人民共和国广告法》第九条第（三）项" in first.inner_text()
    assert "别这样说： “全网最好用”" in first.inner_text() and "可以这样说：" in first.inner_text()
    cosmetic = findings.locator("li", has_text="疾病治疗宣称").first.inner_text()
    assert "《化妆品监督管理条例》第四十三条第二款" in cosmetic
    assert "《明码标价和禁止价格欺诈规定》第十六条第二款" in findings.inner_text()
    assert "《中华人民共和国消费者权益保护法》第四十四条" in findings.inner_text()
    # following a label jumps to its explanation
    marked.locator(".mark-tag").first.click()
    assert page.url.endswith("#finding-1")
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "scriptcheck-findings-phone.png"), full_page=True)

    box = page.get_by_label("你的话术")
    assert box.input_value().startswith("姐妹们，这是全网最好用的面霜")  # edit in place
    box.fill(FIXED)
    page.get_by_role("button", name="检查话术").click()
    assert page.get_by_test_id("clean").inner_text() == "没有发现问题"
    assert page.get_by_test_id("script-view").count() == 0
    scope = page.locator(".checked-scope")
    assert "绝对化用语" in scope.inner_text() and "工具无法判断" in scope.inner_text()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "scriptcheck-clean-phone.png"), full_page=True)


def test_trainer_adds_a_platform_word_and_sees_anonymous_counts(app, live_server, phone, make_user):
    from lms.accounts.models import User
    from lms.db import get_session
    from lms.orgs import services as orgs
    from lms.orgs.models import OrgKind, Role

    trainer, host = make_user("trainer@example.com", "王老师"), make_user("host@example.com", "小林")
    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="星光MCN", slug="xingguang", kind=OrgKind.MCN.value)
        orgs.add_member(session, org=org, user=session.get(User, trainer), role=Role.TRAINER)
        orgs.add_member(session, org=org, user=session.get(User, host), role=Role.LEARNER)
        session.commit()
    page = phone
    log_in(page, live_server, "trainer@example.com", PASSWORD)
    page.goto(live_server + "/orgs/xingguang/")
    page.get_by_role("link", name="话术规则与常见问题").click()
    page.get_by_label("规则类型").select_option("banned")
    page.get_by_label("词或短语").fill("秒杀")
    page.get_by_label("理由（主播可见）").fill("本平台规则：不得使用“秒杀”")
    page.get_by_role("button", name="添加这条规则").click()
    assert "本平台规则：不得使用“秒杀”" in page.get_by_test_id("org-rules").inner_text()
    assert axe_serious(page) == []

    host_page = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                                 extra_http_headers={"Accept-Language": "zh-CN"}).new_page()
    log_in(host_page, live_server, "host@example.com", PASSWORD)
    host_page.goto(live_server + "/script-check/")
    host_page.get_by_role("textbox", name="你的话术").fill("今天秒杀价，全网最低价")
    host_page.get_by_role("button", name="检查话术").click()
    assert "本平台规则：不得使用“秒杀”" in host_page.get_by_test_id("findings").inner_text()
    host_page.context.close()

    page.reload()
    counts = page.get_by_test_id("finding-counts").inner_text()
    assert "org.banned" in counts and "absolute.superlative" in counts and "全网" not in counts
    assert axe_serious(page) == []
