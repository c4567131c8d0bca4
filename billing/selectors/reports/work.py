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
from backend.core.periods import IsoWeek, iter_days, overlap, weeks_window, working_days
from backend.core.tables import Column, ColumnKind, Table
from billing.selectors.reports.context import (
    CLIENT_COLUMNS,
    POOL_COLUMNS,
    SECRETARY_COLUMNS,
    ZERO,
    ReportContext,
    as_decimal,
    hours_round,
    ratio,
)
from billing.selectors.reports.revenue import revenue_by_pool_sums
from secondments.models import Leave, Placement, PlacementStatus, TimesheetStatus
from secondments.selectors.capacity import CAPACITY_STATUSES

M, H, T, N, R = ColumnKind.MONEY, ColumnKind.HOURS, ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.RATIO
FIVE = Decimal(5)
PLACED_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
FREE_CAPACITY_WEEKS = 8


def _leave_days(spans: list[tuple[datetime.date, datetime.date]], within: tuple[datetime.date, datetime.date]) -> int:
    """Working days on leave within ``within`` (overlapping leave counted once)."""
    clipped = sorted(s for s in (overlap(a, b, *within) for a, b in spans) if s is not None)
    days, last = 0, None
    for start, end in clipped:
        if last is not None and start <= last:
            start = last + datetime.timedelta(days=1)
        if start <= end:
            days += working_days(start, end)
        last = end if last is None else max(last, end)
    return days


def _employed(
    info_start: datetime.date, info_end: datetime.date | None, context: ReportContext
) -> tuple[datetime.date, datetime.date] | None:
    return overlap(info_start, info_end, context.scope.start, context.scope.end)


def _utilisation_facts(*, context: ReportContext) -> dict[int, dict[str, Decimal]]:
    """Per secretary employed in the period: available, placed and billed hours, personnel cost."""
    if "utilisation" not in context.derived:
        context.derived["utilisation"] = _utilisation_compute(context=context)
    facts: dict[int, dict[str, Decimal]] = context.derived["utilisation"]
    return facts


def _utilisation_compute(*, context: ReportContext) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict[str, Decimal]] = {}
    days_of: dict[tuple[datetime.date, datetime.date], int] = {}  # most secretaries share one span: the period
    for sid, info in context.secretaries.items():
        employed = _employed(info.employment_start, info.employment_end, context)
        if employed is None:
            continue
        employed_days = days_of.get(employed)
        if employed_days is None:
            employed_days = days_of[employed] = working_days(*employed)
        leave = context.leaves.get(sid)
        days = employed_days - (_leave_days(leave, employed) if leave else 0)
        out[sid] = {
            "available": (info.contract_hours - info.base_workload_hours) * days / FIVE,
            "placed": ZERO,
            "billed": ZERO,
            "cost": info.hourly_employer_cost * info.contract_hours * employed_days / FIVE,
        }
    for p in context.placements.values():
        facts = out.get(p.secretary_id)
        if facts is None:
            continue
        if p.status in PLACED_STATUSES:
            span = overlap(p.start, p.end, context.scope.start, context.scope.end)
            if span is not None:
                facts["placed"] += p.hours_per_week * working_days(*span) / FIVE
        facts["billed"] += context.billed_by_placement.get(p.id, (ZERO, ZERO))[0]
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
    facts = _utilisation_facts(context=context)
    rows: list[dict[str, object]] = []
    for sid, values in facts.items():
        info = context.secretaries[sid]
        rows.append(
            {"secretary_id": sid, "secretary": info.name, "pool": context.pools.get(info.pool_id, "")}
            | _utilisation_row(values)
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
    pools: dict[int, dict[str, Decimal]] = {pk: defaultdict(Decimal) for pk in context.pools}
    for sid, values in _utilisation_facts(context=context).items():
        pool = pools.get(context.secretaries[sid].pool_id)
        if pool is None:
            continue
        pool["secretaries"] += 1
        for key, value in values.items():
            pool[key] += value
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


def _week_days(start: datetime.date, end: datetime.date | None, weeks: list[IsoWeek]) -> list[int]:
    """Working days of [start, end] in each of ``weeks`` (0 to 5), as ``week_fraction`` counts them x 5."""
    if start <= weeks[0].monday and (end is None or end >= weeks[-1].monday + datetime.timedelta(days=4)):
        return [5] * len(weeks)  # the usual case: the whole window
    days = []
    for week in weeks:
        monday = week.monday
        if start <= monday and (end is None or end >= monday + datetime.timedelta(days=4)):
            days.append(5)
        else:
            span = overlap(monday, week.sunday, start, end)
            days.append(working_days(*span) if span else 0)
    return days


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
    # hours x working days, per pool and week: divided by 5 once at the end
    available: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    leave: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    placed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    employed_days: dict[int, list[int]] = {}
    for pk, (pool_id, net, start, end) in secretaries.items():
        employed_days[pk] = _week_days(start, end, weeks)
        for n, days in enumerate(employed_days[pk]):
            if days:
                available[pool_id, n] += net * days
    leaves: dict[int, set[datetime.date]] = defaultdict(set)
    for sid, l_start, l_end in Leave.objects.filter(
        context.pool_filter("secretary__"), start_date__lte=last, end_date__gte=first
    ).values_list("secretary_id", "start_date", "end_date"):
        if sid not in secretaries:
            continue  # inactive, or employed later
        _, _, e_start, e_end = secretaries[sid]
        span = overlap(max(l_start, first), min(l_end, last), e_start, e_end)
        if span:
            leaves[sid].update(d for d in iter_days(*span) if d.weekday() < 5)
    for sid, days_off in leaves.items():
        pool_id, net = secretaries[sid][0], secretaries[sid][1]
        for n, week in enumerate(weeks):
            count = sum(1 for d in days_off if week.monday <= d <= week.sunday)
            if count:
                leave[pool_id, n] += net * count
    for sid, p_start, p_end, per_week in (
        Placement.objects.filter(context.pool_filter("secretary__"), status__in=CAPACITY_STATUSES, start_date__lte=last)
        .exclude(end_date__lt=first)
        .values_list("secretary_id", "start_date", "end_date", "hours_per_week")
    ):
        if sid not in secretaries:
            continue
        pool_id = secretaries[sid][0]
        for n, days in enumerate(_week_days(p_start, p_end, weeks)):
            if days:
                placed[pool_id, n] += per_week * days
    rows: list[dict[str, object]] = []
    for n, week in enumerate(weeks):
        for pk, name in context.pools.items():
            a, lv, pl = (hours_round(v.get((pk, n), ZERO) / FIVE) for v in (available, leave, placed))
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
