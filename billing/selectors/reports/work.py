"""The work side: utilisation, free capacity, cost recovery, margins and the pipeline.

Work is counted by the timesheet's period (a sheet belongs to the month its
period starts in) and capacity by working days (Monday to Friday), as the
capacity board counts it:

- available = (contract - base workload) x (working days employed - working days on leave) / 5
- placed = hours a week of the active and ended placements x their working days in the period / 5
- billed = hours of the period's sheets on finalised invoices (less credited hours)
- personnel cost = hourly employer cost x contract hours x working days employed / 5
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from backend.core.money import money_round
from backend.core.periods import (
    FRIDAY_OFFSET,
    ONE_DAY,
    SUNDAY_OFFSET,
    IsoWeek,
    clip,
    iter_days,
    overlap,
    weeks_window,
    working_days,
)
from backend.core.tables import Column, ColumnKind, Table
from billing.selectors.reports.context import (
    CLIENT_COLUMNS,
    FREE_CAPACITY_WEEKS,
    POOL_COLUMNS,
    SECRETARY_COLUMNS,
    ZERO,
    ReportContext,
    as_decimal,
    hours_round,
    ratio,
)
from billing.selectors.reports.revenue import revenue_by_pool_sums
from secondments.models import PlacementStatus, TimesheetStatus
from secondments.selectors.capacity import CAPACITY_STATUSES

M, H, T, N, R = ColumnKind.MONEY, ColumnKind.HOURS, ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.RATIO
FIVE = Decimal(5)
PLACED_STATUSES = frozenset({PlacementStatus.ACTIVE.value, PlacementStatus.ENDED.value})


def _leave_days(spans: list[tuple[datetime.date, datetime.date]], within: tuple[datetime.date, datetime.date]) -> int:
    """Working days on leave within ``within`` (overlapping leave counted once); ``spans`` ordered by start."""
    low, high = within
    days, last = 0, None
    for start, end in spans:
        if end < low or start > high:
            continue
        start, end = max(start, low), min(end, high)
        if last is not None and start <= last:
            start = last + ONE_DAY
        if start <= end:
            days += working_days(start, end)
        if last is None or end > last:
            last = end
    return days


def _utilisation_facts(*, context: ReportContext) -> dict[int, dict[str, Decimal]]:
    """Per secretary employed in the period: available, placed and billed hours, personnel cost."""
    if "utilisation" not in context.derived:
        context.derived["utilisation"] = _utilisation_compute(context=context)
    facts: dict[int, dict[str, Decimal]] = context.derived["utilisation"]
    return facts


def _utilisation_compute(*, context: ReportContext) -> dict[int, dict[str, Decimal]]:
    low, high = context.scope.start, context.scope.end
    days_of: dict[tuple[datetime.date, datetime.date], int] = {}  # most share one span: the whole period
    leaves = context.leaves
    out: dict[int, dict[str, Decimal]] = {}
    for sid, info in context.secretaries.items():
        employed = clip(info.employment_start, info.employment_end, low, high)
        if employed is None:
            continue
        employed_days = days_of.get(employed)
        if employed_days is None:
            employed_days = days_of[employed] = working_days(*employed)
        leave = leaves.get(sid)
        days = employed_days - (_leave_days(leave, employed) if leave else 0)
        out[sid] = {
            "available": (info.contract_hours - info.base_workload_hours) * days / FIVE,
            "placed": ZERO,  # hours a week x working days here; divided by 5 below
            "billed": ZERO,
            "cost": info.hourly_employer_cost * info.contract_hours * employed_days / FIVE,
        }
    for p in context.placements.values():
        if p.status not in PLACED_STATUSES:
            continue
        facts = out.get(p.secretary_id)
        span = clip(p.start, p.end, low, high)
        if facts is None or span is None:
            continue
        span_days = days_of.get(span)
        if span_days is None:
            span_days = days_of[span] = working_days(*span)
        facts["placed"] += p.hours_per_week * span_days
    for facts in out.values():
        if facts["placed"]:
            facts["placed"] /= FIVE
    return out


UTILISATION_COLUMNS = (
    Column("available_hours", "Available hours", H),
    Column("placed_hours", "Placed hours", H),
    Column("billed_hours", "Hours billed", H),
    Column("placed_utilisation", "Placed / available", R),
    Column("billed_utilisation", "Billed / available", R),
)


def _utilisation_row(facts: dict[str, Decimal]) -> dict[str, object]:
    available = hours_round(facts["available"])
    placed = hours_round(facts["placed"])
    return {
        "available_hours": available,
        "placed_hours": placed,
        "billed_hours": facts["billed"],
        "placed_utilisation": ratio(placed, available),
        "billed_utilisation": ratio(facts["billed"], available),
    }


def utilisation_by_secretary(*, context: ReportContext) -> Table:
    """Per secretary employed in the period; billed hours are their hours on finalised documents."""
    facts = _utilisation_facts(context=context)
    billed = context.billed_by_secretary
    rows: list[dict[str, object]] = []
    for sid, values in facts.items():
        info = context.secretaries[sid]
        rows.append(
            {"secretary_id": sid, "secretary": info.name, "pool": context.pools.get(info.pool_id, "")}
            | _utilisation_row(values | {"billed": billed.get(sid, ZERO)})
        )
    return Table(
        name="utilisation_by_secretary",
        title="Utilisation by secretary",
        columns=(
            *SECRETARY_COLUMNS,
            *UTILISATION_COLUMNS,
        ),
        rows=rows,
    )


def _per_pool(context: ReportContext) -> dict[int, dict[str, Decimal]]:
    if "per_pool" not in context.derived:
        context.derived["per_pool"] = _per_pool_compute(context)
    pools: dict[int, dict[str, Decimal]] = context.derived["per_pool"]
    return pools


def _per_pool_compute(context: ReportContext) -> dict[int, dict[str, Decimal]]:
    """Per pool: its secretaries' available and placed hours and personnel cost (by their pool now), and the
    hours billed of the period's work (by the secretary's pool when invoiced, as revenue by pool counts)."""
    pools: dict[int, dict[str, Decimal]] = {pk: defaultdict(Decimal) for pk in context.pools}
    for sid, values in _utilisation_facts(context=context).items():
        pool = pools.get(context.secretaries[sid].pool_id)
        if pool is None:
            continue
        pool["secretaries"] += 1
        for key, value in values.items():
            pool[key] += value
    for pk, hours in context.billed_by_pool.items():
        if pk in pools:
            pools[pk]["billed"] += hours
    return pools


def utilisation_by_pool(*, context: ReportContext) -> Table:
    rows: list[dict[str, object]] = [
        {"pool_id": pk, "pool": context.pools[pk], "secretaries": int(values["secretaries"])} | _utilisation_row(values)
        for pk, values in _per_pool(context).items()
    ]
    return Table(
        name="utilisation_by_pool",
        title="Utilisation by pool",
        columns=(
            *POOL_COLUMNS,
            Column("secretaries", "Secretaries", N),
            *UTILISATION_COLUMNS,
        ),
        rows=rows,
    )


def _week_days(start: datetime.date, end: datetime.date | None, weeks: list[IsoWeek]) -> tuple[int, ...]:
    """Working days of [start, end] in each of ``weeks`` (0 to 5), as ``week_fraction`` counts them x 5."""
    if start <= weeks[0].monday and (end is None or end >= weeks[-1].monday + FRIDAY_OFFSET):
        return (5,) * len(weeks)  # the usual case: the whole window
    days = []
    for week in weeks:
        monday = week.monday
        if start <= monday and (end is None or end >= monday + FRIDAY_OFFSET):
            days.append(5)
        else:
            span = overlap(monday, monday + SUNDAY_OFFSET, start, end)
            days.append(working_days(*span) if span else 0)
    return tuple(days)


def _pattern_hours() -> defaultdict[tuple[int, tuple[int, ...]], Decimal]:
    return defaultdict(Decimal)


def _by_week(hours: dict[tuple[int, tuple[int, ...]], Decimal]) -> dict[tuple[int, int], Decimal]:
    """(pool, working days per week) -> hours a week, to (pool, week number) -> hours x working days."""
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for (pool_id, pattern), per_week in hours.items():
        for n, days in enumerate(pattern):
            if days:
                out[pool_id, n] += per_week * days
    return out


def free_capacity(*, context: ReportContext) -> Table:
    """Free hours per pool for the next 8 ISO weeks from today's, as the capacity board counts them
    (``secondments.selectors.capacity``: draft, active and ended placements hold capacity; leave takes
    contract - base workload off its working days), summed per pool with whole-day arithmetic."""
    first, last = weeks_window(context.scope.today, FREE_CAPACITY_WEEKS)
    weeks = [IsoWeek.of(first + datetime.timedelta(weeks=n)) for n in range(FREE_CAPACITY_WEEKS)]
    secretaries = {
        pk: (info.pool_id, info.contract_hours - info.base_workload_hours, info.employment_start, info.employment_end)
        for pk, info in context.secretaries.items()
        if info.active and info.employment_start <= last
    }
    # hours a week summed per pool and pattern of working days in the 8 weeks (nearly everyone is there
    # every working day of them), then x working days per week; divided by 5 once at the end
    available = _pattern_hours()
    placed = _pattern_hours()
    leave: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for pool_id, net, start, end in secretaries.values():
        available[pool_id, _week_days(start, end, weeks)] += net
    first_ordinal = first.toordinal()
    for sid, spans in context.leaves.items():
        if sid not in secretaries:
            continue  # inactive, or employed later
        pool_id, net, e_start, e_end = secretaries[sid]
        days_off: set[datetime.date] = set()
        for l_start, l_end in spans:
            if l_start > last or l_end < first:
                continue
            span = overlap(max(l_start, first), min(l_end, last), e_start, e_end)
            if span:
                days_off.update(d for d in iter_days(*span) if d.weekday() < 5)
        for day in days_off:
            leave[pool_id, (day.toordinal() - first_ordinal) // 7] += net
    for p in context.placements.values():
        sid, p_start, p_end = p.secretary_id, p.start, p.end
        if p.status not in CAPACITY_STATUSES or p_start > last or (p_end is not None and p_end < first):
            continue
        if sid not in secretaries:
            continue
        placed[secretaries[sid][0], _week_days(p_start, p_end, weeks)] += p.hours_per_week
    available_by_week, placed_by_week = _by_week(available), _by_week(placed)
    rows: list[dict[str, object]] = []
    for n, week in enumerate(weeks):
        for pk, name in context.pools.items():
            a, lv, pl = (hours_round(v.get((pk, n), ZERO) / FIVE) for v in (available_by_week, leave, placed_by_week))
            rows.append(
                {
                    "week": str(week),
                    "pool_id": pk,
                    "pool": name,
                    "available_hours": a,
                    "leave_hours": lv,
                    "placed_hours": pl,
                    "free_hours": a - lv - pl,
                }
            )
    return Table(
        name="free_capacity",
        title="Free capacity, next 8 weeks",
        columns=(
            Column("week", "Week", T),
            *POOL_COLUMNS,
            Column("available_hours", "Available hours", H),
            Column("leave_hours", "Leave", H),
            Column("placed_hours", "Placed hours", H),
            Column("free_hours", "Free hours", H),
        ),
        rows=rows,
    )


def cost_recovery(*, context: ReportContext) -> Table:
    """Per pool: revenue of its secretaries' hours (issued in the period) / their personnel cost in the period."""
    revenue = revenue_by_pool_sums(context=context)
    per_pool = _per_pool(context)
    rows: list[dict[str, object]] = []
    for pk, name in context.pools.items():
        cost = money_round(per_pool[pk]["cost"])
        earned = revenue[pk]["revenue"]
        rows.append(
            {
                "pool_id": pk,
                "pool": name,
                "revenue": earned,
                "personnel_cost": cost,
                "cost_recovery": ratio(earned, cost),
            }
        )
    return Table(
        name="cost_recovery",
        title="Cost recovery by pool",
        columns=(
            *POOL_COLUMNS,
            Column("revenue", "Revenue", M),
            Column("personnel_cost", "Personnel cost", M),
            Column("cost_recovery", "Revenue / personnel cost", R),
        ),
        rows=rows,
    )


def placement_margins(*, context: ReportContext) -> Table:
    """Per placement that ran in the period: rate (in force at the period's end, or its last), hourly cost,
    margin an hour, and the period's billed hours and their margin (billed amount - hours x cost)."""
    rows: list[dict[str, object]] = []
    s = context.scope
    for p in context.placements.values():
        info = context.secretaries.get(p.secretary_id)
        if info is None or p.status not in PLACED_STATUSES:
            continue
        if overlap(p.start, p.end, s.start, s.end) is None and p.id not in context.billed_by_placement:
            continue
        on = min(s.end, p.end) if p.end else s.end
        windows = context.rates.get(p.id, [])
        rate = next((r for valid_from, r in reversed(windows) if valid_from <= on), windows[0][1] if windows else None)
        hours, amount = context.billed_by_placement.get(p.id, (ZERO, ZERO))
        cost = info.hourly_employer_cost
        rows.append(
            {
                "placement_id": p.id,
                "secretary": info.name,
                "client": context.clients[p.client_id][0],
                "rate": rate,
                "hourly_cost": cost,
                "margin_per_hour": None if rate is None else rate - cost,
                "billed_hours": hours,
                "billed_amount": amount,
                "margin": money_round(amount - hours * cost),
            }
        )
    rows.sort(key=lambda r: (str(r["secretary"]), str(r["client"]), int(str(r["placement_id"]))))
    return Table(
        name="placement_margins",
        title="Margin by placement",
        columns=(
            Column("placement_id", "Placement id", N),
            Column("secretary", "Secretary", T),
            Column("client", "Client", T),
            Column("rate", "Rate", M),
            Column("hourly_cost", "Hourly cost", M),
            Column("margin_per_hour", "Margin an hour", M),
            Column("billed_hours", "Hours billed", H),
            Column("billed_amount", "Billed", M),
            Column("margin", "Margin", M),
        ),
        rows=rows,
    )


STAGES = ("not_submitted", "submitted", "approved", "invoiced_unpaid", "paid")
STAGE_LABELS = {
    "not_submitted": "Not submitted",
    "submitted": "Submitted, not approved",
    "approved": "Approved, not invoiced",
    "invoiced_unpaid": "Invoiced, unpaid",
    "paid": "Paid",
}
STAGE_KEYS = {stage: (f"{stage}_hours", f"{stage}_amount") for stage in STAGES}
SHEET_STAGE: dict[str, str] = {
    TimesheetStatus.OPEN: "not_submitted",
    TimesheetStatus.REJECTED: "not_submitted",
    TimesheetStatus.SUBMITTED: "submitted",
    TimesheetStatus.APPROVED: "approved",
}


def pipeline(*, context: ReportContext) -> Table:
    """Per client, the period's hours (and their value excl. VAT) by how far they got.

    Invoiced hours split into unpaid and paid by the share of their invoice that is paid
    (amount paid / amount due, at most 1); a credited hour is no longer in the pipeline.
    """
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (pid, status), (hours, amount) in context.unbilled_by_placement_status.items():
        stage = SHEET_STAGE.get(status)  # invoiced sheets are counted from their invoice lines below
        placement = context.placements.get(pid)
        if stage is None or placement is None:
            continue
        hours_key, amount_key = STAGE_KEYS[stage]
        client = sums[placement.client_id]
        client[hours_key] += hours
        client[amount_key] += amount
    for (pid, _month), (hours, amount) in context.draft_lines.items():
        placement = context.placements.get(pid)
        if placement is not None:
            sums[placement.client_id]["approved_hours"] += hours
            sums[placement.client_id]["approved_amount"] += amount
    for client_id, _owed, hours, amount, due, paid in context.billed_by_invoice:
        client = sums[client_id]
        client["invoiced_hours"] += hours
        client["invoiced_amount"] += amount
        if paid >= due:  # the usual case: paid in full (or nothing left to pay)
            client["paid_hours"] += hours
            client["paid_amount"] += amount
        elif paid > 0:
            share = paid / due
            client["paid_hours"] += hours * share
            client["paid_amount"] += amount * share
    rows: list[dict[str, object]] = []
    for client_id, values in sums.items():
        row: dict[str, object] = {
            "client_id": client_id,
            "client": context.clients[client_id][0],
            "client_kind": context.clients[client_id][1],
        }
        for stage in STAGES:
            row[f"{stage}_hours"] = hours_round(values[f"{stage}_hours"])
            row[f"{stage}_amount"] = money_round(values[f"{stage}_amount"])
        # Unpaid is what is invoiced less what is paid, each rounded once, so the stages add up exactly.
        row["invoiced_unpaid_hours"] = hours_round(values["invoiced_hours"]) - as_decimal(row["paid_hours"])
        row["invoiced_unpaid_amount"] = money_round(values["invoiced_amount"]) - as_decimal(row["paid_amount"])
        rows.append(row)
    rows.sort(key=lambda r: (str(r["client"]), int(str(r["client_id"]))))
    columns = list(CLIENT_COLUMNS)
    for stage in STAGES:
        columns += [
            Column(f"{stage}_hours", f"{STAGE_LABELS[stage]} (hours)", H),
            Column(f"{stage}_amount", f"{STAGE_LABELS[stage]} (EUR)", M),
        ]
    return Table(name="pipeline", title="Pipeline by client", columns=tuple(columns), rows=rows)
