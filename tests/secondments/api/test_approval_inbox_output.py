"""The approval inbox renders plain rows, not model instances: the same output as ``TimesheetSerializer``."""

import datetime
import json
from decimal import Decimal
from typing import Any

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from secondments.api.timesheet_serializers import TimesheetSerializer
from secondments.models import ApprovalKind, Timesheet
from secondments.selectors.timesheets import approval_inbox
from secondments.services.timesheets import Cell, timesheet_reject, timesheet_submit, week_grid_save
from tests.conftest import World, api_client_for
from tests.factories import PlacementFactory, SecretaryFactory


def _sheets(world: World) -> None:
    """Submitted sheets of two secretaries over two months: with entries and hours to two places, one sent
    back and handed in again (who rejected it and when), one with approval evidence and a reason left over."""
    second = PlacementFactory(
        secretary=SecretaryFactory(pool=world.pool, user__full_name="Bram Bakker"),
        client=world.client,
        created_by=world.manager,
    )
    sheets: list[Timesheet] = []
    for placement, months, hours in ((world.placement, (5, 6), "3.5"), (second, (5, 6), "2.25")):
        for month in months:
            monday = datetime.date(2026, month, 4 if month == 5 else 1)
            cells = [
                Cell(
                    placement=placement,
                    date=monday + datetime.timedelta(days=d),
                    hours=Decimal(hours),
                    description=f"Dag {d}",
                )
                for d in range(month % 3, month % 3 + 3)
            ]
            sheets += week_grid_save(actor=world.manager, secretary=placement.secretary, cells=cells)
    assert len({s.pk for s in sheets}) >= 3
    for sheet in sheets:
        timesheet_submit(timesheet=sheet, actor=world.manager)
    sent_back = timesheet_reject(timesheet=sheets[0], actor=world.approver, reason="Dinsdag klopt niet.")
    timesheet_submit(timesheet=sent_back, actor=world.manager)
    Timesheet.objects.filter(pk=sheets[-1].pk).update(
        approved_at=datetime.datetime(2026, 6, 10, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        approved_by=world.approver,
        approval_kind=ApprovalKind.EXPLICIT,
        approval_hash="ab" * 32,
        rejection_reason="Ouder bezwaar, blijft staan.",
    )


def _generic(sheets: Any) -> list[dict[str, Any]]:
    """The sheets as DRF's generic field loop renders them, through the JSON renderer."""
    serializer = TimesheetSerializer()
    rows = [serializers.ModelSerializer.to_representation(serializer, sheet) for sheet in sheets]
    return json.loads(JSONRenderer().render(rows))


def test_the_inbox_renders_as_the_timesheet_serializer(world: World) -> None:
    _sheets(world)
    client = api_client_for(world.approver)

    response = client.get("/api/v1/approval-inbox/?page_size=100")

    assert response.status_code == 200, response.content
    body = response.json()
    expected = _generic(approval_inbox(user=world.approver))
    assert body["count"] == len(expected) >= 3
    assert body["results"] == expected
    assert any(r["rejected_by"] and r["rejected_at"] for r in body["results"])
    assert any(r["approved_by"] and r["approved_at"] for r in body["results"])
    assert all(r["entries"] for r in body["results"])


def test_a_page_of_the_inbox_is_the_same_page_of_the_serializer(world: World) -> None:
    _sheets(world)
    client = api_client_for(world.approver)

    response = client.get("/api/v1/approval-inbox/?page_size=2&page=2")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["results"] == _generic(approval_inbox(user=world.approver)[2:4])
    assert body["previous"] is not None
