"""Parsing a labour bureau's bulk verification upload (CSV or XLSX): the pure layer, no web or database code.

``read_rows(data, filename)`` turns the uploaded bytes into a :class:`BulkFile` of :class:`BulkRow`. Problems
with the file as a whole raise :class:`BulkFileError`, whose ``code`` the web app translates:

====================  ======================================================================================
``empty``             no bytes / only blank lines, a header but no data rows, a workbook without a worksheet
``encoding``          CSV that is neither UTF-8 (with or without BOM), GBK/GB18030 nor UTF-16 with a BOM
``missing_column``    the 证书编号 / certificate number or the 姓名 / name column was not found
``duplicate_column``  two header cells name the same column (e.g. 证书编号 and 编号)
``too_many_rows``     more data rows than ``max_rows`` (default 100,000)
``unreadable``        a damaged or unsupported file (old .xls, HTML saved as .xls, ZIP that is not .xlsx, …)
====================  ======================================================================================

Problems with one row are not exceptions: they are listed in ``BulkRow.problems`` (strings that also carry a
``code``, see :class:`Problem`) and the row is kept, so the bureau gets one answer per row it sent.

Row numbers are those a spreadsheet user sees: the first line of the file is row 1. The header is normally row
1; title rows above it (``附件1：…名单``) are skipped as long as the header is within the first
``HEADER_SCAN_ROWS`` non-empty rows. Fully empty rows are skipped but still counted, so numbering never drifts.
"""

from __future__ import annotations

import codecs

from lms.bureau.bulkrows import (
    ERROR_CODES,
    MAX_ROWS,
    PROBLEMS,
    BulkFile,
    BulkFileError,
    BulkRow,
    Problem,
)
from lms.bureau.columns import FIELDS
from lms.bureau.csvfile import read_csv
from lms.bureau.results import write_results_csv, write_results_xlsx
from lms.bureau.rows import normalise_id_number
from lms.bureau.xlsxfile import read_xlsx

__all__ = [
    "ERROR_CODES",
    "FIELDS",
    "MAX_ROWS",
    "PROBLEMS",
    "BulkFile",
    "BulkFileError",
    "BulkRow",
    "Problem",
    "normalise_id_number",
    "read_rows",
    "sniff_format",
    "write_results_csv",
    "write_results_xlsx",
]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, and password-protected .xlsx too


def read_rows(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> BulkFile:
    """Parse an uploaded CSV or XLSX. XLSX is recognised by its ZIP signature, whatever the file is called;
    anything else is read as CSV. Raises :class:`BulkFileError` for problems with the file as a whole."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    data = bytes(data)
    if sniff_format(data) == "xlsx":
        return read_xlsx(data, max_rows)
    return read_csv(data, filename, max_rows)


def sniff_format(data: bytes) -> str:
    """Return "xlsx" for a ZIP (whatever the file is called), else "csv". Raises :class:`BulkFileError` for an empty
    file, an old .xls (or encrypted) workbook and a web page saved under a spreadsheet name."""
    if not data.strip():
        raise BulkFileError("the file is empty", code="empty")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if data.startswith(_OLE2):
        raise BulkFileError(
            "the file is an old Excel 97-2003 .xls workbook or a password-protected one; "
            "save it as .xlsx without a password, or as CSV",
            code="unreadable",
        )
    head = data[:1024].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if head.startswith(b"<") and (b"<html" in head or b"<table" in head or b"<!doctype" in head):
        raise BulkFileError(
            "the file is a web page saved with a spreadsheet name; open it in Excel and save it as .xlsx",
            code="unreadable",
        )
    return "csv"
