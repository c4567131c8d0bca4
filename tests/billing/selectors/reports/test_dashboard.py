"""The directors' dashboard (billing/selectors/reports/dashboard.py) and the period a report covers
(billing/selectors/reports/context.py: report_scope).

The clock is pinned to Monday 2026-06-15. ``sales``: Acme's 20 May hours (20 h x 55 = 1,100.00 + 21 %
= 1,331.00) invoiced on 1 June, 331.00 of it paid on 10 June; Globex's 5 April hours (275.00) approved,
not invoiced. Sanne (Front office) and Bram (Back office) each place 8 h a week from 5 January.
"""

import dataclasses
import datetime
import random
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.core.periods import month_bounds
from backend.core.tables import table_json
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineKind, Receivable
from billing.selectors.reports.context import (
    MAX_MONTHS,
    PeriodError,
    PlacementInfo,
    ReportContext,
    ReportScope,
    report_scope,
    report_scope_for,
)
from billing.selectors.reports.dashboard import (
    REPORT_TABLES,
    dashboard_build,
    dashboard_json,
    report_table,
    report_table_json,
    report_tables_for,
)
from billing.selectors.reports.receivables import receivables_aging
from billing.selectors.reports.revenue import revenue_by_client, revenue_by_month, revenue_by_pool, revenue_by_secretary
from billing.selectors.reports.work import pipeline
from billing.services.invoices import (
    CreditRequest,
    credit_note_create,
    invoice_create,
    invoice_creditable,
    invoice_finalize,
    invoice_line_add,
)
from billing.services.payments import internal_statements_settle, payment_record
from billing.services.runs import invoice_run_start
from secondments.models import (
    ApprovalPeriod,
    Client,
    Placement,
    PlacementStatus,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
    VatTreatment,
)
from secondments.services.placements import placement_change_rate
from secondments.services.timesheets import (
    Cell,
    timesheet_approve,
    timesheet_reject,
    timesheet_submit,
    week_grid_save,
)
from tests.billing.conftest import APRIL, MAY, approved_sheet, issued_on
from tests.conftest import TODAY, World
from tests.factories import ClientFactory, LeaveFactory, PlacementFactory, SecretaryFactory

pytestmark = pytest.mark.django_db

D = datetime.date

# The overview (a row per month, pool, week or bucket), in the registry's order.
OVERVIEW = [
    "revenue_by_month",
    "revenue_by_pool",
    "utilisation_by_pool",
    "free_capacity",
    "cost_recovery",
    "forward_revenue",
    "receivables_aging",
]
# The others (a row per client, secretary or placement), read one at a time; they follow the overview.
MORE = [
    "revenue_by_client",
    "revenue_by_secretary",
    "utilisation_by_secretary",
    "placement_margins",
    "pipeline",
]
OVERVIEW_BUT_COSTS = [
    "revenue_by_month",
    "revenue_by_pool",
    "utilisation_by_pool",
    "free_capacity",
    "forward_revenue",
    "receivables_aging",
]
MORE_BUT_COSTS = ["revenue_by_client", "revenue_by_secretary", "utilisation_by_secretary", "pipeline"]
ALL_BUT_COSTS = OVERVIEW_BUT_COSTS + MORE_BUT_COSTS
BASE_FIGURES = {
    "revenue",
    "hours_billed",
    "earned_not_invoiced",
    "available_hours",
    "placed_hours",
    "placed_utilisation",
    "billed_utilisation",
    "free_hours_next_8_weeks",
    "forward_revenue",
}


def scope(*, pools: list[Any] | None = None, with_costs: bool = False, end: tuple[int, int] = (2026, 6)) -> ReportScope:
    pool_ids = None if pools is None else frozenset(p.pk for p in pools)
    return report_scope(start=(2026, 1), end=end, today=TODAY, pool_ids=pool_ids, with_costs=with_costs)


@pytest.fixture
def sales(world: World) -> None:
    approved_sheet(world.placement, MAY, world.approver)
    with issued_on(D(2026, 6, 1)):
        invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    invoice = world.client.invoices.get()
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("331.00"), date=D(2026, 6, 10), reference="")
    approved_sheet(world.other_placement, APRIL, world.other_approver)


# --- which tables a scope sees ----------------------------------------------------------------------------------------


def test_the_registry_lists_the_overview_first_then_the_others() -> None:
    assert list(REPORT_TABLES) == OVERVIEW + MORE
    assert [name for name, spec in REPORT_TABLES.items() if spec.overview] == OVERVIEW
    assert [name for name, spec in REPORT_TABLES.items() if spec.costs] == ["cost_recovery", "placement_margins"]
    assert [name for name, spec in REPORT_TABLES.items() if spec.whole_secretariat] == ["receivables_aging"]


def test_the_tables_each_scope_sees(world: World) -> None:
    whole = scope()
    assert report_tables_for(scope=whole) == ALL_BUT_COSTS
    assert report_tables_for(scope=whole, overview=True) == OVERVIEW_BUT_COSTS
    assert report_tables_for(scope=whole, overview=False) == MORE_BUT_COSTS

    whole_with_costs = scope(with_costs=True)
    assert report_tables_for(scope=whole_with_costs) == list(REPORT_TABLES) == OVERVIEW + MORE
    assert report_tables_for(scope=whole_with_costs, overview=True) == OVERVIEW
    assert report_tables_for(scope=whole_with_costs, overview=False) == MORE

    one_pool = scope(pools=[world.pool])
    assert report_tables_for(scope=one_pool) == [t for t in ALL_BUT_COSTS if t != "receivables_aging"]
    assert report_tables_for(scope=one_pool, overview=True) == OVERVIEW_BUT_COSTS[:-1]
    assert report_tables_for(scope=one_pool, overview=False) == MORE_BUT_COSTS
    assert "receivables_aging" not in report_tables_for(scope=scope(pools=[world.pool, world.other_pool]))

    one_pool_with_costs = scope(pools=[world.pool], with_costs=True)
    assert report_tables_for(scope=one_pool_with_costs) == [t for t in OVERVIEW + MORE if t != "receivables_aging"]
    assert report_tables_for(scope=one_pool_with_costs, overview=True) == OVERVIEW[:-1]
    assert report_tables_for(scope=one_pool_with_costs, overview=False) == MORE

    # The overview and the others split what the scope sees, in the registry's order.
    for s in (whole, whole_with_costs, one_pool, one_pool_with_costs):
        assert report_tables_for(scope=s) == report_tables_for(scope=s, overview=True) + report_tables_for(
            scope=s, overview=False
        )


@pytest.mark.usefixtures("sales")
def test_the_dashboard_of_the_whole_secretariat_without_costs(world: World) -> None:
    board = dashboard_build(scope=scope())

    assert [t.name for t in board.tables] == OVERVIEW_BUT_COSTS
    assert board.more_tables == MORE_BUT_COSTS
    assert board.figures == {
        "revenue": Decimal("1100.00"),
        "hours_billed": Decimal("20.00"),
        "earned_not_invoiced": Decimal("275.00"),
        "available_hours": Decimal("1032.00"),  # 2 x 20 x 129 / 5
        "placed_hours": Decimal("406.40"),  # 2 x 8 x 127 / 5
        "placed_utilisation": Decimal("0.3938"),
        "billed_utilisation": Decimal("0.0194"),  # 20 / 1032
        "free_hours_next_8_weeks": Decimal("192.00"),  # 2 pools x 8 weeks x 12 h
        "forward_revenue": Decimal("11616.00"),  # 2 x (36.8 + 33.6 + 35.2) h x 55
        "receivables_outstanding": Decimal("1000.00"),
        "dso_days": Decimal("124.7"),  # 1000 / 1331 x 166 days
    }


@pytest.mark.usefixtures("sales")
def test_the_dashboard_with_costs(world: World) -> None:
    board = dashboard_build(scope=scope(with_costs=True))

    assert [t.name for t in board.tables] == report_tables_for(scope=scope(with_costs=True), overview=True) == OVERVIEW
    assert board.more_tables == MORE
    assert set(board.figures) == BASE_FIGURES | {
        "personnel_cost",
        "cost_recovery",
        "receivables_outstanding",
        "dso_days",
    }
    # 2 x 42.50 x 36 x 129 / 5; 1100 / 78948
    assert (board.figures["personnel_cost"], board.figures["cost_recovery"]) == (
        Decimal("78948.00"),
        Decimal("0.0139"),
    )


@pytest.mark.usefixtures("sales")
def test_the_dashboard_of_one_pool_has_no_receivables_and_only_its_figures(world: World) -> None:
    board = dashboard_build(scope=scope(pools=[world.pool]))

    assert [t.name for t in board.tables] == OVERVIEW_BUT_COSTS[:-1]
    assert board.more_tables == MORE_BUT_COSTS
    assert board.figures == {
        "revenue": Decimal("1100.00"),
        "hours_billed": Decimal("20.00"),
        "earned_not_invoiced": Decimal("0.00"),  # Globex's hours are the Back office's
        "available_hours": Decimal("516.00"),
        "placed_hours": Decimal("203.20"),
        "placed_utilisation": Decimal("0.3938"),
        "billed_utilisation": Decimal("0.0388"),  # 20 / 516
        "free_hours_next_8_weeks": Decimal("96.00"),
        "forward_revenue": Decimal("5808.00"),
    }
    board_back = dashboard_build(scope=scope(pools=[world.other_pool], with_costs=True))
    assert (board_back.figures["revenue"], board_back.figures["cost_recovery"]) == (Decimal("0.00"), Decimal("0.0000"))
    assert [t.name for t in board_back.tables] == OVERVIEW[:-1]
    assert board_back.more_tables == MORE


def test_an_empty_secretariat_has_zero_figures_and_no_ratios(db: Any) -> None:
    board = dashboard_build(scope=report_scope(start=None, end=(2026, 6), today=TODAY, with_costs=True))

    assert board.figures == {
        "revenue": Decimal("0.00"),
        "hours_billed": Decimal("0.00"),
        "earned_not_invoiced": Decimal("0.00"),
        "available_hours": Decimal("0.00"),
        "placed_hours": Decimal("0.00"),
        "placed_utilisation": None,
        "billed_utilisation": None,
        "free_hours_next_8_weeks": Decimal("0.00"),
        "forward_revenue": Decimal("0.00"),
        "personnel_cost": Decimal("0.00"),
        "cost_recovery": None,
        "receivables_outstanding": Decimal("0.00"),
        "dso_days": None,
    }
    assert len(board.tables[0].rows) == 12
    assert board.more_tables == MORE


@pytest.mark.usefixtures("sales")
def test_the_dashboard_json(world: World) -> None:
    body = dashboard_json(dashboard=dashboard_build(scope=scope(pools=[world.other_pool, world.pool], end=(2026, 5))))

    assert body["period"] == {"start": "2026-01", "end": "2026-05", "as_of": "2026-05-31"}
    assert body["pool_ids"] == sorted([world.pool.pk, world.other_pool.pk])
    figures = body["figures"]
    assert isinstance(figures, dict)
    assert (figures["revenue"], figures["earned_not_invoiced"], figures["placed_utilisation"]) == (
        "0.00",
        "275.00",  # nothing issued by May; the work's stage is today's: the May hours are invoiced now
        "0.3925",  # 2 x 8 x 105 / 5 = 336.00 of 2 x 20 x 107 / 5 = 856.00
    )
    assert list(body) == ["period", "pool_ids", "figures", "tables", "more_tables"]
    tables = body["tables"]
    assert isinstance(tables, list)
    assert [t["name"] for t in tables] == OVERVIEW_BUT_COSTS[:-1]
    assert body["more_tables"] == MORE_BUT_COSTS


def test_one_table_only_when_the_scope_may_see_it(world: World) -> None:
    assert report_table(scope=scope(), name="revenue_by_month").name == "revenue_by_month"
    assert report_table(scope=scope(with_costs=True), name="placement_margins").name == "placement_margins"
    # Any table the scope sees, the overview's or not, is built alone (each from a context of its own).
    for s in (scope(), scope(with_costs=True), scope(pools=[world.pool]), scope(pools=[world.pool], with_costs=True)):
        assert [report_table(scope=s, name=name).name for name in report_tables_for(scope=s)] == report_tables_for(
            scope=s
        )
    for name, denied in (
        ("cost_recovery", scope()),
        ("placement_margins", scope()),
        ("placement_margins", scope(pools=[world.pool])),
        ("receivables_aging", scope(pools=[world.pool], with_costs=True)),
        ("no_such_table", scope(with_costs=True)),
    ):
        with pytest.raises(KeyError):
            report_table(scope=denied, name=name)


@pytest.mark.usefixtures("sales")
def test_the_overview_s_tables_are_those_report_table_gives(world: World) -> None:
    for s in (
        scope(),
        scope(with_costs=True),
        scope(pools=[world.pool]),
        scope(pools=[world.other_pool], end=(2026, 5)),
    ):
        board = dashboard_build(scope=s)
        assert [table_json(table=t) for t in board.tables] == [
            table_json(table=report_table(scope=s, name=name)) for name in report_tables_for(scope=s, overview=True)
        ]


def test_the_overview_builds_none_of_the_other_tables(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*, context: ReportContext) -> Any:
        raise AssertionError("the overview built a table it only names")

    for name in MORE:
        monkeypatch.setitem(REPORT_TABLES, name, dataclasses.replace(REPORT_TABLES[name], build=refuse))

    board = dashboard_build(scope=scope(with_costs=True))

    assert ([t.name for t in board.tables], board.more_tables) == (OVERVIEW, MORE)


@pytest.mark.usefixtures("sales")
def test_the_other_tables_add_up_to_the_overview_s_figures(world: World) -> None:
    """The tables the overview only names, each read alone: what the figures sum up, row by row."""
    s = scope(with_costs=True)
    figures = dashboard_build(scope=s).figures

    def rows(name: str) -> list[dict[str, Any]]:
        body = table_json(table=report_table(scope=s, name=name))
        return cast(list[dict[str, Any]], body["rows"])

    acme = {"client_id": world.client.pk, "client": "Acme B.V.", "client_kind": "tenant"}
    globex = {"client_id": world.other_client.pk, "client": "Globex B.V.", "client_kind": "tenant"}
    sanne = {"secretary_id": world.secretary.pk, "secretary": "Sanne Secretaris", "pool": "Front office"}
    bram = {
        "secretary_id": world.other_secretary.pk,
        "secretary": world.other_secretary.user.full_name,
        "pool": "Back office",
    }
    billed = {"hours": "20.00", "invoiced": "1100.00", "credited": "0.00", "revenue": "1100.00"}
    assert figures["revenue"] == Decimal("1100.00")
    assert rows("revenue_by_client") == [acme | billed]
    assert rows("revenue_by_secretary") == [sanne | billed]

    # 516.00 = 20 x 129 / 5; 203.20 = 8 x 127 / 5: each half of the figures 1032.00 and 406.40
    utilisation = {r["secretary_id"]: r for r in rows("utilisation_by_secretary")}
    assert utilisation == {
        world.secretary.pk: sanne
        | {
            "available_hours": "516.00",
            "placed_hours": "203.20",
            "billed_hours": "20.00",
            "placed_utilisation": "0.3938",
            "billed_utilisation": "0.0388",
        },
        world.other_secretary.pk: bram
        | {
            "available_hours": "516.00",
            "placed_hours": "203.20",
            "billed_hours": "0.00",
            "placed_utilisation": "0.3938",
            "billed_utilisation": "0.0000",
        },
    }
    assert (figures["available_hours"], figures["placed_hours"], figures["hours_billed"]) == (
        Decimal("1032.00"),
        Decimal("406.40"),
        Decimal("20.00"),
    )

    # 331.00 of 1,331.00 paid: 4.97 of Acme's 20 h; Globex's April hours are the figure's 275.00 earned.
    nothing = {f"{stage}_{unit}": "0.00" for stage in ("not_submitted", "submitted") for unit in ("hours", "amount")}
    assert rows("pipeline") == [
        acme
        | nothing
        | {
            "approved_hours": "0.00",
            "approved_amount": "0.00",
            "invoiced_unpaid_hours": "15.03",
            "invoiced_unpaid_amount": "826.45",
            "paid_hours": "4.97",
            "paid_amount": "273.55",
        },
        globex
        | nothing
        | {
            "approved_hours": "5.00",
            "approved_amount": "275.00",
            "invoiced_unpaid_hours": "0.00",
            "invoiced_unpaid_amount": "0.00",
            "paid_hours": "0.00",
            "paid_amount": "0.00",
        },
    ]
    assert figures["earned_not_invoiced"] == Decimal("275.00")

    margins = {r["placement_id"]: r for r in rows("placement_margins")}
    rate = {"rate": "55.00", "hourly_cost": "42.50", "margin_per_hour": "12.50"}
    assert margins == {
        world.placement.pk: {"placement_id": world.placement.pk, "secretary": "Sanne Secretaris", "client": "Acme B.V."}
        | rate
        | {"billed_hours": "20.00", "billed_amount": "1100.00", "margin": "250.00"},
        world.other_placement.pk: {
            "placement_id": world.other_placement.pk,
            "secretary": world.other_secretary.user.full_name,
            "client": "Globex B.V.",
        }
        | rate
        | {"billed_hours": "0.00", "billed_amount": "0.00", "margin": "0.00"},
    }


@pytest.mark.usefixtures("sales")
def test_the_table_json(world: World) -> None:
    s = scope(pools=[world.other_pool, world.pool], end=(2026, 5))
    table = report_table(scope=s, name="pipeline")

    body = report_table_json(scope=s, table=table)

    assert body == {
        "period": {"start": "2026-01", "end": "2026-05", "as_of": "2026-05-31"},
        "pool_ids": sorted([world.pool.pk, world.other_pool.pk]),
        "table": table_json(table=table),
    }
    whole = report_table_json(scope=scope(), table=report_table(scope=scope(), name="revenue_by_client"))
    assert (whole["period"], whole["pool_ids"]) == ({"start": "2026-01", "end": "2026-06", "as_of": "2026-06-15"}, None)


def test_the_dashboard_reads_as_many_times_whatever_the_data(world: World) -> None:
    with CaptureQueriesContext(connection) as small:
        dashboard_build(scope=scope(with_costs=True))
    for month in (APRIL, MAY):
        approved_sheet(world.placement, month, world.approver)
    approved_sheet(world.other_placement, APRIL, world.other_approver)
    with issued_on(D(2026, 6, 1)):
        invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    LeaveFactory(secretary=world.secretary)
    with CaptureQueriesContext(connection) as large:
        dashboard_build(scope=scope(with_costs=True))

    assert len(large) == len(small)


@pytest.mark.parametrize("name", OVERVIEW + MORE)
def test_one_table_reads_as_many_times_whatever_the_data(world: World, name: str) -> None:
    """A table read alone: one invoiced sheet, then more of everything (an empty table may read less)."""
    approved_sheet(world.placement, APRIL, world.approver)
    with issued_on(D(2026, 5, 4)):
        invoice_run_start(actor=world.finance, year=2026, month=4, finalize=True, email=False)
    with CaptureQueriesContext(connection) as small:
        report_table(scope=scope(with_costs=True), name=name)
    approved_sheet(world.placement, MAY, world.approver)
    approved_sheet(world.other_placement, APRIL, world.other_approver)
    with issued_on(D(2026, 6, 1)):
        invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    LeaveFactory(secretary=world.secretary)
    PlacementFactory(secretary=SecretaryFactory(pool=world.pool), client=world.other_client)
    with CaptureQueriesContext(connection) as large:
        report_table(scope=scope(with_costs=True), name=name)

    assert len(large) == len(small)


def test_a_shared_context_runs_each_read_once(world: World) -> None:
    ctx = ReportContext(scope(with_costs=True))
    with CaptureQueriesContext(connection) as first:
        ctx.approved_by_month  # noqa: B018
        ctx.billed_by_placement  # noqa: B018
    with CaptureQueriesContext(connection) as again:
        ctx.approved_by_month  # noqa: B018
        ctx.billed_by_placement  # noqa: B018

    assert (len(first), len(again)) == (2, 0)


@pytest.mark.parametrize(
    ("start", "end", "today", "window"),
    [
        # the period, then eight ISO weeks from today's (to Sunday 9 August), then July to September
        ((2026, 1), (2026, 6), TODAY, (D(2026, 1, 1), D(2026, 9, 30))),
        ((2024, 1), (2024, 3), TODAY, (D(2024, 1, 1), D(2026, 9, 30))),  # a past period: the weeks ahead still
        ((2026, 7), (2026, 7), TODAY, (D(2026, 6, 15), D(2026, 9, 30))),  # starts with today's week
        ((2026, 7), (2026, 7), D(2026, 6, 18), (D(2026, 6, 15), D(2026, 9, 30))),  # from that week's Monday
        ((2026, 1), (2026, 12), TODAY, (D(2026, 1, 1), D(2026, 12, 31))),  # the period reaches further
        ((2026, 1), (2026, 12), D(2026, 12, 30), (D(2026, 1, 1), D(2027, 3, 31))),
    ],
)
def test_the_shared_reads_cover_the_period_and_the_weeks_and_months_ahead(
    start: tuple[int, int], end: tuple[int, int], today: datetime.date, window: tuple[datetime.date, datetime.date]
) -> None:
    assert ReportContext(report_scope(start=start, end=end, today=today)).window == window


def _placed(**fields: Any) -> Placement:
    return cast(Placement, PlacementFactory(**fields))


def test_the_placements_read_covers_the_window_whatever_the_status(world: World) -> None:
    dept = cast(Client, ClientFactory(internal=True, legal_name="Afdeling Facilitair"))
    before = _placed(secretary=world.secretary, client=dept, start_date=D(2025, 3, 3), end_date=D(2025, 12, 31))
    # after the period, within the window: a draft
    august = _placed(secretary=world.secretary, client=dept, start_date=D(2026, 8, 3), status=PlacementStatus.DRAFT)
    after = _placed(secretary=world.secretary, client=dept, start_date=D(2026, 10, 1))
    cancelled = _placed(
        secretary=world.other_secretary,
        client=world.client,
        start_date=D(2026, 2, 2),
        end_date=D(2026, 2, 27),
        status=PlacementStatus.CANCELLED,
        hours_per_week=Decimal("4.00"),
    )
    ctx = ReportContext(scope(end=(2026, 3)))

    assert ctx.window == (D(2026, 1, 1), D(2026, 9, 30))
    assert ctx.placements == {
        world.placement.pk: PlacementInfo(
            world.placement.pk, world.secretary.pk, world.client.pk, "tenant", D(2026, 1, 5), None, Decimal(8), "active"
        ),
        world.other_placement.pk: PlacementInfo(
            world.other_placement.pk,
            world.other_secretary.pk,
            world.other_client.pk,
            "tenant",
            D(2026, 1, 5),
            None,
            Decimal(8),
            "active",
        ),
        august.pk: PlacementInfo(
            august.pk, world.secretary.pk, dept.pk, "internal", D(2026, 8, 3), None, Decimal(8), "draft"
        ),
        cancelled.pk: PlacementInfo(
            cancelled.pk,
            world.other_secretary.pk,
            world.client.pk,
            "tenant",
            D(2026, 2, 2),
            D(2026, 2, 27),
            Decimal(4),
            "cancelled",
        ),
    }
    assert list(ctx.placements) == sorted(ctx.placements)
    assert set(ctx.rates) == set(ctx.placements)
    assert before.pk not in ctx.rates and after.pk not in ctx.rates
    one_pool = ReportContext(scope(pools=[world.pool], end=(2026, 3)))
    assert list(one_pool.placements) == [world.placement.pk, august.pk]


def test_the_leave_read_covers_the_window_oldest_first(world: World) -> None:
    spans = [(D(2026, 8, 10), D(2026, 8, 14)), (D(2025, 12, 29), D(2026, 1, 2)), (D(2026, 3, 2), D(2026, 3, 6))]
    for first, last in spans:
        LeaveFactory(secretary=world.secretary, start_date=first, end_date=last)
    LeaveFactory(secretary=world.secretary, start_date=D(2025, 12, 1), end_date=D(2025, 12, 5))  # before
    LeaveFactory(secretary=world.secretary, start_date=D(2026, 10, 5), end_date=D(2026, 10, 9))  # after
    LeaveFactory(secretary=world.other_secretary, start_date=D(2026, 9, 28), end_date=D(2026, 10, 2))

    ctx = ReportContext(scope(end=(2026, 3)))

    assert ctx.leaves == {
        world.secretary.pk: sorted(spans),
        world.other_secretary.pk: [(D(2026, 9, 28), D(2026, 10, 2))],
    }
    assert ReportContext(scope(pools=[world.other_pool])).leaves == {
        world.other_secretary.pk: [(D(2026, 9, 28), D(2026, 10, 2))]
    }


@pytest.mark.usefixtures("sales")
def test_the_hours_billed_per_secretary(world: World) -> None:
    # Sanne's May hours are invoiced; Bram's April hours only approved.
    assert ReportContext(scope()).billed_by_secretary == {world.secretary.pk: Decimal("20.00")}
    assert ReportContext(scope(pools=[world.other_pool])).billed_by_secretary == {}
    assert ReportContext(scope(end=(2026, 4))).billed_by_secretary == {}  # May's work is outside the period


@pytest.mark.usefixtures("sales")
def test_the_revenue_per_month_is_split_by_pool(world: World) -> None:
    # issue month, pool (the secretary's), invoice kind, line kind: amount, hours
    assert ReportContext(scope()).revenue_by_month_kind == [
        (D(2026, 6, 1), world.pool.pk, "invoice", "hours", Decimal("1100.00"), Decimal("20.00"))
    ]


# --- the period -------------------------------------------------------------------------------------------------------


def test_a_period_is_whole_months() -> None:
    s = report_scope(start=(2026, 2), end=(2026, 4), today=TODAY)

    assert (s.start, s.end, s.today, s.pool_ids, s.with_costs) == (D(2026, 2, 1), D(2026, 4, 30), TODAY, None, False)
    assert s.as_of == D(2026, 4, 30)


def test_as_of_is_today_while_the_period_runs() -> None:
    assert report_scope(start=(2026, 1), end=(2026, 12), today=TODAY).as_of == TODAY


def test_without_a_start_a_period_is_the_twelve_months_up_to_the_end() -> None:
    s = report_scope(start=None, end=(2026, 3), today=TODAY)

    assert (s.start, s.end) == (D(2025, 4, 1), D(2026, 3, 31))


def test_one_month_is_a_period() -> None:
    s = report_scope(start=(2024, 2), end=(2024, 2), today=TODAY)

    assert (s.start, s.end) == (D(2024, 2, 1), D(2024, 2, 29))


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(PeriodError, match="The period ends before it starts") as refused:
        report_scope(start=(2026, 5), end=(2026, 4), today=TODAY)

    assert (refused.value.field, isinstance(refused.value, ValueError)) == ("end", True)


def test_at_most_36_months() -> None:
    s = report_scope(start=(2024, 1), end=(2026, 12), today=TODAY)
    assert (s.start, s.end, MAX_MONTHS) == (D(2024, 1, 1), D(2026, 12, 31), 36)

    with pytest.raises(PeriodError, match="A report covers at most 36 months") as refused:
        report_scope(start=(2023, 12), end=(2026, 12), today=TODAY)

    assert refused.value.field == "start"


# --- reconciliation with generated books ------------------------------------------------------------------------------
#
# Random but valid books, made through the services as the secretariat would: clients of every kind, placements
# with rate changes, hours over five months and a half, monthly invoice runs (finalised, the last month's partly left
# as drafts), manual invoices at every VAT rate a client takes, partial and full credit notes (some releasing their
# hours to be invoiced anew), payments and settlements. Then every report table must agree with the books, read
# independently through the ORM. A seed that fails is replayed exactly by its id.

HOURS = [Decimal(h) for h in ("0.25", "0.50", "1.00", "1.75", "2.50", "3.00", "4.00")]
RATES = [Decimal(r) for r in ("45.00", "50.10", "52.35", "55.00", "55.55", "61.13", "72.49")]
LAST_LOGGED = D(2026, 6, 12)


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, day = [], first
    while day <= last:
        if day.weekday() < 5:
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)).scaleb(-2)


def _generate(world: World, rng: random.Random, *, manual_lines: bool = True) -> None:
    acme, globex = world.client, world.other_client
    globex.vat_treatment, globex.country, globex.vat_number = VatTreatment.REVERSE_CHARGE, "DE", "DE123456789"
    globex.save()
    dept = ClientFactory(internal=True, legal_name="Afdeling Facilitair")
    clients = [acme, globex, dept]
    for client in clients:
        client.approvers.add(world.approver)
        client.approval_period = rng.choice([ApprovalPeriod.MONTHLY, ApprovalPeriod.WEEKLY])
        client.save()
    third = SecretaryFactory(pool=rng.choice([world.pool, world.other_pool]), user__full_name="Tess Derde")
    sanne, bram = world.secretary, world.other_secretary
    candidates = [(sanne, dept), (bram, acme), (third, globex), (third, dept), (third, acme)]
    extra = rng.sample(candidates, rng.randint(1, 3))
    placements = [world.placement, world.other_placement]
    for secretary, client in extra:
        start = rng.choice(_days(D(2026, 1, 5), D(2026, 2, 27)))
        placements.append(
            PlacementFactory(
                secretary=secretary,
                client=client,
                start_date=start,
                hours_per_week=rng.choice([4, 8, 12]),
                rate=rng.choice(RATES),
            )
        )
    world.placement.rates.update(hourly_rate=rng.choice(RATES))
    for p in placements:
        for _ in range(rng.choice([0, 1, 1, 2])):
            day = rng.choice(_days(p.start_date + datetime.timedelta(days=1), D(2026, 6, 10)))
            if not p.rates.filter(valid_from=day).exists():
                placement_change_rate(placement=p, actor=world.manager, valid_from=day, hourly_rate=rng.choice(RATES))

    for month in range(1, 7):
        first, last = month_bounds(2026, month)
        for secretary in (sanne, bram, third):
            cells = [
                Cell(placement=p, date=day, hours=rng.choice(HOURS))
                for p in placements
                if p.secretary_id == secretary.pk
                for day in _days(max(first, p.start_date), min(last, LAST_LOGGED))
                if rng.random() < 0.3
            ]
            if cells:
                week_grid_save(actor=secretary.user, secretary=secretary, cells=cells)
        ready = Timesheet.objects.filter(status=TimesheetStatus.OPEN, period_end__lte=last)
        for sheet in ready.order_by("pk"):
            step = rng.random()
            if step < 0.08:
                continue  # left open
            sheet = timesheet_submit(timesheet=sheet, actor=sheet.placement.secretary.user)
            if step < 0.16:
                continue  # left waiting for approval
            if step < 0.22:
                timesheet_reject(timesheet=sheet, actor=world.approver, reason="Check the hours")
                continue
            timesheet_approve(timesheet=sheet, actor=world.approver, ip="192.0.2.1")
        if month == 6:
            break  # June has not ended: no run
        issue_day = rng.choice(_days(D(2026, month + 1, 1), D(2026, month + 1, 5)))
        with issued_on(issue_day):
            if month < 5:
                invoice_run_start(actor=world.finance, year=2026, month=month, finalize=True, email=False)
            else:
                for client in clients:
                    finalize = rng.random() < 0.6
                    invoice_run_start(
                        actor=world.finance, year=2026, month=month, client=client, finalize=finalize, email=False
                    )
        with issued_on(issue_day + datetime.timedelta(days=rng.randint(1, 9))):
            if manual_lines:
                _manual_invoices(world, rng, clients)
            _credit_notes(world, rng)
            _payments(world, rng)


def _manual_invoices(world: World, rng: random.Random, clients: list[Any]) -> None:
    for _ in range(rng.randint(0, 2)):
        client = rng.choice(clients)
        draft = invoice_create(client=client, actor=world.finance)
        for _ in range(rng.randint(1, 3)):
            rate = rng.choice(["21.00", "9.00", "0.00"]) if client.vat_treatment == VatTreatment.STANDARD else "0.00"
            invoice_line_add(
                invoice=draft,
                actor=world.finance,
                description="Training",
                quantity=rng.choice([Decimal("1.00"), Decimal("2.50"), Decimal("3.00")]),
                unit_price=_money(rng, 1000, 60000),
                vat_rate=Decimal(rate),
            )
        if rng.random() < 0.8:
            invoice_finalize(invoice=draft, actor=world.finance, email=False)


def _credit_notes(world: World, rng: random.Random) -> None:
    issued = list(
        Invoice.objects.filter(status=InvoiceStatus.FINALISED, kind__in=[InvoiceKind.INVOICE, InvoiceKind.INTERNAL])
        .prefetch_related("lines")
        .order_by("pk")
    )
    for invoice in rng.sample(issued, min(len(issued), rng.randint(0, 2))):
        remaining = {pk: q for pk, q in invoice_creditable(invoice=invoice).items() if q > 0}
        if not remaining:
            continue
        kind = rng.random()
        if kind < 0.5:
            pk = rng.choice(sorted(remaining))
            quantity = Decimal(rng.randint(1, int(remaining[pk] * 100))).scaleb(-2)
            line = next(line for line in invoice.lines.all() if line.pk == pk)
            credit_note_create(
                invoice=invoice,
                actor=world.finance,
                reason="Partly",
                lines=[CreditRequest(line, quantity)],
                email=False,
            )
        else:
            has_hours = any(line.timesheet_id for line in invoice.lines.all())
            credit_note_create(
                invoice=invoice,
                actor=world.finance,
                reason="In full",
                release_hours=has_hours and kind < 0.8,
                email=False,
            )


def _payments(world: World, rng: random.Random) -> None:
    today = timezone.localdate()
    open_ = list(Receivable.objects.select_related("invoice").filter(amount_due__gt=F("amount_paid")).order_by("pk"))
    for receivable in rng.sample(open_, min(len(open_), rng.randint(0, 3))):
        invoice = receivable.invoice
        if invoice.kind == InvoiceKind.INTERNAL:
            internal_statements_settle(invoices=[invoice], actor=world.finance, date=today)
            continue
        whole = rng.random() < 0.5
        amount = receivable.outstanding if whole else _money(rng, 1, int(receivable.outstanding * 100))
        payment_record(invoice=invoice, actor=world.finance, amount=amount, date=today, reference="generated")


def _net(**filters: Any) -> Decimal:
    return Invoice.objects.filter(status=InvoiceStatus.FINALISED, **filters).aggregate(
        s=Coalesce(Sum("net_total"), Decimal("0.00"))
    )["s"]


def _lines(field: str = "amount", **filters: Any) -> Decimal:
    return InvoiceLine.objects.filter(**filters).aggregate(s=Coalesce(Sum(field), Decimal("0.00")))["s"]


@pytest.mark.parametrize("seed", range(8))
def test_the_reports_reconcile_with_generated_books(world: World, seed: int) -> None:
    manual_lines = seed % 4 != 3  # seeds 3 and 7: hours lines only
    _generate(world, random.Random(seed), manual_lines=manual_lines)
    ctx = ReportContext(scope(with_costs=True))
    months = revenue_by_month(context=ctx).rows
    finalised_lines = {"invoice__status": InvoiceStatus.FINALISED}
    assert Invoice.objects.filter(status=InvoiceStatus.FINALISED).exclude(issue_date__gte=D(2026, 1, 1)).count() == 0

    for row in months:
        month = cast(datetime.date, row["month"])
        when = {"issue_date__year": month.year, "issue_date__month": month.month}
        line_when = {f"invoice__{k}": v for k, v in when.items()} | finalised_lines
        not_credit = {"invoice__kind__in": [InvoiceKind.INVOICE, InvoiceKind.INTERNAL]} | line_when
        hours = {"kind": LineKind.HOURS}
        assert (row["revenue"], row["credit_notes"]) == (_net(**when), _net(kind=InvoiceKind.CREDIT_NOTE, **when))
        assert row["revenue"] == sum(cast(Decimal, row[k]) for k in ("tenants", "internal", "other", "credit_notes"))
        assert (row["tenants"], row["internal"], row["other"]) == (
            _lines(**hours, **line_when, invoice__kind=InvoiceKind.INVOICE),
            _lines(**hours, **line_when, invoice__kind=InvoiceKind.INTERNAL),
            _lines(kind=LineKind.MANUAL, **not_credit),
        )
        assert row["hours_billed"] == _lines("quantity", **hours, **line_when)
        work = {"period_start__year": month.year, "period_start__month": month.month}
        approved = Timesheet.objects.filter(status=TimesheetStatus.APPROVED, **work)
        on_drafts = InvoiceLine.objects.filter(
            invoice__status=InvoiceStatus.DRAFT, **{f"timesheet__{k}": v for k, v in work.items()}
        )
        assert row["earned_not_invoiced"] == sum(s.amount_total for s in approved) + sum(
            line.amount for line in on_drafts
        )
        assert row["earned_not_invoiced_hours"] == sum(s.hours_total for s in approved) + sum(
            line.quantity for line in on_drafts
        )

    revenue = sum((cast(Decimal, r["revenue"]) for r in months), Decimal("0.00"))
    assert revenue == _net() > 0
    by_client = revenue_by_client(context=ctx).rows
    assert sum(cast(Decimal, r["revenue"]) for r in by_client) == revenue
    assert {r["client_id"]: r["revenue"] for r in by_client} == {
        pk: _net(client_id=pk)
        for pk in Invoice.objects.filter(status=InvoiceStatus.FINALISED).values_list("client_id", flat=True)
    }
    manual = _lines(kind=LineKind.MANUAL, **finalised_lines)
    by_pool = revenue_by_pool(context=ctx).rows
    by_secretary = revenue_by_secretary(context=ctx).rows
    assert sum(cast(Decimal, r["revenue"]) for r in by_pool) == revenue - manual
    assert sum(cast(Decimal, r["revenue"]) for r in by_secretary) == revenue - manual
    assert {r["pool_id"]: r["revenue"] for r in by_pool} == {
        pool.pk: _lines(kind=LineKind.HOURS, placement__secretary__pool=pool, **finalised_lines)
        for pool in (world.pool, world.other_pool)
    }
    if not manual_lines:  # every line an hours line: the pools and the secretaries are the whole revenue
        assert manual == 0
        assert sum(cast(Decimal, r["revenue"]) for r in by_pool) == revenue
        assert sum(cast(Decimal, r["revenue"]) for r in by_secretary) == revenue

    # The pipeline: every hour logged in the period is in one stage, but those credited and not given back.
    logged = TimeEntry.objects.filter(timesheet__period_start__gte=D(2026, 1, 1)).aggregate(s=Sum("hours"))["s"]
    released = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, releases_hours=True).values("credited_invoice")
    credited = _lines(
        "quantity",
        kind=LineKind.HOURS,
        invoice__kind=InvoiceKind.CREDIT_NOTE,
        **finalised_lines,
    ) - _lines(
        "quantity",
        kind=LineKind.HOURS,
        invoice__kind=InvoiceKind.CREDIT_NOTE,
        invoice__credited_invoice__in=released,
        **finalised_lines,
    )
    stages = ("not_submitted", "submitted", "approved", "invoiced_unpaid", "paid")
    flow = pipeline(context=ctx).rows
    assert sum(cast(Decimal, r[f"{s}_hours"]) for r in flow for s in stages) == logged + credited
    for stage, statuses in (
        ("not_submitted", [TimesheetStatus.OPEN, TimesheetStatus.REJECTED]),
        ("submitted", [TimesheetStatus.SUBMITTED]),
    ):
        assert {r["client_id"]: r[f"{stage}_hours"] for r in flow if r[f"{stage}_hours"]} == {
            pk: hours
            for pk, hours in Timesheet.objects.filter(status__in=statuses)
            .values_list("placement__client_id")
            .annotate(h=Sum("hours_total"))
            .order_by()
            if hours
        }

    # Receivables, read today: what each document is still owed.
    aging = receivables_aging(context=ctx).rows
    owed = [r.outstanding for r in Receivable.objects.select_related("invoice") if r.outstanding > 0]
    assert sum(cast(int, r["invoices"]) for r in aging) == len(owed)
    assert sum(cast(Decimal, r["amount"]) for r in aging) == sum(owed, Decimal("0.00"))

    # The sheets' summary columns are their entries, and what every invoice that billed them says.
    for sheet in Timesheet.objects.prefetch_related("entries"):
        assert sheet.hours_total == sum((e.hours for e in sheet.entries.all()), Decimal("0.00"))
    billed = (
        InvoiceLine.objects.filter(kind=LineKind.HOURS)
        .exclude(invoice__kind=InvoiceKind.CREDIT_NOTE)
        .values_list("invoice_id", "timesheet_id")
        .annotate(h=Sum("quantity"), a=Sum("amount"))
        .order_by()
    )
    totals = {pk: (h, a) for pk, h, a in Timesheet.objects.values_list("pk", "hours_total", "amount_total")}
    assert billed.count() > 0
    for _invoice, sheet_id, hours, amount in billed:
        assert (hours, amount) == totals[sheet_id]


# --- who sees what (report_scope_for) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "pool", "expected"),
    [
        ("director", None, (None, True)),
        ("finance", "other", ("other", True)),
        ("team_manager", None, ("mine", False)),
        ("team_manager", "mine", ("mine", False)),
    ],
)
def test_the_scope_follows_the_user(world: World, role: str, pool: str | None, expected: tuple[Any, bool]) -> None:
    pools = {"mine": world.pool, "other": world.other_pool}
    user = world.user(role)
    assert user is not None

    got = report_scope_for(user=user, start=None, end=(2026, 6), today=TODAY, pool=pools.get(pool or ""))

    want_pools, want_costs = expected
    assert got.pool_ids == (None if want_pools is None else frozenset({pools[want_pools].pk}))
    assert got.with_costs is want_costs
    assert (got.start, got.end) == (D(2025, 7, 1), D(2026, 6, 30))


def test_a_team_manager_without_pools_sees_no_pool(world: World) -> None:
    world.pool.managers.clear()

    got = report_scope_for(user=world.manager, start=None, end=(2026, 6), today=TODAY)

    assert (got.pool_ids, got.with_costs) == (frozenset(), False)
    assert revenue_by_pool(context=ReportContext(got)).rows == []
