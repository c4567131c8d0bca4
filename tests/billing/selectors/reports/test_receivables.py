"""Receivables by age and DSO (billing/selectors/reports/receivables.py), read on ``as_of`` = the period's
last day, or today (Monday 2026-06-15) while the period runs.

``ledger`` (Acme pays in 30 days; every invoice 100.00 + 21 % = 121.00 unless said otherwise):

==========  ===========  ==========  =======================================================
document    issued       due         afterwards
==========  ===========  ==========  =======================================================
old         2025-12-01   2025-12-31  unpaid (issued before the period)
settled     2026-01-05   2026-02-04  paid in full on 1 Feb
march       2026-03-02   2026-04-01  unpaid
april       2026-04-01   2026-05-01  200.00 + VAT = 242.00, unpaid
may         2026-05-04   2026-06-03  50.00 paid, dated 1 June
statement   2026-05-15   2026-06-14  an internal statement of 300.00, unsettled
june        2026-06-10   2026-07-10  credited 20.00 + VAT = 24.20 on 12 June
draft       -            -           never finalised
==========  ===========  ==========  =======================================================
"""

import datetime
from decimal import Decimal
from typing import cast

import pytest

from backend.core.tables import Table
from billing.models import Invoice
from billing.selectors.reports.context import ReportContext, report_scope
from billing.selectors.reports.receivables import (
    days_sales_outstanding,
    receivables_aging,
    receivables_outstanding,
)
from billing.services.invoices import CreditRequest, credit_note_create, invoice_create, invoice_line_add
from billing.services.payments import (
    internal_statements_settle,
    payment_record,
    payment_reverse,
    refund_record,
)
from secondments.models import Client
from tests.billing.conftest import finalised, issued_on
from tests.conftest import TODAY, World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Z = Decimal("0.00")


def context(world: World, *, start: tuple[int, int] = (2026, 1), end: tuple[int, int] = (2026, 6)) -> ReportContext:
    return ReportContext(report_scope(start=start, end=end, today=TODAY))


def aging(table: Table) -> list[tuple[str, int, Decimal]]:
    return [(cast(str, r["bucket"]), cast(int, r["invoices"]), cast(Decimal, r["amount"])) for r in table.rows]


def issue(world: World, day: datetime.date, amount: str = "100.00", client: Client | None = None) -> Invoice:
    with issued_on(day):
        return finalised(world, client=client, amount=amount)


def pay(world: World, invoice: Invoice, amount: str, day: datetime.date) -> None:
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal(amount), date=day, reference="")


@pytest.fixture
def ledger(world: World) -> dict[str, Invoice]:
    docs = {
        "old": issue(world, D(2025, 12, 1)),
        "settled": issue(world, D(2026, 1, 5)),
        "march": issue(world, D(2026, 3, 2)),
        "april": issue(world, D(2026, 4, 1), "200.00"),
        "may": issue(world, D(2026, 5, 4)),
        "statement": issue(world, D(2026, 5, 15), "300.00", cast(Client, ClientFactory(internal=True))),
        "june": issue(world, D(2026, 6, 10)),
    }
    with issued_on(D(2026, 2, 1)):
        pay(world, docs["settled"], "121.00", D(2026, 2, 1))
    pay(world, docs["may"], "50.00", D(2026, 6, 1))
    with issued_on(D(2026, 6, 12)):
        credit_note_create(
            invoice=docs["june"],
            actor=world.finance,
            reason="Discount",
            lines=[CreditRequest(line=docs["june"].lines.get(), quantity=Decimal("0.20"))],
            email=False,
        )
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal("999.00")
    )
    return docs


@pytest.mark.usefixtures("ledger")
def test_aging_on_today_while_the_period_runs(world: World) -> None:
    table = receivables_aging(context=context(world))

    assert aging(table) == [
        ("Not due", 1, Decimal("96.80")),  # june: 121.00 - 24.20
        ("1-30 days", 2, Decimal("371.00")),  # may 12 days (71.00), statement 1 day (300.00)
        ("31-60 days", 1, Decimal("242.00")),  # april, 45 days
        ("61-90 days", 1, Decimal("121.00")),  # march, 75 days
        ("Over 90 days", 1, Decimal("121.00")),  # old, 166 days
    ]


def test_aging_on_a_closed_period_s_last_day_ignores_what_came_later(world: World, ledger: dict[str, Invoice]) -> None:
    table = receivables_aging(context=context(world, end=(2026, 5)))

    assert aging(table) == [
        ("Not due", 2, Decimal("421.00")),  # may (the payment of 1 June is later), statement
        ("1-30 days", 1, Decimal("242.00")),  # april, 30 days
        ("31-60 days", 1, Decimal("121.00")),  # march, 60 days
        ("61-90 days", 0, Z),
        ("Over 90 days", 1, Decimal("121.00")),  # old, 151 days; june is not issued yet
    ]
    assert sorted(pk for pk, _, _ in receivables_outstanding(context=context(world, end=(2026, 5)))) == sorted(
        ledger[k].pk for k in ("old", "march", "april", "may", "statement")
    )


def test_the_bucket_edges(world: World) -> None:
    due_on = {days: issue(world, TODAY - datetime.timedelta(days=30 + days)) for days in (0, 1, 30, 31, 60, 61, 90, 91)}
    assert {days: inv.due_date for days, inv in due_on.items()} == {
        days: TODAY - datetime.timedelta(days=days) for days in due_on
    }

    outstanding = {pk: days for pk, days, _ in receivables_outstanding(context=context(world))}

    assert {days: outstanding[inv.pk] for days, inv in due_on.items()} == {d: d for d in due_on}
    assert aging(receivables_aging(context=context(world))) == [
        ("Not due", 1, Decimal("121.00")),  # due today
        ("1-30 days", 2, Decimal("242.00")),
        ("31-60 days", 2, Decimal("242.00")),
        ("61-90 days", 2, Decimal("242.00")),
        ("Over 90 days", 1, Decimal("121.00")),
    ]


@pytest.mark.usefixtures("ledger")
def test_dso_is_outstanding_over_billed_times_the_days(world: World) -> None:
    now = context(world)
    may = context(world, end=(2026, 5))

    # 951.80 outstanding; billed 1 Jan - 15 Jun: 121 + 121 + 242 + 121 + 300 + 121 - 24.20 = 1001.80; 166 days
    assert days_sales_outstanding(context=now, outstanding=Decimal("951.80")) == Decimal("157.7")
    # 905.00 of 905.00 billed 1 Jan - 31 May: every day of the period
    assert days_sales_outstanding(context=may, outstanding=Decimal("905.00")) == Decimal("151.0")


def test_payments_refunds_reversals_and_settlements_dated_by_as_of(world: World) -> None:
    refunded = issue(world, D(2026, 3, 2))
    pay(world, refunded, "121.00", D(2026, 3, 20))
    refund_record(invoice=refunded, actor=world.finance, amount=Decimal("21.00"), date=D(2026, 6, 5), reference="")
    reversed_ = issue(world, D(2026, 3, 2))
    pay(world, reversed_, "121.00", D(2026, 3, 20))
    [row] = reversed_.payments.all()
    payment_reverse(payment=row, actor=world.finance, reason="Bounced")  # dated today
    statement = issue(world, D(2026, 3, 2), "80.00", cast(Client, ClientFactory(internal=True)))
    internal_statements_settle(invoices=[statement], actor=world.finance, date=D(2026, 4, 30))

    def owed(end: tuple[int, int]) -> dict[int, Decimal]:
        return {pk: amount for pk, _, amount in receivables_outstanding(context=context(world, end=end))}

    assert owed((2026, 3)) == {statement.pk: Decimal("80.00")}
    assert owed((2026, 5)) == {}
    assert owed((2026, 6)) == {refunded.pk: Decimal("21.00"), reversed_.pk: Decimal("121.00")}


def test_a_credit_note_in_full_leaves_nothing_outstanding(world: World) -> None:
    invoice = issue(world, D(2026, 3, 2))
    with issued_on(D(2026, 4, 10)):
        credit_note_create(invoice=invoice, actor=world.finance, reason="Cancelled", email=False)

    assert aging(receivables_aging(context=context(world, end=(2026, 3))))[2] == ("31-60 days", 0, Z)
    assert aging(receivables_aging(context=context(world, end=(2026, 3))))[0] == ("Not due", 1, Decimal("121.00"))
    assert receivables_outstanding(context=context(world)) == []


def test_nothing_issued_nothing_outstanding_and_no_dso(world: World) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal("10.00")
    )
    ctx = context(world)

    assert aging(receivables_aging(context=ctx)) == [
        ("Not due", 0, Z),
        ("1-30 days", 0, Z),
        ("31-60 days", 0, Z),
        ("61-90 days", 0, Z),
        ("Over 90 days", 0, Z),
    ]
    assert days_sales_outstanding(context=ctx, outstanding=Z) is None
