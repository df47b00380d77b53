"""A host's quiz attempt through the real pages, against a /healthz request in the same run; and the GIFT parser
on the largest shipped question bank, against reading the same file.

One attempt is: start (draw a paper from the pools, store it), open the attempt page, save every answer and submit
(grade every question, decide the attempt's grade), then open the review page. The quiz is the shipped
`aigc-digital-human` final (12 questions drawn from two pools, matching questions among them), with its attempt limit
and cool-down lifted so that one host can repeat it.
"""

import re
import time
from html.parser import HTMLParser

from _common import ROOT, describe, make_app, timed

from lms.accounts.services import register_user
from lms.catalogue.loader import load_catalogue
from lms.catalogue.models import Course, CourseVersion, Quiz
from lms.catalogue.services import sync_catalogue
from lms.db import get_session
from lms.quizzes.gift import parse
from lms.quizzes.models import IN_PROGRESS, QuizAttempt, QuizResponse
from sqlalchemy import func, select

COURSE = "aigc-digital-human"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class AnswerEverything(HTMLParser):
    """Fills the attempt form as a hurried host would: the first option of every choice, something in every box."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and name and name != "csrf_token":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.data.setdefault(name, [a.get("value", "")])
            elif kind == "hidden":
                self.data[name] = [a.get("value", "")]
            elif kind not in ("submit", "button"):
                self.data[name] = ["1"]
        elif tag == "textarea" and name:
            self.data[name] = ["答案"]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value") and self._select not in self.data:
            self.data[self._select] = [a["value"]]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def main() -> None:
    app, url = make_app()
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(ROOT / "courses"))
        quiz = session.scalar(select(Quiz).join(CourseVersion).join(Course, CourseVersion.course_id == Course.id).where(Course.slug == COURSE))
        quiz.settings = {**quiz.settings, "attempts": 0, "cooldown_minutes": 0}
        register_user(session, display_name="bench", login="bench@example.com", password="bench password 1")
        session.commit()
    client = app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/account/login", data={"csrf_token": token, "login": "bench@example.com", "password": "bench password 1"})
    token = TOKEN.search(client.get(f"/courses/{COURSE}").get_data(as_text=True)).group(1)
    client.post(f"/courses/{COURSE}/enrol", data={"csrf_token": token})

    def health():
        assert client.get("/healthz").status_code == 200

    def attempt():
        started = client.post(f"/courses/{COURSE}/quizzes/final/start", data={"csrf_token": token})
        assert started.status_code == 302, started.status_code
        attempt_url = started.headers["Location"]
        form = AnswerEverything()
        form.feed(client.get(attempt_url).get_data(as_text=True))
        payload = {**form.data, "csrf_token": [token], "finish": ["1"]}
        sent = client.post(f"{attempt_url}/save", data=payload)
        assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
        assert client.get(attempt_url).status_code == 200  # the review page

    print(f"database {url.split(':')[0]}; in-process WSGI test client (no network)")
    for _ in range(5):
        health(), attempt()
    baseline = describe("GET /healthz (baseline)", timed(health, 200))
    cost = describe("one attempt: start, page, submit, review", timed(attempt, 40))
    with app.app_context():
        attempts = get_session().scalars(select(QuizAttempt)).all()
        graded = sum(1 for a in attempts if a.status != IN_PROGRESS and a.score is not None)
        answered = get_session().scalar(select(func.count()).select_from(QuizResponse))
    print(f"a whole attempt (4 requests) costs {cost / baseline:.1f}x one baseline request; "
          f"{graded} of {len(attempts)} attempts graded, {answered} answers stored")

    bank = max((ROOT / "courses").glob("*/quizzes/*.gift"), key=lambda p: p.stat().st_size)
    text = bank.read_text(encoding="utf-8")
    questions = len(parse(text))
    read = describe(f"read {bank.parent.parent.name}/{bank.name} (baseline)",
                    timed(lambda: bank.read_text(encoding="utf-8"), 200), unit=1e6, suffix="us")
    start = time.perf_counter()
    parsed = describe(f"parse it ({questions} questions, {len(text)} chars)", timed(lambda: parse(text), 50))
    print(f"parsing costs {parsed * 1e3 / read:.0f}x reading the file; {parsed / questions:.2f} ms per question"
          f" ({time.perf_counter() - start:.1f} s for 50 parses)")


if __name__ == "__main__":
    main()
