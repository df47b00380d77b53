"""Result files sent back to a bureau after bulk verification: CSV (UTF-8 with BOM) and XLSX.

Pure: stdlib plus :mod:`lms.spreadsheets`, which writes every cell (no text ever runs as a spreadsheet formula).
Never writes the holder's 身份证号: every column name is checked with
:func:`lms.bureau.columns.looks_like_id_column` and an ID-like one raises ``ValueError`` before anything is
written. Keys of a row that are not in ``columns`` are ignored, so they are never written either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lms import spreadsheets
from lms.bureau.columns import looks_like_id_column

__all__ = ["RESULTS_SHEET", "write_results_csv", "write_results_xlsx"]

RESULTS_SHEET = "results"


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


def write_results_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """CSV with a header row, UTF-8 with a byte-order mark (so Excel in China opens it as UTF-8), CRLF lines."""
    names = _checked_columns(columns)
    return spreadsheets.csv_bytes(names, ([row.get(name) for name in names] for row in rows))


def write_results_xlsx(rows: Iterable[Mapping[str, object]], columns: Sequence[str], sheet: str = RESULTS_SHEET) -> bytes:
    """One-sheet workbook (named ``sheet``, "results" unless the caller names it in the reader's language), bold
    header row."""
    names = _checked_columns(columns)
    values = [[row.get(name) for name in names] for row in rows]
    return spreadsheets.xlsx_bytes([spreadsheets.Sheet(sheet, names, values)])
