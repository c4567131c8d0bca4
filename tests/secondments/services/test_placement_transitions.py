"""Activating, ending and cancelling placements (secondments/services/placements.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import Placement, PlacementStatus
from secondments.selectors.capacity import secretary_capacity
from secondments.services.placements import placement_activate, placement_cancel, placement_end
from tests.factories import PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


def make(status: str, **kwargs: Any) -> Placement:
    params: dict[str, Any] = {
        "status": status,
        "start_date": D(2026, 7, 6),
        "end_date": D(2026, 9, 25),
        "hours_per_week": Decimal("10.00"),
    }
    params.update(kwargs)
    return PlacementFactory(**params)


def state(p: Placement) -> tuple[Any, ...]:
    p = Placement.objects.get(pk=p.pk)
    return (p.status, p.start_date, p.end_date, AuditEvent.objects.count())


def refused(p: Placement, exc: type[Exception], call: Any, **kwargs: Any) -> Any:
    before = state(p)
    with pytest.raises(exc) as excinfo:
        call(placement=p, **kwargs)
    assert state(p) == before
    return excinfo.value


def only_event() -> AuditEvent:
    [event] = AuditEvent.objects.all()
    return event


# --- activate ------------------------------------------------------------------------------------


def test_activate_a_draft(manager: User) -> None:
    placement = make(PlacementStatus.DRAFT)
    result = placement_activate(placement=placement, actor=manager)
    assert result.status == PlacementStatus.ACTIVE
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.ACTIVE
    event = only_event()
    assert (event.actor, event.action, event.object_id, event.reason) == (
        manager,
        "placement.activate",
        str(placement.pk),
        "",
    )
    assert event.before["status"] == "draft"
    assert event.after["status"] == "active"
    assert {k: v for k, v in event.before.items() if k != "status"} == {
        k: v for k, v in event.after.items() if k != "status"
    }


@pytest.mark.parametrize("status", [PlacementStatus.ACTIVE, PlacementStatus.ENDED, PlacementStatus.CANCELLED])
def test_only_a_draft_can_be_activated(manager: User, status: str) -> None:
    placement = make(status)
    exc = refused(placement, ApplicationError, placement_activate, actor=manager)
    assert exc.message == f"This placement is {status}: only draft placements can be activated."
    assert exc.fields == {"status": [f"Is {status}; needs draft."]}


# --- end -----------------------------------------------------------------------------------------


def test_end_an_active_placement_early(manager: User) -> None:
    placement = make(PlacementStatus.ACTIVE)
    result = placement_end(placement=placement, actor=manager, end_date=D(2026, 8, 12))
    assert (result.status, result.end_date) == (PlacementStatus.ENDED, D(2026, 8, 12))
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.status, stored.end_date) == (PlacementStatus.ENDED, D(2026, 8, 12))
    event = only_event()
    assert (event.actor, event.action) == (manager, "placement.end")
    assert (event.before["status"], event.before["end_date"]) == ("active", "2026-09-25")
    assert (event.after["status"], event.after["end_date"]) == ("ended", "2026-08-12")


@pytest.mark.parametrize("end_date", [D(2026, 7, 6), D(2026, 9, 25)])
def test_end_on_the_first_or_the_planned_last_day(manager: User, end_date: datetime.date) -> None:
    placement = make(PlacementStatus.ACTIVE)
    assert placement_end(placement=placement, actor=manager, end_date=end_date).end_date == end_date


def test_end_an_open_ended_placement(manager: User) -> None:
    placement = make(PlacementStatus.ACTIVE, end_date=None)
    result = placement_end(placement=placement, actor=manager, end_date=D(2027, 3, 31))
    assert (result.status, result.end_date) == (PlacementStatus.ENDED, D(2027, 3, 31))


def test_ending_frees_the_weeks_after_the_end(manager: User) -> None:
    placement = make(PlacementStatus.ACTIVE)
    placement_end(placement=placement, actor=manager, end_date=D(2026, 8, 12))  # a Wednesday
    weeks = secretary_capacity(secretary=placement.secretary, start=D(2026, 8, 10), end=D(2026, 8, 23))
    assert [(str(w.week), w.placed) for w in weeks] == [("2026-W33", Decimal("6.00")), ("2026-W34", Decimal("0"))]


def test_cannot_end_before_the_start(manager: User) -> None:
    placement = make(PlacementStatus.ACTIVE)
    exc = refused(placement, ValidationError, placement_end, actor=manager, end_date=D(2026, 7, 5))
    assert exc.message_dict == {"end_date": ["A placement cannot end before it starts."]}


def test_cannot_end_after_the_planned_end(manager: User) -> None:
    placement = make(PlacementStatus.ACTIVE)
    exc = refused(placement, ValidationError, placement_end, actor=manager, end_date=D(2026, 9, 28))
    assert exc.message_dict == {"end_date": ["To end later than planned, extend the placement instead."]}


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.ENDED, PlacementStatus.CANCELLED])
def test_only_an_active_placement_can_end(manager: User, status: str) -> None:
    placement = make(status)
    exc = refused(placement, ApplicationError, placement_end, actor=manager, end_date=D(2026, 8, 12))
    assert exc.message == f"This placement is {status}: only active placements can be ended."
    assert exc.fields == {"status": [f"Is {status}; needs active."]}


# --- cancel --------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.ACTIVE])
def test_cancel_a_draft_or_active_placement_with_a_reason(manager: User, status: str) -> None:
    placement = make(status)
    result = placement_cancel(placement=placement, actor=manager, reason="  Client withdrew.  ")
    assert result.status == PlacementStatus.CANCELLED
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.CANCELLED
    event = only_event()
    assert (event.actor, event.action, event.reason) == (manager, "placement.cancel", "Client withdrew.")
    assert (event.before["status"], event.after["status"]) == (status, "cancelled")


def test_cancelling_frees_the_capacity(manager: User) -> None:
    placement = make(PlacementStatus.ACTIVE)
    placement_cancel(placement=placement, actor=manager, reason="Never ran")
    [week] = secretary_capacity(secretary=placement.secretary, start=D(2026, 7, 6), end=D(2026, 7, 12))
    assert week.placed == Decimal("0")
    assert week.free == Decimal("20.00")


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_needs_a_reason(manager: User, reason: str) -> None:
    placement = make(PlacementStatus.ACTIVE)
    exc = refused(placement, ValidationError, placement_cancel, actor=manager, reason=reason)
    assert exc.message_dict == {"reason": ["Say why the placement is cancelled."]}


@pytest.mark.parametrize("status", [PlacementStatus.ENDED, PlacementStatus.CANCELLED])
def test_ended_or_cancelled_cannot_be_cancelled(manager: User, status: str) -> None:
    placement = make(status)
    exc = refused(placement, ApplicationError, placement_cancel, actor=manager, reason="Oops")
    assert exc.message == f"This placement is {status}: only active or draft placements can be cancelled."
    assert exc.fields == {"status": [f"Is {status}; needs active or draft."]}
