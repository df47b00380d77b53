"""A cohort's process-record PDF with more hosts than are rendered at once is prepared by a worker: the link opens a
page that says it is being prepared, then offers the download (audit-logged for the bureau's copy with full ID
numbers). The PDF is kept encrypted, for an hour; only the asking organisation sees the job; a failure is told in
the reader's language."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.bureau import processjob
from lms.bureau.models import AuditEvent
from lms.db import get_session, utcnow
from lms.jobs.models import Job
from tests.conftest import PASSWORD, Browserish, drain
from tests.web.test_bureau import verifier  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID
from tests.web.test_cohorts import mcn  # noqa: F401 - fixture
from tests.web.test_jobs import add_verifier
from tests.web.test_process_record_audit import audit_page  # noqa: F401 - fixture
from tests.web.test_process_record_files import cohort_url, org_admin, pdf_text

FIXTURES = (verifier, example, mcn, audit_page)  # used by name as pytest fixtures
PDF_JOBS = Job.kind.in_((processjob.BUREAU_KIND, processjob.ORG_KIND))


@pytest.fixture
def every_cohort_is_large(monkeypatch):
    monkeypatch.setattr(processjob, "DIRECT_HOSTS", 0)


def pdf_job(app) -> Job:
    with app.app_context():
        session = get_session()
        job = session.scalar(select(Job).where(PDF_JOBS).order_by(Job.id.desc()))
        session.expunge(job)
        return job


def exports(app) -> list[AuditEvent]:
    with app.app_context():
        return list(get_session().scalars(select(AuditEvent).where(AuditEvent.action == "process_record_exported_pdf")))


def test_the_bureau_s_large_cohort_pdf_is_prepared_by_a_worker_then_downloaded(
        queued_app, audit_page, every_cohort_is_large, make_user, tmp_path):  # noqa: F811
    _verifier, url = audit_page
    bureau = Browserish(queued_app.test_client())
    bureau.login("verifier@example.com", PASSWORD)
    asked = bureau.get(url + "/process.pdf")
    assert asked.status_code == 302 and re.fullmatch(r"/bureau/city-bureau/process-pdfs/\d+", asked.headers["Location"])
    job_url = asked.headers["Location"]
    assert bureau.get(url + "/process.pdf").headers["Location"] == job_url  # asking again while it waits: the same job
    page = bureau.get(job_url).get_data(as_text=True)
    assert "Process record PDF · 十一月新主播班" in page and "The PDF is being prepared." in page
    assert "Preparing the PDF…" in page and "js/job-progress." in page and f'href="{job_url}">Refresh</a>' in page
    assert bureau.get(job_url + ".json").get_json() | {"label": None} == {
        "state": "queued", "done": 0, "total": 0, "percent": 0, "label": None, "message": None, "result_url": None}
    assert bureau.get(job_url + "/process.pdf").headers["Location"] == job_url  # nothing to download yet
    assert exports(queued_app) == []

    assert drain(queued_app) == 1
    status = bureau.get(job_url + ".json").get_json()
    assert status["state"] == "done" and status["result_url"] == job_url  # the page, which offers the download
    page = bureau.get(job_url).get_data(as_text=True)
    assert "The PDF is ready." in page and f'href="{job_url}/process.pdf" download>Download the PDF</a>' in page
    assert "js/job-progress." not in page
    job = pdf_job(queued_app)
    assert job.payload is not None and not job.payload.startswith(b"%PDF") and VALID_ID.encode() not in job.payload
    response = bureau.get(job_url + "/process.pdf")
    assert response.mimetype == "application/pdf"
    assert 'filename="process-record-' in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    assert "培训过程记录" in text and "林小美" in text and VALID_ID in text
    [event] = exports(queued_app)
    assert event.detail["full_id_numbers"] is True and event.detail["job"] == job.id and event.rows == 1

    # Another bureau, and the cohort's own organisation admin, see neither the job nor its file.
    other = add_verifier(queued_app, make_user, "other-verifier@example.com", "other-bureau")
    for path in (job_url, job_url + ".json", job_url + "/process.pdf"):
        assert other.get(path.replace("city-bureau", "other-bureau")).status_code == 404
        assert other.get(path).status_code == 404
    admin = org_admin(queued_app, make_user)
    assert admin.get(job_url).status_code == 404
    assert admin.get(f"/orgs/mcn-a/process-pdfs/{job.id}").status_code == 404  # not a job of the organisation's kind
    assert len(exports(queued_app)) == 1


def test_the_organisation_admin_s_large_cohort_pdf_has_masked_id_numbers(
        app, audit_page, mcn, every_cohort_is_large, make_user, monkeypatch, tmp_path):  # noqa: F811
    admin = org_admin(app, make_user)
    url = cohort_url(admin)
    asked = admin.get(url + "/process.pdf")  # jobs run at the commit here: the page offers the file at once
    assert asked.status_code == 302 and re.fullmatch(r"/orgs/mcn-a/process-pdfs/\d+", asked.headers["Location"])
    job_url = asked.headers["Location"]
    page = admin.get(job_url).get_data(as_text=True)
    assert "The PDF is ready." in page and f'href="{job_url}/process.pdf" download>' in page and f'href="{url}"' in page
    text = pdf_text(admin.get(job_url + "/process.pdf").data, tmp_path)
    assert "林小美" in text and "110105********002X" in text and VALID_ID not in text
    trainer, _ids = mcn
    assert trainer.get(job_url).status_code == 403 and trainer.get(job_url + "/process.pdf").status_code == 403
    job = pdf_job(app)
    other = Browserish(app.test_client())
    other.login("verifier@example.com", PASSWORD)
    assert other.get(f"/bureau/city-bureau/process-pdfs/{job.id}").status_code == 404
    # A cohort with few hosts is still rendered at once.
    monkeypatch.setattr(processjob, "DIRECT_HOSTS", 20)
    direct = admin.get(url + "/process.pdf")
    assert direct.mimetype == "application/pdf" and "林小美" in pdf_text(direct.data, tmp_path)


def test_the_pdf_is_kept_for_an_hour(app, audit_page, every_cohort_is_large):  # noqa: F811
    bureau, url = audit_page
    job_url = bureau.get(url + "/process.pdf").headers["Location"]
    assert bureau.get(job_url + "/process.pdf").mimetype == "application/pdf"
    with app.app_context():
        session = get_session()
        session.execute(update(Job).where(PDF_JOBS).values(finished_at=utcnow() - timedelta(hours=2)))
        session.commit()
    assert bureau.get(job_url + "/process.pdf").headers["Location"] == job_url
    page = bureau.get(job_url).get_data(as_text=True)
    assert "that hour has passed. Prepare it again." in page
    assert f'href="{url}/process.pdf">Prepare the PDF again</a>' in page
    assert bureau.get(job_url + ".json").get_json()["result_url"] is None
    with app.app_context():
        session = get_session()
        assert processjob.drop_expired(session) == 1
        session.commit()
    assert pdf_job(app).payload is None
    assert len(exports(app)) == 1


def test_a_failed_pdf_job_says_so_in_chinese(queued_app, audit_page, every_cohort_is_large, monkeypatch):  # noqa: F811
    _verifier, url = audit_page
    monkeypatch.setattr(processjob, "MAX_ATTEMPTS", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("font file missing")

    monkeypatch.setattr(processjob, "bureau_pdf", broken)
    bureau = Browserish(queued_app.test_client(), language="zh-CN,zh;q=0.9")
    bureau.login("verifier@example.com", PASSWORD)
    job_url = bureau.get(url + "/process.pdf").headers["Location"]
    drain(queued_app)
    job = pdf_job(queued_app)
    assert job.state == "failed" and job.payload is None
    page = bureau.get(job_url).get_data(as_text=True)
    assert "PDF 生成失败" in page and f"（任务 {job.id}）" in page and "font file missing" not in page
    assert "重新生成 PDF" in page and bureau.get(job_url + ".json").get_json()["state"] == "failed"
    assert bureau.get(job_url + "/process.pdf").headers["Location"] == job_url and exports(queued_app) == []
