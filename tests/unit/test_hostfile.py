"""The pure host-list parser of the MCN host import: headers, encodings, row checks, file-level errors."""

import io

import pytest
from openpyxl import Workbook

from lms.orgs.hostfile import HostFileError, read_hosts, template_csv

ID = "110105199003071239"


def codes(row) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in row.problems]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_headers_in_every_csv_encoding(encoding):
    data = f"昵称,手机号,邮箱,真实姓名,身份证号\n小林,138 0013 8000,,王小林,{ID.lower()}\n".encode(encoding)
    parsed = read_hosts(data, "hosts.csv")
    assert parsed.format == "csv" and len(parsed.good) == 1
    row = parsed.rows[0]
    assert (row.row, row.name, row.phone, row.email, row.legal_name, row.id_number) == (
        2, "小林", "13800138000", None, "王小林", ID)
    assert row.id_masked == "110105********1239"


def test_english_headers_tolerate_case_spaces_underscores_and_a_semicolon_delimiter():
    data = "\ufeff NAME ;E-Mail; legal_name ;Id Number\nLin;Lin@Example.COM;Lin Yi;\n".encode()
    row = read_hosts(data, "x.csv").rows[0]
    assert row.email == "lin@example.com" and row.legal_name == "Lin Yi"
    assert codes(row) == [("id_number", "legal_name_without_id")]


def test_title_rows_above_the_header_are_skipped_and_numbering_follows_the_sheet():
    data = xlsx([["主播名单"], [], ["姓名", "手机号"], ["小林", "13800138000"], [None, None], ["小雨", 13800138001]])
    parsed = read_hosts(data, "hosts.xlsx")
    assert parsed.format == "xlsx" and [r.row for r in parsed.rows] == [4, 6]
    assert parsed.rows[1].phone == "13800138001"  # a number cell


def test_row_problems():
    data = (
        "昵称,手机号,邮箱,真实姓名,身份证号\n"
        ",13800138000,,,\n"
        "a,,,,\n"
        "b,12345,bad@,,\n"
        "c,13800138001,,,110105199013071239\n"
        "d,13800138002,,x,\n"
        f"e,13800138000,,张三,{ID}\n"
        f"f,13800138003,,李四,{ID}\n"
        f"{'长' * 65},13800138004,,,\n"
    ).encode()
    rows = read_hosts(data, "h.csv").rows
    assert codes(rows[0]) == [("name", "missing")]
    assert codes(rows[1]) == [("phone", "no_contact")]
    assert codes(rows[2]) == [("phone", "bad_phone"), ("email", "bad_email")]
    assert codes(rows[3]) == [("id_number", "id_birth_date"), ("legal_name", "id_without_legal_name")]
    assert codes(rows[4]) == [("legal_name", "legal_name_length"), ("id_number", "legal_name_without_id")]
    assert codes(rows[5]) == [("phone", "duplicate")] and rows[5].problems[0].params == {"row": 2}
    assert codes(rows[6]) == [("id_number", "duplicate")] and rows[6].problems[0].params == {"row": 7}
    assert codes(rows[7]) == [("name", "too_long")]


def test_an_id_number_excel_turned_into_a_number_is_named():
    data = xlsx([["昵称", "手机号", "真实姓名", "身份证号"], ["小林", "13800138000", "王小林", 110105199003071239]])
    assert codes(read_hosts(data, "h.xlsx").rows[0]) == [("id_number", "id_excel")]
    csv_data = "昵称,手机号,真实姓名,身份证号\n小林,13800138000,王小林,1.10105E+17\n".encode()
    assert codes(read_hosts(csv_data, "h.csv").rows[0]) == [("id_number", "id_excel")]


def test_missing_columns_name_the_column_and_list_those_found():
    with pytest.raises(HostFileError) as caught:
        read_hosts("昵称,备注\n小林,x\n".encode(), "h.csv")
    assert caught.value.code == "missing_column"
    assert caught.value.params == {"missing": ["手机号 / phone | 邮箱 / email"], "found": ["昵称", "备注"]}
    with pytest.raises(HostFileError) as caught:
        read_hosts("手机,备注\n".encode(), "h.csv")
    assert caught.value.params["missing"] == ["昵称 / name"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        ("昵称,手机号\n".encode(), "empty"),
        ("昵称,姓名,手机号\n".encode(), "duplicate_column"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "unreadable"),
        (b"PK\x03\x04broken", "unreadable"),
        (b"\xff\xfe\x00\x00\x81", "encoding"),
    ],
)
def test_file_level_errors(data, code):
    with pytest.raises(HostFileError) as caught:
        read_hosts(data, "h.csv")
    assert caught.value.code == code


def test_limits():
    data = ("昵称,手机号\n" + "".join(f"h{i},1380013{i:04d}\n" for i in range(5))).encode()
    with pytest.raises(HostFileError) as caught:
        read_hosts(data, "h.csv", max_rows=4)
    assert caught.value.code == "too_many_rows" and caught.value.params == {"max_rows": 4}
    with pytest.raises(HostFileError) as caught:
        read_hosts(data, "h.csv", max_bytes=10)
    assert caught.value.code == "too_large"
    assert len(read_hosts(data, "h.csv", max_rows=5).good) == 5


def test_the_template_reads_back_once_filled_in():
    with pytest.raises(HostFileError) as caught:
        read_hosts(template_csv(), "hosts-template.csv")
    assert caught.value.code == "empty"  # headers only: nothing imported by mistake
    parsed = read_hosts(template_csv() + "小林,13800138000,,,\r\n".encode(), "hosts-template.csv")
    assert [r.name for r in parsed.good] == ["小林"]
