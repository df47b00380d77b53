"""The queue under the jobs table: huey, on SQLite by default (a file in the instance folder, nothing to install)
and on Redis in production (``LMS_JOB_QUEUE`` or ``LMS_REDIS_URL``). ``immediate`` runs each job inside the commit
that relays it (tests). The queue only carries job ids: everything that matters is in the database."""

from __future__ import annotations

import functools
from datetime import datetime

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from lms.db import get_session
from lms.jobs import runner, services

IMMEDIATE = "immediate"


def make_huey(url: str) -> MemoryHuey | RedisHuey | SqliteHuey:
    if url == IMMEDIATE:
        return MemoryHuey("lms", immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("lms", url=url, results=False)
    if url.startswith("sqlite:///"):
        return SqliteHuey("lms", filename=url.removeprefix("sqlite:///"), results=False)
    raise ValueError(f"LMS_JOB_QUEUE must be 'immediate', sqlite:///FILE or redis://…, not {url!r}")


class JobQueue:
    """One app's queue: relays job ids, and runs workers (``lms worker``, or threads beside ``lms serve``)."""

    def __init__(self, app: Flask, url: str) -> None:
        self.url = url
        self.app = app
        self.huey = make_huey(url)
        self._run = self.huey.task(name="lms.run_job")(lambda job_id: runner.execute(app, self.relay, job_id))

        @self.huey.periodic_task(crontab(minute="*"), name="lms.sweep_jobs")
        def _sweep() -> None:
            with app.app_context():
                services.sweep(get_session(), self.relay)

    def relay(self, job_id: int, eta: datetime | None = None) -> None:
        if eta is None:
            self._run(job_id)
        else:
            self._run.schedule(args=(job_id,), eta=eta)

    def consumer(self, workers: int = 1) -> Consumer:
        """Workers and the scheduler (the sweep, the features' periodic tasks). Under ``run()``, SIGINT (Ctrl+C, and
        the systemd unit's KillSignal) lets the jobs in hand finish; SIGTERM stops at once, and the sweep runs those
        jobs again later."""
        # Features register their periodic tasks when the app is built, after this queue: add them now.
        registered = set(self.huey._registry._registry)
        for name, (when, task) in runner.PERIODIC.items():
            if not any(key.endswith(name) for key in registered):
                self.huey.periodic_task(crontab(**when), name=name)(functools.partial(task, self.app))
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=1.0,
                                         check_worker_health=True, graceful_signal="INT")  # fmt: skip

    def start_in_background(self, workers: int = 1) -> Consumer:
        """Worker and scheduler threads in this process, without taking over its signals (``lms serve``, tests).
        Stop them with ``consumer.stop(graceful=True)``."""
        consumer = self.consumer(workers)
        consumer.scheduler.start()
        for _worker, thread in consumer.worker_threads:
            thread.start()
        return consumer


def init_app(app: Flask, url: str) -> JobQueue:
    queue = JobQueue(app, url)
    app.extensions["lms.jobs"] = queue
    return queue


def current_queue() -> JobQueue:
    return current_app.extensions["lms.jobs"]


def enqueue(session, kind: str, **fields):
    """A job in the caller's transaction, relayed to this app's queue once that commits (see services.create)."""
    return services.create(session, current_queue().relay, kind, **fields)
