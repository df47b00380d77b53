"""Transparency log: cost of one append and of one inclusion proof at 10,000 and 1,000,000 entries.

Two stores: the pure in-memory tree (the algorithm alone) and the database store the site uses (SQLite by
default, PostgreSQL with LMS_BENCH_DATABASE_URL), where an append also signs a new checkpoint. The baseline in the
same run is one SHA-256 leaf hash (memory) and one `SELECT 1` round trip (database).
"""

import random
import time

from _common import describe, make_app, timed
from sqlalchemy import insert, text

from lms.db import get_session
from lms.transparency import log, merkle
from lms.transparency.models import LogNode, LogState

SIZES = (10_000, 1_000_000)



def build_memory(n: int) -> merkle.MemoryNodeStore:
    store, size = merkle.MemoryNodeStore(), 0
    for i in range(n):
        size = merkle.append(store, size, merkle.leaf_hash(i.to_bytes(8, "big")))
    return store


def main() -> None:
    rng = random.Random(1)
    app, url = make_app()
    cfg = app.config["LMS"]
    describe("baseline: one leaf hash (SHA-256)", timed(lambda: merkle.leaf_hash(b"x" * 120), 2000), 1e6, "µs")
    for n in SIZES:
        started = time.perf_counter()
        store = build_memory(n)
        print(f"--- {n:,} entries (built in memory in {time.perf_counter() - started:.1f} s)")
        size = n

        def mem_append():
            nonlocal size
            size = merkle.append(store, size, merkle.leaf_hash(size.to_bytes(8, "big")))

        describe("memory: append", timed(mem_append, 2000), 1e6, "µs")
        describe("memory: inclusion proof", timed(lambda: merkle.inclusion_proof(store, rng.randrange(n), n), 2000), 1e6, "µs")
        reads_before = store.reads
        for _ in range(100):
            merkle.inclusion_proof(store, rng.randrange(n), n)
        print(f"{'memory: node reads per proof':<44} {(store.reads - reads_before) / 100:.1f}")

        # The same tree in the database: bulk-load its nodes, then time the site's own code paths.
        with app.app_context():
            session = get_session()
            session.execute(text("DELETE FROM log_nodes"))
            session.execute(text("DELETE FROM log_state"))
            rows = [{"level": lv, "index": ix, "hash": h} for (lv, ix), h in store.nodes.items()]
            for chunk in range(0, len(rows), 50_000):
                session.execute(insert(LogNode), rows[chunk:chunk + 50_000])
            session.add(LogState(id=log.LOG_ID, size=size))
            session.commit()
            db_store = log.DbNodeStore(session)
            describe(f"{url.split(':')[0]}: SELECT 1 (baseline)", timed(lambda: session.execute(text("SELECT 1")), 500))
            describe(f"{url.split(':')[0]}: inclusion proof",
                     timed(lambda: merkle.inclusion_proof(db_store, rng.randrange(size), size), 300))

            def db_append():
                log.append(session, cfg, b"bench entry", None)
                session.commit()

            describe(f"{url.split(':')[0]}: append + signed checkpoint + commit", timed(db_append, 200))


if __name__ == "__main__":
    main()
