"""Report tables and their exports: JSON for the API, CSV and XLSX for downloads.

A ``Table`` is a named list of rows with typed columns. Each column kind has one
normaliser, chosen once per column (never an isinstance chain per cell), that
checks a cell and brings it to the value every export shows:

=========  ===========================  ==============  =====================================
kind       accepts                      JSON / CSV      XLSX
=========  ===========================  ==============  =====================================
text       str                          as is           string (never a formula)
integer    int                          int             number
money      Decimal or int, whole cents  "1234.50"       number, ``#,##0.00``
hours      Decimal or int               "37.50"         number, ``#,##0.00``
ratio      Decimal or int (0.8123)      "0.8123"        number, ``0.0%``
date       datetime.date                "2026-06-30"    date, ``yyyy-mm-dd``
month      datetime.date or "2026-06"   "2026-06"       string
=========  ===========================  ==============  =====================================

Every kind takes None: null in JSON, an empty field in CSV, an empty cell in XLSX.
Amounts travel as strings in JSON. Money is never rounded here: an amount with
more than two decimals is a caller's bug and raises ValueError (round it with
``backend.core.money.money_round`` first). Hours are rounded half-up to two
decimals and ratios to four, for display, and every export carries those rounded
values. Floats are refused everywhere, as in ``money.py``.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet._write_only import WriteOnlyWorksheet


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"
    HOURS = "hours"
    RATIO = "ratio"  # a fraction such as 0.8123, shown as a percentage
    DATE = "date"
    MONTH = "month"  # "2026-06"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT


_NAME_RE = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


@dataclass(frozen=True)
class Table:
    """``rows`` are mappings from column key to value; every column key must be present (extra keys are ignored)."""

    name: str  # a slug such as "revenue_by_month": file names and the sheet's fallback title
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Mapping[str, object]]

    def __post_init__(self) -> None:
        if not _NAME_RE.fullmatch(self.name):
            raise ValueError(f"Table name {self.name!r} is not a slug such as 'revenue_by_month'.")
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Table {self.name!r} has duplicate column keys: {keys}.")


JsonCell = str | int | None
TABLE_FORMATS = ("csv", "xlsx", "json")
TABLE_CONTENT_TYPES: Mapping[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# --- normalisers: one per kind, each checks a cell and returns the value all exports show -------------------------

_CENT = Decimal("0.01")
_RATIO_STEP = Decimal("0.0001")
_ZERO_CENTS = Decimal("0.00")
_ZERO_RATIO = Decimal("0.0000")
_MONTH_RE = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")


def _wrong_type(kind: ColumnKind, value: object) -> TypeError:
    return TypeError(f"A {kind} cell cannot hold {type(value).__name__} {value!r}.")


def _as_decimal(kind: ColumnKind, value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise _wrong_type(kind, value)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _wrong_type(ColumnKind.TEXT, value)


def _integer(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _wrong_type(ColumnKind.INTEGER, value)


def _money(value: object) -> Decimal | None:
    if value is None:
        return None
    amount = _as_decimal(ColumnKind.MONEY, value)
    cents = amount.quantize(_CENT)
    if cents != amount:
        raise ValueError(f"Money {amount} is not rounded to cents; round it with money_round first.")
    return cents if cents else _ZERO_CENTS  # never -0.00


def _hours(value: object) -> Decimal | None:
    if value is None:
        return None
    hours = _as_decimal(ColumnKind.HOURS, value).quantize(_CENT, rounding=ROUND_HALF_UP)
    return hours if hours else _ZERO_CENTS


def _ratio(value: object) -> Decimal | None:
    if value is None:
        return None
    ratio = _as_decimal(ColumnKind.RATIO, value).quantize(_RATIO_STEP, rounding=ROUND_HALF_UP)
    return ratio if ratio else _ZERO_RATIO


def _date(value: object) -> datetime.date | None:
    if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
        return value
    raise _wrong_type(ColumnKind.DATE, value)


def _month(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):  # any day of the month, usually the first
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str) and _MONTH_RE.fullmatch(value):
        return value
    raise _wrong_type(ColumnKind.MONTH, value)


# --- JSON ---------------------------------------------------------------------------------------------------------


def _json_decimal(normalise: Callable[[object], Decimal | None]) -> Callable[[object], JsonCell]:
    def format_cell(value: object) -> JsonCell:
        number = normalise(value)
        return None if number is None else str(number)

    return format_cell


def _json_date(value: object) -> JsonCell:
    day = _date(value)
    return None if day is None else day.isoformat()


_JSON_FORMATTERS: Mapping[ColumnKind, Callable[[object], JsonCell]] = {
    ColumnKind.TEXT: _text,
    ColumnKind.INTEGER: _integer,
    ColumnKind.MONEY: _json_decimal(_money),
    ColumnKind.HOURS: _json_decimal(_hours),
    ColumnKind.RATIO: _json_decimal(_ratio),
    ColumnKind.DATE: _json_date,
    ColumnKind.MONTH: _month,
}


def table_json(*, table: Table) -> dict[str, object]:
    """The table for an API response; amounts as strings, dates ISO, None as null."""
    formatters = [(column.key, _JSON_FORMATTERS[column.kind]) for column in table.columns]
    return {
        "name": table.name,
        "title": table.title,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind.value} for c in table.columns],
        "rows": [{key: format_cell(row[key]) for key, format_cell in formatters} for row in table.rows],
    }


# --- CSV ----------------------------------------------------------------------------------------------------------

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: object) -> JsonCell:
    """Text with a leading ' where a spreadsheet would otherwise read it as a formula."""
    text = _text(value)
    if text and text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def table_csv(*, table: Table) -> bytes:
    """UTF-8 CSV without BOM: a header of column keys, then values as in table_json (None as an empty field)."""
    formatters = [
        _csv_text if column.kind is ColumnKind.TEXT else _JSON_FORMATTERS[column.kind] for column in table.columns
    ]
    keys = [column.key for column in table.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(keys)
    writer.writerows(
        [format_cell(row[key]) for key, format_cell in zip(keys, formatters, strict=True)] for row in table.rows
    )
    return buffer.getvalue().encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------------------------

_NUMBER_FORMATS: Mapping[ColumnKind, str] = {
    ColumnKind.MONEY: "#,##0.00",
    ColumnKind.HOURS: "#,##0.00",
    ColumnKind.RATIO: "0.0%",
    ColumnKind.DATE: "yyyy-mm-dd",
}
_WIDTHS: Mapping[ColumnKind, int] = {
    ColumnKind.INTEGER: 10,
    ColumnKind.MONEY: 14,
    ColumnKind.HOURS: 10,
    ColumnKind.RATIO: 9,
    ColumnKind.DATE: 12,
    ColumnKind.MONTH: 9,
}
_MAX_TEXT_WIDTH = 60
_SHEET_TITLE_MAX = 31
_HEADER_FONT = Font(bold=True)
# Fixed, so that the same table exports to the same document properties (openpyxl still stamps "modified");
# the xlsx core properties hold naive UTC.
_WORKBOOK_CREATED = datetime.datetime(2026, 1, 1)


def _sheet_title(table: Table) -> str:
    """Excel's rules: at most 31 characters, none of \\ / ? * [ ] :, no leading or trailing ', not 'History'."""
    title = ILLEGAL_CHARACTERS_RE.sub("", INVALID_TITLE_REGEX.sub("", table.title)).strip(" '")
    title = title[:_SHEET_TITLE_MAX].rstrip(" '")
    if not title or title.casefold() == "history":
        title = table.name[:_SHEET_TITLE_MAX]
    return title


def _string_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    """A cell that is a string whatever it holds: openpyxl makes '=...' a formula, '#N/A' an error, and refuses
    control characters, which are dropped."""
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    return cell


_XlsxCell = Cell | str | int | None
_TYPED_NORMALISERS: Mapping[ColumnKind, Callable[[object], Decimal | datetime.date | None]] = {
    ColumnKind.MONEY: _money,
    ColumnKind.HOURS: _hours,
    ColumnKind.RATIO: _ratio,
    ColumnKind.DATE: _date,
}


def _xlsx_cell_maker(sheet: WriteOnlyWorksheet, kind: ColumnKind) -> Callable[[object], _XlsxCell]:
    """For a column: cell value -> what the write-only sheet's append takes (a raw value or a styled Cell)."""
    if kind is ColumnKind.INTEGER:
        return _integer

    if kind is ColumnKind.TEXT or kind is ColumnKind.MONTH:
        normalise_text = _text if kind is ColumnKind.TEXT else _month

        def text_cell(value: object) -> _XlsxCell:
            text = normalise_text(value)
            if text is not None and (text.startswith(("=", "#")) or ILLEGAL_CHARACTERS_RE.search(text)):
                return _string_cell(sheet, text)
            return text  # any other string is stored as an (inline) string as it is

        return text_cell

    normalise = _TYPED_NORMALISERS[kind]
    number_format = _NUMBER_FORMATS[kind]

    def formatted_cell(value: object) -> _XlsxCell:
        typed = normalise(value)
        if typed is None:
            return None
        cell = Cell(sheet, row=1, column=1, value=typed)  # what WriteOnlyCell does, typed for Decimal and date
        cell.number_format = number_format
        return cell

    return formatted_cell


def _column_width(column: Column, rows: Sequence[Mapping[str, object]]) -> int:
    width = _WIDTHS.get(column.kind)
    if width is None:  # text: as wide as its longest value, within reason
        width = max((len(value) for row in rows if isinstance(value := row[column.key], str)), default=8)
    return min(max(width, len(column.label)) + 2, _MAX_TEXT_WIDTH)


def table_xlsx(*, table: Table) -> bytes:
    """One sheet named after the title: a bold, frozen header row of labels, then typed and formatted cells."""
    workbook = Workbook(write_only=True)
    workbook.properties.created = _WORKBOOK_CREATED
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title=_sheet_title(table))
    dimensions = sheet.column_dimensions  # type: ignore[attr-defined]  # set by Worksheet._setup; not in the stubs
    for index, column in enumerate(table.columns, start=1):
        dimensions[get_column_letter(index)].width = _column_width(column, table.rows)
    sheet.freeze_panes = "A2"

    header: list[_XlsxCell] = []
    for column in table.columns:
        cell = _string_cell(sheet, column.label)
        cell.font = _HEADER_FONT
        header.append(cell)
    sheet.append(header)

    makers = [(column.key, _xlsx_cell_maker(sheet, column.kind)) for column in table.columns]
    for row in table.rows:
        sheet.append([make_cell(row[key]) for key, make_cell in makers])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response_filename(*, table: Table, fmt: str, suffix: str = "") -> str:
    """A Content-Disposition file name: ``revenue_by_month_2026-01_2026-06.xlsx`` for suffix "2026-01_2026-06".
    The suffix is reduced to letters, digits, '.', '_' and '-' (anything else becomes '-')."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"Unknown table format {fmt!r}; expected one of {', '.join(TABLE_FORMATS)}.")
    safe_suffix = re.sub(r"[^A-Za-z0-9._-]+", "-", suffix).strip("-.")
    stem = f"{table.name}_{safe_suffix}" if safe_suffix else table.name
    return f"{stem}.{fmt}"
