"""Background jobs, shown on a bureau's large bulk check: it waits in a real queue (SQLite here) until a worker
runs it, shows its progress, survives a worker that dies, retries with back-off, tells its owner why it stopped,
runs once however often its message arrives, and is seen only by its own bureau."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.accounts.models import User
from lms.bureau.models import AuditEvent, BulkCheck
from lms.db import get_session, utcnow
from lms.jobs import services as jobs
from lms.jobs.models import Job
from lms.orgs import services as orgs
from lms.orgs.models import Role
from tests.conftest import PASSWORD, Browserish, csrf_token_from, drain
from tests.web.test_bureau import as_csv, every_kind, registry  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import VALID_ID, graduate  # noqa: F401 - fixture

BULK = Job.kind == "bureau.bulk_check"  # the graduate's certificate has a PDF job of its own


def add_verifier(app, make_user, email: str, slug: str) -> Browserish:
    make_user(email, "核验员")
    with app.app_context():
        session = get_session()
        bureau = orgs.create_organisation(session, name=f"{slug} 人社局", slug=slug, kind="bureau")
        orgs.add_member(session, org=bureau, user=session.scalar(select(User).where(User.email == email)),
                        role=Role.BUREAU_VERIFIER)  # fmt: skip
        session.commit()
    web = Browserish(app.test_client())
    web.login(email, PASSWORD)
    return web


@pytest.fixture
def bureau(queued_app, make_user):
    """A verifier of city-bureau on the site with a real queue; files over 1,000 bytes become jobs."""
    queued_app.config["LMS"].bulk_check_job_bytes = 1000
    return add_verifier(queued_app, make_user, "verifier@example.com", "city-bureau")


def upload(web: Browserish, body: bytes, name: str = "名单.csv"):
    page = web.get("/bureau/city-bureau/").get_data(as_text=True)
    return web.client.post("/bureau/city-bureau/", data={"csrf_token": csrf_token_from(page),
                           "file": (io.BytesIO(body), name)}, content_type="multipart/form-data",
                           headers=web.headers)  # fmt: skip


def queue_check(web: Browserish, registry, rows: int = 120) -> tuple[str, list[str]]:  # noqa: F811
    table, expected = every_kind(registry, rows)
    r = upload(web, as_csv(table, "gbk"))
    assert r.status_code == 302 and re.fullmatch(r"/bureau/city-bureau/jobs/\d+", r.headers["Location"])
    return r.headers["Location"], expected


def the_job(app) -> Job:
    with app.app_context():
        return get_session().scalar(select(Job).where(BULK))


def count(app, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model).where(BULK if model is Job else True))


def make_due(app) -> None:
    """Time passes: the back-off is over."""
    with app.app_context():
        session = get_session()
        session.execute(update(Job).where(BULK).values(available_at=utcnow() - timedelta(seconds=1)))
        session.commit()


def test_a_large_check_waits_for_a_worker_shows_its_progress_then_its_results(queued_app, registry, bureau):  # noqa: F811
    url, expected = queue_check(bureau, registry)
    page = bureau.get(url).get_data(as_text=True)
    assert "Waiting for a worker…" in page and '<progress id="job-progress"' in page
    assert '<label for="job-progress"' in page and f'href="{url}">Refresh</a>' in page
    assert "js/job-progress." in page and VALID_ID not in page
    assert bureau.get(url + ".json").get_json()["state"] == "queued"
    # A worker is half-way through: the page and its JSON show the percentage and the rows.
    with queued_app.app_context():
        session = get_session()
        session.execute(update(Job).where(BULK).values(state="running", progress_done=48, progress_total=120))
        session.commit()
    page = bureau.get(url).get_data(as_text=True)
    assert "48 of 120 rows checked (40%)" in page and 'max="120" value="48"' in page
    status = bureau.get(url + ".json").get_json()
    assert (status["percent"], status["done"], status["total"], status["result_url"]) == (40, 48, 120, None)
    workspace = bureau.get("/bureau/city-bureau/").get_data(as_text=True)
    assert "Large checks" in workspace and "48 of 120 rows checked" in workspace
    with queued_app.app_context():
        session = get_session()
        session.execute(update(Job).where(BULK).values(state="queued"))
        session.commit()
    assert drain(queued_app) == 1
    job = the_job(queued_app)
    assert (job.state, job.progress_done, job.progress_total, job.payload) == ("done", 120, 120, None)
    status = bureau.get(url + ".json").get_json()
    assert status["state"] == "done" and status["percent"] == 100
    done = bureau.get(url)
    assert done.status_code == 302 and done.headers["Location"] == status["result_url"]
    results = bureau.get(status["result_url"]).get_data(as_text=True)
    assert "name does not match" in results and "120 rows" in results
    # After closing the tab, the check is in the bureau's list of recent checks.
    workspace = bureau.get("/bureau/city-bureau/").get_data(as_text=True)
    assert "Large checks" not in workspace and status["result_url"] in workspace
    with queued_app.app_context():
        bureau_events = select(AuditEvent).where(AuditEvent.org_id.is_not(None)).order_by(AuditEvent.id)
        actions = [e.action for e in get_session().scalars(bureau_events)]  # site events (real-name saves) aside
    assert actions == ["bulk_check_queued", "bulk_check"]


def test_a_small_file_is_still_checked_in_the_request(queued_app, registry, bureau):  # noqa: F811
    table, _expected = every_kind(registry, 9)
    r = upload(bureau, as_csv(table))
    assert r.status_code == 302 and "/checks/" in r.headers["Location"] and count(queued_app, Job) == 0


def test_a_job_survives_a_worker_that_dies(queued_app, registry, bureau):  # noqa: F811
    url, _expected = queue_check(bureau, registry)
    huey = queued_app.extensions["lms.jobs"].huey
    task = huey.dequeue()  # the first worker takes the message...
    with queued_app.app_context():
        assert jobs.claim(get_session(), the_job(queued_app).id, "dead-worker") is not None  # ...claims the job...
    # ...and is killed before it finishes: the message is gone from the queue, the job is held.
    assert task is not None and drain(queued_app) == 0
    assert bureau.get(url + ".json").get_json()["state"] == "running"
    with queued_app.app_context():
        session = get_session()
        assert jobs.sweep(session, queued_app.extensions["lms.jobs"].relay) == 0  # its lease still runs
        later = utcnow() + jobs.LEASE + timedelta(seconds=1)
        assert jobs.sweep(session, queued_app.extensions["lms.jobs"].relay, now=later) == 1
    with queued_app.app_context():  # the lease of the dead worker has run out
        session = get_session()
        session.execute(update(Job).where(BULK).values(claimed_until=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert drain(queued_app) == 1  # a new worker finishes it
    job = the_job(queued_app)
    assert job.state == "done" and job.attempts == 2 and count(queued_app, BulkCheck) == 1


def test_a_job_nobody_took_is_swept_back_onto_the_queue(queued_app, registry, bureau):  # noqa: F811
    queue_check(bureau, registry)
    queued_app.extensions["lms.jobs"].huey.flush()  # the queue lost the message (Redis restarted empty)
    relay = queued_app.extensions["lms.jobs"].relay
    with queued_app.app_context():
        assert jobs.sweep(get_session(), relay) == 0  # not stale yet
        assert jobs.sweep(get_session(), relay, now=utcnow() + jobs.STALE + timedelta(seconds=1)) == 1
    assert drain(queued_app) == 1 and the_job(queued_app).state == "done"


def test_a_failing_job_retries_with_back_off_then_tells_its_owner(queued_app, registry, bureau, monkeypatch):  # noqa: F811
    def database_away(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr("lms.bureau.services.check_rows", database_away)
    url, _expected = queue_check(bureau, registry)
    waits = []
    for attempt in range(1, 4):
        drain(queued_app)
        job = the_job(queued_app)
        assert (job.state, job.attempts) == ("queued", attempt) and "went away" in job.error["detail"]
        waits.append(job.available_at - utcnow())
        page = bureau.get(url).get_data(as_text=True)
        assert f"Attempt {attempt} did not finish; the check is tried again at" in page
        assert drain(queued_app) == 0  # nothing runs before the back-off is over
        make_due(queued_app)
        queued_app.extensions["lms.jobs"].relay(job.id)  # what the scheduler does at the end of the back-off
    assert waits[0] > timedelta(seconds=8) and waits[1] > waits[0] * 3 and waits[2] > waits[1] * 3
    drain(queued_app)
    job = the_job(queued_app)
    assert (job.state, job.attempts, job.payload) == ("failed", 4, None)
    page = bureau.get(url).get_data(as_text=True)
    assert "The check could not be finished after 4 tries: the site had a problem, not your file." in page
    assert f"(job {job.id})" in page and "went away" not in page
    assert bureau.get(url + ".json").get_json()["state"] == "failed"
    assert "Large checks" in bureau.get("/bureau/city-bureau/").get_data(as_text=True)
    assert count(queued_app, BulkCheck) == 0


def test_a_file_that_cannot_be_read_stops_at_once_with_its_message(queued_app, bureau):
    r = upload(bureau, as_csv([["编号", "名字"]] + [["X", "Y" * 20]] * 60), "bad.csv")
    drain(queued_app)
    job = the_job(queued_app)
    assert (job.state, job.attempts) == ("failed", 1)
    page = bureau.get(r.headers["Location"]).get_data(as_text=True)
    assert "Expected columns: 证书编号 (certificate number), 姓名 (name)" in page
    with queued_app.app_context():
        assert "bulk_check_rejected" in set(get_session().scalars(select(AuditEvent.action)))


def test_a_job_delivered_many_times_does_its_work_once(queued_app, registry, bureau):  # noqa: F811
    queue_check(bureau, registry)
    job_id = the_job(queued_app).id
    for _ in range(3):  # the sweep and the relay both sent it, twice
        queued_app.extensions["lms.jobs"].relay(job_id)
    assert drain(queued_app) == 4
    queued_app.extensions["lms.jobs"].relay(job_id)
    drain(queued_app)
    assert count(queued_app, BulkCheck) == 1 and the_job(queued_app).attempts == 1
    with queued_app.app_context():
        assert list(get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id))).count("bulk_check") == 1


def test_another_bureau_cannot_see_the_job(queued_app, registry, bureau, make_user):  # noqa: F811
    url, _expected = queue_check(bureau, registry)
    other = add_verifier(queued_app, make_user, "other@example.com", "other-bureau")
    job_id = url.rsplit("/", 1)[1]
    assert other.get(f"/bureau/other-bureau/jobs/{job_id}").status_code == 404
    assert other.get(f"/bureau/other-bureau/jobs/{job_id}.json").status_code == 404
    assert other.get(url).status_code == 404  # not a member of city-bureau at all
    assert "Large checks" not in other.get("/bureau/other-bureau/").get_data(as_text=True)
