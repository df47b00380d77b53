"""The T-profile: evidence from quizzes, lessons and trainers; verticals; sharing; the cohort skill map."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_certificates import study_and_pass
from tests.web.test_catalogue import example  # noqa: F401 - fixture


@pytest.fixture
def mcn(app, example, make_user):  # noqa: F811
    """Host and trainer in MCN A; another trainer in MCN B."""
    for email in ("host@example.com", "trainer@example.com", "other@example.com"):
        make_user(email, email.split("@")[0])
    with app.app_context():
        session = get_session()
        users = {u.email: u for u in session.scalars(select(User))}
        a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        orgs.add_member(session, org=a, user=users["host@example.com"], role=Role.LEARNER)
        orgs.add_member(session, org=a, user=users["trainer@example.com"], role=Role.TRAINER)
        orgs.add_member(session, org=b, user=users["other@example.com"], role=Role.TRAINER)
        session.commit()
        return {email: u.id for email, u in users.items()}


def browser_for(app, email, language="en"):
    web = Browserish(app.test_client(), language=language)
    web.login(email, PASSWORD)
    return web


def test_profile_is_drawn_and_changes_with_evidence(app, mcn):
    host = browser_for(app, "host@example.com", "zh-CN")
    before = host.get("/skills/").get_data(as_text=True)
    assert "<svg" in before and "法规与合规" in before and "<script" not in before.split("<svg", 1)[1].split("</svg>")[0]
    with app.app_context():
        from lms.skills.services import host_profile

        compliance_before = host_profile(get_session(), mcn["host@example.com"]).masteries["compliance"].mastery
    study_and_pass(app, mcn["host@example.com"])  # two lessons and a quiz answered right
    with app.app_context():
        after = host_profile(get_session(), mcn["host@example.com"]).masteries
    assert after["compliance"].mastery > compliance_before and after["compliance"].evidence_count >= 3
    assert after["platform-ops"].evidence_count >= 1


def test_choose_verticals_and_shape(app, mcn):
    host = browser_for(app, "host@example.com")
    r = host.post("/skills/verticals", {"vertical": ["beauty", "food", "apparel"]}, form_page="/skills/", follow_redirects=True)
    assert "Choose one product category, or two" in r.get_data(as_text=True)
    host.post("/skills/verticals", {"vertical": ["beauty"]}, form_page="/skills/")
    page = host.get("/skills/").get_data(as_text=True)
    assert 'value="beauty" checked' in page and "No shape yet" in page


def test_sharing_is_private_until_the_host_shares(app, mcn):
    host = browser_for(app, "host@example.com")
    host.post("/skills/share", {"shared": "1"}, form_page="/skills/")
    page = host.get("/skills/").get_data(as_text=True)
    link = page.split('readonly value="')[1].split('"')[0]
    path = link.replace("http://localhost", "")
    anonymous = app.test_client().get(path, headers={"Accept-Language": "en"})
    body = anonymous.get_data(as_text=True)
    assert anonymous.status_code == 200 and "T-profile of host" in body and "host@example.com" not in body
    host.post("/skills/share", {"shared": "0"}, form_page="/skills/")
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().get("/skills/shared/guess").status_code == 404


def test_cli_profile_json(app, mcn):
    result = app.test_cli_runner().invoke(args=["skills", "profile", "host@example.com", "--json"])
    data = json.loads(result.output)
    assert set(data) == {"vertical", "horizontal", "shape", "next"}
    assert {"skill", "mastery", "confidence", "level"} == set(data["horizontal"][0])
    assert data["shape"] == "none" and len(data["next"]) >= 1


def test_cohort_map_assessment_and_export_are_scoped(app, mcn):
    trainer, other = browser_for(app, "trainer@example.com"), browser_for(app, "other@example.com")
    page = trainer.get("/orgs/mcn-a/skills").get_data(as_text=True)
    assert "Cohort skill map" in page and ">host<" in page
    assert "Can rewrite a non-compliant claim into a compliant one" in page  # the rubric behind the levels
    assert other.get("/orgs/mcn-a/skills").status_code == 404
    assert other.get("/orgs/mcn-a/skills.csv").status_code == 404
    assert ">host<" not in other.get("/orgs/mcn-b/skills").get_data(as_text=True)
    host_id = mcn["host@example.com"]
    r = other.post("/orgs/mcn-b/skills/assess", {"host": str(host_id), "skill": "aigc", "level": "3"},
                   form_page="/orgs/mcn-b/skills")
    assert r.status_code == 404  # not their host
    trainer.post("/orgs/mcn-a/skills/assess", {"host": str(host_id), "skill": "aigc", "level": "2", "note": "脚本核查到位"},
                 form_page="/orgs/mcn-a/skills")
    csv_text = trainer.get("/orgs/mcn-a/skills.csv").data.decode("utf-8-sig")
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("host,account,") and row.startswith("host,host@example.com,")
    # One kind of value per column: level codes in the "level" columns, numbers in the "mastery" ones.
    (names, values) = list(csv.reader(io.StringIO(csv_text)))[:2]
    for name, value in zip(names[2:], values[2:]):
        if name.endswith(" level"):
            assert value in {"none", "beginner", "proficient", "expert"}
        else:
            assert name.endswith(" mastery") and 0 <= float(value) <= 1
    # The assessed skill is no longer among the weakest: one assessment at "proficient" is strong evidence.
    with app.app_context():
        from lms.skills.services import host_profile

        assert host_profile(get_session(), host_id).masteries["aigc"].mastery > 0.5
