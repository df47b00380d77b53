"""Property-based tests (hypothesis) of the readers of untrusted files: whatever the bytes, each reader either
returns its result or raises its own documented error, never anything else (issue 14 §4)."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lms.bureau.bulkfile import BulkFileError, read_rows
from lms.bureau.bulkrows import NAME_LENGTH, NUMBER_LENGTH, SHOWN_CELL
from lms.catalogue.loader import load_catalogue
from lms.orgs.hostfile import HostFileError, read_hosts
from lms.quizzes.gift import GiftError, parse
from lms.bounds import BadJSON, json_depth, parse_json
from tests.conftest import ROOT
from tests.unit.test_hostfile import xlsx as as_xlsx

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
CELL = st.one_of(st.none(), XML_TEXT, st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False),
                 st.booleans())  # fmt: skip
HEADERS = st.sampled_from([["证书编号", "姓名"], ["证书编号", "姓名", "身份证号"], ["编号", "名字"], ["昵称", "手机号", "邮箱", "真实姓名", "身份证号"]])


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def check_bulk(data: bytes):
    try:
        parsed = read_rows(data, "upload.csv")
    except BulkFileError as exc:
        assert exc.code and str(exc)
        return
    for row in parsed.rows:
        assert len(row.number) <= max(NUMBER_LENGTH[1], SHOWN_CELL + 1)
        assert len(row.name) <= max(NAME_LENGTH, SHOWN_CELL + 1)


def check_hosts(data: bytes):
    try:
        read_hosts(data, "hosts.csv")
    except HostFileError as exc:
        assert exc.code and str(exc)


@given(st.binary(max_size=300))
def test_any_bytes_as_a_bulk_or_host_file(data):
    check_bulk(data)
    check_hosts(data)


@given(HEADERS, st.lists(st.lists(TEXT, max_size=5), max_size=8))
def test_any_csv_cells_as_a_bulk_or_host_file(header, rows):
    data = as_csv([header, *rows])
    check_bulk(data)
    check_hosts(data)


@settings(max_examples=40)
@given(HEADERS, st.lists(st.lists(CELL, max_size=5), max_size=6))
def test_any_xlsx_cells_as_a_bulk_or_host_file(header, rows):
    data = as_xlsx([header, *rows])
    check_bulk(data)
    check_hosts(data)


def test_an_oversized_cell_is_kept_short():
    for data in (as_csv([["证书编号", "姓名"], ["A" * 100_000, "张" * 100_000]]),
                 as_xlsx([["证书编号", "姓名"], ["A" * 1_000_000, "张" * 1_000_000]])):  # fmt: skip
        row = read_rows(data, "big").rows[0]
        assert len(row.number) == SHOWN_CELL + 1 and len(row.name) == SHOWN_CELL + 1
        assert [p.code for p in row.problems] == ["number_length", "name_length"]


GIFT_PIECES = st.sampled_from(["::", "{", "}", "=", "~", "#", "->", "%50%", ":", "..", "\\", "\n", "\n\n", "//",
                               "$CATEGORY:", "[markdown]", "[html]", "TRUE", "F", "1", "-", "x", "题", " "])


@given(st.one_of(TEXT, st.lists(GIFT_PIECES, max_size=30).map("".join)))
def test_any_text_as_gift(text):
    try:
        parse(text)
    except GiftError as exc:
        assert str(exc)


YAML_PIECES = st.sampled_from(["id: ", "title:", "  zh-CN: ", "skills: [", "]", "- ", "prerequisites:", "minutes: ",
                               "999999999999999999999", "-1", "{", "}", "&a", "*a", "!!python/object:x", "\n", ": ",
                               "---", "'", '"', "first-live-room", "x"])  # fmt: skip
EXAMPLE = ROOT / "docs" / "example-course" / "first-live-room"


@settings(max_examples=30)
@given(st.lists(YAML_PIECES, max_size=25).map("".join), st.lists(YAML_PIECES, max_size=25).map("".join))
def test_any_course_yaml_and_lesson_front_matter_load_with_problems_not_errors(course_yaml, front_matter):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "first-live-room"
        shutil.copytree(EXAMPLE, folder)
        (folder / "course.yaml").write_text(course_yaml, encoding="utf-8")
        lesson = sorted((folder / "lessons").glob("*.md"))[0]
        lesson.write_text(f"---\n{front_matter}\n---\n# x\n", encoding="utf-8")
        result = load_catalogue(Path(tmp))
        assert result.courses or result.problems


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                           max_leaves=12)  # fmt: skip


@given(st.one_of(TEXT, st.integers(0, 600).map(lambda n: "[" * n + "]" * n)))
def test_parse_json_answers_a_value_or_bad_json(text):
    try:
        value = parse_json(text, max_bytes=2000, max_depth=8)
    except BadJSON as exc:
        assert str(exc)
    else:
        assert json_depth(text) <= 8 and value == __import__("json").loads(text)
