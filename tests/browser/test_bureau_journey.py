"""A bureau verifier uploads a GBK file of certificates, sees the results by kind, and downloads them."""

import csv
import io

import pytest
from openpyxl import load_workbook

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
    read = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    words = {"valid": "有效", "revoked": "已撤销", "superseded": "已被替代", "unknown": "查无此证",
             "name_mismatch": "姓名不符", "id_mismatch": "身份证号不符", "malformed": "格式错误"}
    assert [r["结果"] for r in read] == [words[e] for e in expected]  # item 13: Chinese headers and values
    assert read[5]["提交的姓名"] == "王大明"  # the submitted name is repeated
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 XLSX").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    assert book.sheetnames == ["核验结果"]
    book.close()

    # The audit log speaks Chinese, names the operator and uses China time.
    page.goto(live_server + "/bureau/city-bureau/audit")
    table = page.locator("table").inner_text()
    assert "批量核验" in table and "下载了核验结果（CSV）" in table and "核验员" in table
    assert "bulk_check" not in table and "用户 " not in table and "{" not in table
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "bureau-audit-log-zh.png"), full_page=True)

    # Item 14: a line joined by semicolons is explained as such, in Chinese.
    joined = tmp_path / "分号.csv"
    joined.write_bytes(f"证书编号,姓名\r\n{registry['valid']};林小美\r\n".encode("gbk"))
    page.goto(live_server + "/bureau/city-bureau/")
    page.set_input_files("#file", str(joined))
    page.get_by_role("button", name="核验").click()
    assert "这一行的各列用英文分号（;）分隔" in page.locator("table").inner_text()
    page.screenshot(path=str(artifacts_dir / "bureau-semicolon-row-zh.png"), full_page=True)

    # Item 15: the public page of a revoked certificate shows the category, not the internal reason.
    page.goto(live_server + f"/verify/{registry['revoked']}")
    verdict = page.locator(".verdict").inner_text()
    assert "撤销：其他原因" in verdict and "代考" not in page.content()
    assert axe_serious(page) == []
    page.screenshot(path=str(artifacts_dir / "verify-revoked-category-zh.png"), full_page=True)
