"""Red-team findings on names: no invisible direction controls or control characters in a name, whichever way it
comes in (a form, the real-name page, an organisation's host file)."""

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import RealNameProfile, User
from lms.db import get_session
from tests.conftest import PASSWORD
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_host_import import mcn, upload  # noqa: F401 - fixture

VALID_ID = "11010519491231002X"
#: Right-to-left override: "林小美\u202e" + "圆圆" shows as "林小美圆圆" reversed after the mark, so a certificate
#: (PDF, share picture, roster) could show one name while another is stored and matched.
CONTROL = "It holds invisible direction marks or control characters; type it again."
SPOOFS = ["林\u202e美小", "林小\u2067美\u2069", "Lin\u200f Mei"]


@pytest.mark.parametrize("name", SPOOFS)
def test_the_real_name_form_refuses_direction_controls(app, web, make_user, name):
    make_user("host@example.com")
    web.login("host@example.com", PASSWORD)
    r = web.post("/account/real-name", {"legal_name": name, "id_number": VALID_ID, "consent": "y"})
    assert r.status_code == 400 and "characters that are not valid text" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(RealNameProfile)) is None


def test_registration_refuses_a_display_name_with_a_direction_override(app, web):
    r = web.post("/account/register", {"display_name": "小美\u202e老师", "login": "new@example.com",
                                       "password": "a long enough pass 9"})
    assert r.status_code == 400 and "characters that are not valid text" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(User).where(User.email == "new@example.com")) is None


def test_a_host_file_with_control_characters_in_names_is_refused_at_the_row(app, mcn):  # noqa: F811
    """Finding: the host import took names and legal names from the file as they were, with direction overrides
    and control characters (ESC, BEL) that every form refuses; they then showed on trainers' pages, exports and
    certificates. Now each such row is a problem named by row and field, and nothing is created."""
    body = ("昵称,手机号,真实姓名,身份证号\n"
            "小\u202e美林,13900139001,,\n"
            "阿\x1b杰,13900139002,,\n"
            f"小云,13900139003,林\u202e美小,{VALID_ID}\n").encode()  # fmt: skip
    r = upload(mcn, body, "hosts.csv")
    page = r.get_data(as_text=True)
    assert 'name="payload"' not in page and "No row can be imported" in page
    problems = re.findall(r'data-label="Row">(\d+)</td>.*?data-label="Field">([^<]+)</td>'
                          r'<td data-label="Problem">([^<]+)</td>', page)
    assert problems == [("2", "Name", CONTROL), ("3", "Name", CONTROL), ("4", "Legal name", CONTROL)]
    with app.app_context():
        assert get_session().scalar(select(User).where(User.phone.like("1390013900%"))) is None


def test_a_cohort_name_with_a_direction_override_is_refused(app, web, make_user):
    """The cohort form is read field by field (no form class): its name gets the same check as every form's."""
    from lms.cohorts.models import Cohort
    from lms.orgs import services as orgs
    from lms.orgs.models import Role

    trainer = make_user("trainer@example.com")
    with app.app_context():
        session = get_session()
        org = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        orgs.add_member(session, org=org, user=session.get(User, trainer), role=Role.TRAINER)
        session.commit()
    web.login("trainer@example.com", PASSWORD)
    r = web.post("/orgs/mcn-a/cohorts", {"name": "春季\u202e班", "starts_on": "2026-03-01", "ends_on": "2026-06-30"},
                 follow_redirects=True)  # fmt: skip
    assert "characters that are not valid text" in r.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(Cohort)) is None
