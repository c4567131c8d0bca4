from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.api import InputSerializer, PrimaryKeyField
from billing.models import (
    CheckoutSession,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    Payment,
    PaymentKind,
    PaymentStatus,
    Receivable,
)
from billing.services.checkout import pay_link


class InvoiceLineSerializer(serializers.ModelSerializer[InvoiceLine]):
    placement_id = serializers.IntegerField(read_only=True, allow_null=True)
    timesheet_id = serializers.IntegerField(read_only=True, allow_null=True)
    credited_line_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "kind",
            "position",
            "description",
            "placement_id",
            "timesheet_id",
            "period_start",
            "period_end",
            "quantity",
            "unit_price",
            "amount",
            "vat_rate",
            "credited_line_id",
        ]


class VatGroupSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    vat = serializers.DecimalField(max_digits=12, decimal_places=2)


class CustomerSerializer(serializers.Serializer):
    legal_name = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    kvk_number = serializers.CharField()
    vat_number = serializers.CharField()
    cost_centre = serializers.CharField()
    billing_email = serializers.EmailField()


class ReceivableSerializer(serializers.Serializer):
    """What a finalised invoice is owed and has paid, from the payments ledger."""

    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    amount_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2)
    overpaid = serializers.BooleanField()
    due_date = serializers.DateField()
    paid_on = serializers.DateField(allow_null=True)
    overdue_since = serializers.DateField(allow_null=True)
    reminders_sent = serializers.IntegerField()
    last_reminder_on = serializers.DateField(allow_null=True)


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    """An invoice, internal recharge statement or credit note with its lines. Money as decimal strings."""

    client = serializers.SerializerMethodField()
    credited_invoice = serializers.SerializerMethodField()
    vat_breakdown = VatGroupSerializer(many=True, read_only=True)
    customer = CustomerSerializer(read_only=True, allow_null=True)
    pdf_url = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    pay_url = serializers.SerializerMethodField()
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "status",
            "number",
            "client",
            "run_id",
            "period_start",
            "period_end",
            "issue_date",
            "due_date",
            "vat_treatment",
            "language",
            "net_total",
            "vat_total",
            "total",
            "vat_breakdown",
            "customer",
            "credited_invoice",
            "reason",
            "releases_hours",
            "notes",
            "pdf_url",
            "pdf_sha256",
            "payment",
            "pay_url",
            "emailed_at",
            "finalised_at",
            "created_at",
            "lines",
        ]

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "integer"}, "legal_name": {"type": "string"}}}
    )
    def get_client(self, invoice: Invoice) -> dict[str, Any]:
        return {"id": invoice.client_id, "legal_name": invoice.client.legal_name}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "number": {"type": "string"}},
        }
    )
    def get_credited_invoice(self, invoice: Invoice) -> dict[str, Any] | None:
        original = invoice.credited_invoice
        return {"id": original.pk, "number": original.number} if original else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_pdf_url(self, invoice: Invoice) -> str | None:
        return reverse("v1:invoice-pdf", kwargs={"pk": invoice.pk}) if invoice.is_finalised else None

    @extend_schema_field(ReceivableSerializer(allow_null=True))
    def get_payment(self, invoice: Invoice) -> dict[str, Any] | None:
        """Null for drafts and credit notes (a credit note lowers its original's amount due)."""
        try:
            receivable = invoice.receivable
        except Receivable.DoesNotExist:
            return None
        return dict(ReceivableSerializer(receivable).data)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_pay_url(self, invoice: Invoice) -> str | None:
        """The invoice's online pay link (as on the PDF) while something is owed; null without Stripe."""
        try:
            owing = invoice.receivable.outstanding > 0
        except Receivable.DoesNotExist:
            return None
        return (pay_link(invoice=invoice) or None) if owing else None


class InvoiceRunSerializer(serializers.ModelSerializer[InvoiceRun]):
    period = serializers.SerializerMethodField()
    client_id = serializers.IntegerField(read_only=True, allow_null=True)
    started_by = serializers.EmailField(source="started_by.email", read_only=True)
    invoice_ids = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceRun
        fields = [
            "id",
            "period",
            "period_start",
            "period_end",
            "client_id",
            "started_by",
            "started_at",
            "status",
            "finalize",
            "finished_at",
            "error",
            "invoice_count",
            "line_count",
            "timesheet_count",
            "invoice_ids",
        ]

    def get_period(self, run: InvoiceRun) -> str:
        return f"{run.period_start:%Y-%m}"

    def get_invoice_ids(self, run: InvoiceRun) -> list[int]:
        return sorted(i.pk for i in run.invoices.all())


class InvoiceRunInputSerializer(InputSerializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", error_messages={"invalid": "A month such as 2026-10."})
    client_id = PrimaryKeyField(source="client", queryset=None, required=False)
    finalize = serializers.BooleanField(required=False, default=False)


class InvoiceCreateInputSerializer(InputSerializer):
    client_id = PrimaryKeyField(source="client", queryset=None)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)


class InvoiceLineInputSerializer(InputSerializer):
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2)
    unit_price = serializers.DecimalField(max_digits=8, decimal_places=2)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True, default=None)


class InvoiceIdsInputSerializer(InputSerializer):
    invoice_ids = PrimaryKeyField(many=True, source="invoices", queryset=None, allow_empty=False)


class CreditLineInputSerializer(InputSerializer):
    line_id = PrimaryKeyField(source="line", queryset=None)
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2)


class CreditNoteInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)
    lines = CreditLineInputSerializer(many=True, required=False, allow_null=True, default=None)
    release_hours = serializers.BooleanField(required=False, default=False)


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    """A row of the payments ledger. Refunds and reversals of payments are negative."""

    invoice = serializers.SerializerMethodField()
    recorded_by = serializers.EmailField(source="recorded_by.email", read_only=True, allow_null=True, default=None)
    reverses_id = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "invoice",
            "kind",
            "method",
            "amount",
            "date",
            "reference",
            "note",
            "reverses_id",
            "recorded_by",
            "recorded_at",
        ]

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "number": {"type": "string"}}})
    def get_invoice(self, payment: Payment) -> dict[str, Any]:
        return {"id": payment.invoice_id, "number": payment.invoice.number}


class PaymentInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=[PaymentKind.PAYMENT, PaymentKind.REFUND], default=PaymentKind.PAYMENT)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    date = serializers.DateField()
    reference = serializers.CharField(max_length=140, allow_blank=True, required=False, default="")
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class PaymentReverseInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)


class SettleInputSerializer(InputSerializer):
    invoice_ids = PrimaryKeyField(many=True, source="invoices", queryset=None, allow_empty=False)
    date = serializers.DateField()


class CheckoutSerializer(serializers.ModelSerializer[CheckoutSession]):
    """A live Stripe Checkout Session: send the customer to ``url`` before ``expires_at``."""

    class Meta:
        model = CheckoutSession
        fields = ["url", "expires_at", "amount", "attempt"]


class JournalQuerySerializer(InputSerializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", error_messages={"invalid": "A month such as 2026-10."})


# ---------------------------------------------------------------------------
# The directors' dashboard.


class DashboardQuerySerializer(InputSerializer):
    start = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, error_messages={"invalid": "A month such as 2026-01."}
    )
    end = serializers.RegexField(
        r"^\d{4}-\d{2}$", required=False, error_messages={"invalid": "A month such as 2026-06."}
    )
    pool_id = PrimaryKeyField(
        source="pool", queryset=None, required=False, help_text="One pool; without it, every pool the user sees."
    )


class DashboardTableQuerySerializer(DashboardQuerySerializer):
    table = serializers.CharField(
        help_text="A table's name, as the dashboard lists it in tables or more_tables (e.g. revenue_by_client)."
    )


class DashboardExportQuerySerializer(DashboardTableQuerySerializer):
    file_format = serializers.ChoiceField(
        choices=["csv", "xlsx"], help_text="csv or xlsx.", error_messages={"invalid_choice": "Choose csv or xlsx."}
    )


class TableColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    kind = serializers.ChoiceField(choices=["text", "integer", "money", "hours", "ratio", "date", "month"])


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = TableColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="Money and hours as strings with 2 decimals, ratios with 4."
    )


class DashboardPeriodSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="The first month, e.g. 2026-01.")
    end = serializers.CharField(help_text="The last month, e.g. 2026-06.")
    as_of = serializers.DateField(help_text="The day balances are read on: the last day, or today while it runs.")


class DashboardSerializer(serializers.Serializer):
    period = DashboardPeriodSerializer()
    pool_ids = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="The pools covered; null: the whole secretariat."
    )
    figures = serializers.DictField(
        child=serializers.CharField(allow_null=True), help_text="Headline figures as decimal strings (null: n/a)."
    )
    tables = TableSerializer(many=True, help_text="The overview: a row per month, pool, week or age bucket.")
    more_tables = serializers.ListField(
        child=serializers.CharField(),
        help_text="The other tables this user may read (a row per client, secretary or placement): "
        "GET /api/v1/dashboard/table/?table=<name> with the same period and pool, or the export.",
    )


class DashboardTableSerializer(serializers.Serializer):
    period = DashboardPeriodSerializer()
    pool_ids = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="The pools covered; null: the whole secretariat."
    )
    table = TableSerializer()
