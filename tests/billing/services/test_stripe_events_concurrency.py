"""Stripe delivering at the same moment, on PostgreSQL (billing/services/stripe_events.py): the same event
from many workers is applied once; two events for one PaymentIntent record one payment; a refund racing
its payment is not left waiting."""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from billing.models import Invoice, Payment, PaymentStatus, Receivable, StripeEvent
from billing.payments.stripe_adapter import webhook_event_construct
from billing.services import stripe_events
from billing.services.payments import payment_add
from billing.services.stripe_events import stripe_event_handle
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe, charge_object, event_body, paid_session, signed
from tests.conftest import World

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/stripe/webhook/"
PI = "pi_race"


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released together; their results (or exceptions) in order.
    Each thread closes its own database connection when done."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def _backend_pid() -> int:
    """This thread's database session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _waits_for_a_lock(pids: list[int]) -> bool:
    """Whether one of the database sessions ``pids`` is blocked on a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s::int[]) AND wait_event_type = 'Lock'", [pids]
        )
        return bool(cursor.fetchone()[0])


def _hold(until: Callable[[], bool], pids: list[int]) -> None:
    """Keep this thread's transaction open until ``until()`` or until another session waits on a lock it
    holds (at most 10 s): the window in which a missing guard would show."""
    for _ in range(200):
        if until() or _waits_for_a_lock(pids):
            return
        threading.Event().wait(timeout=0.05)


def _paid(invoice: Invoice) -> dict[str, Any]:
    return paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent=PI)


def test_the_same_event_delivered_by_8_workers_at_once_is_applied_once(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    body = event_body("checkout.session.completed", _paid(invoice), event_id="evt_once")

    def deliver(_: int) -> tuple[int, dict[str, Any]]:
        response = Client().post(URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(body))
        return response.status_code, response.json()

    results = at_once(8, deliver)

    assert sorted(map(str, results)) == sorted(
        [str((200, {"received": "payment of 121.00 recorded"}))] + [str((200, {"received": "duplicate"}))] * 7
    )
    assert list(StripeEvent.objects.values_list("event_id", flat=True)) == ["evt_once"]
    assert list(Payment.objects.values_list("amount", "external_id")) == [(Decimal("121.00"), PI)]
    receivable = Receivable.objects.get(pk=invoice.pk)
    assert (receivable.status, receivable.amount_paid, receivable.overpaid) == (
        PaymentStatus.PAID,
        Decimal("121.00"),
        False,
    )


def test_completed_and_async_succeeded_for_one_payment_intent_at_once_record_one_payment(
    world: World, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = finalised(world)
    events = []
    for event_type, event_id in (
        ("checkout.session.completed", "evt_completed"),
        ("checkout.session.async_payment_succeeded", "evt_succeeded"),
    ):
        body = event_body(event_type, _paid(invoice), event_id=event_id)
        events.append(webhook_event_construct(payload=body.encode(), signature=signed(body)))

    pids: list[int] = []
    recording: list[int] = []
    original = payment_add

    def payment_add_when_the_other_is_blocked(**kwargs: Any) -> Any:
        """Both threads here at once would mean no guard: each saw no payment and would record one."""
        recording.append(threading.get_ident())
        _hold(lambda: len(recording) == 2, pids)
        return original(**kwargs)

    monkeypatch.setattr(stripe_events, "payment_add", payment_add_when_the_other_is_blocked)

    def work(i: int) -> StripeEvent | None:
        pids.append(_backend_pid())
        return stripe_event_handle(event=events[i])

    results = at_once(2, work)

    assert all(isinstance(r, StripeEvent) for r in results), results
    assert sorted(r.outcome for r in results) == [
        "no change: the payment is recorded already",
        "payment of 121.00 recorded",
    ]
    assert len(recording) == 1
    assert StripeEvent.objects.count() == 2
    assert list(Payment.objects.values_list("amount", "external_id")) == [(Decimal("121.00"), PI)]
    assert Receivable.objects.get(pk=invoice.pk).amount_paid == Decimal("121.00")


def test_a_refund_arriving_while_its_payment_is_being_recorded_is_not_left_waiting(
    world: World, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payment's transaction is held open after it looked for waiting refunds; the refund, handled
    meanwhile, must not decide to wait for a payment that is about to commit (nothing would apply it)."""
    invoice = finalised(world)
    paid_body = event_body("checkout.session.completed", _paid(invoice), event_id="evt_paid")
    refund_body = event_body(
        "charge.refunded",
        charge_object(id="ch_race", payment_intent=PI, amount=12100, amount_refunded=12100),
        event_id="evt_refund",
    )
    paid = webhook_event_construct(payload=paid_body.encode(), signature=signed(paid_body))
    refund = webhook_event_construct(payload=refund_body.encode(), signature=signed(refund_body))
    applied, refund_done = threading.Event(), threading.Event()
    refund_pid: list[int] = []
    original = stripe_events._checkout_event

    def checkout_event_then_hold(**kwargs: Any) -> None:
        """Apply the payment, then keep its transaction open until the refund is handled or waits on a lock."""
        original(**kwargs)
        applied.set()
        _hold(refund_done.is_set, refund_pid)

    monkeypatch.setattr(stripe_events, "_checkout_event", checkout_event_then_hold)

    def work(i: int) -> StripeEvent | None:
        if i == 0:
            return stripe_event_handle(event=paid)
        refund_pid.append(_backend_pid())
        assert applied.wait(timeout=10)
        try:
            return stripe_event_handle(event=refund)
        finally:
            refund_done.set()

    results = at_once(2, work)

    assert all(isinstance(r, StripeEvent) for r in results), results
    assert [r.outcome for r in results] == ["payment of 121.00 recorded", "refund of 121.00 recorded"]
    assert sorted(Payment.objects.values_list("kind", "amount")) == [
        ("payment", Decimal("121.00")),
        ("refund", Decimal("-121.00")),
    ]
    assert StripeEvent.objects.filter(deferred=True).count() == 0
    assert Receivable.objects.get(pk=invoice.pk).amount_paid == Decimal("0.00")
