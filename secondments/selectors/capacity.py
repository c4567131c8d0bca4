"""Free capacity of secretaries per ISO week.

free = (contract - base workload) x share of the week employed
       - leave (the same hours x share of the week on leave)
       - hours of placements active that week (x share of the week they run)

Shares count working days (Monday to Friday), so a placement starting on a
Wednesday takes 3/5 of its weekly hours in that week. Home duties pause during
leave, so leave removes contract minus base workload pro rata. Cancelled
placements take no capacity; draft, active and ended placements do, within
their dates.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from backend.core.periods import WORKING_DAYS_PER_WEEK, IsoWeek, iter_days, overlap, week_fraction, weeks_between
from secondments.models import Leave, Placement, PlacementStatus, Secretary

CAPACITY_STATUSES = (PlacementStatus.DRAFT, PlacementStatus.ACTIVE, PlacementStatus.ENDED)
# How far an open-ended placement is checked for overbooking.
OPEN_END_HORIZON_WEEKS = 52


@dataclass(frozen=True)
class Span:
    start: datetime.date
    end: datetime.date | None
    hours_per_week: Decimal = Decimal(0)
    placement_id: int | None = None


@dataclass
class WeekCapacity:
    week: IsoWeek
    available: Decimal
    leave: Decimal
    placed: Decimal
    placement_ids: list[int] = field(default_factory=list)

    @property
    def free(self) -> Decimal:
        return self.available - self.leave - self.placed


def _leave_days(week: IsoWeek, employed: tuple[datetime.date, datetime.date] | None, leaves: Sequence[Span]) -> int:
    if employed is None:
        return 0
    days: set[datetime.date] = set()
    for leave in leaves:
        span = overlap(employed[0], employed[1], leave.start, leave.end)
        if span is None:
            continue
        for day in iter_days(*span):
            if day.weekday() < WORKING_DAYS_PER_WEEK:
                days.add(day)
    return len(days)


def week_capacities(
    *,
    contract_hours: Decimal,
    base_workload_hours: Decimal,
    employment_start: datetime.date,
    employment_end: datetime.date | None,
    placements: Iterable[Span],
    leaves: Iterable[Span],
    weeks: Sequence[IsoWeek],
) -> list[WeekCapacity]:
    """Pure arithmetic: the capacity of one secretary for each of ``weeks``."""
    net = contract_hours - base_workload_hours
    placements = list(placements)
    leaves = list(leaves)
    result = []
    for week in weeks:
        employed = overlap(week.monday, week.sunday, employment_start, employment_end)
        employed_share = week_fraction(week, employment_start, employment_end)
        leave_share = Decimal(_leave_days(week, employed, leaves)) / WORKING_DAYS_PER_WEEK
        placed = Decimal(0)
        ids = []
        for p in placements:
            share = week_fraction(week, p.start, p.end)
            if share:
                placed += p.hours_per_week * share
                if p.placement_id is not None:
                    ids.append(p.placement_id)
        result.append(
            WeekCapacity(
                week=week,
                available=net * employed_share,
                leave=net * leave_share,
                placed=placed,
                placement_ids=ids,
            )
        )
    return result


def _spans_by_secretary(
    secretary_ids: list[int], start: datetime.date, end: datetime.date, exclude_placement_id: int | None
) -> tuple[dict[int, list[Span]], dict[int, list[Span]]]:
    placements: dict[int, list[Span]] = defaultdict(list)
    qs = Placement.objects.filter(
        secretary_id__in=secretary_ids, status__in=CAPACITY_STATUSES, start_date__lte=end
    ).exclude(end_date__lt=start)
    if exclude_placement_id is not None:
        qs = qs.exclude(pk=exclude_placement_id)
    for pid, sid, p_start, p_end, hours in qs.values_list(
        "id", "secretary_id", "start_date", "end_date", "hours_per_week"
    ):
        placements[sid].append(Span(p_start, p_end, hours, pid))
    leaves: dict[int, list[Span]] = defaultdict(list)
    for sid, l_start, l_end in Leave.objects.filter(
        secretary_id__in=secretary_ids, start_date__lte=end, end_date__gte=start
    ).values_list("secretary_id", "start_date", "end_date"):
        leaves[sid].append(Span(l_start, l_end))
    return placements, leaves


def secretaries_capacity(
    *,
    secretaries: Sequence[Secretary],
    start: datetime.date,
    end: datetime.date,
    extra: dict[int, list[Span]] | None = None,
    exclude_placement_id: int | None = None,
) -> dict[int, list[WeekCapacity]]:
    """Week capacities for many secretaries in two queries (placements, leave)."""
    weeks = weeks_between(start, end)
    if not weeks:
        return {}
    first, last = weeks[0].monday, weeks[-1].sunday
    ids = [s.pk for s in secretaries]
    placements, leaves = _spans_by_secretary(ids, first, last, exclude_placement_id)
    extra = extra or {}
    return {
        s.pk: week_capacities(
            contract_hours=s.contract_hours,
            base_workload_hours=s.base_workload_hours,
            employment_start=s.employment_start,
            employment_end=s.employment_end,
            placements=placements.get(s.pk, []) + extra.get(s.pk, []),
            leaves=leaves.get(s.pk, []),
            weeks=weeks,
        )
        for s in secretaries
    }


def secretary_capacity(*, secretary: Secretary, start: datetime.date, end: datetime.date) -> list[WeekCapacity]:
    return secretaries_capacity(secretaries=[secretary], start=start, end=end).get(secretary.pk, [])


@dataclass(frozen=True)
class Shortfall:
    week: IsoWeek
    short: Decimal

    def as_dict(self) -> dict[str, str]:
        return {"week": str(self.week), "short": f"{self.short:.2f}"}


def placement_shortfalls(
    *,
    secretary: Secretary,
    start: datetime.date,
    end: datetime.date | None,
    hours_per_week: Decimal,
    exclude_placement_id: int | None = None,
    previous: Span | None = None,
) -> list[Shortfall]:
    """The weeks a placement [start, end] at ``hours_per_week`` would push below zero free hours.

    For a change to an existing placement, ``previous`` is its current span and
    ``exclude_placement_id`` its id: only weeks where the change adds hours count,
    so a week overbooked earlier with a recorded override does not block an
    unrelated change.
    """
    check_end = end or (start + datetime.timedelta(weeks=OPEN_END_HORIZON_WEEKS))
    candidate = Span(start, end, hours_per_week)
    capacities = secretaries_capacity(
        secretaries=[secretary],
        start=start,
        end=check_end,
        extra={secretary.pk: [candidate]},
        exclude_placement_id=exclude_placement_id,
    )[secretary.pk]

    def added(week: IsoWeek) -> bool:
        new = hours_per_week * week_fraction(week, start, end)
        old = previous.hours_per_week * week_fraction(week, previous.start, previous.end) if previous else Decimal(0)
        return new > old

    return [Shortfall(week=c.week, short=-c.free) for c in capacities if c.free < 0 and added(c.week)]


@dataclass
class PoolBoard:
    weeks: list[str]
    rows: list[dict[str, object]]
    placements: list[Placement]


def pool_board(*, pool_id: int, start: datetime.date, end: datetime.date) -> PoolBoard:
    """The pool board: every active secretary's free hours per week and the placements as bars (4 queries)."""
    secretaries = list(Secretary.objects.filter(pool_id=pool_id, active=True).select_related("user", "pool"))
    capacity = secretaries_capacity(secretaries=secretaries, start=start, end=end)
    placements = list(
        Placement.objects.filter(
            secretary__pool_id=pool_id, status__in=CAPACITY_STATUSES, start_date__lte=end, secretary__active=True
        )
        .exclude(end_date__lt=start)
        .select_related("client")
        .order_by("secretary_id", "start_date")
    )
    return PoolBoard(
        weeks=[str(w) for w in weeks_between(start, end)],
        rows=[{"secretary": sec, "weeks": capacity.get(sec.pk, [])} for sec in secretaries],
        placements=placements,
    )
