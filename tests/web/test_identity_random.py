"""Identity checks at random: with "identity checks at random" in the policy and the host's consent, the lesson page
asks for a snapshot when a presence check appears (static/js/identity.js); the server stores it as a "random"
check, the organisation admin reviews it, and "not the host" on it removes the minutes of the sitting it was taken
in. Without the policy option or without consent the page takes none."""

import base64

import pytest
from sqlalchemy import select

from lms.db import get_session
from lms.evidence import identity_services as identities
from lms.evidence.models import IdentityCheck, LessonSession
from tests.conftest import PASSWORD, Browserish
from tests.unit.test_identity import JPEG
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_identity_checks import lesson_total
from tests.web.test_presence_checks import beats_until_check, studying  # noqa: F401 - fixture
from tests.web.test_study_policy import FORM, agency  # noqa: F401 - fixture

RANDOM_ONLY = {key: value for key, value in FORM.items() if key != "identity_at_start"}


@pytest.fixture
def random_checks(app, agency, studying):  # noqa: F811
    admin, _ids = agency
    admin.post("/orgs/mcn-a/study-policy", {**RANDOM_ONLY, "daily_max_minutes": "480", "identity_random": "y"})
    return studying


def random_snapshot(post, lesson_id):
    return post("/api/learning/identity", {"lesson": lesson_id, "moment": "random",
                                           "image": "data:image/jpeg;base64," + base64.b64encode(JPEG).decode()})


def test_a_consenting_host_s_page_takes_a_snapshot_at_each_presence_check(app, agency, random_checks):  # noqa: F811
    admin, ids = agency
    clock, post, lesson_id, _ids = random_checks
    host = studying_client(app)
    host.post("/learning/face-consent", {"action": "give"})
    r = host.get("/courses/first-live-room/lessons/before-you-start")
    page = r.get_data(as_text=True)
    assert 'data-identity-start="no"' in page and 'data-identity-random="yes"' in page
    assert r.headers["Permissions-Policy"].startswith("camera=(self)")

    post("/api/learning/heartbeat", {"lesson": lesson_id, "start": True})
    credited, data = beats_until_check(clock, post, lesson_id)
    assert data["presence"]["check"] is not None  # the page's signal to take the random snapshot
    status, result = random_snapshot(post, lesson_id)
    assert status == 200 and result == {"status": "stored", "stored": True}
    with app.app_context():
        session = get_session()
        check = session.scalar(select(IdentityCheck))
        assert (check.moment, check.status, check.taken_at) == ("random", "stored", clock.now)
        assert identities.snapshot_of(app.extensions["lms.pii"], check) == JPEG
        sitting = session.scalar(select(LessonSession))
        assert sitting.started_at <= check.taken_at <= sitting.last_beat_at and sitting.credited_seconds == credited

    # The organisation admin sees it as a check at a random moment and marks it not the host: the sitting's minutes go.
    before = lesson_total(app, ids["host@example.com"], lesson_id)
    review = admin.get("/orgs/mcn-a/identity-checks").get_data(as_text=True)
    assert "At a random presence check" in review and review.count("<img ") == 1
    action = next(part.split('"')[0] for part in review.split('action="')[1:] if "/not-host" in part.split('"')[0])
    page = admin.post(action, {}, form_page="/orgs/mcn-a/identity-checks", follow_redirects=True).get_data(as_text=True)
    assert f"{-(-credited // 60)} minute(s) removed" in page
    assert lesson_total(app, ids["host@example.com"], lesson_id) == before - credited


def test_without_the_option_or_without_consent_the_page_takes_no_random_snapshot(app, agency, studying):  # noqa: F811
    admin, _ids = agency
    clock, post, lesson_id, _ids = studying
    host = studying_client(app)
    page = host.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    assert 'data-identity-random="no"' in page  # the policy asks for checks at lesson start only
    admin.post("/orgs/mcn-a/study-policy", {**RANDOM_ONLY, "daily_max_minutes": "480", "identity_random": "y"})
    page = host.get("/courses/first-live-room/lessons/before-you-start").get_data(as_text=True)
    assert 'data-identity-random="no"' in page and "you have not consented to" in page  # no consent yet
    # whatever a page sends, no image is kept without consent
    assert random_snapshot(post, lesson_id)[1] == {"status": "no_consent", "stored": False}


def studying_client(app):
    """The host of the ``studying`` fixture, logged in on a second client (the fixture's own is inside ``post``)."""
    host = Browserish(app.test_client())
    host.login("host@example.com", PASSWORD)
    return host
