"""The lesson page, read in two statements, shows what the full services say, and every change shows at once:
the host's progress, the organisation's or cohort's study policy, the face-image consent and the certificate."""

import json
import re
from datetime import datetime, time, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import event, select, update

from lms.catalogue.models import Course, Lesson
from lms.certificates.lessonpage import governing_for, lesson_view
from lms.certificates.models import REVOKED, Certificate
from lms.certificates.standing import standing as full_standing
from lms.cohorts import services as cohorts
from lms.db import get_session, utcnow
from lms.evidence import services as evidence
from lms.learning import services as learning
from lms.learning.models import Enrollment, LessonProgress
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_study_policy import FORM, agency  # noqa: F401 - fixture

URL = "/courses/first-live-room/lessons/before-you-start"
NEXT_URL = "/courses/first-live-room/lessons/words-to-avoid"
RULES = learning.StudyRules()


@pytest.fixture
def host(app, agency):  # noqa: F811
    admin, ids = agency
    client = Browserish(app.test_client())
    client.login("host@example.com", PASSWORD)
    client.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    return admin, client, ids


def view_and_services(app, user_id: int, org_id: int):
    """The page's view next to what lms.evidence.services.policy_for and the full standing work out."""
    with app.app_context(), app.test_request_context():
        session = get_session()
        cfg = current_app.config["LMS"]
        view = lesson_view(session, user_id=user_id, slug="first-live-room",
                           lesson_slug="before-you-start", rules=RULES, cfg=cfg)  # fmt: skip
        course_id = session.scalar(select(Course.id))
        governing = evidence.policy_for(session, user_id, course_id)
        assert governing_for(session, user_id, course_id) == governing  # the heartbeat's one statement agrees
        policy = governing.policy
        enrollment = learning.enrollment_for(session, user_id, course_id)
        progress = learning.course_progress(session, enrollment)
        standing = full_standing(session, enrollment, RULES, cfg, progress)
        session.rollback()
        return view, policy, progress, standing


def identity_start(page: str) -> str:
    return re.search(r'data-identity-start="(\w+)"', page).group(1)


def test_the_policy_shown_is_the_governing_one_and_a_change_shows_at_once(app, host):
    admin, client, ids = host
    user_id, org_id = ids["host@example.com"], ids["org"]
    page = client.get(URL).get_data(as_text=True)
    assert "you have not consented to" not in page  # the built-in defaults ask for no identity check
    view, policy, _progress, _standing = view_and_services(app, user_id, org_id)
    assert view.policy == policy and not policy.identity_at_start
    admin.post("/orgs/mcn-a/study-policy", FORM)  # the organisation asks for an identity check at the start
    page = client.get(URL).get_data(as_text=True)
    assert "you have not consented to" in page and identity_start(page) == "no"
    view, policy, _progress, _standing = view_and_services(app, user_id, org_id)
    assert view.policy == policy and policy.identity_at_start and policy.class_hour_minutes == 45
    with app.app_context():
        session = get_session()
        cohort = cohorts.create_cohort(session, org_id, name="没有核验的班", starts_on=utcnow().date(),
                                       ends_on=utcnow().date() + timedelta(days=30))  # fmt: skip
        cohorts.add_members(session, cohort, [user_id])
        cohorts.assign_course(session, cohort, [org_id], "first-live-room", utcnow().date() + timedelta(days=20))
        session.commit()
        cohort_id = cohort.id
    # The cohort follows its organisation until it saves its own policy.
    view, policy, _progress, _standing = view_and_services(app, user_id, org_id)
    assert view.policy == policy and policy.identity_at_start
    cohort_url = f"/orgs/mcn-a/cohorts/{cohort_id}/study-policy"
    no_identity = {k: v for k, v in FORM.items() if k != "identity_at_start"}
    admin.post(cohort_url, {**no_identity, "class_hour_minutes": "50"})
    page = client.get(URL).get_data(as_text=True)
    assert "you have not consented to" not in page
    view, policy, _progress, _standing = view_and_services(app, user_id, org_id)
    assert view.policy == policy and policy.class_hour_minutes == 50 and not policy.identity_at_start
    admin.post(cohort_url + "/reset", {}, form_page=cohort_url)
    assert "you have not consented to" in client.get(URL).get_data(as_text=True)
    view, policy, _progress, _standing = view_and_services(app, user_id, org_id)
    assert view.policy == policy and policy.class_hour_minutes == 45


def test_consent_given_and_withdrawn_shows_at_once(app, host):
    admin, client, _ids = host
    admin.post("/orgs/mcn-a/study-policy", FORM)
    r = client.get(URL)
    assert identity_start(r.get_data(as_text=True)) == "no"
    assert "camera=(self)" not in r.headers.get("Permissions-Policy", "")
    client.post("/learning/face-consent", {"action": "give"})
    r = client.get(URL)
    page = r.get_data(as_text=True)
    assert identity_start(page) == "yes" and "you have not consented to" not in page
    assert "camera=(self)" in r.headers["Permissions-Policy"]
    client.post("/learning/face-consent", {"action": "withdraw"})
    r = client.get(URL)
    page = r.get_data(as_text=True)
    assert identity_start(page) == "no" and "you have not consented to" in page
    assert "camera=(self)" not in r.headers.get("Permissions-Policy", "")


def test_progress_after_finishing_a_lesson_shows_at_once(app, host):
    _admin, client, ids = host
    user_id = ids["host@example.com"]
    page = client.get(URL).get_data(as_text=True)
    assert "Lesson 1 of 2 · 0 completed" in page and 'value="0"' in page
    assert "A lesson is complete when you reach its end" in page and "Finish and go to the next lesson" in page
    assert f'rel="next" href="{NEXT_URL}"' in page and 'rel="prev"' not in page
    client.post(URL + "/finish", {}, form_page=URL)  # too early: reached the end, not complete
    assert "Not complete yet: 0 of 5 minutes" in client.get(URL).get_data(as_text=True)
    with app.app_context():
        session = get_session()
        first = session.scalar(select(Lesson.id).order_by(Lesson.position))
        now = datetime.now(timezone.utc)
        if (now + timedelta(hours=8)).time() < time(0, 10):  # keep the minutes in one China day
            now -= timedelta(minutes=15)
        for i in range(12):  # 5.5 minutes of verified reading
            learning.heartbeat(session, user_id, first, RULES, now=now - timedelta(seconds=30 * (11 - i) + 1))
        session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert 'data-seconds="330"' in page and "5 min 30 s" in page
    r = client.post(URL + "/finish", {}, form_page=URL)
    assert r.headers["Location"].endswith(NEXT_URL)
    page = client.get(NEXT_URL).get_data(as_text=True)
    assert "Lesson 2 of 2 · 1 completed" in page and 'value="50"' in page and "Finish the last lesson" in page
    assert f'rel="prev" href="{URL}"' in page and 'rel="next"' not in page
    page = client.get(URL).get_data(as_text=True)
    assert "You have completed this lesson." in page
    view, _policy, progress, standing = view_and_services(app, user_id, ids["org"])
    assert (view.progress.percent, view.progress.completed_count, view.progress.seconds) == \
        (progress.percent, progress.completed_count, progress.seconds) == (50, 1, 330)  # fmt: skip
    assert [(s.seconds, s.completed, s.reached_end) for s in view.progress.lessons] == \
        [(s.seconds, s.completed, s.reached_end) for s in progress.lessons]  # fmt: skip
    def figures(found):
        return found.verified_minutes, found.required_minutes, found.lesson_minimum_minutes, found.awards_certificate

    assert figures(view.standing) == figures(standing)


def test_opening_another_lesson_moves_continue_here_and_a_reload_writes_nothing(app, host):
    _admin, client, ids = host
    user_id = ids["host@example.com"]

    def pointer():
        with app.app_context():
            return get_session().execute(select(Enrollment.last_lesson_id, Enrollment.last_active_at)
                                         .where(Enrollment.user_id == user_id)).one()  # fmt: skip

    client.get(NEXT_URL)
    moved = pointer()
    client.get(NEXT_URL)
    assert pointer() == moved  # a reload within five minutes writes nothing
    client.get(URL)
    with app.app_context():
        first = get_session().scalar(select(Lesson.id).order_by(Lesson.position))
    assert pointer()[0] == first


def test_a_first_opening_is_recorded_in_two_plain_writes_and_a_reload_writes_and_commits_nothing(app, host):
    _admin, client, ids = host
    user_id = ids["host@example.com"]
    engine = app.extensions["lms.db"].engine
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args):
        seen.append(sql.split()[0].upper())

    def commit(_conn):
        seen.append("COMMIT")

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        client.get(URL)  # the first opening: the progress row and "continue here", no lookup, no savepoint
        first = list(seen)
        seen.clear()
        page = client.get(URL).get_data(as_text=True)  # a reload
        reload = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert [s for s in first if s not in ("SELECT", "COMMIT")] == ["INSERT", "UPDATE"]
    assert first.index("COMMIT") > first.index("UPDATE")
    # Nothing written, nothing committed (on PostgreSQL the reads run outside a transaction: lms.db)
    assert [s for s in reload if s != "SELECT"] == [] and "SELECT" in reload
    assert "Lesson 1 of" in page
    with app.app_context():
        session = get_session()
        lesson_id = session.scalar(select(Lesson.id).order_by(Lesson.position))
        assert session.scalar(select(LessonProgress.first_opened_at).where(LessonProgress.user_id == user_id,
                                                                          LessonProgress.lesson_id == lesson_id))
        assert session.scalar(select(Enrollment.last_lesson_id).where(Enrollment.user_id == user_id)) == lesson_id


def test_the_certificate_shows_once_issued_and_hides_once_revoked(app, host):
    _admin, client, ids = host
    user_id = ids["host@example.com"]
    page = client.get(URL).get_data(as_text=True)
    assert re.search(r'id="certificate-issued" role="status" tabindex="-1" hidden', page)
    study_and_pass(app, user_id)
    page = client.get(URL).get_data(as_text=True)
    assert re.search(r'id="certificate-issued" role="status" tabindex="-1" >', page)
    assert "The study time for the certificate is reached." in page
    with app.app_context():
        session = get_session()
        assert session.scalar(select(Certificate.status)) == "valid"
        session.execute(update(Certificate).values(status=REVOKED))
        session.commit()
    page = client.get(URL).get_data(as_text=True)
    assert re.search(r'id="certificate-issued" role="status" tabindex="-1" hidden', page)


def test_a_course_not_enrolled_on_or_not_visible_sends_to_the_course_page(app, host, make_user):
    _admin, _client, _ids = host
    make_user("other@example.com")
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    r = other.get(URL)
    assert r.status_code == 302 and r.headers["Location"].endswith("/courses/first-live-room")
    assert other.get("/courses/no-such-course/lessons/before-you-start").status_code == 302
    _admin, client, _ids = host
    assert client.get("/courses/first-live-room/lessons/no-such-lesson").status_code == 404


def test_the_heartbeat_url_and_csrf_token_are_on_the_page(app, host):
    _admin, client, _ids = host
    page = client.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    with app.app_context():
        lesson_id = get_session().scalar(select(Lesson.id).order_by(Lesson.position))
    r = client.client.post("/api/learning/heartbeat", data=json.dumps({"lesson": lesson_id, "start": True}),
                           content_type="application/json", headers={"X-CSRFToken": token})  # fmt: skip
    assert r.status_code == 200 and r.get_json()["credited"] == 0
    r = client.client.post(URL + "/finish", data={"csrf_token": "forged"})
    assert r.status_code == 400  # the finish button still carries a real token, and a forged one is refused
