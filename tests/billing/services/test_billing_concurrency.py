"""At the same moment, on PostgreSQL: finalisations take the next numbers without gaps or duplicates,
and concurrent invoice runs bill every hour once."""

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections

from billing.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceRun
from billing.services.invoices import invoice_create, invoice_finalize, invoice_line_add
from billing.services.runs import invoice_run_start
from secondments.models import Timesheet, TimesheetStatus
from tests.billing.conftest import approved_sheet
from tests.conftest import World
from tests.factories import ClientFactory, PlacementFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


N = 8


def test_n_threads_finalising_at_once_get_exactly_the_next_n_numbers(world: World) -> None:
    drafts = []
    for _ in range(N):
        draft = invoice_create(client=world.client, actor=world.finance)
        invoice_line_add(
            invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(1)
        )
        drafts.append(draft)
    invoice_finalize(invoice=invoice_line_add(
        invoice=invoice_create(client=world.client, actor=world.finance),
        actor=world.finance, description="First", quantity=Decimal(1), unit_price=Decimal(1),
    ).invoice, actor=world.finance, email=False)  # fmt: skip

    results = at_once(N, lambda i: invoice_finalize(invoice=drafts[i], actor=world.finance, email=False).number)

    assert all(isinstance(r, str) for r in results), results
    assert sorted(results) == [f"2026-{n:05d}" for n in range(2, N + 2)]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, N + 2))
    assert InvoiceCounter.objects.get(series="invoice", year=2026).last_number == N + 1


def test_the_first_number_of_a_year_is_taken_once_when_threads_race_to_make_the_counter(world: World) -> None:
    drafts = []
    for _ in range(4):
        draft = invoice_create(client=world.client, actor=world.finance)
        invoice_line_add(
            invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(1)
        )
        drafts.append(draft)

    results = at_once(4, lambda i: invoice_finalize(invoice=drafts[i], actor=world.finance, email=False).number)

    assert sorted(results) == ["2026-00001", "2026-00002", "2026-00003", "2026-00004"]
    assert InvoiceCounter.objects.count() == 1


def test_concurrent_runs_bill_every_hour_once(world: World) -> None:
    sheets = [approved_sheet(world.placement, {datetime.date(2026, 5, 4): "4.00"}, world.approver)]
    for n in range(5):
        client = ClientFactory(approvers=[world.approver])
        placement = PlacementFactory(secretary=world.secretary, client=client, created_by=world.manager)
        sheets.append(approved_sheet(placement, {datetime.date(2026, 5, 5 + n % 3): "1.00"}, world.approver))

    results = at_once(3, lambda i: invoice_run_start(actor=world.finance, year=2026, month=5).timesheet_count)

    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == [0, 0, 6]
    assert InvoiceRun.objects.count() == 3
    billed = list(InvoiceLine.objects.values_list("timesheet_id", flat=True))
    assert sorted(billed) == sorted(s.pk for s in sheets)  # each sheet on exactly one line
    assert set(Timesheet.objects.values_list("status", flat=True)) == {TimesheetStatus.INVOICED}
    assert Invoice.objects.count() == 6
