"""Query budgets: the pages hosts use most issue a small, fixed number of SQL statements, whatever the number of
courses, lessons, certificates or members.

One world (the demo data) is measured, grown by N courses (each with N more lessons, all of them studied by the
demo host), N members and N certificates, measured again, grown by 2N more and measured a third time: each page's
count must be the same after both growths and within its budget. The app raises on any lazy load (see
``LMS_RAISE_ON_LAZY_LOAD`` in lms/db.py), so what a template touches must be loaded on purpose.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import event, select

from lms import create_app
from lms.catalogue.loader import load_catalogue
from lms.catalogue.models import Course, Lesson
from lms.catalogue.services import sync_catalogue
from lms import certnumbers as numbers
from lms.certificates.models import Certificate
from lms.db import get_session
from lms.demo import DEMO_COURSE, DEMO_PASSWORD, _graduate, load_demo
from lms.learning import services as learning
from lms.orgs import services as orgs
from lms.orgs.models import Organisation, Role
from lms.accounts.services import find_user, register_user
from lms.accounts.identifiers import parse_identifier
from tests.conftest import ROOT, csrf_token_from, empty_database, make_config

EXAMPLE = ROOT / "docs" / "example-course" / "first-live-room"
SKILLS = ROOT / "courses" / "skills.yaml"
HOST = "host@demo.example.com"
N = 2

#: page -> the most statements it may issue (anonymous pages first, then the demo host's).
BUDGETS = {
    "healthz": 1,
    "catalogue": 0,
    "catalogue, logged in": 1,  # the viewer (account, memberships, unread count: lms.accounts.services.viewer_statement)
    "course page": 0,  # cached for visitors per language until a course is published, synced or shared
    "course page, enrolled": 8,  # + the study standing (certificate rule) shown to an enrolled host
    "did.json": 0,
    "status list": 0,
    "log checkpoint": 0,
    "verify": 0,  # cached per certificate and language until it changes or a bureau cosigns
    "api certificate": 0,
    "host home": 2,  # viewer, the host's first courses with the T-profile evidence digest in one
    "my learning": 2,  # viewer, the host's courses with progress and minutes in one
    "lesson page": 2,  # viewer; enrolment + standing inputs + policy + consent + the lessons' figures in one
    "quiz attempt page": 2,  # viewer, the attempt's sheet
    "answer save": 2,
    "heartbeat, page opened": 10,  # clock, lesson session, one for the policy, one for the minutes and certificate
}


def _course_copy(root: Path, index: int, lessons: int) -> None:
    """The example course under another id, with ``lessons`` more copies of its first lesson."""
    target = root / f"budget-{index}"
    shutil.copytree(EXAMPLE, target)
    yaml = target / "course.yaml"
    text = yaml.read_text(encoding="utf-8").replace("id: first-live-room", f"id: budget-{index}")
    # The quiz opens at once here: the budgets measure its pages, not the lessons a certificate quiz waits for.
    yaml.write_text(text.replace("    required: true", "    required: true\n    open_after_lessons: false"),
                    encoding="utf-8")  # fmt: skip
    first = target / "lessons" / "01-before-you-start.md"
    for extra in range(lessons):
        shutil.copy(first, target / "lessons" / f"{3 + extra:02d}-again-{extra}.md")


def _grow(app, tmp: Path, start: int, count: int) -> None:
    """``count`` more courses (each with ``start + count`` more lessons, enrolled and opened by the host), members
    of the demo MCN and certificates (a new graduate each)."""
    root = tmp / f"grow-{start}"
    root.mkdir()
    for index in range(start, start + count):
        _course_copy(root, index, start + count)
    with app.app_context():
        session = get_session()
        sync_catalogue(session, load_catalogue(root, SKILLS))
        host = find_user(session, parse_identifier(HOST))
        mcn = session.scalar(select(Organisation).where(Organisation.slug == "demo-mcn"))
        for index in range(start, start + count):
            course = session.scalar(select(Course).where(Course.slug == f"budget-{index}"))
            enrollment = learning.enroll(session, host.id, course)
            for lesson in session.scalars(select(Lesson).where(Lesson.version_id == enrollment.version_id)):
                learning.open_lesson(session, enrollment, lesson)
            email = f"grad-{index}@demo.example.com"
            user = register_user(session, display_name=f"学员{index}", login=email, password=DEMO_PASSWORD)
            orgs.add_member(session, org=mcn, user=user, role=Role.LEARNER)
            base = f"11010519950307{100 + index:03d}"
            _graduate(session, app.extensions["lms.pii"], email, f"学员{index}", base, app.config["LMS"])
        session.commit()


class Counter:
    def __init__(self, engine) -> None:
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)


def _measure(app, counter: Counter) -> dict[str, list[str]]:
    with app.app_context():
        session = get_session()
        demo_course = session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
        first_lesson = session.scalar(
            select(Lesson.slug).where(Lesson.version_id == demo_course.current_version_id).order_by(Lesson.position)
        )
        number = numbers.format(session.scalar(select(Certificate.number).order_by(Certificate.id)))
        lesson_id = session.scalar(select(Lesson.id).where(Lesson.version_id == demo_course.current_version_id,
                                                           Lesson.slug == first_lesson))  # fmt: skip
    anonymous = app.test_client()
    host = app.test_client()
    headers = {"Accept-Language": "zh-CN"}
    login_page = host.get("/account/login", headers=headers).get_data(as_text=True)
    host.post("/account/login", headers=headers, data={
        "csrf_token": csrf_token_from(login_page), "login": HOST, "password": DEMO_PASSWORD})  # fmt: skip
    start_page = host.get("/courses/budget-0/quizzes/final", headers=headers).get_data(as_text=True)
    started = host.post("/courses/budget-0/quizzes/final/start", headers=headers,
                        data={"csrf_token": csrf_token_from(start_page)})  # fmt: skip
    attempt_url = started.headers["Location"]
    token = csrf_token_from(host.get(attempt_url, headers=headers).get_data(as_text=True))

    pages = {
        "healthz": lambda: anonymous.get("/healthz"),
        "catalogue": lambda: anonymous.get("/courses/", headers=headers),
        "catalogue, logged in": lambda: host.get("/courses/", headers=headers),
        "course page": lambda: anonymous.get(f"/courses/{DEMO_COURSE}", headers=headers),
        "course page, enrolled": lambda: host.get(f"/courses/{DEMO_COURSE}", headers=headers),
        "did.json": lambda: anonymous.get("/.well-known/did.json"),
        "status list": lambda: anonymous.get("/credentials/status/1"),
        "log checkpoint": lambda: anonymous.get("/log/checkpoint"),
        "verify": lambda: anonymous.get(f"/verify/{number}", headers=headers),
        "api certificate": lambda: anonymous.get(f"/api/v1/certificates/{number}"),
        "host home": lambda: host.get("/", headers=headers),
        "my learning": lambda: host.get("/learning/", headers=headers),
        "lesson page": lambda: host.get(f"/courses/{DEMO_COURSE}/lessons/{first_lesson}", headers=headers),
        "quiz attempt page": lambda: host.get(attempt_url, headers=headers),
        "answer save": lambda: host.post(f"{attempt_url}/save", headers=headers,
                                         data={"csrf_token": token, "autosave": "1"}),
        # The first beat of an opened page: it earns nothing, so its count does not hang on the clock.
        "heartbeat, page opened": lambda: host.post(
            "/api/learning/heartbeat", headers={**headers, "X-CSRFToken": token}, content_type="application/json",
            data=json.dumps({"lesson": lesson_id, "start": True, "visible": True, "idle": 0})),
    }  # fmt: skip
    seen = {}
    for name, fetch in pages.items():
        fetch()  # a first visit may fill caches or create a row (the host's first opening of a lesson)
        counter.statements.clear()
        app.config["LMS_RAISE_ON_LAZY_LOAD"] = True
        try:
            response = fetch()
        finally:
            app.config["LMS_RAISE_ON_LAZY_LOAD"] = False
        assert response.status_code == 200, (name, response.status_code)
        seen[name] = list(counter.statements)
    return seen


@pytest.fixture(scope="module")
def measured(database_url, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("budget")
    app = create_app(make_config(database_url, tmp / "instance", flask={"LMS_RAISE_ON_LAZY_LOAD": False}))
    try:
        with app.app_context():
            session = get_session()
            load_demo(session, app.extensions["lms.pii"], app.config["LMS"])
            session.commit()
        _grow(app, tmp, 0, N)
        counter = Counter(app.extensions["lms.db"].engine)
        small = _measure(app, counter)
        _grow(app, tmp, N, 2 * N)
        large = _measure(app, counter)
        yield small, large
    finally:
        app.extensions["lms.db"].session.remove()
        empty_database(app)
        app.extensions["lms.db"].engine.dispose()


@pytest.mark.parametrize("page", list(BUDGETS))
def test_page_issues_a_fixed_small_number_of_queries(measured, page):
    small, large = measured
    shown = "\n".join(s.split("\n")[0][:160] for s in large[page])
    assert len(small[page]) == len(large[page]), f"{page} grows with the data:\n{shown}"
    assert len(large[page]) <= BUDGETS[page], f"{page} issues {len(large[page])} statements:\n{shown}"
