"""Billing fixtures: approved hours made through the hours services, as a secretary and approver would."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from secondments.models import Placement, Timesheet
from secondments.services.timesheets import Cell, timesheet_approve, timesheet_submit, week_grid_save
from tests.conftest import World


@pytest.fixture(autouse=True)
def _fresh_storage(settings: Any) -> None:
    """Each test stores its PDFs in a storage of its own (an earlier test's file would rename ours)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def approved_sheet(placement: Placement, hours: dict[datetime.date, str], approver: Any) -> Timesheet:
    """Log ``hours`` (day -> hours) on the placement, submit the sheet and have ``approver`` approve it."""
    secretary = placement.secretary
    cells = [Cell(placement=placement, date=day, hours=Decimal(h)) for day, h in hours.items()]
    sheets = week_grid_save(actor=secretary.user, secretary=secretary, cells=cells)
    assert len(sheets) == 1, "one approval period per call"
    sheet = timesheet_submit(timesheet=sheets[0], actor=secretary.user)
    return timesheet_approve(timesheet=sheet, actor=approver, ip="192.0.2.10")


MAY = {datetime.date(2026, 5, d): "4.00" for d in (4, 5, 6, 7, 8)}  # 20 h in May 2026 (Mon-Fri)
APRIL = {datetime.date(2026, 4, d): "2.50" for d in (13, 14)}  # 5 h in April 2026


@pytest.fixture
def may_sheet(world: World) -> Timesheet:
    """The world's placement: 20 approved hours in May 2026 at 55.00 (a monthly client)."""
    return approved_sheet(world.placement, MAY, world.approver)
