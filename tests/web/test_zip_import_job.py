"""A large course zip is imported by a background job: the trainer is sent to its page, which opens the draft once
a worker has filled it; a bad archive gets its reason there, and another organisation sees nothing of the job."""

import io
import zipfile

from sqlalchemy import select

from lms.authoring.models import CourseDraft
from lms.db import get_session
from tests.conftest import drain
from tests.web.test_authoring import BASE, login, new_course, people  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture


def send_zip(trainer, data: bytes, name: str):
    return trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")  # fmt: skip


def test_a_large_zip_is_imported_by_a_job_and_its_page_opens_the_draft(app, queued_app, people):  # noqa: F811
    exporter = login(app, "trainer@example.com")
    draft = new_course(exporter, "mcn-export")
    exporter.send(f"{draft}publish", {}, page=draft)
    exported = exporter.get(f"{BASE}/courses/mcn-export/v1.zip").data
    exporter.send(f"{draft}discard", {}, page=draft)
    queued_app.config["LMS"].zip_import_job_bytes = 100
    trainer = login(queued_app, "trainer@example.com")
    r = send_zip(trainer, exported, "mcn-export.zip")
    assert r.status_code == 302 and f"{BASE}/imports/" in r.headers["Location"]
    job_url = r.headers["Location"]
    assert "Waiting for a worker…" in trainer.get(job_url).get_data(as_text=True)
    other = login(queued_app, "other@example.com")
    assert other.get(job_url.replace("mcn-a", "mcn-b")).status_code == 404
    drain(queued_app)
    done = trainer.get(job_url)
    assert done.status_code == 302 and done.headers["Location"].endswith("/mcn-export/")
    page = trainer.get(done.headers["Location"]).get_data(as_text=True)
    assert "Archive imported into the draft of mcn-export" in page and "No changes since the published version" in page


def test_a_bad_large_zip_gets_its_reason_on_the_jobs_page(queued_app, people):  # noqa: F811
    queued_app.config["LMS"].zip_import_job_bytes = 100
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("c/course.yaml", "id: c\n" + "#" * 200)
        archive.writestr("../../etc/cron.d/evil", "x")
    trainer = login(queued_app, "trainer@example.com")
    job_url = send_zip(trainer, evil.getvalue(), "evil.zip").headers["Location"]
    drain(queued_app)
    assert "leaves the course folder" in trainer.get(job_url).get_data(as_text=True)
    with queued_app.app_context():
        assert get_session().scalar(select(CourseDraft)) is None
