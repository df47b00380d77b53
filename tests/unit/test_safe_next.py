"""``safe_next``: any text at all gives a path on this site (or the fallback), never a header-breaking character."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from lms.notifications.schedule import safe_path
from lms.security.redirects import safe_next

PIECES = st.sampled_from(["/", "//", "\\", "\t", "\n", "\r", " ", "%2f", "%5c", "%09", "@", ":", "evil.example",
                          "https:", "http://", ".", "..", "\u200b", "\x00", "?", "#", "a", "直播"])  # fmt: skip


def lenient_browser(location: str) -> str:
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/").strip()
    return urljoin("https://site.example/a/b", cleaned)


@given(st.one_of(st.lists(PIECES, max_size=12).map("".join), st.text(max_size=60)))
def test_any_target_stays_on_site(target):
    result = safe_next(target, "/home")
    assert result == "/home" or result.startswith("/")
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in result)
    assert urlsplit(lenient_browser(result)).netloc == "site.example"


def test_paths_are_kept_and_the_rest_refused():
    for good in ("/", "/account/password", "/catalogue/?q=直播", "/orgs/a/cohorts/3#hours", "/@me"):
        assert safe_next(good, "/home") == good
    for bad in (None, 42, "", "x", "//evil", "/\\evil", "/\t/evil", "\\\\evil", "https://evil", "/%2f%2fevil",
                "/%252f%252fevil", "/./../evil", "/" + "a" * 3000):  # fmt: skip
        assert safe_next(bad, "/home") == "/home", bad
    assert safe_next("/a\r\nb", "/home") == "/ab"
    assert safe_path("https://evil.example/") == "/notifications"
