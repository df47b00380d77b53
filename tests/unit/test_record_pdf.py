"""The process record (培训过程记录) as a PDF: Chinese text a bureau can read, search and copy (checked with pdftotext)."""

import shutil
import subprocess

import pytest

from lms.certificates.textlayout import find_cjk_font_file
from lms.evidence.recordpdf import HostPage, class_hour_rows, policy_text, render_process_pdf

RECORD = {
    "format": "lms-process-v1",
    "host": {"id": 7, "name": "林小美"},
    "course": {"slug": "first-live-room", "version": 2, "title": "第一次开播：准备清单"},
    "policy": {"scope": "org:1", "version": 3, "class_hour_minutes": 45, "daily_max_minutes": 240,
               "presence_interval_minutes": 15, "presence_answer_seconds": 60, "identity_at_start": True,
               "identity_random": False, "retention_years": 5},
    "sign_ins": ["2026-06-01T08:59:10+08:00"],
    "sessions": [{"lesson": "welcome", "start": "2026-06-01T09:00:00+08:00", "end": "2026-06-01T10:00:00+08:00",
                  "beats": 120, "credited_seconds": 3600, "flags": ["parallel"]}],
    "days": [{"day": "2026-06-01", "seconds": 3600, "class_hours": "1.3"},
             {"day": "2026-06-02", "seconds": 1800, "class_hours": "0.7"}],
    "presence_checks": [{"lesson": "welcome", "kind": "tap", "shown": "2026-06-01T09:10:00+08:00",
                         "resolved": "2026-06-01T09:11:00+08:00", "outcome": "missed", "withdrawn_seconds": 600}],
    "identity_checks": [{"lesson": "welcome", "moment": "start", "time": "2026-06-01T09:00:00+08:00",
                         "provider": "snapshot", "status": "stored"}],
    "quiz_attempts": [{"quiz": "final", "number": 1, "started": "2026-06-02T09:30:00+08:00",
                       "submitted": "2026-06-02T09:40:00+08:00", "status": "finished", "score": "90.0"}],
    "certificate": {"number": "ABCDE12345FGHJK", "issued": "2026-06-02T09:41:00+08:00", "study_seconds": 5400},
}


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_minutes_per_class_hour_follow_the_policy():
    assert class_hour_rows(RECORD) == [["第1学时", "2026-06-01", "45", "60"],
                                       ["第2学时", "2026-06-02", "45", "90"]]  # fmt: skip
    assert class_hour_rows({**RECORD, "days": [{"day": "2026-06-01", "seconds": 600}]}) == [
        ["第1学时（未满）", "", "10", "10"]]
    assert policy_text(RECORD["policy"]) == ("1学时45分钟；每日最多计240分钟；每15分钟内随机在场确认（60秒内作答）；"
                                             "身份核验：开课时；证据保存5年")  # fmt: skip


def test_the_pdf_shows_the_header_and_every_table_in_chinese(tmp_path):
    page = HostPage(RECORD, id_number="110***********002X", sha256="ab" * 32, log_index=17,
                    reviews=(("2026-06-01T09:00:00+08:00", "welcome", "not_host"),))  # fmt: skip
    data = render_process_pdf([page], title="培训过程记录 · 林小美", cjk_font_path=find_cjk_font_file())
    assert data.startswith(b"%PDF") and data == render_process_pdf([page], title="培训过程记录 · 林小美",
                                                                   cjk_font_path=find_cjk_font_file())  # fmt: skip
    text = pdf_text(data, tmp_path)
    for shown in ("培训过程记录", "林小美", "110***********002X", "第一次开播：准备清单（第2版）", "1学时45分钟",
                  "ab" * 32, "透明日志第 17 条", "封存后未被改动", "登录记录", "学习记录", "多个课时同时学习",
                  "每日学时", "每学时分钟", "第2学时", "在场确认", "超时未答", "身份核验", "已留存照片待核",
                  "身份审核", "审核认定：非本人", "考核", "已完成", "ABCDE12345FGHJK"):
        assert shown in text, shown


def test_an_unsealed_or_changed_record_says_so(tmp_path):
    live = HostPage({**RECORD, "certificate": None})
    changed = HostPage(RECORD, sha256="cd" * 32, log_index=3, problems=("在场确认与封存时不同",),
                       required=(False, ("未进行开课身份核验",)))  # fmt: skip
    text = pdf_text(render_process_pdf([live, changed], title="培训过程记录"), tmp_path)
    assert "未封存：尚未发证" in text and "尚未发证" in text
    assert "封存后已被改动：在场确认与封存时不同" in text and "不符合：未进行开课身份核验" in text
    assert "没有可显示的过程记录" in pdf_text(render_process_pdf([], title="培训过程记录"), tmp_path)
