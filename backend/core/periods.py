"""All period arithmetic: ISO weeks, working days, months.

Working days are Monday to Friday; public holidays are not modelled (a
secretary's leave covers them). A week's hours are spread evenly over its five
working days, so a part of a week counts pro rata by its working days.
"""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

WORKING_DAYS_PER_WEEK = 5
ONE_DAY = datetime.timedelta(days=1)
FRIDAY_OFFSET = datetime.timedelta(days=4)
SUNDAY_OFFSET = datetime.timedelta(days=6)
FULL_WEEK = Decimal(1)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, day: datetime.date) -> "IsoWeek":
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        """``2026-W05`` to an IsoWeek; ValueError when it is no such week."""
        try:
            year_text, week_text = text.upper().split("-W")
            week = cls(int(year_text), int(week_text))
            datetime.date.fromisocalendar(week.year, week.week, 1)  # raises for no such week
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"{text!r} is not an ISO week such as 2026-W05.") from exc
        return week

    @property
    def monday(self) -> datetime.date:
        return _monday(self.year, self.week)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    def next(self) -> "IsoWeek":
        return IsoWeek.of(self.monday + datetime.timedelta(days=7))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@functools.lru_cache(maxsize=4096)
def _monday(year: int, week: int) -> datetime.date:
    return datetime.date.fromisocalendar(year, week, 1)


def weeks_between(start: datetime.date, end: datetime.date) -> list[IsoWeek]:
    """Every ISO week touched by the closed range [start, end], in order."""
    if end < start:
        return []
    weeks = []
    week = IsoWeek.of(start)
    last = IsoWeek.of(end)
    while week <= last:
        weeks.append(week)
        week = week.next()
    return weeks


def iter_days(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday days in the closed range [start, end]."""
    if end < start:
        return 0
    return _working_days_before(end.toordinal() + 1) - _working_days_before(start.toordinal())


def _working_days_before(ordinal: int) -> int:
    """Working days from 0001-01-01 (ordinal 1, a Monday) up to the day before ``ordinal``."""
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * WORKING_DAYS_PER_WEEK + min(rest, WORKING_DAYS_PER_WEEK)


def overlap(
    a_start: datetime.date, a_end: datetime.date | None, b_start: datetime.date, b_end: datetime.date | None
) -> tuple[datetime.date, datetime.date] | None:
    """The intersection of two closed ranges (``None`` end = open-ended), or None."""
    start = max(a_start, b_start)
    ends = [e for e in (a_end, b_end) if e is not None]
    end = min(ends) if ends else datetime.date.max
    return (start, end) if start <= end else None


def clip(
    start: datetime.date, end: datetime.date | None, low: datetime.date, high: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """[start, end] (None: open-ended) within the closed range [low, high], or None: ``overlap`` with a
    closed second range, for loops over thousands of rows."""
    if start < low:
        start = low
    if end is None or end > high:
        end = high
    return (start, end) if start <= end else None


def week_fraction(week: IsoWeek, start: datetime.date, end: datetime.date | None) -> Decimal:
    """The share of ``week``'s working days that lie in [start, end]: 0, 1/5, ..., 1."""
    monday = week.monday
    if start <= monday and (end is None or end >= monday + FRIDAY_OFFSET):
        return FULL_WEEK
    span = overlap(monday, monday + SUNDAY_OFFSET, start, end)
    if span is None:
        return Decimal(0)
    return Decimal(working_days(*span)) / WORKING_DAYS_PER_WEEK


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, next_first - ONE_DAY


FIRST_YEAR, LAST_YEAR = 2000, 2999


def previous_month_start(day: datetime.date) -> datetime.date:
    """The first day of the month before ``day``'s."""
    return (day.replace(day=1) - ONE_DAY).replace(day=1)


def month_starts(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=31)).replace(day=1)
    return months


def months_before(month_start: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months before ``month_start``'s."""
    index = month_start.year * 12 + month_start.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> tuple[int, int]:
    """``2026-10`` to (2026, 10), for a year from 2000 to 2999; ValueError otherwise."""
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
        datetime.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a month such as 2026-10.") from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"{text!r} lies outside the years {FIRST_YEAR} to {LAST_YEAR}.")
    return year, month


def approval_period_bounds(day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    """The approval period holding ``day``: its ISO week ("weekly") or calendar month ("monthly")."""
    if period == "weekly":
        week = IsoWeek.of(day)
        return week.monday, week.sunday
    if period == "monthly":
        return month_bounds(day.year, day.month)
    raise ValueError(f"Unknown approval period {period!r}")


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The working day ``count`` working days after ``day`` (weekends skipped)."""
    result = day
    while count > 0:
        result += ONE_DAY
        if result.weekday() < WORKING_DAYS_PER_WEEK:
            count -= 1
    return result


def is_quarter_hour(hours: Decimal) -> bool:
    return (hours * 4) == (hours * 4).to_integral_value()


def weeks_window(start: datetime.date, weeks: int) -> tuple[datetime.date, datetime.date]:
    """From the Monday of ``start``'s ISO week, ``weeks`` whole weeks: (Monday, Sunday)."""
    first = IsoWeek.of(start).monday
    return first, first + datetime.timedelta(weeks=weeks) - ONE_DAY
