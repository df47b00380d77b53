"""Certificate PDFs are rendered by a background job when a certificate is issued or revoked, and downloads are
served from what it stored; until then (or when it shows an older status) the download renders it at once."""

from sqlalchemy import delete, select

from lms.certificates.models import CertificatePdf
from lms.db import get_session
from lms.jobs.models import Job
from tests.conftest import PASSWORD, Browserish
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture


def stored(app) -> CertificatePdf | None:
    with app.app_context():
        return get_session().scalar(select(CertificatePdf))


def pdf_jobs(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(j.state, j.result_ref) for j in get_session().scalars(
            select(Job).where(Job.kind == "certificates.render_pdf").order_by(Job.id))]  # fmt: skip


def pdf_job_id(app) -> int:
    with app.app_context():
        return get_session().scalar(select(Job.id).where(Job.kind == "certificates.render_pdf"))


def test_the_pdf_is_rendered_by_a_job_at_issue_and_downloads_are_served_from_it(app, graduate):  # noqa: F811
    _user_id, number = graduate
    kept = stored(app)
    assert kept.status == "valid" and kept.body.startswith(b"%PDF")
    assert pdf_jobs(app) == [("done", f"certificate_pdf:{kept.certificate_id}")]
    host = Browserish(app.test_client())
    host.login("host@example.com", PASSWORD)
    assert host.get(f"/certificates/{number}.pdf").data == kept.body
    # Delivered again (a sweep, a second relay): nothing is rendered twice.
    app.extensions["lms.jobs"].relay(pdf_job_id(app))
    assert stored(app).rendered_at == kept.rendered_at


def test_a_revocation_renders_it_again_and_meanwhile_the_download_renders_it(app, graduate, make_user):  # noqa: F811
    _user_id, number = graduate
    make_user("root@example.com", is_site_admin=True)
    admin = Browserish(app.test_client())
    admin.login("root@example.com", PASSWORD)
    with app.app_context():  # the job has not run yet
        session = get_session()
        session.execute(delete(CertificatePdf))
        session.commit()
    fresh = admin.get(f"/certificates/{number}.pdf")
    assert fresh.status_code == 200 and fresh.data.startswith(b"%PDF") and stored(app) is None
    assert admin.post(f"/certificates/{number}/manage", {"action": "revoke", "category": "misconduct", "reason": "代考，经核实撤销"}).status_code == 302
    kept = stored(app)
    assert kept.status == "revoked" and admin.get(f"/certificates/{number}.pdf").data == kept.body
    assert [state for state, _ref in pdf_jobs(app)] == ["done", "done"]
