"""base.html's fixed parts come prebuilt per process (lms.site.templating.page_frame): each page still carries its
own CSRF token, path, title and flashes, the right words and links for its language and kind of header, and the
static files' current names (fixed in production, following edits in development)."""

import hashlib
import re
import shutil

import pytest
from lms.resources import shipped
from lms.site import templating
from tests.conftest import PASSWORD, Browserish, csrf_token_from


@pytest.fixture(autouse=True)
def fresh_frames():
    # Frames are keyed by id(app): a later test's app may reuse this one's id, so none outlives the test.
    templating._frame.memo.clear()
    yield
    templating._frame.memo.clear()


def _meta_token(html: str) -> str:
    return html.split('<meta name="csrf-token" content="')[1].split('"')[0]


def test_each_page_has_its_own_token_path_and_title_in_the_shared_frame(app, make_user):
    make_user("host@example.com")
    host, visitor = Browserish(app.test_client(), language="zh-CN"), Browserish(app.test_client(), language="en")
    host.login("host@example.com", PASSWORD)
    for _ in range(2):  # the second round from the kept frames
        mine = host.get("/learning/?q=<b>&x=1").get_data(as_text=True)
        theirs = visitor.get("/account/login").get_data(as_text=True)
        assert mine.startswith('<!doctype html>\n<html lang="zh-CN">')
        assert theirs.startswith('<!doctype html>\n<html lang="en">')
        assert '<body class="has-tabs">' in mine and '<nav class="tab-bar"' in mine and "退出登录" in mine
        assert 'name="next" value="/learning/?q=&lt;b&gt;&amp;x=1">' in mine  # escaped, as before
        assert "<body>" in theirs and "tab-bar" not in theirs and ">Log in</a>" in theirs and "退出" not in theirs
        assert 'name="next" value="/account/login">' in theirs
        assert re.search(r"<title>[^<]+ · Host Academy</title>", theirs)
        assert re.search(r"<title>[^<]+ · 主播学堂</title>", mine)
        # The host's token is in the meta tag and the language switch (a POST that saves the choice); a visitor's
        # switch is a GET form with none, and the login form carries the visitor's own.
        assert f'name="csrf_token" value="{_meta_token(mine)}">\n        <input type="hidden" name="next"' in mine
        assert '<form class="lang-switch" method="post" action="/language">' in mine
        assert 'aria-current="true" class="current">中文</button>' in mine.replace("\n", "").replace("  ", "")
        assert 'aria-current="true" class="current">English</button>' in theirs.replace("\n", "").replace("  ", "")
        assert _meta_token(theirs) == "" and '<form class="lang-switch" method="get" action="/language">' in theirs
        assert csrf_token_from(theirs) not in ("", _meta_token(mine))
    # One frame per language and kind of header, not per person or page.
    assert len(templating._frame.memo) == 3  # zh visitor (the login form), zh host, en visitor


def test_a_flash_shows_once_and_a_page_without_one_still_varies_by_cookie(app, make_user):
    make_user("host@example.com")
    browser = Browserish(app.test_client(), language="en")
    browser.login("host@example.com", PASSWORD)
    shown = browser.get(browser.logout().headers["Location"]).get_data(as_text=True)
    assert re.search(r'<div class="flashes" role="status">\s*<p class="flash flash-\w+">[^<]+</p>', shown)
    again = browser.get("/courses/")
    assert 'class="flash' not in again.get_data(as_text=True) and "Cookie" in again.headers["Vary"]
    first = app.test_client().get("/courses/")  # no session cookie at all
    assert 'class="flash' not in first.get_data(as_text=True) and "Cookie" in first.headers["Vary"]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@pytest.mark.parametrize("development", [False, True])
def test_static_names_are_fixed_per_process_and_follow_edits_in_development(app, tmp_path, development):
    static = tmp_path / "static"
    shutil.copytree(shipped("static"), static)
    app.static_folder = str(static)
    app.debug = development
    first = (static / "css" / "site.css").read_bytes()
    page = app.test_client().get("/account/login").get_data(as_text=True)
    assert f'href="/static/css/site.{_digest(first)}.css"' in page
    (static / "css" / "site.css").write_bytes(first + b"\n/* edited */\n")
    page = app.test_client().get("/account/login").get_data(as_text=True)
    expected = _digest(first + b"\n/* edited */\n") if development else _digest(first)
    assert f'href="/static/css/site.{expected}.css"' in page  # production: a file changes only with a deployment
    assert len(templating._frame.memo) == (0 if development else 1)  # development: edited templates show too
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="css/site.css") == f"/static/css/site.{expected}.css"
