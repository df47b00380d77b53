"""An organisation admin sets the study policy; a cohort overrides it; crediting and certificates follow it."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.catalogue.models import Course, Lesson
from lms.certificates.models import Certificate
from lms.cohorts import services as cohorts
from lms.db import get_session, utcnow
from lms.evidence import services as evidence
from lms.learning import services as learning
from lms.learning.models import StudyTime
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass

FORM = {"class_hour_minutes": "45", "daily_max_minutes": "30", "presence_interval_minutes": "15",
        "presence_answer_seconds": "60", "identity_at_start": "y", "retention_years": "5"}  # fmt: skip


@pytest.fixture
def agency(app, example, make_user):  # noqa: F811
    ids = {email: make_user(email, email.split("@")[0]) for email in ("admin@example.com", "host@example.com",
                                                                       "trainer@example.com")}  # fmt: skip
    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        for email, role in (("admin@example.com", Role.ORG_ADMIN), ("host@example.com", Role.LEARNER),
                            ("trainer@example.com", Role.TRAINER)):  # fmt: skip
            orgs.add_member(session, org=org, user=session.get(User, ids[email]), role=role)
        session.commit()
        ids["org"] = org.id
    admin = Browserish(app.test_client())
    admin.login("admin@example.com", PASSWORD)
    return admin, ids


def governing(app, user_id):
    with app.app_context():
        session = get_session()
        return evidence.policy_for(session, user_id, session.scalar(select(Course.id)))


def test_the_org_admin_saves_a_policy_and_each_change_is_a_new_version(app, agency):
    admin, ids = agency
    page = admin.get("/orgs/mcn-a/study-policy").get_data(as_text=True)
    assert "The built-in defaults apply until you save a policy." in page and 'value="60"' in page
    r = admin.post("/orgs/mcn-a/study-policy", FORM, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Study policy saved" in page and "Version 1 of the organisation" in page and 'value="45"' in page
    admin.post("/orgs/mcn-a/study-policy", FORM)  # the same values again: no new version
    admin.post("/orgs/mcn-a/study-policy", {**FORM, "daily_max_minutes": "240"})
    found = governing(app, ids["host@example.com"])
    assert (found.scope, found.version) == (f"org:{ids['org']}", 2)
    assert found.policy.class_hour_minutes == 45 and found.policy.daily_max_minutes == 240
    assert found.policy.identity_at_start and not found.policy.identity_random


def test_a_value_out_of_bounds_is_named_and_nothing_is_saved(app, agency):
    admin, ids = agency
    r = admin.post("/orgs/mcn-a/study-policy", {**FORM, "class_hour_minutes": "10"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'id="class_hour_minutes-error">Enter a whole number from 30 to 60.' in page
    assert governing(app, ids["host@example.com"]).scope == "default"


def test_trainers_and_hosts_may_not_change_the_policy(app, agency):
    _admin, _ids = agency
    for login in ("trainer@example.com", "host@example.com"):
        other = Browserish(app.test_client())
        other.login(login, PASSWORD)
        assert other.get("/orgs/mcn-a/study-policy").status_code == 403


def test_a_cohort_overrides_the_organisation_and_can_follow_it_again(app, agency):
    admin, ids = agency
    admin.post("/orgs/mcn-a/study-policy", FORM)
    with app.app_context():
        session = get_session()
        cohort = cohorts.create_cohort(session, ids["org"], name="45 分钟班", starts_on=utcnow().date(),
                                       ends_on=utcnow().date() + timedelta(days=30))  # fmt: skip
        cohorts.add_members(session, cohort, [ids["host@example.com"]])
        cohorts.assign_course(session, cohort, [ids["org"]], "first-live-room", utcnow().date() + timedelta(days=20))
        session.commit()
        cohort_id = cohort.id
    url = f"/orgs/mcn-a/cohorts/{cohort_id}/study-policy"
    page = admin.get(url).get_data(as_text=True)
    assert "follows the organisation's policy (version 1)" in page
    admin.post(url, {**FORM, "class_hour_minutes": "50"})
    found = governing(app, ids["host@example.com"])
    assert (found.scope, found.policy.class_hour_minutes) == (f"cohort:{cohort_id}", 50)
    page = admin.post(url + "/reset", {}, form_page=url, follow_redirects=True).get_data(as_text=True)
    assert "follows the organisation&#39;s study policy again" in page
    assert governing(app, ids["host@example.com"]).scope == f"org:{ids['org']}"


def test_the_heartbeat_credits_no_more_than_the_daily_maximum(app, agency, monkeypatch):
    admin, ids = agency
    admin.post("/orgs/mcn-a/study-policy", FORM)  # 30 minutes a day at most
    host = Browserish(app.test_client())
    host.login("host@example.com", PASSWORD)
    host.post("/courses/first-live-room/enrol", {}, form_page="/courses/first-live-room")
    user_id = ids["host@example.com"]
    with app.app_context():
        session = get_session()
        lesson_id = session.scalar(select(Lesson.id).order_by(Lesson.position))
        rules = learning.StudyRules(daily_max_seconds=evidence.policy_for(
            session, user_id, session.scalar(select(Course.id))).policy.daily_max_seconds)  # fmt: skip
        start = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # noon in China: forty minutes on one day
        earned = [learning.heartbeat(session, user_id, lesson_id, rules, now=start + timedelta(seconds=30 * i))
                  for i in range(81)]  # fmt: skip
        session.commit()
        assert sum(earned) == 30 * 60 and earned[-1] == 0
        assert session.scalar(select(func.sum(StudyTime.seconds)).where(StudyTime.user_id == user_id)) == 1800
    # the endpoint resolves the same policy: a further beat earns nothing today
    monkeypatch.setattr("lms.learning.views.utcnow", lambda: start + timedelta(seconds=30 * 81))
    csrf = host.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    r = host.client.post("/api/learning/heartbeat", json={"lesson": lesson_id, "visible": True, "idle": 1},
                         headers={"X-CSRFToken": csrf})  # fmt: skip
    assert r.get_json()["credited"] == 0 and r.get_json()["lesson_seconds"] == 1800


def test_the_certificate_records_the_policy_and_counts_its_class_hours(app, agency):
    admin, ids = agency
    admin.post("/orgs/mcn-a/study-policy", {**FORM, "daily_max_minutes": "480"})
    study_and_pass(app, ids["host@example.com"])
    with app.app_context():
        certificate = get_session().scalar(select(Certificate))
        assert certificate.study_policy["scope"] == f"org:{ids['org']}"
        assert certificate.study_policy["version"] == 1 and certificate.study_policy["class_hour_minutes"] == 45
        assert certificate.hours == round(certificate.study_seconds / 2700, 1)
