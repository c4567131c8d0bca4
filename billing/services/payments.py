"""The payments ledger and each finalised invoice's receivable.

Every payment is a row (Stripe, a bank transfer finance records, an internal
settlement); refunds are rows with a negative amount; a mistaken manual row is
undone by a reversal row, never edited. What an invoice is owed and has paid,
and its status (open, partially paid, paid, overdue), are recomputed from those
rows in the transaction that adds one (``receivable_refresh``), under a lock on
the receivable's row. Over-payment is flagged (``overpaid``) for finance.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.money import CENT
from backend.core.services import audit_record
from billing.models import (
    CheckoutSession,
    CheckoutStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Receivable,
)

ZERO = Decimal("0.00")
# The ledger's receivable fields an audit event shows before and after a change.
TRACKED = ("amount_due", "amount_paid", "status", "overpaid", "paid_on", "overdue_since")


def payment_status_of(
    *, amount_due: Decimal, amount_paid: Decimal, due_date: datetime.date, today: datetime.date
) -> str:
    """Nothing outstanding: paid (credited in full counts). Past the due date: overdue. Else partially
    paid or open."""
    if amount_paid >= amount_due:
        return PaymentStatus.PAID
    if today > due_date:
        return PaymentStatus.OVERDUE
    if amount_paid > 0:
        return PaymentStatus.PARTIALLY_PAID
    return PaymentStatus.OPEN


def receivables_create(*, invoices: list[Invoice]) -> None:
    """At finalisation: a receivable for each invoice and internal statement (credit notes lower their
    original's instead). One that totals 0.00 owes nothing: paid at once, like one credited in full."""
    receivables = []
    for i in invoices:
        if i.kind == InvoiceKind.CREDIT_NOTE or i.due_date is None:
            continue
        today = i.issue_date or timezone.localdate()
        status = payment_status_of(amount_due=i.total, amount_paid=ZERO, due_date=i.due_date, today=today)
        paid_on = today if status == PaymentStatus.PAID else None
        receivables.append(
            Receivable(invoice=i, due_date=i.due_date, amount_due=i.total, status=status, paid_on=paid_on)
        )
    Receivable.objects.bulk_create(receivables)


def _snapshot(r: Receivable) -> dict[str, object]:
    return {name: getattr(r, name) for name in TRACKED}


def receivable_refresh(
    *, receivable: Receivable, actor: User | None, today: datetime.date | None = None, reason: str = ""
) -> Receivable:
    """Recompute a locked receivable from its invoice, credit notes and ledger; audit any change.

    The caller holds the receivable's row lock (``select_for_update``) in its transaction.
    """
    today = today or timezone.localdate()
    invoice_id = receivable.invoice_id
    credited = (
        Invoice.objects.filter(credited_invoice_id=invoice_id, status=InvoiceStatus.FINALISED).aggregate(
            s=Sum("total")
        )["s"]
        or ZERO
    )
    paid = Payment.objects.filter(invoice_id=invoice_id).aggregate(s=Sum("amount"))["s"] or ZERO
    total = receivable.invoice.total  # frozen at finalisation; the callers join the invoice
    before = _snapshot(receivable)
    receivable.amount_due = (total + credited).quantize(CENT)
    receivable.amount_paid = paid.quantize(CENT)
    receivable.status = payment_status_of(
        amount_due=receivable.amount_due, amount_paid=receivable.amount_paid, due_date=receivable.due_date, today=today
    )
    receivable.overpaid = receivable.amount_paid > receivable.amount_due
    if receivable.status == PaymentStatus.PAID:
        receivable.paid_on = receivable.paid_on or today
    else:
        receivable.paid_on = None
    if receivable.status == PaymentStatus.OVERDUE:
        receivable.overdue_since = receivable.overdue_since or receivable.due_date + datetime.timedelta(days=1)
    else:
        receivable.overdue_since = None
    after = _snapshot(receivable)
    if after != before:
        receivable.save(update_fields=[*TRACKED, "updated_at"])
        action = "invoice.overpaid" if receivable.overpaid and not before["overpaid"] else "invoice.payment_status"
        audit_record(actor=actor, action=action, obj=receivable.invoice, before=before, after=after, reason=reason)
    return receivable


def receivable_lock(*, invoice: Invoice) -> Receivable:
    """The finalised invoice's receivable, locked for this transaction."""
    receivable = Receivable.objects.select_for_update().select_related("invoice").filter(pk=invoice.pk).first()
    if receivable is None:
        raise ApplicationError(
            "Only a finalised invoice or internal statement takes payments (not a draft, not a credit note).",
            fields={"invoice": ["Has no amount receivable."]},
        )
    return receivable


def _check_amount_and_date(*, amount: Decimal, date: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    if amount <= 0:
        errors["amount"] = ["Give an amount above 0."]
    elif amount != amount.quantize(CENT):
        errors["amount"] = ["Give whole cents."]
    if date > timezone.localdate():
        errors["date"] = ["A payment cannot be dated in the future."]
    if errors:
        raise ValidationError(errors)


def _payment_after(payment: Payment, invoice: Invoice) -> dict[str, object]:
    return {
        "invoice": invoice.number,
        "kind": payment.kind,
        "method": payment.method,
        "amount": payment.amount,
        "date": payment.date,
        "reference": payment.reference,
    }


def payment_add(
    *,
    receivable: Receivable,
    actor: User | None,
    kind: str,
    method: str,
    amount: Decimal,
    date: datetime.date,
    reference: str,
    external_id: str = "",
    note: str = "",
    checkout_id: int | None = None,
    reverses: Payment | None = None,
) -> Payment:
    """Write one ledger row for a locked receivable, audit it and refresh the receivable (the one writer
    of ``Payment``)."""
    payment = Payment.objects.create(
        invoice_id=receivable.invoice_id,
        kind=kind,
        method=method,
        amount=amount,
        date=date,
        reference=reference,
        external_id=external_id,
        note=note,
        checkout_id=checkout_id,
        reverses=reverses,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=f"payment.{kind}",
        obj=payment,
        after=_payment_after(payment, receivable.invoice),
        reason=note,
    )
    receivable_refresh(receivable=receivable, actor=actor)
    if method != PaymentMethod.STRIPE:
        _stale_checkouts_expire_on_commit(invoice_id=receivable.invoice_id)
    return payment


def _stale_checkouts_expire_on_commit(*, invoice_id: int) -> None:
    """What is owed changed outside Stripe: after commit, expire open Checkout Sessions for the old amount
    (at Stripe, never under this transaction's locks)."""
    if CheckoutSession.objects.filter(invoice_id=invoice_id, status=CheckoutStatus.OPEN).exists():
        from billing.tasks import invoice_checkouts_expire_task  # the tasks module imports these services

        transaction.on_commit(lambda: invoice_checkouts_expire_task.delay(invoice_id=invoice_id))


@transaction.atomic
def payment_record(
    *, invoice: Invoice, actor: User, amount: Decimal, date: datetime.date, reference: str, note: str = ""
) -> Payment:
    """Finance records a bank transfer received for a tenant invoice. More than is owed is accepted
    and flagged as over-payment."""
    _check_amount_and_date(amount=amount, date=date)
    receivable = receivable_lock(invoice=invoice)
    if receivable.invoice.kind != InvoiceKind.INVOICE:
        raise ApplicationError(
            "An internal recharge statement is settled, not paid: use settle.", fields={"invoice": ["Is internal."]}
        )
    return payment_add(
        receivable=receivable,
        actor=actor,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.BANK_TRANSFER,
        amount=amount,
        date=date,
        reference=reference.strip(),
        note=note.strip(),
    )


@transaction.atomic
def refund_record(
    *, invoice: Invoice, actor: User, amount: Decimal, date: datetime.date, reference: str, note: str = ""
) -> Payment:
    """Finance records money paid back to the customer by bank transfer (e.g. an over-payment). At most
    what the ledger holds for the invoice."""
    _check_amount_and_date(amount=amount, date=date)
    receivable = receivable_lock(invoice=invoice)
    if receivable.invoice.kind != InvoiceKind.INVOICE:
        raise ApplicationError("Internal recharge statements have no refunds.", fields={"invoice": ["Is internal."]})
    if amount > receivable.amount_paid:
        raise ValidationError({"amount": [f"At most {receivable.amount_paid}: what was paid for this invoice."]})
    return payment_add(
        receivable=receivable,
        actor=actor,
        kind=PaymentKind.REFUND,
        method=PaymentMethod.BANK_TRANSFER,
        amount=-amount,
        date=date,
        reference=reference.strip(),
        note=note.strip(),
    )


@transaction.atomic
def payment_reverse(*, payment: Payment, actor: User, reason: str) -> Payment:
    """Undo a mistaken manual row (a bank transfer or settlement entered wrongly) with a reversal row.
    Stripe's rows follow Stripe and are never reversed by hand."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the entry is reversed."]})
    receivable = receivable_lock(invoice=Invoice(pk=payment.invoice_id))
    original = Payment.objects.select_for_update().get(pk=payment.pk)
    if original.method == PaymentMethod.STRIPE:
        raise ApplicationError("Stripe's payments and refunds follow Stripe; refund in Stripe instead.")
    if original.kind == PaymentKind.REVERSAL:
        raise ApplicationError("A reversal is not reversed; record the entry anew instead.")
    if Payment.objects.filter(reverses=original).exists():
        raise ApplicationError("This entry is reversed already.")
    return payment_add(
        receivable=receivable,
        actor=actor,
        kind=PaymentKind.REVERSAL,
        method=original.method,
        amount=-original.amount,
        date=timezone.localdate(),
        reference=original.reference,
        note=reason.strip(),
        reverses=original,
    )


@transaction.atomic
def internal_statements_settle(*, invoices: list[Invoice], actor: User, date: datetime.date) -> list[Payment]:
    """Finance settles internal recharge statements (no Stripe, no bank): a ledger row for what each
    still owes, dated ``date``. All or none."""
    if not invoices:
        raise ValidationError({"invoice_ids": ["Choose at least one internal recharge statement."]})
    if date > timezone.localdate():
        raise ValidationError({"date": ["A settlement cannot be dated in the future."]})
    ids = sorted({i.pk for i in invoices})
    receivables = list(
        Receivable.objects.select_for_update().select_related("invoice").filter(pk__in=ids).order_by("pk")
    )
    found = {r.pk for r in receivables}
    names = dict(Invoice.objects.filter(pk__in=[pk for pk in ids if pk not in found]).values_list("pk", "number"))
    problems = [
        f"{names[pk]} is a credit note: it lowers its statement, it is not settled."
        if names.get(pk)
        else f"Invoice {pk} is a draft: finalise it first."
        for pk in ids
        if pk not in found
    ]
    for r in receivables:
        if r.invoice.kind != InvoiceKind.INTERNAL:
            problems.append(f"{r.invoice.number} is not an internal recharge statement.")
        elif r.outstanding <= 0:
            problems.append(f"{r.invoice.number} is settled already.")
        elif r.invoice.issue_date and date < r.invoice.issue_date:
            problems.append(f"{r.invoice.number} was issued on {r.invoice.issue_date}: settle it on or after that day.")
    if problems:
        raise ApplicationError("Nothing was settled: " + " ".join(problems), fields={"invoice_ids": problems})
    return [
        payment_add(
            receivable=r,
            actor=actor,
            kind=PaymentKind.PAYMENT,
            method=PaymentMethod.INTERNAL,
            amount=r.outstanding,
            date=date,
            reference=f"{r.invoice.number} {(r.invoice.customer or {}).get('cost_centre', '')}".strip(),
        )
        for r in receivables
    ]


def receivables_overdue_mark(*, today: datetime.date | None = None) -> int:
    """The daily step: every receivable that passed its due date unpaid becomes overdue (audited).
    Returns how many changed. Each is refreshed in its own short transaction."""
    today = today or timezone.localdate()
    candidates = list(
        Receivable.objects.filter(due_date__lt=today)
        .exclude(status__in=[PaymentStatus.PAID, PaymentStatus.OVERDUE])
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    changed = 0
    for pk in candidates:
        with transaction.atomic():
            receivable = Receivable.objects.select_for_update().select_related("invoice").get(pk=pk)
            before = receivable.status
            receivable_refresh(receivable=receivable, actor=None, today=today, reason="Past its due date.")
            changed += receivable.status != before
    return changed


def credit_note_applied(*, original: Invoice, actor: User) -> None:
    """A credit note lowers what its original is owed (in the credit note's transaction)."""
    receivable = Receivable.objects.select_for_update().select_related("invoice").filter(pk=original.pk).first()
    if receivable is not None:
        receivable_refresh(receivable=receivable, actor=actor, reason="Credit note issued.")
        _stale_checkouts_expire_on_commit(invoice_id=original.pk)
