"""Read-only admin: invoices and the payments ledger change only through the services."""

from django.contrib import admin

from billing.models import CheckoutSession, Invoice, InvoiceLine, InvoiceRun, Payment, Receivable, StripeEvent
from secondments.admin import ReadOnlyAdmin


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
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


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "client", "issue_date", "total"]
    list_filter = ["status", "kind"]
    list_select_related = ["client"]
    search_fields = ["number", "client__legal_name"]
    inlines = [InvoiceLineInline]


@admin.register(InvoiceRun)
class InvoiceRunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period_start", "started_by", "started_at", "invoice_count", "line_count"]
    list_select_related = ["started_by"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "invoice", "method", "kind", "amount", "date", "reference"]
    list_filter = ["method", "kind"]
    list_select_related = ["invoice"]
    search_fields = ["invoice__number", "reference", "external_id"]


@admin.register(Receivable)
class ReceivableAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "status", "amount_due", "amount_paid", "overpaid", "due_date", "reminders_sent"]
    list_filter = ["status", "overpaid"]
    list_select_related = ["invoice"]
    search_fields = ["invoice__number"]


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "invoice", "attempt", "status", "amount", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["invoice"]
    search_fields = ["invoice__number", "stripe_id", "payment_intent"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "created", "received_at", "outcome", "deferred"]
    list_filter = ["type", "deferred"]
    search_fields = ["event_id", "object_id", "payment_intent"]
