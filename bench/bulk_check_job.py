"""A bureau's 100,000-row bulk check as a background job, end to end: the upload request through the real page
(enqueue latency), a real `lms worker` process picking it up from the SQLite queue (or LMS_BENCH_QUEUE, e.g. Redis),
and a page polling the job's JSON every 0.2 s (progress updates seen) until the results are stored (total time).
Baseline: the same file checked inside one request, as small files still are."""

import io
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, make_app
from bulk_check import bureau_file, issue_certificates
from sqlalchemy import select

from lms.accounts.services import register_user
from lms.db import get_session
from lms.jobs.models import Job
from lms.orgs import services as orgs
from lms.orgs.models import Role

ROWS = 100_000
PASSWORD = "bench-password-2026"


def login(app):
    client = app.test_client()
    with app.app_context():
        session = get_session()
        user = register_user(session, display_name="核验员", login="verifier@example.com", password=PASSWORD)
        bureau = orgs.create_organisation(session, name="示例市人社局", slug="city", kind="bureau")
        orgs.add_member(session, org=bureau, user=user, role=Role.BUREAU_VERIFIER)
        session.commit()
    client.post("/account/login", data={"csrf_token": token(client, "/account/login"), "login": "verifier@example.com",
                                        "password": PASSWORD})  # fmt: skip
    return client


def token(client, path: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def upload(client, data: bytes):
    form = {"csrf_token": token(client, "/bureau/city/"), "file": (io.BytesIO(data), "名单.csv")}
    start = time.perf_counter()
    response = client.post("/bureau/city/", data=form, content_type="multipart/form-data")
    return response, time.perf_counter() - start


def start_worker(app, url: str) -> subprocess.Popen:
    cfg = app.config["LMS"]
    env = dict(os.environ, LMS_DATABASE_URL=url, LMS_JOB_QUEUE=cfg.job_queue, LMS_INSTANCE_PATH=cfg.instance_path,
               LMS_SECRET_KEY=cfg.secret_key, LMS_PII_KEY=cfg.pii_key,
               LMS_SIGNING_KEY_SECRET=cfg.signing_key_secret)  # fmt: skip
    log = Path(cfg.instance_path) / "worker.log"
    worker = subprocess.Popen([str(Path(sys.executable).parent / "lms"), "worker", "--workers", "1"], cwd=ROOT, env=env,
                              stdout=log.open("w"), stderr=subprocess.STDOUT)  # fmt: skip
    deadline = time.monotonic() + 30
    while "Worker for" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    return worker


def main() -> None:
    app, url = make_app(job_queue=os.environ.get("LMS_BENCH_QUEUE"))  # default: a SQLite queue beside the database
    rng = random.Random(3)
    issued = issue_certificates(app, rng)
    data = bureau_file(rng, issued, ROWS)
    client = login(app)
    print(f"database {url.split(':')[0]}, queue {app.extensions['lms.jobs'].url.split(':')[0]}: "
          f"{len(issued):,} certificates; file of {ROWS:,} rows, {len(data) / 1e6:.1f} MB GBK")  # fmt: skip

    app.config["LMS"].bulk_check_job_bytes = len(data) + 1  # baseline: the same file inside the request
    response, seconds = upload(client, data)
    assert "/checks/" in response.headers["Location"], response.headers
    print(f"{'baseline: checked inside the request':<52} {seconds:8.2f} s")

    app.config["LMS"].bulk_check_job_bytes = 200_000
    worker = start_worker(app, url)
    try:
        started = time.perf_counter()
        response, enqueue = upload(client, data)
        job_url = response.headers["Location"]
        assert "/jobs/" in job_url, job_url
        seen, state = set(), "queued"
        while state not in ("done", "failed"):
            status = client.get(job_url + ".json").get_json()
            state = status["state"]
            seen.add(status["done"])
            time.sleep(0.2)
        total = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(30)
    with app.app_context():
        job = get_session().scalar(select(Job).order_by(Job.id.desc()))
        run = (job.finished_at - job.started_at).total_seconds()
    assert state == "done", job.error
    print(f"{'enqueue: upload request until the redirect':<52} {enqueue:8.2f} s")
    print(f"{'total: upload until the results are stored':<52} {total:8.2f} s")
    print(f"{'  of which the worker ran the job':<52} {run:8.2f} s")
    print(f"{'progress updates seen (distinct rows-done values)':<52} {len(seen) - 1:8d}   "
          f"(written: one per 1,000 rows = {ROWS // 1000})")


if __name__ == "__main__":
    main()
