"""A host on a phone opens a rewrite exercise from the course page, checks the AI draft as it is and sees each
flagged span with law and rewrite, rewrites the flagged sentences in the same box, and sees it pass with the model
answer; axe finds nothing serious on any of the pages (issue 17)."""

import re

import pytest

from tests.browser.conftest import axe_serious, log_in
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

FLAGGED = "这是市面上最好的保温杯，买到就是赚到。"
REWRITTEN = "杯身是不锈钢的，装热水放一上午还是温的，我自己天天在用。"


def test_host_rewrites_a_flagged_sentence_and_sees_the_result(app, example, live_server, phone, make_user,  # noqa: F811
                                                              artifacts_dir):
    make_user("host@example.com", "小林")
    page = phone
    log_in(page, live_server, "host@example.com", PASSWORD)
    page.goto(live_server + "/courses/first-live-room")
    page.get_by_role("button", name="报名学习").click()
    page.goto(live_server + "/courses/first-live-room")
    page.get_by_role("link", name="改写开场话术").click()
    assert page.url.endswith("/courses/first-live-room/exercises/opening-lines")
    assert FLAGGED in page.get_by_test_id("sample").inner_text()
    assert page.get_by_test_id("keep").locator(".tag").all_inner_texts() == ["云朵保温杯", "59元"]
    assert axe_serious(page) == []

    # The draft as it is: both absolute terms are marked, each with the law and a rewrite.
    box = page.get_by_role("textbox", name="你的改写")
    assert FLAGGED in box.input_value()  # the box starts from the AI draft
    page.get_by_role("button", name="检查我的改写").click()
    assert page.get_by_test_id("failed").inner_text() == "还没通过：按下面列出的问题修改后再检查一次。"
    marked = page.get_by_test_id("script-view")
    for text in ("全网最低价", "最好"):
        assert marked.locator("mark", has_text=text).count() >= 1, text
    findings = page.get_by_test_id("findings").inner_text()
    assert "《中华人民共和国广告法》第九条第（三）项" in findings and "可以这样说：" in findings
    assert page.get_by_test_id("explanation").count() == 0  # the model answer only after passing
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "rewrite-exercise-flagged-phone.png"), full_page=True)

    # The host rewrites the flagged sentences in the same box and checks again.
    box = page.get_by_role("textbox", name="你的改写")
    draft = box.input_value()
    assert FLAGGED in draft
    fixed = draft.replace("是全网最低价，只要59元", "，直播间价59元").replace(FLAGGED, REWRITTEN)
    box.fill(fixed)
    page.get_by_role("button", name="检查我的改写").click()
    assert page.get_by_test_id("passed").inner_text() == "通过：检查没有发现违规，所有事实都保留了。"
    assert page.get_by_test_id("clean").inner_text() == "没有发现问题"
    assert re.search(r"你的最好成绩：.+ 通过，共尝试 2 次。", page.get_by_test_id("best").inner_text())
    explanation = page.get_by_test_id("explanation").inner_text()
    assert "《广告法》第九条第（三）项" in explanation and "直播间价59元" in explanation
    assert page.get_by_role("textbox", name="你的改写").input_value().replace("\r\n", "\n").strip() == fixed.strip()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "rewrite-exercise-passed-phone.png"), full_page=True)
