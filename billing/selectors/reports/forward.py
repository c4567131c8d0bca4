"""Forward revenue: what the active placements will earn in the next three calendar months.

Per placement and month: hours a week x the month's working days in the placement / 5,
split by the placement's rate windows (a rate agreed from a future date counts from
then), each part rounded to cents. Leave is not known that far ahead and is not taken off.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from backend.core.money import money_round
from backend.core.periods import ONE_DAY, clip, overlap, working_days
from backend.core.tables import Column, ColumnKind, Table
from billing.selectors.reports.context import FORWARD_MONTHS, ZERO, ReportContext, forward_months, hours_round
from secondments.models import ClientKind, PlacementStatus

__all__ = ["FORWARD_MONTHS", "forward_months", "forward_revenue"]

FIVE = Decimal(5)


def _rate_spans(
    rates: list[tuple[datetime.date, Decimal]], within: tuple[datetime.date, datetime.date]
) -> tuple[tuple[datetime.date, datetime.date, Decimal], ...]:
    """The parts of ``within`` (first, last, rate) by the rate in force; ``rates`` oldest first. A day
    before the first rate has none (and earns nothing)."""
    start, end = within
    if rates and rates[-1][0] <= start:
        return ((start, end, rates[-1][1]),)  # the usual case: one rate over the whole span
    spans = []
    for i, (valid_from, rate) in enumerate(rates):
        until = rates[i + 1][0] - ONE_DAY if i + 1 < len(rates) else None
        part = clip(valid_from, until, start, end)
        if part is not None:
            spans.append((*part, rate))
    return tuple(spans)


def forward_revenue(*, context: ReportContext) -> Table:
    months = forward_months(today=context.scope.today)
    first, last = months[0][0], months[-1][1]
    # Placements of one kind, hours a week and rate windows within the three months earn the same:
    # each such group is valued once and counted (the amounts are still rounded per placement).
    groups: Counter[tuple[str, Decimal, tuple[tuple[datetime.date, datetime.date, Decimal], ...]]] = Counter()
    for p in context.placements.values():
        if p.status != PlacementStatus.ACTIVE:
            continue
        within = clip(p.start, p.end, first, last)
        if within is None:
            continue
        groups[p.client_kind, p.hours_per_week, _rate_spans(context.forward_rates.get(p.id, []), within)] += 1
    sums: dict[tuple[datetime.date, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    month_days = [working_days(*m) for m in months]
    for (kind, per_week, spans), count in groups.items():
        for (month_start, month_end), days_in_month in zip(months, month_days, strict=True):
            for part_start, part_end, rate in spans:
                if part_start <= month_start and part_end >= month_end:
                    days = days_in_month  # the whole month at one rate
                else:
                    piece = overlap(part_start, part_end, month_start, month_end)
                    if piece is None:
                        continue
                    days = working_days(*piece)
                hours = per_week * days / FIVE
                key = (month_start, kind)
                sums[key][0] += hours * count
                sums[key][1] += money_round(hours * rate) * count
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
