"""A bureau verifier uploads a large file: the progress page moves its bar without reloading while the worker
checks the rows, then opens the results by itself."""

import threading

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from lms.db import get_session
from lms.jobs.models import Job
from tests.browser.conftest import axe_serious, log_in
from tests.conftest import PASSWORD, drain
from tests.web.test_bureau import as_csv, every_kind, registry  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture
from tests.web.test_jobs import add_verifier

pytestmark = pytest.mark.browser


@pytest.fixture
def queued_server(queued_app):
    server = make_server("127.0.0.1", 0, queued_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_the_progress_bar_moves_without_a_reload_then_the_results_open(queued_app, registry, make_user,  # noqa: F811
                                                                       queued_server, phone, tmp_path, artifacts_dir):  # fmt: skip
    queued_app.config["LMS"].bulk_check_job_bytes = 1000
    add_verifier(queued_app, make_user, "verifier@example.com", "city-bureau")
    table, _expected = every_kind(registry, 120)
    upload = tmp_path / "名单.csv"
    upload.write_bytes(as_csv(table, "gbk"))
    page = phone
    log_in(page, queued_server, "verifier@example.com", PASSWORD)
    page.goto(queued_server + "/bureau/city-bureau/")
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="核验").click()
    page.wait_for_url("**/jobs/*")
    bar = page.get_by_role("progressbar", name="正在等待后台处理……")
    assert bar.is_visible() and page.get_by_role("link", name="刷新").is_visible()
    assert axe_serious(page) == []
    page.evaluate("window.notReloaded = true")
    with queued_app.app_context():  # the worker is half-way
        session = get_session()
        session.execute(update(Job).where(Job.kind == "bureau.bulk_check").values(state="running", progress_done=60, progress_total=120))
        session.commit()
    page.get_by_text("已核验 60 / 120 行（50%）").wait_for(timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("progress").evaluate("p => [p.value, p.max]") == [60, 120]
    page.screenshot(path=str(artifacts_dir / "bureau-job-progress-phone.png"), full_page=True)
    with queued_app.app_context():
        session = get_session()
        session.execute(update(Job).where(Job.kind == "bureau.bulk_check").values(state="queued"))
        session.commit()
    drain(queued_app)
    page.wait_for_url("**/checks/*", timeout=10_000)
    assert "姓名不符" in page.locator(".summary").inner_text()
