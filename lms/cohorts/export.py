"""Cohort exports: the same rows written as CSV (progress) and as an XLSX workbook (progress, hours, certificates).

Pure: stdlib plus openpyxl (imported lazily). Rows are mappings from a column key to one kind of value each
(text, a whole number, a decimal number or a date; None when there is nothing), built once by
``lms.cohorts.services.export_rows`` and written by both writers, so the two files always agree. Identity numbers
arrive already masked; no writer ever receives a full one.

Spreadsheet formula injection: a text value Excel would run as a formula (starting with ``= + - @`` or a tab/CR) is
written as text: a string cell in the XLSX, with a leading apostrophe in the CSV.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

PROGRESS_COLUMNS = (
    "host", "login", "legal_name", "id_masked", "course", "course_title", "deadline", "state", "lessons_done",
    "lessons_total", "minutes", "hours", "quiz_score", "best_quiz_score", "certificate", "certificate_status",
)  # fmt: skip
HOURS_COLUMNS = ("host", "login", "day", "course", "course_title", "minutes")
CERTIFICATE_COLUMNS = ("host", "id_masked", "certificate", "course", "course_title", "issued_on", "status")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')

Row = Mapping[str, object]



def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if len(value) > 1 and value.startswith(_FORMULA_STARTS) else value
    return str(value)


def table_csv(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    """One kind of value per column; UTF-8 with a BOM so Excel in China reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key in columns])
    return out.getvalue().encode("utf-8-sig")


def progress_csv(rows: Iterable[Row]) -> bytes:
    """One line per host and course."""
    return table_csv(PROGRESS_COLUMNS, rows)


@dataclass(frozen=True)
class Sheet:
    title: str  # at most 31 characters and no slash, backslash, ? * [ ] or colon (Excel refuses them)
    columns: Sequence[str]
    headers: Mapping[str, str]  # column key -> header in the reader's language
    rows: Sequence[Row]
    #: column key -> {stored code -> label}: codes such as "completed" read as words in a spreadsheet.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook: bold, frozen header row, typed cells (numbers, dates), columns as wide as their content."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        widths = []
        for index, key in enumerate(spec.columns, start=1):
            header = sheet.cell(row=1, column=index, value=ILLEGAL_CHARACTERS_RE.sub("", spec.headers.get(key, key)))
            header.data_type = "s"
            header.font = bold
            widths.append(_width(header.value))
        for row_number, row in enumerate(spec.rows, start=2):
            for index, key in enumerate(spec.columns, start=1):
                value = row.get(key)
                if isinstance(value, str):
                    value = spec.labels.get(key, {}).get(value, value)
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = sheet.cell(row=row_number, column=index, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                widths[index - 1] = max(widths[index - 1], _width(value))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 48)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition value: an ASCII ``filename`` for old clients and the real name per RFC 5987/6266."""
    cleaned = " ".join(_UNSAFE_IN_NAME.sub("_", filename).split()) or fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"
