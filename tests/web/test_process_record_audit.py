"""The bureau reviewing a submitted cohort sees each consenting host's process record (培训过程记录), whether its
seal still holds, and downloads it as CSV or XLSX; `lms evidence verify` checks the seal from the command line."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from lms.bureau.models import AuditEvent
from lms.certificates.models import Certificate
from lms.db import get_session, utcnow
from lms.catalogue.models import Lesson
from lms.evidence import identity_services
from lms.evidence import services as evidence
from lms.evidence.identity import SnapshotProvider
from lms.evidence.models import IdentityCheck, ProcessRecord
from lms.evidence.policy import StudyPolicy
from lms.orgs.models import Organisation
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_cohorts import make_cohort, mcn  # noqa: F401 - fixture
from tests.unit.test_identity import JPEG
from tests.web.test_process_record import evidence_before_issue


@pytest.fixture
def audit_page(app, mcn, verifier):  # noqa: F811
    trainer, ids = mcn
    with app.app_context():
        session = get_session()
        org = session.scalar(select(Organisation).where(Organisation.slug == "mcn-a"))
        evidence.save_policy(session, org_id=org.id, cohort_id=None, by_user_id=None,
                             policy=StudyPolicy(class_hour_minutes=45, presence_interval_minutes=15))
        session.commit()
    url = make_cohort(trainer)
    trainer.post(url, {"action": "members", "host": [str(ids["a@example.com"]), str(ids["b@example.com"])]})
    trainer.post(url, {"action": "course", "course": "first-live-room",
                       "deadline": (date.today() + timedelta(days=7)).isoformat()})  # fmt: skip
    evidence_before_issue(app, ids["a@example.com"])
    study_and_pass(app, ids["a@example.com"])
    trainer.post(url, {"action": "submit", "bureau": "city-bureau", "understood": "y"})
    page = verifier.get("/bureau/city-bureau/cohorts").get_data(as_text=True)
    link = page.split('href="/bureau/city-bureau/cohorts/')[1].split('"')[0]
    return verifier, f"/bureau/city-bureau/cohorts/{link}"


def test_the_bureau_sees_the_process_record_and_its_seal(app, audit_page):
    bureau, url = audit_page
    page = bureau.get(url).get_data(as_text=True)
    assert "Process record (培训过程记录)" in page and "Lesson sessions: 1" in page
    assert "Presence checks: 2 shown, 1 answered, 1 missed or wrong" in page
    assert "Flag for review: Several lessons were open and beating at once" in page
    assert "Sealed at issue and unchanged" in page
    with app.app_context():
        session = get_session()
        record = session.scalar(select(ProcessRecord))
        session.execute(update(ProcessRecord).values(body=record.body.replace('"missed"', '"answered"')))
        session.commit()
    page = bureau.get(url).get_data(as_text=True)
    assert "Changed after issue:" in page and "no longer matches its transparency-log entry" in page
    assert "Sealed at issue and unchanged" not in page


def test_the_bureau_downloads_the_process_record(app, audit_page):
    bureau, url = audit_page
    text = bureau.get(url + "/process.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["主播", "课程", "类别", "时间（北京时间）", "内容", "数值"]
    kinds = [row[2] for row in rows[1:]]
    assert {"学习记录", "每日学时", "在场确认", "考核", "证书"} <= set(kinds)
    assert all(row[0] == "林小美" for row in rows[1:])  # only the consenting host
    assert ["林小美", "第一次开播：准备清单", "在场确认"] == [c for c in rows[kinds.index("在场确认") + 1][:3]]
    xlsx = bureau.get(url + "/process.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    with app.app_context():
        actions = [e.action for e in get_session().scalars(select(AuditEvent))]
    assert "process_record_exported_csv" in actions and "process_record_exported_xlsx" in actions


def test_lms_evidence_verify_recomputes_the_seal(app, audit_page):
    runner = app.test_cli_runner()
    with app.app_context():
        number = get_session().scalar(select(Certificate.number))
    result = runner.invoke(args=["evidence", "verify", number])
    assert result.exit_code == 0 and "process record unchanged since issue" in result.output
    with app.app_context():
        session = get_session()
        session.execute(update(ProcessRecord).values(body=session.scalar(select(ProcessRecord.body)) + " "))
        session.commit()
    result = runner.invoke(args=["evidence", "verify", number])
    assert result.exit_code == 1 and "no longer matches its transparency-log entry" in result.output
    assert runner.invoke(args=["evidence", "verify", "NOT-A-NUMBER"]).exit_code == 1


def test_the_bureau_sees_a_consented_snapshot_and_marks_not_the_host(app, audit_page, mcn):  # noqa: F811
    bureau, url = audit_page
    _trainer, ids = mcn
    user_id = ids["a@example.com"]
    with app.app_context():
        session = get_session()
        lesson_id = session.scalar(select(Lesson.id).order_by(Lesson.position))
        identity_services.give_face_consent(session, user_id, utcnow())
        start = session.scalar(select(Certificate)).issued_at - timedelta(hours=1)
        identity_services.record_check(session, app.extensions["lms.pii"], SnapshotProvider(), user_id=user_id,
                                       lesson_id=lesson_id, moment="start", image=JPEG, now=start)  # fmt: skip
        session.commit()
    page = bureau.get(url).get_data(as_text=True)
    image_url = page.split('<img src="')[1].split('"')[0]
    assert bureau.get(image_url).data == JPEG
    action = next(part.split('"')[0] for part in page.split('action="')[1:] if "/not-host" in part.split('"')[0])
    page = bureau.post(action, {}, form_page=url, follow_redirects=True).get_data(as_text=True)
    assert "Marked as not the host" in page and "Reviewed: not the host" in page
    assert "Flagged: a reviewer found that the person studying was not the host" in page
    # The sealed record keeps what was true at issue; the page and the download add the later review, and the
    # seal still holds (a reviewer's verdict is a legitimate change).
    assert "Marked not the host after issue:" in page and "its 12 minute(s) no longer count" in page
    assert "Flag for review: A reviewer found that the person studying was not the host" in page
    assert "Sealed at issue and unchanged" in page
    rows = list(csv.reader(io.StringIO(bureau.get(url + "/process.csv").data.decode("utf-8-sig"))))
    review = [row for row in rows if row[2] == "复核"]
    assert len(review) == 1 and review[0][5] == "-720" and "复核：非本人，学习时间已扣除" in review[0][4]
    assert [row[4] for row in rows if row[2] == "在场确认"] == ["点数字 已回答", "点数字 错过"]
    with app.app_context():
        session = get_session()
        assert session.scalar(select(IdentityCheck)).review == "not_host"
        assert session.scalar(select(Certificate)).evidence_flag == "not_host"
