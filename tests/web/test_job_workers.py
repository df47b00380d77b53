"""Workers: a real worker process killed mid-job, and the job finished by the next one. Several workers on one queue (two instances of the site, two threads each): every job runs exactly once, even
when its message was delivered twice. On SQLite's queue here, on Redis in the pass that sets LMS_TEST_REDIS_URL,
and on PostgreSQL in the pass that sets LMS_TEST_DATABASE_URL (the database decides who runs a job)."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from lms.accounts.models import User
from lms.bureau import bulkjob
from lms.bureau.models import BulkCheck
from lms import certnumbers as numbers
from lms.db import get_session, utcnow
from lms.jobs import runner
from lms.jobs.models import Job
from lms.jobs.queue import enqueue
from lms.orgs import services as orgs
from tests.conftest import make_config

JOBS = 24


@pytest.fixture
def runs(monkeypatch):
    """A job kind that counts how often it runs, and takes a little while (so workers overlap)."""
    counted: Counter = Counter()
    lock = threading.Lock()

    def slow(ctx):
        with lock:
            counted[ctx.job.id] += 1
        time.sleep(0.02)
        ctx.progress(1, 1)
        return f"test:{ctx.job.id}"

    monkeypatch.setitem(runner.HANDLERS, "test.count", slow)
    return counted


@pytest.mark.parametrize("queue", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_two_workers_never_run_the_same_job_twice(app, database_url, tmp_path, app_factory, runs, queue):
    url = f"sqlite:///{tmp_path / 'queue.db'}" if queue == "sqlite" else os.environ["LMS_TEST_REDIS_URL"]
    one, two = (app_factory(make_config(database_url, tmp_path / name, job_queue=url)) for name in ("one", "two"))
    one.extensions["lms.jobs"].huey.flush()
    with one.app_context():
        session = get_session()
        ids = [enqueue(session, "test.count").id for _ in range(JOBS)]
        session.commit()  # each relayed once by the commit...
    for job_id in ids:
        two.extensions["lms.jobs"].relay(job_id)  # ...and once more by a sweep on the other instance
    consumers = [site.extensions["lms.jobs"].start_in_background(workers=2) for site in (one, two)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with one.app_context():
                done = get_session().scalar(select(func.count()).select_from(Job).where(Job.state == "done"))
            if done == JOBS:
                break
            time.sleep(0.1)
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)
        one.extensions["lms.jobs"].huey.flush()
    assert done == JOBS
    assert runs == Counter({job_id: 1 for job_id in ids})
    with one.app_context():
        assert set(get_session().scalars(select(Job.attempts))) == {1}


def start_worker(app, database_url: str, log: Path) -> subprocess.Popen:
    cfg = app.config["LMS"]
    env = dict(os.environ, LMS_DATABASE_URL=database_url, LMS_JOB_QUEUE=cfg.job_queue,
               LMS_INSTANCE_PATH=cfg.instance_path, LMS_SECRET_KEY=cfg.secret_key, LMS_PII_KEY=cfg.pii_key,
               LMS_SIGNING_KEY_SECRET=cfg.signing_key_secret)  # fmt: skip
    with log.open("a") as out:  # the child keeps its own copy of the file
        return subprocess.Popen([str(Path(sys.executable).parent / "lms"), "worker", "--workers", "1"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


def wait_for(app, condition, seconds: float = 90) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = get_session().scalar(select(Job))
        if job is not None and condition(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"the job did not get there in {seconds} s: {job.state if job else None}")


def test_a_job_survives_a_worker_process_killed_mid_run(queued_app, database_url, tmp_path, make_user):
    """Real `lms worker` processes: the first is killed (SIGKILL) half-way through a 50,000-row check; once its
    lease has run out, a new worker's sweep puts the job back and finishes it."""
    make_user("verifier@example.com")
    with queued_app.app_context():
        session = get_session()
        bureau = orgs.create_organisation(session, name="示例市人社局", slug="city-bureau", kind="bureau")
        body = "证书编号,姓名\n" + "".join(f"{numbers.new_number()},某人\n" for _ in range(50_000))
        bulkjob.queue_check(session, queued_app.extensions["lms.pii"], org_id=bureau.id,
                            user_id=session.scalar(select(User.id)), filename="名单.csv", data=body.encode(),
                            locale="zh_CN")  # fmt: skip
        session.commit()
    log = tmp_path / "workers.log"
    first = start_worker(queued_app, database_url, log)
    try:
        job = wait_for(queued_app, lambda j: j.state == "running" and 0 < j.progress_done < 50_000)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    job = wait_for(queued_app, lambda j: True)
    assert job.state == "running" and job.progress_done < 50_000  # held by a dead worker
    with queued_app.app_context():
        session = get_session()
        session.execute(update(Job).values(claimed_until=utcnow() - timedelta(seconds=1)))  # its lease runs out
        session.commit()
    second = start_worker(queued_app, database_url, log)
    try:
        job = wait_for(queued_app, lambda j: j.state in ("done", "failed"))
        second.send_signal(signal.SIGINT)  # Ctrl+C, or systemd's stop: the worker exits cleanly
        assert second.wait(30) == 0
    finally:
        second.kill()
    assert (job.state, job.attempts, job.progress_done) == ("done", 2, 50_000), log.read_text()[-2000:]
    with queued_app.app_context():
        assert get_session().scalar(select(func.count()).select_from(BulkCheck)) == 1


def test_a_job_reaches_the_queue_with_the_outer_commit_not_with_a_savepoint(app, runs):
    """Immediate mode runs a job inside the commit that relays it: a savepoint released or rolled back in between
    (a notification already sent) neither runs the job early nor forgets it."""
    with app.app_context():
        session = get_session()
        job_id = enqueue(session, "test.count").id
        with session.begin_nested():
            pass
        try:
            with session.begin_nested():
                raise LookupError("a savepoint rolled back")
        except LookupError:
            pass
        assert runs == Counter()
        session.commit()
        assert runs == Counter({job_id: 1}) and session.get(Job, job_id, populate_existing=True).state == "done"
        enqueue(session, "test.count")
        session.rollback()
    assert sum(runs.values()) == 1


def test_the_worker_command_needs_a_queue(app):
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0 and "LMS_JOB_QUEUE=immediate runs jobs inside the web requests" in result.output
