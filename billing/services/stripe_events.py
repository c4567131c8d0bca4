"""Stripe's webhook events: each stored once, in the transaction of its effect.

Handled:
- ``checkout.session.completed``: paid (card, iDEAL) records the payment; unpaid (SEPA Direct Debit)
  marks the session processing;
- ``checkout.session.async_payment_succeeded``: records the payment;
- ``checkout.session.async_payment_failed``: marks the session failed, unless it was paid;
- ``checkout.session.expired``: marks the session expired, unless it went further;
- ``charge.refunded``: records what was refunded since the last event (``amount_refunded`` only
  grows); a refund whose payment is not known yet waits (``deferred``) and is applied when the
  payment's event arrives.

Any other type is stored and ignored. The ledger only grows and sessions only move forward, so the
events may come in any order, or twice: the result is the same.
"""

import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from billing.models import (
    CheckoutSession,
    CheckoutStatus,
    InvoiceKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    Receivable,
    StripeEvent,
)
from billing.payments.stripe_adapter import CURRENCY, Checkout, Event, Refunds, refunds_of
from billing.services.checkout import checkout_status_advance
from billing.services.payments import payment_add

COMPLETED = "checkout.session.completed"
SUCCEEDED = "checkout.session.async_payment_succeeded"
FAILED = "checkout.session.async_payment_failed"
EXPIRED = "checkout.session.expired"
REFUNDED = "charge.refunded"


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _intent_lock(payment_intent: str) -> None:
    """Serialise the events of one PaymentIntent until this transaction ends: a refund deciding to wait for
    its payment, and the payment looking for waiting refunds, each see what the other committed (without
    it, a refund handled while its payment commits waits for ever). Taken before the receivable's lock."""
    if payment_intent and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"stripe:{payment_intent}"])


@transaction.atomic
def stripe_event_handle(*, event: Event) -> StripeEvent | None:
    """Store the verified event and apply it; a duplicate (its id is stored) does nothing: None.

    A concurrent duplicate waits on the unique event id until the first commits, then does nothing.
    """
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(
                event_id=event.id,
                type=event.type,
                created=event.created,
                object_id=event.object_id,
                outcome="received",
                payload=event.payload,
            )
    except IntegrityError:
        return None
    if event.checkout is not None and event.type in (COMPLETED, SUCCEEDED, FAILED, EXPIRED):
        _checkout_event(stored=stored, event=event, session=event.checkout)
    elif event.refunds is not None and event.type == REFUNDED:
        _refund_event(stored=stored, refunds=event.refunds, day=_day(event.created))
    else:
        stored.outcome = "ignored: not a type Secondo acts on"
    stored.outcome = stored.outcome[: StripeEvent._meta.get_field("outcome").max_length]  # a column of 200
    stored.save(update_fields=["outcome", "invoice", "payment_intent", "deferred"])
    return stored


def _receivable_for(session: Checkout) -> tuple[Receivable | None, str]:
    raw = session.metadata.get("invoice_id", "")
    if not (raw.isascii() and raw.isdecimal()):
        return None, "ignored: no invoice_id in the session's metadata"
    receivable = Receivable.objects.select_for_update().select_related("invoice").filter(pk=int(raw)).first()
    if receivable is None:
        return None, f"ignored: invoice {raw} takes no payments here"
    if session.metadata.get("invoice_number") != receivable.invoice.number:
        return None, f"ignored: the metadata's number does not match invoice {raw}"
    if receivable.invoice.kind != InvoiceKind.INVOICE:
        return None, f"ignored: invoice {raw} is not a tenant invoice (internal statements are settled)"
    return receivable, ""


def _checkout_row(*, session: Checkout, invoice_id: int) -> CheckoutSession | None:
    row = CheckoutSession.objects.select_for_update().filter(stripe_id=session.id).first()
    attempt = session.metadata.get("attempt", "")
    if row is None and attempt.isascii() and attempt.isdecimal():
        row = CheckoutSession.objects.select_for_update().filter(invoice_id=invoice_id, attempt=int(attempt)).first()
        if row is not None and not row.stripe_id:
            row.stripe_id = session.id
            row.save(update_fields=["stripe_id", "updated_at"])
    return row


def _checkout_event(*, stored: StripeEvent, event: Event, session: Checkout) -> None:
    _intent_lock(session.payment_intent)
    receivable, why = _receivable_for(session)
    if receivable is None:
        stored.outcome = why
        return
    stored.invoice_id = receivable.pk
    stored.payment_intent = session.payment_intent
    row = _checkout_row(session=session, invoice_id=receivable.pk)
    if row is not None and session.payment_intent:
        row.payment_intent = session.payment_intent
    paid = event.type == SUCCEEDED or (event.type == COMPLETED and session.payment_status == "paid")
    if paid:
        stored.outcome = _payment_apply(receivable=receivable, session=session, row=row, day=_day(event.created))
        return
    status = {
        COMPLETED: CheckoutStatus.PROCESSING,
        FAILED: CheckoutStatus.FAILED,
        EXPIRED: CheckoutStatus.EXPIRED,
    }[event.type]
    if event.type == COMPLETED and session.payment_status != "unpaid":
        stored.outcome = f"ignored: payment status {session.payment_status!r}"
        return
    moved = row is not None and checkout_status_advance(checkout=row, status=status)
    stored.outcome = f"session {status}" if moved else f"no change: the session is {row.status if row else 'unknown'}"


def _payment_apply(
    *, receivable: Receivable, session: Checkout, row: CheckoutSession | None, day: datetime.date
) -> str:
    if session.amount_total is None or session.amount_total <= 0 or session.currency.lower() != CURRENCY:
        return f"ignored: amount {session.amount_total} {session.currency}"
    external_id = session.payment_intent or session.id
    if row is not None:
        checkout_status_advance(checkout=row, status=CheckoutStatus.PAID)
    if Payment.objects.filter(method=PaymentMethod.STRIPE, external_id=external_id).exists():
        return "no change: the payment is recorded already"
    payment_add(
        receivable=receivable,
        actor=None,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.STRIPE,
        amount=session.amount_total,
        date=day,
        reference=external_id,
        external_id=external_id,
        checkout_id=row.pk if row else None,
    )
    outcome = f"payment of {session.amount_total} recorded"
    if session.payment_intent:
        applied = 0
        # In the order Stripe made them (``amount_refunded`` grows), as if the payment had come first.
        for waiting in (
            StripeEvent.objects.select_for_update()
            .filter(deferred=True, payment_intent=session.payment_intent)
            .order_by("created", "pk")
        ):
            obj = waiting.payload["data"]["object"]
            waiting.outcome = _refund_apply(receivable=receivable, refunds=refunds_of(obj), day=_day(waiting.created))
            waiting.deferred, waiting.invoice_id = False, receivable.pk
            waiting.save(update_fields=["outcome", "deferred", "invoice"])
            applied += 1
        if applied:
            outcome += "; a waiting refund applied" if applied == 1 else f"; {applied} waiting refunds applied"
    return outcome


def _refund_event(*, stored: StripeEvent, refunds: Refunds, day: datetime.date) -> None:
    stored.payment_intent = refunds.payment_intent
    if not refunds.payment_intent:
        stored.outcome = "ignored: the charge has no PaymentIntent (not a Checkout payment)"
        return
    if refunds.currency.lower() != CURRENCY:
        stored.outcome = f"ignored: currency {refunds.currency}"
        return
    _intent_lock(refunds.payment_intent)
    payment = Payment.objects.filter(
        method=PaymentMethod.STRIPE, kind=PaymentKind.PAYMENT, external_id=refunds.payment_intent
    ).first()
    if payment is None:
        stored.deferred = True
        stored.outcome = "deferred: its payment is not known yet"
        return
    receivable = Receivable.objects.select_for_update().select_related("invoice").get(pk=payment.invoice_id)
    stored.invoice_id = receivable.pk
    stored.outcome = _refund_apply(receivable=receivable, refunds=refunds, day=day)


def _refund_apply(*, receivable: Receivable, refunds: Refunds, day: datetime.date) -> str:
    """Record what the charge's cumulative ``amount_refunded`` adds to what is recorded for it."""
    recorded = [
        -p.amount
        for p in Payment.objects.filter(
            method=PaymentMethod.STRIPE, kind=PaymentKind.REFUND, reference=refunds.charge_id
        )
    ]
    more = refunds.amount_refunded - sum(recorded)
    if more <= 0:
        return "no change: the refund is recorded already"
    payment_add(
        receivable=receivable,
        actor=None,
        kind=PaymentKind.REFUND,
        method=PaymentMethod.STRIPE,
        amount=-more,
        date=day,
        reference=refunds.charge_id,
        external_id=f"{refunds.charge_id}:refunded:{refunds.amount_refunded}",
    )
    return f"refund of {more} recorded"
