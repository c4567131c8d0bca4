"""Report tables and their JSON, CSV and XLSX exports (backend/core/tables.py)."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from backend.core.tables import (
    Column,
    ColumnKind,
    Table,
    table_csv,
    table_json,
    table_response_filename,
    table_xlsx,
)

COLUMNS = (
    Column(key="month", label="Month", kind=ColumnKind.MONTH),
    Column(key="client", label="Client"),
    Column(key="invoices", label="Invoices", kind=ColumnKind.INTEGER),
    Column(key="revenue", label="Revenue (EUR)", kind=ColumnKind.MONEY),
    Column(key="hours", label="Hours", kind=ColumnKind.HOURS),
    Column(key="fill", label="Fill rate", kind=ColumnKind.RATIO),
    Column(key="paid_on", label="Paid on", kind=ColumnKind.DATE),
)
ROWS: list[dict[str, object]] = [
    {
        "month": "2026-01",
        "client": "Acme, B.V.",
        "invoices": 3,
        "revenue": Decimal("1234.5"),
        "hours": Decimal("37.5"),
        "fill": Decimal("0.8123"),
        "paid_on": datetime.date(2026, 2, 14),
    },
    {
        "month": datetime.date(2026, 2, 1),
        "client": "=SUM(A1)",
        "invoices": 0,
        "revenue": Decimal("0.10"),
        "hours": Decimal("0"),
        "fill": Decimal(1),
        "paid_on": None,
    },
    {
        "month": "2026-03",
        "client": None,
        "invoices": None,
        "revenue": Decimal("-12.00"),
        "hours": None,
        "fill": None,
        "paid_on": None,
    },
]


def make_table(**overrides: object) -> Table:
    fields: dict[str, object] = {
        "name": "revenue_by_month",
        "title": "Revenue by month",
        "columns": COLUMNS,
        "rows": ROWS,
    }
    fields.update(overrides)
    return Table(**fields)  # type: ignore[arg-type]


def one_column(kind: ColumnKind, *values: object) -> Table:
    return Table(name="t", title="T", columns=(Column(key="v", label="V", kind=kind),), rows=[{"v": v} for v in values])


def json_values(kind: ColumnKind, *values: object) -> list[object]:
    rows = table_json(table=one_column(kind, *values))["rows"]
    assert isinstance(rows, list)
    return [row["v"] for row in rows]


# --- JSON ---------------------------------------------------------------------------------------------------------


def test_table_json_shape_and_values() -> None:
    assert table_json(table=make_table()) == {
        "name": "revenue_by_month",
        "title": "Revenue by month",
        "columns": [
            {"key": "month", "label": "Month", "kind": "month"},
            {"key": "client", "label": "Client", "kind": "text"},
            {"key": "invoices", "label": "Invoices", "kind": "integer"},
            {"key": "revenue", "label": "Revenue (EUR)", "kind": "money"},
            {"key": "hours", "label": "Hours", "kind": "hours"},
            {"key": "fill", "label": "Fill rate", "kind": "ratio"},
            {"key": "paid_on", "label": "Paid on", "kind": "date"},
        ],
        "rows": [
            {
                "month": "2026-01",
                "client": "Acme, B.V.",
                "invoices": 3,
                "revenue": "1234.50",
                "hours": "37.50",
                "fill": "0.8123",
                "paid_on": "2026-02-14",
            },
            {
                "month": "2026-02",
                "client": "=SUM(A1)",  # JSON is not a spreadsheet: text travels as it is
                "invoices": 0,
                "revenue": "0.10",
                "hours": "0.00",
                "fill": "1.0000",
                "paid_on": None,
            },
            {
                "month": "2026-03",
                "client": None,
                "invoices": None,
                "revenue": "-12.00",
                "hours": None,
                "fill": None,
                "paid_on": None,
            },
        ],
    }


def test_json_money_is_padded_to_cents_never_rounded() -> None:
    assert json_values(
        ColumnKind.MONEY, Decimal("1234.5"), Decimal("7"), 7, Decimal("0.100"), Decimal("-0.00"), Decimal("1E+3"), None
    ) == ["1234.50", "7.00", "7.00", "0.10", "0.00", "1000.00", None]
    with pytest.raises(ValueError, match="not rounded to cents"):
        table_json(table=one_column(ColumnKind.MONEY, Decimal("20.125")))


def test_json_hours_and_ratio_round_half_up_for_display() -> None:
    assert json_values(ColumnKind.HOURS, Decimal("7.605"), Decimal("40"), Decimal("-0.001"), 8) == [
        "7.61",
        "40.00",
        "0.00",
        "8.00",
    ]
    assert json_values(ColumnKind.RATIO, Decimal("0.81235"), Decimal(2) / Decimal(3), 0, Decimal("1.25")) == [
        "0.8124",
        "0.6667",
        "0.0000",
        "1.2500",
    ]


def test_json_dates_months_integers_text() -> None:
    assert json_values(ColumnKind.DATE, datetime.date(2026, 6, 1), None) == ["2026-06-01", None]
    assert json_values(ColumnKind.MONTH, datetime.date(2026, 6, 30), "2026-12", None) == ["2026-06", "2026-12", None]
    assert json_values(ColumnKind.INTEGER, 0, -4, None) == [0, -4, None]
    assert json_values(ColumnKind.TEXT, "", "x", None) == ["", "x", None]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (ColumnKind.MONEY, 1.5),  # never a float
        (ColumnKind.MONEY, "1.50"),
        (ColumnKind.HOURS, 7.5),
        (ColumnKind.RATIO, 0.5),
        (ColumnKind.INTEGER, True),
        (ColumnKind.INTEGER, Decimal(1)),
        (ColumnKind.TEXT, 3),
        (ColumnKind.DATE, datetime.datetime(2026, 6, 1, 12, 0)),
        (ColumnKind.DATE, "2026-06-01"),
        (ColumnKind.MONTH, "2026-6"),
        (ColumnKind.MONTH, "2026-13"),
    ],
)
def test_a_cell_of_the_wrong_type_is_refused(kind: ColumnKind, value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        table_json(table=one_column(kind, value))


def test_a_row_without_a_column_key_is_refused() -> None:
    with pytest.raises(KeyError, match="v"):
        table_json(table=Table(name="t", title="T", columns=(Column(key="v", label="V"),), rows=[{"w": "x"}]))


def test_table_checks_its_name_and_column_keys() -> None:
    with pytest.raises(ValueError, match="slug"):
        make_table(name="Revenue by month")
    with pytest.raises(ValueError, match="duplicate"):
        make_table(columns=(Column(key="a", label="A"), Column(key="a", label="B")))


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_table_csv_exact_bytes() -> None:
    assert table_csv(table=make_table()) == (
        b"month,client,invoices,revenue,hours,fill,paid_on\r\n"
        b'2026-01,"Acme, B.V.",3,1234.50,37.50,0.8123,2026-02-14\r\n'
        b"2026-02,'=SUM(A1),0,0.10,0.00,1.0000,\r\n"
        b"2026-03,,,-12.00,,,\r\n"
    )


def test_csv_guards_text_against_formula_injection_only() -> None:
    table = one_column(ColumnKind.TEXT, "=1+1", "+31 20", "-x", "@cmd", "\tx", "\rx", "a=b", "'quoted", "", None)
    assert table_csv(table=table).decode().split("\r\n") == [
        "v",
        "'=1+1",
        "'+31 20",
        "'-x",
        "'@cmd",
        "'\tx",
        '"\'\rx"',  # quoted by the csv module because of the CR
        "a=b",
        "'quoted",
        '""',  # the csv module quotes a lone empty string (a row of one field), None too
        '""',
        "",
    ]
    # numbers are never text: a negative amount stays a number
    assert table_csv(table=one_column(ColumnKind.MONEY, Decimal("-5"))) == b"v\r\n-5.00\r\n"


def test_csv_is_utf8_without_bom() -> None:
    data = table_csv(table=one_column(ColumnKind.TEXT, "Zoë €"))
    assert data == "v\r\nZoë €\r\n".encode()
    assert not data.startswith(b"\xef\xbb\xbf")


# --- XLSX ---------------------------------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_table_xlsx_header_types_and_formats() -> None:
    workbook = read_xlsx(table_xlsx(table=make_table()))
    assert workbook.sheetnames == ["Revenue by month"]
    sheet = workbook.active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 4

    header = sheet[1]
    assert [cell.value for cell in header] == [column.label for column in COLUMNS]
    assert all(cell.font.b for cell in header)

    month, client, invoices, revenue, hours, fill, paid_on = sheet[2]
    assert (month.value, month.data_type) == ("2026-01", "s")
    assert (client.value, client.data_type) == ("Acme, B.V.", "s")
    assert invoices.value == 3
    assert isinstance(invoices.value, int)
    assert (revenue.value, revenue.data_type, revenue.number_format) == (1234.5, "n", "#,##0.00")
    assert (hours.value, hours.number_format) == (37.5, "#,##0.00")
    assert (fill.value, fill.number_format) == (0.8123, "0.0%")
    assert paid_on.is_date
    assert paid_on.value == datetime.datetime(2026, 2, 14)  # openpyxl reads dates back as datetimes
    assert paid_on.number_format == "yyyy-mm-dd"

    month, client, invoices, revenue, hours, fill, paid_on = sheet[3]
    assert month.value == "2026-02"
    assert (client.value, client.data_type) == ("=SUM(A1)", "s")  # a string, not a formula
    assert invoices.value == 0
    assert Decimal(str(revenue.value)) == Decimal("0.10")  # exact cents survive
    assert hours.value == 0
    assert fill.value == 1
    assert paid_on.value is None

    row = sheet[4]
    assert [cell.value for cell in row] == ["2026-03", None, None, -12, None, None, None]


def test_xlsx_text_that_looks_like_a_formula_or_an_error_is_stored_as_a_string() -> None:
    texts = ("=SUM(A1)", "=1+1", "#N/A", "#DIV/0!", "+1", "bell\x07")
    data = table_xlsx(table=one_column(ColumnKind.TEXT, *texts))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert 't="e"' not in sheet_xml
    sheet = read_xlsx(data).active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("=SUM(A1)", "s"),
        ("=1+1", "s"),
        ("#N/A", "s"),
        ("#DIV/0!", "s"),
        ("+1", "s"),
        ("bell", "s"),  # control characters Excel refuses are dropped
    ]


def test_xlsx_money_reads_back_exactly() -> None:
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("0.30"), Decimal("1234567.89"), Decimal("-0.01")]
    sheet = read_xlsx(table_xlsx(table=one_column(ColumnKind.MONEY, *amounts))).active
    assert sheet is not None
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert [Decimal(str(value)) for value in values] == amounts
    assert sum(Decimal(str(value)) for value in values[:3]) == Decimal("0.60")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Revenue per client per month, 2026-01 to 2026-06", "Revenue per client per month, 2"),
        ("Hours [approved]: week 1/2?", "Hours approved week 12"),
        ("'quoted'", "quoted"),
        ("[]:*?/\\", "revenue_by_month"),  # nothing left: the table's name
        ("History", "revenue_by_month"),  # reserved by Excel
    ],
)
def test_xlsx_sheet_title_follows_excel_rules(title: str, expected: str) -> None:
    workbook = read_xlsx(table_xlsx(table=make_table(title=title)))
    assert workbook.sheetnames == [expected]
    assert len(expected) <= 31


def test_xlsx_column_widths_and_an_empty_table() -> None:
    table = make_table(rows=[{**ROWS[0], "client": "A client with a rather long name"}])
    sheet = read_xlsx(table_xlsx(table=table)).active
    assert sheet is not None
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["B"] == len("A client with a rather long name") + 2
    assert widths["D"] == 14 + 2  # money
    wide = Table(
        name="t",
        title="T",
        columns=(
            Column(key="n", label="Number of approved timesheets", kind=ColumnKind.INTEGER),
            Column(key="t", label="T"),
        ),
        rows=[{"n": 1, "t": "x" * 200}],
    )
    sheet = read_xlsx(table_xlsx(table=wide)).active
    assert sheet is not None
    assert sheet.column_dimensions["A"].width == len("Number of approved timesheets") + 2  # the label is wider
    assert sheet.column_dimensions["B"].width == 60  # long text is capped

    empty = read_xlsx(table_xlsx(table=make_table(rows=[]))).active
    assert empty is not None
    assert [[cell.value for cell in row] for row in empty.iter_rows()] == [[column.label for column in COLUMNS]]


def test_xlsx_has_a_fixed_creation_time() -> None:
    workbook = read_xlsx(table_xlsx(table=make_table()))
    assert workbook.properties.created == datetime.datetime(2026, 1, 1)


# --- file names ---------------------------------------------------------------------------------------------------


def test_table_response_filename() -> None:
    table = make_table()
    assert table_response_filename(table=table, fmt="xlsx", suffix="2026-01_2026-06") == (
        "revenue_by_month_2026-01_2026-06.xlsx"
    )
    assert table_response_filename(table=table, fmt="csv", suffix="") == "revenue_by_month.csv"
    assert table_response_filename(table=table, fmt="csv", suffix='2026 "Q1"/x') == "revenue_by_month_2026-Q1-x.csv"
    with pytest.raises(ValueError, match="Unknown table format"):
        table_response_filename(table=table, fmt="pdf", suffix="")
