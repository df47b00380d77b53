"""A host completes a small course, downloads the certificate PDF, follows its QR code and sees it valid; an
admin revokes it and the same page says revoked."""

import subprocess

import pytest

from tests.browser.conftest import accept_dialogs, axe_serious
from tests.browser.test_learning_journey import read_for
from tests.browser.test_quiz_journey import answer_correctly, latest_paper
from tests.conftest import PASSWORD, require_program
from tests.unit.test_certificate_pdf import _read_pgm, _sample_qr, qr_decode
from tests.web.test_catalogue import example  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def qr_url_of(pdf_path, tmp_path) -> str:
    from lms.certificates import pdf

    dpi, (x0, y0, size) = 300, pdf.QR_BOX
    crop = [round((x0 + 4) * dpi / 72), round((pdf.PAGE_SIZE[1] - y0 - size + 4) * dpi / 72)]
    crop += [round((size - 8) * dpi / 72)] * 2
    out = tmp_path / "qr"
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    subprocess.run([pdftoppm, "-gray", "-r", str(dpi), "-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]),
                    "-H", str(crop[3]), "-singlefile", str(pdf_path), str(out)], check=True)  # fmt: skip
    return qr_decode(_sample_qr(*_read_pgm(out.with_suffix(".pgm"))))


def test_complete_download_scan_revoke(app, example, live_server, browser, make_user, artifacts_dir, tmp_path):  # noqa: F811
    cfg = app.config["LMS"]
    cfg.heartbeat_seconds, cfg.lesson_completion_ratio = 1, 0.005
    pdftotext, pdftoppm = require_program("pdftotext", "poppler-utils"), require_program("pdftoppm", "poppler-utils")
    example_required = 10  # the example course needs 10 minutes of study time for its certificate
    make_user("host@example.com", "小林")
    make_user("root@example.com", "管理员", is_site_admin=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", accept_downloads=True,
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})  # fmt: skip
    page = context.new_page()
    accept_dialogs(page)
    page.goto(live_server + "/account/login")
    page.locator("#login").fill("host@example.com")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.goto(live_server + "/account/real-name")
    page.locator("#legal_name").fill("林小美")
    page.locator("#id_number").fill("11010519491231002X")
    page.locator("#consent").check()
    page.locator("main form [type=submit]").first.click()

    page.goto(live_server + "/courses/first-live-room")
    page.get_by_role("button", name="报名学习").click()
    for _lesson in range(2):
        read_for(page, 4, at_least=4)  # the test course needs 3 s of verified reading per lesson
        page.locator("#finish button").click()
    # The study-time rule of the course is measured in minutes; this test cannot read for ten, so the clock of
    # the recorded study time is the one thing moved forward here, through the database.
    with app.app_context():
        from sqlalchemy import update

        from lms.db import get_session
        from lms.learning.models import StudyTime

        get_session().execute(update(StudyTime).values(seconds=example_required * 60))
        get_session().commit()
    page.goto(live_server + "/courses/first-live-room/quizzes/final")
    page.get_by_role("button", name="开始测验").click()
    answer_correctly(page, latest_paper(app))
    page.get_by_role("button", name="提交全部答案").click()
    assert "已通过" in page.locator(".result").inner_text()

    page.goto(live_server + "/certificates/")
    assert "有效" in page.locator(".certificate-card").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)
    text = subprocess.run([pdftotext, "-raw", str(pdf_path), "-"], capture_output=True, check=True).stdout.decode()
    compact = "".join(text.split())
    assert "林小美" in compact and "第一次开播：准备清单" in compact and "**************002X" in compact and "110105" not in compact
    subprocess.run([pdftoppm, "-png", "-r", "60", "-singlefile", str(pdf_path),
                    str(artifacts_dir / "issued-certificate")], check=True)  # fmt: skip

    verify_url = qr_url_of(pdf_path, tmp_path)
    assert verify_url.startswith(live_server + "/verify/")
    anonymous = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                    extra_http_headers={"Accept-Language": "zh-CN"}).new_page()  # fmt: skip
    anonymous.goto(verify_url)
    verdict = anonymous.locator(".verdict").inner_text()
    assert "证书有效" in verdict and "林*美" in verdict and "林小美" not in anonymous.content()
    assert axe_serious(anonymous) == []
    anonymous.screenshot(path=str(artifacts_dir / "verify-phone.png"), full_page=True)

    admin = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"}).new_page()
    admin.goto(live_server + "/account/login")
    admin.locator("#login").fill("root@example.com")
    admin.locator("#password").fill(PASSWORD)
    admin.locator("main form [type=submit]").first.click()
    admin.goto(verify_url.replace("/verify/", "/certificates/") + "/manage")
    admin.locator("#category").select_option("misconduct")  # the public category, chosen at revocation
    admin.locator("#reason").fill("复核发现测验代考，证书撤销。")
    admin.get_by_role("button", name="撤销").click()
    assert "复核发现测验代考" in admin.locator(".verdict").inner_text()  # staff still read the detailed reason

    anonymous.reload()
    verdict = anonymous.locator(".verdict").inner_text()
    assert "已撤销" in verdict and "撤销：违规" in verdict and "代考" not in verdict  # the public: the category only
    context.close()
