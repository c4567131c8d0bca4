"""Read-only admin: invoices change only through the services (and never once finalised)."""

from django.contrib import admin

from billing.models import Invoice, InvoiceLine, InvoiceRun
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
