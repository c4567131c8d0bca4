"""Free capacity per ISO week (secondments/selectors/capacity.py).

The factory secretary has a contract of 36 h and a base workload of 16 h: 20 h a
week to place.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from backend.core.periods import IsoWeek
from secondments.models import PlacementStatus, Secretary
from secondments.selectors.capacity import (
    OPEN_END_HORIZON_WEEKS,
    Shortfall,
    Span,
    WeekCapacity,
    placement_shortfalls,
    secretaries_capacity,
    secretary_capacity,
    week_capacities,
)
from tests.factories import LeaveFactory, PlacementFactory, SecretaryFactory

pytestmark = pytest.mark.django_db

D = datetime.date
W25 = IsoWeek(2026, 25)  # Monday 2026-06-15 .. Sunday 2026-06-21
W26 = IsoWeek(2026, 26)  # Monday 2026-06-22 .. Sunday 2026-06-28


def row(c: WeekCapacity) -> tuple[str, Decimal, Decimal, Decimal, Decimal]:
    return (str(c.week), c.available, c.leave, c.placed, c.free)


def assert_decimals(capacities: list[WeekCapacity]) -> None:
    for c in capacities:
        for value in (c.available, c.leave, c.placed, c.free):
            assert isinstance(value, Decimal)


def one_week(secretary: Secretary, week: IsoWeek = W25) -> WeekCapacity:
    [capacity] = secretary_capacity(secretary=secretary, start=week.monday, end=week.sunday)
    return capacity


# --- the pure arithmetic --------------------------------------------------------------------------


def pure(**overrides: Any) -> list[WeekCapacity]:
    kwargs: dict[str, Any] = {
        "contract_hours": Decimal("36.00"),
        "base_workload_hours": Decimal("16.00"),
        "employment_start": D(2020, 1, 1),
        "employment_end": None,
        "placements": [],
        "leaves": [],
        "weeks": [W25],
    }
    kwargs.update(overrides)
    return week_capacities(**kwargs)


def test_pure_full_week_without_anything_is_contract_minus_base() -> None:
    [c] = pure()
    assert row(c) == ("2026-W25", Decimal("20.00"), Decimal(0), Decimal(0), Decimal("20.00"))
    assert c.placement_ids == []


def test_pure_placements_add_up_with_their_ids() -> None:
    [c] = pure(
        placements=[
            Span(D(2026, 1, 5), None, Decimal("8.00"), 7),
            Span(D(2026, 6, 17), None, Decimal("7.50"), 9),  # from Wednesday: 3/5 x 7.50 = 4.50
            Span(D(2026, 6, 22), None, Decimal("10.00"), 11),  # the week after: nothing
        ]
    )
    assert c.placed == Decimal("12.50")
    assert c.free == Decimal("7.50")
    assert c.placement_ids == [7, 9]


def test_pure_overlapping_leaves_count_each_day_once() -> None:
    [c] = pure(leaves=[Span(D(2026, 6, 15), D(2026, 6, 17)), Span(D(2026, 6, 16), D(2026, 6, 18))])
    # Monday..Thursday: 4 days x 4 h.
    assert c.leave == Decimal("16.00")
    assert c.free == Decimal("4.00")


def test_pure_free_may_go_negative_when_overbooked() -> None:
    [c] = pure(placements=[Span(D(2026, 1, 1), None, Decimal("24.00"))])
    assert c.free == Decimal("-4.00")


# --- one secretary from the database ---------------------------------------------------------------


def test_full_week_without_placements() -> None:
    secretary = SecretaryFactory()
    c = one_week(secretary)
    assert row(c) == ("2026-W25", Decimal("20.00"), Decimal("0"), Decimal("0"), Decimal("20.00"))
    assert_decimals([c])


def test_full_week_with_a_placement() -> None:
    placement = PlacementFactory(hours_per_week=Decimal("8.00"), start_date=D(2026, 1, 5))
    c = one_week(placement.secretary)
    assert row(c) == ("2026-W25", Decimal("20.00"), Decimal("0"), Decimal("8.00"), Decimal("12.00"))
    assert c.placement_ids == [placement.pk]


def test_placement_starting_wednesday_takes_three_fifths_of_its_hours() -> None:
    placement = PlacementFactory(hours_per_week=Decimal("10.00"), start_date=D(2026, 6, 17))
    weeks = secretary_capacity(secretary=placement.secretary, start=W25.monday, end=W26.sunday)
    assert [row(c) for c in weeks] == [
        ("2026-W25", Decimal("20.00"), Decimal("0"), Decimal("6.00"), Decimal("14.00")),
        ("2026-W26", Decimal("20.00"), Decimal("0"), Decimal("10.00"), Decimal("10.00")),
    ]
    assert_decimals(weeks)


def test_placement_ending_tuesday_takes_two_fifths_of_its_hours() -> None:
    placement = PlacementFactory(hours_per_week=Decimal("10.00"), start_date=D(2026, 1, 5), end_date=D(2026, 6, 16))
    weeks = secretary_capacity(secretary=placement.secretary, start=W25.monday, end=W26.sunday)
    assert [row(c) for c in weeks] == [
        ("2026-W25", Decimal("20.00"), Decimal("0"), Decimal("4.00"), Decimal("16.00")),
        ("2026-W26", Decimal("20.00"), Decimal("0"), Decimal("0"), Decimal("20.00")),
    ]
    assert weeks[1].placement_ids == []


def test_uneven_hours_stay_exact_decimals() -> None:
    # 7.25 h from a Thursday: 2/5 x 7.25 = 2.90 exactly (no float rounding).
    placement = PlacementFactory(hours_per_week=Decimal("7.25"), start_date=D(2026, 6, 18))
    c = one_week(placement.secretary)
    assert c.placed == Decimal("2.90")
    assert c.free == Decimal("17.10")
    assert_decimals([c])


def test_placement_spanning_the_2026_2027_year_boundary() -> None:
    # Wednesday 23 Dec 2026 .. Tuesday 5 Jan 2027 at 10 h a week.
    placement = PlacementFactory(hours_per_week=Decimal("10.00"), start_date=D(2026, 12, 23), end_date=D(2027, 1, 5))
    weeks = secretary_capacity(secretary=placement.secretary, start=D(2026, 12, 21), end=D(2027, 1, 10))
    assert [row(c) for c in weeks] == [
        ("2026-W52", Decimal("20.00"), Decimal("0"), Decimal("6.00"), Decimal("14.00")),
        ("2026-W53", Decimal("20.00"), Decimal("0"), Decimal("10.00"), Decimal("10.00")),
        ("2027-W01", Decimal("20.00"), Decimal("0"), Decimal("4.00"), Decimal("16.00")),
    ]
    assert all(c.placement_ids == [placement.pk] for c in weeks)


def test_two_days_of_leave_take_two_fifths_of_contract_minus_base() -> None:
    leave = LeaveFactory(start_date=D(2026, 6, 15), end_date=D(2026, 6, 16))
    c = one_week(leave.secretary)
    assert row(c) == ("2026-W25", Decimal("20.00"), Decimal("8.00"), Decimal("0"), Decimal("12.00"))


def test_leave_reduces_capacity_on_top_of_placements() -> None:
    placement = PlacementFactory(hours_per_week=Decimal("8.00"), start_date=D(2026, 1, 5))
    LeaveFactory(secretary=placement.secretary, start_date=D(2026, 6, 15), end_date=D(2026, 6, 16))
    c = one_week(placement.secretary)
    assert row(c) == ("2026-W25", Decimal("20.00"), Decimal("8.00"), Decimal("8.00"), Decimal("4.00"))


def test_overlapping_leaves_are_counted_once() -> None:
    secretary = SecretaryFactory()
    LeaveFactory(secretary=secretary, start_date=D(2026, 6, 15), end_date=D(2026, 6, 17))
    LeaveFactory(secretary=secretary, start_date=D(2026, 6, 16), end_date=D(2026, 6, 18), kind="sick")
    c = one_week(secretary)
    assert c.leave == Decimal("16.00")  # Monday..Thursday, not 6 days
    assert c.free == Decimal("4.00")


def test_leave_over_a_weekend_counts_only_working_days() -> None:
    # Friday 19 June .. Monday 22 June: one working day in each week.
    leave = LeaveFactory(start_date=D(2026, 6, 19), end_date=D(2026, 6, 22))
    weeks = secretary_capacity(secretary=leave.secretary, start=W25.monday, end=W26.sunday)
    assert [(str(c.week), c.leave, c.free) for c in weeks] == [
        ("2026-W25", Decimal("4.00"), Decimal("16.00")),
        ("2026-W26", Decimal("4.00"), Decimal("16.00")),
    ]


def test_leave_only_on_a_weekend_takes_nothing() -> None:
    leave = LeaveFactory(start_date=D(2026, 6, 20), end_date=D(2026, 6, 21))
    assert one_week(leave.secretary).leave == Decimal("0")


def test_employment_starting_wednesday_gives_three_fifths() -> None:
    secretary = SecretaryFactory(employment_start=D(2026, 6, 17))
    weeks = secretary_capacity(secretary=secretary, start=IsoWeek(2026, 24).monday, end=W26.sunday)
    assert [(str(c.week), c.available, c.free) for c in weeks] == [
        ("2026-W24", Decimal("0"), Decimal("0")),
        ("2026-W25", Decimal("12.00"), Decimal("12.00")),
        ("2026-W26", Decimal("20.00"), Decimal("20.00")),
    ]


def test_employment_ending_tuesday_gives_two_fifths_and_ignores_leave_after_it() -> None:
    secretary = SecretaryFactory(employment_end=D(2026, 6, 16))
    LeaveFactory(secretary=secretary, start_date=D(2026, 6, 15), end_date=D(2026, 6, 19))
    weeks = secretary_capacity(secretary=secretary, start=W25.monday, end=W26.sunday)
    # Employed Monday and Tuesday: 8 h, both on leave; the leave after the employment counts for nothing.
    assert [row(c) for c in weeks] == [
        ("2026-W25", Decimal("8.00"), Decimal("8.00"), Decimal("0"), Decimal("0")),
        ("2026-W26", Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0")),
    ]


@pytest.mark.parametrize(
    ("status", "placed"),
    [
        (PlacementStatus.DRAFT, Decimal("8.00")),
        (PlacementStatus.ACTIVE, Decimal("8.00")),
        (PlacementStatus.ENDED, Decimal("8.00")),
        (PlacementStatus.CANCELLED, Decimal("0")),
    ],
)
def test_cancelled_placements_take_no_capacity_the_others_do(status: str, placed: Decimal) -> None:
    placement = PlacementFactory(hours_per_week=Decimal("8.00"), start_date=D(2026, 1, 5), status=status)
    c = one_week(placement.secretary)
    assert c.placed == placed
    assert c.free == Decimal("20.00") - placed
    assert c.placement_ids == ([] if status == PlacementStatus.CANCELLED else [placement.pk])


def test_placements_outside_the_period_and_of_others_do_not_count() -> None:
    secretary = SecretaryFactory()
    PlacementFactory(secretary=secretary, start_date=D(2026, 1, 5), end_date=D(2026, 6, 14))  # ended the Sunday
    PlacementFactory(secretary=secretary, start_date=D(2026, 6, 22))  # starts the week after
    PlacementFactory(start_date=D(2026, 1, 5))  # someone else
    assert one_week(secretary).placed == Decimal("0")


def test_many_secretaries_in_two_queries(django_assert_num_queries: Any) -> None:
    secretaries = [SecretaryFactory() for _ in range(3)]
    for s in secretaries:
        PlacementFactory(secretary=s, hours_per_week=Decimal("4.00"))
        LeaveFactory(secretary=s, start_date=D(2026, 6, 15), end_date=D(2026, 6, 15))
    with django_assert_num_queries(2):
        result = secretaries_capacity(secretaries=secretaries, start=W25.monday, end=W26.sunday)
    assert set(result) == {s.pk for s in secretaries}
    for s in secretaries:
        assert [(str(c.week), c.free) for c in result[s.pk]] == [
            ("2026-W25", Decimal("12.00")),  # 20 - 4 leave - 4 placed
            ("2026-W26", Decimal("16.00")),
        ]


def test_an_inverted_period_has_no_weeks() -> None:
    secretary = SecretaryFactory()
    assert secretaries_capacity(secretaries=[secretary], start=D(2026, 6, 22), end=D(2026, 6, 21)) == {}
    assert secretary_capacity(secretary=secretary, start=D(2026, 6, 22), end=D(2026, 6, 21)) == []


def test_exclude_placement_id_leaves_that_placement_out() -> None:
    placement = PlacementFactory(hours_per_week=Decimal("8.00"), start_date=D(2026, 1, 5))
    result = secretaries_capacity(
        secretaries=[placement.secretary], start=W25.monday, end=W25.sunday, exclude_placement_id=placement.pk
    )
    assert result[placement.secretary.pk][0].placed == Decimal("0")


# --- placement_shortfalls --------------------------------------------------------------------------


def test_shortfalls_name_every_week_below_zero() -> None:
    existing = PlacementFactory(hours_per_week=Decimal("12.00"), start_date=D(2026, 7, 6), end_date=D(2026, 7, 17))
    shortfalls = placement_shortfalls(
        secretary=existing.secretary, start=D(2026, 6, 29), end=D(2026, 7, 24), hours_per_week=Decimal("10.00")
    )
    # 20 free, 12 placed in W28 and W29: 10 more is 2 short in each.
    assert shortfalls == [
        Shortfall(week=IsoWeek(2026, 28), short=Decimal("2.00")),
        Shortfall(week=IsoWeek(2026, 29), short=Decimal("2.00")),
    ]
    assert [s.as_dict() for s in shortfalls] == [
        {"week": "2026-W28", "short": "2.00"},
        {"week": "2026-W29", "short": "2.00"},
    ]


def test_a_placement_that_fits_exactly_has_no_shortfall() -> None:
    existing = PlacementFactory(hours_per_week=Decimal("12.00"), start_date=D(2026, 7, 6))
    assert (
        placement_shortfalls(
            secretary=existing.secretary, start=D(2026, 7, 6), end=D(2026, 7, 31), hours_per_week=Decimal("8.00")
        )
        == []
    )


def test_a_partial_first_week_is_checked_pro_rata() -> None:
    existing = PlacementFactory(hours_per_week=Decimal("14.00"), start_date=D(2026, 6, 15), end_date=D(2026, 6, 21))
    # From Wednesday 10 h takes 6 of the 6 free hours in W25: fits; from Tuesday it takes 8: 2 short.
    assert (
        placement_shortfalls(
            secretary=existing.secretary, start=D(2026, 6, 17), end=D(2026, 6, 30), hours_per_week=Decimal("10.00")
        )
        == []
    )
    assert placement_shortfalls(
        secretary=existing.secretary, start=D(2026, 6, 16), end=D(2026, 6, 30), hours_per_week=Decimal("10.00")
    ) == [Shortfall(week=W25, short=Decimal("2.00"))]


def test_an_open_ended_placement_is_checked_over_the_horizon() -> None:
    start = D(2026, 6, 15)
    far = start + datetime.timedelta(weeks=OPEN_END_HORIZON_WEEKS)
    existing = PlacementFactory(hours_per_week=Decimal("15.00"), start_date=far, end_date=far)
    shortfalls = placement_shortfalls(
        secretary=existing.secretary, start=start, end=None, hours_per_week=Decimal("10.00")
    )
    # The far placement runs one day (Monday): 1/5 x 15 = 3 h, leaving 17; 10 more fits.
    assert shortfalls == []
    # At 55 h a week that Monday takes 11 h: 10 more is 1 h short in the last week of the horizon.
    existing.hours_per_week = Decimal("55.00")
    existing.save()
    assert placement_shortfalls(
        secretary=existing.secretary, start=start, end=None, hours_per_week=Decimal("10.00")
    ) == [Shortfall(week=IsoWeek.of(far), short=Decimal("1.00"))]
    # Beyond the horizon nothing is checked.
    existing.start_date = existing.end_date = far + datetime.timedelta(weeks=1)
    existing.save()
    assert placement_shortfalls(secretary=existing.secretary, start=start, end=None, hours_per_week=Decimal("10")) == []


class TestPrevious:
    """A change to a placement counts only the weeks where it adds hours."""

    @pytest.fixture
    def overbooked(self) -> tuple[Any, Any]:
        # Secretary with 20 h; A takes 12 h open-ended; P takes 10 h in W25..W28: 2 h short in each (overridden).
        other = PlacementFactory(hours_per_week=Decimal("12.00"), start_date=D(2026, 6, 15))
        changing = PlacementFactory(
            secretary=other.secretary,
            hours_per_week=Decimal("10.00"),
            start_date=D(2026, 6, 15),
            end_date=D(2026, 7, 10),
        )
        return other, changing

    def shortfalls(self, p: Any, **change: Any) -> list[Shortfall]:
        new = {"start": p.start_date, "end": p.end_date, "hours_per_week": p.hours_per_week} | change
        return placement_shortfalls(
            secretary=p.secretary,
            exclude_placement_id=p.pk,
            previous=Span(p.start_date, p.end_date, p.hours_per_week),
            **new,
        )

    def test_without_previous_every_overbooked_week_counts(self, overbooked: tuple[Any, Any]) -> None:
        _, p = overbooked
        result = placement_shortfalls(
            secretary=p.secretary,
            start=p.start_date,
            end=p.end_date,
            hours_per_week=p.hours_per_week,
            exclude_placement_id=p.pk,
        )
        assert [str(s.week) for s in result] == ["2026-W25", "2026-W26", "2026-W27", "2026-W28"]

    def test_an_unchanged_span_adds_nothing(self, overbooked: tuple[Any, Any]) -> None:
        _, p = overbooked
        assert self.shortfalls(p) == []

    def test_extending_counts_only_the_new_weeks(self, overbooked: tuple[Any, Any]) -> None:
        _, p = overbooked
        assert self.shortfalls(p, end=D(2026, 7, 24)) == [
            Shortfall(week=IsoWeek(2026, 29), short=Decimal("2.00")),
            Shortfall(week=IsoWeek(2026, 30), short=Decimal("2.00")),
        ]

    def test_extending_within_a_partial_week_counts_that_week(self, overbooked: tuple[Any, Any]) -> None:
        _, p = overbooked
        # P now ends Wednesday of W28 (3/5 x 10 = 6 h; 18 placed: fits). Extending to Friday makes it 2 short.
        p.end_date = D(2026, 7, 8)
        p.save()
        assert self.shortfalls(p, end=D(2026, 7, 10)) == [Shortfall(week=IsoWeek(2026, 28), short=Decimal("2.00"))]

    def test_reducing_hours_in_an_overbooked_week_is_not_refused(self, overbooked: tuple[Any, Any]) -> None:
        _, p = overbooked
        assert self.shortfalls(p, hours_per_week=Decimal("9.00")) == []
        assert self.shortfalls(p, end=D(2026, 6, 30)) == []

    def test_enlarging_counts_every_week(self, overbooked: tuple[Any, Any]) -> None:
        _, p = overbooked
        assert self.shortfalls(p, hours_per_week=Decimal("11.00")) == [
            Shortfall(week=IsoWeek(2026, week), short=Decimal("3.00")) for week in (25, 26, 27, 28)
        ]


def test_the_board_of_a_pool_without_secretaries_still_lists_its_weeks() -> None:
    from secondments.selectors.capacity import pool_board
    from tests.factories import PoolFactory

    board = pool_board(pool_id=PoolFactory().pk, start=datetime.date(2026, 12, 28), end=datetime.date(2027, 1, 10))
    assert (board.weeks, board.rows, board.placements) == (["2026-W53", "2027-W01"], [], [])
