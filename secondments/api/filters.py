import django_filters
from django.db.models import Q, QuerySet

from backend.core.models import AuditEvent
from secondments.models import Client, Leave, Placement, RateCard, Secretary, Timesheet, TimesheetStatus


class SecretaryFilter(django_filters.FilterSet):
    pool = django_filters.NumberFilter(field_name="pool_id")
    active = django_filters.BooleanFilter()
    q = django_filters.CharFilter(method="search", label="Name or e-mail contains")

    class Meta:
        model = Secretary
        fields = ["pool", "active"]

    def search(self, qs: QuerySet[Secretary], name: str, value: str) -> QuerySet[Secretary]:
        return qs.filter(Q(user__full_name__icontains=value) | Q(user__email__icontains=value))


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="legal_name", lookup_expr="icontains")

    class Meta:
        model = Client
        fields = ["kind", "active", "vat_treatment", "approval_period"]


class RateCardFilter(django_filters.FilterSet):
    pool = django_filters.NumberFilter(field_name="pool_id")

    class Meta:
        model = RateCard
        fields = ["pool", "client_kind"]


class PlacementFilter(django_filters.FilterSet):
    secretary = django_filters.NumberFilter(field_name="secretary_id")
    client = django_filters.NumberFilter(field_name="client_id")
    pool = django_filters.NumberFilter(field_name="secretary__pool_id")
    status = django_filters.MultipleChoiceFilter(choices=Placement._meta.get_field("status").choices)
    active_on = django_filters.DateFilter(method="filter_active_on", label="Runs on this date")

    class Meta:
        model = Placement
        fields = ["secretary", "client", "pool", "status"]

    def filter_active_on(self, qs: QuerySet[Placement], name: str, value: object) -> QuerySet[Placement]:
        return qs.filter(Q(start_date__lte=value) & (Q(end_date__isnull=True) | Q(end_date__gte=value)))


class LeaveFilter(django_filters.FilterSet):
    secretary = django_filters.NumberFilter(field_name="secretary_id")
    start_after = django_filters.DateFilter(field_name="end_date", lookup_expr="gte")
    end_before = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Leave
        fields = ["secretary", "kind"]


class AuditEventFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "object_id", "actor"]


class TimesheetFilter(django_filters.FilterSet):
    client = django_filters.NumberFilter(field_name="placement__client_id")
    secretary = django_filters.NumberFilter(field_name="placement__secretary_id")
    placement = django_filters.NumberFilter(field_name="placement_id")
    status = django_filters.MultipleChoiceFilter(choices=TimesheetStatus.choices)
    period_contains = django_filters.DateFilter(method="filter_contains", label="Period holds this date")
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = Timesheet
        fields = ["client", "secretary", "placement", "status"]

    def filter_contains(self, qs: QuerySet[Timesheet], name: str, value: object) -> QuerySet[Timesheet]:
        return qs.filter(period_start__lte=value, period_end__gte=value)
