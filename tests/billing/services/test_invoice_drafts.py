"""Editing drafts (billing/services/invoices.py: invoice_create, invoice_line_add, invoice_line_remove,
invoice_delete). A finalised invoice refuses all of it and nothing changes."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceKind, InvoiceLine
from billing.services.invoices import (
    invoice_create,
    invoice_delete,
    invoice_finalize,
    invoice_line_add,
    invoice_line_remove,
)
from billing.services.runs import invoice_run_start
from secondments.models import Timesheet, TimesheetStatus, VatTreatment
from secondments.services.placements import placement_change_rate
from tests.billing.conftest import MAY
from tests.billing.conftest import approved_sheet as approve
from tests.conftest import World
from tests.factories import ClientFactory

D = datetime.date
QUANTITY = "The quantity is more than 0 and at most 99999.99, in hundredths."
PRICE = "The unit price is not 0 and at most 999999.99 either way, in cents."
STANDARD_RATES = "A Standard 21 % invoice takes VAT rate 21.00, 9.00, 0.00."
REVERSE_CHARGE_RATES = "A Reverse charge (EU business) invoice takes VAT rate 0.00."


def state() -> dict[str, Any]:
    return {
        "invoices": list(Invoice.objects.order_by("pk").values()),
        "lines": list(InvoiceLine.objects.order_by("pk").values()),
        "sheets": list(Timesheet.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEvent.objects.count(),
    }


def test_a_sponsor_gets_a_manual_invoice(world: World) -> None:
    sponsor = ClientFactory(legal_name="Stichting Secretaressedag")  # a client without placements

    invoice = invoice_create(
        client=sponsor, actor=world.finance, notes="Sponsoring", period_start=D(2026, 9, 1), period_end=D(2026, 9, 30)
    )
    line = invoice_line_add(
        invoice=invoice,
        actor=world.finance,
        description="Sponsoring 2026",
        quantity=Decimal(1),
        unit_price=Decimal("750"),
    )
    invoice_line_add(
        invoice=invoice,
        actor=world.finance,
        description="Catering",
        quantity=Decimal("2.5"),
        unit_price=Decimal("40.05"),
        vat_rate=Decimal("9.00"),
    )

    invoice.refresh_from_db()
    assert (invoice.kind, invoice.client, invoice.notes) == (InvoiceKind.INVOICE, sponsor, "Sponsoring")
    assert (line.kind, line.position, line.amount, line.vat_rate) == ("manual", 1, Decimal("750.00"), Decimal("21.00"))
    assert invoice.vat_breakdown == [
        {"rate": "21.00", "net": "750.00", "vat": "157.50"},
        {"rate": "9.00", "net": "100.13", "vat": "9.01"},  # 2.5 x 40.05 = 100.125 -> 100.13 (half-up)
    ]
    assert (invoice.net_total, invoice.vat_total, invoice.total) == (
        Decimal("850.13"),
        Decimal("166.51"),
        Decimal("1016.64"),
    )
    event = AuditEvent.objects.filter(action="invoice.line_add").order_by("pk").last()
    assert event is not None and event.after is not None
    assert event.before == {"net_total": "750.00", "vat_total": "157.50", "total": "907.50"}
    assert event.after["line"] == {
        "id": event.after["line"]["id"],
        "description": "Catering",
        "quantity": "2.50",
        "unit_price": "40.05",
        "amount": "100.13",
        "vat_rate": "9.00",
    }


@pytest.mark.parametrize(
    ("changes", "treatment", "fields"),
    [
        ({"description": "  "}, VatTreatment.STANDARD, {"description": ["Describe the line."]}),
        ({"quantity": Decimal(0)}, VatTreatment.STANDARD, {"quantity": [QUANTITY]}),
        ({"quantity": Decimal("1.005")}, VatTreatment.STANDARD, {"quantity": [QUANTITY]}),
        ({"unit_price": Decimal("0")}, VatTreatment.STANDARD, {"unit_price": [PRICE]}),
        ({"unit_price": Decimal("10.125")}, VatTreatment.STANDARD, {"unit_price": [PRICE]}),
        ({"vat_rate": Decimal("6.00")}, VatTreatment.STANDARD, {"vat_rate": [STANDARD_RATES]}),
        ({"vat_rate": Decimal("21.00")}, VatTreatment.REVERSE_CHARGE, {"vat_rate": [REVERSE_CHARGE_RATES]}),
    ],
    ids=["blank", "zero-quantity", "thousandths", "zero-price", "price-in-thousandths", "rate", "reverse-charge-rate"],
)  # fmt: skip
def test_a_bad_line_is_refused_and_nothing_changes(
    world: World, changes: dict[str, Any], treatment: str, fields: dict[str, list[str]]
) -> None:
    client = ClientFactory(vat_treatment=treatment, country="DE" if treatment == VatTreatment.REVERSE_CHARGE else "NL")
    invoice = invoice_create(client=client, actor=world.finance)
    before = state()
    line = {"description": "Training", "quantity": Decimal(1), "unit_price": Decimal("10.00"), **changes}

    with pytest.raises(ApplicationError) as refused:
        invoice_line_add(invoice=invoice, actor=world.finance, **line)

    assert (refused.value.message, refused.value.fields) == ("The line was not added.", fields)
    assert state() == before


def test_removing_hours_removes_every_line_of_that_sheet_and_gives_them_back(world: World) -> None:
    placement_change_rate(
        placement=world.placement, actor=world.manager, valid_from=D(2026, 5, 7), hourly_rate=Decimal("60.00")
    )
    sheet = approve(world.placement, MAY, world.approver)
    invoice_run_start(actor=world.finance, year=2026, month=5)
    invoice = Invoice.objects.get()
    manual = invoice_line_add(
        invoice=invoice, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal("10.00")
    )
    first_hours_line = invoice.lines.filter(kind="hours").order_by("position").first()
    assert first_hours_line is not None

    invoice_line_remove(line=first_hours_line, actor=world.finance)

    invoice.refresh_from_db()
    assert list(invoice.lines.values_list("pk", flat=True)) == [manual.pk]
    assert (invoice.net_total, invoice.total) == (Decimal("10.00"), Decimal("12.10"))
    assert Timesheet.objects.get(pk=sheet.pk).status == TimesheetStatus.APPROVED
    release = AuditEvent.objects.get(action="timesheet.release")
    assert (release.object_id, release.reason) == (str(sheet.pk), f"Removed from draft invoice {invoice.pk}.")
    event = AuditEvent.objects.get(action="invoice.line_remove")
    assert event.before is not None and [line["amount"] for line in event.before["lines"]] == ["660.00", "480.00"]


def test_deleting_a_draft_gives_its_hours_back(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5)
    draft = Invoice.objects.get()

    invoice_delete(invoice=draft, actor=world.finance)

    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (0, 0)
    assert Timesheet.objects.get(pk=may_sheet.pk).status == TimesheetStatus.APPROVED
    event = AuditEvent.objects.get(action="invoice.delete")
    assert (event.object_id, event.actor) == (str(draft.pk), world.finance)
    assert event.before == {
        "kind": "invoice",
        "client": world.client.pk,
        "net_total": "1100.00",
        "vat_total": "231.00",
        "total": "1331.00",
        "timesheets": [may_sheet.pk],
    }
    # The hours are billed by the next run.
    assert invoice_run_start(actor=world.finance, year=2026, month=5).line_count == 1


@pytest.mark.parametrize("action", ["line_add", "line_remove", "delete"])
def test_a_finalised_invoice_refuses_every_edit(world: World, may_sheet: Timesheet, action: str) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5)
    invoice = invoice_finalize(invoice=Invoice.objects.get(), actor=world.finance)
    before = state()
    calls = {
        "line_add": lambda: invoice_line_add(
            invoice=invoice, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(1)
        ),
        "line_remove": lambda: invoice_line_remove(line=invoice.lines.get(), actor=world.finance),
        "delete": lambda: invoice_delete(invoice=invoice, actor=world.finance),
    }

    with pytest.raises(ApplicationError) as refused:
        calls[action]()

    verb = "deleted" if action == "delete" else "changed"
    assert (
        refused.value.message == f"Invoice 2026-00001 is finalised: it cannot be {verb}. Correct it with a credit note."
    )
    assert refused.value.fields == {"status": ["Is finalised."]}
    assert state() == before


def test_a_manual_invoice_needs_both_ends_of_its_period(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        invoice_create(client=world.client, actor=world.finance, period_start=D(2026, 5, 1))
    assert refused.value.message_dict == {"period_end": ["Give both ends of the service period, or neither."]}
    with pytest.raises(ValidationError) as refused:
        invoice_create(client=world.client, actor=world.finance, period_start=D(2026, 5, 2), period_end=D(2026, 5, 1))
    assert refused.value.message_dict == {"period_end": ["The period ends before it starts."]}
    assert Invoice.objects.count() == 0
