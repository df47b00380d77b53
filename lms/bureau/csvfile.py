"""Reading a CSV upload: encoding detection (UTF-8 ± BOM, GBK/GB18030, UTF-16 with BOM) and the delimiter
(comma, else tab or semicolon via ``csv.Sniffer``). Pure: stdlib only.

``decode_upload``, ``choose_delimiter`` and ``csv_records`` know nothing of the bureau's columns: other uploads
(the MCN's host import, :mod:`lms.orgs.hostfile`) use them with their own header test."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import PurePath

from lms.bureau.bulkrows import HEADER_SCAN_ROWS, BulkFile, BulkFileError
from lms.bureau.columns import NAME, NUMBER
from lms.bureau.rows import blank, map_header, parse_records

_SNIFF_CHARS = 16_384

_NOT_TEXT = "the file is neither UTF-8 nor GBK text; save it as “CSV UTF-8” or as an Excel .xlsx workbook"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        attempts = ["utf-8-sig"]
    else:
        attempts = ["utf-8", "gb18030"]  # GB18030 is a superset of GBK and GB2312
    furthest = 0
    for encoding in attempts:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            furthest = max(furthest, exc.start)
            continue
        if "\x00" in text:  # binary data, or UTF-16 without a byte-order mark
            offset = text.index("\x00")
            raise BulkFileError(_NOT_TEXT, line=text.count("\n", 0, offset) + 1, code="encoding")
        return text, encoding
    line = _line_of(data, furthest)
    raise BulkFileError(
        f"{_NOT_TEXT} (first unreadable byte on line {line})",
        line=line,
        code="encoding",
        params={"tried": attempts},
    )


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # One record is one spreadsheet row, even when a quoted cell spans several lines of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, cells in enumerate(reader, 1):
            yield line, cells
    except csv.Error as exc:
        raise BulkFileError(
            f"row {line + 1} cannot be read as CSV: {exc}", line=line + 1, code="unreadable"
        ) from exc


IsHeader = Callable[[Sequence[object]], bool]


def _bureau_header(cells: Sequence[object]) -> bool:
    mapping, _ = map_header(cells)
    return NUMBER in mapping and NAME in mapping


def _header_found(sample: str, delimiter: str, is_header: IsHeader) -> tuple[bool, int]:
    """Whether the header is found with this delimiter, and how many cells its first non-empty row has."""
    width, seen = 0, 0
    try:
        for _, cells in csv_records(sample, delimiter):
            if blank(cells):
                continue
            seen += 1
            width = width or len(cells)
            if is_header(cells):
                return True, width
            if seen >= HEADER_SCAN_ROWS:
                break
    except BulkFileError:
        pass
    return False, width


def choose_delimiter(text: str, is_header: IsHeader) -> str:
    """Comma if the header row reads with it, else the delimiter that finds the header (tab, semicolon, Chinese
    comma ，or semicolon ；)."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    found, width = _header_found(sample, ",", is_header)
    if found:
        return ","
    candidates = []
    try:
        candidates.append(csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter)
    except csv.Error:
        pass
    best, best_width = ",", width
    for delimiter in dict.fromkeys([*candidates, "\t", ";", "，", "；"]):
        if delimiter == ",":
            continue
        found, width = _header_found(sample, delimiter, is_header)
        if found:
            return delimiter
        if width > max(best_width, 1):  # it did split the first row: for the "found columns" of the message
            best, best_width = delimiter, width
    return best


def decode_upload(data: bytes, filename: str) -> tuple[str, str]:
    """The text of an uploaded CSV and the encoding it was read with; BulkFileError if it is not text or empty."""
    try:
        text, encoding = _decode(data)
    except BulkFileError as exc:
        if PurePath(filename).suffix.lower() in (".xlsx", ".xlsm"):
            raise BulkFileError(
                "the file is named .xlsx but is not an Excel workbook; save it again from Excel as .xlsx",
                code="unreadable",
            ) from exc
        raise
    if not text.strip():
        raise BulkFileError("the file is empty", code="empty")
    return text, encoding


def read_csv(data: bytes, filename: str, max_rows: int) -> BulkFile:
    text, encoding = decode_upload(data, filename)
    delimiter = choose_delimiter(text, _bureau_header)
    header_line, columns, has_id, rows = parse_records(
        csv_records(text, delimiter), max_rows, "the file is empty"
    )
    return BulkFile(rows, "csv", header_line, columns, has_id, encoding=encoding, delimiter=delimiter)
