"""The process record (培训过程记录) is sealed into the transparency log at issue; a later edit is detected."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.catalogue.models import Lesson
from lms.certificates.models import Certificate
from lms.db import get_session, utcnow
from lms.evidence import process
from lms.evidence.models import LessonSession, PresenceCheck, ProcessRecord
from lms.transparency.entry import parse_entry
from lms.transparency.models import LogEntry
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import study_and_pass
from tests.web.test_study_policy import FORM, agency  # noqa: F401 - fixture


def evidence_before_issue(app, user_id):
    with app.app_context():
        session = get_session()
        lesson_id = session.scalar(select(Lesson.id).order_by(Lesson.position))
        start = utcnow() - timedelta(hours=2)
        session.add(LessonSession(user_id=user_id, lesson_id=lesson_id, started_at=start, beats=25,
                                  last_beat_at=start + timedelta(minutes=12), credited_seconds=720,
                                  max_scroll=80, scrollable=True, gaps_ms=[], flags=["parallel"]))  # fmt: skip
        for minutes, outcome in ((5, "answered"), (10, "missed")):
            shown = start + timedelta(minutes=minutes)
            session.add(PresenceCheck(user_id=user_id, lesson_id=lesson_id, kind="tap", answer="42",
                                      prompt={"kind": "tap", "params": {"n": 42}, "choices": ["42", "17", "88", "63"]},
                                      shown_at=shown, expires_at=shown + timedelta(seconds=60), outcome=outcome,
                                      resolved_at=shown + timedelta(seconds=20), withdrawn_seconds=0))  # fmt: skip
        session.commit()


@pytest.fixture
def sealed(app, agency):  # noqa: F811
    admin, ids = agency
    admin.post("/orgs/mcn-a/study-policy", {**FORM, "daily_max_minutes": "480"})
    Browserish(app.test_client()).login("host@example.com", PASSWORD)  # a sign-in before studying
    evidence_before_issue(app, ids["host@example.com"])
    study_and_pass(app, ids["host@example.com"])
    with app.app_context():
        return get_session().scalar(select(Certificate)).number


def test_the_record_is_sealed_and_logged_at_issue(app, sealed):
    with app.app_context():
        session = get_session()
        certificate = session.scalar(select(Certificate))
        record = session.scalar(select(ProcessRecord))
        body = json.loads(record.body)
        assert body["format"] == "lms-process-v1" and body["host"]["name"] == "林小美"
        assert len(body["sign_ins"]) == 1 and body["identity_checks"] == []
        assert body["policy"]["class_hour_minutes"] == 45
        assert [c["outcome"] for c in body["presence_checks"]] == ["answered", "missed"]
        assert body["sessions"][0]["flags"] == ["parallel"] and body["sessions"][0]["credited_seconds"] == 720
        assert body["certificate"]["number"] == certificate.number and body["quiz_attempts"][0]["status"]
        assert sum(d["seconds"] for d in body["days"]) == certificate.study_seconds
        entry = parse_entry(session.scalar(select(LogEntry.data).where(LogEntry.index == record.log_index)))
        assert (entry.kind, entry.number, entry.credential_sha256) == ("process", certificate.number, record.sha256)
        assert record.log_index == certificate.log_index + 1
        assert process.verify(session, certificate).ok


def test_an_edit_of_the_stored_record_after_issue_is_detected(app, sealed):
    with app.app_context():
        session = get_session()
        record = session.scalar(select(ProcessRecord))
        edited = record.body.replace('"missed"', '"answered"')
        assert edited != record.body
        session.execute(update(ProcessRecord).values(body=edited))
        session.commit()
        check = process.verify(session, session.scalar(select(Certificate)))
        assert not check.ok
        assert "the stored process record no longer matches its transparency-log entry" in check.problems


def test_an_edit_of_a_stored_presence_check_after_issue_is_detected(app, sealed):
    with app.app_context():
        session = get_session()
        session.execute(update(PresenceCheck).where(PresenceCheck.outcome == "missed").values(outcome="answered"))
        session.commit()
        check = process.verify(session, session.scalar(select(Certificate)))
        assert check.problems == ("the stored presence checks differ from the sealed record",)


def test_a_certificate_under_the_built_in_defaults_is_sealed_too(app, example, make_user):  # noqa: F811
    user_id = make_user("solo@example.com", "solo")
    study_and_pass(app, user_id)
    with app.app_context():
        session = get_session()
        certificate = session.scalar(select(Certificate))
        body = json.loads(session.scalar(select(ProcessRecord.body)))
        assert body["policy"]["scope"] == "default" and body["policy"]["class_hour_minutes"] == 60
        assert [parse_entry(e).kind for e in session.scalars(select(LogEntry.data).order_by(LogEntry.index))] == [
            "issue", "process"]
        assert process.verify(session, certificate).ok


def test_a_reissued_certificate_gets_a_new_seal_and_the_old_one_still_verifies(app, sealed, make_user):
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    new_number = admin.post(f"/certificates/{sealed}/manage", {"action": "reissue"}).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        session = get_session()
        old, new = session.scalars(select(Certificate).order_by(Certificate.id)).all()
        assert (old.status, new.number) == ("superseded", new_number.replace("-", ""))
        entries = [parse_entry(e) for e in session.scalars(select(LogEntry.data).order_by(LogEntry.index))]
        assert [(e.kind, e.number) for e in entries][-2:] == [("reissue", new.number), ("process", new.number)]
        old_seal, new_seal = process.sealed_record(session, old.id), process.sealed_record(session, new.id)
        assert new_seal.log_index == new.log_index + 1 and new_seal.sha256 != old_seal.sha256
        body = json.loads(new_seal.body)
        assert body["supersedes"] == old.number and body["certificate"]["number"] == new.number
        assert body["presence_checks"] == json.loads(old_seal.body)["presence_checks"]  # earned as it was earned
        assert process.verify(session, old).ok and process.verify(session, new).ok
    result = app.test_cli_runner().invoke(args=["evidence", "verify", sealed])
    assert result.exit_code == 0 and "superseded by " + new_number in result.output


def test_the_credential_counts_hours_as_the_policy_does(app, sealed):
    with app.app_context():
        certificate = get_session().scalar(select(Certificate))
        credential = json.loads(certificate.credential)
    subject = credential["credentialSubject"]
    assert certificate.study_policy["class_hour_minutes"] == 45
    assert subject["result"][0]["value"] == f"{certificate.hours:.1f}".removesuffix(".0")
    assert "1学时为45分钟" in subject["achievement"]["criteria"]["narrative"]
    assert "学时按1学时45分钟计" in subject["achievement"]["description"]
