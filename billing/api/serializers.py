from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.api import InputSerializer, PrimaryKeyField
from billing.models import Invoice, InvoiceLine, InvoiceRun


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


class InvoiceSerializer(serializers.ModelSerializer[Invoice]):
    """An invoice, internal recharge statement or credit note with its lines. Money as decimal strings."""

    client = serializers.SerializerMethodField()
    credited_invoice = serializers.SerializerMethodField()
    vat_breakdown = VatGroupSerializer(many=True, read_only=True)
    customer = CustomerSerializer(read_only=True, allow_null=True)
    pdf_url = serializers.SerializerMethodField()
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
