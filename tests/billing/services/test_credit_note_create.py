"""Credit notes (billing/services/invoices.py: credit_note_create): own series, numbered at once,
referencing the original; full or partial; a full one may release the hours for re-invoicing."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from billing.services.invoices import (
    CreditRequest,
    credit_note_create,
    invoice_create,
    invoice_finalize,
    invoice_line_add,
)
from billing.services.runs import invoice_run_start
from secondments.models import Timesheet, TimesheetStatus
from tests.conftest import World

D = datetime.date
AT_MOST_20 = "Credit more than 0 and at most 20.00 (what is not credited yet)."
ONLY_FULL = "Hours are released only by a credit note for everything not yet credited."


@pytest.fixture
def invoice(world: World, may_sheet: Timesheet) -> Invoice:
    """2026-00001: 20 h at 55.00 (1100.00) and a fee of 3 x 33.33 (99.99), 21 % VAT."""
    invoice_run_start(actor=world.finance, year=2026, month=5)
    draft = Invoice.objects.get()
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(3), unit_price=Decimal("33.33")
    )
    return invoice_finalize(invoice=draft, actor=world.finance)


def state() -> dict[str, Any]:
    return {
        "invoices": list(Invoice.objects.order_by("pk").values()),
        "lines": list(InvoiceLine.objects.order_by("pk").values()),
        "sheets": list(Timesheet.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEvent.objects.count(),
    }


def test_a_full_credit_note_is_exactly_minus_the_invoice(world: World, invoice: Invoice) -> None:
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong client.")

    stored = Invoice.objects.get(pk=note.pk)
    assert (stored.kind, stored.status, stored.number, stored.credited_invoice) == (
        InvoiceKind.CREDIT_NOTE,
        InvoiceStatus.FINALISED,
        "CN-2026-00001",
        invoice,
    )
    assert (stored.net_total, stored.vat_total, stored.total) == (
        -invoice.net_total,
        -invoice.vat_total,
        -invoice.total,
    )
    assert (stored.total, stored.due_date, stored.reason) == (Decimal("-1451.99"), None, "Wrong client.")
    assert list(stored.lines.values_list("quantity", "unit_price", "amount", "credited_line__position")) == [
        (Decimal("-20.00"), Decimal("55.00"), Decimal("-1100.00"), 1),
        (Decimal("-3.00"), Decimal("33.33"), Decimal("-99.99"), 2),
    ]
    assert Timesheet.objects.get().status == TimesheetStatus.INVOICED  # not released unless asked
    event = AuditEvent.objects.get(action="credit_note.create")
    assert (event.object_id, event.reason) == (str(note.pk), "Wrong client.")
    assert event.after == {
        "credited_invoice": "2026-00001",
        "full": True,
        "releases_hours": False,
        "lines": {str(line.pk): str(line.quantity) for line in invoice.lines.all()},
    }


def test_a_partial_credit_note_and_then_the_rest(world: World, invoice: Invoice) -> None:
    hours, fee = invoice.lines.order_by("position")

    part = credit_note_create(
        invoice=invoice, actor=world.finance, reason="Two hours too many.", lines=[CreditRequest(hours, Decimal(2))]
    )
    rest = credit_note_create(invoice=invoice, actor=world.finance, reason="Cancelled altogether.")

    assert (part.number, part.net_total, part.vat_total, part.total) == (
        "CN-2026-00001",
        Decimal("-110.00"),
        Decimal("-23.10"),
        Decimal("-133.10"),
    )
    assert list(rest.lines.values_list("credited_line", "quantity")) == [
        (hours.pk, Decimal("-18.00")),
        (fee.pk, Decimal("-3.00")),
    ]
    assert rest.number == "CN-2026-00002"
    assert part.net_total + rest.net_total == -invoice.net_total
    with pytest.raises(ApplicationError) as refused:
        credit_note_create(invoice=invoice, actor=world.finance, reason="Again.")
    assert refused.value.message == "This invoice is credited in full already."


def test_a_full_credit_note_may_release_the_hours_for_the_next_run(world: World, invoice: Invoice) -> None:
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong rate.", release_hours=True)

    sheet = Timesheet.objects.get()
    assert (sheet.status, note.releases_hours) == (TimesheetStatus.APPROVED, True)
    release = AuditEvent.objects.get(action="timesheet.release")
    assert release.reason == "Credited in full by CN-2026-00001: to be invoiced anew."

    run = invoice_run_start(actor=world.finance, year=2026, month=6)
    assert (run.timesheet_count, run.line_count) == (1, 1)
    assert Invoice.objects.get(run=run).lines.get().timesheet == sheet


@pytest.mark.parametrize(
    ("requests", "release", "fields"),
    [
        ([], False, {"lines": ["Choose at least one line, or leave lines out to credit everything."]}),
        ([(0, "0")], False, {"lines.0.quantity": [AT_MOST_20]}),
        ([(0, "20.25")], False, {"lines.0.quantity": [AT_MOST_20]}),
        ([(0, "1"), (0, "1")], False, {"lines.1.line_id": ["This line is named twice."]}),
        ([(0, "20")], True, {"release_hours": [ONLY_FULL]}),
    ],
    ids=["none", "zero", "too-much", "twice", "release-partial"],
)  # fmt: skip
def test_a_bad_credit_is_refused_and_nothing_changes(
    world: World, invoice: Invoice, requests: list[tuple[int, str]], release: bool, fields: dict[str, list[str]]
) -> None:
    lines = list(invoice.lines.order_by("position"))
    before = state()

    with pytest.raises(ApplicationError) as refused:
        credit_note_create(
            invoice=invoice,
            actor=world.finance,
            reason="Correction.",
            lines=[CreditRequest(lines[i], Decimal(q)) for i, q in requests],
            release_hours=release,
        )

    assert (refused.value.message, refused.value.fields) == ("No credit note was made.", fields)
    assert state() == before


def test_a_line_of_another_invoice_is_refused(world: World, invoice: Invoice) -> None:
    other = invoice_create(client=world.client, actor=world.finance)
    foreign = invoice_line_add(
        invoice=other, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(1)
    )
    with pytest.raises(ApplicationError) as refused:
        credit_note_create(invoice=invoice, actor=world.finance, reason="x", lines=[CreditRequest(foreign, Decimal(1))])
    assert refused.value.fields == {"lines.0.line_id": ["This line is not on the invoice."]}


def test_only_a_finalised_invoice_is_credited(world: World, invoice: Invoice) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="x")
    before = state()

    for target, message in [
        (draft, "Only a finalised invoice is credited; change or delete the draft instead."),
        (note, "A credit note cannot itself be credited."),
    ]:
        with pytest.raises(ApplicationError) as refused:
            credit_note_create(invoice=target, actor=world.finance, reason="x")
        assert refused.value.message == message
    with pytest.raises(ValidationError) as invalid:
        credit_note_create(invoice=invoice, actor=world.finance, reason=" ")
    assert invalid.value.message_dict == {"reason": ["Say why the invoice is credited; the client reads it."]}
    assert state() == before


def test_crediting_a_discount_line_alone_is_refused(world: World) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(500)
    )
    discount = invoice_line_add(
        invoice=draft, actor=world.finance, description="Discount", quantity=Decimal(1), unit_price=Decimal(-100)
    )
    invoice = invoice_finalize(invoice=draft, actor=world.finance)
    before = state()

    with pytest.raises(ApplicationError) as refused:
        credit_note_create(
            invoice=invoice, actor=world.finance, reason="x", lines=[CreditRequest(discount, Decimal(1))]
        )

    assert (
        refused.value.message
        == "These lines would add 121.00 to what is owed; a credit note only lowers it. Credit the other lines too."
    )
    assert refused.value.fields == {"lines": ["The chosen lines add up to more than 0 (a discount line alone)."]}
    assert state() == before
