"""The monthly run (billing/services/runs.py: invoice_run_start)."""

import datetime
from decimal import Decimal

import pytest

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceRun, InvoiceStatus
from billing.services.runs import invoice_run_start
from secondments.models import ClientKind, Timesheet, TimesheetStatus, VatTreatment
from secondments.services.placements import placement_change_rate
from tests.billing.conftest import APRIL, MAY, approved_sheet
from tests.conftest import World
from tests.factories import ClientFactory, PlacementFactory

D = datetime.date


def lines_of(invoice: Invoice) -> list[tuple[object, ...]]:
    return list(
        invoice.lines.order_by("position").values_list(
            "position",
            "kind",
            "description",
            "period_start",
            "period_end",
            "quantity",
            "unit_price",
            "amount",
            "vat_rate",
        )
    )


def hours(
    position: int, name: str, start: datetime.date, end: datetime.date, quantity: str, rate: str, amount: str
) -> tuple[object, ...]:
    """An hours line as ``lines_of`` reads it, at 21 % VAT."""
    return (position, "hours", name, start, end, Decimal(quantity), Decimal(rate), Decimal(amount), Decimal("21.00"))


def test_approved_hours_up_to_the_month_become_one_draft_per_client(world: World) -> None:
    april = approved_sheet(world.placement, APRIL, world.approver)
    may = approved_sheet(world.placement, MAY, world.approver)
    other = approved_sheet(world.other_placement, {D(2026, 5, 11): "3.25"}, world.other_approver)

    run = invoice_run_start(actor=world.finance, year=2026, month=5)

    assert (run.period_start, run.period_end, run.invoice_count, run.line_count, run.timesheet_count) == (
        D(2026, 5, 1),
        D(2026, 5, 31),
        2,
        3,
        3,
    )
    mine = Invoice.objects.get(client=world.client)
    assert (mine.kind, mine.status, mine.number, mine.run_id) == (InvoiceKind.INVOICE, InvoiceStatus.DRAFT, "", run.pk)
    assert (mine.period_start, mine.period_end, mine.vat_treatment, mine.language) == (
        D(2026, 5, 1),
        D(2026, 5, 31),
        VatTreatment.STANDARD,
        "nl",
    )
    name = world.secretary.user.full_name
    assert lines_of(mine) == [
        hours(1, name, D(2026, 4, 1), D(2026, 4, 30), "5.00", "55.00", "275.00"),
        hours(2, name, D(2026, 5, 1), D(2026, 5, 31), "20.00", "55.00", "1100.00"),
    ]  # fmt: skip
    assert (mine.net_total, mine.vat_total, mine.total) == (Decimal("1375.00"), Decimal("288.75"), Decimal("1663.75"))
    assert mine.vat_breakdown == [{"rate": "21.00", "net": "1375.00", "vat": "288.75"}]
    theirs = Invoice.objects.get(client=world.other_client)
    assert (theirs.vat_total, theirs.total) == (Decimal("37.54"), Decimal("216.29"))  # 3.25 x 55 = 178.75; VAT 37.5375
    assert set(Timesheet.objects.values_list("pk", "status")) == {
        (april.pk, TimesheetStatus.INVOICED),
        (may.pk, TimesheetStatus.INVOICED),
        (other.pk, TimesheetStatus.INVOICED),
    }


def test_a_sheet_ending_after_the_month_waits_for_its_month(world: World) -> None:
    june = approved_sheet(world.placement, {D(2026, 6, 1): "2.00"}, world.approver)  # June: a monthly sheet

    run = invoice_run_start(actor=world.finance, year=2026, month=5)

    assert (run.invoice_count, Invoice.objects.count()) == (0, 0)
    assert Timesheet.objects.get(pk=june.pk).status == TimesheetStatus.APPROVED


def test_a_second_run_bills_nothing_twice(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5)
    again = invoice_run_start(actor=world.finance, year=2026, month=5)

    assert (again.invoice_count, again.line_count, again.timesheet_count) == (0, 0, 0)
    assert InvoiceLine.objects.count() == 1


def test_later_hours_join_the_clients_draft_of_the_month(world: World) -> None:
    approved_sheet(world.placement, MAY, world.approver)
    first = invoice_run_start(actor=world.finance, year=2026, month=5)
    approved_sheet(world.placement, APRIL, world.approver)

    second = invoice_run_start(actor=world.finance, year=2026, month=5)

    invoice = Invoice.objects.get()
    assert (second.invoice_count, second.line_count, invoice.run_id) == (1, 1, second.pk)
    assert [line[0] for line in lines_of(invoice)] == [1, 2]
    assert invoice.total == Decimal("1663.75")
    assert first.invoices.count() == 0  # the draft is listed under the run that last added to it


def test_hours_at_two_rates_give_two_lines(world: World) -> None:
    placement_change_rate(
        placement=world.placement, actor=world.manager, valid_from=D(2026, 5, 7), hourly_rate=Decimal("60.00")
    )
    approved_sheet(world.placement, MAY, world.approver)  # 4 h a day, 4..8 May

    invoice_run_start(actor=world.finance, year=2026, month=5)

    name = world.secretary.user.full_name
    assert lines_of(Invoice.objects.get()) == [
        hours(1, name, D(2026, 5, 1), D(2026, 5, 6), "12.00", "55.00", "660.00"),
        hours(2, name, D(2026, 5, 7), D(2026, 5, 31), "8.00", "60.00", "480.00"),
    ]  # fmt: skip


def test_one_client_only(world: World, may_sheet: Timesheet) -> None:
    other = approved_sheet(world.other_placement, {D(2026, 5, 11): "3.25"}, world.other_approver)

    run = invoice_run_start(actor=world.finance, year=2026, month=5, client=world.other_client)

    assert run.client == world.other_client
    assert list(Invoice.objects.values_list("client_id", flat=True)) == [world.other_client.pk]
    assert Timesheet.objects.get(pk=may_sheet.pk).status == TimesheetStatus.APPROVED
    assert Timesheet.objects.get(pk=other.pk).status == TimesheetStatus.INVOICED


def test_an_internal_client_gets_a_recharge_statement_without_vat(world: World) -> None:
    department = ClientFactory(internal=True, approvers=[world.approver])
    placement = PlacementFactory(secretary=world.secretary, client=department, created_by=world.manager, rate="45.00")
    approved_sheet(placement, {D(2026, 5, 4): "3.00"}, world.approver)

    invoice_run_start(actor=world.finance, year=2026, month=5)

    statement = Invoice.objects.get()
    assert (statement.kind, statement.vat_treatment) == (InvoiceKind.INTERNAL, VatTreatment.NONE)
    assert department.kind == ClientKind.INTERNAL
    assert (statement.net_total, statement.vat_total, statement.total) == (
        Decimal("135.00"),
        Decimal("0.00"),
        Decimal("135.00"),
    )
    assert statement.vat_breakdown == [{"rate": "0.00", "net": "135.00", "vat": "0.00"}]


def test_reverse_charge_carries_no_vat(world: World) -> None:
    client = ClientFactory(country="DE", vat_number="DE136695976", vat_treatment=VatTreatment.REVERSE_CHARGE)
    client.approvers.set([world.approver])
    placement = PlacementFactory(secretary=world.secretary, client=client, created_by=world.manager)
    approved_sheet(placement, {D(2026, 5, 4): "2.00"}, world.approver)

    invoice_run_start(actor=world.finance, year=2026, month=5)

    invoice = Invoice.objects.get()
    assert (invoice.kind, invoice.vat_total, invoice.total) == (InvoiceKind.INVOICE, Decimal("0.00"), Decimal("110.00"))


def test_a_month_not_begun_is_refused_and_nothing_is_written(world: World, may_sheet: Timesheet) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        invoice_run_start(actor=world.finance, year=2026, month=7)  # today is 2026-06-15

    assert refused.value.message == "That month has not begun yet."
    assert refused.value.fields == {"period": ["Choose this month or an earlier one."]}
    assert (InvoiceRun.objects.count(), Invoice.objects.count(), AuditEvent.objects.count()) == (0, 0, events)


def test_the_run_is_audited(world: World, may_sheet: Timesheet) -> None:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    run = invoice_run_start(actor=world.finance, year=2026, month=5)

    invoice = Invoice.objects.get()
    events = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").values_list("action", "object_id", "actor"))
    assert events == [
        ("invoice.create", str(invoice.pk), world.finance.pk),
        ("timesheet.invoice", str(may_sheet.pk), world.finance.pk),
        ("invoice.lines_add", str(invoice.pk), world.finance.pk),
        ("invoice_run.start", str(run.pk), world.finance.pk),
    ]
    assert AuditEvent.objects.get(action="invoice_run.start").after == {
        "period": "2026-05",
        "client": None,
        "invoices": 1,
        "lines": 1,
        "timesheets": 1,
        "finalize": False,
    }


def test_finalize_numbers_the_drafts_in_the_same_transaction(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)

    assert list(Invoice.objects.values_list("number", "status")) == [("2026-00001", InvoiceStatus.FINALISED)]


def test_a_manual_draft_of_the_client_stays_on_its_own(world: World, may_sheet: Timesheet) -> None:
    from billing.services.invoices import invoice_create

    manual = invoice_create(
        client=world.client, actor=world.finance, period_start=D(2026, 5, 1), period_end=D(2026, 5, 31)
    )

    invoice_run_start(actor=world.finance, year=2026, month=5)

    assert Invoice.objects.count() == 2
    assert manual.lines.count() == 0 and Invoice.objects.get(pk=manual.pk).run is None
