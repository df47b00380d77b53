"""A new host's first visit in a real browser: the language switch as a visitor, register, log in, real-name
profile, the language switch as a member, log out.

Every page on the way is checked with axe-core: no serious or critical accessibility violations.
"""

import pytest

from tests.browser.conftest import axe_serious

pytestmark = pytest.mark.browser

VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT = "110105194912310021"


def check_a11y(page, seen: dict) -> None:
    seen[page.url] = axe_serious(page)


def test_host_journey(live_server, phone, artifacts_dir):
    page, a11y = phone, {}
    page.goto(live_server + "/courses/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("button", name="中文").get_attribute("aria-current") == "true"
    check_a11y(page, a11y)

    # A visitor's switch: the same page in English, then back in Chinese, and still no session cookie.
    page.get_by_role("button", name="English").click()
    assert page.url == live_server + "/courses/" and page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="English").get_attribute("aria-current") == "true"
    page.get_by_role("button", name="中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert {cookie["name"] for cookie in page.context.cookies()} == {"lms_lang"}
    page.goto(live_server + "/")

    # Register (in Chinese, as the browser asks).
    page.get_by_role("link", name="注册").first.click()
    check_a11y(page, a11y)
    page.locator("#display_name").fill("小林")
    page.locator("#login").fill("lin@example.com")
    page.locator("#password").fill("correct horse 42")
    page.locator("main form [type=submit]").first.click()
    assert "小林" in page.locator("main").inner_text()

    # Log out (on a phone: under 我的 in the bottom tab bar) and back in.
    page.locator("nav.tab-bar").get_by_role("link", name="我的").click()
    page.locator(".menu-list form button").click()
    page.goto(live_server + "/account/login")
    check_a11y(page, a11y)
    page.locator("#login").fill("lin@example.com")
    page.locator("#password").fill("correct horse 42")
    # On a phone, typing a password blind is error-prone: the field can be shown, and hidden again.
    show = page.get_by_role("button", name="显示密码")
    show.click()
    assert page.locator("#password").get_attribute("type") == "text" and show.get_attribute("aria-pressed") == "true"
    show.click()
    assert page.locator("#password").get_attribute("type") == "password"
    page.locator("main form [type=submit]").first.click()
    page.goto(live_server + "/account/real-name")
    check_a11y(page, a11y)

    # A wrong check digit is refused with a message on that field.
    page.locator("#legal_name").fill("林小美")
    page.locator("#id_number").fill(WRONG_CHECK_DIGIT)
    page.locator("#consent").check()
    page.locator("main form [type=submit]").first.click()
    error = page.locator("#id_number-error")
    assert error.is_visible()
    assert page.locator("#id_number").get_attribute("aria-describedby").find("id_number-error") >= 0
    check_a11y(page, a11y)
    page.screenshot(path=str(artifacts_dir / "real-name-error-phone.png"), full_page=True)

    # The right number is saved and shown masked.
    page.locator("#id_number").fill(VALID_ID)
    page.locator("#consent").check()
    page.locator("main form [type=submit]").first.click()
    masked = page.get_by_test_id("id-masked").inner_text()
    assert masked == "110105********002X"
    assert VALID_ID not in page.content()
    check_a11y(page, a11y)
    page.screenshot(path=str(artifacts_dir / "account-phone.png"), full_page=True)

    # Switch to English: the page changes and the choice stays on the next page.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "My account" in page.locator("main h1").inner_text()
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    check_a11y(page, a11y)

    # Log out: on a phone it is under "Me" in the bottom tab bar, not in a header menu.
    page.locator("nav.tab-bar").get_by_role("link", name="Me", exact=True).click()
    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("link", name="Log in").first.is_visible()

    assert len(a11y) >= 5  # axe really ran on each page of the journey
    assert {url: found for url, found in a11y.items() if found} == {}
