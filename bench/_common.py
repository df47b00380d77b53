"""Shared set-up for the benchmarks: a throw-away app on SQLite (or LMS_BENCH_DATABASE_URL)."""

from __future__ import annotations

import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms import create_app  # noqa: E402
from lms.config import Config  # noqa: E402
from lms.models import Base  # noqa: E402


def make_app(**overrides):
    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app(
        Config(
            instance_path=str(tmp),
            database_url=url,
            secret_key="bench-secret-key-" + "x" * 20,
            pii_key=base64.b64encode(b"b" * 32).decode(),
            flask={"RATELIMIT_ENABLED": False},
            **overrides,
        )
    )
    engine = app.extensions["lms.db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return app, url


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def describe(label: str, samples: list[float], unit: float = 1e3, suffix: str = "ms") -> float:
    median = statistics.median(samples) * unit
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1] * unit if len(samples) >= 20 else max(samples) * unit
    print(f"{label:<44} median {median:8.2f} {suffix}   p95 {p95:8.2f} {suffix}   n={len(samples)}")
    return median
