"""Cohorts: an org's trainer groups its hosts, assigns courses with deadlines, watches progress and exports it."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.db import get_session
from lms.learning.models import Enrollment
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass


@pytest.fixture
def mcn(app, example, make_user):  # noqa: F811
    for email in ("a@example.com", "b@example.com", "trainer@example.com", "stranger@example.com", "other@example.com"):
        make_user(email, email.split("@")[0])
    with app.app_context():
        session = get_session()
        users = {u.email: u for u in session.scalars(select(User))}
        mcn_a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        mcn_b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        for email in ("a@example.com", "b@example.com"):
            orgs.add_member(session, org=mcn_a, user=users[email], role=Role.LEARNER)
        orgs.add_member(session, org=mcn_a, user=users["trainer@example.com"], role=Role.TRAINER)
        orgs.add_member(session, org=mcn_b, user=users["stranger@example.com"], role=Role.LEARNER)
        orgs.add_member(session, org=mcn_b, user=users["other@example.com"], role=Role.TRAINER)
        session.commit()
        ids = {email: u.id for email, u in users.items()}
    trainer = Browserish(app.test_client())
    trainer.login("trainer@example.com", PASSWORD)
    return trainer, ids


def make_cohort(trainer) -> str:
    today = date.today()
    r = trainer.post("/orgs/mcn-a/cohorts", {"name": "十一月新主播班", "starts_on": today.isoformat(),
                                             "ends_on": (today + timedelta(days=30)).isoformat()})  # fmt: skip
    assert r.status_code == 302
    return r.headers["Location"]


def test_cohort_members_courses_progress_and_export(app, mcn):
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["a@example.com"]), str(ids["b@example.com"])]})
    deadline = (date.today() + timedelta(days=14)).isoformat()
    r = trainer.post(url, {"action": "course", "course": "first-live-room", "deadline": deadline}, follow_redirects=True)
    assert "every member is enrolled" in r.get_data(as_text=True)
    with app.app_context():
        assert {e.user_id for e in get_session().scalars(select(Enrollment))} == {ids["a@example.com"], ids["b@example.com"]}
    study_and_pass(app, ids["a@example.com"])  # host a completes the course (and gets the certificate)
    page = trainer.get(url).get_data(as_text=True)
    assert "Completed" in page and "Not started" in page and "certificate" in page
    assert "Counted once per host and assigned course: 2 in all." in page  # 2 hosts x 1 course
    assert re.search(r"<dt>Study hours</dt><dd>\d+\.\d class hours</dd>", page) and " h<" not in page
    assert re.search(r"<small>\d+ min", page) and "0.0 h" not in page
    assert '<th scope="col" title="' in page  # the full title, also when the header is cut short
    export = trainer.get(url + ".csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(export)))
    by_host = {row["host"]: row for row in rows}
    assert by_host["a"]["state"] == "completed" and by_host["a"]["certificate_status"] == "valid"
    assert by_host["a"]["id_masked"] == "110105********002X" and "11010519491231002X" not in export
    assert by_host["b"]["state"] == "not_started"


def test_a_revoked_certificate_is_not_shown_as_earned_and_sharing_asks_first(app, mcn, make_user):
    from lms.certificates.models import Certificate
    from lms.orgs import services as orgs

    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["a@example.com"])]})
    trainer.post(url, {"action": "course", "course": "first-live-room",
                       "deadline": (date.today() + timedelta(days=14)).isoformat()})  # fmt: skip
    study_and_pass(app, ids["a@example.com"])
    with app.app_context():
        session = get_session()
        certificate = session.scalar(select(Certificate))
        certificate.status, certificate.revoked_reason, certificate.revoked_category = "revoked", "代考", "misconduct"
        orgs.create_organisation(session, name="示例市人社局", slug="city-bureau", kind="bureau")
        session.commit()
    trainer.headers["Accept-Language"] = "zh-CN"
    page = trainer.get(url).get_data(as_text=True)
    assert "证书已撤销" in page and "已获证书" not in page
    assert "完整身份证号" in page  # the form says what is shared before anything is
    r = trainer.post(url, {"action": "submit", "bureau": "city-bureau"}, follow_redirects=True)
    assert "什么也没有共享" in r.get_data(as_text=True)
    from lms.cohorts.models import CohortSubmission

    with app.app_context():
        assert get_session().scalar(select(CohortSubmission)) is None
    r = trainer.post(url, {"action": "submit", "bureau": "city-bureau", "understood": "y"}, follow_redirects=True)
    with app.app_context():
        assert get_session().scalar(select(CohortSubmission)) is not None


def test_overdue_and_validation(app, mcn):
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["b@example.com"])]})
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    trainer.post(url, {"action": "course", "course": "first-live-room", "deadline": yesterday})
    assert "Overdue" in trainer.get(url).get_data(as_text=True)
    bad = trainer.post("/orgs/mcn-a/cohorts", {"name": "x", "starts_on": "2026-12-01", "ends_on": "2026-11-01"},
                       follow_redirects=True)  # fmt: skip
    assert "Give the cohort a name" in bad.get_data(as_text=True)
    again = trainer.post(url, {"action": "course", "course": "first-live-room", "deadline": yesterday}, follow_redirects=True)
    assert "already assigned" in again.get_data(as_text=True)


def test_cohorts_are_private_to_their_organisation(app, mcn):
    trainer, ids = mcn
    url = make_cohort(trainer)
    # A host of another MCN cannot be added.
    assert trainer.post(url, {"action": "members", "host": [str(ids["stranger@example.com"])]}).status_code == 404
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    assert other.get(url).status_code == 404
    assert other.get(url + ".csv").status_code == 404
    with app.app_context():
        cohort_id = get_session().scalar(select(Cohort.id))
    assert other.get(f"/orgs/mcn-b/cohorts/{cohort_id}").status_code == 404
    assert other.get(f"/orgs/mcn-b/cohorts/{cohort_id}.csv").status_code == 404
    assert "十一月新主播班" not in other.get("/orgs/mcn-b/cohorts").get_data(as_text=True)
