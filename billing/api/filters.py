import django_filters

from billing.models import Invoice


class InvoiceFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="client_id")
    run = django_filters.NumberFilter(field_name="run_id")
    number = django_filters.CharFilter(field_name="number", lookup_expr="icontains")
    issued_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte")
    issued_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte")
    period = django_filters.DateFilter(field_name="period_start", label="First day of the invoiced month")

    class Meta:
        model = Invoice
        fields = ["status", "kind", "client", "run", "number", "issued_from", "issued_to", "period"]
