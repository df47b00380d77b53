"""Issue 22, item 7: every page a host sees, in Chinese, reads as written for the host: no internal ids, codes or
version hashes, no file names, no "UTC", no "h" for 学时, no English left over, and 你 (never 您). The pages are
crawled as a logged-in host with data on them: enrolled, a quiz attempted, a certificate, a notification, a saved
script check, a self-check result, mail and an SMS code in the development outbox."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from lms.db import get_session
from lms.mail.models import OutboxMessage
from lms.quizzes.models import QuizAttempt
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture

#: Words a Chinese page may show in Latin letters: names of formats and standards hosts meet on other sites too.
ALLOWED_LATIN = {"PDF", "PNG", "CSV", "JSON", "Excel", "Open", "Badges", "WHO", "MCN", "ID", "QR", "App", "SMS",
                 "Markdown", "WPS", "HTTPS", "VC", "DID", "AI", "AIGC", "Chrome", "Safari", "English", "Word", "MB", "KB"}  # fmt: skip

PROBLEMS = {
    "您": re.compile("您"),
    "UTC": re.compile(r"\bUTC\b"),
    "h next to hours": re.compile(r"\d\s*h\b"),
    "version hash": re.compile(r"\b[0-9a-f]{12,}\b"),
    "version code": re.compile(r"\bv\d+\s*·"),
    "file name": re.compile(r"[\w\-\u4e00-\u9fff]+\.(?:md|png|jpe?g|svg|gif|json|csv|xlsx|pdf|gift|ya?ml|zip|txt)\b", re.I),
    "course or quiz code": re.compile(r"\b(?:first-live-room|before-you-start|opening-lines|who5-zh-CN)\b"),
    "user id": re.compile(r"(?:用户|user)\s*#?\d+", re.I),
}


class _Visible(HTMLParser):
    """The text a person sees or hears: text outside script/style, plus alt, title, aria-label and placeholder."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


#: What the host typed or owns, written as it is: email addresses, links, certificate numbers (e.g. B2FJE-WEJ3J-F49EK).
OWN_VALUES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")


def problems_in(text: str) -> list[str]:
    found = [f"{name}: {m.group(0)!r}" for name, pattern in PROBLEMS.items() for m in pattern.finditer(text)]
    for word in re.findall(r"[A-Za-z][A-Za-z'’]{2,}", OWN_VALUES.sub(" ", text)):
        if word not in ALLOWED_LATIN:
            found.append(f"English: {word!r}")
    return found


def test_the_checker_finds_each_kind_of_problem():
    sample = "<p>您好 v1 · c4b54a47ee73 2026-12-06 10:00 UTC 1.5 h 01-intro.md first-live-room 用户 6 Lessons</p>"
    found = " ".join(problems_in(visible_text(sample + "<script>var UTC = 1;</script>")))
    for name in ("您", "UTC", "h next to hours", "version hash", "version code", "file name", "course or quiz code",
                 "user id", "English"):  # fmt: skip
        assert name in found
    assert problems_in(visible_text("<p>证书 PDF 与 Open Badges 文件</p>")) == []


def _host_pages(app, graduate) -> list[str]:  # noqa: F811
    with app.app_context():
        session = get_session()
        attempt = session.scalar(select(QuizAttempt.id))
    return [
        "/", "/courses/", "/courses/first-live-room", "/courses/first-live-room/lessons/before-you-start",
        "/courses/first-live-room/quizzes/final", f"/quiz-attempts/{attempt}", "/learning/", "/learning/record",
        "/certificates/", "/account/", "/account/password",
        "/account/real-name", "/skills/", "/script-check/", "/script-check/saved", "/self-check/",
        "/self-check/who5-zh-CN", "/self-check/results", "/notifications", "/dev/outbox",
        "/courses/first-live-room/exercises/opening-lines",
    ]


def test_host_pages_read_as_written_for_hosts(app, graduate, make_user):  # noqa: F811
    make_user("13900139000", "阿杰")
    host = Browserish(app.test_client(), language="zh-CN,zh;q=0.9")
    assert host.login("host@example.com", PASSWORD).status_code == 302
    host.post("/script-check/", {"text": "全网最低价，买到就是赚到", "save": "y"})
    host.post("/self-check/who5-zh-CN", {f"q{i}": "3" for i in range(1, 6)} | {"consent": "y"})
    anonymous = Browserish(app.test_client(), language="zh-CN,zh;q=0.9")
    anonymous.post("/account/forgot", {"login": "host@example.com"})
    anonymous.post("/account/forgot", {"login": "13900139000"})  # a code by SMS, shown in the outbox
    failures = {}
    pages = [(host, path) for path in _host_pages(app, graduate)]
    pages += [(anonymous, path) for path in ("/account/login", "/account/register", "/account/forgot",
                                             "/account/reset-code")]  # fmt: skip
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found = problems_in(visible_text(response.get_data(as_text=True)))
        if found:
            failures[path] = sorted(set(found))
    outbox = visible_text(host.get("/dev/outbox").get_data(as_text=True))
    assert "短信" in outbox and "重置密码" in outbox and outbox.count("（北京时间）") >= 3  # mail and SMS, China time
    with app.app_context():
        sms_sent = get_session().scalar(select(OutboxMessage.created_at).where(OutboxMessage.subject == "SMS"))
    assert (sms_sent + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M") + "（北京时间）" in outbox
    account = visible_text(host.get("/account/").get_data(as_text=True))
    assert "（北京时间）同意当时的告知内容" in account and "告知版本" not in account  # a date people read, not a code
    assert failures == {}, "\n".join(f"{path}: {found}" for path, found in failures.items())
