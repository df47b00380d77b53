"""Browser fixtures: the app served on a free localhost port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def serve(app, ports=(0,)):
    """Serve ``app`` on the first free port of ``ports`` (0: one the system picks); yield its base URL."""
    for port in ports:
        try:
            server = make_server("127.0.0.1", port, app, threaded=True)
            break
        except OSError:
            continue
    else:
        pytest.skip(f"no free port in {ports}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LMS"].base_url = f"http://127.0.0.1:{server.server_port}"
    yield app.config["LMS"].base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    yield from serve(app)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium"):
        if IN_CI:
            pytest.fail("Debian's chromium is not installed (CI must install it)")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page asking for Chinese, as most hosts use the site."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = context.new_page()
    accept_dialogs(page)
    yield page
    context.close()


def accept_dialogs(page) -> list[str]:
    """Accept every confirm() as a person who means it would, keeping the messages for assertions."""
    messages: list[str] = []

    def handle(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", handle)
    page.dialog_messages = messages
    return messages


def log_in(page, base_url: str, login: str, password: str) -> None:
    """Log in through the form, as a person would."""
    page.goto(base_url + "/account/login")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("main form [type=submit]").first.click()


def axe_serious(page) -> list[str]:
    """Serious and critical accessibility violations on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    # A click that navigates returns before the new document exists; axe run in that gap
    # finds no document ("reading 'documentElement'") or loses its context. Wait for the
    # page to load, and run once more if the document was still being replaced.
    for tries_left in (1, 0):
        page.wait_for_load_state("load")
        try:
            results = Axe().run(page)
            break
        except PlaywrightError as error:
            transient = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not (transient and tries_left):
                raise
            page.wait_for_timeout(200)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
