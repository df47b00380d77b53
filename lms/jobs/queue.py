"""The queue under the jobs table: huey, on SQLite by default (a file in the instance folder, nothing to install)
and on Redis in production (``LMS_JOB_QUEUE`` or ``LMS_REDIS_URL``). ``immediate`` runs each job inside the commit
that relays it (tests). The queue only carries job ids: everything that matters is in the database."""

from __future__ import annotations

import functools
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Flask, current_app

from lms.db import get_session
from lms.jobs import runner, services

if TYPE_CHECKING:
    from huey import MemoryHuey, RedisHuey, SqliteHuey
    from huey.consumer import Consumer

IMMEDIATE = "immediate"
_REDIS = ("redis://", "rediss://", "unix://")


def _check_url(url: str) -> None:
    if url != IMMEDIATE and not url.startswith((*_REDIS, "sqlite:///")):
        raise ValueError(f"LMS_JOB_QUEUE must be 'immediate', sqlite:///FILE or redis://…, not {url!r}")


def make_huey(url: str) -> MemoryHuey | RedisHuey | SqliteHuey:
    # huey's storage module loads redis and psycopg when they are installed (about 28 MiB): a page worker loads
    # it with the first job it relays, not at start.
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    _check_url(url)
    if url == IMMEDIATE:
        return MemoryHuey("lms", immediate=True, results=False)
    if url.startswith(_REDIS):
        return RedisHuey("lms", url=url, results=False)
    return SqliteHuey("lms", filename=url.removeprefix("sqlite:///"), results=False)


class JobQueue:
    """One app's queue: relays job ids, and runs workers (``lms worker``, or threads beside ``lms serve``). The
    huey instance is made on first use."""

    def __init__(self, app: Flask, url: str) -> None:
        _check_url(url)  # a wrong setting fails at start, as before
        self.url = url
        self.app = app
        self._huey: MemoryHuey | RedisHuey | SqliteHuey | None = None
        self._lock = threading.Lock()

    @property
    def huey(self) -> MemoryHuey | RedisHuey | SqliteHuey:
        if self._huey is None:
            with self._lock:
                if self._huey is None:
                    self._huey = self._make()
        return self._huey

    def _make(self) -> MemoryHuey | RedisHuey | SqliteHuey:
        from huey import crontab

        app, huey = self.app, make_huey(self.url)
        self._run = huey.task(name="lms.run_job")(lambda job_id: runner.execute(app, self.relay, job_id))

        @huey.periodic_task(crontab(minute="*"), name="lms.sweep_jobs")
        def _sweep() -> None:
            with app.app_context():
                services.sweep(get_session(), self.relay)

        return huey

    def relay(self, job_id: int, eta: datetime | None = None) -> None:
        self.huey  # noqa: B018 - made on first use, with its tasks
        if eta is None:
            self._run(job_id)
        else:
            self._run.schedule(args=(job_id,), eta=eta)

    def consumer(self, workers: int = 1) -> Consumer:
        """Workers and the scheduler (the sweep, the features' periodic tasks). Under ``run()``, SIGINT (Ctrl+C, and
        the systemd unit's KillSignal) lets the jobs in hand finish; SIGTERM stops at once, and the sweep runs those
        jobs again later."""
        from huey import crontab

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
