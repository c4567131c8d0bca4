"""Revenue (billing/selectors/reports/revenue.py): what was invoiced, by the invoice's issue month.

The clock is pinned to Monday 2026-06-15. ``books`` issues, through the services:

- 2026-02-10  a manual invoice to Globex (standard VAT), 480.00 at 9 %          other income
- 2026-03-10  a manual invoice to Acme, 100.00 at 21 %                          other income
- 2026-05-04  the April run: Acme 5 h x 55 = 275.00 (VAT invoice),
              Afdeling Facilitair 10 h x 45 = 450.00 (internal statement)
- 2026-05-20  a manual internal statement to Afdeling Facilitair, 30.00         other income
- 2026-05-20  a credit note for 2 of Acme's April hours: -110.00
- 2026-06-01  the May run for Acme: 20 h x 55 = 1,100.00
and leaves Globex's March hours (3 h, 165.00) on a draft invoice and its May hours
(4 h, 220.00) approved: earned, not yet invoiced. Acme and Sanne are the Front office's,
Globex, Afdeling Facilitair and Bram the Back office's.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
import time_machine

from backend.core.tables import Table
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from billing.selectors.reports.context import ReportContext, report_scope
from billing.selectors.reports.revenue import (
    REVENUE_BY_MONTH_COLUMNS,
    revenue_by_client,
    revenue_by_month,
    revenue_by_pool,
    revenue_by_secretary,
)
from billing.services.invoices import CreditRequest, credit_note_create, invoice_create, invoice_line_add
from billing.services.runs import invoice_run_start
from secondments.models import ApprovalPeriod, Client, Placement, Timesheet
from secondments.services.timesheets import Cell, week_grid_save
from tests.billing.conftest import APRIL, MAY, approved_sheet, finalised, issued_on
from tests.conftest import TODAY, World
from tests.factories import ClientFactory, PlacementFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Z = Decimal("0.00")


def context(
    world: World,
    *,
    start: tuple[int, int] | None = (2026, 1),
    end: tuple[int, int] = (2026, 6),
    pools: list[Any] | None = None,
    with_costs: bool = False,
) -> ReportContext:
    pool_ids = None if pools is None else frozenset(p.pk for p in pools)
    scope = report_scope(start=start, end=end, today=TODAY, pool_ids=pool_ids, with_costs=with_costs)
    return ReportContext(scope)


def month_row(month: datetime.date, **values: str) -> dict[str, object]:
    """A revenue_by_month row: zero everywhere but ``values``."""
    row: dict[str, object] = {c.key: Z for c in REVENUE_BY_MONTH_COLUMNS} | {"month": month}
    return row | {key: Decimal(value) for key, value in values.items()}


def rows(table: Table) -> list[dict[str, object]]:
    keys = [c.key for c in table.columns]
    return [{k: row[k] for k in keys} for row in table.rows]


def run(world: World, month: tuple[int, int], on: datetime.date, client: Client | None = None) -> list[Invoice]:
    """The run for ``month`` finalised on ``on``: its invoices."""
    with issued_on(on):
        made = invoice_run_start(
            actor=world.finance, year=month[0], month=month[1], client=client, finalize=True, email=False
        )
    return list(made.invoices.order_by("pk"))


def manual(world: World, client: Client, amount: str, vat_rate: str | None, on: datetime.date) -> Invoice:
    with issued_on(on):
        return finalised(world, client=client, amount=amount, vat_rate=vat_rate)


@dataclass
class Books:
    department: Client
    dept_placement: Placement
    acme_april: Invoice
    statement: Invoice
    acme_may: Invoice
    credit_note: Invoice


def department_of(world: World) -> Client:
    return cast(
        Client, ClientFactory(internal=True, legal_name="Afdeling Facilitair", approvers=[world.other_approver])
    )


@pytest.fixture
def books(world: World) -> Books:
    world.other_secretary.user.full_name = "Bram Backoffice"
    world.other_secretary.user.save()
    department = department_of(world)
    dept = cast(Placement, PlacementFactory(secretary=world.other_secretary, client=department, rate=Decimal("45.00")))

    manual(world, world.other_client, "480.00", "9.00", D(2026, 2, 10))
    manual(world, world.client, "100.00", None, D(2026, 3, 10))

    approved_sheet(world.placement, APRIL, world.approver)
    approved_sheet(dept, {D(2026, 4, 13): "5.00", D(2026, 4, 14): "5.00"}, world.other_approver)
    statement, acme_april = sorted(run(world, (2026, 4), D(2026, 5, 4)), key=lambda i: i.kind)
    assert (acme_april.kind, statement.kind) == (InvoiceKind.INVOICE, InvoiceKind.INTERNAL)

    manual(world, department, "30.00", None, D(2026, 5, 20))
    [hours_line] = acme_april.lines.all()
    with issued_on(D(2026, 5, 20)):
        note = credit_note_create(
            invoice=acme_april,
            actor=world.finance,
            reason="Two hours too many",
            lines=[CreditRequest(line=hours_line, quantity=Decimal("2.00"))],
            email=False,
        )

    approved_sheet(world.placement, MAY, world.approver)
    [acme_may] = run(world, (2026, 5), D(2026, 6, 1), client=world.client)

    # Globex: March on a draft invoice, May approved; Acme's June sheet is still open.
    approved_sheet(world.other_placement, {D(2026, 3, 2): "1.50", D(2026, 3, 3): "1.50"}, world.other_approver)
    invoice_run_start(actor=world.finance, year=2026, month=3, client=world.other_client, email=False)
    approved_sheet(world.other_placement, {D(2026, 5, 11): "4.00"}, world.other_approver)
    week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[Cell(placement=world.placement, date=D(2026, 6, 1), hours=Decimal("2.00"))],
    )
    return Books(department, dept, acme_april, statement, acme_may, note)


# --- revenue by month ---------------------------------------------------------------------------------------------


def test_each_document_lands_in_its_issue_month_in_its_column(world: World, books: Books) -> None:
    table = revenue_by_month(context=context(world))

    assert rows(table) == [
        month_row(D(2026, 1, 1)),
        month_row(D(2026, 2, 1), other="480.00", revenue="480.00"),
        month_row(
            D(2026, 3, 1), other="100.00", revenue="100.00", earned_not_invoiced="165.00", earned_not_invoiced_hours="3"
        ),
        month_row(D(2026, 4, 1)),
        month_row(
            D(2026, 5, 1),
            tenants="275.00",
            internal="450.00",
            other="30.00",
            credit_notes="-110.00",
            revenue="645.00",
            hours_billed="13.00",
            earned_not_invoiced="220.00",
            earned_not_invoiced_hours="4.00",
        ),
        month_row(D(2026, 6, 1), tenants="1100.00", revenue="1100.00", hours_billed="20.00"),
    ]
    assert (table.name, [c.key for c in table.columns][:6]) == (
        "revenue_by_month",
        ["month", "tenants", "internal", "other", "credit_notes", "revenue"],
    )


def test_a_month_s_revenue_is_the_net_total_of_what_was_issued_in_it(world: World, books: Books) -> None:
    table = revenue_by_month(context=context(world))

    for row in table.rows:
        month = cast(datetime.date, row["month"])
        issued = Invoice.objects.filter(
            status=InvoiceStatus.FINALISED, issue_date__year=month.year, issue_date__month=month.month
        )
        assert row["revenue"] == sum((i.net_total for i in issued), Z), month
        assert row["revenue"] == sum(cast(Decimal, row[k]) for k in ("tenants", "internal", "other", "credit_notes"))


def test_a_pool_sees_only_its_secretaries_hours_and_no_manual_lines(world: World, books: Books) -> None:
    front = revenue_by_month(context=context(world, pools=[world.pool]))
    back = revenue_by_month(context=context(world, pools=[world.other_pool]))

    assert rows(front) == [
        month_row(D(2026, 1, 1)),
        month_row(D(2026, 2, 1)),
        month_row(D(2026, 3, 1)),
        month_row(D(2026, 4, 1)),
        month_row(D(2026, 5, 1), tenants="275.00", credit_notes="-110.00", revenue="165.00", hours_billed="3.00"),
        month_row(D(2026, 6, 1), tenants="1100.00", revenue="1100.00", hours_billed="20.00"),
    ]
    assert rows(back) == [
        month_row(D(2026, 1, 1)),
        month_row(D(2026, 2, 1)),
        month_row(D(2026, 3, 1), earned_not_invoiced="165.00", earned_not_invoiced_hours="3.00"),
        month_row(D(2026, 4, 1)),
        month_row(
            D(2026, 5, 1),
            internal="450.00",
            revenue="450.00",
            hours_billed="10.00",
            earned_not_invoiced="220.00",
            earned_not_invoiced_hours="4.00",
        ),
        month_row(D(2026, 6, 1)),
    ]


def test_the_period_bounds_the_months_and_what_lands_in_them(world: World, books: Books) -> None:
    table = revenue_by_month(context=context(world, start=(2026, 4), end=(2026, 5)))

    assert [(r["month"], r["revenue"], r["earned_not_invoiced"]) for r in table.rows] == [
        (D(2026, 4, 1), Z, Z),
        (D(2026, 5, 1), Decimal("645.00"), Decimal("220.00")),
    ]


def test_without_a_start_the_report_shows_the_twelve_months_up_to_the_end(world: World, books: Books) -> None:
    table = revenue_by_month(context=context(world, start=None, end=(2026, 6)))

    assert [r["month"] for r in table.rows] == [D(2025, m, 1) for m in range(7, 13)] + [
        D(2026, m, 1) for m in range(1, 7)
    ]
    assert sum(cast(Decimal, r["revenue"]) for r in table.rows) == Decimal("2325.00")


def test_nothing_issued_gives_a_zero_row_for_every_month(world: World) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal("500.00")
    )
    ctx = context(world)

    assert rows(revenue_by_month(context=ctx)) == [month_row(D(2026, m, 1)) for m in range(1, 7)]
    assert (rows(revenue_by_client(context=ctx)), rows(revenue_by_secretary(context=ctx))) == ([], [])
    assert rows(revenue_by_pool(context=ctx)) == [
        {"pool_id": p.pk, "pool": p.name, "hours": Z, "invoiced": Z, "credited": Z, "revenue": Z}
        for p in (world.other_pool, world.pool)  # by name: Back office, Front office
    ]


def test_a_draft_invoice_is_never_revenue_only_earned(world: World) -> None:
    approved_sheet(world.placement, MAY, world.approver)
    invoice_run_start(actor=world.finance, year=2026, month=5, email=False)  # a draft
    assert Invoice.objects.get().status == InvoiceStatus.DRAFT

    [may] = [r for r in revenue_by_month(context=context(world)).rows if r["month"] == D(2026, 5, 1)]

    assert may == month_row(D(2026, 5, 1), earned_not_invoiced="1100.00", earned_not_invoiced_hours="20.00")


def test_earned_moves_to_revenue_in_the_month_the_invoice_is_issued(world: World) -> None:
    approved_sheet(world.placement, APRIL, world.approver)
    before = revenue_by_month(context=context(world, start=(2026, 4), end=(2026, 5)))
    run(world, (2026, 4), D(2026, 5, 29))
    after = revenue_by_month(context=context(world, start=(2026, 4), end=(2026, 5)))

    assert rows(before) == [
        month_row(D(2026, 4, 1), earned_not_invoiced="275.00", earned_not_invoiced_hours="5.00"),
        month_row(D(2026, 5, 1)),
    ]
    assert rows(after) == [
        month_row(D(2026, 4, 1)),
        month_row(D(2026, 5, 1), tenants="275.00", revenue="275.00", hours_billed="5.00"),
    ]


def test_a_month_boundary_is_the_issue_date_in_amsterdam(world: World) -> None:
    manual(world, world.client, "10.00", None, D(2026, 3, 31))
    manual(world, world.client, "20.00", None, D(2026, 4, 1))
    with time_machine.travel(datetime.datetime(2026, 4, 30, 22, 30, tzinfo=datetime.UTC), tick=False):
        finalised(world, amount="40.00")  # 00:30 on 1 May in Amsterdam

    table = revenue_by_month(context=context(world, start=(2026, 3), end=(2026, 5)))

    assert [(r["month"], r["other"]) for r in table.rows] == [
        (D(2026, 3, 1), Decimal("10.00")),
        (D(2026, 4, 1), Decimal("20.00")),
        (D(2026, 5, 1), Decimal("40.00")),
    ]


def test_a_weekly_sheet_belongs_to_the_month_its_period_starts_in(world: World) -> None:
    weekly = cast(Client, ClientFactory(approval_period=ApprovalPeriod.WEEKLY, approvers=[world.approver]))
    p = PlacementFactory(secretary=world.secretary, client=weekly, rate=Decimal("50.00"))
    sheet = approved_sheet(p, {D(2026, 3, 31): "2.00", D(2026, 4, 2): "3.00"}, world.approver)  # Mon 30 Mar - 5 Apr
    assert (sheet.period_start, sheet.period_end) == (D(2026, 3, 30), D(2026, 4, 5))

    table = revenue_by_month(context=context(world, start=(2026, 3), end=(2026, 4)))

    assert rows(table) == [
        month_row(D(2026, 3, 1), earned_not_invoiced="250.00", earned_not_invoiced_hours="5.00"),
        month_row(D(2026, 4, 1)),
    ]


def test_sheets_not_approved_and_invoiced_sheets_are_not_earned(world: World, books: Books) -> None:
    june = Timesheet.objects.get(placement=world.placement, period_start=D(2026, 6, 1))
    assert (june.status, june.amount_total) == ("open", Decimal("110.00"))

    [row] = [r for r in revenue_by_month(context=context(world)).rows if r["month"] == D(2026, 6, 1)]

    assert (row["earned_not_invoiced"], row["earned_not_invoiced_hours"]) == (Z, Z)


# --- by client, secretary and pool ------------------------------------------------------------------------------------


def split(hours: str, invoiced: str, credited: str, revenue: str) -> dict[str, Decimal]:
    return {
        "hours": Decimal(hours),
        "invoiced": Decimal(invoiced),
        "credited": Decimal(credited),
        "revenue": Decimal(revenue),
    }


def test_revenue_by_client_highest_first_then_by_name(world: World, books: Books) -> None:
    table = revenue_by_client(context=context(world))

    acme, globex, dept = world.client, world.other_client, books.department
    assert rows(table) == [
        {"client_id": acme.pk, "client": "Acme B.V.", "client_kind": "tenant"}
        | split("23.00", "1475.00", "-110.00", "1365.00"),
        # 480.00 each: by name
        {"client_id": dept.pk, "client": "Afdeling Facilitair", "client_kind": "internal"}
        | split("10.00", "480.00", "0", "480.00"),
        {"client_id": globex.pk, "client": "Globex B.V.", "client_kind": "tenant"}
        | split("0", "480.00", "0", "480.00"),
    ]


def test_revenue_by_client_of_a_pool_counts_its_hours_lines_only(world: World, books: Books) -> None:
    table = revenue_by_client(context=context(world, pools=[world.pool]))

    assert rows(table) == [
        {"client_id": world.client.pk, "client": "Acme B.V.", "client_kind": "tenant"}
        | split("23.00", "1375.00", "-110.00", "1265.00"),
    ]


def test_revenue_by_secretary_counts_hours_lines_only(world: World, books: Books) -> None:
    table = revenue_by_secretary(context=context(world))

    assert rows(table) == [
        {"secretary_id": world.secretary.pk, "secretary": "Sanne Secretaris", "pool": "Front office"}
        | split("23.00", "1375.00", "-110.00", "1265.00"),
        {"secretary_id": world.other_secretary.pk, "secretary": "Bram Backoffice", "pool": "Back office"}
        | split("10.00", "450.00", "0", "450.00"),
    ]
    assert rows(revenue_by_secretary(context=context(world, pools=[world.other_pool]))) == rows(table)[1:]


def test_revenue_by_secretary_with_equal_revenue_is_by_name(world: World) -> None:
    world.other_secretary.user.full_name = "Anna Achterkamer"
    world.other_secretary.user.save()
    world.other_placement.client = world.client
    world.other_placement.save()
    approved_sheet(world.placement, {D(2026, 5, 4): "2.00"}, world.approver)
    approved_sheet(world.other_placement, {D(2026, 5, 4): "2.00"}, world.approver)
    run(world, (2026, 5), D(2026, 6, 1))

    table = revenue_by_secretary(context=context(world))

    assert [(r["secretary"], r["revenue"]) for r in table.rows] == [
        ("Anna Achterkamer", Decimal("110.00")),
        ("Sanne Secretaris", Decimal("110.00")),
    ]


def test_revenue_by_pool_is_every_pool_by_name(world: World, books: Books) -> None:
    table = revenue_by_pool(context=context(world))

    assert rows(table) == [
        {"pool_id": world.other_pool.pk, "pool": "Back office"} | split("10.00", "450.00", "0", "450.00"),
        {"pool_id": world.pool.pk, "pool": "Front office"} | split("23.00", "1375.00", "-110.00", "1265.00"),
    ]
    assert rows(revenue_by_pool(context=context(world, pools=[world.pool]))) == rows(table)[1:]


def test_the_hours_tables_add_up_to_the_months_less_the_manual_lines(world: World, books: Books) -> None:
    ctx = context(world)
    months = sum((cast(Decimal, r["revenue"]) for r in revenue_by_month(context=ctx).rows), Z)
    manual_lines = sum(
        InvoiceLine.objects.filter(invoice__status=InvoiceStatus.FINALISED, kind="manual").values_list(
            "amount", flat=True
        ),
        Z,
    )

    assert (months, manual_lines) == (Decimal("2325.00"), Decimal("610.00"))
    assert sum((cast(Decimal, r["revenue"]) for r in revenue_by_client(context=ctx).rows), Z) == months
    for table in (revenue_by_secretary(context=ctx), revenue_by_pool(context=ctx)):
        assert sum((cast(Decimal, r["revenue"]) for r in table.rows), Z) == months - manual_lines


def test_what_was_invoiced_stays_with_the_pool_the_secretary_was_in(world: World, books: Books) -> None:
    """History is not rewritten: a move to another pool takes no revenue along (RevenueFact.pool)."""
    world.other_secretary.pool = world.pool
    world.other_secretary.save()

    table = revenue_by_pool(context=context(world))

    assert [(r["pool"], r["hours"], r["revenue"]) for r in table.rows] == [
        ("Back office", Decimal("10.00"), Decimal("450.00")),
        ("Front office", Decimal("23.00"), Decimal("1265.00")),
    ]
