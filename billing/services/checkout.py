"""Stripe Checkout for tenant invoices: a session per invoice, renewed on demand.

The invoice's pay link (``pay_link``) is a stable address of ours, printed on
the PDF and in the e-mail: visiting it gives a live Checkout Session for what
is still owed, a new one if the last expired. A session's row, with its
idempotency key (invoice id and attempt), is stored before Stripe is called,
so a retried task or a second visitor asks Stripe with the same key and gets
the same session. Stripe is called between two short transactions, never under
a lock.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.services import audit_record
from billing.models import CheckoutSession, CheckoutStatus, Invoice, InvoiceKind, InvoiceStatus, Receivable
from billing.payments import stripe_adapter
from billing.pdf.formatting import LABELS

logger = logging.getLogger(__name__)

# A session that expires sooner than this is renewed rather than handed out.
LIVE_MARGIN = datetime.timedelta(minutes=10)
# Stripe allows 30 minutes to 24 hours.
SESSION_LIFETIME = datetime.timedelta(hours=23)
# A row still being created is retried under its key (and its ``expires_at``, created_at + lifetime) only
# while that expiry is far enough ahead for Stripe (at least 30 minutes) and for us (LIVE_MARGIN).
RETRY_WINDOW = SESSION_LIFETIME - datetime.timedelta(minutes=30) - LIVE_MARGIN
_SALT = "billing.pay-link"

# Which states a session may move to: never backwards (a late failure never un-pays).
RANK = {
    CheckoutStatus.CREATING: 0,
    CheckoutStatus.OPEN: 0,
    CheckoutStatus.EXPIRED: 1,
    CheckoutStatus.PROCESSING: 2,
    CheckoutStatus.FAILED: 3,
    CheckoutStatus.PAID: 4,
}


def online_payment_enabled() -> bool:
    return stripe_adapter.enabled()


def pay_token(*, invoice_id: int) -> str:
    return signing.Signer(salt=_SALT).signature(str(invoice_id))


def pay_token_valid(*, invoice_id: int, token: str) -> bool:
    return constant_time_compare(pay_token(invoice_id=invoice_id), token)


def pay_link(*, invoice: Invoice) -> str:
    """The stable address that pays the invoice online; empty when Stripe is off or it is not a tenant
    invoice. The same invoice always gets the same link (the PDF is the same bytes)."""
    if not online_payment_enabled() or invoice.kind != InvoiceKind.INVOICE or not invoice.pk:
        return ""
    path = reverse("pay", kwargs={"invoice_id": invoice.pk, "token": pay_token(invoice_id=invoice.pk)})
    return settings.SITE_URL.rstrip("/") + path


def checkout_status_advance(*, checkout: CheckoutSession, status: str) -> bool:
    """Move a locked session forward; a move backwards (paid -> failed, say) is ignored."""
    if status == checkout.status or RANK[CheckoutStatus(status)] < RANK[CheckoutStatus(checkout.status)]:
        return False
    before = checkout.status
    checkout.status = status
    checkout.save(update_fields=["status", "payment_intent", "updated_at"])
    audit_record(
        actor=None, action=f"checkout.{status}", obj=checkout, before={"status": before}, after={"status": status}
    )
    return True


def _idempotency_key(*, invoice_id: int, attempt: int) -> str:
    return f"secondo-invoice-{invoice_id}-checkout-{attempt}"


def _claim(*, invoice_id: int, actor: User | None) -> tuple[CheckoutSession | None, str]:
    """In one short transaction: the live session to hand out, or the row to create at Stripe (and the
    id of a stale open session to expire). Returns (row, stale session id)."""
    with transaction.atomic():
        receivable = Receivable.objects.select_for_update().select_related("invoice").filter(pk=invoice_id).first()
        if receivable is None or receivable.invoice.kind != InvoiceKind.INVOICE:
            raise ApplicationError(
                "Only a finalised tenant invoice is paid online.", fields={"invoice": ["Not payable online."]}
            )
        outstanding = receivable.outstanding
        if outstanding <= 0:
            raise ApplicationError("Nothing is owed on this invoice.", fields={"invoice": ["Paid."]})
        latest = CheckoutSession.objects.filter(invoice_id=invoice_id).order_by("-attempt").first()
        now = timezone.now()
        # Any attempt, not only the latest: an older session may complete (SEPA) after it was replaced.
        if CheckoutSession.objects.filter(invoice_id=invoice_id, status=CheckoutStatus.PROCESSING).exists():
            raise ApplicationError(
                "A payment for this invoice is being processed by the bank; it is not paid twice.",
                fields={"invoice": ["Payment processing."]},
            )
        if latest is not None:
            same_amount = latest.amount == outstanding
            if (
                latest.status == CheckoutStatus.OPEN
                and same_amount
                and latest.expires_at
                and latest.expires_at > now + LIVE_MARGIN
            ):
                return latest, ""
            if latest.status == CheckoutStatus.CREATING and same_amount and now - latest.created_at < RETRY_WINDOW:
                # A retry: the same idempotency key gives the same session. The session it replaces is
                # expired again, in case the first try failed before that (harmless if it is expired).
                replaced = (
                    CheckoutSession.objects.filter(
                        invoice_id=invoice_id, attempt=latest.attempt - 1, status=CheckoutStatus.EXPIRED
                    )
                    .exclude(stripe_id="")
                    .first()
                )
                return latest, replaced.stripe_id if replaced else ""
            stale = latest.stripe_id if latest.status in (CheckoutStatus.OPEN, CheckoutStatus.CREATING) else ""
            if latest.status in (CheckoutStatus.OPEN, CheckoutStatus.CREATING):
                checkout_status_advance(checkout=latest, status=CheckoutStatus.EXPIRED)
        else:
            stale = ""
        attempt = (latest.attempt if latest else 0) + 1
        row = CheckoutSession.objects.create(
            invoice_id=invoice_id,
            attempt=attempt,
            idempotency_key=_idempotency_key(invoice_id=invoice_id, attempt=attempt),
            amount=outstanding,
        )
        audit_record(
            actor=actor,
            action="checkout.create",
            obj=row,
            after={"invoice": receivable.invoice.number, "attempt": attempt, "amount": outstanding},
        )
        return row, stale


def checkout_session_live(*, invoice_id: int, actor: User | None = None) -> CheckoutSession:
    """A live Checkout Session for what the tenant invoice still owes: the open one, or a new one
    (renewed on demand when the last expired, or when what is owed changed). ``actor``: who asked
    (None: the system, or a customer following the pay link)."""
    row, stale = _claim(invoice_id=invoice_id, actor=actor)
    assert row is not None
    if row.status == CheckoutStatus.OPEN:
        return row
    if stale:
        stripe_adapter.checkout_session_expire(session_id=stale)
    invoice = Invoice.objects.get(pk=invoice_id)
    language = invoice.language if invoice.language in ("nl", "en") else "nl"
    link = pay_link(invoice=invoice)
    session = stripe_adapter.checkout_session_create(
        request=stripe_adapter.CheckoutRequest(
            invoice_id=invoice.pk,
            invoice_number=invoice.number,
            attempt=row.attempt,
            idempotency_key=row.idempotency_key,
            amount=row.amount,
            description=f"{LABELS[language]['title_invoice']} {invoice.number}, {settings.SECRETARIAT['name']}",
            customer_email=(invoice.customer or {}).get("billing_email", ""),
            language=language,
            success_url=f"{link}?result=paid",
            cancel_url=f"{link}?result=cancelled",
            expires_at=(row.created_at + SESSION_LIFETIME) if row.created_at else None,
        )
    )
    with transaction.atomic():
        fresh = CheckoutSession.objects.select_for_update().get(pk=row.pk)
        if fresh.status == CheckoutStatus.CREATING:
            fresh.stripe_id, fresh.url, fresh.expires_at = session.id, session.url, session.expires_at
            fresh.status = CheckoutStatus.OPEN
            fresh.save(update_fields=["stripe_id", "url", "expires_at", "status", "updated_at"])
            audit_record(
                actor=actor,
                action="checkout.open",
                obj=fresh,
                before={"status": CheckoutStatus.CREATING},
                after={"status": fresh.status, "stripe_id": session.id, "expires_at": session.expires_at},
            )
        return fresh


def invoices_checkout_open(*, invoice_ids: list[int]) -> int:
    """After finalisation: a Checkout Session for each tenant invoice that owes something. Returns how
    many are open. Raises ``StripeFailure`` (for the task to retry) after trying them all."""
    if not online_payment_enabled():
        return 0
    payable = list(
        Invoice.objects.filter(
            pk__in=invoice_ids,
            kind=InvoiceKind.INVOICE,
            status=InvoiceStatus.FINALISED,
            receivable__amount_due__gt=0,
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    opened, failure = 0, None
    for pk in payable:
        try:
            opened += checkout_session_live(invoice_id=pk).status == CheckoutStatus.OPEN
        except ApplicationError:
            continue  # paid meanwhile, or processing: nothing to open
        except stripe_adapter.StripeFailure as exc:
            logger.warning("Stripe Checkout for invoice %s failed: %s", pk, exc)
            failure = exc
    if failure is not None:
        raise failure
    return opened


def checkouts_stale_expire(*, invoice_id: int) -> int:
    """After what an invoice owes changed outside Stripe (a bank transfer, a credit note): expire its open
    sessions for another amount, at Stripe first, so the customer cannot pay the old amount. The pay
    link renews one for the new amount on demand. Returns how many were expired."""
    if not online_payment_enabled():
        return 0
    receivable = Receivable.objects.filter(pk=invoice_id).first()
    if receivable is None:
        return 0
    stale = list(
        CheckoutSession.objects.filter(invoice_id=invoice_id, status=CheckoutStatus.OPEN)
        .exclude(amount=receivable.outstanding)
        .exclude(stripe_id="")
    )
    for row in stale:
        stripe_adapter.checkout_session_expire(session_id=row.stripe_id)
        with transaction.atomic():
            fresh = CheckoutSession.objects.select_for_update().get(pk=row.pk)
            checkout_status_advance(checkout=fresh, status=CheckoutStatus.EXPIRED)
    return len(stale)
