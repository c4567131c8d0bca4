"""Changing a placement (secondments/services/placements.py: placement_update).

The factory secretary has 20 h a week to place (contract 36, base 16).
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import CapacityOverride, Placement, PlacementRate, PlacementStatus
from secondments.services.placements import placement_create, placement_update
from tests.factories import ClientFactory, PlacementFactory, RateCardFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


@pytest.fixture
def placement(manager: User) -> Placement:
    """10 h a week in W28..W31 (Monday 6 July .. Friday 31 July 2026)."""
    return PlacementFactory(
        hours_per_week=Decimal("10.00"), start_date=D(2026, 7, 6), end_date=D(2026, 7, 31), created_by=manager
    )


def state(p: Placement) -> dict[str, Any]:
    p = Placement.objects.get(pk=p.pk)
    return {
        "fields": (p.start_date, p.end_date, p.hours_per_week, p.purpose, p.notes, p.status),
        "rates": list(p.rates.values_list("valid_from", "hourly_rate", "source")),
        "overrides": CapacityOverride.objects.count(),
        "audit": AuditEvent.objects.count(),
        "rate_rows": PlacementRate.objects.count(),
    }


def refused(p: Placement, manager: User, exc: type[Exception], data: dict[str, Any], **kwargs: Any) -> Any:
    before = state(p)
    with pytest.raises(exc) as excinfo:
        placement_update(placement=p, actor=manager, data=data, **kwargs)
    assert state(p) == before
    return excinfo.value


def snapshot(p: Placement, **changes: Any) -> dict[str, Any]:
    base = {
        "id": p.pk,
        "secretary_id": p.secretary_id,
        "client_id": p.client_id,
        "start_date": "2026-07-06",
        "end_date": "2026-07-31",
        "hours_per_week": "10.00",
        "purpose": "",
        "status": "active",
        "notes": "",
        "created_by_id": p.created_by_id,
        "created_at": "2026-06-15T08:00:00+00:00",
    }
    return base | changes


def test_changing_notes_writes_one_audit_event_with_before_and_after(placement: Placement, manager: User) -> None:
    result = placement_update(placement=placement, actor=manager, data={"notes": "Bring a badge", "purpose": "Desk"})
    assert (result.notes, result.purpose) == ("Bring a badge", "Desk")
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.object_id) == (manager, "placement.update", str(placement.pk))
    assert event.before == snapshot(placement)
    assert event.after == snapshot(placement, notes="Bring a badge", purpose="Desk")


def test_no_change_writes_nothing(placement: Placement, manager: User) -> None:
    before = state(placement)
    placement_update(
        placement=placement,
        actor=manager,
        data={"hours_per_week": Decimal("10"), "end_date": D(2026, 7, 31), "notes": ""},
    )
    assert state(placement) == before


def test_extending_into_overbooked_weeks_is_refused(placement: Placement, manager: User) -> None:
    PlacementFactory(secretary=placement.secretary, hours_per_week=Decimal("14.00"), start_date=D(2026, 8, 3))
    exc = refused(placement, manager, ApplicationError, {"end_date": D(2026, 8, 14)})
    assert exc.message == (
        "Not enough free capacity: 2026-W32 short 4.00 h, 2026-W33 short 4.00 h. "
        "Shorten or reduce the placement, or override with a written reason."
    )
    assert exc.extra == {"shortfall": [{"week": "2026-W32", "short": "4.00"}, {"week": "2026-W33", "short": "4.00"}]}


def test_making_open_ended_is_checked(placement: Placement, manager: User) -> None:
    PlacementFactory(
        secretary=placement.secretary,
        hours_per_week=Decimal("14.00"),
        start_date=D(2026, 11, 2),
        end_date=D(2026, 11, 6),
    )
    exc = refused(placement, manager, ApplicationError, {"end_date": None})
    assert exc.extra == {"shortfall": [{"week": "2026-W45", "short": "4.00"}]}


def test_enlarging_hours_is_refused_when_it_overbooks(placement: Placement, manager: User) -> None:
    PlacementFactory(secretary=placement.secretary, hours_per_week=Decimal("8.00"), start_date=D(2026, 7, 20))
    exc = refused(placement, manager, ApplicationError, {"hours_per_week": Decimal("14.00")})
    assert exc.extra == {"shortfall": [{"week": "2026-W30", "short": "2.00"}, {"week": "2026-W31", "short": "2.00"}]}


def test_enlarging_within_capacity_is_allowed(placement: Placement, manager: User) -> None:
    PlacementFactory(secretary=placement.secretary, hours_per_week=Decimal("8.00"), start_date=D(2026, 7, 20))
    result = placement_update(placement=placement, actor=manager, data={"hours_per_week": Decimal("12.00")})
    assert Placement.objects.get(pk=result.pk).hours_per_week == Decimal("12.00")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["placement.update"]


@pytest.fixture
def overbooked(placement: Placement) -> Placement:
    """Another 14 h over the whole placement: 4 h short in W28..W31 (as after an earlier override)."""
    PlacementFactory(secretary=placement.secretary, hours_per_week=Decimal("14.00"), start_date=D(2026, 1, 5))
    return placement


@pytest.mark.parametrize(
    "data",
    [
        {"end_date": D(2026, 7, 22)},  # shorter, ends on a Wednesday
        {"hours_per_week": Decimal("9.00")},  # fewer hours
        {"end_date": D(2026, 7, 17), "hours_per_week": Decimal("6.00")},
    ],
)
def test_shortening_or_reducing_an_overbooked_placement_is_not_checked(
    overbooked: Placement, manager: User, data: dict[str, Any]
) -> None:
    placement_update(placement=overbooked, actor=manager, data=data)
    assert CapacityOverride.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["placement.update"]


def test_an_unrelated_change_to_an_overbooked_placement_is_not_checked(overbooked: Placement, manager: User) -> None:
    placement_update(placement=overbooked, actor=manager, data={"notes": "Moved desk"})
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["placement.update"]


def test_extending_an_overbooked_placement_counts_only_the_added_week(overbooked: Placement, manager: User) -> None:
    exc = refused(overbooked, manager, ApplicationError, {"end_date": D(2026, 8, 7)})
    assert exc.extra == {"shortfall": [{"week": "2026-W32", "short": "4.00"}]}


def test_extending_with_an_override_records_it(overbooked: Placement, manager: User) -> None:
    placement_update(
        placement=overbooked, actor=manager, data={"end_date": D(2026, 8, 7)}, override_reason="Client insists"
    )
    override = CapacityOverride.objects.get()
    assert (override.placement_id, override.actor, override.reason, override.shortfall) == (
        overbooked.pk,
        manager,
        "Client insists",
        [{"week": "2026-W32", "short": "4.00"}],
    )
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.actor) for e in events] == [
        ("placement.capacity_override", manager),
        ("placement.update", manager),
    ]
    assert events[1].before == snapshot(overbooked)
    assert events[1].after == snapshot(overbooked, end_date="2026-08-07")
    assert Placement.objects.get(pk=overbooked.pk).end_date == D(2026, 8, 7)


def test_an_active_placement_cannot_move_its_start(placement: Placement, manager: User) -> None:
    exc = refused(placement, manager, ValidationError, {"start_date": D(2026, 7, 13)})
    assert exc.message_dict == {"start_date": ["Only a draft placement can move its start date."]}


def test_an_active_placement_may_repeat_its_start(placement: Placement, manager: User) -> None:
    placement_update(placement=placement, actor=manager, data={"start_date": D(2026, 7, 6), "notes": "x"})
    assert Placement.objects.get(pk=placement.pk).notes == "x"


def test_a_draft_moves_its_start_and_its_first_rate(placement: Placement, manager: User) -> None:
    Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.DRAFT)
    placement_update(placement=placement, actor=manager, data={"start_date": D(2026, 7, 13)})
    moved = Placement.objects.get(pk=placement.pk)
    assert moved.start_date == D(2026, 7, 13)
    assert list(moved.rates.values_list("valid_from", "hourly_rate")) == [(D(2026, 7, 13), Decimal("55.00"))]
    [event] = AuditEvent.objects.all()
    assert event.before["start_date"] == "2026-07-06"
    assert event.after["start_date"] == "2026-07-13"


def test_a_draft_cannot_move_its_start_past_a_rate_change(placement: Placement, manager: User) -> None:
    Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.DRAFT)
    PlacementRate.objects.create(
        placement=placement,
        valid_from=D(2026, 7, 20),
        hourly_rate=Decimal("60.00"),
        source="override",
        created_by=manager,
    )
    exc = refused(placement, manager, ValidationError, {"start_date": D(2026, 7, 20)})
    assert exc.message_dict == {"start_date": ["Rate changes already lie before the new start date."]}


def test_a_draft_moving_its_start_earlier_is_checked(placement: Placement, manager: User) -> None:
    Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.DRAFT)
    PlacementFactory(
        secretary=placement.secretary,
        hours_per_week=Decimal("14.00"),
        start_date=D(2026, 6, 29),
        end_date=D(2026, 7, 3),
    )
    exc = refused(placement, manager, ApplicationError, {"start_date": D(2026, 6, 29)})
    assert exc.extra == {"shortfall": [{"week": "2026-W27", "short": "4.00"}]}


@pytest.mark.parametrize("status", [PlacementStatus.ENDED, PlacementStatus.CANCELLED])
def test_ended_and_cancelled_placements_cannot_change(placement: Placement, manager: User, status: str) -> None:
    Placement.objects.filter(pk=placement.pk).update(status=status)
    exc = refused(placement, manager, ApplicationError, {"notes": "late note"})
    assert exc.message == f"A placement that is {status} cannot change."
    assert exc.fields == {"status": [f"Is {status}; only draft and active placements change."]}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"end_date": D(2026, 7, 5)}, {"end_date": ["A placement cannot end before it starts."]}),
        ({"hours_per_week": Decimal("0")}, {"hours_per_week": ["Hours per week must be more than 0."]}),
        (
            {"hours_per_week": Decimal("40.00")},
            {"hours_per_week": ["More than the secretary's contract of 36.00 h a week."]},
        ),
    ],
)
def test_field_rules_apply_to_changes(
    placement: Placement, manager: User, data: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    exc = refused(placement, manager, ValidationError, data)
    assert exc.message_dict == errors


def test_extending_past_the_employment_is_refused(placement: Placement, manager: User) -> None:
    placement.secretary.employment_end = D(2026, 8, 31)
    placement.secretary.save()
    exc = refused(placement, manager, ValidationError, {"end_date": D(2026, 9, 4)})
    assert exc.message_dict == {
        "end_date": ["The secretary's employment ends on 2026-08-31; end the placement by then."]
    }


def test_a_draft_on_a_rate_card_takes_the_card_in_force_at_its_new_start(manager: User) -> None:
    secretary = SecretaryFactory()
    RateCardFactory(pool=secretary.pool, client_kind="tenant", valid_from=D(2025, 1, 1), hourly_rate=Decimal("52.00"))
    RateCardFactory(pool=secretary.pool, client_kind="tenant", valid_from=D(2026, 1, 1), hourly_rate=Decimal("55.00"))
    draft = placement_create(
        actor=manager,
        secretary=secretary,
        client=ClientFactory(),
        start_date=D(2025, 12, 29),
        end_date=D(2026, 2, 27),
        hours_per_week=Decimal("8.00"),
        status=PlacementStatus.DRAFT,
    )
    assert list(draft.rates.values_list("valid_from", "hourly_rate", "source")) == [
        (D(2025, 12, 29), Decimal("52.00"), "rate_card")
    ]

    placement_update(placement=draft, actor=manager, data={"start_date": D(2026, 1, 5)})

    assert list(draft.rates.values_list("valid_from", "hourly_rate", "source")) == [
        (D(2026, 1, 5), Decimal("55.00"), "rate_card")
    ]


def test_a_draft_with_an_agreed_rate_keeps_it_when_its_start_moves(manager: User) -> None:
    secretary = SecretaryFactory()
    RateCardFactory(pool=secretary.pool, client_kind="tenant", valid_from=D(2025, 1, 1), hourly_rate=Decimal("52.00"))
    draft = placement_create(
        actor=manager,
        secretary=secretary,
        client=ClientFactory(),
        start_date=D(2025, 12, 29),
        end_date=D(2026, 2, 27),
        hours_per_week=Decimal("8.00"),
        hourly_rate=Decimal("61.00"),
        status=PlacementStatus.DRAFT,
    )

    placement_update(placement=draft, actor=manager, data={"start_date": D(2026, 1, 5)})

    assert list(draft.rates.values_list("valid_from", "hourly_rate", "source")) == [
        (D(2026, 1, 5), Decimal("61.00"), "override")
    ]
