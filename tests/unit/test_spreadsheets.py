"""The one writer of CSV and XLSX files: text never becomes a formula, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lms.spreadsheets import FORMULA_STARTS, Sheet, csv_bytes, neutralise, xlsx_bytes

RISKY = st.tuples(st.sampled_from(FORMULA_STARTS), st.text(max_size=20)).map("".join)
TEXT = st.one_of(RISKY, st.text(max_size=20))


@given(st.lists(st.lists(TEXT, min_size=1, max_size=4), max_size=5))
def test_csv_text_never_starts_a_formula_and_reads_back(rows):
    table = list(csv.reader(io.StringIO(csv_bytes(["a"], rows).decode("utf-8-sig"), newline="")))
    assert table[0] == ["a"]
    for written, row in zip(table[1:], rows):
        assert [c.removeprefix("'") if c[:2] in {"'" + s for s in FORMULA_STARTS} else c for c in written] == row
        assert not any(c.startswith(FORMULA_STARTS) for c in written)


@settings(max_examples=30)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_xlsx_text_is_always_a_string_cell(texts):
    book = load_workbook(io.BytesIO(xlsx_bytes([Sheet("s", ["h"], [[t] for t in texts])])))
    cells = [row[0] for row in book["s"].iter_rows(min_row=2)]
    assert all(c.data_type != "f" for c in cells)
    for cell, text in zip(cells, texts):
        cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
        if cleaned:
            assert cell.value == cleaned and cell.data_type == "s"


def test_numbers_and_dates_are_typed_and_never_neutralised():
    row = [-5, 2.5, Decimal("-1.25"), True, date(2026, 12, 1), None, "-5", "=1+1"]
    assert csv_bytes(["x"] * 8, [row]).decode("utf-8-sig").splitlines()[1] == "-5,2.5,-1.25,TRUE,2026-12-01,,'-5,'=1+1"
    cells = list(load_workbook(io.BytesIO(xlsx_bytes([Sheet("s", ["x"] * 8, [row])])))["s"].iter_rows(min_row=2))[0]
    assert [c.data_type for c in cells] == ["n", "n", "n", "b", "d", "n", "s", "s"]
    assert cells[0].value == -5 and cells[2].value == -1.25 and cells[7].value == "=1+1" and cells[7].quotePrefix
    assert neutralise("\tx") == "'\tx" and neutralise("a=b") == "a=b"
