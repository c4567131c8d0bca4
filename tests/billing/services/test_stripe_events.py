"""Stripe's webhook events applied to the ledger (billing/services/stripe_events.py): each event stored
once; a paid session records one payment; sessions only move forward; refunds record what the charge's
cumulative ``amount_refunded`` adds; any order of delivery ends in the same state."""

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest

from backend.core.models import AuditEvent
from billing.models import (
    CheckoutSession,
    CheckoutStatus,
    Invoice,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Receivable,
    StripeEvent,
)
from billing.payments.stripe_adapter import webhook_event_construct
from billing.services import stripe_events
from billing.services.checkout import checkout_session_live
from billing.services.invoices import invoice_create, invoice_line_add
from billing.services.payments import payment_add
from billing.services.stripe_events import stripe_event_handle
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe, charge_object, event_body, paid_session, signed
from tests.conftest import TODAY, World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NOW = 1781510400  # 2026-06-15 08:00 UTC, the pinned clock
PI = "pi_card_0001"
CHARGE = "ch_card_0001"
COMPLETED = "checkout.session.completed"
SUCCEEDED = "checkout.session.async_payment_succeeded"
FAILED = "checkout.session.async_payment_failed"
EXPIRED = "checkout.session.expired"
REFUNDED = "charge.refunded"


def deliver(event_type: str, obj: dict[str, Any], *, event_id: str, created: int = NOW) -> StripeEvent | None:
    """Sign and verify the event as the endpoint does, then handle it."""
    body = event_body(event_type, obj, event_id=event_id, created=created)
    return stripe_event_handle(event=webhook_event_construct(payload=body.encode(), signature=signed(body)))


def charge(*, refunded_cents: int, payment_intent: str = PI, amount: int = 12100) -> dict[str, Any]:
    return charge_object(
        id=CHARGE, payment_intent=payment_intent, amount=amount, amount_refunded=refunded_cents, refunded=True
    )


def live_session(invoice: Invoice) -> CheckoutSession:
    """The invoice's Checkout Session, opened at the fake Stripe as the pay link would."""
    row = checkout_session_live(invoice_id=invoice.pk)
    assert (row.status, row.attempt, row.stripe_id) == (CheckoutStatus.OPEN, 1, "cs_test_secondo0001")
    return row


def ledger(invoice: Invoice) -> set[tuple[str, Decimal, str]]:
    return set(Payment.objects.filter(invoice=invoice).values_list("kind", "amount", "external_id"))


def receivable_state(invoice: Invoice) -> tuple[str, Decimal, Decimal, bool, datetime.date | None]:
    r = Receivable.objects.get(pk=invoice.pk)
    return (r.status, r.amount_due, r.amount_paid, r.overpaid, r.paid_on)


def world_state() -> dict[str, Any]:
    return {
        "payments": list(Payment.objects.order_by("pk").values()),
        "receivables": list(Receivable.objects.order_by("pk").values()),
        "checkouts": list(CheckoutSession.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def new_audit(since: int) -> list[tuple[str, int | None, str]]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk").values_list("action", "actor_id", "object_type"))


def last_audit_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# ---------------------------------------------------------------------------
# A paid session.


def test_a_completed_paid_session_records_one_payment_dated_on_the_events_local_day(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = fake_stripe.complete(row.stripe_id, paid=True, payment_intent=PI)
    late_evening = int(datetime.datetime(2026, 6, 14, 22, 30, tzinfo=datetime.UTC).timestamp())  # 00:30 in NL

    stored = deliver(COMPLETED, session, event_id="evt_completed", created=late_evening)

    assert stored is not None
    assert (stored.event_id, stored.type, stored.outcome, stored.invoice_id, stored.payment_intent) == (
        "evt_completed",
        COMPLETED,
        "payment of 121.00 recorded",
        invoice.pk,
        PI,
    )
    assert (stored.object_id, stored.deferred) == (row.stripe_id, False)
    assert stored.created == datetime.datetime(2026, 6, 14, 22, 30, tzinfo=datetime.UTC)
    [payment] = Payment.objects.all()
    assert (payment.invoice_id, payment.kind, payment.method, payment.amount) == (
        invoice.pk,
        PaymentKind.PAYMENT,
        PaymentMethod.STRIPE,
        Decimal("121.00"),
    )
    assert (payment.date, payment.external_id, payment.reference, payment.checkout_id, payment.recorded_by) == (
        datetime.date(2026, 6, 15),
        PI,
        PI,
        row.pk,
        None,
    )
    row.refresh_from_db()
    assert (row.status, row.payment_intent) == (CheckoutStatus.PAID, PI)
    assert receivable_state(invoice) == (PaymentStatus.PAID, Decimal("121.00"), Decimal("121.00"), False, TODAY)


def test_the_payment_and_its_audit_events_are_written_in_one_transaction_with_no_actor(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = fake_stripe.complete(row.stripe_id, paid=True, payment_intent=PI)
    since = last_audit_pk()

    deliver(COMPLETED, session, event_id="evt_completed")

    payment = Payment.objects.get()
    assert new_audit(since) == [
        ("checkout.paid", None, "billing.checkoutsession"),
        ("payment.payment", None, "billing.payment"),
        ("invoice.payment_status", None, "billing.invoice"),
    ]
    audit = AuditEvent.objects.get(action="payment.payment")
    assert (audit.object_id, audit.after) == (
        str(payment.pk),
        {
            "invoice": invoice.number,
            "kind": "payment",
            "method": "stripe",
            "amount": "121.00",
            "date": "2026-06-15",
            "reference": PI,
        },
    )
    status = AuditEvent.objects.get(action="invoice.payment_status")
    assert status.before is not None and status.after is not None
    assert (status.before["status"], status.after["status"], status.after["amount_paid"]) == ("open", "paid", "121.00")


def test_a_failure_after_the_payment_is_written_rolls_back_the_event_the_payment_and_its_audit(
    world: World, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = fake_stripe.complete(row.stripe_id, paid=True, payment_intent=PI)
    before = world_state()
    original = payment_add

    def payment_add_then_fail(**kwargs: Any) -> Payment:
        original(**kwargs)
        assert Payment.objects.count() == 1 and AuditEvent.objects.filter(action="payment.payment").count() == 1
        raise RuntimeError("the database went away")

    monkeypatch.setattr(stripe_events, "payment_add", payment_add_then_fail)

    with pytest.raises(RuntimeError, match="the database went away"):
        deliver(COMPLETED, session, event_id="evt_completed")

    assert world_state() == before
    assert StripeEvent.objects.count() == 0

    monkeypatch.setattr(stripe_events, "payment_add", original)  # Stripe delivers it again: now it is applied
    assert deliver(COMPLETED, session, event_id="evt_completed") is not None
    assert ledger(invoice) == {("payment", Decimal("121.00"), PI)}


def test_a_payment_without_a_checkout_row_is_recorded_too(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)

    stored = deliver(
        COMPLETED, paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100), event_id="evt_1"
    )

    assert stored is not None and stored.outcome == "payment of 121.00 recorded"
    payment = Payment.objects.get()
    assert (payment.external_id, payment.checkout) == ("pi_paid", None)
    assert CheckoutSession.objects.count() == 0
    assert receivable_state(invoice) == (PaymentStatus.PAID, Decimal("121.00"), Decimal("121.00"), False, TODAY)


def test_a_second_event_for_the_same_payment_intent_records_nothing_more(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    session = paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100)
    deliver(COMPLETED, session, event_id="evt_1")
    before = world_state()

    stored = deliver(SUCCEEDED, session, event_id="evt_2")

    assert stored is not None and stored.outcome == "no change: the payment is recorded already"
    assert world_state() == before
    assert StripeEvent.objects.count() == 2


def test_the_same_event_twice_is_a_duplicate_that_changes_nothing(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    session = paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100)
    deliver(COMPLETED, session, event_id="evt_1")
    before = world_state()
    events = list(StripeEvent.objects.values())

    assert deliver(COMPLETED, session, event_id="evt_1") is None

    assert world_state() == before
    assert list(StripeEvent.objects.values()) == events


# ---------------------------------------------------------------------------
# SEPA Direct Debit: completed unpaid, then the bank's answer.


def test_a_completed_unpaid_session_is_processing_until_the_async_payment_succeeds(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = fake_stripe.complete(row.stripe_id, paid=False, payment_intent=PI)

    stored = deliver(COMPLETED, session, event_id="evt_completed")

    assert stored is not None and stored.outcome == "session processing"
    row.refresh_from_db()
    assert (row.status, row.payment_intent) == (CheckoutStatus.PROCESSING, PI)
    assert Payment.objects.count() == 0
    assert receivable_state(invoice) == (PaymentStatus.OPEN, Decimal("121.00"), Decimal("0.00"), False, None)

    session["payment_status"] = "paid"
    stored = deliver(SUCCEEDED, session, event_id="evt_succeeded")

    assert stored is not None and stored.outcome == "payment of 121.00 recorded"
    row.refresh_from_db()
    assert row.status == CheckoutStatus.PAID
    assert ledger(invoice) == {("payment", Decimal("121.00"), PI)}
    assert receivable_state(invoice) == (PaymentStatus.PAID, Decimal("121.00"), Decimal("121.00"), False, TODAY)


def test_an_async_failure_marks_a_processing_session_failed_and_records_nothing(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = fake_stripe.complete(row.stripe_id, paid=False, payment_intent=PI)
    deliver(COMPLETED, session, event_id="evt_completed")

    stored = deliver(FAILED, session, event_id="evt_failed")

    assert stored is not None and stored.outcome == "session failed"
    row.refresh_from_db()
    assert row.status == CheckoutStatus.FAILED
    assert Payment.objects.count() == 0
    assert receivable_state(invoice) == (PaymentStatus.OPEN, Decimal("121.00"), Decimal("0.00"), False, None)


def test_a_late_async_failure_never_unpays(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = fake_stripe.complete(row.stripe_id, paid=True, payment_intent=PI)
    deliver(COMPLETED, session, event_id="evt_completed")
    before = world_state()

    stored = deliver(FAILED, {**session, "payment_status": "unpaid"}, event_id="evt_failed")

    assert stored is not None and stored.outcome == "no change: the session is paid"
    assert world_state() == before
    row.refresh_from_db()
    assert row.status == CheckoutStatus.PAID
    assert receivable_state(invoice) == (PaymentStatus.PAID, Decimal("121.00"), Decimal("121.00"), False, TODAY)


def test_an_expired_session_is_marked_expired_and_a_late_expiry_never_undoes_a_payment(
    world: World, fake_stripe: FakeStripe
) -> None:
    first = finalised(world)
    row = live_session(first)
    expired = {**fake_stripe.sessions[row.stripe_id], "status": "expired"}

    stored = deliver(EXPIRED, expired, event_id="evt_expired")

    assert stored is not None and stored.outcome == "session expired"
    row.refresh_from_db()
    assert row.status == CheckoutStatus.EXPIRED

    second = finalised(world)
    other = checkout_session_live(invoice_id=second.pk)
    deliver(COMPLETED, fake_stripe.complete(other.stripe_id, payment_intent="pi_other"), event_id="evt_paid")
    stored = deliver(EXPIRED, fake_stripe.sessions[other.stripe_id], event_id="evt_late_expired")

    assert stored is not None and stored.outcome == "no change: the session is paid"
    other.refresh_from_db()
    assert other.status == CheckoutStatus.PAID


# ---------------------------------------------------------------------------
# Any order of delivery, the same end.


def _perm_id(order: tuple[str, ...]) -> str:
    return "-then-".join(order)


SET_PAID_FAILED_REFUNDED = list(itertools.permutations(("completed_paid", "failed", "refunded_full")))
SET_UNPAID_SUCCEEDED_FAILED = list(itertools.permutations(("completed_unpaid", "succeeded", "failed")))


def _events(fake: FakeStripe, invoice: Invoice) -> dict[str, tuple[str, dict[str, Any], str]]:
    row = live_session(invoice)
    paid = fake.complete(row.stripe_id, paid=True, payment_intent=PI)
    unpaid = {**paid, "payment_status": "unpaid"}
    return {
        "completed_paid": (COMPLETED, paid, "evt_completed"),
        "completed_unpaid": (COMPLETED, unpaid, "evt_completed"),
        "succeeded": (SUCCEEDED, paid, "evt_succeeded"),
        "failed": (FAILED, unpaid, "evt_failed"),
        "refunded_full": (REFUNDED, charge(refunded_cents=12100), "evt_refunded"),
    }


def _final_state(invoice: Invoice) -> dict[str, Any]:
    return {
        "ledger": ledger(invoice),
        "ledger_dates": set(Payment.objects.values_list("date", flat=True)),
        "receivable": receivable_state(invoice),
        "checkout": list(CheckoutSession.objects.values_list("status", "payment_intent")),
        "events": set(StripeEvent.objects.values_list("event_id", "invoice_id", "payment_intent", "deferred")),
        "deferred": StripeEvent.objects.filter(deferred=True).count(),
    }


@pytest.mark.parametrize("order", SET_PAID_FAILED_REFUNDED, ids=_perm_id)
def test_every_order_of_paid_failed_and_refunded_ends_in_the_same_state(
    world: World, fake_stripe: FakeStripe, order: tuple[str, ...]
) -> None:
    invoice = finalised(world)
    events = _events(fake_stripe, invoice)

    for name in order:
        assert deliver(events[name][0], events[name][1], event_id=events[name][2]) is not None

    assert _final_state(invoice) == {
        "ledger": {
            ("payment", Decimal("121.00"), PI),
            ("refund", Decimal("-121.00"), f"{CHARGE}:refunded:121.00"),
        },
        "ledger_dates": {TODAY},
        "receivable": (PaymentStatus.OPEN, Decimal("121.00"), Decimal("0.00"), False, None),
        "checkout": [(CheckoutStatus.PAID, PI)],
        "events": {
            ("evt_completed", invoice.pk, PI, False),
            ("evt_failed", invoice.pk, PI, False),
            ("evt_refunded", invoice.pk, PI, False),
        },
        "deferred": 0,
    }


@pytest.mark.parametrize("order", SET_UNPAID_SUCCEEDED_FAILED, ids=_perm_id)
def test_every_order_of_unpaid_succeeded_and_failed_ends_paid(
    world: World, fake_stripe: FakeStripe, order: tuple[str, ...]
) -> None:
    invoice = finalised(world)
    events = _events(fake_stripe, invoice)

    for name in order:
        assert deliver(events[name][0], events[name][1], event_id=events[name][2]) is not None

    assert _final_state(invoice) == {
        "ledger": {("payment", Decimal("121.00"), PI)},
        "ledger_dates": {TODAY},
        "receivable": (PaymentStatus.PAID, Decimal("121.00"), Decimal("121.00"), False, TODAY),
        "checkout": [(CheckoutStatus.PAID, PI)],
        "events": {
            ("evt_completed", invoice.pk, PI, False),
            ("evt_succeeded", invoice.pk, PI, False),
            ("evt_failed", invoice.pk, PI, False),
        },
        "deferred": 0,
    }


# ---------------------------------------------------------------------------
# Refunds.


@pytest.fixture
def paid_invoice(world: World, fake_stripe: FakeStripe) -> Invoice:
    invoice = finalised(world)
    session = paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent=PI)
    deliver(COMPLETED, session, event_id="evt_paid")
    return invoice


def test_partial_refunds_record_what_each_cumulative_amount_adds(paid_invoice: Invoice) -> None:
    first = deliver(REFUNDED, charge(refunded_cents=2100), event_id="evt_refund_1")

    assert first is not None and first.outcome == "refund of 21.00 recorded"
    assert receivable_state(paid_invoice) == (
        PaymentStatus.PARTIALLY_PAID,
        Decimal("121.00"),
        Decimal("100.00"),
        False,
        None,
    )

    second = deliver(REFUNDED, charge(refunded_cents=12100), event_id="evt_refund_2")

    assert second is not None and second.outcome == "refund of 100.00 recorded"
    assert ledger(paid_invoice) == {
        ("payment", Decimal("121.00"), PI),
        ("refund", Decimal("-21.00"), f"{CHARGE}:refunded:21.00"),
        ("refund", Decimal("-100.00"), f"{CHARGE}:refunded:121.00"),
    }
    refunds = Payment.objects.filter(kind=PaymentKind.REFUND)
    assert set(refunds.values_list("method", "reference", "date")) == {(PaymentMethod.STRIPE, CHARGE, TODAY)}
    assert not refunds.filter(recorded_by__isnull=False).exists()
    assert receivable_state(paid_invoice) == (PaymentStatus.OPEN, Decimal("121.00"), Decimal("0.00"), False, None)
    assert AuditEvent.objects.filter(action="payment.refund", actor=None).count() == 2


def test_refund_events_out_of_order_record_the_whole_refund_once(paid_invoice: Invoice) -> None:
    first = deliver(REFUNDED, charge(refunded_cents=12100), event_id="evt_refund_2")
    before = world_state()

    late = deliver(REFUNDED, charge(refunded_cents=2100), event_id="evt_refund_1")

    assert first is not None and first.outcome == "refund of 121.00 recorded"
    assert late is not None and late.outcome == "no change: the refund is recorded already"
    assert world_state() == before
    assert ledger(paid_invoice) == {
        ("payment", Decimal("121.00"), PI),
        ("refund", Decimal("-121.00"), f"{CHARGE}:refunded:121.00"),
    }


def test_a_refund_for_an_unknown_payment_intent_waits_and_is_applied_when_the_payment_arrives(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    before = world_state()

    waiting = deliver(REFUNDED, charge(refunded_cents=2100), event_id="evt_refund")

    assert waiting is not None
    assert (waiting.outcome, waiting.deferred, waiting.payment_intent, waiting.invoice_id) == (
        "deferred: its payment is not known yet",
        True,
        PI,
        None,
    )
    assert world_state() == before

    paid = deliver(
        COMPLETED,
        paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent=PI),
        event_id="evt_paid",
    )

    assert paid is not None and paid.outcome == "payment of 121.00 recorded; a waiting refund applied"
    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.deferred, waiting.invoice_id) == ("refund of 21.00 recorded", False, invoice.pk)
    assert ledger(invoice) == {
        ("payment", Decimal("121.00"), PI),
        ("refund", Decimal("-21.00"), f"{CHARGE}:refunded:21.00"),
    }
    assert receivable_state(invoice) == (
        PaymentStatus.PARTIALLY_PAID,
        Decimal("121.00"),
        Decimal("100.00"),
        False,
        None,
    )


def test_a_waiting_refund_stays_waiting_when_another_payment_arrives(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    deliver(REFUNDED, charge(refunded_cents=2100, payment_intent="pi_elsewhere"), event_id="evt_refund")

    deliver(
        COMPLETED,
        paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent=PI),
        event_id="evt_paid",
    )

    assert list(StripeEvent.objects.filter(deferred=True).values_list("event_id", flat=True)) == ["evt_refund"]
    assert ledger(invoice) == {("payment", Decimal("121.00"), PI)}


def test_a_refund_in_another_currency_is_ignored(paid_invoice: Invoice) -> None:
    before = world_state()

    stored = deliver(REFUNDED, {**charge(refunded_cents=12100), "currency": "usd"}, event_id="evt_refund")

    assert stored is not None
    assert (stored.outcome, stored.deferred) == ("ignored: currency usd", False)
    assert world_state() == before


def test_a_refund_of_a_charge_without_payment_intent_is_ignored(paid_invoice: Invoice) -> None:
    before = world_state()

    stored = deliver(REFUNDED, charge(refunded_cents=12100, payment_intent=""), event_id="evt_refund")

    assert stored is not None
    assert (stored.outcome, stored.deferred) == (
        "ignored: the charge has no PaymentIntent (not a Checkout payment)",
        False,
    )
    assert world_state() == before


# ---------------------------------------------------------------------------
# Events that are stored and ignored.


def _draft_id(world: World) -> int:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(1))
    return draft.pk


@pytest.mark.parametrize(
    ("case", "outcome"),
    [
        ("no metadata", "ignored: no invoice_id in the session's metadata"),
        ("no invoice number", "ignored: the metadata's number does not match invoice {id}"),
        ("another invoice's number", "ignored: the metadata's number does not match invoice {id}"),
        ("unknown invoice", "ignored: invoice 999999 takes no payments here"),
        ("draft invoice", "ignored: invoice {draft} takes no payments here"),
        ("not a decimal id", "ignored: no invoice_id in the session's metadata"),
        (
            "an internal statement",
            "ignored: invoice {statement} is not a tenant invoice (internal statements are settled)",
        ),
    ],
)
def test_a_session_whose_metadata_names_no_finalised_invoice_is_stored_and_ignored(
    world: World, fake_stripe: FakeStripe, case: str, outcome: str
) -> None:
    invoice = finalised(world)
    other = finalised(world)
    draft = _draft_id(world)
    statement = finalised(world, client=ClientFactory(kind="internal", vat_treatment="none", cost_centre="CC-1"))
    metadata = {
        "no metadata": {},
        "no invoice number": {"invoice_id": str(invoice.pk)},
        "another invoice's number": {"invoice_id": str(invoice.pk), "invoice_number": other.number},
        "unknown invoice": {"invoice_id": "999999", "invoice_number": invoice.number},
        "draft invoice": {"invoice_id": str(draft), "invoice_number": ""},
        "not a decimal id": {"invoice_id": "²", "invoice_number": invoice.number},
        "an internal statement": {"invoice_id": str(statement.pk), "invoice_number": statement.number},
    }[case]
    session = {**paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100), "metadata": metadata}
    before = world_state()

    stored = deliver(COMPLETED, session, event_id="evt_1")

    assert stored is not None
    assert (stored.outcome, stored.invoice_id, stored.deferred) == (
        outcome.format(id=invoice.pk, draft=draft, statement=statement.pk),
        None,
        False,
    )
    assert StripeEvent.objects.count() == 1
    assert world_state() == before
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("currency", "cents", "outcome"),
    [
        ("usd", 12100, "ignored: amount 121.00 usd"),
        ("gbp", 12100, "ignored: amount 121.00 gbp"),
        ("eur", 0, "ignored: amount 0.00 eur"),
    ],
)
def test_a_payment_in_another_currency_or_of_nothing_is_ignored(
    world: World, fake_stripe: FakeStripe, currency: str, cents: int, outcome: str
) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = {**fake_stripe.complete(row.stripe_id, payment_intent=PI), "currency": currency, "amount_total": cents}
    before = world_state()

    stored = deliver(COMPLETED, session, event_id="evt_1")

    assert stored is not None and (stored.outcome, stored.invoice_id) == (outcome, invoice.pk)
    assert world_state() == before
    row.refresh_from_db()
    assert row.status == CheckoutStatus.OPEN


def test_euros_in_capitals_are_euros(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    session = {**paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100), "currency": "EUR"}

    stored = deliver(COMPLETED, session, event_id="evt_1")

    assert stored is not None and stored.outcome == "payment of 121.00 recorded"


def test_a_completed_session_that_needs_no_payment_is_ignored(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    row = live_session(invoice)
    session = {**fake_stripe.complete(row.stripe_id, payment_intent=PI), "payment_status": "no_payment_required"}
    before = world_state()

    stored = deliver(COMPLETED, session, event_id="evt_1")

    assert stored is not None and stored.outcome == "ignored: payment status 'no_payment_required'"
    assert world_state() == before


@pytest.mark.parametrize("event_type", ["customer.created", "payment_intent.succeeded", "checkout.session.unknown"])
def test_a_type_secondo_does_not_act_on_is_stored_and_ignored(
    world: World, fake_stripe: FakeStripe, event_type: str
) -> None:
    invoice = finalised(world)
    session = paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100)
    before = world_state()

    stored = deliver(event_type, session, event_id="evt_other")

    assert stored is not None
    assert (stored.type, stored.outcome, stored.invoice_id, stored.deferred) == (
        event_type,
        "ignored: not a type Secondo acts on",
        None,
        False,
    )
    assert world_state() == before


# ---------------------------------------------------------------------------
# Part and over-payment.


def test_a_stripe_payment_of_less_than_the_total_leaves_the_invoice_partially_paid(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)

    deliver(COMPLETED, paid_session(invoice_id=invoice.pk, number=invoice.number, cents=5000), event_id="evt_1")

    assert ledger(invoice) == {("payment", Decimal("50.00"), "pi_paid")}
    assert receivable_state(invoice) == (
        PaymentStatus.PARTIALLY_PAID,
        Decimal("121.00"),
        Decimal("50.00"),
        False,
        None,
    )


def test_two_payment_intents_paying_the_same_invoice_flag_it_overpaid(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    deliver(
        COMPLETED,
        paid_session(
            invoice_id=invoice.pk, number=invoice.number, cents=12100, session_id="cs_1", payment_intent="pi_1"
        ),
        event_id="evt_1",
    )
    since = last_audit_pk()

    stored = deliver(
        COMPLETED,
        paid_session(
            invoice_id=invoice.pk,
            number=invoice.number,
            cents=12100,
            session_id="cs_2",
            payment_intent="pi_2",
            attempt=2,
        ),
        event_id="evt_2",
    )

    assert stored is not None and stored.outcome == "payment of 121.00 recorded"
    assert ledger(invoice) == {("payment", Decimal("121.00"), "pi_1"), ("payment", Decimal("121.00"), "pi_2")}
    assert receivable_state(invoice) == (PaymentStatus.PAID, Decimal("121.00"), Decimal("242.00"), True, TODAY)
    assert new_audit(since) == [
        ("payment.payment", None, "billing.payment"),
        ("invoice.overpaid", None, "billing.invoice"),
    ]
    flagged = AuditEvent.objects.get(action="invoice.overpaid")
    assert flagged.before is not None and flagged.after is not None
    assert (flagged.object_id, flagged.before["overpaid"], flagged.after["overpaid"]) == (str(invoice.pk), False, True)
    assert (flagged.before["amount_paid"], flagged.after["amount_paid"]) == ("121.00", "242.00")


def test_refunds_waiting_in_order_are_applied_in_stripes_order_as_if_the_payment_had_come_first(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    deliver(REFUNDED, charge(refunded_cents=2100), event_id="evt_refund_1", created=NOW - 60)
    deliver(REFUNDED, charge(refunded_cents=12100), event_id="evt_refund_2", created=NOW - 30)

    paid = deliver(
        COMPLETED,
        paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent=PI),
        event_id="evt_paid",
        created=NOW - 90,
    )

    assert paid is not None
    assert paid.outcome == "payment of 121.00 recorded; 2 waiting refunds applied"
    assert ledger(invoice) == {
        ("payment", Decimal("121.00"), PI),
        ("refund", Decimal("-21.00"), f"{CHARGE}:refunded:21.00"),
        ("refund", Decimal("-100.00"), f"{CHARGE}:refunded:121.00"),
    }
    assert dict(StripeEvent.objects.filter(type=REFUNDED).values_list("event_id", "outcome")) == {
        "evt_refund_1": "refund of 21.00 recorded",
        "evt_refund_2": "refund of 100.00 recorded",
    }


def test_many_waiting_refunds_are_all_applied_and_the_outcome_fits_its_column(
    world: World, fake_stripe: FakeStripe
) -> None:
    invoice = finalised(world)
    for n in range(1, 13):
        deliver(REFUNDED, charge(refunded_cents=100 * n), event_id=f"evt_refund_{n:02d}", created=NOW - 100 + n)

    paid = deliver(
        COMPLETED,
        paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent=PI),
        event_id="evt_paid",
    )

    assert paid is not None
    paid.refresh_from_db()
    assert paid.outcome == "payment of 121.00 recorded; 12 waiting refunds applied"
    assert StripeEvent.objects.filter(deferred=True).count() == 0
    assert (
        sorted(Payment.objects.filter(kind=PaymentKind.REFUND).values_list("amount", flat=True))
        == [Decimal("-1.00")] * 12
    )
    assert receivable_state(invoice)[2] == Decimal("109.00")
