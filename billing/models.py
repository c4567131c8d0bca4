"""Invoices, their lines and the gapless number counters.

Models hold data and database constraints; every rule lives in
``billing.services``. One guard does live here, as the issue asks: a finalised
invoice (and its lines) refuses to be changed or deleted through the ORM's
``save()``/``delete()``, whoever calls them.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from backend.core.choices import Language
from secondments.models import Client, Placement, Timesheet, VatTreatment


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "VAT invoice"
    INTERNAL = "internal", "Internal recharge statement"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINALISED = "finalised", "Finalised"


class NumberSeries(models.TextChoices):
    """Each series numbers gaplessly per year: ``2026-00001``, ``IR-2026-00001``, ``CN-2026-00001``."""

    INVOICE = "invoice", "Invoices"
    INTERNAL = "internal", "Internal recharges"
    CREDIT_NOTE = "credit_note", "Credit notes"


class LineKind(models.TextChoices):
    HOURS = "hours", "Approved hours"
    MANUAL = "manual", "Manual line"


class FinalisedInvoiceError(Exception):
    """A finalised invoice or its lines were about to be changed or deleted."""


def _money(**kwargs: Any) -> "models.DecimalField[Decimal, Decimal]":
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class InvoiceCounter(models.Model):
    """The last number given in a series and year; locked (``select_for_update``) to give the next."""

    series = models.CharField(max_length=12, choices=NumberSeries.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="invoice_counter_unique")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last_number}"


class InvoiceRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class InvoiceRun(models.Model):
    """Finance's monthly run: the approved hours up to a month became draft invoices.

    Started from the API it is queued and a worker carries it out (``invoice_run_execute``); the
    command line and the demo carry it out at once.
    """

    period_start = models.DateField()
    period_end = models.DateField()
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    invoice_count = models.PositiveIntegerField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    timesheet_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=6, choices=InvoiceRunStatus.choices, default=InvoiceRunStatus.QUEUED)
    # What was asked: finalise the drafts (and e-mail them) once made.
    finalize = models.BooleanField(default=False)
    email = models.BooleanField(default=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.period_start:%Y-%m} ({self.invoice_count} invoices)"


# The fields that are frozen once an invoice is finalised. The PDF and its hash are
# set once after finalisation (rendered after commit) and frozen from then on.
FROZEN_ONCE_SET = ("pdf", "pdf_sha256", "emailed_at")


class Invoice(models.Model):
    """A VAT invoice, an internal recharge statement or a credit note.

    A draft has no number and may change; finalising gives it the next number
    of its series and freezes it. The customer's details are copied at
    finalisation, so a later change of the client never rewrites an invoice.
    """

    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    run = models.ForeignKey(InvoiceRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices")
    # The month whose run made it (hours invoices); a manual invoice may leave it empty.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    vat_treatment = models.CharField(max_length=20, choices=VatTreatment.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    notes = models.TextField(blank=True)

    # Set at finalisation.
    series = models.CharField(max_length=12, choices=NumberSeries.choices, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(max_length=20, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    customer = models.JSONField(null=True, blank=True)  # the client's details as printed
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Kept current on a draft by the services; frozen at finalisation.
    net_total = _money(default=Decimal("0.00"))
    vat_total = _money(default=Decimal("0.00"))
    total = _money(default=Decimal("0.00"))
    vat_breakdown = models.JSONField(default=list, blank=True)  # [{"rate", "net", "vat"}] as strings

    # Credit notes.
    credited_invoice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    reason = models.TextField(blank=True)
    releases_hours = models.BooleanField(default=False)

    pdf = models.FileField(upload_to="invoices/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="invoice_sequence_unique",
            ),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="invoice_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft", number="", sequence__isnull=True)
                | Q(status="finalised", sequence__isnull=False, issue_date__isnull=False) & ~Q(number=""),
                name="invoice_number_iff_finalised",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note", credited_invoice__isnull=False)
                | ~Q(kind="credit_note") & Q(credited_invoice__isnull=True),
                name="invoice_credit_note_references_original",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"]),
            models.Index(fields=["status", "issue_date"]),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            _refuse_change_of_finalised(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Invoice.objects.filter(pk=self.pk, status=InvoiceStatus.FINALISED).exists():
            raise FinalisedInvoiceError(f"Invoice {self} is finalised: it cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_finalised(self) -> bool:
        return self.status == InvoiceStatus.FINALISED


def _refuse_change_of_finalised(invoice: Invoice, update_fields: Any) -> None:
    """The model's own guard: a stored finalised invoice changes only by setting its PDF, hash and
    e-mail time once."""
    stored = Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.FINALISED).first()
    if stored is None:
        return
    fields = {}
    for f in Invoice._meta.concrete_fields:
        if not f.primary_key:
            fields[f.name] = fields[f.attname] = f
    names = {fields[n].name for n in update_fields} if update_fields is not None else {f.name for f in fields.values()}
    for name in sorted(names):
        attname = fields[name].attname
        old, new = getattr(stored, attname), getattr(invoice, attname)
        if name in FROZEN_ONCE_SET:
            old, new = getattr(old, "name", old) or None, getattr(new, "name", new) or None
            if old is None:
                continue
        if old != new:
            raise FinalisedInvoiceError(f"Invoice {stored} is finalised: {name} cannot change.")


class InvoiceLine(models.Model):
    """One line: a placement's approved hours in a period at one rate, or a manual line."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=300)  # the secretary's name for hours
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    timesheet = models.ForeignKey(
        Timesheet, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    quantity = models.DecimalField(max_digits=9, decimal_places=2)
    unit_price = _money()
    amount = _money()
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    credited_line = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_lines"
    )

    class Meta:
        ordering = ["invoice_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="manual") | Q(timesheet__isnull=False, placement__isnull=False),
                name="invoice_line_hours_have_a_timesheet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_line_change(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _refuse_line_change(self)
        return super().delete(*args, **kwargs)


def _refuse_line_change(line: InvoiceLine) -> None:
    if Invoice.objects.filter(pk=line.invoice_id, status=InvoiceStatus.FINALISED).exists():
        raise FinalisedInvoiceError(f"Invoice {line.invoice_id} is finalised: its lines cannot change.")


class RevenueFact(models.Model):
    """The reports' summary of finalised invoice lines: per document, placement, line kind and month of work.

    Written once, in the transaction that finalises the document (``billing.services.revenue_facts``);
    a finalised document never changes, so neither do its facts. ``owed_invoice`` is the invoice whose
    receivable the lines count on (a credit note's: the invoice it credits); ``work_month`` the month
    the timesheet's period starts in (None for manual lines); ``pool`` the secretary's pool when invoiced.
    """

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="revenue_facts")
    owed_invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    issue_month = models.DateField()
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    invoice_kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    line_kind = models.CharField(max_length=10, choices=LineKind.choices)
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(
        "secondments.Secretary", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pool = models.ForeignKey("secondments.Pool", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    work_month = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0.00"))  # hours lines only
    amount = _money()

    class Meta:
        ordering = ["issue_month", "invoice_id", "id"]
        indexes = [
            models.Index(fields=["issue_month"], name="revenue_fact_issue_idx"),
            models.Index(fields=["work_month"], name="revenue_fact_work_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.issue_month:%Y-%m}: {self.amount}"


class RevenueMonth(models.Model):
    """The revenue facts summed per issue month, month of work, pool, invoice kind and line kind: the
    few rows the dashboard's overview reads (revenue by month and pool, hours billed by pool).

    Kept current with the facts, in the same transaction (``billing.services.revenue_facts``).
    ``key`` joins the five (``revenue_month_key``) so concurrent finalisations meet on one unique row
    on every database (a unique constraint over nullable columns would not).
    """

    key = models.CharField(max_length=80, unique=True)
    issue_month = models.DateField()
    work_month = models.DateField(null=True, blank=True)
    pool = models.ForeignKey("secondments.Pool", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice_kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    line_kind = models.CharField(max_length=10, choices=LineKind.choices)
    hours = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["issue_month", "key"]
        indexes = [
            models.Index(fields=["issue_month"], name="revenue_month_issue_idx"),
            models.Index(fields=["work_month"], name="revenue_month_work_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.amount}"


# ---------------------------------------------------------------------------
# Payments: the ledger, each invoice's receivable, Stripe Checkout and webhooks.


class PaymentStatus(models.TextChoices):
    """Derived from the ledger: never set by hand."""

    OPEN = "open", "Open"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    INTERNAL = "internal", "Internal settlement"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"
    REVERSAL = "reversal", "Reversal of a mistaken entry"


class Receivable(models.Model):
    """What a finalised invoice or internal statement is owed, and what the ledger says was paid.

    ``amount_due`` is the total less its credit notes; ``amount_paid`` is the
    sum of the invoice's ledger rows. Both, and ``status``, are recomputed from
    those rows by ``billing.services.payments.receivable_refresh`` whenever a
    row or credit note is added, and daily (``overdue`` depends on the date).
    """

    invoice = models.OneToOneField(Invoice, primary_key=True, on_delete=models.CASCADE, related_name="receivable")
    due_date = models.DateField()
    amount_due = _money()
    amount_paid = _money(default=Decimal("0.00"))
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.OPEN)
    overpaid = models.BooleanField(default=False)
    paid_on = models.DateField(null=True, blank=True)  # the day nothing was outstanding any more
    overdue_since = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.status}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_due - self.amount_paid, Decimal("0.00"))


class CheckoutStatus(models.TextChoices):
    CREATING = "creating", "Being created at Stripe"
    OPEN = "open", "Open"
    PROCESSING = "processing", "Completed, payment processing"
    PAID = "paid", "Paid"
    FAILED = "failed", "Payment failed"
    EXPIRED = "expired", "Expired"


class CheckoutSession(models.Model):
    """One Stripe Checkout Session for an invoice. The row (with its idempotency key) is stored before
    Stripe is called, so a retried task asks Stripe with the same key and gets the same session."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="checkouts")
    attempt = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=80, unique=True)
    amount = _money()
    status = models.CharField(max_length=12, choices=CheckoutStatus.choices, default=CheckoutStatus.CREATING)
    stripe_id = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["invoice_id", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "attempt"], name="checkout_attempt_unique"),
            models.UniqueConstraint(fields=["stripe_id"], condition=~Q(stripe_id=""), name="checkout_stripe_id_unique"),
        ]

    def __str__(self) -> str:
        return self.stripe_id or self.idempotency_key


class Payment(models.Model):
    """A row of the payments ledger: money in (a payment) or out (a refund), never edited or deleted.
    A mistaken manual entry is undone by a reversal row. Amounts are signed: a refund is negative."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=PaymentKind.choices)
    method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    amount = _money()
    date = models.DateField()
    reference = models.CharField(max_length=140, blank=True)
    # Stripe's id of what this row records (a PaymentIntent, or a charge's refunds up to an amount); unique.
    external_id = models.CharField(max_length=255, blank=True)
    checkout = models.ForeignKey(
        CheckoutSession, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "external_id"], condition=~Q(external_id=""), name="payment_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="payment", amount__gt=0)
                | Q(kind="refund", amount__lt=0)
                | Q(kind="reversal", reverses__isnull=False) & ~Q(amount=0),
                name="payment_amount_sign_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["method", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} on {self.date}"


class StripeEvent(models.Model):
    """Each verified webhook event, stored once (its id is unique) in the transaction of its effect."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    created = models.DateTimeField()  # when Stripe made the event
    received_at = models.DateTimeField(auto_now_add=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=255, blank=True)
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    outcome = models.CharField(max_length=200)
    # A refund whose payment is not known yet waits here; it is applied when the payment arrives.
    deferred = models.BooleanField(default=False)
    payload = models.JSONField()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
