"""The pages hosts use most, under load, against a bare Flask endpoint served the same way in the same run.

    .venv/bin/python bench/pages.py                          # SQLite, small data set
    .venv/bin/python bench/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench --large

1. Builds a fresh database: the demo data (``lms demo``), then bulk inserts (one multi-row statement per chunk of
   rows, not the web forms) of hosts in the demo MCN, cohorts of them, enrolments with a certificate each, and log
   entries. The random generator is seeded (``--seed``), so two runs make the same data. Sizes are flags; the
   default is small, ``--large`` is 1,000,000 certificates, 100,000 hosts, 2,000 cohorts and 1,000,000 log
   entries. The bulk log entries are rows only (the pages read the signed checkpoint, not the tree).
2. Serves ``bench/pages_app.py:bare`` (a Flask app with one ``/hello``) and the LMS (rate limits off) with the same
   gunicorn settings: 2 sync workers on 127.0.0.1.
3. Drives each page with ``wrk -t2 -c16 -d5s`` (logged-in pages with the demo host's session cookie; the answer
   save posts a CSRF token through a wrk Lua script), counts the SQL statements of one request of each page in
   process, and prints req/s, the ratio to ``/hello``, p50/p99 latency, queries per request, and the workers' RSS.
   It does so in ``--rounds`` rounds (default 3), bare ``/hello`` first in each: a page's ratio is to the bare run
   of its own round, and the table shows the median over rounds with the range, so that a burst of other work on
   the machine moves one round, not the figure.

``--app-root`` serves the ``lms`` package of another checkout (e.g. a worktree of main, for a before/after table).
Set ``--redis-url`` to use Redis for the shared cache as production does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
LARGE = {"hosts": 100_000, "certificates": 1_000_000, "cohorts": 2_000, "log_entries": 1_000_000}
SMALL = {"hosts": 1_000, "certificates": 1_000, "cohorts": 20, "log_entries": 1_000}
CHUNK = 10_000
HOST = "host@demo.example.com"
#: Every request of the bench says it comes from this browser: the one the host logged in with (Flask-Login marks a
#: session not fresh, and so re-signs its cookie, when a request's browser differs from the login's).
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) lms-bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LMS_BENCH_DATABASE_URL"),
                        help="default: a new SQLite file")  # fmt: skip
    parser.add_argument("--redis-url", default=os.environ.get("LMS_BENCH_REDIS_URL"))
    parser.add_argument("--app-root", default=str(HERE.parent), help="checkout whose lms package is served")
    parser.add_argument("--port", type=int, default=18601, help="the bare app's port; the LMS uses the next one")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--duration", default="5s", help="wrk's run per page and round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure bare /hello and every page this many times in turn; each ratio is to the bare "
                             "run of its own round, and the table gives the median (and the range) over rounds")
    parser.add_argument("--large", action="store_true", help="the issue's large data set")
    parser.add_argument("--preload", action="store_true",
                        help="build each app once in gunicorn's master and fork the workers from it, as "
                             "deploy/gunicorn.conf.py does (both apps alike; the default is the issue's method)")
    for name, value in SMALL.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=None, help=f"default {value:,}")
    parser.add_argument("--only", default="", help="comma-separated page names to drive (default: all)")
    parser.add_argument("--keep-data", action="store_true",
                        help="measure the data an earlier run made in this database (e.g. before and after a change)")
    args = parser.parse_args(argv)
    base = LARGE if args.large else SMALL
    args.sizes = {name: getattr(args, name) if getattr(args, name) is not None else base[name] for name in SMALL}
    return args


# --- the data set -------------------------------------------------------------------------------------------


def _bulk(conn, table, rows) -> int:
    """Insert ``rows`` (dicts) in chunks, each one executemany (multi-row VALUES on PostgreSQL)."""
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            conn.execute(table.insert(), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        conn.execute(table.insert(), chunk)
        count += len(chunk)
    return count


def generate(app, sizes: dict, seed: int) -> dict:
    """Demo data plus the bulk rows; returns what the pages need (a certificate number)."""
    from sqlalchemy import func, select, text

    from lms.accounts.models import User
    from lms.catalogue.models import Course
    from lms import certnumbers as numbers
    from lms.certificates.models import Certificate
    from lms.cohorts.models import Cohort, CohortMember
    from lms.db import get_session
    from lms.demo import load_demo
    from lms.learning.models import Enrollment
    from lms.models import Base
    from lms.orgs.models import Membership, Organisation, Role
    from lms.transparency.models import LogEntry, LogState

    engine = app.extensions["lms.db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with app.app_context():
        session = get_session()
        load_demo(session, app.extensions["lms.pii"], app.config["LMS"])
        session.commit()
        mcn_id = session.scalar(select(Organisation.id).where(Organisation.slug == "demo-mcn"))
        password_hash = session.scalar(select(User.password_hash).where(User.email == HOST))
        courses = session.execute(
            select(Course.id, Course.current_version_id, Course.slug).where(Course.org_id.is_(None)).order_by(Course.id)
        ).all()  # fmt: skip
        first = {m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in (User, Enrollment, Certificate, Cohort)}
        log_size = session.scalar(select(LogState.size)) or 0
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    hosts, certs = sizes["hosts"], sizes["certificates"]
    if certs > hosts * len(courses):
        raise SystemExit(f"{certs} certificates need more than {hosts} hosts x {len(courses)} courses")
    user_ids = range(first[User], first[User] + hosts)
    timings = {}
    with engine.begin() as conn:
        started = time.perf_counter()
        _bulk(conn, User.__table__, (
            {"id": uid, "display_name": f"主播{uid}", "email": f"host-{uid}@bench.example.com", "phone": None,
             "password_hash": password_hash, "is_site_admin": False, "locale": None, "notification_mails": True,
             "session_version": 1, "failed_logins": 0, "created_at": now} for uid in user_ids))  # fmt: skip
        _bulk(conn, Membership.__table__, (
            {"user_id": uid, "org_id": mcn_id, "role": Role.LEARNER, "created_at": now} for uid in user_ids))
        timings["hosts"] = time.perf_counter() - started
        started = time.perf_counter()
        cohort_ids = range(first[Cohort], first[Cohort] + sizes["cohorts"])
        _bulk(conn, Cohort.__table__, (
            {"id": cid, "org_id": mcn_id, "name": f"班级 {cid}", "starts_on": date(2026, 9, 1),
             "ends_on": date(2026, 12, 31), "created_at": now} for cid in cohort_ids))  # fmt: skip
        if cohort_ids:
            _bulk(conn, CohortMember.__table__, (
                {"cohort_id": cohort_ids[i % len(cohort_ids)], "user_id": uid} for i, uid in enumerate(user_ids)))
        timings["cohorts"] = time.perf_counter() - started
        started = time.perf_counter()
        slots = [(user_ids[i % hosts], courses[i // hosts]) for i in range(certs)]
        _bulk(conn, Enrollment.__table__, (
            {"id": first[Enrollment] + i, "user_id": uid, "course_id": course.id, "version_id": course.current_version_id,
             "enrolled_at": now - timedelta(days=30), "last_lesson_id": None, "last_active_at": None,
             "lessons_completed_at": now} for i, (uid, course) in enumerate(slots)))  # fmt: skip
        numbers_used = set()

        def number() -> str:
            while True:
                candidate = numbers.new_number(rng).replace("-", "")
                if candidate not in numbers_used:
                    numbers_used.add(candidate)
                    return candidate

        _bulk(conn, Certificate.__table__, (
            {"id": first[Certificate] + i, "number": number(), "issue_key": f"enrollment:{first[Enrollment] + i}",
             "status": "valid", "user_id": uid, "enrollment_id": first[Enrollment] + i, "course_id": course.id,
             "version_id": course.current_version_id, "issued_at": now, "holder_name": f"主播{uid}",
             "holder_id_masked": "110105********0021", "holder_id_hash": None, "course_slug": course.slug,
             "course_title_zh": course.slug, "course_title_en": course.slug, "course_version": 1,
             "content_hash": "0" * 64, "study_seconds": 7200, "score": 90.0, "started_on": date(2026, 9, 1),
             "completed_on": date(2026, 10, 1), "issuer_name": "主播学堂", "issuer_org_id": None, "skills": [],
             "credential": None, "credential_sha256": None, "status_index": None,
             "log_index": log_size + i if i < sizes["log_entries"] else None}
            for i, (uid, course) in enumerate(slots)))  # fmt: skip
        timings["certificates"] = time.perf_counter() - started
        started = time.perf_counter()
        _bulk(conn, LogEntry.__table__, (
            {"index": log_size + i, "data": f"issue {i} bench entry\n".encode(),
             "certificate_id": first[Certificate] + i if i < certs else None, "created_at": now}
            for i in range(sizes["log_entries"])))  # fmt: skip
        timings["log entries"] = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            for table in ("users", "memberships", "cohorts", "cohort_members", "enrollments", "certificates"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    if engine.dialect.name == "postgresql":
        # As a running site's tables would be after autovacuum: without it, the first reads set hint bits and
        # autovacuum works through the new rows while the pages are measured (seen as PostgreSQL CPU on pages that
        # send no statement).
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
        timings["vacuum"] = time.perf_counter() - started
    with app.app_context():
        session = get_session()
        middle = session.scalar(select(Certificate.number).where(Certificate.id == first[Certificate] + certs // 2)) if certs \
            else session.scalar(select(Certificate.number).order_by(Certificate.id))  # fmt: skip
    return {"number": numbers.format(middle), "timings": timings}


def existing(app) -> dict:
    """What the pages need from a database an earlier run filled (``--keep-data``)."""
    from sqlalchemy import func, select

    from lms import certnumbers as numbers
    from lms.certificates.models import Certificate
    from lms.db import get_session

    with app.app_context():
        session = get_session()
        middle = select((func.min(Certificate.id) + func.max(Certificate.id)) / 2).scalar_subquery()
        number = session.scalar(select(Certificate.number).where(Certificate.id >= middle).order_by(Certificate.id).limit(1))
        counts = {"certificates": session.scalar(select(func.count(Certificate.id)))}
    return {"number": numbers.format(number), "timings": {"kept, counted": 0}, "counts": counts}


# --- the logged-in host -----------------------------------------------------------------------------------------


def host_session(app) -> dict:
    """Log the demo host in, open a quiz attempt; the session cookie and a CSRF token for wrk."""
    from sqlalchemy import select

    from lms.catalogue.models import Course, Lesson, Quiz
    from lms.db import get_session
    from lms.demo import DEMO_COURSE, DEMO_PASSWORD

    client = app.test_client()
    headers = {"Accept-Language": "zh-CN", "User-Agent": BROWSER}

    def token(page: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login = client.get("/account/login", headers=headers).get_data(as_text=True)
    client.post("/account/login", headers=headers, data={"csrf_token": token(login), "login": HOST,
                                                           "password": DEMO_PASSWORD})  # fmt: skip
    with app.app_context():
        session = get_session()
        version_id = session.scalar(select(Course.current_version_id).where(Course.slug == DEMO_COURSE))
        lesson = session.scalar(select(Lesson.slug).where(Lesson.version_id == version_id).order_by(Lesson.position))
        quiz_course, quiz_key = session.execute(
            select(Course.slug, Quiz.key).join(Quiz, Quiz.version_id == Course.current_version_id)
            .where(Course.slug != DEMO_COURSE, Course.org_id.is_(None)).order_by(Course.slug)
        ).first()  # fmt: skip
        # The bench measures the attempt page, not the lessons a certificate quiz waits for: it opens at once, and
        # without a limit on attempts or a cool-down, so that kept data (--keep-data) can be measured again.
        quiz = session.scalar(select(Quiz).join(Course, Quiz.version_id == Course.current_version_id)
                              .where(Course.slug == quiz_course, Quiz.key == quiz_key))  # fmt: skip
        quiz.settings = {**quiz.settings, "open_after_lessons": False, "attempts": 0, "cooldown_minutes": 0}
        session.commit()
    page = client.get(f"/courses/{quiz_course}", headers=headers).get_data(as_text=True)
    client.post(f"/courses/{quiz_course}/enrol", headers=headers, data={"csrf_token": token(page)})
    page = client.get(f"/courses/{quiz_course}/quizzes/{quiz_key}", headers=headers).get_data(as_text=True)
    started = client.post(f"/courses/{quiz_course}/quizzes/{quiz_key}/start", headers=headers,
                          data={"csrf_token": token(page)})  # fmt: skip
    attempt = started.headers["Location"]
    if "/quiz-attempts/" not in attempt:  # e.g. kept data whose host has used up the quiz's attempts
        raise SystemExit(f"the bench host could not start a quiz attempt (sent to {attempt}): make the data again")
    page = client.get(attempt, headers=headers).get_data(as_text=True)
    return {"client": client, "cookie": "session=" + client.get_cookie("session").value, "csrf": token(page),
            "lesson": f"/courses/{DEMO_COURSE}/lessons/{lesson}", "attempt": attempt}  # fmt: skip


def pages(number: str, host: dict) -> list[tuple[str, str, str, bool]]:
    """(name, method, path, logged in)."""
    return [
        ("/healthz", "GET", "/healthz", False),
        ("catalogue /courses/", "GET", "/courses/", False),
        ("course page", "GET", "/courses/reg-host-conduct", False),
        ("host home / (logged in)", "GET", "/", True),
        ("my learning (logged in)", "GET", "/learning/", True),
        ("lesson page (logged in)", "GET", host["lesson"], True),
        ("/verify/<n>", "GET", f"/verify/{number}", False),
        ("GET /api/v1/certificates/<n>", "GET", f"/api/v1/certificates/{number}", False),
        ("/.well-known/did.json", "GET", "/.well-known/did.json", False),
        ("status list", "GET", "/credentials/status/1", False),
        ("log checkpoint", "GET", "/log/checkpoint", False),
        ("quiz attempt page (logged in)", "GET", host["attempt"], True),
        ("answer save (autosave POST)", "POST", host["attempt"] + "/save", True),
    ]


def request_of(host: dict, method: str, logged_in: bool) -> tuple[str | None, str | None]:
    """The cookie and form body a page is requested with: the host's session when logged in, and for the answer
    save (the one POST) a CSRF token and the autosave flag."""
    body = f"csrf_token={host['csrf']}&autosave=1" if method == "POST" else None
    return (host["cookie"] if logged_in else None), body


def count_queries(app, host: dict, method: str, path: str, logged_in: bool) -> int:
    from sqlalchemy import event

    engine = app.extensions["lms.db"].engine
    client = host["client"] if logged_in else app.test_client()
    statements = []

    def seen(*_args):
        statements.append(1)

    def fetch():
        if method == "POST":
            return client.post(path, data={"csrf_token": host["csrf"], "autosave": "1"}, headers={"User-Agent": BROWSER})
        return client.get(path, headers={"Accept-Language": "zh-CN", "User-Agent": BROWSER})

    fetch()  # warm: caches filled, first opening recorded
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = fetch()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    if response.status_code >= 400:
        raise SystemExit(f"{path}: status {response.status_code} in process")
    return len(statements)


def cpu_ms(app, method: str, path: str, cookie: str | None, body: str | None, repeat: int = 200) -> float:
    """Median CPU time (this process only, so other load on the machine barely matters) of one request through
    the WSGI app, without a server: the same environ as a server would build, fresh each time."""
    import io
    import statistics

    from werkzeug.test import EnvironBuilder

    headers = {"Accept-Language": "zh-CN", "User-Agent": BROWSER, **({"Cookie": cookie} if cookie else {})}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    base = EnvironBuilder(path=path, method=method, headers=headers, data=body or None,
                          base_url="http://127.0.0.1").get_environ()  # fmt: skip
    base["REMOTE_ADDR"] = "127.0.0.1"  # as from wrk: the address the host logged in from
    payload = (body or "").encode()

    def one() -> float:
        environ = {**base, "wsgi.input": io.BytesIO(payload)}
        started = time.process_time()
        result = app(environ, lambda status, headers, exc_info=None: None)
        for _chunk in result:
            pass
        if hasattr(result, "close"):
            result.close()
        return time.process_time() - started

    for _ in range(20):
        one()
    return statistics.median(one() for _ in range(repeat)) * 1000


# --- serving and driving -----------------------------------------------------------------------------------------


def serve(target: str, port: int, env: dict, preload: bool = False) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--log-level",
         "warning", "--chdir", str(HERE), *(["--preload"] if preload else []), target],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    import urllib.request

    for _ in range(100):
        time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/hello" if target.endswith("bare")
                                   else f"http://127.0.0.1:{port}/healthz", timeout=2)  # fmt: skip
            return process
        except Exception:  # noqa: BLE001 - not up yet
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {target} failed: {process.stderr.read().decode()[-2000:]}")
    raise SystemExit(f"gunicorn {target} did not start")


def worker_rss_mib(master: int) -> list[float]:
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                status = (stat.parent / "status").read_text()
                sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        except (OSError, AttributeError, IndexError):
            continue
    return sorted(sizes)


def cpu_seconds_by_process(master: int) -> dict[str, float]:
    """CPU seconds used so far by the app's workers, PostgreSQL's and Redis's server processes (all of them, so a
    page's figure includes their background work over the same seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"workers": 0.0, "postgres": 0.0, "redis": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
            fields, name = tail.split(), head.split("(", 1)[1]
        except (OSError, IndexError, ValueError):
            continue
        group = ("workers" if int(fields[1]) == master else "postgres" if name.startswith("postgres")
                 else "redis" if name.startswith("redis-server") else None)  # fmt: skip
        if group:
            totals[group] += (int(fields[11]) + int(fields[12])) / tick
    return totals


def drive(port: int, method: str, path: str, cookie: str | None, body: str | None, duration: str) -> dict:
    lua = None
    args = ["wrk", "-t2", "-c16", f"-d{duration}", "--latency", "-H", f"User-Agent: {BROWSER}"]
    if cookie or body:
        script = "wrk.method = %s\n" % json.dumps(method)
        if cookie:
            script += "wrk.headers[\"Cookie\"] = %s\n" % json.dumps(cookie)
        if body:
            script += "wrk.body = %s\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n" % json.dumps(body)
        lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        lua.write(script)
        lua.close()
        args += ["-s", lua.name]
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if lua:
        os.unlink(lua.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "wrk_cpu": (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime),
        "p50": ms("50%"), "p99": ms("99%"),
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }  # fmt: skip


def _over_rounds(rounds: list[dict], name: str) -> dict:
    """One page's figures over the rounds: median req/s, latencies and ratio to the same round's bare run; the
    requests, errors and CPU seconds of all rounds added up (CPU per request is then over every request)."""
    import statistics

    runs = [r[name] for r in rounds]
    ratios = [100 * r[name]["rps"] / r["bare Flask /hello"]["rps"] for r in rounds]
    return {
        "rps": statistics.median(run["rps"] for run in runs), "ratio": statistics.median(ratios), "ratios": ratios,
        "p50": statistics.median(run["p50"] for run in runs), "p99": statistics.median(run["p99"] for run in runs),
        "requests": sum(run["requests"] for run in runs), "errors": sum(run["errors"] for run in runs),
        "cpu": {group: sum(run["cpu"][group] for run in runs) for group in runs[0]["cpu"]},
    }  # fmt: skip


def main(argv=None) -> None:
    args = parse_args(argv)
    os.environ["BENCH_APP_ROOT"] = args.app_root
    sys.path.insert(0, args.app_root)
    sys.path.insert(0, str(HERE))
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-pages-"))
    env = {**os.environ, "BENCH_INSTANCE": str(tmp), "BENCH_APP_ROOT": args.app_root,
           "BENCH_DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
           "BENCH_REDIS_URL": args.redis_url or ""}  # fmt: skip
    os.environ.update(env)
    import lms
    from pages_app import make_lms

    app = make_lms()
    print(f"lms from {Path(lms.__file__).parent}; database {app.extensions['lms.db'].engine.url.render_as_string()}")
    started = time.perf_counter()
    data = existing(app) if args.keep_data else generate(app, args.sizes, args.seed)
    if args.keep_data:
        print(f"data: kept from an earlier run ({data['counts']['certificates']:,} certificates)")
    else:
        print(f"data: {', '.join(f'{v:,} {k}' for k, v in args.sizes.items())} + demo, seed {args.seed}, made in "
              f"{time.perf_counter() - started:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in data['timings'].items())})")
    host = host_session(app)
    chosen = [p for p in pages(data["number"], host) if not args.only or p[0] in args.only.split(",")]
    queries = {name: count_queries(app, host, method, path, logged_in) for name, method, path, logged_in in chosen}
    from pages_app import bare as bare_app

    cpu = {"bare Flask /hello": cpu_ms(bare_app, "GET", "/hello", None, None)}
    for name, method, path, logged_in in chosen:
        cpu[name] = cpu_ms(app, method, path, *request_of(host, method, logged_in))
    app.extensions["lms.db"].engine.dispose()
    bare = serve("pages_app:bare", args.port, env, args.preload)
    served = serve("pages_app:make_lms()", args.port + 1, env, args.preload)

    def measured(master: int, *request) -> dict:
        before = cpu_seconds_by_process(master)
        result = drive(*request, args.duration)
        after = cpu_seconds_by_process(master)
        result["cpu"] = {group: after[group] - before[group] for group in after} | {"wrk": result["wrk_cpu"]}
        return result

    rounds: list[dict] = []  # per round: name -> wrk's result; bare first, so that each ratio has its own baseline
    try:
        for _round in range(args.rounds):
            results = {"bare Flask /hello": measured(bare.pid, args.port, "GET", "/hello", None, None)}
            for name, method, path, logged_in in chosen:
                results[name] = measured(served.pid, args.port + 1, method, path,
                                         *request_of(host, method, logged_in))  # fmt: skip
            rounds.append(results)
        rss_bare, rss_lms = worker_rss_mib(bare.pid), worker_rss_mib(served.pid)
    finally:
        for process in (bare, served):
            process.terminate()
            process.wait(timeout=30)
    rows = [(name, _over_rounds(rounds, name), queries.get(name, 0)) for name in rounds[0]]
    load = os.getloadavg()[0]
    print(f"\nload average at the end: {load:.1f} on {os.cpu_count()} cores (other work on the machine skews req/s;"
          f" the CPU columns measure this process only)")
    print(f"{args.rounds} round(s) of wrk -d{args.duration}: % of bare is the median of each round's ratio to that round's"
          f" bare /hello (its range in brackets); req/s and latencies are medians over the rounds")
    print("\n| page | req/s | % of bare | p50 ms | p99 ms | queries/request | errors | CPU ms/request | % of bare by CPU |"
          "\n|---|---|---|---|---|---|---|---|---|")
    for name, result, count in rows:
        low, high = min(result["ratios"]), max(result["ratios"])
        spread = f" ({low:.1f}-{high:.1f})" if len(result["ratios"]) > 1 and name != "bare Flask /hello" else ""
        print(f"| {name} | {result['rps']:,.0f} | {result['ratio']:.1f}{spread} | {result['p50']:.2f} | "
              f"{result['p99']:.2f} | {count} | {result['errors']} | {cpu[name]:.2f} | "
              f"{100 * cpu['bare Flask /hello'] / cpu[name]:.1f} |")
    # Where the machine's CPU went under load: a page's req/s is about (2 cores) / (the sum of its row).
    print("\nCPU ms per request under load, by process (from /proc; the database and Redis figures include their"
          " background work)\n\n| page | workers | PostgreSQL | Redis | wrk | sum |\n|---|---|---|---|---|---|")
    for name, result, _count in rows:
        per = {group: 1000 * seconds / max(result["requests"], 1) for group, seconds in result["cpu"].items()}
        print(f"| {name} | {per['workers']:.2f} | {per['postgres']:.2f} | {per['redis']:.2f} | {per['wrk']:.2f} | "
              f"{sum(per.values()):.2f} |")
    print(f"\nworker RSS after the run (MiB{', preloaded' if args.preload else ''}): "
          f"LMS {', '.join(f'{r:.1f}' for r in rss_lms)}; bare {', '.join(f'{r:.1f}' for r in rss_bare)}")


if __name__ == "__main__":
    main()
