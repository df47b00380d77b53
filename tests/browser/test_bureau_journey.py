"""A bureau verifier uploads a GBK file of certificates, sees the results by kind, and downloads them."""

import csv
import io

import pytest

from tests.browser.conftest import axe_serious
from tests.conftest import PASSWORD
from tests.web.test_bureau import as_csv, every_kind, registry, verifier  # noqa: F401 - fixtures
from tests.web.test_catalogue import example  # noqa: F401 - fixture
from tests.web.test_certificates import graduate  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_upload_and_download(app, registry, verifier, live_server, phone, tmp_path, artifacts_dir):  # noqa: F811
    rows, expected = every_kind(registry, 18)
    upload = tmp_path / "培训花名册.csv"
    upload.write_bytes(as_csv(rows, "gbk"))
    page = phone
    page.goto(live_server + "/account/login")
    page.locator("#login").fill("verifier@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.goto(live_server + "/bureau/city-bureau/")
    assert axe_serious(page) == []
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="核验").click()
    summary = page.locator(".summary").inner_text()
    assert "姓名不符" in summary and "身份证号不符" in summary and "查无此证" in summary
    assert "11010519491231002X" not in page.content()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "bureau-results-phone.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").click()
    saved = tmp_path / "results.csv"
    download.value.save_as(saved)
    results = [r["result"] for r in csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")))]
    assert results == expected
