import django_filters

from billing.models import Invoice, Payment, PaymentStatus


class InvoiceFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    run = django_filters.NumberFilter(field_name="run_id")
    number = django_filters.CharFilter(field_name="number", lookup_expr="icontains")
    issued_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issued_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte")
    period = django_filters.DateFilter(field_name="period_start", label="First day of the invoiced month")
    payment_status = django_filters.ChoiceFilter(field_name="receivable__status", choices=PaymentStatus.choices)
    overpaid = django_filters.BooleanFilter(field_name="receivable__overpaid")

    class Meta:
        model = Invoice
        fields = [
            "status",
            "kind",
            "client",
            "run",
            "number",
            "issued_from",
            "issued_to",
            "period",
            "payment_status",
            "overpaid",
        ]


class PaymentFilter(django_filters.FilterSet):
    invoice = django_filters.NumberFilter(field_name="invoice_id")
    client = django_filters.NumberFilter(field_name="invoice__client_id")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["invoice", "client", "kind", "method", "date_from", "date_to"]
