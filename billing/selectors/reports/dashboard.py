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


REPORT_TABLES: dict[str, ReportTable] = {
    "revenue_by_month": ReportTable(revenue_by_month),
    "revenue_by_client": ReportTable(revenue_by_client),
    "revenue_by_secretary": ReportTable(revenue_by_secretary),
    "revenue_by_pool": ReportTable(revenue_by_pool),
    "utilisation_by_secretary": ReportTable(utilisation_by_secretary),
    "utilisation_by_pool": ReportTable(utilisation_by_pool),
    "free_capacity": ReportTable(free_capacity),
    "cost_recovery": ReportTable(cost_recovery, costs=True),
    "placement_margins": ReportTable(placement_margins, costs=True),
    "forward_revenue": ReportTable(forward_revenue),
    "pipeline": ReportTable(pipeline),
    "receivables_aging": ReportTable(receivables_aging, whole_secretariat=True),
}


def report_tables_for(*, scope: ReportScope) -> list[str]:
    """The tables a scope may see: costs only with ``with_costs``, receivables only for the whole secretariat."""
    return [
        name
        for name, spec in REPORT_TABLES.items()
        if (scope.with_costs or not spec.costs) and (scope.pool_ids is None or not spec.whole_secretariat)
    ]


def report_table(*, scope: ReportScope, name: str) -> Table:
    """One table (for an export). ``name`` must be one of ``report_tables_for(scope=scope)``."""
    if name not in report_tables_for(scope=scope):
        raise KeyError(name)
    return REPORT_TABLES[name].build(context=ReportContext(scope))


@dataclass(frozen=True)
class Dashboard:
    scope: ReportScope
    tables: list[Table]
    figures: dict[str, Decimal | None]


def _total(table: Table, key: str) -> Decimal:
    total = ZERO
    for row in table.rows:
        value = row[key]
        if isinstance(value, Decimal):
            total += value
    return total


def dashboard_build(*, scope: ReportScope) -> Dashboard:
    """Every table the scope may see, from one shared context (each read runs once), and the headline figures."""
    context = ReportContext(scope)
    tables = {name: REPORT_TABLES[name].build(context=context) for name in report_tables_for(scope=scope)}
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
    return Dashboard(scope=scope, tables=list(tables.values()), figures=figures)


def dashboard_json(*, dashboard: Dashboard) -> dict[str, object]:
    """The API's body: the period, the pools, the figures (decimal strings) and every table."""
    scope = dashboard.scope
    return {
        "period": {"start": f"{scope.start:%Y-%m}", "end": f"{scope.end:%Y-%m}", "as_of": scope.as_of.isoformat()},
        "pool_ids": None if scope.pool_ids is None else sorted(scope.pool_ids),
        "figures": {key: None if value is None else str(value) for key, value in dashboard.figures.items()},
        "tables": [table_json(table=table) for table in dashboard.tables],
    }
