"""From cells to :class:`BulkRow`: cell values as text, the header row, row problems. Shared by the CSV and XLSX
readers, which hand over ``(row number, cells)`` records. Pure: stdlib only."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from lms.bureau.bulkrows import (
    EMPTY_NAME,
    EMPTY_NUMBER,
    EXCEL_DIGITS,
    HEADER_SCAN_ROWS,
    ID_NUMBER_CELL,
    ID_NUMBER_EXCEL_FLOAT,
    ID_NUMBER_FORMAT,
    NAME_LENGTH,
    NAME_LENGTH_PROBLEM,
    NUMBER_EXCEL_FLOAT,
    NUMBER_LENGTH,
    NUMBER_LENGTH_PROBLEM,
    SEPARATOR_PROBLEMS,
    SHOWN_CELL,
    BulkFileError,
    BulkRow,
    Problem,
)
from lms.bureau.columns import FIELDS, ID_NUMBER, NAME, NUMBER, Field, field_for_header

_FORCED_TEXT = re.compile(r'="(.*)"', re.DOTALL)  # ="110105…", the CSV trick to keep Excel off a number
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")  # 1.10105E+17, how Excel shows a long number
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def cell_text(value: object) -> tuple[str, bool]:
    """A cell as stripped text, and whether it is an Excel number too large to have kept all its digits."""
    if value is None:
        return "", False
    if isinstance(value, str):
        text = value.strip()
        forced = _FORCED_TEXT.fullmatch(text)
        return (forced.group(1).strip() if forced else text), False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value)), abs(value) >= EXCEL_DIGITS
        return repr(value), False
    return str(value).strip(), False


def normalise_id_number(text: str) -> str:
    """Strip spaces (and an Excel text apostrophe), full-width→half-width, lower-case x→X."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(folded.split()).removeprefix("'")
    return folded.replace("x", "X")


def shortened(text: str) -> str:
    """A cell too long to be what it should be, as kept: its first characters and an ellipsis."""
    return text if len(text) <= SHOWN_CELL else text[:SHOWN_CELL] + "…"


def _id_number(value: object) -> tuple[str | None, Problem | None]:
    text, lost_digits = cell_text(value)
    if not text:
        return None, None
    if len(text) > ID_NUMBER_CELL:
        return None, ID_NUMBER_FORMAT
    if lost_digits or _SCIENTIFIC.fullmatch(text):
        return text, ID_NUMBER_EXCEL_FLOAT
    normalised = normalise_id_number(text)
    return normalised, (None if _ID_SHAPE.fullmatch(normalised) else ID_NUMBER_FORMAT)


def blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _letter(column: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names a column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def make_row(line: int, number_cell: object, name_cell: object, id_cell: object) -> BulkRow:
    """One row from its three cells (a file's, or an API item's), with its problems; a cell too long for its
    field is kept shortened, so no oversized input goes further."""
    number, number_lost = cell_text(number_cell)
    name, _ = cell_text(name_cell)
    problems: list[str] = []
    if not number:
        problems.append(EMPTY_NUMBER)
    elif number_lost:
        problems.append(NUMBER_EXCEL_FLOAT)
    elif not NUMBER_LENGTH[0] <= len(number) <= NUMBER_LENGTH[1]:
        problems.append(NUMBER_LENGTH_PROBLEM)
    number = shortened(number)
    if not name:
        problems.append(EMPTY_NAME)
    elif len(name) > NAME_LENGTH:
        problems.append(NAME_LENGTH_PROBLEM)
        name = shortened(name)
    id_number, id_problem = _id_number(id_cell)
    if id_problem is not None:
        problems.append(id_problem)
    return BulkRow(line, number, name, id_number, problems)


# --- header and rows -------------------------------------------------------------------------------------


def map_header(cells: Sequence[object]) -> tuple[dict[Field, int], list[tuple[Field, int, int]]]:
    mapping: dict[Field, int] = {}
    duplicates: list[tuple[Field, int, int]] = []
    for index, cell in enumerate(cells):
        found = field_for_header(cell) if cell is not None else None
        if found is None:
            continue
        if found in mapping:
            duplicates.append((found, mapping[found], index))
        else:
            mapping[found] = index
    return mapping, duplicates


def _missing_columns(
    scanned: list[tuple[int, Sequence[object], dict[Field, int]]], where: str
) -> BulkFileError:
    # The row that looks most like a header (first on ties) is the one to talk about.
    line, cells, mapping = max(scanned, key=lambda s: len(s[2]))
    missing = [f for f in FIELDS if f.required and f not in mapping]
    found = [t for t in (cell_text(c)[0] for c in cells) if t]
    shown = ", ".join(found[:30]) + (", …" if len(found) > 30 else "") if found else "(none)"
    labels = " and ".join(f'"{f.label}"' for f in missing)
    message = f"missing column{'s' if len(missing) > 1 else ''} {labels}; found columns: {shown}{where}"
    params = {"missing": [f.label for f in missing], "found": found}
    return BulkFileError(message, line=line, code="missing_column", params=params)


def _run_together(row: BulkRow, cells: Sequence[object]) -> BulkRow:
    """A row that lacks a cell because its cells are joined by another separator (``123;林小美`` in a comma file)
    is explained by that separator rather than by "name is empty"."""
    if not any(p in (EMPTY_NAME, EMPTY_NUMBER) for p in row.problems):
        return row
    for cell in cells:
        if isinstance(cell, str):
            found = next((sep for sep in SEPARATOR_PROBLEMS if sep in cell.strip()), None)
            if found is not None:
                kept = [p for p in row.problems if p not in (EMPTY_NAME, EMPTY_NUMBER, NUMBER_LENGTH_PROBLEM)]
                row.problems = [SEPARATOR_PROBLEMS[found], *kept]
                return row
    return row


def parse_records(
    records: Iterable[tuple[int, Sequence[object]]], max_rows: int, empty: str, where: str = ""
) -> tuple[int, tuple[str, ...], bool, list[BulkRow]]:
    records = iter(records)
    scanned: list[tuple[int, Sequence[object], dict[Field, int]]] = []
    header: tuple[int, Sequence[object], dict[Field, int], list[tuple[Field, int, int]]] | None = None
    for line, cells in records:
        if blank(cells):
            continue
        mapping, duplicates = map_header(cells)
        if NUMBER in mapping and NAME in mapping:
            header = (line, cells, mapping, duplicates)
            break
        scanned.append((line, cells, mapping))
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    if header is None:
        if not scanned:
            raise BulkFileError(empty, code="empty")
        raise _missing_columns(scanned, where)

    header_line, header_cells, mapping, duplicates = header
    if duplicates:
        column, first, second = duplicates[0]
        first_text, second_text = cell_text(header_cells[first])[0], cell_text(header_cells[second])[0]
        raise BulkFileError(
            f'duplicate column "{column.label}": "{first_text}" (column {_letter(first + 1)}) and '
            f'"{second_text}" (column {_letter(second + 1)}); keep only one of them',
            line=header_line,
            column=second + 1,
            code="duplicate_column",
            params={"column": column.label, "first": first_text, "second": second_text},
        )

    i_number, i_name, i_id = mapping[NUMBER], mapping[NAME], mapping.get(ID_NUMBER)
    rows: list[BulkRow] = []
    for line, cells in records:
        if blank(cells):
            continue
        if len(rows) >= max_rows:
            raise BulkFileError(
                f"the file has more than {max_rows:,} data rows; split it into files of at most "
                f"{max_rows:,} rows",
                line=line,
                code="too_many_rows",
                params={"max_rows": max_rows},
            )
        width = len(cells)
        row = make_row(line, cells[i_number] if i_number < width else None,
                       cells[i_name] if i_name < width else None,
                       cells[i_id] if i_id is not None and i_id < width else None)  # fmt: skip
        rows.append(_run_together(row, cells))
    if not rows:
        raise BulkFileError("the file has a header row but no data rows", line=header_line, code="empty")
    columns = tuple(cell_text(c)[0] for c in header_cells)
    return header_line, columns, i_id is not None, rows
