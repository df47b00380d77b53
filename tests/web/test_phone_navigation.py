"""On the phone a host navigates by a bottom tab bar (首页, 课程, 学习, 我的); the rest is under 我的."""

import re

from tests.conftest import PASSWORD


def _tabs(html: str) -> list[str]:
    bar = re.search(r'<nav class="tab-bar"[^>]*>(.*?)</nav>', html, re.S)
    return [re.sub(r"<[^>]+>|\s+", "", a) for a in re.findall(r"<a [^>]*>.*?</a>", bar.group(1), re.S)] if bar else []


def test_a_host_gets_four_tabs_and_the_rest_under_me(zh_web, make_user):
    make_user("host@example.com")
    zh_web.login("host@example.com", PASSWORD)
    home = zh_web.get("/").get_data(as_text=True)
    assert _tabs(home) == ["首页", "课程", "学习", "我的"]
    assert '<body class="has-tabs">' in home
    assert re.search(r'<a href="/" aria-current="page">首页</a>', home)
    me = zh_web.get("/account/").get_data(as_text=True)
    menu = re.search(r'<ul class="menu-list">(.*?)</ul>', me, re.S).group(1)
    for label in ("证书", "话术检查", "通知", "退出登录"):
        assert label in menu, label
    assert 'aria-current="page">我的' in me


def test_visitors_and_staff_keep_the_full_menu(zh_web, web, make_user):
    assert _tabs(zh_web.get("/").get_data(as_text=True)) == []
    make_user("admin@example.com", is_site_admin=True)
    web.login("admin@example.com", PASSWORD)
    assert _tabs(web.get("/").get_data(as_text=True)) == []
