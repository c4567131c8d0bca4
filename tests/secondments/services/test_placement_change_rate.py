"""A new bill rate from a date on (secondments/services/placements.py: placement_change_rate)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.services.runs import invoice_run_start
from secondments.models import Placement, PlacementRate, PlacementStatus
from secondments.selectors.rates import placement_rate_on
from secondments.services.placements import placement_change_rate
from tests.billing.conftest import MAY, approved_sheet
from tests.factories import PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


@pytest.fixture
def placement() -> Placement:
    """At 55.00 from Monday 6 July to Friday 25 September 2026."""
    return PlacementFactory(start_date=D(2026, 7, 6), end_date=D(2026, 9, 25), rate=Decimal("55.00"))


def rate_rows() -> list[tuple[Any, ...]]:
    return list(
        PlacementRate.objects.order_by("id").values_list(
            "id", "placement_id", "valid_from", "hourly_rate", "source", "created_by_id", "created_at"
        )
    )


def refused(p: Placement, manager: User, exc: type[Exception], **kwargs: Any) -> Any:
    before = (rate_rows(), AuditEvent.objects.count())
    with pytest.raises(exc) as excinfo:
        placement_change_rate(placement=p, actor=manager, **kwargs)
    assert (rate_rows(), AuditEvent.objects.count()) == before
    return excinfo.value


def test_a_rate_change_adds_a_row_and_keeps_the_earlier_ones(placement: Placement, manager: User) -> None:
    earlier = rate_rows()
    rate = placement_change_rate(
        placement=placement, actor=manager, valid_from=D(2026, 8, 3), hourly_rate=Decimal("58.50"), reason="Indexation"
    )
    assert (rate.placement_id, rate.valid_from, rate.hourly_rate, rate.source, rate.created_by) == (
        placement.pk,
        D(2026, 8, 3),
        Decimal("58.50"),
        PlacementRate.Source.OVERRIDE,
        manager,
    )
    after = rate_rows()
    assert after[:-1] == earlier
    assert len(after) == len(earlier) + 1
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id, event.reason) == (
        manager,
        "placement.change_rate",
        "secondments.placement",
        str(placement.pk),
        "Indexation",
    )
    assert event.before == {"valid_from": "2026-08-03", "hourly_rate": "55.00"}
    assert event.after == {"valid_from": "2026-08-03", "hourly_rate": "58.50"}


def test_the_rate_on_each_side_of_the_change(placement: Placement, manager: User) -> None:
    placement_change_rate(placement=placement, actor=manager, valid_from=D(2026, 8, 3), hourly_rate=Decimal("58.50"))
    placement_change_rate(placement=placement, actor=manager, valid_from=D(2026, 9, 1), hourly_rate=Decimal("60.00"))
    fresh = Placement.objects.prefetch_related("rates").get(pk=placement.pk)
    assert placement_rate_on(placement=fresh, day=D(2026, 7, 5)) is None
    assert placement_rate_on(placement=fresh, day=D(2026, 7, 6)) == Decimal("55.00")
    assert placement_rate_on(placement=fresh, day=D(2026, 8, 2)) == Decimal("55.00")
    assert placement_rate_on(placement=fresh, day=D(2026, 8, 3)) == Decimal("58.50")
    assert placement_rate_on(placement=fresh, day=D(2026, 8, 31)) == Decimal("58.50")
    assert placement_rate_on(placement=fresh, day=D(2026, 9, 1)) == Decimal("60.00")
    assert placement_rate_on(placement=fresh, day=D(2026, 9, 25)) == Decimal("60.00")


def test_a_change_dated_before_a_later_one_slots_in_between(placement: Placement, manager: User) -> None:
    placement_change_rate(placement=placement, actor=manager, valid_from=D(2026, 9, 1), hourly_rate=Decimal("60.00"))
    placement_change_rate(placement=placement, actor=manager, valid_from=D(2026, 8, 3), hourly_rate=Decimal("58.50"))
    fresh = Placement.objects.get(pk=placement.pk)
    assert placement_rate_on(placement=fresh, day=D(2026, 8, 20)) == Decimal("58.50")
    assert placement_rate_on(placement=fresh, day=D(2026, 9, 2)) == Decimal("60.00")


@pytest.mark.parametrize("valid_from", [D(2026, 7, 7), D(2026, 9, 25)])
def test_a_change_may_take_effect_from_the_day_after_the_start_to_the_last_day(
    placement: Placement, manager: User, valid_from: datetime.date
) -> None:
    rate = placement_change_rate(placement=placement, actor=manager, valid_from=valid_from, hourly_rate=Decimal("1"))
    assert rate.valid_from == valid_from


def test_an_open_ended_placement_takes_changes_any_time_after_its_start(manager: User) -> None:
    placement = PlacementFactory(start_date=D(2026, 1, 5), end_date=None)
    rate = placement_change_rate(
        placement=placement, actor=manager, valid_from=D(2030, 1, 1), hourly_rate=Decimal("70")
    )
    assert placement_rate_on(placement=placement, day=D(2030, 1, 1)) == Decimal("70")
    assert rate.valid_from == D(2030, 1, 1)


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"valid_from": D(2026, 7, 3), "hourly_rate": Decimal("60.00")},
            {"valid_from": ["A rate change takes effect on or after the placement's start."]},
        ),
        (
            {"valid_from": D(2026, 9, 28), "hourly_rate": Decimal("60.00")},
            {"valid_from": ["A rate change takes effect before the placement ends."]},
        ),
        (
            {"valid_from": D(2026, 7, 6), "hourly_rate": Decimal("60.00")},
            {"valid_from": ["The placement already has a rate from this date; choose another date."]},
        ),
        (
            {"valid_from": D(2026, 8, 3), "hourly_rate": Decimal("0")},
            {"hourly_rate": ["The rate must be more than 0."]},
        ),
        (
            {"valid_from": D(2026, 7, 3), "hourly_rate": Decimal("-5")},
            {
                "valid_from": ["A rate change takes effect on or after the placement's start."],
                "hourly_rate": ["The rate must be more than 0."],
            },
        ),
    ],
)
def test_refused_changes_change_nothing(
    placement: Placement, manager: User, kwargs: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    exc = refused(placement, manager, ValidationError, **kwargs)
    assert exc.message_dict == errors


def test_a_second_change_on_the_same_day_is_refused(placement: Placement, manager: User) -> None:
    placement_change_rate(placement=placement, actor=manager, valid_from=D(2026, 8, 3), hourly_rate=Decimal("58.50"))
    exc = refused(placement, manager, ValidationError, valid_from=D(2026, 8, 3), hourly_rate=Decimal("59.00"))
    assert exc.message_dict == {"valid_from": ["The placement already has a rate from this date; choose another date."]}
    assert placement_rate_on(placement=placement, day=D(2026, 8, 3)) == Decimal("58.50")


def test_a_cancelled_placement_has_no_rate_to_change(placement: Placement, manager: User) -> None:
    Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.CANCELLED)
    exc = refused(placement, manager, ApplicationError, valid_from=D(2026, 8, 3), hourly_rate=Decimal("58.50"))
    assert exc.message == "A cancelled placement has no rate to change."
    assert exc.fields == {"status": ["Is cancelled."]}


def test_a_rate_change_never_reaches_invoiced_hours(world: Any) -> None:
    """Hours up to 31 May are invoiced: a new rate from May is refused, one from June is taken."""
    approved_sheet(world.placement, MAY, world.approver)
    invoice_run_start(actor=world.finance, year=2026, month=5)
    rows = rate_rows()

    with pytest.raises(ValidationError) as refused:
        placement_change_rate(
            placement=world.placement, actor=world.manager, valid_from=D(2026, 5, 20), hourly_rate=Decimal("60.00")
        )

    assert refused.value.message_dict == {
        "valid_from": [
            "Hours up to 2026-05-31 are invoiced at the current rate: a change takes effect after that "
            "(correct invoiced hours with a credit note)."
        ]
    }
    assert rate_rows() == rows
    rate = placement_change_rate(
        placement=world.placement, actor=world.manager, valid_from=D(2026, 6, 1), hourly_rate=Decimal("60.00")
    )
    assert rate.hourly_rate == Decimal("60.00")
