"""Several workers on one queue (two instances of the site, two threads each): every job runs exactly once, even
when its message was delivered twice. On SQLite's queue here, on Redis in the pass that sets LMS_TEST_REDIS_URL,
and on PostgreSQL in the pass that sets LMS_TEST_DATABASE_URL (the database decides who runs a job)."""

import os
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from lms.db import get_session
from lms.jobs import runner
from lms.jobs.models import Job
from lms.jobs.queue import enqueue
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
