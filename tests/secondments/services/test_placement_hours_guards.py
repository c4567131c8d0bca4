"""A placement with logged hours keeps them: it cannot be cancelled, nor end or be shortened
before its last logged day (secondments/services/placements.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import Placement, PlacementStatus, TimeEntry
from secondments.services.placements import placement_cancel, placement_end, placement_update
from secondments.services.timesheets import Cell, week_grid_save
from tests.conftest import World

D = datetime.date
LAST = D(2026, 6, 10)


@pytest.fixture
def logged(world: World) -> Placement:
    """world.placement with hours on 1 and 10 June 2026."""
    week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[
            Cell(placement=world.placement, date=D(2026, 6, 1), hours=Decimal("2.00")),
            Cell(placement=world.placement, date=LAST, hours=Decimal("3.00")),
        ],
    )
    return world.placement


def state(p: Placement) -> tuple[Any, ...]:
    p = Placement.objects.get(pk=p.pk)
    return (p.status, p.start_date, p.end_date, p.hours_per_week, TimeEntry.objects.count(), AuditEvent.objects.count())


def refused(p: Placement, exc: type[Exception], call: Any, **kwargs: Any) -> Any:
    before = state(p)
    with pytest.raises(exc) as excinfo:
        call(placement=p, **kwargs)
    assert state(p) == before
    return excinfo.value


def test_a_placement_with_hours_cannot_be_cancelled(world: World, logged: Placement) -> None:
    error = refused(logged, ApplicationError, placement_cancel, actor=world.manager, reason="Booked by mistake")
    assert error.message == "Hours are logged on this placement: end it instead of cancelling it."
    assert error.fields == {"status": ["Has hours."]}


def test_a_placement_whose_hours_were_all_cleared_can_be_cancelled(world: World, logged: Placement) -> None:
    week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[Cell(placement=logged, date=day, hours=None) for day in (D(2026, 6, 1), LAST)],
    )
    placement_cancel(placement=logged, actor=world.manager, reason="Booked by mistake")
    assert Placement.objects.get(pk=logged.pk).status == PlacementStatus.CANCELLED


@pytest.mark.parametrize("end", [D(2026, 6, 9), D(2026, 6, 1), D(2026, 5, 31)])
def test_a_placement_cannot_end_before_its_last_logged_day(world: World, logged: Placement, end: datetime.date) -> None:
    error = refused(logged, ValidationError, placement_end, actor=world.manager, end_date=end)
    assert error.message_dict == {
        "end_date": ["Hours are logged up to 2026-06-10; end the placement on or after that day."]
    }


@pytest.mark.parametrize("end", [LAST, D(2026, 6, 12)])
def test_a_placement_ends_on_or_after_its_last_logged_day(world: World, logged: Placement, end: datetime.date) -> None:
    placement_end(placement=logged, actor=world.manager, end_date=end)
    p = Placement.objects.get(pk=logged.pk)
    assert (p.status, p.end_date) == (PlacementStatus.ENDED, end)


@pytest.mark.parametrize("end", [D(2026, 6, 9), D(2026, 6, 2)])
def test_a_placement_cannot_be_shortened_before_its_last_logged_day(
    world: World, logged: Placement, end: datetime.date
) -> None:
    error = refused(logged, ValidationError, placement_update, actor=world.manager, data={"end_date": end})
    assert error.message_dict == {
        "end_date": ["Hours are logged after this day; the placement cannot end before them."]
    }


def test_a_placement_is_shortened_to_its_last_logged_day(world: World, logged: Placement) -> None:
    placement_update(placement=logged, actor=world.manager, data={"end_date": LAST})
    assert Placement.objects.get(pk=logged.pk).end_date == LAST
