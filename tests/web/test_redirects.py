"""No open redirect: ``next`` after login, the language switch and notification links stay on this site, whatever
the bypass (issue 14 §3), and none of them answers 500."""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.conftest import PASSWORD, Browserish

# As they appear in a URL's query string (percent-encoded), the usual open-redirect bypasses.
BYPASSES = [
    "//evil.example/x", "/%09/evil.example/x", "%09//evil.example", "/%0a/evil.example", "/%0d%0a/evil.example",
    "%20//evil.example", "/%00/evil.example", "/%7f/evil.example", "/%E2%80%8B/evil.example", "/%5Cevil.example",
    "%5C%5Cevil.example", "/%5C/evil.example", "%5C/evil.example", "/%09%5Cevil.example", "%2f%2fevil.example",
    "/%2f%2fevil.example", "/%252f%252fevil.example", "https:evil.example", "https:/evil.example",
    "https://evil.example/", "http://evil.example", "HTTP://evil.example", "//user@evil.example", "/@evil.example",
    "javascript:alert(1)", "%0d%0aSet-Cookie:%20x=1", "/ok%0d%0aSet-Cookie:%20x=1", "///evil.example",
    "/.//evil.example".replace("/.", "/%2e"), "data:text/html,x",
]  # fmt: skip

ON_SITE = {"/@evil.example": "/@evil.example", "/ok%0d%0aSet-Cookie:%20x=1": "/okSet-Cookie:%20x=1"}


def browser_target(location: str, base: str) -> str:
    """Where a lenient browser would go: it drops tabs and newlines and reads a backslash as a slash."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/").strip()
    return urljoin(base, cleaned)


def assert_stays_on_site(response, base="http://localhost/"):
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in location), location
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers.get("Set-Cookie", "")
    assert urlsplit(browser_target(location, base)).netloc == "localhost", location
    return location


@pytest.mark.parametrize("raw", BYPASSES)
def test_login_never_redirects_off_site(app, make_user, raw):
    make_user("lin@example.com")
    web = Browserish(app.test_client())
    r = web.post(f"/account/login?next={raw}", {"login": "lin@example.com", "password": PASSWORD},
                 form_page="/account/login")
    if "%00" in raw:  # a NUL anywhere in the query or a form is refused before any view
        assert r.status_code == 400
        return
    location = assert_stays_on_site(r, "http://localhost/account/login")
    if raw not in ON_SITE:
        assert location == "/", location  # the home page: the target was refused


def switch_language(web, method: str, fields: dict):
    """The visitor's switch (a GET form) or the account's (a POST with the token of a page that has a form)."""
    if method == "GET":
        return web.client.get("/language", query_string=fields, headers=web.headers)
    return web.post("/language", fields, form_page="/account/login")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("raw", BYPASSES)
def test_language_switch_never_redirects_off_site(web, raw, method):
    r = switch_language(web, method, {"lang": "en", "next": unquote(raw)})
    if "%00" in raw:  # a NUL anywhere in the query or a form is refused before any view
        assert r.status_code == 400
        return
    location = assert_stays_on_site(r, "http://localhost/language")
    assert location == ON_SITE.get(raw, "/"), location


def test_a_path_on_the_site_is_kept_with_its_query(make_user, web):
    make_user("lin@example.com")
    r = web.post("/account/login?next=/catalogue/%3Fq%3D%E7%9B%B4%E6%92%AD", {"login": "lin@example.com",
                 "password": PASSWORD}, form_page="/account/login")  # fmt: skip
    assert r.status_code == 302 and unquote(r.headers["Location"]) == "/catalogue/?q=直播"
    r = web.post("/language", {"lang": "zh_Hans_CN", "next": "/account/password"}, form_page="/")  # logged in
    assert r.headers["Location"] == "/account/password"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_newline_in_next_is_no_error(web, method):
    r = switch_language(web, method, {"lang": "en", "next": "/account/login\r\nX-Injected: 1"})
    assert r.status_code == 302 and "X-Injected" not in r.headers
    assert r.headers["Location"] == "/account/loginX-Injected:%201"
