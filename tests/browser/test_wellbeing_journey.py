"""On a phone: the site operator reads the WHO-5 licence and switches the self-check on; a host takes it without
storing, then stores two results with consent, sees the change over time and the helplines, and deletes one. Axe
finds nothing serious on any of these pages."""

import re

import pytest

from tests.browser.conftest import axe_serious, log_in, serve
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ITEMS = ["我感觉快乐、心情舒畅", "我感觉宁静和放松", "我感觉充满活力、精力充沛", "我睡醒时感到清新、得到了足够休息",
         "我每天生活充满了有趣的事情"]


@pytest.fixture
def live_server(app):
    """The app on a port of this suite's range (19200-19299), not one the system picks."""
    yield from serve(app)


def answer(page, choices: list[str], consent: bool) -> None:
    for number, (item, choice) in enumerate(zip(ITEMS, choices), start=1):
        group = page.get_by_role("group", name=re.compile(f"^{number}\\. {item}$"))
        group.get_by_label(choice, exact=True).check()
    if consent:
        page.get_by_label("我同意保存这次结果，以便查看前后变化").check()
    page.get_by_role("button", name="查看我的结果").click()


def test_operator_switches_it_on_and_a_host_checks_in_privately(app, live_server, phone, make_user, artifacts_dir):
    make_user("root@example.com", "运营", is_site_admin=True)
    make_user("host@example.com", "小林")
    page = phone
    log_in(page, live_server, "root@example.com", PASSWORD)
    page.get_by_role("link", name="自查开关").click()
    assert "CC BY-NC-SA 3.0 IGO" in page.get_by_test_id("licence").inner_text()
    page.get_by_role("button", name="开启这项自查").click()
    assert "请先确认许可允许你的用途" in page.locator("main").inner_text()
    page.get_by_label("我已阅读上面的许可，确认它允许我们在本站这样使用这项自查").check()
    page.get_by_role("button", name="开启这项自查").click()
    assert page.get_by_test_id("status").inner_text().startswith("已开启：许可确认于")
    assert axe_serious(page) == []
    page.context.clear_cookies()

    log_in(page, live_server, "host@example.com", PASSWORD)
    page.locator("nav.tab-bar").get_by_role("link", name=re.compile("^我的")).click()  # on a phone: under 我的
    page.get_by_role("link", name="身心自查", exact=True).click()
    page.get_by_role("link", name="WHO-5 身心状态自查").click()
    assert page.get_by_label("我同意保存这次结果，以便查看前后变化").is_checked() is False
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "wellbeing-form-phone.png"), full_page=True)

    answer(page, ["少于一半的时间", "少于一半的时间", "超过一半的时间", "少于一半的时间", "有时候"], consent=False)
    result = page.get_by_test_id("result")
    assert result.get_by_test_id("score").inner_text().startswith("你的得分：40（满分100）")
    assert "找一个信任的人聊一聊" in result.get_by_test_id("talk-to-someone").inner_text()
    assert "这次结果没有保存" in result.inner_text()
    assert "12356" in page.get_by_test_id("help").inner_text()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "wellbeing-result-phone.png"), full_page=True)

    page.get_by_role("link", name="再做一次自查").click()
    answer(page, ["少于一半的时间", "少于一半的时间", "超过一半的时间", "少于一半的时间", "有时候"], consent=True)
    assert "结果已保存" in page.locator("main").inner_text()
    page.get_by_role("link", name="再做一次自查").click()
    answer(page, ["大部分时间"] * 5, consent=True)
    history = page.get_by_test_id("history")
    rows = history.locator("tbody tr")
    assert rows.count() == 2
    assert "+40" in rows.nth(1).inner_text() and "变化明显" in rows.nth(1).inner_text()
    assert page.locator("svg.trend-chart circle").count() == 2
    assert "12356" in page.get_by_test_id("help").inner_text()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "wellbeing-trend-phone.png"), full_page=True)

    rows.nth(0).get_by_role("button", name=re.compile("^删除")).click()
    assert "结果已删除。" in page.locator("main").inner_text()
    assert page.get_by_test_id("history").locator("tbody tr").count() == 1
    assert axe_serious(page) == []
