"""Parsing an MCN's host list (CSV or XLSX) for the bulk import: the pure layer, no web or database code.

``read_hosts(data, filename)`` returns a :class:`HostFile` of :class:`HostRow`. Problems with the file as a
whole raise :class:`HostFileError`, whose ``code`` the web app translates (the bureau reader's codes, see
:mod:`lms.bureau.bulkfile`, plus ``too_large``). Problems with one row are :class:`RowProblem` entries (field,
code, params) on the row, which is kept so that the preview can list every row with its number.

Columns (header cells are matched ignoring case, spaces, underscores, full-width forms and a BOM):

* 昵称 / 姓名 / name — the name other people see, required;
* 手机号 / phone and 邮箱 / email — at least one per row; each becomes a login identifier;
* 真实姓名 / legal_name and 身份证号 / id_number — optional, but each needs the other.

Row numbers are those a spreadsheet user sees: the header is normally row 1, the first host row 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lms import spreadsheets
from lms.bounds import is_clean_text
from lms.accounts import idcard
from lms.accounts.identifiers import BadIdentifier, parse_identifier
from lms.bureau.bulkfile import sniff_format
from lms.bureau.bulkrows import HEADER_SCAN_ROWS, BulkFileError
from lms.bureau.columns import ID_NUMBER as BUREAU_ID_NUMBER
from lms.bureau.columns import Field, normalise_header
from lms.bureau.csvfile import choose_delimiter, csv_records, decode_upload
from lms.bureau.rows import blank, cell_text, shortened
from lms.bureau.xlsxfile import first_sheet

__all__ = [
    "FIELDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TEMPLATE_HEADER",
    "HostFile",
    "HostFileError",
    "HostRow",
    "RowProblem",
    "read_hosts",
    "template_csv",
]

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024  # 2,000 rows of CSV are ~200 KB; an XLSX of that size is well below this too
MAX_NAME = 64  # users.display_name
LEGAL_NAME_LENGTH = (2, 40)  # as the holder's own real-name form

NAME = Field("name", "昵称 / name", True, ("昵称", "姓名", "name", "display name", "主播昵称", "艺名", "主播"))
PHONE = Field("phone", "手机号 / phone", False, ("手机号", "手机", "手机号码", "电话", "phone", "mobile", "phone number"))
EMAIL = Field("email", "邮箱 / email", False, ("邮箱", "电子邮箱", "邮件", "email", "e-mail", "mail", "email address"))
LEGAL_NAME = Field("legal_name", "真实姓名 / legal_name", False, ("真实姓名", "身份证姓名", "legal name", "real name"))
ID_NUMBER = Field("id_number", "身份证号 / id_number", False, BUREAU_ID_NUMBER.synonyms)
FIELDS: tuple[Field, ...] = (NAME, PHONE, EMAIL, LEGAL_NAME, ID_NUMBER)
_BY_HEADER: dict[str, Field] = {normalise_header(s): f for f in FIELDS for s in f.synonyms}

TEMPLATE_HEADER = ("昵称", "手机号", "邮箱", "真实姓名", "身份证号")

HOST_ERROR_CODES = ("missing_column", "encoding", "empty", "too_many_rows", "duplicate_column", "unreadable",
                    "too_large")  # fmt: skip


class HostFileError(Exception):
    """The file as a whole cannot be used. ``params`` carry what the message names (columns, limits)."""

    def __init__(self, message: str, *, code: str, line: int | None = None, params: dict | None = None) -> None:
        if code not in HOST_ERROR_CODES:
            raise ValueError(f"unknown HostFileError code {code!r}")
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line
        self.params: dict[str, object] = dict(params or {})


@dataclass(frozen=True, slots=True)
class RowProblem:
    field: str  # name | phone | email | legal_name | id_number | account
    code: str  # missing | too_long | bad_phone | bad_email | no_contact | id_<idcard code> | id_excel |
    #            legal_name_without_id | id_without_legal_name | legal_name_length | duplicate | in_use
    #            (the last from the service, which looks at accounts, and says the same whoever's member the account
    #            is; an ID number held by another account is never a problem: see lms.accounts.identity)
    params: dict = field(default_factory=dict)


@dataclass(slots=True)
class HostRow:
    row: int
    name: str
    phone: str | None  # normalised: 11 digits
    email: str | None  # normalised, lower-case
    legal_name: str | None
    id_number: str | None  # normalised (18 characters, upper-case X)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def id_masked(self) -> str | None:
        return idcard.mask(self.id_number) if self.id_number and len(self.id_number) == 18 else None


@dataclass(slots=True)
class HostFile:
    rows: list[HostRow]
    format: str  # csv | xlsx
    columns: tuple[str, ...]  # the header cells as found

    @property
    def good(self) -> list[HostRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[HostRow]:
        return [r for r in self.rows if not r.ok]


def read_hosts(data: bytes, filename: str, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES) -> HostFile:
    if len(data) > max_bytes:
        raise HostFileError(
            f"the file is larger than {max_bytes // 1024:,} KB", code="too_large", params={"kb": max_bytes // 1024}
        )
    try:
        if sniff_format(data) == "xlsx":
            with first_sheet(data) as sheet:
                columns, rows = _parse(sheet.records, max_rows)
            return _checked(HostFile(rows, "xlsx", columns))
        text, _encoding = decode_upload(data, filename)
        delimiter = choose_delimiter(text, _is_header)
        columns, rows = _parse(csv_records(text, delimiter), max_rows)
        return _checked(HostFile(rows, "csv", columns))
    except BulkFileError as exc:  # the shared readers' file-level errors: same codes
        raise HostFileError(exc.message, code=exc.code, line=exc.line, params=exc.params) from exc


def template_csv() -> bytes:
    """The header row alone (an example host would be imported by whoever forgets to delete it), as an
    Excel-friendly UTF-8 CSV with BOM."""
    return spreadsheets.csv_bytes(TEMPLATE_HEADER, [])


# --- header -------------------------------------------------------------------------------------------------


def _map_header(cells: Sequence[object]) -> tuple[dict[Field, int], list[tuple[Field, str, str]]]:
    mapping: dict[Field, int] = {}
    duplicates: list[tuple[Field, str, str]] = []
    for index, cell in enumerate(cells):
        found = _BY_HEADER.get(normalise_header(cell)) if cell is not None else None
        if found is None:
            continue
        if found in mapping:
            duplicates.append((found, cell_text(cells[mapping[found]])[0], cell_text(cell)[0]))
        else:
            mapping[found] = index
    return mapping, duplicates


def _complete(mapping: dict[Field, int]) -> bool:
    return NAME in mapping and (PHONE in mapping or EMAIL in mapping)


def _is_header(cells: Sequence[object]) -> bool:
    return _complete(_map_header(cells)[0])


def _missing(scanned: list[tuple[int, Sequence[object], dict[Field, int]]]) -> HostFileError:
    line, cells, mapping = max(scanned, key=lambda s: len(s[2]))
    missing = []
    if NAME not in mapping:
        missing.append(NAME.label)
    if PHONE not in mapping and EMAIL not in mapping:
        missing.append(f"{PHONE.label} | {EMAIL.label}")
    found = [t for t in (cell_text(c)[0] for c in cells) if t][:30]
    shown = ", ".join(found) if found else "(none)"
    return HostFileError(
        f"missing column {' and '.join(missing)}; found columns: {shown}",
        code="missing_column",
        line=line,
        params={"missing": missing, "found": found},
    )


# --- rows ---------------------------------------------------------------------------------------------------


def _parse(records: Iterable[tuple[int, Sequence[object]]], max_rows: int) -> tuple[tuple[str, ...], list[HostRow]]:
    records = iter(records)
    scanned: list[tuple[int, Sequence[object], dict[Field, int]]] = []
    header = None
    for line, cells in records:
        if blank(cells):
            continue
        mapping, duplicates = _map_header(cells)
        if _complete(mapping):
            header = (line, cells, mapping, duplicates)
            break
        scanned.append((line, cells, mapping))
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    if header is None:
        if not scanned:
            raise HostFileError("the file is empty", code="empty")
        raise _missing(scanned)
    header_line, header_cells, mapping, duplicates = header
    if duplicates:
        column, first, second = duplicates[0]
        raise HostFileError(
            f'duplicate column "{column.label}": "{first}" and "{second}"; keep only one of them',
            code="duplicate_column",
            line=header_line,
            params={"column": column.label, "first": first, "second": second},
        )
    rows: list[HostRow] = []
    for line, cells in records:
        if blank(cells):
            continue
        if len(rows) >= max_rows:
            raise HostFileError(
                f"the file has more than {max_rows:,} host rows; split it into files of at most {max_rows:,} rows",
                code="too_many_rows",
                line=line,
                params={"max_rows": max_rows},
            )
        rows.append(_row(line, cells, mapping))
    if not rows:
        raise HostFileError("the file has a header row but no host rows", code="empty", line=header_line)
    return tuple(cell_text(c)[0] for c in header_cells), rows


def _cell(cells: Sequence[object], mapping: dict[Field, int], column: Field) -> tuple[str, bool]:
    index = mapping.get(column)
    if index is None or index >= len(cells):
        return "", False
    return cell_text(cells[index])


def _row(line: int, cells: Sequence[object], mapping: dict[Field, int]) -> HostRow:
    problems: list[RowProblem] = []
    name = " ".join(_cell(cells, mapping, NAME)[0].split())
    if not name:
        problems.append(RowProblem("name", "missing"))
    elif not is_clean_text(name):
        problems.append(RowProblem("name", "bad_characters"))
    elif len(name) > MAX_NAME:
        problems.append(RowProblem("name", "too_long", {"max": MAX_NAME}))

    phone_text, _ = _cell(cells, mapping, PHONE)
    email_text, _ = _cell(cells, mapping, EMAIL)
    phone = email = None
    if phone_text:
        phone = _identifier(phone_text, "phone")
        if phone is None:
            problems.append(RowProblem("phone", "bad_phone", {"value": shortened(phone_text)}))
    if email_text:
        email = _identifier(email_text, "email")
        if email is None:
            problems.append(RowProblem("email", "bad_email", {"value": shortened(email_text)}))
    if not phone_text and not email_text:
        problems.append(RowProblem("phone", "no_contact"))

    legal_text, _ = _cell(cells, mapping, LEGAL_NAME)
    legal_name = _legal_name(legal_text) if legal_text else None
    id_text, id_lost = _cell(cells, mapping, ID_NUMBER)
    id_number = None
    if legal_name is not None and not is_clean_text(legal_name):
        problems.append(RowProblem("legal_name", "bad_characters"))
    elif legal_name is not None and not LEGAL_NAME_LENGTH[0] <= len(legal_name) <= LEGAL_NAME_LENGTH[1]:
        problems.append(RowProblem("legal_name", "legal_name_length", {"min": LEGAL_NAME_LENGTH[0],
                                                                         "max": LEGAL_NAME_LENGTH[1]}))  # fmt: skip
    if id_text:
        id_number = idcard.normalise(id_text.removeprefix("'"))
        if id_lost or "E+" in id_number.upper() or "." in id_number:
            problems.append(RowProblem("id_number", "id_excel"))
        else:
            problem = idcard.validate(id_number)
            if problem is not None:
                problems.append(RowProblem("id_number", f"id_{problem.code}"))
    if legal_name and not id_text:
        problems.append(RowProblem("id_number", "legal_name_without_id"))
    if id_text and not legal_name:
        problems.append(RowProblem("legal_name", "id_without_legal_name"))
    return HostRow(line, name, phone, email, legal_name, id_number, problems)


def _identifier(text: str, kind: str) -> str | None:
    try:
        ident = parse_identifier(text)
    except BadIdentifier:
        return None
    return ident.value if ident.kind == kind else None


def _legal_name(text: str) -> str:
    # As the holder's own form: no spaces inside a Chinese name, single spaces inside a Latin one.
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    return "".join(text.split()) if cjk else " ".join(text.split())


def _checked(parsed: HostFile) -> HostFile:
    """Duplicates within the file: a later row that repeats a phone, an email or an ID number of an earlier one."""
    seen: dict[tuple[str, str], int] = {}
    for row in parsed.rows:
        for column, value in (("phone", row.phone), ("email", row.email), ("id_number", row.id_number)):
            if not value:
                continue
            first = seen.setdefault((column, value), row.row)
            if first != row.row:
                row.problems.append(RowProblem(column, "duplicate", {"row": first}))
    return parsed

