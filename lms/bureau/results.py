"""Result files sent back to a bureau after bulk verification: CSV (UTF-8 with BOM) and XLSX.

Pure: stdlib plus openpyxl (imported lazily). Never writes the holder's 身份证号: every column name is checked
with :func:`lms.bureau.columns.looks_like_id_column` and an ID-like one raises ``ValueError`` before anything is
written. Keys of a row that are not in ``columns`` are ignored, so they are never written either.

Spreadsheet formula injection: a text value that Excel would run as a formula (starting with ``= + - @`` or a
tab/CR) is written as text: in the XLSX as a string cell (the value is unchanged), in the CSV with a leading
apostrophe, the usual guard for files opened in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from lms.bureau.columns import looks_like_id_column

__all__ = ["RESULTS_SHEET", "write_results_csv", "write_results_xlsx"]

RESULTS_SHEET = "results"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _checked_columns(columns: Sequence[str]) -> list[str]:
    if isinstance(columns, str):
        raise TypeError("columns must be a list of column names, not one string")
    checked = list(columns)
    if not checked:
        raise ValueError("a results file needs at least one column")
    for column in checked:
        if not isinstance(column, str):
            raise TypeError(f"column names must be strings, got {column!r}")
        if looks_like_id_column(column):
            raise ValueError(f"refusing to write column {column!r}: results files never contain ID numbers")
    assert not any(map(looks_like_id_column, checked)), "an ID-number column must never be written"
    return checked


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        if len(value) > 1 and value.startswith(_FORMULA_STARTS):
            return "'" + value
        return value
    return str(value)


def write_results_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """CSV with a header row, UTF-8 with a byte-order mark (so Excel in China opens it as UTF-8), CRLF lines."""
    names = _checked_columns(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(name) for name in names])
    for row in rows:
        writer.writerow([_csv_cell(row.get(name)) for name in names])
    return buffer.getvalue().encode("utf-8-sig")


def write_results_xlsx(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """One-sheet workbook (sheet "results"), bold header row, written with openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    names = _checked_columns(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RESULTS_SHEET)

    def cell(value: object) -> object:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        text = ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))
        if len(text) > 1 and text.startswith("="):
            as_text = WriteOnlyCell(sheet, value=text)
            as_text.data_type = "s"  # openpyxl would otherwise store it as a formula
            return as_text
        return text

    bold = Font(bold=True)
    header = []
    for name in names:
        header_cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", name))
        header_cell.data_type = "s"
        header_cell.font = bold
        header.append(header_cell)
    sheet.append(header)
    for row in rows:
        sheet.append([cell(row.get(name)) for name in names])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
