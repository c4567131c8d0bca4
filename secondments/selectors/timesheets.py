"""Reads of hours and timesheets: scoped lists, the approval inbox, the week grid, reminders."""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.db import prepared_cursor
from backend.core.periods import IsoWeek, approval_period_bounds, iter_days
from secondments.models import (
    EDITABLE_TIMESHEET_STATUSES,
    Client,
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
    condition = _visible(user)
    if condition is not None:
        qs = qs.filter(pk__in=Timesheet.objects.filter(condition).values("pk"))
    # Explicit order: Meta.ordering is dropped from a GROUP BY query (the total), leaving pages unordered.
    return qs.order_by("-period_start", "id").prefetch_related(
        Prefetch("entries", queryset=TimeEntry.objects.order_by("date"))
    )


def _visible(user: User) -> Q | None:
    """Which sheets a user may see (see ``timesheet_list_for``); None: all of them."""
    if user.has_role(Role.FINANCE, Role.DIRECTOR):
        return None
    condition = Q(pk__in=[])
    if user.has_role(Role.TEAM_MANAGER):
        condition |= Q(placement__secretary__pool__managers=user)
    if user.has_role(Role.SECRETARY):
        condition |= Q(placement__secretary__user=user)
    if user.has_role(Role.CLIENT_APPROVER):
        condition |= Q(placement__client__approvers=user)
    return condition


def timesheet_scope_for(*, user: User) -> QuerySet[Timesheet]:
    """The sheets of ``timesheet_list_for``, bare: to look one up by id before a service changes it."""
    condition = _visible(user)
    if condition is None:
        return Timesheet.objects.all()
    return Timesheet.objects.filter(pk__in=Timesheet.objects.filter(condition).values("pk"))


def timesheet_rows(sheets: QuerySet[Timesheet]) -> QuerySet[Timesheet]:
    """``sheets`` with what ``TimesheetSerializer`` reads, as ``timesheet_list_for`` gives it, in queries
    PostgreSQL plans in a few milliseconds: the total as a subquery per sheet, not a GROUP BY over
    every joined column; who approved and rejected prefetched (no query while nobody did), not joined
    (with all three users joined a page of sheets took 30-40 ms to plan on the benchmark machine); only
    the columns read."""
    emails = User.objects.only("id", "email")
    return (
        sheets.select_related("placement__secretary__user", "placement__client", "submitted_by")
        .only(*_ROW_COLUMNS)
        .annotate(total_hours=_total_hours())
        .prefetch_related(
            Prefetch("approved_by", queryset=emails),
            Prefetch("rejected_by", queryset=emails),
            Prefetch(
                "entries",
                queryset=TimeEntry.objects.order_by("date").only("id", "timesheet_id", "date", "hours", "description"),
            ),
        )
    )


def _inbox_pending(user: User) -> QuerySet[Timesheet]:
    """The submitted sheets of the approver's clients, never their own hours."""
    placements = Placement.objects.filter(client__approvers=user).exclude(secretary__user=user)
    pending = Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED, placement__in=placements.values("pk"))
    condition = _visible(user)
    if condition is not None and not user.has_role(Role.CLIENT_APPROVER):  # then only what they may see
        pending = pending.filter(pk__in=Timesheet.objects.filter(condition).values("pk"))
    return pending


def approval_inbox(*, user: User) -> QuerySet[Timesheet]:
    """Submitted sheets awaiting this approver, oldest period first, never their own hours.

    The busiest page of an approver's day (``bench/bench_load.py``): a sheet of the approver's clients
    is always theirs to see, so an approver's rows need no visibility subquery; their placements are a
    subquery, not joins; the rows as ``timesheet_rows`` reads them.
    """
    return timesheet_rows(_inbox_pending(user)).order_by("period_start", "id")


def approval_inbox_rows(*, user: User) -> "QuerySet[Timesheet, dict[str, Any]]":
    """The sheets of ``approval_inbox`` as plain rows, no model instances: what the inbox page shows of
    each (``INBOX_COLUMNS``); the secretary's and client's names, the total and the emails of who
    submitted, approved and rejected as subqueries per row of the page, not joins (joined, PostgreSQL
    took 10 ms to plan the page and joined every submitted sheet before it cut the approver's out).
    Cut a page from it, then ``approval_inbox_entries`` for that page's entries."""
    return _inbox_pending(user).order_by("period_start", "id").annotate(**_inbox_annotations()).values(*INBOX_COLUMNS)


@functools.cache
def _inbox_annotations() -> dict[str, Any]:
    """The columns ``approval_inbox_rows`` adds, built once per process (a third of the cost of building
    its query); ``annotate`` resolves copies of them, never these."""
    return {
        "secretary_id": F("placement__secretary_id"),
        "secretary_full_name": Subquery(
            Secretary.objects.filter(pk=OuterRef("placement__secretary_id")).order_by().values("user__full_name")[:1]
        ),
        "client_id": F("placement__client_id"),
        "client_legal_name": Subquery(
            Client.objects.filter(pk=OuterRef("placement__client_id")).order_by().values("legal_name")[:1]
        ),
        "total_hours": _total_hours(),
        "submitted_by_email": _email_of("submitted_by_id"),
        "approved_by_email": _email_of("approved_by_id"),
        "rejected_by_email": _email_of("rejected_by_id"),
    }


def _total_hours() -> Coalesce:
    """A sheet's hours, summed in a subquery per sheet (0 without entries)."""
    total = (
        TimeEntry.objects.filter(timesheet=OuterRef("pk"))
        .order_by()
        .values("timesheet")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(total), Decimal(0), output_field=DecimalField())


def _email_of(column: str) -> Subquery:
    return Subquery(User.objects.filter(pk=OuterRef(column)).order_by().values("email")[:1])


INBOX_COLUMNS = (
    "id",
    "placement_id",
    "secretary_id",
    "secretary_full_name",
    "client_id",
    "client_legal_name",
    "period_start",
    "period_end",
    "status",
    "total_hours",
    "submitted_at",
    "submitted_by_email",
    "approved_at",
    "approved_by_email",
    "approval_kind",
    "approval_hash",
    "rejected_at",
    "rejected_by_email",
    "rejection_reason",
)


def approval_inbox_entries(*, sheet_ids: list[int]) -> dict[int, list[tuple[int, datetime.date, Decimal, str]]]:
    """The entries of these sheets, in one query, by sheet: (id, date, hours, description), by date."""
    entries: dict[int, list[tuple[int, datetime.date, Decimal, str]]] = {pk: [] for pk in sheet_ids}
    if not sheet_ids:
        return entries
    rows = (
        TimeEntry.objects.filter(timesheet_id__in=sheet_ids)
        .order_by("timesheet_id", "date")
        .values_list("timesheet_id", "id", "date", "hours", "description")
    )
    for sheet_id, pk, date, hours, description in rows:
        entries[sheet_id].append((pk, date, hours, description))
    return entries


@dataclass(frozen=True)
class InboxVersion:
    """The version of an approver's inbox: per client of theirs (by id), the changes recorded to what
    its inboxes show (``InboxChange``)."""

    clients: tuple[tuple[int, int], ...]


def approval_inbox_version(*, user: User) -> InboxVersion | None:
    """The version of an approver's inbox, in one short prepared statement (``prepared_cursor``); None
    off PostgreSQL or for a user who is no approver: their inbox is read as it is, every time.

    Every committed change to what the inbox shows adds to its client's changes (database triggers,
    ``secondments/inbox_changes.py``), and a client gained or lost changes the clients: while the version
    is the same, so is the inbox. (It can change while the inbox does not: a placement's hours a week, say.
    Then the inbox is only read once more.)"""
    if connection.vendor != "postgresql" or not user.has_role(Role.CLIENT_APPROVER):
        return None
    with prepared_cursor() as cursor:
        cursor.execute(_INBOX_VERSION_SQL, {"user": user.pk})
        return InboxVersion(clients=tuple((client, int(n)) for client, n in cursor.fetchall()))


_INBOX_VERSION_SQL = (
    "SELECT ca.client_id, COALESCE((SELECT sum(ic.n) FROM secondments_inboxchange ic "
    "WHERE ic.client_id = ca.client_id), 0) FROM secondments_client_approvers ca "
    "WHERE ca.user_id = %(user)s::bigint ORDER BY ca.client_id"
)


# What TimesheetSerializer reads of a sheet and of its placement's secretary and client.
_ROW_COLUMNS = (
    "id",
    "placement_id",
    "period_start",
    "period_end",
    "status",
    "submitted_at",
    "submitted_by_id",
    "approved_at",
    "approved_by_id",
    "approval_kind",
    "approval_hash",
    "rejected_at",
    "rejected_by_id",
    "rejection_reason",
    "placement__secretary__user__full_name",
    "placement__client__legal_name",
    "submitted_by__email",
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
