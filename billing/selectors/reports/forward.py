"""Forward revenue: what the active placements will earn in the next three calendar months.

Per placement and month: hours a week x the month's working days in the placement / 5,
split by the placement's rate windows (a rate agreed from a future date counts from
then), each part rounded to cents. Leave is not known that far ahead and is not taken off.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from backend.core.money import money_round
from backend.core.periods import month_bounds, overlap, working_days
from backend.core.tables import Column, ColumnKind, Table
from billing.selectors.reports.context import ZERO, ReportContext, hours_round
from secondments.models import ClientKind, Placement, PlacementRate, PlacementStatus

FORWARD_MONTHS = 3
FIVE = Decimal(5)


def forward_months(*, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The three whole calendar months after today's."""
    months = []
    year, month = today.year, today.month
    for _ in range(FORWARD_MONTHS):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        months.append(month_bounds(year, month))
    return months


def forward_revenue(*, context: ReportContext) -> Table:
    months = forward_months(today=context.scope.today)
    first, last = months[0][0], months[-1][1]
    placements = list(
        Placement.objects.filter(
            context.pool_filter("secretary__"), status=PlacementStatus.ACTIVE, start_date__lte=last
        )
        .exclude(end_date__lt=first)
        .values_list("pk", "client__kind", "start_date", "end_date", "hours_per_week")
    )
    windows: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for pid, valid_from, rate in (
        PlacementRate.objects.filter(
            context.pool_filter("placement__secretary__"),
            placement__status=PlacementStatus.ACTIVE,
            placement__start_date__lte=last,
        )
        .exclude(placement__end_date__lt=first)
        .values_list("placement_id", "valid_from", "hourly_rate")
        .order_by("placement_id", "valid_from")
    ):
        windows[pid].append((valid_from, rate))
    sums: dict[tuple[datetime.date, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    month_days = [working_days(*m) for m in months]
    for pid, kind, start, end, per_week in placements:
        rates = windows.get(pid, [])
        # The placement's rate windows within the three months (usually one: the rate in force).
        spans = []
        for i, (valid_from, rate) in enumerate(rates):
            until = rates[i + 1][0] - datetime.timedelta(days=1) if i + 1 < len(rates) else None
            part = overlap(valid_from, until, start, end)
            if part is not None and part[1] >= first and part[0] <= last:
                spans.append((part, rate))
        for (month_start, month_end), days_in_month in zip(months, month_days, strict=True):
            for (part_start, part_end), rate in spans:
                if part_start <= month_start and part_end >= month_end:
                    days = days_in_month  # the whole month at one rate
                else:
                    piece = overlap(part_start, part_end, month_start, month_end)
                    if piece is None:
                        continue
                    days = working_days(*piece)
                hours = per_week * days / FIVE
                key = (month_start, kind)
                sums[key][0] += hours
                sums[key][1] += money_round(hours * rate)
    rows: list[dict[str, object]] = []
    for month_start, _ in months:
        tenant = sums.get((month_start, ClientKind.TENANT), [ZERO, ZERO])
        internal = sums.get((month_start, ClientKind.INTERNAL), [ZERO, ZERO])
        rows.append(
            {
                "month": month_start,
                "tenant_hours": hours_round(tenant[0]),
                "tenant_amount": tenant[1],
                "internal_hours": hours_round(internal[0]),
                "internal_amount": internal[1],
                "hours": hours_round(tenant[0] + internal[0]),
                "amount": tenant[1] + internal[1],
            }
        )
    return Table(
        name="forward_revenue",
        title="Forward revenue, next 3 months",
        columns=(
            Column("month", "Month", ColumnKind.MONTH),
            Column("tenant_hours", "Tenant hours", ColumnKind.HOURS),
            Column("tenant_amount", "Tenants", ColumnKind.MONEY),
            Column("internal_hours", "Internal hours", ColumnKind.HOURS),
            Column("internal_amount", "Internal recharges", ColumnKind.MONEY),
            Column("hours", "Hours", ColumnKind.HOURS),
            Column("amount", "Forward revenue", ColumnKind.MONEY),
        ),
        rows=rows,
    )
