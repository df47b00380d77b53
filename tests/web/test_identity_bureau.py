"""A 身份证号 under identity review is not shared with a labor bureau (issue 14 §1; lms.accounts.identity)."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.db import get_session
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID
from tests.web.test_cohorts import mcn  # noqa: F401 - fixture
from tests.web.test_subsidy_audit import submitted  # noqa: F401 - fixture


def test_a_number_under_review_is_withheld_from_the_bureau(app, submitted):  # noqa: F811
    """Host a consented and holds VALID_ID; when host b saves the same number, the bureau's roster carries neither
    until a site admin decides."""
    with app.app_context():
        session = get_session()
        b = session.scalar(select(User).where(User.email == "b@example.com"))
        from lms.accounts.realname import save_real_name

        save_real_name(session, app.extensions["lms.pii"], b, legal_name="冒用者", id_number=VALID_ID, consent=True)
        session.commit()
    page = submitted.get("/bureau/city-bureau/cohorts").get_data(as_text=True)
    link = page.split('href="/bureau/city-bureau/cohorts/')[1].split('"')[0]
    detail = submitted.get(f"/bureau/city-bureau/cohorts/{link}").get_data(as_text=True)
    assert detail.count("no consent: details withheld") == 2 and "林小美" not in detail
    roster = submitted.get(f"/bureau/city-bureau/cohorts/{link}/roster.csv").data.decode("utf-8-sig")
    assert VALID_ID not in roster and len(roster.strip().splitlines()) == 1
