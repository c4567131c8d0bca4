"""A secretary who is also an approver of the client can never approve their own hours."""

import datetime
from decimal import Decimal

from rest_framework.test import APIClient

from backend.core.models import AuditEvent
from secondments.models import Timesheet, TimesheetStatus
from secondments.services.timesheets import Cell, timesheet_submit, week_grid_save
from tests.conftest import World


def _submitted_sheet(world: World) -> Timesheet:
    user = world.secretary.user
    user.is_client_approver = True
    user.save()
    world.client.approvers.add(user)
    [sheet] = week_grid_save(
        actor=user,
        secretary=world.secretary,
        cells=[Cell(placement=world.placement, date=datetime.date(2026, 6, 8), hours=Decimal("2.00"))],
    )
    return timesheet_submit(timesheet=sheet, actor=user)


def test_self_approval_is_refused_and_changes_nothing(world: World) -> None:
    sheet = _submitted_sheet(world)
    client = APIClient()
    client.force_authenticate(world.secretary.user)
    events = AuditEvent.objects.count()

    response = client.post(f"/api/v1/timesheets/{sheet.pk}/approve/")

    assert response.status_code == 403
    assert response.json() == {"message": "A secretary can never approve their own hours.", "extra": {"fields": {}}}
    sheet.refresh_from_db()
    assert (sheet.status, sheet.approved_by, sheet.approval_hash) == (TimesheetStatus.SUBMITTED, None, "")
    assert AuditEvent.objects.count() == events


def test_self_approval_is_not_offered_in_the_inbox(world: World) -> None:
    _submitted_sheet(world)
    client = APIClient()
    client.force_authenticate(world.secretary.user)
    response = client.get("/api/v1/approval-inbox/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_self_approval_in_bulk_is_refused_and_approves_nothing(world: World) -> None:
    sheet = _submitted_sheet(world)
    client = APIClient()
    client.force_authenticate(world.secretary.user)

    response = client.post("/api/v1/timesheets/bulk-approve/", {"timesheet_ids": [sheet.pk]}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == "A secretary can never approve their own hours."
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED
