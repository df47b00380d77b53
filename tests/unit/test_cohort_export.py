"""Cohort export writers: CSV and XLSX from the same rows, typed cells, safe text, RFC 5987 file names."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from lms.cohorts.export import PROGRESS_COLUMNS, Sheet, attachment, progress_csv, workbook

ROW = {
    "host": "=HYPERLINK(\"http://evil\")", "login": "13800138000", "legal_name": "林小美",
    "id_masked": "110105********002X", "course": "first-live-room", "course_title": "第一次开播", "deadline": date(2026, 12, 1),
    "state": "completed", "lessons_done": 2, "lessons_total": 2, "minutes": 12.5, "hours": 0.2, "quiz_score": 95.0,
    "best_quiz_score": 100.0, "certificate": "23456-789AB-CDEFG", "certificate_status": "valid",
}  # fmt: skip


def test_csv_has_the_column_keys_one_kind_of_value_each_and_no_formulas():
    text = progress_csv([ROW, {**ROW, "quiz_score": None, "certificate": None, "certificate_status": None}])
    assert text.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0] == list(PROGRESS_COLUMNS)
    first = dict(zip(PROGRESS_COLUMNS, rows[1]))
    assert first["host"] == "'=HYPERLINK(\"http://evil\")"  # never run as a formula in Excel
    assert first["deadline"] == "2026-12-01" and first["lessons_done"] == "2" and first["minutes"] == "12.5"
    second = dict(zip(PROGRESS_COLUMNS, rows[2]))
    assert second["quiz_score"] == "" and second["certificate"] == "" and second["certificate_status"] == ""


def test_workbook_cells_are_typed_labelled_and_frozen():
    headers = {key: key.upper() for key in PROGRESS_COLUMNS}
    data = workbook([
        Sheet("进度", PROGRESS_COLUMNS, headers, [ROW], {"state": {"completed": "已完成"}}),
        Sheet("空", ("host", "day"), {"host": "主播"}, []),
    ])  # fmt: skip
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["进度", "空"]
    sheet = book["进度"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    values = dict(zip((c.value for c in sheet[1]), (c for c in sheet[2])))
    assert values["HOST"].value == ROW["host"] and values["HOST"].data_type == "s"  # text, not a formula
    assert values["LOGIN"].value == "13800138000" and values["LOGIN"].data_type == "s"
    assert values["DEADLINE"].value == datetime(2026, 12, 1) and values["DEADLINE"].number_format == "yyyy-mm-dd"
    assert values["LESSONS_DONE"].value == 2 and values["LESSONS_DONE"].data_type == "n"
    assert values["MINUTES"].value == 12.5 and values["STATE"].value == "已完成"
    assert 8 <= sheet.column_dimensions["F"].width <= 48  # 第一次开播: five wide characters
    assert [c.value for c in book["空"][1]] == ["主播", "day"] and book["空"].max_row == 1


def test_attachment_names_the_file_for_old_and_new_clients():
    value = attachment("十一月新主播班.xlsx", "cohort-7.xlsx")
    assert value == ("attachment; filename=\"cohort-7.xlsx\"; "
                     "filename*=UTF-8''%E5%8D%81%E4%B8%80%E6%9C%88%E6%96%B0%E4%B8%BB%E6%92%AD%E7%8F%AD.xlsx")
    assert "filename*=UTF-8''a_b_c.csv" in attachment('a/b\\c.csv', "x.csv")
    assert "\r" not in attachment("a\r\nb.csv", "x.csv") and "%22" not in attachment('"q".csv', "x.csv")
