"""Chinese first, English second: Accept-Language, a visible switch that is remembered, complete catalogues."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote

from babel.messages.pofile import read_po

from tests.conftest import PASSWORD, ROOT


def test_chinese_browser_gets_chinese(zh_web):
    html = zh_web.get("/account/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "登录" in html and "Log in" not in html


def test_english_browser_gets_english(web):
    html = web.get("/account/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html


def test_unknown_language_falls_back_to_chinese(app):
    html = app.test_client().get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html


def test_switch_is_remembered_by_cookie(zh_web):
    # A visitor's switch is a GET form (no token, no session); the cookie is all it sets.
    r = zh_web.get("/language?lang=en&next=/account/login")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/login")
    assert "lms_lang=en" in r.headers["Set-Cookie"] and "session=" not in r.headers["Set-Cookie"]
    assert "Log in" in zh_web.get("/account/login").get_data(as_text=True)
    back = zh_web.get("/language?lang=zh_CN&next=" + quote("/courses/?q=直播&page=2"))
    assert unquote(back.headers["Location"]) == "/courses/?q=直播&page=2"  # the path and its query, both kept
    assert '<html lang="zh-CN">' in zh_web.get("/courses/").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(zh_web):
    r = zh_web.get("/language?lang=fr&next=/courses/")
    assert r.status_code == 302 and r.headers["Location"] == "/courses/" and "Set-Cookie" not in r.headers
    assert zh_web.get("/language").headers["Location"] == "/"


def test_switch_is_remembered_on_the_account(app, zh_web, make_user):
    make_user("lin@example.com")
    zh_web.login("lin@example.com", PASSWORD)
    zh_web.post("/language", {"lang": "en"}, form_page="/")
    # A new device with a Chinese browser: the account's choice wins.
    from tests.conftest import Browserish

    other = Browserish(app.test_client(), language="zh-CN")
    other.login("lin@example.com", PASSWORD)
    assert "My account" in other.get("/").get_data(as_text=True)


def test_switch_refuses_foreign_redirects(web):
    assert web.get("/language?lang=en&next=https://evil.example.com/").headers["Location"] == "/"
    r = web.post("/language", {"lang": "en", "next": "https://evil.example.com/"}, form_page="/account/login")
    assert r.headers["Location"] == "/"


def test_catalogue_is_complete_and_current(tmp_path):
    """Every string in the code and templates is extracted and translated to Chinese (no fuzzy, no empty)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    po_path = ROOT / "lms" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with Path(po_path).open("rb") as f:
        catalogue = read_po(f)
    def translated(message) -> bool:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(strings)

    missing = sorted(str(i) for i in extracted if i not in catalogue or not translated(catalogue[i]))
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert missing == [], f"untranslated: {missing[:10]}"
    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_of_its_english_text():
    # A dropped or renamed %(name)s would fail (or fall back to English) only when that message is shown.
    import re

    po_path = ROOT / "lms" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with Path(po_path).open("rb") as f:
        catalogue = read_po(f)
    placeholders = re.compile(r"%\(\w+\)[sd]")
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(placeholders.findall(i) for i in ids))
        for string in strings:
            # Chinese has one plural form, which may leave out the count the English singular also omits.
            if set(placeholders.findall(string)) - wanted or (len(ids) == 1 and set(placeholders.findall(string)) != wanted):
                wrong.append((ids[0], string))
    assert wrong == []
