"""The directors' dashboard: every report table of one period and scope, and the headline figures."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from backend.core.tables import Table, table_json
from billing.selectors.reports.context import ZERO, ReportContext, ReportScope, hours_round, ratio
from billing.selectors.reports.forward import forward_revenue
from billing.selectors.reports.receivables import days_sales_outstanding, receivables_aging
from billing.selectors.reports.revenue import revenue_by_client, revenue_by_month, revenue_by_pool, revenue_by_secretary
from billing.selectors.reports.work import (
    cost_recovery,
    free_capacity,
    pipeline,
    placement_margins,
    utilisation_by_pool,
    utilisation_by_secretary,
)


@dataclass(frozen=True)
class ReportTable:
    build: Callable[..., Table]
    costs: bool = False  # personnel costs and margins: finance and directors only
    whole_secretariat: bool = False  # not split by pool (receivables belong to invoices)
    # In the dashboard's overview (a row per month, pool, week or bucket); the others have a row per client,
    # secretary or placement and are read one at a time (``report_table``: the dashboard's table endpoint).
    overview: bool = False


REPORT_TABLES: dict[str, ReportTable] = {
    "revenue_by_month": ReportTable(revenue_by_month, overview=True),
    "revenue_by_pool": ReportTable(revenue_by_pool, overview=True),
    "utilisation_by_pool": ReportTable(utilisation_by_pool, overview=True),
    "free_capacity": ReportTable(free_capacity, overview=True),
    "cost_recovery": ReportTable(cost_recovery, costs=True, overview=True),
    "forward_revenue": ReportTable(forward_revenue, overview=True),
    "receivables_aging": ReportTable(receivables_aging, whole_secretariat=True, overview=True),
    "revenue_by_client": ReportTable(revenue_by_client),
    "revenue_by_secretary": ReportTable(revenue_by_secretary),
    "utilisation_by_secretary": ReportTable(utilisation_by_secretary),
    "placement_margins": ReportTable(placement_margins, costs=True),
    "pipeline": ReportTable(pipeline),
}


def report_tables_for(*, scope: ReportScope, overview: bool | None = None) -> list[str]:
    """The tables a scope may see: costs only with ``with_costs``, receivables only for the whole secretariat;
    with ``overview`` True or False, only the overview's tables or only the others."""
    return [
        name
        for name, spec in REPORT_TABLES.items()
        if (scope.with_costs or not spec.costs)
        and (scope.pool_ids is None or not spec.whole_secretariat)
        and (overview is None or spec.overview == overview)
    ]


def report_table(*, scope: ReportScope, name: str) -> Table:
    """One table in full (the table endpoint and the export). ``name`` must be one of
    ``report_tables_for(scope=scope)``."""
    if name not in report_tables_for(scope=scope):
        raise KeyError(name)
    return REPORT_TABLES[name].build(context=ReportContext(scope))


@dataclass(frozen=True)
class Dashboard:
    scope: ReportScope
    tables: list[Table]  # the overview's
    figures: dict[str, Decimal | None]
    more_tables: list[str]  # the scope's other tables, each from ``report_table``


def _total(table: Table, key: str) -> Decimal:
    total = ZERO
    for row in table.rows:
        value = row[key]
        if isinstance(value, Decimal):
            total += value
    return total


def dashboard_build(*, scope: ReportScope) -> Dashboard:
    """The overview: the scope's tables with a row per month, pool, week or bucket, from one shared context
    (each read runs once), and the headline figures. The tables with a row per client, secretary or placement
    are named in ``more_tables``; ``report_table`` builds each."""
    context = ReportContext(scope)
    tables = {
        name: REPORT_TABLES[name].build(context=context) for name in report_tables_for(scope=scope, overview=True)
    }
    by_month, by_pool = tables["revenue_by_month"], tables["utilisation_by_pool"]
    available = _total(by_pool, "available_hours")
    figures: dict[str, Decimal | None] = {
        "revenue": _total(by_month, "revenue"),
        "hours_billed": _total(by_month, "hours_billed"),
        "earned_not_invoiced": _total(by_month, "earned_not_invoiced"),
        "available_hours": available,
        "placed_hours": _total(by_pool, "placed_hours"),
        "placed_utilisation": ratio(_total(by_pool, "placed_hours"), available),
        "billed_utilisation": ratio(_total(by_pool, "billed_hours"), available),
        "free_hours_next_8_weeks": hours_round(_total(tables["free_capacity"], "free_hours")),
        "forward_revenue": _total(tables["forward_revenue"], "amount"),
    }
    if "cost_recovery" in tables:
        revenue, cost = _total(tables["cost_recovery"], "revenue"), _total(tables["cost_recovery"], "personnel_cost")
        figures |= {"personnel_cost": cost, "cost_recovery": ratio(revenue, cost)}
    if "receivables_aging" in tables:
        outstanding = _total(tables["receivables_aging"], "amount")
        figures |= {
            "receivables_outstanding": outstanding,
            "dso_days": days_sales_outstanding(context=context, outstanding=outstanding),
        }
    more = report_tables_for(scope=scope, overview=False)
    return Dashboard(scope=scope, tables=list(tables.values()), figures=figures, more_tables=more)


def _scope_json(scope: ReportScope) -> dict[str, object]:
    return {
        "period": {"start": f"{scope.start:%Y-%m}", "end": f"{scope.end:%Y-%m}", "as_of": scope.as_of.isoformat()},
        "pool_ids": None if scope.pool_ids is None else sorted(scope.pool_ids),
    }


def dashboard_json(*, dashboard: Dashboard) -> dict[str, object]:
    """The API's body: the period, the pools, the figures (decimal strings), the overview's tables and the
    names of the others."""
    return _scope_json(dashboard.scope) | {
        "figures": {key: None if value is None else str(value) for key, value in dashboard.figures.items()},
        "tables": [table_json(table=table) for table in dashboard.tables],
        "more_tables": dashboard.more_tables,
    }


def report_table_json(*, scope: ReportScope, table: Table) -> dict[str, object]:
    """The table endpoint's body: the period, the pools and one table."""
    return _scope_json(scope) | {"table": table_json(table=table)}
