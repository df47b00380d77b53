"""A host enrols, reads two lessons with real heartbeats, sees progress and study time, and comes back later."""

import re
import time

import pytest

from tests.browser.conftest import axe_serious
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def read_for(page, seconds: float, at_least: int = 0, limit: float = 30) -> None:
    """Stay on the page and keep 'reading' (scrolling), as a host does: for ``seconds``, and until the server has
    credited ``at_least`` seconds (a loaded machine can delay heartbeats), at most ``limit`` seconds."""
    start = time.monotonic()
    while True:
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(400)
        elapsed = time.monotonic() - start
        if elapsed >= limit or (elapsed >= seconds and credited(page) >= at_least):
            return


def credited(page) -> int:
    """Seconds of study the lesson page shows as counted by the server."""
    numbers = [int(n) for n in re.findall(r"\d+", page.locator("#lesson-time").inner_text())]
    return numbers[0] * 60 + numbers[1] if len(numbers) >= 2 else 0


def test_host_reads_two_lessons_and_resumes(app, example, live_server, phone, make_user, artifacts_dir):  # noqa: F811
    cfg = app.config["LMS"]
    cfg.heartbeat_seconds = 1
    cfg.lesson_completion_ratio = 0.005  # 10-minute lessons need 3 s of verified reading in this test
    make_user("host@example.com", "小林")
    page = phone
    page.goto(live_server + "/account/login")
    page.locator("#login").fill("host@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()

    page.goto(live_server + "/courses/")
    page.get_by_role("link", name="第一次开播：准备清单").click()
    assert axe_serious(page) == []
    page.get_by_role("button", name="报名学习").click()
    assert page.url.endswith("/lessons/before-you-start")
    assert page.locator(".admonition-title").first.inner_text() == "小提示"
    read_for(page, 5, at_least=4)
    assert credited(page) >= 4
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "lesson-phone.png"))
    page.get_by_role("button", name="完成本课，进入下一课").click()
    assert page.url.endswith("/lessons/words-to-avoid")
    assert "已完成 1 课" in page.locator(".progress-block").inner_text()
    read_for(page, 2, at_least=1)

    # Later: the host comes back to the course and continues where they left off.
    page.goto(live_server + "/")
    page.goto(live_server + "/courses/first-live-room")
    assert "已完成 1 / 2 课" in page.locator(".progress-block").inner_text()
    page.get_by_role("link", name=re.compile("继续学习：别说这些话")).click()
    assert page.url.endswith("/lessons/words-to-avoid")

    page.goto(live_server + "/learning/record")
    record = page.locator("main").inner_text()
    assert "开播前要准备什么" in record and "别说这些话" in record
    assert axe_serious(page) == []
