"""Cohort exports: the same rows written as CSV (progress) and as an XLSX workbook (progress, hours, certificates).

Pure: stdlib plus :mod:`lms.spreadsheets`. Rows are mappings from a column key to one kind of value each
(text, a whole number, a decimal number or a date; None when there is nothing), built once by
``lms.cohorts.services.export_rows`` and written by both writers, so the two files always agree. Identity numbers
arrive already masked; no writer ever receives a full one. :mod:`lms.spreadsheets` keeps text from running as a
spreadsheet formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from lms import spreadsheets

PROGRESS_COLUMNS = (
    "host", "login", "legal_name", "id_masked", "course", "course_title", "deadline", "state", "lessons_done",
    "lessons_total", "minutes", "hours", "quiz_score", "best_quiz_score", "certificate", "certificate_status",
)  # fmt: skip
HOURS_COLUMNS = ("host", "login", "day", "course", "course_title", "minutes")
CERTIFICATE_COLUMNS = ("host", "id_masked", "certificate", "course", "course_title", "issued_on", "status")

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')

Row = Mapping[str, object]


def table_csv(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    """One kind of value per column, the column keys as header."""
    return spreadsheets.csv_bytes(columns, ([row.get(key) for key in columns] for row in rows))


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

    def values(self) -> list[list[object]]:
        def shown(key: str, value: object) -> object:
            return self.labels.get(key, {}).get(value, value) if isinstance(value, str) else value

        return [[shown(key, row.get(key)) for key in self.columns] for row in self.rows]


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook: bold, frozen header row, typed cells (numbers, dates), columns as wide as their content."""
    return spreadsheets.xlsx_bytes([
        spreadsheets.Sheet(spec.title, [spec.headers.get(key, key) for key in spec.columns], spec.values())
        for spec in sheets
    ])  # fmt: skip


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition value: an ASCII ``filename`` for old clients and the real name per RFC 5987/6266."""
    cleaned = " ".join(_UNSAFE_IN_NAME.sub("_", filename).split()) or fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"
