"""What a report covers, and the reads its tables share (each run at most once)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.periods import month_bounds, month_starts, months_before, weeks_window
from backend.core.tables import Column, ColumnKind
from billing.models import (
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    PaymentStatus,
    Receivable,
    RevenueFact,
    RevenueMonth,
)
from secondments.models import (
    Client,
    Leave,
    Placement,
    PlacementRate,
    PlacementStatus,
    Pool,
    Secretary,
    Timesheet,
    TimesheetStatus,
)
from secondments.selectors.scoping import pool_list_for

RATIO_PLACES = Decimal("0.0001")
UNBILLED_STATUSES = [
    TimesheetStatus.OPEN,
    TimesheetStatus.REJECTED,
    TimesheetStatus.SUBMITTED,
    TimesheetStatus.APPROVED,
]
HOURS_PLACES = Decimal("0.01")
ZERO = Decimal("0.00")
# The longest period one report covers (it bounds the rows a table can have).
MAX_MONTHS = 36
# Free capacity looks this many ISO weeks ahead from today's; forward revenue this many months after today's.
FREE_CAPACITY_WEEKS = 8
FORWARD_MONTHS = 3


# The leading columns that name a table's rows, shared by the tables.
CLIENT_COLUMNS = (
    Column("client_id", "Client id", ColumnKind.INTEGER),
    Column("client", "Client", ColumnKind.TEXT),
    Column("client_kind", "Kind", ColumnKind.TEXT),
)
SECRETARY_COLUMNS = (
    Column("secretary_id", "Secretary id", ColumnKind.INTEGER),
    Column("secretary", "Secretary", ColumnKind.TEXT),
    Column("pool", "Pool", ColumnKind.TEXT),
)
POOL_COLUMNS = (Column("pool_id", "Pool id", ColumnKind.INTEGER), Column("pool", "Pool", ColumnKind.TEXT))


def as_decimal(value: object) -> Decimal:
    """A table cell known to hold a Decimal, typed as one."""
    assert isinstance(value, Decimal)
    return value


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole`` to four places, half-up; None where ``whole`` is nothing (no division by zero)."""
    if not whole:
        return None
    return (part / whole).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def hours_round(value: Decimal) -> Decimal:
    return value.quantize(HOURS_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReportScope:
    """Months ``start``..``end`` (first and last day), seen on ``today``, for some pools or all (None)."""

    start: datetime.date
    end: datetime.date
    today: datetime.date
    pool_ids: frozenset[int] | None = None
    with_costs: bool = False  # personnel costs and margins: finance and directors only

    @property
    def as_of(self) -> datetime.date:
        """The day balances are read on: the period's last day, or today while the period runs."""
        return min(self.end, self.today)


DEFAULT_MONTHS = 12


def forward_months(*, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The three whole calendar months after today's: (first day, last day) each."""
    months = []
    year, month = today.year, today.month
    for _ in range(FORWARD_MONTHS):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        months.append(month_bounds(year, month))
    return months


class PeriodError(ValueError):
    """A period the reports refuse; ``field`` names the month to change."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def report_scope(
    *,
    start: tuple[int, int] | None,
    end: tuple[int, int],
    today: datetime.date,
    pool_ids: frozenset[int] | None = None,
    with_costs: bool = False,
) -> ReportScope:
    """The months ``start``..``end`` (year, month) inclusive; without ``start``, the 12 months up to ``end``.

    PeriodError (a message for the user) for an end before the start or more than 36 months."""
    last_start, last_end = month_bounds(*end)
    first = month_bounds(*start)[0] if start else months_before(last_start, DEFAULT_MONTHS - 1)
    if first > last_start:
        raise PeriodError(
            "The period ends before it starts: choose an end month on or after the start month.", field="end"
        )
    if len(month_starts(first, last_start)) > MAX_MONTHS:
        raise PeriodError(f"A report covers at most {MAX_MONTHS} months; choose a shorter period.", field="start")
    return ReportScope(start=first, end=last_end, today=today, pool_ids=pool_ids, with_costs=with_costs)


def report_scope_for(
    *,
    user: User,
    start: tuple[int, int] | None,
    end: tuple[int, int],
    today: datetime.date,
    pool: Pool | None = None,
) -> ReportScope:
    """What ``user`` sees: finance and directors every pool (or ``pool``) with costs; a team manager the
    pools they manage (or ``pool``, which the caller looked up among them), without costs."""
    sees_all = user.has_role(Role.FINANCE, Role.DIRECTOR)
    if pool is not None:
        pool_ids: frozenset[int] | None = frozenset({pool.pk})
    elif sees_all:
        pool_ids = None
    else:
        pool_ids = frozenset(pool_list_for(user=user).values_list("pk", flat=True))
    return report_scope(start=start, end=end, today=today, pool_ids=pool_ids, with_costs=sees_all)


class SecretaryInfo(NamedTuple):  # a tuple: one is made per secretary and request
    id: int
    name: str
    pool_id: int
    contract_hours: Decimal
    base_workload_hours: Decimal
    hourly_employer_cost: Decimal
    employment_start: datetime.date
    employment_end: datetime.date | None
    active: bool


class PlacementInfo(NamedTuple):  # a tuple: one is made per placement and request
    id: int
    secretary_id: int
    client_id: int
    client_kind: str
    start: datetime.date
    end: datetime.date | None
    hours_per_week: Decimal
    status: str


Sums = tuple[Decimal, Decimal]  # hours, amount


class ReportContext:
    """The shared reads of one report request. Each property is one query, run when first needed."""

    def __init__(self, scope: ReportScope) -> None:
        self.scope = scope
        self.derived: dict[str, Any] = {}  # figures several tables share, computed once (see work.py)

    # -- scoping helpers -------------------------------------------------------------------------------
    @cached_property
    def window(self) -> tuple[datetime.date, datetime.date]:
        """The days the shared reads of placements, rates and leave cover: the period, the free-capacity
        weeks from today's and the forward months (one read serves every table)."""
        s = self.scope
        capacity_first, capacity_last = weeks_window(s.today, FREE_CAPACITY_WEEKS)
        forward_last = forward_months(today=s.today)[-1][1]
        return min(s.start, capacity_first), max(s.end, capacity_last, forward_last)

    def pool_filter(self, prefix: str) -> Q:
        if self.scope.pool_ids is None:
            return Q()
        return Q(**{f"{prefix}pool_id__in": sorted(self.scope.pool_ids)})

    def issued_facts(self) -> "QuerySet[RevenueFact]":
        """The summarised lines of invoices, statements and credit notes issued in the period."""
        return RevenueFact.objects.filter(
            self.pool_filter(""), issue_month__gte=self.scope.start, issue_month__lte=self.scope.end
        )

    def worked_facts(self) -> "QuerySet[RevenueFact]":
        """The summarised finalised hours lines (credit notes' negative ones too) of the period's sheets."""
        return RevenueFact.objects.filter(
            self.pool_filter(""),
            line_kind=LineKind.HOURS,
            work_month__gte=self.scope.start,
            work_month__lte=self.scope.end,
        )

    def period_sheets(self) -> "QuerySet[Timesheet]":
        """Timesheets whose period starts in the report's period (the work of the period)."""
        return Timesheet.objects.filter(
            self.pool_filter("placement__secretary__"),
            period_start__gte=self.scope.start,
            period_start__lte=self.scope.end,
        )

    # -- reference data --------------------------------------------------------------------------------
    @cached_property
    def pools(self) -> dict[int, str]:
        qs = Pool.objects.all()
        if self.scope.pool_ids is not None:
            qs = qs.filter(pk__in=sorted(self.scope.pool_ids))
        return dict(qs.order_by("name").values_list("pk", "name"))

    @cached_property
    def clients(self) -> dict[int, tuple[str, str]]:
        """Every client: (legal name, kind)."""
        return {pk: (name, kind) for pk, name, kind in Client.objects.values_list("pk", "legal_name", "kind")}

    @cached_property
    def secretaries(self) -> dict[int, SecretaryInfo]:
        """The secretaries of the scope's pools, whatever their employment (lines may name former ones)."""
        rows = Secretary.objects.filter(self.pool_filter("")).values_list(
            "pk",
            "user__full_name",
            "pool_id",
            "contract_hours",
            "base_workload_hours",
            "hourly_employer_cost",
            "employment_start",
            "employment_end",
            "active",
        )
        return {row[0]: SecretaryInfo(*row) for row in rows.order_by("user__full_name", "pk")}

    @cached_property
    def placements(self) -> dict[int, PlacementInfo]:
        """The scope's placements (any status) that overlap ``window``: every sheet of the period belongs
        to one, and so does every placement the capacity and forward tables count. Callers filter by
        status and dates."""
        first, last = self.window
        overlapping = Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))
        rows = Placement.objects.filter(self.pool_filter("secretary__"), overlapping).values_list(
            "pk", "secretary_id", "client_id", "client__kind", "start_date", "end_date", "hours_per_week", "status"
        )
        return {row[0]: PlacementInfo(*row) for row in rows.order_by("pk")}

    @cached_property
    def rates(self) -> dict[int, list[tuple[datetime.date, Decimal]]]:
        """Every rate window (valid from, hourly rate; oldest first) of the placements above."""
        first, last = self.window
        return self._rates(
            Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=first),
            placement__start_date__lte=last,
        )

    @cached_property
    def forward_rates(self) -> dict[int, list[tuple[datetime.date, Decimal]]]:
        """Every rate window of the active placements that run in the forward months (fewer than ``rates``)."""
        months = forward_months(today=self.scope.today)
        first, last = months[0][0], months[-1][1]
        return self._rates(
            Q(placement__end_date__isnull=True) | Q(placement__end_date__gte=first),
            placement__start_date__lte=last,
            placement__status=PlacementStatus.ACTIVE,
        )

    def _rates(self, *q: Q, **filters: Any) -> dict[int, list[tuple[datetime.date, Decimal]]]:
        out: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
        qs = PlacementRate.objects.filter(*q, self.pool_filter("placement__secretary__"), **filters)
        for pid, valid_from, rate in qs.values_list("placement_id", "valid_from", "hourly_rate").order_by(
            "placement_id", "valid_from"
        ):
            out[pid].append((valid_from, rate))
        return out

    @cached_property
    def leaves(self) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
        """Every leave (first day, last day) of the scope's secretaries that overlaps ``window``."""
        first, last = self.window
        out: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
        qs = Leave.objects.filter(self.pool_filter("secretary__"), start_date__lte=last, end_date__gte=first)
        for sid, start, end in qs.values_list("secretary_id", "start_date", "end_date").order_by(
            "secretary_id", "start_date"
        ):
            out[sid].append((start, end))
        return out

    # -- revenue (bookkeeping: by the invoice's issue date) --------------------------------------------
    @cached_property
    def revenue_months(
        self,
    ) -> list[tuple[datetime.date, datetime.date | None, int | None, str, str, Decimal, Decimal]]:
        """The monthly rollup of the facts (``RevenueMonth``) issued in the period or worked in it: issue month,
        month of work, pool (None for manual lines), invoice kind, line kind, hours, amount. A few hundred rows."""
        s = self.scope
        return list(
            RevenueMonth.objects.filter(
                Q(issue_month__gte=s.start, issue_month__lte=s.end) | Q(work_month__gte=s.start, work_month__lte=s.end),
                self.pool_filter(""),
            )
            .values_list("issue_month", "work_month", "pool_id", "invoice_kind", "line_kind", "hours", "amount")
            .order_by()
        )

    @cached_property
    def revenue_by_month_kind(self) -> list[tuple[datetime.date, int | None, str, str, Decimal, Decimal]]:
        """Per issue month in the period, pool (None for manual lines), invoice kind and line kind: amount, hours."""
        s = self.scope
        return [
            (issue_month, pool_id, invoice_kind, line_kind, amount, hours)
            for issue_month, _work, pool_id, invoice_kind, line_kind, hours, amount in self.revenue_months
            if s.start <= issue_month <= s.end
        ]

    @cached_property
    def billed_by_pool(self) -> dict[int, Decimal]:
        """Hours of the period's sheets on finalised documents (less credited hours), per pool when invoiced."""
        s = self.scope
        out: dict[int, Decimal] = defaultdict(Decimal)
        for _issue, work_month, pool_id, _kind, line_kind, hours, _amount in self.revenue_months:
            if line_kind == LineKind.HOURS and pool_id is not None and work_month and s.start <= work_month <= s.end:
                out[pool_id] += hours
        return out

    @cached_property
    def revenue_by_client_secretary(self) -> list[tuple[int, int | None, int | None, str, str, Decimal, Decimal]]:
        """Per client, secretary and pool (None for manual lines), invoice kind and line kind: amount, hours."""
        return list(
            self.issued_facts()
            .values_list("client_id", "secretary_id", "pool_id", "invoice_kind", "line_kind")
            .annotate(amount=Sum("amount"), hours=Sum("hours"))
            .order_by()
        )

    # -- work (by the timesheet's period) --------------------------------------------------------------
    @cached_property
    def approved_by_month(self) -> dict[datetime.date, Sums]:
        """Hours and amounts of the period's approved sheets (not on an invoice yet), per month of work."""
        rows = (
            self.period_sheets()
            .filter(status=TimesheetStatus.APPROVED)
            .annotate(month=TruncMonth("period_start"))
            .values_list("month")
            .annotate(hours=Sum("hours_total"), amount=Sum("amount_total"))
            .order_by()
        )
        return {_as_date(month): (hours, amount) for month, hours, amount in rows}

    @cached_property
    def unbilled_by_placement_status(self) -> dict[tuple[int, str], Sums]:
        """Hours and amounts of the period's sheets not yet invoiced (open, rejected, submitted, approved)."""
        rows = (
            self.period_sheets()
            .filter(status__in=UNBILLED_STATUSES)
            .values_list("placement_id", "status")
            .annotate(hours=Sum("hours_total"), amount=Sum("amount_total"))
            .order_by()
        )
        return {(pid, status): (hours, amount) for pid, status, hours, amount in rows}

    @cached_property
    def draft_lines(self) -> dict[tuple[int, datetime.date], Sums]:
        """Hours of the period's sheets that wait on draft invoices, per placement and month of work."""
        rows = (
            InvoiceLine.objects.filter(
                self.pool_filter("placement__secretary__"),
                invoice__status=InvoiceStatus.DRAFT,
                kind=LineKind.HOURS,
                timesheet__period_start__gte=self.scope.start,
                timesheet__period_start__lte=self.scope.end,
            )
            .annotate(month=TruncMonth("timesheet__period_start"))
            .values_list("placement_id", "month")
            .annotate(hours=Sum("quantity"), amount=Sum("amount"))
            .order_by()
        )
        return {(pid, _as_date(month)): (hours, amount) for pid, month, hours, amount in rows}

    @cached_property
    def billed_by_secretary(self) -> dict[int, Decimal]:
        """Hours of the period's sheets on finalised documents (less credited hours), per secretary."""
        rows = self.worked_facts().values_list("secretary_id").annotate(h=Sum("hours")).order_by()
        return dict(rows)

    @cached_property
    def billed_by_placement(self) -> dict[int, Sums]:
        rows = self.worked_facts().values_list("placement_id").annotate(h=Sum("hours"), a=Sum("amount")).order_by()
        return {pid: (hours, amount) for pid, hours, amount in rows}

    @cached_property
    def billed_by_invoice(self) -> list[tuple[int, int, Decimal, Decimal, Decimal, Decimal]]:
        """Per client and invoice owed (a credit note's lines count on the invoice they credit):
        hours, amount, and that invoice's receivable (amount due, amount paid; 0, 0 when nothing is
        outstanding, which the pipeline reads as paid in full)."""
        rows = list(
            self.worked_facts()
            .values_list("client_id", "owed_invoice_id")
            .annotate(h=Sum("hours"), a=Sum("amount"))
            .order_by()
        )
        # Only a receivable with something outstanding splits its hours; any other is paid (or credited) in full.
        unpaid = {
            pk: (due, paid)
            for pk, due, paid in Receivable.objects.exclude(status=PaymentStatus.PAID).values_list(
                "pk", "amount_due", "amount_paid"
            )
        }
        return [
            (client_id, owed_id, hours, amount, *unpaid.get(owed_id, (ZERO, ZERO)))
            for client_id, owed_id, hours, amount in rows
        ]


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value
