"""The process record (培训过程记录) as files: the bureau's PDF (full ID numbers) and the organisation admin's
(masked), and the sealed records the offline verifier checks: `lms verify --process` and the bureau page both catch
a stored process row edited after issue."""

import json
import re
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import select, update

from lms.orgs import services as orgs
from lms.accounts.models import User
from lms.bureau.models import AuditEvent
from lms.certificates.models import Certificate
from lms.db import get_session
from lms.evidence.models import ProcessRecord
from lms.orgs.models import Organisation, Role
from tests.conftest import PASSWORD, Browserish
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID
from tests.web.test_cohorts import mcn  # noqa: F401 - fixture
from tests.web.test_process_record_audit import audit_page  # noqa: F401 - fixture

FIXTURES = (verifier, example, mcn, audit_page)  # used by name as pytest fixtures


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def sealed(app) -> ProcessRecord:
    with app.app_context():
        session = get_session()
        record = session.scalar(select(ProcessRecord))
        session.expunge(record)
        return record


def test_the_bureau_downloads_the_process_record_as_pdf(app, audit_page, tmp_path):  # noqa: F811
    bureau, url = audit_page
    page = bureau.get(url).get_data(as_text=True)
    assert "Process record PDF" in page and url + "/process.pdf" in page
    response = bureau.get(url + "/process.pdf")
    assert response.mimetype == "application/pdf" and "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    seal = sealed(app)
    for shown in ("培训过程记录", "林小美", VALID_ID, "第一次开播：准备清单", "1学时45分钟", seal.sha256,
                  f"透明日志第 {seal.log_index} 条", "封存后未被改动", "学习记录", "多个课时同时学习", "每日学时",
                  "每学时分钟", "在场确认", "超时未答", "身份核验", "考核", "已完成"):
        assert shown in text, shown
    # One host's PDF, from the link next to their record; a host outside the cohort has none.
    one = re.search(r'href="([^"]*/hosts/\d+/process\.pdf)"', page).group(1)
    assert "林小美" in pdf_text(bureau.get(one).data, tmp_path)
    assert bureau.get(url + "/hosts/999999/process.pdf").status_code == 404
    with app.app_context():
        events = list(get_session().scalars(select(AuditEvent).where(AuditEvent.action == "process_record_exported_pdf")))
    assert len(events) == 2 and events[0].detail["full_id_numbers"] is True


def org_admin(app, make_user) -> Browserish:
    make_user("boss@example.com", "老板")
    with app.app_context():
        session = get_session()
        org = session.scalar(select(Organisation).where(Organisation.slug == "mcn-a"))
        orgs.add_member(session, org=org, user=session.scalar(select(User).where(User.email == "boss@example.com")),
                        role=Role.ORG_ADMIN)  # fmt: skip
        session.commit()
    admin = Browserish(app.test_client())
    admin.login("boss@example.com", PASSWORD)
    return admin


def cohort_url(admin) -> str:
    page = admin.get("/orgs/mcn-a/cohorts").get_data(as_text=True)
    return "/orgs/mcn-a/cohorts/" + page.split('href="/orgs/mcn-a/cohorts/')[1].split('"')[0]


def test_the_organisation_admin_downloads_it_with_masked_id_numbers(app, audit_page, mcn, make_user, tmp_path):  # noqa: F811
    admin = org_admin(app, make_user)
    url = cohort_url(admin)
    assert "Process record PDF" in admin.get(url + "/study-policy").get_data(as_text=True)
    assert f'href="{url}/process.pdf"' in admin.get(url).get_data(as_text=True)
    trainer = mcn[0]  # the cohort page's trainer has no link to it, and no access
    assert "Process record PDF" not in trainer.get(url).get_data(as_text=True)
    assert trainer.get(url + "/process.pdf").status_code == 403
    text = pdf_text(admin.get(url + "/process.pdf").data, tmp_path)
    assert "林小美" in text and "110105********002X" in text and VALID_ID not in text
    assert "主管部门要求的政策" not in text  # the bureau's judgement is the bureau's
    assert admin.get(url + "/hosts/999999/process.pdf").status_code == 404


def test_lms_verify_checks_the_process_seal_offline_and_catches_an_edit(app, audit_page, tmp_path):  # noqa: F811
    bureau, url = audit_page
    client = app.test_client()
    with app.app_context():
        certificate = get_session().scalar(select(Certificate))
        number, credential = certificate.number, certificate.credential
    exported = json.loads(bureau.get(url + "/process.json").data)
    assert exported["format"] == "lms-process-export-v1" and len(exported["records"]) == 1
    assert exported["records"][0]["record"]["certificate"]["number"] == number
    files = {
        "credential.json": credential,
        "did.json": client.get("/.well-known/did.json").get_data(as_text=True),
        "status.json": client.get("/credentials/status/1").get_data(as_text=True),
        "proof.txt": client.get(f"/api/v1/certificates/{number}/proof").get_data(as_text=True),
        "process.json": json.dumps(exported, ensure_ascii=False),
    }
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    args = ["verify", str(tmp_path / "credential.json"), "--did", str(tmp_path / "did.json"), "--status",
            str(tmp_path / "status.json"), "--proof", str(tmp_path / "proof.txt"), "--process", str(tmp_path / "process.json")]
    good = app.test_cli_runner().invoke(args=args)
    assert good.exit_code == 0 and "ok   process_record: the process record" in good.output, good.output
    # Someone edits the stored process row after issue: a missed presence check becomes an answered one.
    with app.app_context():
        session = get_session()
        body = session.scalar(select(ProcessRecord.body))
        session.execute(update(ProcessRecord).values(body=body.replace('"missed"', '"answered"')))
        session.commit()
    (tmp_path / "process.json").write_bytes(bureau.get(url + "/process.json").data)
    bad = app.test_cli_runner().invoke(args=args)
    assert bad.exit_code == 1 and "NOT VERIFIED" in bad.output
    assert "FAIL process_record: the process record's SHA-256 differs from the one sealed in the log" in bad.output
    page = bureau.get(url).get_data(as_text=True)
    assert "Changed after issue:" in page and "Sealed at issue and unchanged" not in page
    # The plain verifier (no Flask) says the same; a file without this certificate's record is named as such.
    from tests.conftest import ROOT

    standalone = subprocess.run([sys.executable, "-m", "lms.credentials", *args[1:]], cwd=ROOT, capture_output=True,
                                text=True)  # fmt: skip
    assert standalone.returncode == 1 and "FAIL process_record" in standalone.stdout, standalone.stdout + standalone.stderr
    (tmp_path / "process.json").write_text(json.dumps({"format": "lms-process-export-v1", "records": []}))
    assert "holds no record for certificate" in app.test_cli_runner().invoke(args=args).output


def test_the_bureau_requires_a_policy_and_sees_each_host_judged(app, audit_page, make_user, tmp_path):  # noqa: F811
    bureau, url = audit_page
    page = bureau.get(url).get_data(as_text=True)
    assert "As the organisation chose: each host is judged against the policy they studied under." in page
    assert "Meets the required study policy" in page  # under the policy the host studied under (45 min, checks)
    form = bureau.get(url + "/required-policy").get_data(as_text=True)
    assert 'value="45"' in form and "Now: as the organisation chose." in form
    required = {"required-class_hour_minutes": "45", "required-daily_max_minutes": "240",
                "required-presence_interval_minutes": "10", "required-presence_answer_seconds": "60",
                "required-identity_at_start": "y", "required-retention_years": "5", "required-submit": "y"}
    bad = bureau.post(url + "/required-policy", {**required, "required-daily_max_minutes": "5"})
    assert bad.status_code == 400 and "Enter a whole number from 30 to 1440." in bad.get_data(as_text=True)
    page = bureau.post(url + "/required-policy", required, follow_redirects=True).get_data(as_text=True)
    assert "Study policy required." in page
    assert ("You require: 45 minutes per class hour, at most 240 minutes a day, a presence check every 10 minutes, "
            "identity check at lesson start, evidence kept 5 years") in page
    assert "Does not meet the required study policy" in page
    assert "要求每 10 分钟内在场确认一次，学习时每 15 分钟一次" in page
    assert "要求开课时核验身份，以下课时没有通过的核验：" in page
    # The organisation's admin sees what the bureau requires, on the cohort's study policy.
    admin = org_admin(app, make_user)
    policy_page = admin.get(cohort_url(admin) + "/study-policy").get_data(as_text=True)
    assert "示例市人社局 requires: 45 minutes per class hour, at most 240 minutes a day" in policy_page
    # The bureau's PDF says the same.
    text = pdf_text(bureau.get(url + "/process.pdf").data, tmp_path)
    assert "主管部门要求的政策" in text and "不符合：" in text
    # Back to as the organisation chose.
    page = bureau.post(url + "/required-policy", {"chose-submit": "y"}, form_page=url + "/required-policy",
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "judged by the study policy its organisation chose" in page and "You require:" not in page
    assert "示例市人社局 takes the cohort as you chose." in admin.get(cohort_url(admin) + "/study-policy").get_data(as_text=True)
    with app.app_context():
        actions = [e.action for e in get_session().scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("required_policy_set") == 1 and actions.count("required_policy_cleared") == 1
    audit = bureau.get("/bureau/city-bureau/audit").get_data(as_text=True)
    assert "Study policy required for a submitted cohort" in audit and "minutes per class hour: 45" in audit


def test_lms_evidence_export_writes_the_file_lms_verify_reads(app, audit_page, tmp_path):  # noqa: F811
    with app.app_context():
        certificate = get_session().scalar(select(Certificate))
        number, credential = certificate.number, certificate.credential
    runner = app.test_cli_runner()
    result = runner.invoke(args=["evidence", "export", number, "--output", str(tmp_path / "process.json")])
    assert result.exit_code == 0, result.output
    exported = json.loads((tmp_path / "process.json").read_text(encoding="utf-8"))
    assert [r["record"]["certificate"]["number"] for r in exported["records"]] == [number]
    (tmp_path / "credential.json").write_text(credential, encoding="utf-8")
    (tmp_path / "did.json").write_bytes(app.test_client().get("/.well-known/did.json").data)
    checked = runner.invoke(args=["verify", str(tmp_path / "credential.json"), "--did", str(tmp_path / "did.json"),
                                  "--process", str(tmp_path / "process.json")])  # fmt: skip
    assert "ok   process_record: the process record" in checked.output, checked.output
    missing = runner.invoke(args=["evidence", "export", "AAAAA-AAAAA-AAAAA"])
    assert missing.exit_code == 1 and "no sealed process record" in missing.output
