"""Identity at the door: separate consent; without it no image is ever stored and the policy shows as unmet;
with it the snapshot is stored encrypted; withdrawal and purge delete it; "not the host" removes the minutes."""

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.catalogue.models import Lesson
from lms.certificates.models import Certificate
from lms.db import get_session, utcnow
from lms.evidence import identity_services as identities
from lms.evidence.models import IdentityCheck, LessonSession
from lms.learning.models import StudyTime
from tests.conftest import PASSWORD, Browserish
from lms.evidence.identity import FakeFaceProvider
from tests.unit.test_identity import JPEG, OTHER
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_study_policy import FORM, agency  # noqa: F401 - fixture


@pytest.fixture
def host(app, agency):  # noqa: F811
    admin, ids = agency
    admin.post("/orgs/mcn-a/study-policy", {**FORM, "daily_max_minutes": "480", "presence_interval_minutes": "0",
                                            "identity_random": "y"})  # identity at start and at random  # fmt: skip
    client = Browserish(app.test_client())
    client.login("host@example.com", PASSWORD)
    client.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    page = client.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    with app.app_context():
        lesson_id = get_session().scalar(select(Lesson.id).order_by(Lesson.position))

    def post(url, body):
        r = client.client.post(url, data=json.dumps(body), content_type="application/json", headers={"X-CSRFToken": csrf})
        return r.status_code, r.get_json()

    return client, post, lesson_id, ids, page


def snap(post, lesson_id, image=JPEG):
    return post("/api/learning/identity", {"lesson": lesson_id, "moment": "start",
                                           "image": "data:image/jpeg;base64," + base64.b64encode(image).decode()})


def stored_images(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(IdentityCheck).where(IdentityCheck.image.is_not(None)))


def test_without_consent_no_image_is_stored_and_the_policy_shows_unmet(app, host):
    client, post, lesson_id, _ids, page = host
    assert "you have not consented to" in page and 'data-identity-start="no"' in page
    status, result = snap(post, lesson_id)
    assert status == 200 and result == {"status": "no_consent", "stored": False}
    assert stored_images(app) == 0
    post("/api/learning/heartbeat", {"lesson": lesson_id, "visible": True, "idle": 0, "start": True})
    post("/api/learning/heartbeat", {"lesson": lesson_id, "visible": True, "idle": 0})
    with app.app_context():
        sitting = get_session().scalar(select(LessonSession))
        assert "identity_unmet" in sitting.flags  # studying works; the session is marked


def test_with_consent_the_snapshot_is_stored_encrypted_and_withdrawal_deletes_it(app, host):
    client, post, lesson_id, ids, _page = host
    page = client.post("/learning/face-consent", {"action": "give"}, follow_redirects=True).get_data(as_text=True)
    assert "You have consented" in page
    assert 'data-identity-start="yes"' in client.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    assert snap(post, lesson_id)[1] == {"status": "stored", "stored": True}
    assert snap(post, lesson_id, b"not a jpeg")[1] == {"status": "bad_image", "stored": False}
    with app.app_context():
        check = get_session().scalar(select(IdentityCheck).where(IdentityCheck.image.is_not(None)))
        assert b"HOST" not in check.image  # encrypted at rest
        assert identities.snapshot_of(app.extensions["lms.pii"], check) == JPEG
    page = client.post("/learning/face-consent", {"action": "withdraw"}, follow_redirects=True).get_data(as_text=True)
    assert "1 stored snapshot(s) deleted" in page
    assert stored_images(app) == 0
    assert snap(post, lesson_id)[1]["stored"] is False


def test_the_retention_period_ends_with_a_purge(app, host):
    client, post, lesson_id, _ids, _page = host
    client.post("/learning/face-consent", {"action": "give"})
    snap(post, lesson_id)
    result = app.test_cli_runner().invoke(args=["evidence", "purge"])
    assert "deleted 0 snapshot(s)" in result.output and stored_images(app) == 1
    with app.app_context():
        session = get_session()
        check = session.scalar(select(IdentityCheck))
        check.taken_at = utcnow() - timedelta(days=365 * 5 + 2)  # the policy keeps evidence 5 years
        session.commit()
    result = app.test_cli_runner().invoke(args=["evidence", "purge"])
    assert "deleted 1 snapshot(s)" in result.output and stored_images(app) == 0


def lesson_total(app, user_id, lesson_id) -> int:
    with app.app_context():
        return get_session().scalar(select(func.sum(StudyTime.seconds)).where(StudyTime.user_id == user_id,
                                                                              StudyTime.lesson_id == lesson_id))


def test_not_the_host_removes_the_minutes_and_flags_the_certificate(app, host):
    client, post, lesson_id, ids, _page = host
    user_id = ids["host@example.com"]
    client.post("/learning/face-consent", {"action": "give"})
    study_and_pass(app, user_id)  # six minutes on the first lesson, an hour ago; the certificate is issued
    before = lesson_total(app, user_id, lesson_id)
    with app.app_context():
        session = get_session()
        start = session.scalar(select(Certificate)).issued_at - timedelta(hours=1)
        session.add(LessonSession(user_id=user_id, lesson_id=lesson_id, started_at=start, last_beat_at=start,
                                  beats=13, credited_seconds=360, max_scroll=0, scrollable=False, gaps_ms=[], flags=[]))
        check = identities.record_check(session, app.extensions["lms.pii"], FakeFaceProvider(), user_id=user_id,
                                        lesson_id=lesson_id, moment="start", image=OTHER, now=start)  # fmt: skip
        assert check.status == "mismatch" and check.image is not None
        removed = identities.mark_not_host(session, check.id, ids["admin@example.com"], utcnow())
        session.commit()
        assert check.review == "not_host" and removed > 0
        assert session.scalar(select(Certificate)).evidence_flag == "not_host"
        assert "not_host" in session.scalar(select(LessonSession)).flags
    assert lesson_total(app, user_id, lesson_id) == before - removed


def test_the_org_admin_sees_consented_snapshots_and_marks_not_the_host(app, host, agency):  # noqa: F811
    client, post, lesson_id, ids, _page = host
    admin, _ids = agency
    snap(post, lesson_id)  # before consent: recorded, no image
    client.post("/learning/face-consent", {"action": "give"})
    snap(post, lesson_id)
    page = admin.get("/orgs/mcn-a/identity-checks").get_data(as_text=True)
    assert page.count("<img ") == 1 and "No image stored (no consent, or deleted)." in page
    image_url = page.split('<img src="')[1].split('"')[0]
    r = admin.get(image_url)
    assert r.status_code == 200 and r.mimetype == "image/jpeg" and r.data == JPEG
    assert r.headers["Cache-Control"] == "no-store"
    assert client.get(image_url).status_code == 403  # the host's own session is not an admin's
    review = page.split('<form method="post" action="')[2].split('"')[0]
    page = admin.post(review, {}, form_page="/orgs/mcn-a/identity-checks", follow_redirects=True).get_data(as_text=True)
    assert "Marked as not the host" in page and "Reviewed: not the host" in page
