"""Reading an XLSX upload with openpyxl in read-only mode (rows are streamed, values not formulas).

``first_sheet`` opens the workbook and hands over the first sheet's records; it knows nothing of the bureau's
columns, so other uploads (the MCN's host import, :mod:`lms.orgs.hostfile`) use it too."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from lms.bureau.bulkrows import MAX_XLSX_UNPACKED, BulkFile, BulkFileError
from lms.bureau.rows import parse_records

_NOT_XLSX = (
    "the file is a ZIP archive but not a readable Excel .xlsx workbook; save it from Excel or WPS as .xlsx"
)


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    sheet_count: int
    records: Iterator[tuple[int, Sequence[object]]]  # (row number, cells), row 1 first

    @property
    def where(self) -> str:
        """For messages: which sheet was read, when the workbook has several."""
        return f' (read the first sheet, "{self.title}")' if self.sheet_count > 1 else ""


@contextmanager
def first_sheet(data: bytes) -> Iterator[Sheet]:
    """Open the workbook and yield its first sheet. A damaged workbook or sheet (also one that only shows while
    the rows are read in the ``with`` body) raises :class:`BulkFileError`; a BulkFileError raised in the body
    passes through unchanged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BulkFileError(_NOT_XLSX, code="unreadable") from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise BulkFileError("the workbook is too large once unpacked; save it as CSV", code="unreadable")

    from openpyxl import load_workbook

    # openpyxl warns about harmless quirks of other producers (no default style, unknown extensions, …);
    # the test suite turns warnings into errors, and a bureau cannot act on them anyway. (catch_warnings is
    # process-wide before Python 3.14; a race with another thread could at worst mute or keep such a warning.)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # untrusted input: openpyxl raises KeyError, ValueError, XML errors, …
            raise BulkFileError(_NOT_XLSX, code="unreadable") from exc
        try:
            sheets = workbook.worksheets
            if not sheets:
                raise BulkFileError("the workbook has no worksheet", code="empty")
            sheet = sheets[0]
            # Read the rows and cells the file holds, not the size the sheet claims: openpyxl pads every row to
            # the <dimension>'s width and adds its height in empty rows, so a tiny file claiming A1:XFD1048576
            # would cost minutes of CPU.
            sheet.reset_dimensions()
            yield Sheet(sheet.title, len(sheets), enumerate(sheet.iter_rows(values_only=True), 1))
        except BulkFileError:
            raise
        except Exception as exc:  # a damaged sheet only shows while it is being read
            raise BulkFileError(_NOT_XLSX, code="unreadable") from exc
        finally:
            workbook.close()


def read_xlsx(data: bytes, max_rows: int) -> BulkFile:
    with first_sheet(data) as sheet:
        header_line, columns, has_id, rows = parse_records(
            sheet.records, max_rows, f'the first sheet "{sheet.title}" is empty', sheet.where
        )
    return BulkFile(rows, "xlsx", header_line, columns, has_id, sheet=sheet.title)
