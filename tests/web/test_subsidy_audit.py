"""Subsidy audit: an MCN submits a cohort to a bureau, which sees consenting hosts' records and exports the roster
with full ID numbers (audit-logged); other bureaus see nothing."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.bureau.models import AuditEvent
from lms.db import get_session
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, study_and_pass
from tests.web.test_cohorts import make_cohort, mcn  # noqa: F401 - fixture


@pytest.fixture
def submitted(app, mcn, verifier):  # noqa: F811
    trainer, ids = mcn
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["a@example.com"]), str(ids["b@example.com"])]})
    trainer.post(url, {"action": "course", "course": "first-live-room",
                       "deadline": (date.today() + timedelta(days=7)).isoformat()})  # fmt: skip
    study_and_pass(app, ids["a@example.com"])  # a consents (real-name profile) and completes; b gives no consent
    r = trainer.post(url, {"action": "submit", "bureau": "city-bureau", "understood": "y"}, follow_redirects=True)
    assert "the bureau can now audit" in r.get_data(as_text=True)
    return verifier


def test_bureau_sees_consenting_hosts_and_exports_the_roster(app, submitted):
    page = submitted.get("/bureau/city-bureau/cohorts").get_data(as_text=True)
    assert "十一月新主播班" in page
    link = page.split('href="/bureau/city-bureau/cohorts/')[1].split('"')[0]
    detail = submitted.get(f"/bureau/city-bureau/cohorts/{link}").get_data(as_text=True)
    assert "林小美" in detail and "110105********002X" in detail and VALID_ID not in detail
    assert "no consent: details withheld" in detail  # host b
    roster = submitted.get(f"/bureau/city-bureau/cohorts/{link}/roster.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(roster)))
    assert rows[0][:3] == ["No.", "Full name", "ID number"] and len(rows) == 2
    assert rows[1][1] == "林小美" and rows[1][2] == VALID_ID and rows[1][9] == "valid"
    submitted.headers["Accept-Language"] = "zh-CN,zh;q=0.9"  # a Chinese page gets a Chinese roster
    detail = submitted.get(f"/bureau/city-bureau/cohorts/{link}").get_data(as_text=True)
    assert "（有效）" in detail or "(有效)" in detail
    assert " h ·" not in detail and " h<" not in detail and "学时" in detail and "学习时长" in detail
    roster = submitted.get(f"/bureau/city-bureau/cohorts/{link}/roster.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(roster)))
    assert rows[0] == ["序号", "姓名", "身份证号", "课程", "培训开始", "培训结束", "学时", "考核成绩", "证书编号", "证书状态"]
    assert rows[1][9] == "有效"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(submitted.get(f"/bureau/city-bureau/cohorts/{link}/roster.xlsx").data), read_only=True)
    assert book.sheetnames == ["培训花名册"]
    book.close()
    submitted.headers["Accept-Language"] = "en"
    assert rows[1][3] == "第一次开播：准备清单" and rows[1][8].count("-") == 2  # course title, grouped number
    xlsx = submitted.get(f"/bureau/city-bureau/cohorts/{link}/roster.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    with app.app_context():
        actions = [e.action for e in get_session().scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "subsidy_audit_viewed" in actions and "roster_exported_csv" in actions and "roster_exported_xlsx" in actions


def test_another_bureau_sees_nothing(app, submitted, make_user):
    make_user("other-verifier@example.com")
    with app.app_context():
        session = get_session()
        bureau = orgs.create_organisation(session, name="另一个人社局", slug="other-bureau", kind="bureau")
        orgs.add_member(session, org=bureau, role=Role.BUREAU_VERIFIER,
                        user=session.scalar(select(User).where(User.email == "other-verifier@example.com")))  # fmt: skip
        session.commit()
    other = Browserish(app.test_client())
    other.login("other-verifier@example.com", PASSWORD)
    assert "十一月新主播班" not in other.get("/bureau/other-bureau/cohorts").get_data(as_text=True)
    page = submitted.get("/bureau/city-bureau/cohorts").get_data(as_text=True)
    link = page.split('href="/bureau/city-bureau/cohorts/')[1].split('"')[0]
    assert other.get(f"/bureau/other-bureau/cohorts/{link}").status_code == 404
    assert other.get(f"/bureau/other-bureau/cohorts/{link}/roster.csv").status_code == 404
    assert other.get(f"/bureau/city-bureau/cohorts/{link}/roster.csv").status_code == 404
