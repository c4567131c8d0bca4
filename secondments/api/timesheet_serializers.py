import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.api import InputSerializer, PrimaryKeyField
from secondments.models import TimeEntry, Timesheet, TimesheetStatus


class TimeEntrySerializer(serializers.ModelSerializer[TimeEntry]):
    class Meta:
        model = TimeEntry
        fields = ["id", "date", "hours", "description"]


class SheetSecretarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class SheetClientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()


class TimesheetSerializer(serializers.ModelSerializer[Timesheet]):
    """A timesheet with its entries and approval evidence. No rates: secretaries see it too."""

    placement_id = serializers.IntegerField(read_only=True)
    secretary = serializers.SerializerMethodField()
    client = serializers.SerializerMethodField()
    total_hours = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)
    submitted_by = serializers.EmailField(source="submitted_by.email", default=None, read_only=True, allow_null=True)
    approved_by = serializers.EmailField(source="approved_by.email", default=None, read_only=True, allow_null=True)
    rejected_by = serializers.EmailField(source="rejected_by.email", default=None, read_only=True, allow_null=True)
    entries = TimeEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Timesheet
        fields = [
            "id",
            "placement_id",
            "secretary",
            "client",
            "period_start",
            "period_end",
            "status",
            "total_hours",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "approval_kind",
            "approval_hash",
            "rejected_at",
            "rejected_by",
            "rejection_reason",
            "entries",
        ]

    @extend_schema_field(SheetSecretarySerializer)
    def get_secretary(self, sheet: Timesheet) -> dict[str, Any]:
        s = sheet.placement.secretary
        return {"id": s.pk, "full_name": s.user.full_name}

    @extend_schema_field(SheetClientSerializer)
    def get_client(self, sheet: Timesheet) -> dict[str, Any]:
        c = sheet.placement.client
        return {"id": c.pk, "legal_name": c.legal_name}


# How TimesheetSerializer's fields render a datetime, for rows that are not model instances (the inbox).
_DATETIME = serializers.DateTimeField()


def timesheet_rows_representation(
    rows: Iterable[dict[str, Any]], entries: dict[int, list[tuple[int, datetime.date, Decimal, str]]]
) -> list[dict[str, Any]]:
    """Sheets as ``TimesheetSerializer`` renders them, from plain rows (``approval_inbox_rows``) and their
    entries (``approval_inbox_entries``): no model instances, no per-field machinery, the same output
    (``tests/secondments`` hold the two to it). Datetimes in the current time zone, as the serializer;
    hours and totals (two places in the database) to two places, as DecimalField quantizes them."""
    dt = _DATETIME.to_representation
    return [
        {
            "id": r["id"],
            "placement_id": r["placement_id"],
            "secretary": {"id": r["secretary_id"], "full_name": r["secretary_full_name"]},
            "client": {"id": r["client_id"], "legal_name": r["client_legal_name"]},
            "period_start": r["period_start"].isoformat(),
            "period_end": r["period_end"].isoformat(),
            "status": r["status"],
            "total_hours": format(r["total_hours"], ".2f"),
            "submitted_at": None if r["submitted_at"] is None else dt(r["submitted_at"]),
            "submitted_by": r["submitted_by_email"],
            "approved_at": None if r["approved_at"] is None else dt(r["approved_at"]),
            "approved_by": r["approved_by_email"],
            "approval_kind": r["approval_kind"],
            "approval_hash": r["approval_hash"],
            "rejected_at": None if r["rejected_at"] is None else dt(r["rejected_at"]),
            "rejected_by": r["rejected_by_email"],
            "rejection_reason": r["rejection_reason"],
            "entries": [
                {"id": pk, "date": date.isoformat(), "hours": format(h, ".2f"), "description": description}
                for pk, date, h, description in entries[r["id"]]
            ],
        }
        for r in rows
    ]


class GridCellSerializer(serializers.Serializer):
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    description = serializers.CharField()
    editable = serializers.BooleanField()
    timesheet_id = serializers.IntegerField(allow_null=True)
    timesheet_status = serializers.ChoiceField(choices=TimesheetStatus.choices, allow_null=True)


class GridRowSerializer(serializers.Serializer):
    placement_id = serializers.IntegerField(source="placement.pk")
    client = serializers.CharField(source="placement.client.legal_name")
    hours_per_week = serializers.DecimalField(source="placement.hours_per_week", max_digits=5, decimal_places=2)
    cells = GridCellSerializer(many=True)
    rejection_reasons = serializers.ListField(child=serializers.CharField())


class WeekGridSerializer(serializers.Serializer):
    secretary_id = serializers.IntegerField(source="secretary.pk")
    week = serializers.CharField()
    days = serializers.ListField(child=serializers.DateField())
    rows = GridRowSerializer(many=True)
    day_totals = serializers.ListField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    daily_cap = serializers.DecimalField(max_digits=4, decimal_places=2)


class WeekGridQuerySerializer(InputSerializer):
    week = serializers.RegexField(r"^\d{4}-W\d{2}$", error_messages={"invalid": "An ISO week such as 2026-W24."})
    secretary_id = serializers.IntegerField(required=False)


class CellInputSerializer(InputSerializer):
    placement_id = PrimaryKeyField(source="placement", queryset=None)
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0, max_value=24, allow_null=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class WeekGridInputSerializer(InputSerializer):
    secretary_id = serializers.IntegerField(required=False)
    cells = CellInputSerializer(many=True, allow_empty=False, max_length=7 * 20)  # type: ignore[call-arg]


class ReasonInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)


class BulkApproveInputSerializer(InputSerializer):
    timesheet_ids = PrimaryKeyField(many=True, source="timesheets", queryset=None, allow_empty=False)
