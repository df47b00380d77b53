"""Data types of a parsed bulk file and its errors: :class:`BulkFile`, :class:`BulkRow`, :class:`BulkFileError`
and the row :class:`Problem` codes. Pure: stdlib only. Import them from :mod:`lms.bureau.bulkfile`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Self

MAX_ROWS = 100_000
HEADER_SCAN_ROWS = 10  # non-empty rows searched for the header (title rows above it are common)
NUMBER_LENGTH = (15, 17)  # 15 characters, 17 when grouped (23456-789AB-CDEFG); the app checks the check character
NAME_LENGTH = 50  # longer than any legal name
ID_NUMBER_CELL = 40  # an 18-character ID with spaces and separators fits; a longer cell is not an ID number
SHOWN_CELL = 20  # a cell that is too long is kept (and shown, and stored in results) as its first characters and …
MAX_XLSX_UNPACKED = 256 * 1024 * 1024  # a 100,000-row sheet unpacks to a few tens of MB; more is a zip bomb
EXCEL_DIGITS = 1e15  # Excel keeps 15 significant digits: an integer this large stored as a number lost some

ERROR_CODES = ("missing_column", "encoding", "empty", "too_many_rows", "duplicate_column", "unreadable")


class BulkFileError(Exception):
    """The file as a whole cannot be used. ``line`` is a row number (1-based), ``column`` 1-based too."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        code: str = "unreadable",
        params: dict[str, object] | None = None,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown BulkFileError code {code!r}")
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.code = code
        self.params: dict[str, object] = dict(params or {})

    def __str__(self) -> str:
        return self.message


class Problem(str):
    """A row problem: the English message as a ``str`` (so it compares, prints and serialises as one), plus a
    stable ``code`` the web app can translate."""

    code: str

    def __new__(cls, code: str, message: str) -> Self:
        problem = super().__new__(cls, message)
        problem.code = code
        return problem

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickling / copying
        return (self.code, str(self))


EMPTY_NUMBER = Problem("empty_number", "certificate number is empty")
EMPTY_NAME = Problem("empty_name", "name is empty")
NUMBER_LENGTH_PROBLEM = Problem(
    "number_length", f"certificate number must be {NUMBER_LENGTH[0]} to {NUMBER_LENGTH[1]} characters long"
)
NUMBER_EXCEL_FLOAT = Problem(
    "number_excel_float",
    "certificate number was stored as a number by Excel and lost digits; format the column as text",
)
NAME_LENGTH_PROBLEM = Problem("name_length", f"name is longer than {NAME_LENGTH} characters")
ID_NUMBER_FORMAT = Problem(
    "id_number_format", "ID number must be 18 characters: 17 digits and a final digit or X"
)
ID_NUMBER_EXCEL_FLOAT = Problem(
    "id_number_excel_float",
    "ID number was stored as a number by Excel and lost digits; format the column as text",
)
#: Separators people use between cells (a CSV's own, or what a row typed by hand has instead of it).
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "，": "chinese_comma", "；": "chinese_semicolon"}
#: A row whose cells are run together by a separator the file does not use (a line with ";" in a comma file).
SEPARATOR_PROBLEMS = {
    sep: Problem(f"separator_{word}", f"the cells of this row are separated by a {word.replace('_', ' ')}, "
                                      "not as in the header row; use the same separator on every line")
    for sep, word in SEPARATORS.items()
}  # fmt: skip
PROBLEMS: dict[str, Problem] = {
    p.code: p
    for p in (EMPTY_NUMBER, EMPTY_NAME, NUMBER_LENGTH_PROBLEM, NUMBER_EXCEL_FLOAT, NAME_LENGTH_PROBLEM,
              ID_NUMBER_FORMAT, ID_NUMBER_EXCEL_FLOAT, *SEPARATOR_PROBLEMS.values())
}  # fmt: skip


@dataclass(slots=True)
class BulkRow:
    row: int  # as a spreadsheet user sees it: header = row 1 (in the usual layout)
    number: str
    name: str
    id_number: str | None  # normalised (half-width, no spaces, upper-case X); None without column or value
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(slots=True)
class BulkFile:
    rows: list[BulkRow]
    format: str  # "csv" or "xlsx"
    header_row: int
    columns: tuple[str, ...]  # the header cells as found (stripped)
    has_id_column: bool
    encoding: str | None = None  # CSV: "utf-8", "utf-8-sig", "gb18030" or "utf-16"
    delimiter: str | None = None  # CSV: ",", "\t" or ";"
    sheet: str | None = None  # XLSX: title of the sheet that was read (the first one)

    def __iter__(self) -> Iterator[BulkRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def problem_rows(self) -> list[BulkRow]:
        return [r for r in self.rows if r.problems]
