"""The trainer's drill-down into one host's learning record, and the cohort's XLSX and CSV exports."""

import csv
import io
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms import certnumbers
from lms.accounts.models import User
from lms.catalogue.models import Quiz
from lms.certificates.models import Certificate
from lms.cohorts.export import PROGRESS_COLUMNS
from lms.db import get_session, utcnow
from lms.learning.models import StudyTime
from lms.orgs import services as orgs
from lms.orgs.models import Role
from lms.quizzes.models import NEEDS_GRADING, QuizAttempt
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, study_and_pass

MASKED_ID = "110105********002X"
COHORT = "十一月新主播班"


@pytest.fixture
def seeded(app, example, make_user):  # noqa: F811
    """MCN A with two hosts in a cohort (林小美 finished the course and waits for an essay grade), and MCN B."""
    ids = {
        "lin": make_user("lin@example.com", "林小美"),
        "wang": make_user("wang@example.com", "王大力"),
        "trainer": make_user("trainer@example.com", "教练"),
        "stranger": make_user("stranger@example.com", "别家主播"),
        "other": make_user("other@example.com", "别家教练"),
    }
    with app.app_context():
        session = get_session()
        mcn_a = orgs.create_organisation(session, name="MCN A", slug="mcn-a", kind="mcn")
        mcn_b = orgs.create_organisation(session, name="MCN B", slug="mcn-b", kind="mcn")
        for key, org, role in [("lin", mcn_a, Role.LEARNER), ("wang", mcn_a, Role.LEARNER),
                               ("trainer", mcn_a, Role.TRAINER), ("stranger", mcn_b, Role.LEARNER),
                               ("other", mcn_b, Role.TRAINER)]:  # fmt: skip
            orgs.add_member(session, org=org, user=session.get(User, ids[key]), role=role)
        session.commit()
    trainer = Browserish(app.test_client())
    trainer.login("trainer@example.com", PASSWORD)
    today = date.today()
    r = trainer.post("/orgs/mcn-a/cohorts", {"name": COHORT, "starts_on": today.isoformat(),
                                             "ends_on": (today + timedelta(days=30)).isoformat()})  # fmt: skip
    url = r.headers["Location"]
    trainer.post(url, {"action": "members", "host": [str(ids["lin"]), str(ids["wang"])]})
    trainer.post(url, {"action": "course", "course": "first-live-room",
                       "deadline": (today + timedelta(days=14)).isoformat()})  # fmt: skip
    study_and_pass(app, ids["lin"])
    with app.app_context():
        session = get_session()
        quiz = session.scalar(select(Quiz).where(Quiz.key == "final"))
        session.add(QuizAttempt(user_id=ids["lin"], quiz_id=quiz.id, number=2, status=NEEDS_GRADING, paper=[],
                                submitted_at=utcnow()))  # fmt: skip
        session.commit()
    return trainer, ids, url


def study_minutes(app, user_id) -> dict[str, float]:
    with app.app_context():
        days: dict[str, int] = {}
        for row in get_session().scalars(select(StudyTime).where(StudyTime.user_id == user_id)):
            days[row.day.isoformat()] = days.get(row.day.isoformat(), 0) + row.seconds
    return {day: round(seconds / 60, 1) for day, seconds in days.items()}


def certificate_number(app) -> str:
    with app.app_context():
        return certnumbers.format(get_session().scalar(select(Certificate.number)))


def test_dashboard_links_each_host_to_the_drill_down(app, seeded):
    trainer, ids, url = seeded
    page = trainer.get(url).get_data(as_text=True)
    cohort_id = url.rsplit("/", 1)[1]
    assert f'href="/orgs/mcn-a/hosts/{ids["lin"]}?cohort={cohort_id}"' in page
    assert f'href="/orgs/mcn-a/hosts/{ids["wang"]}?cohort={cohort_id}"' in page
    assert f'href="{url}.xlsx"' in page and "Export XLSX" in page


def test_drill_down_shows_lessons_minutes_attempts_certificates_and_timeline(app, seeded):
    trainer, ids, url = seeded
    cohort_id = url.rsplit("/", 1)[1]
    r = trainer.get(f"/orgs/mcn-a/hosts/{ids['lin']}?cohort={cohort_id}")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "林小美" in page and "lin@example.com" in page
    assert MASKED_ID in page and VALID_ID not in page
    assert f'href="{url}">{COHORT}</a>' in page  # back link and the cohort list
    assert "Completed" in page and "2 / 2" in page
    minutes = study_minutes(app, ids["lin"])
    assert sum(minutes.values()) == 12.0
    for day, value in minutes.items():
        assert f'<td data-label="Date">{day}</td><td data-label="Minutes">{value}</td>' in page
    assert "0.2 h in total" in page  # 12 minutes, counted in 学时 of 60 minutes with one decimal
    assert "100%" in page and "Passed" in page and "Essay awaiting grading" in page
    number = certificate_number(app)
    assert f'<a href="/verify/{number}">{number}</a>' in page and "Valid" in page
    issued = page.index(f"Certificate issued: {number}")
    completed = page.index("Completed the lesson:")
    opened = page.index("Opened the lesson:")
    awaiting = page.index("Submitted attempt 2 of the quiz")
    assert awaiting < issued < completed < opened  # newest first


def test_drill_down_of_a_host_who_has_not_started(app, seeded):
    trainer, ids, _url = seeded
    page = trainer.get(f"/orgs/mcn-a/hosts/{ids['wang']}").get_data(as_text=True)
    assert "王大力" in page and "Not started" in page and "0 / 2" in page
    assert "No certificates yet." in page and "No study time recorded yet." in page and "ID number" not in page


def test_drill_down_is_scoped_to_the_organisations_hosts(app, seeded):
    trainer, ids, _url = seeded
    assert trainer.get(f"/orgs/mcn-a/hosts/{ids['stranger']}").status_code == 404  # a host of MCN B
    assert trainer.get(f"/orgs/mcn-a/hosts/{ids['trainer']}").status_code == 404  # not a learner
    assert trainer.get("/orgs/mcn-a/hosts/999999").status_code == 404
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    assert other.get(f"/orgs/mcn-a/hosts/{ids['lin']}").status_code == 404
    r = other.get(f"/orgs/mcn-b/hosts/{ids['lin']}")
    assert r.status_code == 404 and "林小美" not in r.get_data(as_text=True)
    host = Browserish(app.test_client())
    host.login("lin@example.com", PASSWORD)
    assert host.get(f"/orgs/mcn-a/hosts/{ids['lin']}").status_code == 403
    assert other.get(_url_of(trainer, "xlsx")).status_code == 404


def _url_of(trainer, extension):
    with trainer.client.application.app_context():
        from lms.cohorts.models import Cohort

        return f"/orgs/mcn-a/cohorts/{get_session().scalar(select(Cohort.id))}.{extension}"


def _sheet_rows(sheet) -> tuple[list, list[dict]]:
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), [dict(zip(rows[0], row)) for row in rows[1:]]


def test_xlsx_export_has_typed_sheets_and_only_masked_ids(app, seeded):
    trainer, ids, url = seeded
    r = trainer.get(url + ".xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert r.headers["Cache-Control"] == "no-store"
    assert f"filename*=UTF-8''{quote(COHORT)}.xlsx" in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["Progress", "Study hours", "Certificates"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(sheet.column_dimensions[c].width >= 8 for c in "ABC")
    every_cell = [str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row if v is not None]
    assert not any(VALID_ID in v for v in every_cell) and MASKED_ID in every_cell

    header, progress = _sheet_rows(book["Progress"])
    assert header[:4] == ["Host", "Login", "Legal name", "ID number (masked)"]
    assert "Lessons completed" in header and "Verified minutes" in header and "Best quiz score (%)" in header
    lin, wang = (next(row for row in progress if row["Host"] == name) for name in ("林小美", "王大力"))
    assert lin["State"] == "Completed" and lin["Lessons completed"] == 2 and lin["Lessons in total"] == 2
    assert lin["Verified minutes"] == 12.0 and lin["Study hours"] == 0.2 and lin["Best quiz score (%)"] == 100
    assert isinstance(lin["Deadline"], datetime) and lin["Certificate number"] == certificate_number(app)
    assert lin["ID number (masked)"] == MASKED_ID and lin["Certificate status"] == "Valid"
    assert wang["State"] == "Not started" and wang["Lessons completed"] == 0 and wang["Certificate number"] is None

    header, hours = _sheet_rows(book["Study hours"])
    assert header == ["Host", "Login", "Date (China time)", "Course code", "Course", "Verified minutes"]
    assert {row["Date (China time)"].date().isoformat(): row["Verified minutes"] for row in hours} == study_minutes(app, ids["lin"])
    assert {row["Host"] for row in hours} == {"林小美"}

    header, certificates = _sheet_rows(book["Certificates"])
    assert header == ["Host", "ID number (masked)", "Certificate number", "Course code", "Course", "Issued on", "Status"]
    (row,) = certificates
    assert row["Host"] == "林小美" and row["ID number (masked)"] == MASKED_ID and row["Status"] == "Valid"
    assert row["Certificate number"] == certificate_number(app) and isinstance(row["Issued on"], datetime)


def test_xlsx_headers_and_sheets_in_chinese(app, seeded):
    trainer, _ids, url = seeded
    trainer.headers["Accept-Language"] = "zh-CN"
    book = load_workbook(io.BytesIO(trainer.get(url + ".xlsx").data))
    assert book.sheetnames == ["学习进度", "学时", "证书"]
    header, progress = _sheet_rows(book["学习进度"])
    assert header[0] == "主播" and "截止日期" in header
    assert {row["主播"]: row["状态"] for row in progress} == {"林小美": "已完成", "王大力": "未开始"}


def test_csv_columns_hold_one_kind_of_value_and_match_the_workbook(app, seeded):
    trainer, _ids, url = seeded
    r = trainer.get(url + ".csv")
    assert r.headers["Cache-Control"] == "no-store"
    assert f"filename*=UTF-8''{quote(COHORT)}.csv" in r.headers["Content-Disposition"]
    text = r.data.decode("utf-8-sig")
    assert VALID_ID not in text
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == list(PROGRESS_COLUMNS)
    rows = [dict(zip(PROGRESS_COLUMNS, row)) for row in reader]
    assert len(rows) == 2
    for row in rows:
        assert row["state"] in {"not_started", "in_progress", "completed", "overdue"}
        date.fromisoformat(row["deadline"])
        assert row["lessons_done"].isdigit() and row["lessons_total"].isdigit()
        float(row["minutes"]), float(row["hours"])
        assert row["quiz_score"] == "" or float(row["quiz_score"]) >= 0
        assert row["certificate_status"] in {"", "valid", "revoked"}
    book = load_workbook(io.BytesIO(trainer.get(url + ".xlsx").data))
    _header, sheet = _sheet_rows(book["Progress"])
    for csv_row, xlsx_row in zip(rows, sheet):
        assert csv_row["host"] == xlsx_row["Host"] and csv_row["id_masked"] == (xlsx_row["ID number (masked)"] or "")
        assert int(csv_row["lessons_done"]) == xlsx_row["Lessons completed"]
        assert float(csv_row["minutes"]) == xlsx_row["Verified minutes"]
        assert csv_row["deadline"] == xlsx_row["Deadline"].date().isoformat()
        assert csv_row["certificate"] == (xlsx_row["Certificate number"] or "")


def test_hours_and_certificates_also_download_as_csv(app, seeded):
    trainer, ids, url = seeded
    page = trainer.get(url).get_data(as_text=True)
    assert f'href="{url}/hours.csv"' in page and f'href="{url}/certificates.csv"' in page
    hours = list(csv.DictReader(io.StringIO(trainer.get(url + "/hours.csv").data.decode("utf-8-sig"))))
    assert {row["day"]: float(row["minutes"]) for row in hours} == study_minutes(app, ids["lin"])
    assert {row["host"] for row in hours} == {"林小美"}
    r = trainer.get(url + "/certificates.csv")
    assert "-certificates.csv" in r.headers["Content-Disposition"] and r.headers["Cache-Control"] == "no-store"
    text = r.data.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["id_masked"] == MASKED_ID and VALID_ID not in text and row["status"] == "valid"
    assert trainer.get(url + "/other.csv").status_code == 404
    other = Browserish(app.test_client())
    other.login("other@example.com", PASSWORD)
    assert other.get(url + "/hours.csv").status_code == 404
    assert other.get(url.replace("mcn-a", "mcn-b") + "/certificates.csv").status_code == 404
