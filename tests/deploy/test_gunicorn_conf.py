"""deploy/gunicorn.conf.py: the app is built once in the master (preload) and what start-up built is frozen out of
the garbage collector before the workers fork (the workers' own database connections: tests/unit/test_fork_safety.py;
a real preloaded site on PostgreSQL and Redis: tests/deploy/test_deployment.py)."""

from __future__ import annotations

import gc
import runpy

from tests.conftest import ROOT


def test_the_app_is_preloaded_and_start_up_is_frozen_before_the_fork():
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    assert conf["worker_class"] == "gthread" and conf["max_requests"] > 0
    before = gc.get_freeze_count()
    try:
        conf["when_ready"](object())
        assert gc.get_freeze_count() > before  # what exists now is out of the collector's reach
    finally:
        gc.unfreeze()  # this test process goes on making and dropping apps
