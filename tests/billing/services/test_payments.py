"""The payments ledger and each invoice's receivable (billing/services/payments.py): bank transfers,
refunds, reversals, internal settlements and credit notes, and what each does to the receivable.

The clock is pinned to Monday 2026-06-15; a tenant invoice finalised today totals 121.00 (100.00 + 21 %
VAT) and is due on 2026-07-15 (30 days); an internal recharge statement totals 100.00.
"""

import datetime
import threading
import time
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceKind, Payment, PaymentKind, PaymentMethod, PaymentStatus, Receivable
from billing.services import invoices
from billing.services.invoices import (
    CreditRequest,
    credit_note_create,
    invoice_create,
    invoice_finalize,
    invoice_line_add,
)
from billing.services.payments import (
    internal_statements_settle,
    payment_add,
    payment_record,
    payment_reverse,
    payment_status_of,
    receivable_lock,
    receivables_overdue_mark,
    refund_record,
)
from secondments.models import Client
from tests.billing.conftest import finalised, issued_on
from tests.conftest import World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)
DUE = D(2026, 7, 15)
ONLY_FINALISED = "Only a finalised invoice or internal statement takes payments (not a draft, not a credit note)."


# ---------------------------------------------------------------------------- helpers


def ledger(invoice: Invoice) -> list[tuple[Any, ...]]:
    """The invoice's ledger rows: (kind, method, amount, date, reference, note, reverses, recorded by)."""
    return list(
        Payment.objects.filter(invoice=invoice)
        .order_by("pk")
        .values_list("kind", "method", "amount", "date", "reference", "note", "reverses_id", "recorded_by_id")
    )


def receivable(invoice: Invoice) -> dict[str, Any]:
    return dict(
        Receivable.objects.filter(pk=invoice.pk)
        .values(
            "due_date",
            "amount_due",
            "amount_paid",
            "status",
            "overpaid",
            "paid_on",
            "overdue_since",
            "reminders_sent",
            "last_reminder_on",
        )
        .get()
    )


def owed(
    amount_due: str = "121.00",
    amount_paid: str = "0.00",
    status: str = PaymentStatus.OPEN,
    *,
    overpaid: bool = False,
    paid_on: datetime.date | None = None,
    overdue_since: datetime.date | None = None,
    due_date: datetime.date = DUE,
) -> dict[str, Any]:
    """A receivable as ``receivable()`` reads it (no reminders sent)."""
    return {
        "due_date": due_date,
        "amount_due": Decimal(amount_due),
        "amount_paid": Decimal(amount_paid),
        "status": status,
        "overpaid": overpaid,
        "paid_on": paid_on,
        "overdue_since": overdue_since,
        "reminders_sent": 0,
        "last_reminder_on": None,
    }


def snapshot(
    amount_due: str = "121.00",
    amount_paid: str = "0.00",
    status: str = PaymentStatus.OPEN,
    *,
    overpaid: bool = False,
    paid_on: str | None = None,
    overdue_since: str | None = None,
) -> dict[str, Any]:
    """A receivable as an audit event's before/after shows it."""
    return {
        "amount_due": amount_due,
        "amount_paid": amount_paid,
        "status": status,
        "overpaid": overpaid,
        "paid_on": paid_on,
        "overdue_since": overdue_since,
    }


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def events_since(mark: int) -> list[tuple[Any, ...]]:
    """(action, object type, object id, actor, before, after, reason) of the events recorded after ``mark``."""
    return list(
        AuditEvent.objects.filter(pk__gt=mark)
        .order_by("pk")
        .values_list("action", "object_type", "object_id", "actor_id", "before", "after", "reason")
    )


def state() -> dict[str, Any]:
    """Everything a refused action must leave alone."""
    return {
        "payments": list(Payment.objects.order_by("pk").values()),
        "receivables": list(Receivable.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def department(cost_centre: str, name: str) -> Client:
    return cast(Client, ClientFactory(internal=True, cost_centre=cost_centre, legal_name=name))


def payment_event(invoice: Invoice, row: Payment, kind: str, amount: str, **after: Any) -> tuple[Any, ...]:
    """The audit event of a ledger row recorded by finance."""
    body = {
        "invoice": invoice.number,
        "kind": kind,
        "method": "bank_transfer",
        "amount": amount,
        "date": "2026-06-15",
        "reference": "",
    }
    reason = after.pop("reason", "")
    return (f"payment.{kind}", "billing.payment", str(row.pk), after.pop("actor"), None, {**body, **after}, reason)


def status_event(
    invoice: Invoice,
    actor: int | None,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    action: str = "",
    reason: str = "",
) -> tuple[Any, ...]:
    return (
        action or "invoice.payment_status",
        "billing.invoice",
        str(invoice.pk),
        actor,
        before,
        after,
        reason,
    )


# ---------------------------------------------------------------------------- the status rule


@pytest.mark.parametrize(
    ("due", "paid", "today", "expected"),
    [
        ("121.00", "0.00", DUE, PaymentStatus.OPEN),
        ("121.00", "0.01", DUE, PaymentStatus.PARTIALLY_PAID),
        ("121.00", "121.00", DUE, PaymentStatus.PAID),
        ("121.00", "150.00", DUE, PaymentStatus.PAID),
        ("121.00", "0.00", DUE + datetime.timedelta(days=1), PaymentStatus.OVERDUE),
        ("121.00", "120.99", DUE + datetime.timedelta(days=1), PaymentStatus.OVERDUE),
        ("121.00", "121.00", DUE + datetime.timedelta(days=1), PaymentStatus.PAID),
        ("0.00", "0.00", DUE, PaymentStatus.PAID),  # credited in full: nothing outstanding
        ("0.00", "0.00", DUE + datetime.timedelta(days=1), PaymentStatus.PAID),
        ("60.50", "-10.00", DUE, PaymentStatus.OPEN),
    ],
)
def test_the_payment_status_rule(due: str, paid: str, today: datetime.date, expected: str) -> None:
    assert payment_status_of(amount_due=Decimal(due), amount_paid=Decimal(paid), due_date=DUE, today=today) == expected


# ---------------------------------------------------------------------------- receivables at finalisation


def test_finalising_gives_invoices_and_statements_a_receivable_but_not_credit_notes(world: World) -> None:
    invoice = finalised(world)
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    draft = invoice_create(client=world.client, actor=world.finance)

    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong month.", email=False)

    assert (invoice.kind, statement.kind, statement.number) == (
        InvoiceKind.INVOICE,
        InvoiceKind.INTERNAL,
        "IR-2026-00001",
    )
    assert receivable(statement) == owed("100.00")
    assert receivable(invoice) == owed("0.00", status=PaymentStatus.PAID, paid_on=TODAY)
    assert not Receivable.objects.filter(pk__in=[note.pk, draft.pk]).exists()
    assert Receivable.objects.count() == 2


def test_an_invoice_of_nothing_is_paid_at_once(world: World) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    for description, price in (("Training", "100.00"), ("Sponsor discount", "-100.00")):
        invoice_line_add(
            invoice=draft, actor=world.finance, description=description, quantity=Decimal(1), unit_price=Decimal(price)
        )

    invoice = invoice_finalize(invoice=draft, actor=world.finance, email=False)

    assert invoice.total == Decimal("0.00")
    assert receivable(invoice) == owed("0.00", status=PaymentStatus.PAID, paid_on=TODAY)
    assert receivables_overdue_mark(today=D(2026, 7, 16)) == 0


# ---------------------------------------------------------------------------- bank transfers


def test_a_partial_payment_leaves_the_invoice_partially_paid(world: World) -> None:
    invoice = finalised(world)
    mark = last_event()

    row = payment_record(
        invoice=invoice,
        actor=world.finance,
        amount=Decimal("50.00"),
        date=D(2026, 6, 12),
        reference="  NL12 statement 7 ",
        note=" First half. ",
    )

    assert ledger(invoice) == [
        (
            "payment",
            "bank_transfer",
            Decimal("50.00"),
            D(2026, 6, 12),
            "NL12 statement 7",
            "First half.",
            None,
            world.finance.pk,
        )
    ]
    assert (row.kind, row.method, row.amount, row.external_id, row.checkout_id) == (
        PaymentKind.PAYMENT,
        PaymentMethod.BANK_TRANSFER,
        Decimal("50.00"),
        "",
        None,
    )
    assert receivable(invoice) == owed("121.00", "50.00", PaymentStatus.PARTIALLY_PAID)
    assert Receivable.objects.get(pk=invoice.pk).outstanding == Decimal("71.00")
    assert events_since(mark) == [
        payment_event(
            invoice,
            row,
            "payment",
            "50.00",
            date="2026-06-12",
            reference="NL12 statement 7",
            actor=world.finance.pk,
            reason="First half.",
        ),
        status_event(
            invoice,
            world.finance.pk,
            snapshot(),
            snapshot(amount_paid="50.00", status="partially_paid"),
        ),
    ]


def test_paying_exactly_what_is_owed_makes_the_invoice_paid_today(world: World) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="")
    mark = last_event()

    row = payment_record(invoice=invoice, actor=world.finance, amount=Decimal("100.00"), date=TODAY, reference="")

    assert [r[:4] for r in ledger(invoice)] == [
        ("payment", "bank_transfer", Decimal("21.00"), TODAY),
        ("payment", "bank_transfer", Decimal("100.00"), TODAY),
    ]
    assert receivable(invoice) == owed("121.00", "121.00", PaymentStatus.PAID, paid_on=TODAY)
    assert Receivable.objects.get(pk=invoice.pk).outstanding == Decimal("0.00")
    assert events_since(mark) == [
        payment_event(invoice, row, "payment", "100.00", actor=world.finance.pk),
        status_event(
            invoice,
            world.finance.pk,
            snapshot(amount_paid="21.00", status="partially_paid"),
            snapshot(amount_paid="121.00", status="paid", paid_on="2026-06-15"),
        ),
    ]


def test_an_over_payment_is_accepted_and_flagged_and_a_refund_clears_the_flag(world: World) -> None:
    invoice = finalised(world)
    mark = last_event()

    paid = payment_record(invoice=invoice, actor=world.finance, amount=Decimal("150.00"), date=TODAY, reference="x")

    assert receivable(invoice) == owed("121.00", "150.00", PaymentStatus.PAID, overpaid=True, paid_on=TODAY)
    assert Receivable.objects.get(pk=invoice.pk).outstanding == Decimal("0.00")
    assert events_since(mark) == [
        payment_event(invoice, paid, "payment", "150.00", reference="x", actor=world.finance.pk),
        status_event(
            invoice,
            world.finance.pk,
            snapshot(),
            snapshot(amount_paid="150.00", status="paid", overpaid=True, paid_on="2026-06-15"),
            action="invoice.overpaid",
        ),
    ]
    mark = last_event()

    refund = refund_record(
        invoice=invoice, actor=world.finance, amount=Decimal("29.00"), date=TODAY, reference="back", note="Paid twice."
    )

    assert ledger(invoice)[1] == (
        "refund",
        "bank_transfer",
        Decimal("-29.00"),
        TODAY,
        "back",
        "Paid twice.",
        None,
        world.finance.pk,
    )
    assert receivable(invoice) == owed("121.00", "121.00", PaymentStatus.PAID, paid_on=TODAY)
    assert events_since(mark) == [
        payment_event(
            invoice, refund, "refund", "-29.00", reference="back", actor=world.finance.pk, reason="Paid twice."
        ),
        status_event(
            invoice,
            world.finance.pk,
            snapshot(amount_paid="150.00", status="paid", overpaid=True, paid_on="2026-06-15"),
            snapshot(amount_paid="121.00", status="paid", paid_on="2026-06-15"),
        ),
    ]


def test_a_refund_below_what_is_owed_reopens_the_invoice(world: World) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")

    refund_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="")

    assert receivable(invoice) == owed("121.00", "100.00", PaymentStatus.PARTIALLY_PAID)


def test_a_refund_of_everything_paid_is_allowed(world: World) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("40.00"), date=TODAY, reference="")

    refund_record(invoice=invoice, actor=world.finance, amount=Decimal("40.00"), date=TODAY, reference="")

    assert receivable(invoice) == owed("121.00", "0.00", PaymentStatus.OPEN)


def test_a_payment_past_the_due_date_keeps_an_unpaid_invoice_overdue(world: World, time_machine: Any) -> None:
    invoice = finalised(world)
    time_machine.move_to(datetime.datetime(2026, 7, 20, 8, 0, tzinfo=datetime.UTC), tick=False)

    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=D(2026, 7, 20), reference="")

    assert receivable(invoice) == owed("121.00", "21.00", PaymentStatus.OVERDUE, overdue_since=D(2026, 7, 16))

    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("100.00"), date=D(2026, 7, 20), reference="")

    assert receivable(invoice) == owed("121.00", "121.00", PaymentStatus.PAID, paid_on=D(2026, 7, 20))


# ---------------------------------------------------------------------------- credit notes


def test_a_full_credit_note_of_an_unpaid_invoice_leaves_nothing_outstanding(world: World) -> None:
    invoice = finalised(world)
    mark = last_event()

    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong client.", email=False)

    assert receivable(invoice) == owed("0.00", "0.00", PaymentStatus.PAID, paid_on=TODAY)
    assert Receivable.objects.get(pk=invoice.pk).outstanding == Decimal("0.00")
    assert [e[:3] for e in events_since(mark)] == [
        ("credit_note.create", "billing.invoice", str(note.pk)),
        ("invoice.finalize", "billing.invoice", str(note.pk)),
        ("invoice.payment_status", "billing.invoice", str(invoice.pk)),
    ]
    assert events_since(mark)[-1] == status_event(
        invoice,
        world.finance.pk,
        snapshot(),
        snapshot(amount_due="0.00", status="paid", paid_on="2026-06-15"),
        reason="Credit note issued.",
    )


def test_a_partial_credit_note_lowers_what_is_owed(world: World) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("50.00"), date=TODAY, reference="")
    line = invoice.lines.get()

    credit_note_create(
        invoice=invoice,
        actor=world.finance,
        reason="Half a day.",
        lines=[CreditRequest(line=line, quantity=Decimal("0.50"))],
        email=False,
    )

    assert receivable(invoice) == owed("60.50", "50.00", PaymentStatus.PARTIALLY_PAID)  # 121.00 - 60.50
    assert Receivable.objects.get(pk=invoice.pk).outstanding == Decimal("10.50")


def test_a_credit_note_after_payment_makes_the_invoice_overpaid(world: World) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")
    mark = last_event()

    credit_note_create(invoice=invoice, actor=world.finance, reason="Cancelled.", email=False)

    assert receivable(invoice) == owed("0.00", "121.00", PaymentStatus.PAID, overpaid=True, paid_on=TODAY)
    assert events_since(mark)[-1] == status_event(
        invoice,
        world.finance.pk,
        snapshot(amount_paid="121.00", status="paid", paid_on="2026-06-15"),
        snapshot(amount_due="0.00", amount_paid="121.00", status="paid", overpaid=True, paid_on="2026-06-15"),
        action="invoice.overpaid",
        reason="Credit note issued.",
    )

    refund_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")

    assert receivable(invoice) == owed("0.00", "0.00", PaymentStatus.PAID, paid_on=TODAY)


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("amount", "date", "errors"),
    [
        ("0.00", TODAY, {"amount": ["Give an amount above 0."]}),
        ("-5.00", TODAY, {"amount": ["Give an amount above 0."]}),
        ("1.001", TODAY, {"amount": ["Give whole cents."]}),
        ("10.00", D(2026, 6, 16), {"date": ["A payment cannot be dated in the future."]}),
        (
            "0",
            D(2027, 1, 1),
            {"amount": ["Give an amount above 0."], "date": ["A payment cannot be dated in the future."]},
        ),
    ],
)
@pytest.mark.parametrize("record", [payment_record, refund_record])
def test_a_bad_amount_or_date_is_refused_and_changes_nothing(
    world: World, record: Any, amount: str, date: datetime.date, errors: dict[str, list[str]]
) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("50.00"), date=TODAY, reference="")
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(invoice=invoice, actor=world.finance, amount=Decimal(amount), date=date, reference="r")

    assert refused.value.message_dict == errors
    assert state() == before


def test_an_internal_statement_is_settled_not_paid_or_refunded(world: World) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    before = state()

    with pytest.raises(ApplicationError) as paid:
        payment_record(invoice=statement, actor=world.finance, amount=Decimal("100.00"), date=TODAY, reference="")
    with pytest.raises(ApplicationError) as refunded:
        refund_record(invoice=statement, actor=world.finance, amount=Decimal("1.00"), date=TODAY, reference="")

    assert (paid.value.message, paid.value.fields) == (
        "An internal recharge statement is settled, not paid: use settle.",
        {"invoice": ["Is internal."]},
    )
    assert (refunded.value.message, refunded.value.fields) == (
        "Internal recharge statements have no refunds.",
        {"invoice": ["Is internal."]},
    )
    assert state() == before


def test_a_draft_or_a_credit_note_takes_no_payment(world: World) -> None:
    invoice = finalised(world)
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong client.", email=False)
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal("10.00")
    )
    before = state()

    for target in (draft, note):
        for record in (payment_record, refund_record):
            with pytest.raises(ApplicationError) as refused:
                record(invoice=target, actor=world.finance, amount=Decimal("1.00"), date=TODAY, reference="")
            assert (refused.value.message, refused.value.fields) == (
                ONLY_FINALISED,
                {"invoice": ["Has no amount receivable."]},
            )

    assert state() == before


def test_a_refund_above_what_was_paid_is_refused(world: World) -> None:
    invoice = finalised(world)
    before = state()

    with pytest.raises(ValidationError) as nothing_paid:
        refund_record(invoice=invoice, actor=world.finance, amount=Decimal("0.01"), date=TODAY, reference="")

    assert nothing_paid.value.message_dict == {"amount": ["At most 0.00: what was paid for this invoice."]}
    assert state() == before

    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("50.00"), date=TODAY, reference="")
    before = state()

    with pytest.raises(ValidationError) as too_much:
        refund_record(invoice=invoice, actor=world.finance, amount=Decimal("50.01"), date=TODAY, reference="")

    assert too_much.value.message_dict == {"amount": ["At most 50.00: what was paid for this invoice."]}
    assert state() == before


# ---------------------------------------------------------------------------- reversals


def test_a_mistaken_bank_transfer_is_undone_by_a_reversal_row(world: World) -> None:
    invoice = finalised(world)
    wrong = payment_record(
        invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=D(2026, 6, 1), reference="NL99"
    )
    mark = last_event()

    reversal = payment_reverse(payment=wrong, actor=world.finance, reason="  Booked on the wrong invoice. ")

    assert ledger(invoice) == [
        ("payment", "bank_transfer", Decimal("121.00"), D(2026, 6, 1), "NL99", "", None, world.finance.pk),
        (
            "reversal",
            "bank_transfer",
            Decimal("-121.00"),
            TODAY,
            "NL99",
            "Booked on the wrong invoice.",
            wrong.pk,
            world.finance.pk,
        ),
    ]
    assert receivable(invoice) == owed()
    assert events_since(mark) == [
        payment_event(
            invoice,
            reversal,
            "reversal",
            "-121.00",
            reference="NL99",
            actor=world.finance.pk,
            reason="Booked on the wrong invoice.",
        ),
        status_event(
            invoice,
            world.finance.pk,
            snapshot(amount_paid="121.00", status="paid", paid_on="2026-06-15"),
            snapshot(),
        ),
    ]


def test_a_mistaken_refund_is_reversed_with_a_positive_row(world: World) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")
    refund = refund_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="")

    reversal = payment_reverse(payment=refund, actor=world.finance, reason="Never sent.")

    assert (reversal.kind, reversal.method, reversal.amount, reversal.reverses_id) == (
        PaymentKind.REVERSAL,
        PaymentMethod.BANK_TRANSFER,
        Decimal("21.00"),
        refund.pk,
    )
    assert receivable(invoice) == owed("121.00", "121.00", PaymentStatus.PAID, paid_on=TODAY)


def stripe_row(invoice: Invoice) -> Payment:
    """A Stripe payment as the webhook handler writes it."""
    with transaction.atomic():
        return payment_add(
            receivable=receivable_lock(invoice=invoice),
            actor=None,
            kind=PaymentKind.PAYMENT,
            method=PaymentMethod.STRIPE,
            amount=Decimal("121.00"),
            date=TODAY,
            reference="pi_1",
            external_id="pi_1",
        )


def test_reversal_refusals_change_nothing(world: World) -> None:
    invoice = finalised(world)
    by_stripe = stripe_row(invoice)
    other = finalised(world)
    wrong = payment_record(invoice=other, actor=world.finance, amount=Decimal("10.00"), date=TODAY, reference="")
    reversal = payment_reverse(payment=wrong, actor=world.finance, reason="Wrong.")
    before = state()

    refusals: list[tuple[Payment, str, str]] = [
        (by_stripe, "Refund in Stripe.", "Stripe's payments and refunds follow Stripe; refund in Stripe instead."),
        (reversal, "Oops.", "A reversal is not reversed; record the entry anew instead."),
        (wrong, "Again.", "This entry is reversed already."),
    ]
    for row, reason, message in refusals:
        with pytest.raises(ApplicationError) as refused:
            payment_reverse(payment=row, actor=world.finance, reason=reason)
        assert (refused.value.message, refused.value.fields) == (message, {})
    with pytest.raises(ValidationError) as no_reason:
        payment_reverse(payment=by_stripe, actor=world.finance, reason="   ")

    assert no_reason.value.message_dict == {"reason": ["Say why the entry is reversed."]}
    assert state() == before


# ---------------------------------------------------------------------------- internal settlements


def test_settling_internal_statements_books_what_each_still_owes(world: World) -> None:
    with issued_on(D(2026, 6, 1)):
        facilities = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
        hr = finalised(world, client=department("CC-200", "Afdeling HR"), amount="250.00")
    credit_note_create(
        invoice=hr,
        actor=world.finance,
        reason="Fewer sessions.",
        lines=[CreditRequest(line=hr.lines.get(), quantity=Decimal("0.20"))],
        email=False,
    )
    mark = last_event()

    rows = internal_statements_settle(invoices=[hr, facilities, hr], actor=world.finance, date=D(2026, 6, 10))

    assert [r.invoice_id for r in rows] == [facilities.pk, hr.pk]
    assert ledger(facilities) == [
        ("payment", "internal", Decimal("100.00"), D(2026, 6, 10), "IR-2026-00001 CC-100", "", None, world.finance.pk)
    ]
    assert ledger(hr) == [
        ("payment", "internal", Decimal("200.00"), D(2026, 6, 10), "IR-2026-00002 CC-200", "", None, world.finance.pk)
    ]
    due = D(2026, 7, 1)  # issued 2026-06-01, 30 days to pay
    assert receivable(facilities) == owed("100.00", "100.00", PaymentStatus.PAID, paid_on=TODAY, due_date=due)
    assert receivable(hr) == owed("200.00", "200.00", PaymentStatus.PAID, paid_on=TODAY, due_date=due)
    internal = {"method": "internal", "date": "2026-06-10", "actor": world.finance.pk}
    assert events_since(mark) == [
        payment_event(facilities, rows[0], "payment", "100.00", reference="IR-2026-00001 CC-100", **internal),
        status_event(
            facilities,
            world.finance.pk,
            snapshot("100.00"),
            snapshot("100.00", "100.00", "paid", paid_on="2026-06-15"),
        ),
        payment_event(hr, rows[1], "payment", "200.00", reference="IR-2026-00002 CC-200", **internal),
        status_event(
            hr, world.finance.pk, snapshot("200.00"), snapshot("200.00", "200.00", "paid", paid_on="2026-06-15")
        ),
    ]


def test_a_reversed_settlement_can_be_settled_again(world: World) -> None:
    with issued_on(D(2026, 5, 28)):
        statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    [wrong] = internal_statements_settle(invoices=[statement], actor=world.finance, date=D(2026, 5, 29))

    reversal = payment_reverse(payment=wrong, actor=world.finance, reason="Wrong month.")

    assert (reversal.kind, reversal.method, reversal.amount, reversal.date) == (
        PaymentKind.REVERSAL,
        PaymentMethod.INTERNAL,
        Decimal("-100.00"),
        TODAY,
    )
    due = D(2026, 6, 27)  # issued 2026-05-28, 30 days to pay
    assert receivable(statement) == owed("100.00", due_date=due)

    [again] = internal_statements_settle(invoices=[statement], actor=world.finance, date=D(2026, 6, 1))

    assert (again.amount, again.date) == (Decimal("100.00"), D(2026, 6, 1))
    assert receivable(statement) == owed("100.00", "100.00", PaymentStatus.PAID, paid_on=TODAY, due_date=due)


def test_settling_is_all_or_none_with_a_message_per_statement(world: World) -> None:
    settled = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    internal_statements_settle(invoices=[settled], actor=world.finance, date=TODAY)
    good = finalised(world, client=department("CC-200", "Afdeling HR"))
    tenant = finalised(world)
    draft = invoice_create(client=world.client, actor=world.finance)
    before = state()

    with pytest.raises(ApplicationError) as refused:
        internal_statements_settle(invoices=[good, tenant, settled, draft], actor=world.finance, date=TODAY)

    problems = [
        f"Invoice {draft.pk} is a draft: finalise it first.",
        "IR-2026-00001 is settled already.",
        "2026-00001 is not an internal recharge statement.",
    ]
    assert refused.value.message == "Nothing was settled: " + " ".join(problems)
    assert refused.value.fields == {"invoice_ids": problems}
    assert state() == before
    assert receivable(good) == owed("100.00")


def test_a_statement_is_not_settled_before_it_was_issued(world: World) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))  # issued today, 06-15
    before = state()

    with pytest.raises(ApplicationError) as refused:
        internal_statements_settle(invoices=[statement], actor=world.finance, date=D(2026, 6, 14))

    problem = "IR-2026-00001 was issued on 2026-06-15: settle it on or after that day."
    assert refused.value.message == "Nothing was settled: " + problem
    assert refused.value.fields == {"invoice_ids": [problem]}
    assert state() == before
    assert ledger(statement) == []
    assert receivable(statement) == owed("100.00")

    [row] = internal_statements_settle(invoices=[statement], actor=world.finance, date=TODAY)  # the day itself

    assert (row.amount, row.date) == (Decimal("100.00"), TODAY)


def test_a_credit_note_named_for_settling_is_refused_as_a_credit_note(world: World) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    note = credit_note_create(
        invoice=statement,
        actor=world.finance,
        reason="Fewer sessions.",
        lines=[CreditRequest(line=statement.lines.get(), quantity=Decimal("0.20"))],
        email=False,
    )
    before = state()

    with pytest.raises(ApplicationError) as refused:
        internal_statements_settle(invoices=[statement, note], actor=world.finance, date=TODAY)

    problem = "CN-2026-00001 is a credit note: it lowers its statement, it is not settled."
    assert refused.value.message == "Nothing was settled: " + problem
    assert refused.value.fields == {"invoice_ids": [problem]}
    assert state() == before
    assert receivable(statement) == owed("80.00")


@pytest.mark.parametrize(
    ("chosen", "date", "errors"),
    [
        (False, TODAY, {"invoice_ids": ["Choose at least one internal recharge statement."]}),
        (True, D(2026, 6, 16), {"date": ["A settlement cannot be dated in the future."]}),
    ],
)
def test_settling_nothing_or_in_the_future_is_refused(
    world: World, chosen: bool, date: datetime.date, errors: dict[str, list[str]]
) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    before = state()

    with pytest.raises(ValidationError) as refused:
        internal_statements_settle(invoices=[statement] if chosen else [], actor=world.finance, date=date)

    assert refused.value.message_dict == errors
    assert state() == before


# ---------------------------------------------------------------------------- property


class Rollback(Exception):
    """Undo one hypothesis example's writes."""


cents = st.integers(min_value=1, max_value=50_000).map(lambda n: Decimal(n).scaleb(-2))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), cents),
        st.tuples(st.just("refund"), cents),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_the_receivable_always_follows_the_ledger(world: World, drawn: list[tuple[str, Any]]) -> None:
    def check() -> None:
        invoice = finalised(world)
        for action, value in drawn:
            before = state()
            paid_before = Receivable.objects.get(pk=invoice.pk).amount_paid
            reversible = list(
                Payment.objects.filter(invoice=invoice, reversed_by__isnull=True)
                .exclude(kind=PaymentKind.REVERSAL)
                .order_by("pk")
            )
            if action == "pay":
                payment_record(invoice=invoice, actor=world.finance, amount=value, date=TODAY, reference="")
            elif action == "refund" and value > paid_before:
                with pytest.raises(ValidationError):
                    refund_record(invoice=invoice, actor=world.finance, amount=value, date=TODAY, reference="")
                assert state() == before
            elif action == "refund":
                refund_record(invoice=invoice, actor=world.finance, amount=value, date=TODAY, reference="")
            elif reversible:
                payment_reverse(payment=reversible[value % len(reversible)], actor=world.finance, reason="Mistake.")

            stored = Receivable.objects.get(pk=invoice.pk)
            total = sum(Payment.objects.filter(invoice=invoice).values_list("amount", flat=True), Decimal("0.00"))
            assert stored.amount_paid == total
            assert stored.amount_due == Decimal("121.00")
            assert stored.status == payment_status_of(
                amount_due=stored.amount_due, amount_paid=stored.amount_paid, due_date=DUE, today=TODAY
            )
            assert stored.overpaid == (total > Decimal("121.00"))
            assert stored.paid_on == (TODAY if total >= Decimal("121.00") else None)
            assert stored.outstanding == max(Decimal("121.00") - total, Decimal("0.00"))

    with pytest.raises(Rollback), transaction.atomic():
        check()
        raise Rollback


# ---------------------------------------------------------------------------- concurrency


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_credit_note_and_a_bank_transfer_at_once_both_succeed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    invoice = finalised(world)
    note_holds_the_invoice, go_on = threading.Event(), threading.Event()
    results: dict[str, Any] = {}
    applied = invoices.credit_note_applied

    def paused(**kwargs: Any) -> None:
        note_holds_the_invoice.set()
        go_on.wait(10)
        applied(**kwargs)

    monkeypatch.setattr(invoices, "credit_note_applied", paused)

    def credit() -> None:
        try:
            results["credit"] = credit_note_create(invoice=invoice, actor=world.finance, reason="x", email=False)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results["credit"] = exc
        finally:
            close_old_connections()

    def pay() -> None:
        note_holds_the_invoice.wait(10)
        try:
            results["pay"] = payment_record(
                invoice=invoice, actor=world.finance, amount=Decimal("50.00"), date=TODAY, reference=""
            )
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results["pay"] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=credit), threading.Thread(target=pay)]
    for t in threads:
        t.start()
    note_holds_the_invoice.wait(10)
    for _ in range(200):  # until the transfer waits for a lock (or is done), then the credit note goes on
        if _waiting_on_a_lock() or "pay" in results:
            break
        time.sleep(0.05)
    go_on.set()
    for t in threads:
        t.join(60)

    assert not isinstance(results["credit"], Exception), results
    assert not isinstance(results["pay"], Exception), results
    assert receivable(invoice) == owed("0.00", "50.00", PaymentStatus.PAID, overpaid=True, paid_on=TODAY)
