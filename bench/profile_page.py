"""One page's CPU time per request, and where it goes, in process (no server, no load generator).

    .venv/bin/python bench/profile_page.py                       # every page: median CPU ms per request
    .venv/bin/python bench/profile_page.py --profile lesson      # and a cProfile of the pages whose name has "lesson"
    .venv/bin/python bench/profile_page.py --database-url postgresql+psycopg://... --redis-url redis://127.0.0.1:6379/10 \
        --only healthz,verify,api,did,status,checkpoint             # production's stores, the public pages only

The data set is bench/pages.py's (small unless sized by its flags; ``--database-url`` for PostgreSQL, ``--redis-url``
for the shared cache on Redis as in production: the public pages answer from it). CPU time of
this process is the steady figure on a busy machine: other work barely changes it, unlike req/s under wrk.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LMS_BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("LMS_BENCH_REDIS_URL"),
                        help="the shared cache on Redis (default: files in a temporary instance folder)")
    parser.add_argument("--only", default="", help="comma-separated parts of page names: only those pages")
    parser.add_argument("--keep-data", action="store_true", help="use the data an earlier run made in this database")
    parser.add_argument("--app-root", default=str(HERE.parent))
    parser.add_argument("--profile", default="", help="profile the pages whose name contains this text")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--wall", action="store_true",
                        help="profile wall time (waits for the database and Redis included); default: this process's CPU")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--filter", default="", help="only functions whose file:line(name) matches this regex")
    parser.add_argument("--queries", action="store_true", help="print the profiled pages' SQL statements")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.app_root)
    sys.path.insert(0, str(HERE))
    tmp = Path(tempfile.mkdtemp(prefix="lms-profile-"))
    os.environ.update({"BENCH_INSTANCE": str(tmp), "BENCH_APP_ROOT": args.app_root,
                       "BENCH_DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
                       "BENCH_REDIS_URL": args.redis_url or ""})  # fmt: skip
    import pages as bench
    from pages_app import bare, make_lms

    app = make_lms()
    data = bench.existing(app) if args.keep_data else bench.generate(app, bench.SMALL, 2026)
    host = bench.host_session(app)
    rows = [("bare Flask /hello", bench.cpu_ms(bare, "GET", "/hello", None, None, args.repeat), 0)]
    wanted = [part for part in args.only.split(",") if part]
    for name, method, path, logged_in in bench.pages(data["number"], host):
        if wanted and not any(part in name for part in wanted):
            continue
        cookie, body = bench.request_of(host, method, logged_in)
        queries = bench.count_queries(app, host, method, path, logged_in)
        rows.append((name, bench.cpu_ms(app, method, path, cookie, body, args.repeat), queries))
        if args.profile and args.profile in name and args.queries:
            show_queries(app, host, method, path, logged_in, body)
        if args.profile and args.profile in name:
            # CPU time by default: on a shared machine, wall time mostly measures waiting (for PostgreSQL, Redis
            # or a core), which the CPU table above leaves out too.
            profiler = cProfile.Profile() if args.wall else cProfile.Profile(time.process_time)
            profiler.enable()
            bench.cpu_ms(app, method, path, cookie, body, 50)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(*([args.filter] if args.filter else []), args.lines)
            print(f"\n=== {name} (70 requests)\n" + out.getvalue())
            print(by_package(profiler))
            if os.environ.get("CALLERS"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_callers(os.environ["CALLERS"])
                print(out.getvalue()[:6000])
    print("\n| page | CPU ms/request | % of bare by CPU | queries |\n|---|---|---|---|")
    for name, ms, queries in rows:
        print(f"| {name} | {ms:.2f} | {100 * rows[0][1] / ms:.1f} | {queries} |")


def by_package(profiler) -> str:
    """Own time (tottime) per library: where the CPU goes, whoever called it."""
    import re

    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in pstats.Stats(profiler).stats.items():
        match = re.search(r"site-packages/([^/]+)", filename)
        key = match.group(1) if match else ("lms templates" if "/templates/" in filename else
                                            "lms" if "/lms/" in filename else "stdlib/builtins")  # fmt: skip
        totals[key] = totals.get(key, 0.0) + tottime
    whole = sum(totals.values())
    return "\n".join(f"{k:30s} {100 * v / whole:5.1f} %" for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:12])


def show_queries(app, host, method, path, logged_in, body) -> None:
    from sqlalchemy import event

    engine = app.extensions["lms.db"].engine
    client = host["client"] if logged_in else app.test_client()
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()) if os.environ.get("FULL_SQL") else " ".join(statement.split())[:300])

    event.listen(engine, "before_cursor_execute", record)
    try:
        if method == "POST":
            client.post(path, data=dict(pair.split("=", 1) for pair in body.split("&")))
        else:
            client.get(path, headers={"Accept-Language": "zh-CN"})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    print(f"\n=== {path}: {len(seen)} statements")
    for number, statement in enumerate(seen, 1):
        print(f"{number:2d}. {statement}")


if __name__ == "__main__":
    main()
