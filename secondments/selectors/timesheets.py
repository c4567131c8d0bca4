"""Reads of hours and timesheets: scoped lists, the approval inbox, the week grid, reminders."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.periods import IsoWeek, approval_period_bounds, iter_days
from secondments.models import (
    EDITABLE_TIMESHEET_STATUSES,
    Placement,
    Secretary,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
)
from secondments.services.timesheets import LOGGABLE_PLACEMENT_STATUSES, daily_cap


def timesheet_list_for(*, user: User) -> QuerySet[Timesheet]:
    """Sheets a user may see: finance and directors all; team managers their pools'; secretaries
    their own; approvers their clients'. Each row carries its entries and total hours."""
    qs = Timesheet.objects.select_related(
        "placement__secretary__user", "placement__client", "approved_by", "rejected_by", "submitted_by"
    ).annotate(total_hours=Sum("entries__hours", default=Decimal(0)))
    if not user.has_role(Role.FINANCE, Role.DIRECTOR):
        condition = Q(pk__in=[])
        if user.has_role(Role.TEAM_MANAGER):
            condition |= Q(placement__secretary__pool__managers=user)
        if user.has_role(Role.SECRETARY):
            condition |= Q(placement__secretary__user=user)
        if user.has_role(Role.CLIENT_APPROVER):
            condition |= Q(placement__client__approvers=user)
        qs = qs.filter(pk__in=Timesheet.objects.filter(condition).values("pk"))
    # Explicit order: Meta.ordering is dropped from a GROUP BY query (the total), leaving pages unordered.
    return qs.order_by("-period_start", "id").prefetch_related(
        Prefetch("entries", queryset=TimeEntry.objects.order_by("date"))
    )


def approval_inbox(*, user: User) -> QuerySet[Timesheet]:
    """Submitted sheets awaiting this approver, oldest period first, never their own hours."""
    return (
        timesheet_list_for(user=user)
        .filter(status=TimesheetStatus.SUBMITTED, placement__client__approvers=user)
        .exclude(placement__secretary__user=user)
        .order_by("period_start", "id")
    )


@dataclass
class GridCell:
    date: datetime.date
    hours: Decimal | None
    description: str
    editable: bool
    timesheet_id: int | None
    timesheet_status: str | None


@dataclass
class GridRow:
    placement: Placement
    cells: list[GridCell]
    rejection_reasons: list[str] = field(default_factory=list)


@dataclass
class WeekGrid:
    secretary: Secretary
    week: IsoWeek
    days: list[datetime.date]
    rows: list[GridRow]
    day_totals: list[Decimal]
    daily_cap: Decimal


def week_grid(*, secretary: Secretary, week: IsoWeek) -> WeekGrid:
    """The secretary's placements that run in ``week`` with each day's hours and whether it can change."""
    days = list(iter_days(week.monday, week.sunday))
    today = timezone.localdate()
    placements = list(
        Placement.objects.filter(
            secretary=secretary, status__in=LOGGABLE_PLACEMENT_STATUSES, start_date__lte=week.sunday
        )
        .exclude(end_date__lt=week.monday)
        .select_related("client")
        .order_by("client__legal_name", "start_date")
    )
    sheets = list(
        Timesheet.objects.filter(
            placement__in=placements, period_start__lte=week.sunday, period_end__gte=week.monday
        ).prefetch_related("entries")
    )
    rows = []
    totals = [Decimal(0)] * 7
    for p in placements:
        own = [s for s in sheets if s.placement_id == p.pk]
        cells = []
        for i, day in enumerate(days):
            sheet = next((s for s in own if s.period_start <= day <= s.period_end), None)
            entry = next((e for e in sheet.entries.all() if e.date == day), None) if sheet else None
            in_period = p.start_date <= day and (p.end_date is None or day <= p.end_date)
            editable = in_period and day <= today and (sheet is None or sheet.status in EDITABLE_TIMESHEET_STATUSES)
            if entry:
                totals[i] += entry.hours
            cells.append(
                GridCell(
                    date=day,
                    hours=entry.hours if entry else None,
                    description=entry.description if entry else "",
                    editable=editable,
                    timesheet_id=sheet.pk if sheet else None,
                    timesheet_status=sheet.status if sheet else None,
                )
            )
        reasons = [s.rejection_reason for s in own if s.status == TimesheetStatus.REJECTED and s.rejection_reason]
        rows.append(GridRow(placement=p, cells=cells, rejection_reasons=reasons))
    return WeekGrid(secretary=secretary, week=week, days=days, rows=rows, day_totals=totals, daily_cap=daily_cap())


@dataclass(frozen=True)
class MissingPeriod:
    placement: Placement
    period_start: datetime.date
    period_end: datetime.date
    status: str  # "missing", "open" or "rejected"


def unsubmitted_past_periods(*, today: datetime.date, lookback_days: int = 56) -> dict[Secretary, list[MissingPeriod]]:
    """Per secretary, the approval periods that have ended (within the look-back) and are not submitted."""
    window_start = today - datetime.timedelta(days=lookback_days)
    placements = list(
        Placement.objects.filter(status__in=LOGGABLE_PLACEMENT_STATUSES, start_date__lt=today)
        .exclude(end_date__lt=window_start)
        .select_related("client", "secretary__user")
    )
    sheets: dict[tuple[int, datetime.date], Timesheet] = {
        (s.placement_id, s.period_start): s
        for s in Timesheet.objects.filter(placement__in=placements, period_end__gte=window_start)
    }
    result: dict[Secretary, list[MissingPeriod]] = defaultdict(list)
    for p in placements:
        day = max(p.start_date, window_start)
        while True:
            start, end = approval_period_bounds(day, p.client.approval_period)
            if end >= today:
                break
            if p.end_date is None or start <= p.end_date:
                sheet = sheets.get((p.pk, start))
                status = sheet.status if sheet else "missing"
                if sheet is None or sheet.status in EDITABLE_TIMESHEET_STATUSES:
                    result[p.secretary].append(MissingPeriod(p, start, end, status))
            day = end + datetime.timedelta(days=1)
    return dict(result)


def pending_approvals_by_approver() -> dict[User, list[Timesheet]]:
    """Submitted sheets per approver of their client (never an approver's own hours)."""
    result: dict[User, list[Timesheet]] = defaultdict(list)
    sheets = (
        Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED)
        .select_related("placement__client", "placement__secretary__user")
        .prefetch_related("placement__client__approvers")
        .order_by("period_start", "id")
    )
    for sheet in sheets:
        for approver in sheet.placement.client.approvers.all():
            if approver.is_active and approver.pk != sheet.placement.secretary.user_id:
                result[approver].append(sheet)
    return dict(result)
