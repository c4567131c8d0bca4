"""ISO weeks, working days and months (backend/core/periods.py)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.core.periods import (
    IsoWeek,
    iter_days,
    month_bounds,
    overlap,
    parse_month,
    week_fraction,
    weeks_between,
    working_days,
)

D = datetime.date


# --- IsoWeek -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 6, 15), IsoWeek(2026, 25)),
        (D(2026, 12, 28), IsoWeek(2026, 53)),
        (D(2027, 1, 1), IsoWeek(2026, 53)),
        (D(2027, 1, 3), IsoWeek(2026, 53)),
        (D(2027, 1, 4), IsoWeek(2027, 1)),
        (D(2024, 12, 30), IsoWeek(2025, 1)),
        (D(2024, 12, 29), IsoWeek(2024, 52)),
        (D(2026, 1, 1), IsoWeek(2026, 1)),
    ],
)
def test_of_gives_the_iso_week_also_across_year_boundaries(day: datetime.date, expected: IsoWeek) -> None:
    assert IsoWeek.of(day) == expected


def test_2026_has_53_weeks_running_into_2027() -> None:
    week = IsoWeek(2026, 53)
    assert week.monday == D(2026, 12, 28)
    assert week.sunday == D(2027, 1, 3)


def test_monday_and_sunday_of_2025_w01_lie_in_2024_and_2025() -> None:
    assert IsoWeek(2025, 1).monday == D(2024, 12, 30)
    assert IsoWeek(2025, 1).sunday == D(2025, 1, 5)


@pytest.mark.parametrize(
    ("week", "expected"),
    [
        (IsoWeek(2026, 25), IsoWeek(2026, 26)),
        (IsoWeek(2026, 52), IsoWeek(2026, 53)),
        (IsoWeek(2026, 53), IsoWeek(2027, 1)),
        (IsoWeek(2024, 52), IsoWeek(2025, 1)),
        (IsoWeek(2025, 52), IsoWeek(2026, 1)),
    ],
)
def test_next_crosses_year_boundaries(week: IsoWeek, expected: IsoWeek) -> None:
    assert week.next() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-W05", IsoWeek(2026, 5)),
        ("2026-w05", IsoWeek(2026, 5)),
        ("2026-W53", IsoWeek(2026, 53)),
        ("2025-W01", IsoWeek(2025, 1)),
    ],
)
def test_parse_reads_iso_weeks(text: str, expected: IsoWeek) -> None:
    assert IsoWeek.parse(text) == expected


@pytest.mark.parametrize("text", ["2025-W53", "2026-W00", "2026-W54", "2026-05", "2026W05", "W05", "", "2026-Wxx"])
def test_parse_refuses_what_is_no_iso_week(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not an ISO week such as 2026-W05\.") as excinfo:
        IsoWeek.parse(text)
    assert str(excinfo.value) == f"{text!r} is not an ISO week such as 2026-W05."


def test_parse_refuses_a_non_string_with_value_error() -> None:
    with pytest.raises(ValueError, match=r"is not an ISO week"):
        IsoWeek.parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("week", "text"), [(IsoWeek(2026, 5), "2026-W05"), (IsoWeek(2026, 53), "2026-W53")])
def test_str_is_the_iso_notation_and_parses_back(week: IsoWeek, text: str) -> None:
    assert str(week) == text
    assert IsoWeek.parse(text) == week


def test_weeks_order_by_year_then_week() -> None:
    assert IsoWeek(2026, 53) < IsoWeek(2027, 1) < IsoWeek(2027, 2)
    assert sorted([IsoWeek(2027, 1), IsoWeek(2026, 53), IsoWeek(2026, 2)]) == [
        IsoWeek(2026, 2),
        IsoWeek(2026, 53),
        IsoWeek(2027, 1),
    ]


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)))
def test_every_day_lies_between_the_monday_and_sunday_of_its_week(day: datetime.date) -> None:
    week = IsoWeek.of(day)
    assert week.monday <= day <= week.sunday
    assert week.monday.weekday() == 0
    assert IsoWeek.parse(str(week)) == week
    assert week.next().monday == week.monday + datetime.timedelta(days=7)


# --- weeks_between -------------------------------------------------------------------------------


def test_weeks_between_lists_every_week_touched_across_the_2026_2027_boundary() -> None:
    assert weeks_between(D(2026, 12, 24), D(2027, 1, 6)) == [IsoWeek(2026, 52), IsoWeek(2026, 53), IsoWeek(2027, 1)]


def test_weeks_between_one_day_is_one_week() -> None:
    assert weeks_between(D(2027, 1, 1), D(2027, 1, 1)) == [IsoWeek(2026, 53)]


def test_weeks_between_sunday_and_monday_is_two_weeks() -> None:
    assert weeks_between(D(2026, 6, 14), D(2026, 6, 15)) == [IsoWeek(2026, 24), IsoWeek(2026, 25)]


def test_weeks_between_an_inverted_range_is_empty() -> None:
    assert weeks_between(D(2026, 6, 15), D(2026, 6, 14)) == []


def test_weeks_between_a_year_counts_53_weeks_in_2026() -> None:
    weeks = weeks_between(IsoWeek(2026, 1).monday, IsoWeek(2026, 53).sunday)
    assert len(weeks) == 53
    assert weeks[0] == IsoWeek(2026, 1)
    assert weeks[-1] == IsoWeek(2026, 53)


# --- working_days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 6, 15), D(2026, 6, 21), 5),  # Monday..Sunday
        (D(2026, 6, 15), D(2026, 6, 15), 1),  # one Monday
        (D(2026, 6, 20), D(2026, 6, 21), 0),  # a weekend
        (D(2026, 6, 19), D(2026, 6, 22), 2),  # Friday..Monday
        (D(2026, 6, 17), D(2026, 6, 21), 3),  # Wednesday..Sunday
        (D(2026, 6, 15), D(2026, 6, 16), 2),  # Monday..Tuesday
        (D(2026, 6, 15), D(2026, 6, 28), 10),  # two full weeks
        (D(2026, 12, 28), D(2027, 1, 3), 5),  # 2026-W53
        (D(2028, 2, 1), D(2028, 2, 29), 21),  # leap February
        (D(2026, 6, 15), D(2026, 6, 14), 0),  # inverted
    ],
)
def test_working_days_counts_monday_to_friday(start: datetime.date, end: datetime.date, expected: int) -> None:
    assert working_days(start, end) == expected


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)),
    st.integers(min_value=-10, max_value=800),
)
def test_working_days_equals_a_naive_day_by_day_count(start: datetime.date, length: int) -> None:
    end = start + datetime.timedelta(days=length)
    naive = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            naive += 1
        day += datetime.timedelta(days=1)
    assert working_days(start, end) == naive


def test_iter_days_is_the_closed_range() -> None:
    assert list(iter_days(D(2026, 12, 31), D(2027, 1, 2))) == [D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 2)]
    assert list(iter_days(D(2026, 1, 2), D(2026, 1, 1))) == []


# --- overlap / week_fraction -----------------------------------------------------------------------


def test_overlap_of_closed_and_open_ranges() -> None:
    assert overlap(D(2026, 1, 1), D(2026, 1, 31), D(2026, 1, 15), None) == (D(2026, 1, 15), D(2026, 1, 31))
    assert overlap(D(2026, 1, 1), None, D(2026, 2, 1), None) == (D(2026, 2, 1), datetime.date.max)
    assert overlap(D(2026, 1, 1), D(2026, 1, 14), D(2026, 1, 15), None) is None
    assert overlap(D(2026, 1, 1), D(2026, 1, 15), D(2026, 1, 15), D(2026, 1, 20)) == (D(2026, 1, 15), D(2026, 1, 15))


W25 = IsoWeek(2026, 25)  # Monday 2026-06-15 .. Sunday 2026-06-21


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 1), None, Decimal(1)),
        (D(2026, 6, 15), D(2026, 6, 21), Decimal(1)),
        (D(2026, 6, 17), None, Decimal("0.6")),  # from Wednesday: 3/5
        (D(2026, 1, 1), D(2026, 6, 16), Decimal("0.4")),  # until Tuesday: 2/5
        (D(2026, 6, 16), D(2026, 6, 16), Decimal("0.2")),  # only Tuesday
        (D(2026, 6, 20), None, Decimal(0)),  # from Saturday
        (D(2026, 1, 1), D(2026, 6, 14), Decimal(0)),  # ended the Sunday before
        (D(2026, 6, 22), None, Decimal(0)),  # starts the week after
    ],
)
def test_week_fraction_is_the_share_of_working_days(
    start: datetime.date, end: datetime.date | None, expected: Decimal
) -> None:
    fraction = week_fraction(W25, start, end)
    assert isinstance(fraction, Decimal)
    assert fraction == expected


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=-10, max_value=10),
    st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
)
def test_week_fraction_equals_a_naive_count_of_working_days(
    in_week: datetime.date, start_offset: int, length: int | None
) -> None:
    week = IsoWeek.of(in_week)
    start = week.monday + datetime.timedelta(days=start_offset)
    end = None if length is None else start + datetime.timedelta(days=length)
    days = [week.monday + datetime.timedelta(days=i) for i in range(5)]
    naive = sum(1 for day in days if start <= day and (end is None or day <= end))
    assert week_fraction(week, start, end) == Decimal(naive) / 5


def test_week_fraction_across_the_year_boundary_counts_days_in_both_years() -> None:
    # 2026-W53: Mon 28 Dec .. Fri 1 Jan; from 31 Dec: Thursday and Friday.
    assert week_fraction(IsoWeek(2026, 53), D(2026, 12, 31), None) == Decimal("0.4")
    assert week_fraction(IsoWeek(2026, 53), D(2026, 1, 1), D(2026, 12, 31)) == Decimal("0.8")


# --- months ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2028, 2, (D(2028, 2, 1), D(2028, 2, 29))),
        (2026, 2, (D(2026, 2, 1), D(2026, 2, 28))),
        (2026, 12, (D(2026, 12, 1), D(2026, 12, 31))),
        (2026, 1, (D(2026, 1, 1), D(2026, 1, 31))),
        (2026, 4, (D(2026, 4, 1), D(2026, 4, 30))),
    ],
)
def test_month_bounds(year: int, month: int, expected: tuple[datetime.date, datetime.date]) -> None:
    assert month_bounds(year, month) == expected


@pytest.mark.parametrize(("text", "expected"), [("2026-10", (2026, 10)), ("2028-02", (2028, 2)), ("2026-1", (2026, 1))])
def test_parse_month_reads_year_and_month(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026", "2026-10-01", "oct-2026", "", "2026/10"])
def test_parse_month_refuses_what_is_no_month(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_month(text)
    assert str(excinfo.value) == f"{text!r} is not a month such as 2026-10."


@pytest.mark.parametrize("text", ["9999-12", "0001-01", "1999-12", "3000-01"])
def test_parse_month_refuses_a_year_outside_2000_to_2999(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_month(text)
    assert str(excinfo.value) == f"{text!r} lies outside the years 2000 to 2999."
    assert parse_month("2000-01") == (2000, 1) and parse_month("2999-12") == (2999, 12)


def test_weeks_window_starts_on_the_monday_and_spans_whole_weeks() -> None:
    from backend.core.periods import weeks_window

    assert weeks_window(datetime.date(2026, 12, 31), 2) == (datetime.date(2026, 12, 28), datetime.date(2027, 1, 10))
    assert weeks_window(datetime.date(2026, 6, 15), 1) == (datetime.date(2026, 6, 15), datetime.date(2026, 6, 21))


def test_previous_month_start_and_month_starts() -> None:
    from backend.core.periods import month_starts, previous_month_start

    assert previous_month_start(datetime.date(2026, 1, 31)) == datetime.date(2025, 12, 1)
    assert previous_month_start(datetime.date(2026, 3, 1)) == datetime.date(2026, 2, 1)
    assert month_starts(datetime.date(2025, 11, 30), datetime.date(2026, 2, 1)) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    assert month_starts(datetime.date(2026, 2, 1), datetime.date(2026, 1, 31)) == []
