"""The bureau bulk-file parser and result writers (lms.bureau): encodings, delimiters, XLSX, headers, file errors
with their codes, row problems with the row numbers a spreadsheet user sees, and the no-ID-number writers."""

from __future__ import annotations

import ast
import codecs
import copy
import csv
import io
import json
import pickle
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lms.bureau.bulkfile import (
    ERROR_CODES,
    MAX_ROWS,
    PROBLEMS,
    BulkFileError,
    BulkRow,
    Problem,
    normalise_id_number,
    read_rows,
    write_results_csv,
    write_results_xlsx,
)
from lms.bureau.columns import looks_like_id_column, normalise_header

ID_A = "11010519491231002X"
ID_B = "440524188001010014"
EXCEL_ID_MESSAGE = "ID number was stored as a number by Excel and lost digits; format the column as text"


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(*sheets: list[list[object]], titles: list[str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for index, rows in enumerate(sheets):
        sheet = workbook.create_sheet((titles or [])[index] if titles else f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data: bytes, member: str, change) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in archive.infolist():
            content = archive.read(info.filename)
            z.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def error_of(data: bytes, filename: str = "upload.csv", **kwargs) -> BulkFileError:
    with pytest.raises(BulkFileError) as caught:
        read_rows(data, filename, **kwargs)
    assert caught.value.code in ERROR_CODES
    return caught.value


GOOD = [
    ["证书编号", "姓名", "身份证号"],
    ["ABCDE-FGHJK-MNPQ2", "张三", ID_A],
    ["23456-789AB-CDEF3", "李四", ID_B],
]


def assert_good(parsed) -> None:
    assert [(r.row, r.number, r.name, r.id_number, r.problems) for r in parsed.rows] == [
        (2, "ABCDE-FGHJK-MNPQ2", "张三", ID_A, []),
        (3, "23456-789AB-CDEF3", "李四", ID_B, []),
    ]
    assert parsed.has_id_column and parsed.header_row == 1


# --- encodings and delimiters ----------------------------------------------------------------------------


def test_utf8_csv():
    parsed = read_rows(csv_bytes(GOOD), "名单.csv")
    assert_good(parsed)
    assert (parsed.format, parsed.encoding, parsed.delimiter) == ("csv", "utf-8", ",")
    assert parsed.columns == ("证书编号", "姓名", "身份证号")


def test_utf8_with_bom_does_not_pollute_the_first_header():
    parsed = read_rows(codecs.BOM_UTF8 + csv_bytes(GOOD), "名单.csv")
    assert_good(parsed)
    assert parsed.encoding == "utf-8-sig" and parsed.columns[0] == "证书编号"


def test_gbk_csv_from_excel():
    parsed = read_rows(csv_bytes(GOOD, encoding="gbk"), "名单.csv")
    assert_good(parsed)
    assert parsed.encoding == "gb18030"  # the superset: GBK and GB2312 files decode the same


def test_gb18030_only_characters_in_a_name():
    rows = [["证书编号", "姓名"], ["ABCDE-FGHJK-MNPQ2", "王䶮"]]  # 䶮 is outside GBK, four bytes in GB18030
    parsed = read_rows(csv_bytes(rows, encoding="gb18030"), "a.csv")
    assert parsed.rows[0].name == "王䶮"


def test_utf16_with_bom_and_tabs_as_excel_unicode_text_saves_it():
    data = codecs.BOM_UTF16_LE + csv_bytes(GOOD, encoding="utf-16-le", delimiter="\t")
    parsed = read_rows(data, "名单.txt")
    assert_good(parsed)
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")


def test_utf16_big_endian_with_bom():
    parsed = read_rows(csv_bytes(GOOD, encoding="utf-16"), "a.csv")  # Python's utf-16 writes a BOM
    assert_good(parsed)
    big = codecs.BOM_UTF16_BE + csv_bytes(GOOD, encoding="utf-16-be")
    assert_good(read_rows(big, "a.csv"))


def test_tab_separated():
    parsed = read_rows(csv_bytes(GOOD, delimiter="\t"), "名单.tsv")
    assert_good(parsed)
    assert parsed.delimiter == "\t"


def test_semicolon_separated():
    parsed = read_rows(csv_bytes(GOOD, delimiter=";", encoding="gbk"), "名单.csv")
    assert_good(parsed)
    assert parsed.delimiter == ";"


@pytest.mark.parametrize("delimiter", ["，", "；"])
def test_chinese_comma_or_semicolon_separated(delimiter):
    parsed = read_rows(csv_bytes(GOOD, delimiter=delimiter, encoding="gbk"), "名单.csv")
    assert_good(parsed)
    assert parsed.delimiter == delimiter


@pytest.mark.parametrize("joined, code", [(";", "separator_semicolon"), ("，", "separator_chinese_comma"),
                                          ("\t", "separator_tab")])  # fmt: skip
def test_a_row_joined_by_another_separator_is_explained_by_it_not_as_an_empty_name(joined, code):
    data = f"证书编号,姓名\r\nABCDE-FGHJK-MNPQR{joined}林小美\r\nBCDEF-GHJKM-NPQRS,李四\r\n"
    parsed = read_rows(data.encode(), "名单.csv")
    first, second = parsed.rows
    assert [p.code for p in first.problems] == [code] and "name is empty" not in first.problems
    assert second.problems == [] and second.name == "李四"


def test_quoted_cells_with_commas_and_newlines_stay_one_spreadsheet_row():
    data = 'number,name,remark\r\nABCDE-FGHJK,张三,"line one\nline two, with comma"\r\nBCDEF-GHJKM,李四,x\r\n'
    parsed = read_rows(data.encode(), "a.csv")
    assert [(r.row, r.name) for r in parsed.rows] == [(2, "张三"), (3, "李四")]
    assert not parsed.has_id_column and parsed.rows[0].id_number is None


# --- headers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["证书编号", "证书号", "编号", "certificate number", "number", "Certificate_Number"]
)
@pytest.mark.parametrize("name", ["姓名", "持证人", "name", "holder name", "Holder_Name"])
def test_header_synonyms_for_number_and_name(number, name):
    parsed = read_rows(csv_bytes([[name, number], ["张三", "ABCDE-FGHJK-MNPQ2"]]), "a.csv")
    assert (parsed.rows[0].number, parsed.rows[0].name) == ("ABCDE-FGHJK-MNPQ2", "张三")


@pytest.mark.parametrize(
    "header", ["身份证号", "身份证号码", "公民身份号码", "证件号码", "id number", "id_number", "ID Number"]
)
def test_header_synonyms_for_the_id_number(header):
    parsed = read_rows(csv_bytes([["编号", "姓名", header], ["ABCDE-FGHJK-MNPQ2", "张三", ID_A]]), "a.csv")
    assert parsed.has_id_column and parsed.rows[0].id_number == ID_A


def test_headers_are_normalised():
    # full-width letters and spaces, ideographic space, case, underscores, 必填 markers
    header = ["  ＣＥＲＴＩＦＩＣＡＴＥ　ＮＵＭＢＥＲ ", "姓名（必填）", "ID__NUMBER*", "备注"]
    parsed = read_rows(csv_bytes([header, ["ABCDE-FGHJK-MNPQ2", "张三", ID_A, ""]]), "a.csv")
    assert (parsed.rows[0].number, parsed.rows[0].name, parsed.rows[0].id_number) == (
        "ABCDE-FGHJK-MNPQ2",
        "张三",
        ID_A,
    )
    assert normalise_header(" Holder_Name ") == normalise_header("holdername") == "holdername"
    assert normalise_header("ＩＤ　ｎｕｍｂｅｒ") == "idnumber"


def test_columns_in_any_order_with_extra_columns():
    rows = [["序号", "身份证号", "备注", "姓名", "证书编号"], ["1", ID_A, "ok", "张三", "ABCDE-FGHJK-MNPQ2"]]
    row = read_rows(csv_bytes(rows), "a.csv").rows[0]
    assert (row.number, row.name, row.id_number) == ("ABCDE-FGHJK-MNPQ2", "张三", ID_A)


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers():
    rows = [["附件1：2025年证书核验名单"], [], ["证书编号", "姓名"], ["ABCDE-FGHJK-MNPQ2", "张三"]]
    parsed = read_rows(csv_bytes(rows), "a.csv")
    assert parsed.header_row == 3 and parsed.rows[0].row == 4


# --- errors for the whole file ---------------------------------------------------------------------------


def test_missing_column_names_the_expected_column_and_what_was_found():
    error = error_of(csv_bytes([["编号", "名字"], ["ABCDE-FGHJK-MNPQ2", "张三"]]))
    assert error.code == "missing_column"
    assert str(error) == 'missing column "姓名 / name"; found columns: 编号, 名字'
    assert error.line == 1 and error.params["missing"] == ["姓名 / name"]


def test_missing_both_columns_names_both():
    error = error_of(csv_bytes([["序号", "名字"], ["1", "张三"]]))
    assert error.code == "missing_column"
    assert 'missing columns "证书编号 / certificate number" and "姓名 / name"' in str(error)
    assert "found columns: 序号, 名字" in str(error)


def test_missing_column_when_the_header_row_is_absent():
    error = error_of(csv_bytes([["ABCDE-FGHJK-MNPQ2", "张三"], ["BCDEF-GHJKM", "李四"]]))
    assert error.code == "missing_column" and "证书编号 / certificate number" in str(error)


def test_duplicate_columns_are_refused():
    error = error_of(csv_bytes([["证书编号", "姓名", "编号"], ["ABCDE-FGHJK-MNPQ2", "张三", "x"]]))
    assert error.code == "duplicate_column"
    assert (error.line, error.column) == (1, 3)
    assert '"证书编号" (column A)' in str(error) and '"编号" (column C)' in str(error)
    assert "证书编号 / certificate number" in str(error)


def test_random_bytes_are_neither_utf8_nor_gbk():
    data = random.Random(7).randbytes(4096)
    error = error_of(data)
    assert error.code == "encoding"
    assert "the file is neither UTF-8 nor GBK text" in str(error)


def test_utf16_without_bom_is_an_encoding_error_not_garbage():
    error = error_of(csv_bytes([["number", "name"], ["ABCDE-FGHJK-MNPQ2", "Zhang San"]], encoding="utf-16-le"))
    assert error.code == "encoding"


def test_encoding_error_says_on_which_line():
    data = csv_bytes(GOOD) + b"ABCDE-FGHJK,\xff\xfe\xfd,x\r\n"
    error = error_of(data)
    assert error.code == "encoding" and error.line == 4


def test_invalid_utf8_after_a_utf8_bom_is_an_encoding_error():
    assert error_of(codecs.BOM_UTF8 + b"number,name\r\n\xff\xff,x\r\n").code == "encoding"


@pytest.mark.parametrize(
    "data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b",,,\r\n,,\r\n"]
)
def test_empty_files(data):
    error = error_of(data)
    assert error.code == "empty" and "empty" in str(error)


def test_header_without_data_rows_is_empty():
    error = error_of(csv_bytes([["证书编号", "姓名"], [], ["", " "]]))
    assert error.code == "empty" and "no data rows" in str(error) and error.line == 1


def test_too_many_rows():
    rows = [["证书编号", "姓名"]] + [[f"ABCDE-FGHJK-{i:05d}", "张三"] for i in range(6)]
    error = error_of(csv_bytes(rows), max_rows=5)
    assert error.code == "too_many_rows" and "5" in str(error)
    assert error.line == 7  # the sixth data row
    assert len(read_rows(csv_bytes(rows), "a.csv", max_rows=6)) == 6
    assert MAX_ROWS == 100_000


def test_blank_rows_do_not_count_towards_the_limit():
    rows = [["证书编号", "姓名"]] + [[f"ABCDE-FGHJK-{i:05d}", "张三"] if i % 2 else [] for i in range(10)]
    assert len(read_rows(csv_bytes(rows), "a.csv", max_rows=5)) == 5


def test_default_limit_is_100000_rows():
    head = "证书编号,姓名\r\n"
    data = (head + "ABCDE-FGHJK,张三\r\n" * (MAX_ROWS + 1)).encode()
    error = error_of(data)
    assert error.code == "too_many_rows" and "100,000" in str(error) and error.line == MAX_ROWS + 2


def test_unsupported_files_are_unreadable():
    assert error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls").code == "unreadable"
    html = "<html><body><table><tr><td>证书编号</td></tr></table></body></html>".encode()
    assert error_of(html, "export.xls").code == "unreadable"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    error = error_of(archive.getvalue(), "names.docx")
    assert error.code == "unreadable" and ".xlsx" in str(error)
    assert error_of(b"PK\x03\x04 truncated", "a.xlsx").code == "unreadable"


def test_error_codes_and_attributes():
    assert set(ERROR_CODES) == {
        "missing_column", "encoding", "empty", "too_many_rows", "duplicate_column", "unreadable",
    }  # fmt: skip
    error = BulkFileError("boom", 3, 4, code="empty")
    assert (str(error), error.line, error.column, error.code) == ("boom", 3, 4, "empty")
    assert BulkFileError("boom").code == "unreadable" and BulkFileError("boom").line is None
    with pytest.raises(ValueError):
        BulkFileError("boom", code="nonsense")


# --- row problems ----------------------------------------------------------------------------------------


def test_row_problems_with_the_row_numbers_a_spreadsheet_shows():
    rows = [
        ["证书编号", "姓名", "身份证号", "备注"],
        ["ABCDE-FGHJK-MNPQ2", "张三", ID_A],  # 2: fine, short row
        [],  # 3: skipped, still counted
        ["", "李四", ""],  # 4
        ["ABCDE-FGHJK-MNPQ2", " ", ID_B, "extra", "cells", "are", "fine"],  # 5
        ["ABCD", "王五", "1101051949123100"],  # 6: too short number and ID
        ["A" * 41, "赵六", "1.10105E+17"],  # 7: Excel's display of a long number, saved as CSV
        ["  ABCDE-FGHJK-MNPQ2  ", "  钱七  ", " 110105 19491231 002x "],  # 8: stripped and normalised
    ]
    parsed = read_rows(csv_bytes(rows), "a.csv")
    by_row = {r.row: r for r in parsed.rows}
    assert sorted(by_row) == [2, 4, 5, 6, 7, 8]
    assert by_row[2].problems == [] and by_row[2].ok
    assert by_row[4].problems == ["certificate number is empty"] and by_row[4].id_number is None
    assert by_row[5].problems == ["name is empty"]
    assert [p.code for p in by_row[6].problems] == ["number_length", "id_number_format"]
    assert [p.code for p in by_row[7].problems] == ["number_length", "id_number_excel_float"]
    assert by_row[7].problems[1] == EXCEL_ID_MESSAGE
    assert (by_row[8].number, by_row[8].name, by_row[8].id_number, by_row[8].problems) == (
        "ABCDE-FGHJK-MNPQ2", "钱七", ID_A, [],
    )  # fmt: skip
    assert [r.row for r in parsed.problem_rows] == [4, 5, 6, 7]


@pytest.mark.parametrize(
    "number, ok",
    [("ABCD", False), ("A" * 14, False), ("A" * 15, True), ("A" * 17, True), ("A" * 18, False), ("   ", False)],
)
def test_number_length_bounds(number, ok):
    rows = [["证书编号", "姓名", "备注"], [number, "张三", "x"]]
    row = read_rows(csv_bytes(rows), "a.csv").rows[0]
    assert row.ok is ok


@pytest.mark.parametrize(
    "raw, expected, problem",
    [
        (ID_A, ID_A, None),
        ("11010519491231002x", ID_A, None),
        ("１１０１０５１９４９１２３１００２Ｘ", ID_A, None),
        ("110105 1949 1231 002X", ID_A, None),
        ('="11010519491231002X"', ID_A, None),
        ("'11010519491231002X", ID_A, None),
        ("1101051949123100", "1101051949123100", "id_number_format"),
        ("11010519491231002XX", "11010519491231002XX", "id_number_format"),
        ("X10105194912310020", "X10105194912310020", "id_number_format"),
        ("11010519491231002Y", "11010519491231002Y", "id_number_format"),
        ("1.10105E+17", "1.10105E+17", "id_number_excel_float"),
        ("", None, None),
    ],
)
def test_id_number_normalisation_and_shape(raw, expected, problem):
    row = read_rows(
        csv_bytes([["证书编号", "姓名", "身份证号"], ["ABCDE-FGHJK-MNPQ2", "张三", raw]]), "a.csv"
    ).rows[0]
    assert row.id_number == expected
    assert [p.code for p in row.problems] == ([problem] if problem else [])


def test_normalise_id_number():
    assert normalise_id_number(" 110105\u300019491231002ｘ ") == ID_A


def test_problems_are_strings_with_codes_that_survive_copies():
    problem = PROBLEMS["id_number_excel_float"]
    assert (
        isinstance(problem, str) and problem == EXCEL_ID_MESSAGE and problem.code == "id_number_excel_float"
    )
    for clone in (pickle.loads(pickle.dumps(problem)), copy.deepcopy(problem)):
        assert clone == problem and clone.code == problem.code and isinstance(clone, Problem)
    assert json.loads(json.dumps([problem])) == [EXCEL_ID_MESSAGE]
    assert set(PROBLEMS) == {
        "empty_number", "empty_name", "number_length", "number_excel_float", "name_length", "id_number_format",
        "id_number_excel_float", "separator_comma", "separator_semicolon", "separator_tab", "separator_chinese_comma",
        "separator_chinese_semicolon",
    }  # fmt: skip


# --- XLSX ------------------------------------------------------------------------------------------------


def test_xlsx_with_chinese_headers():
    parsed = read_rows(xlsx_bytes(GOOD), "名单.xlsx")
    assert_good(parsed)
    assert (parsed.format, parsed.encoding, parsed.sheet) == ("xlsx", None, "Sheet1")


def test_xlsx_is_recognised_by_content_not_name_and_csv_named_xlsx_is_read_as_csv():
    assert_good(read_rows(xlsx_bytes(GOOD), "upload.csv"))
    assert_good(read_rows(xlsx_bytes(GOOD), "upload"))
    assert read_rows(csv_bytes(GOOD), "export.xlsx").format == "csv"


def test_xlsx_numbers_and_the_excel_float_id_number():
    rows = [
        ["Certificate Number", "Holder Name", "ID Number"],
        [123456789012345, "张三", ID_A],  # 2: int certificate number
        [123456789012346.0, "李四", 110105194912310000.0],  # 3: Excel float ID (lost the last digits)
        ["ABCDE-FGHJK-MNPQ2", "王五", 1.1010519491231e17],  # 4: the same in scientific notation
        ["ABCDE-FGHJK-MNPQ2", "赵六", 440524188001010014],  # 5: openpyxl, like Excel, keeps 15 digits of it
        [1.5e16, "钱七", None],  # 6: a certificate number that Excel rounded
        [None, None, None],  # 7: empty row, skipped
        ["ABCDE-FGHJK-MNPQ2", 12345, 12345.0],  # 8: a numeric name, a short numeric ID
    ]
    parsed = read_rows(xlsx_bytes(rows), "a.xlsx")
    by_row = {r.row: r for r in parsed.rows}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 8]
    assert (by_row[2].number, by_row[2].problems) == ("123456789012345", [])
    assert by_row[3].number == "123456789012346"
    assert by_row[3].problems == [EXCEL_ID_MESSAGE]
    assert [p.code for p in by_row[4].problems] == ["id_number_excel_float"]
    assert [p.code for p in by_row[5].problems] == ["id_number_excel_float"]
    assert [p.code for p in by_row[6].problems] == ["number_excel_float"]
    assert (by_row[8].name, by_row[8].id_number) == ("12345", "12345")
    assert [p.code for p in by_row[8].problems] == ["id_number_format"]


def test_xlsx_exact_integer_id_number_from_another_tool_is_accepted():
    # Some exporters write all 18 digits as an integer; openpyxl then reads an exact int, nothing was lost.
    data = xlsx_bytes([["证书编号", "姓名", "身份证号"], ["ABCDE-FGHJK-MNPQ2", "张三", 4.40524188001010e17]])
    data = rewrite_zip(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb"<v>4\.4052418800101e\+17</v>", f"<v>{ID_B}</v>".encode(), xml),
    )
    row = read_rows(data, "a.xlsx").rows[0]
    assert (row.id_number, row.problems) == (ID_B, [])


def test_xlsx_row_numbers_count_leading_empty_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"] = "证书编号", "姓名"
    sheet["B5"], sheet["C5"] = "ABCDE-FGHJK-MNPQ2", "张三"
    sheet["B9"], sheet["C9"] = "", "李四"
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_rows(buffer.getvalue(), "a.xlsx")
    assert parsed.header_row == 3
    assert [(r.row, r.problems) for r in parsed.rows] == [(5, []), (9, ["certificate number is empty"])]


def test_xlsx_reads_the_first_sheet_and_says_so():
    data = xlsx_bytes([["说明"], ["请在第二个工作表填写"]], GOOD, titles=["说明", "名单"])
    error = error_of(data, "a.xlsx")
    assert error.code == "missing_column" and '"说明"' in str(error) and "first sheet" in str(error)


def test_xlsx_with_no_worksheet():
    data = rewrite_zip(
        xlsx_bytes(GOOD), "xl/workbook.xml", lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml)
    )
    error = error_of(data, "a.xlsx")
    assert error.code == "empty" and "no worksheet" in str(error)


def test_xlsx_with_an_empty_sheet():
    error = error_of(xlsx_bytes([]), "a.xlsx")
    assert error.code == "empty" and "Sheet1" in str(error)


def test_xlsx_errors():
    assert error_of(xlsx_bytes([["编号", "名字"], ["x", "y"]]), "a.xlsx").code == "missing_column"
    rows = [["证书编号", "姓名"]] + [["ABCDE-FGHJK-MNPQ2", "张三"]] * 4
    error = error_of(xlsx_bytes(rows), "a.xlsx", max_rows=3)
    assert (error.code, error.line) == ("too_many_rows", 5)
    assert error_of(xlsx_bytes([["证书编号", "姓名", "持证人"]]), "a.xlsx").code == "duplicate_column"


# --- size ------------------------------------------------------------------------------------------------


def _many(count: int) -> list[list[object]]:
    return [["证书编号", "姓名", "身份证号"]] + [[f"ABCDE-FGHJK-{i:05d}", f"张{i}", ID_A] for i in range(count)]


def test_10000_row_csv():
    parsed = read_rows(csv_bytes(_many(10_000), encoding="gbk"), "a.csv")
    assert len(parsed) == 10_000 and parsed.rows[-1].row == 10_001 and not parsed.problem_rows


def test_10000_row_xlsx():
    parsed = read_rows(xlsx_bytes(_many(10_000)), "a.xlsx")
    assert len(parsed) == 10_000 and parsed.rows[-1].row == 10_001 and not parsed.problem_rows


# --- result writers --------------------------------------------------------------------------------------

RESULT_COLUMNS = ["row", "证书编号", "姓名", "result"]
RESULTS = [
    {"row": 2, "证书编号": "ABCDE-FGHJK-MNPQ2", "姓名": "张三", "result": "有效", "id_number": ID_A},
    {"row": 3, "证书编号": "23456-789AB-CDEF3", "姓名": "李四", "result": None},
]


def test_results_csv_round_trip():
    data = write_results_csv(RESULTS, RESULT_COLUMNS)
    assert data.startswith(codecs.BOM_UTF8)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table == [
        RESULT_COLUMNS,
        ["2", "ABCDE-FGHJK-MNPQ2", "张三", "有效"],
        ["3", "23456-789AB-CDEF3", "李四", ""],
    ]
    assert ID_A.encode() not in data
    parsed = read_rows(data, "results.csv")  # a bureau can upload the results again
    assert [(r.row, r.number, r.name) for r in parsed.rows] == [
        (2, "ABCDE-FGHJK-MNPQ2", "张三"), (3, "23456-789AB-CDEF3", "李四"),
    ]  # fmt: skip


def test_results_xlsx_round_trip():
    data = write_results_xlsx(RESULTS, RESULT_COLUMNS)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    table = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    table = [row + [None] * (len(RESULT_COLUMNS) - len(row)) for row in table]  # trailing empty cells
    assert table == [
        RESULT_COLUMNS,
        [2, "ABCDE-FGHJK-MNPQ2", "张三", "有效"],
        [3, "23456-789AB-CDEF3", "李四", None],
    ]
    assert len(read_rows(data, "results.xlsx")) == 2


def test_results_never_run_as_formulas():
    rows = [{"name": '=HYPERLINK("http://x")', "note": "-1+2", "n": -5}]
    table = list(csv.reader(io.StringIO(write_results_csv(rows, ["name", "note", "n"]).decode("utf-8-sig"))))
    assert table[1] == ['\'=HYPERLINK("http://x")', "'-1+2", "-5"]
    workbook = openpyxl.load_workbook(io.BytesIO(write_results_xlsx(rows, ["name", "note", "n"])))
    sheet = workbook.worksheets[0]
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == -5


@pytest.mark.parametrize(
    "column",
    [
        "id_number",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "ID Number",
        "ＩＤ　ｎｕｍｂｅｒ",
        "holder id",
        "IDNumber",
        "id",
    ],
)
@pytest.mark.parametrize("writer", [write_results_csv, write_results_xlsx])
def test_writers_refuse_id_number_columns(writer, column):
    with pytest.raises(ValueError, match="ID numbers"):
        writer([{"number": "ABCDE-FGHJK-MNPQ2", column: ID_A}], ["number", column])


def test_id_like_column_names():
    assert not any(
        map(looks_like_id_column, ["row", "证书编号", "姓名", "valid number", "result", "holder name"])
    )
    assert all(map(looks_like_id_column, ["持证人身份证", "id_no", "National ID", "证件号"]))


def test_writers_need_columns():
    with pytest.raises(ValueError):
        write_results_csv([], [])
    with pytest.raises(TypeError):
        write_results_xlsx([], "number")  # type: ignore[arg-type]


# --- purity ----------------------------------------------------------------------------------------------


def test_the_bureau_package_imports_no_web_or_database_code():
    script = (
        "import sys, lms.bureau.bulkfile\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'lms', 'openpyxl')))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60, cwd=root
    )
    loaded = ast.literal_eval(result.stdout)
    assert all(m in ("lms", "lms.spreadsheets") or m.startswith("lms.bureau") for m in loaded), loaded


def test_bulk_row_fields():
    assert BulkRow(2, "ABCDE", "张三", None).problems == []
