"""Read-mostly admin. Business changes go through the API's services, which audit them."""

from django.contrib import admin

from secondments.models import Client, Leave, Placement, PlacementRate, Pool, RateCard, Secretary, TimeEntry, Timesheet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Pool)
class PoolAdmin(ReadOnlyAdmin):
    list_display = ["name", "cost_centre"]


@admin.register(Secretary)
class SecretaryAdmin(ReadOnlyAdmin):
    list_display = ["user", "pool", "contract_hours", "base_workload_hours", "active"]
    list_filter = ["pool", "active"]
    list_select_related = ["user", "pool"]


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    list_display = ["legal_name", "kind", "vat_treatment", "active"]
    list_filter = ["kind", "active"]


@admin.register(RateCard)
class RateCardAdmin(ReadOnlyAdmin):
    list_display = ["pool", "client_kind", "valid_from", "hourly_rate"]


class PlacementRateInline(admin.TabularInline):
    model = PlacementRate
    extra = 0
    can_delete = False
    readonly_fields = ["valid_from", "hourly_rate", "source", "created_by"]


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ["secretary", "client", "start_date", "end_date", "hours_per_week", "status"]
    list_filter = ["status"]
    list_select_related = ["secretary__user", "client"]
    inlines = [PlacementRateInline]


@admin.register(Leave)
class LeaveAdmin(ReadOnlyAdmin):
    list_display = ["secretary", "start_date", "end_date", "kind"]


class TimeEntryInline(admin.TabularInline):
    model = TimeEntry
    extra = 0
    can_delete = False
    readonly_fields = ["date", "hours", "description"]


@admin.register(Timesheet)
class TimesheetAdmin(ReadOnlyAdmin):
    list_display = ["placement", "period_start", "period_end", "status", "approval_kind", "approved_at"]
    list_filter = ["status", "approval_kind"]
    list_select_related = ["placement__secretary__user", "placement__client"]
    inlines = [TimeEntryInline]
