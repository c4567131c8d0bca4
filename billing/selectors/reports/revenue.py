"""Revenue: what was invoiced, by the month of the invoice's issue date (the books' view).

A month's revenue is the net (excl. VAT) of the invoices and internal
statements issued in it, less the credit notes issued in it: to the cent the
sum of those documents' ``net_total``. A credit note lands in the month it is
issued, so a closed month never changes afterwards. Earned but not invoiced is
the work of the month (the timesheet's period) that is approved but on no
finalised invoice yet: approved sheets and sheets on draft invoices, valued at
the placement's rates.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from backend.core.periods import month_starts
from backend.core.tables import Column, ColumnKind, Table
from billing.models import InvoiceKind, LineKind
from billing.selectors.reports.context import (
    CLIENT_COLUMNS,
    POOL_COLUMNS,
    SECRETARY_COLUMNS,
    ZERO,
    ReportContext,
    as_decimal,
)

M, H, T, N = ColumnKind.MONEY, ColumnKind.HOURS, ColumnKind.TEXT, ColumnKind.INTEGER

REVENUE_BY_MONTH_COLUMNS = (
    Column("month", "Month", ColumnKind.MONTH),
    Column("tenants", "Invoiced to tenants (hours)", M),
    Column("internal", "Internal recharges (hours)", M),
    Column("other", "Other income", M),
    Column("credit_notes", "Credit notes", M),
    Column("revenue", "Revenue", M),
    Column("hours_billed", "Hours billed", H),
    Column("earned_not_invoiced", "Earned, not yet invoiced", M),
    Column("earned_not_invoiced_hours", "Hours approved, not yet invoiced", H),
)


def revenue_by_month(*, context: ReportContext) -> Table:
    """One row per month of the period, oldest first (months without invoices show zeros)."""
    months = month_starts(context.scope.start, context.scope.end)
    rows: dict[datetime.date, dict[str, object]] = {
        m: {c.key: ZERO for c in REVENUE_BY_MONTH_COLUMNS} | {"month": m} for m in months
    }
    for issue_month, _pool, invoice_kind, line_kind, amount, hours in context.revenue_by_month_kind:
        row = rows[issue_month]
        hours = hours or ZERO
        if invoice_kind == InvoiceKind.CREDIT_NOTE:
            key = "credit_notes"
        elif line_kind == LineKind.MANUAL:
            key = "other"
        else:
            key = "tenants" if invoice_kind == InvoiceKind.INVOICE else "internal"
        row[key] = _add(row[key], amount)
        row["revenue"] = _add(row["revenue"], amount)
        row["hours_billed"] = _add(row["hours_billed"], hours)
    for month, (hours, amount) in context.approved_by_month.items():
        row = rows[month]
        row["earned_not_invoiced"] = _add(row["earned_not_invoiced"], amount)
        row["earned_not_invoiced_hours"] = _add(row["earned_not_invoiced_hours"], hours)
    for (_, month), (hours, amount) in context.draft_lines.items():
        row = rows[month]
        row["earned_not_invoiced"] = _add(row["earned_not_invoiced"], amount)
        row["earned_not_invoiced_hours"] = _add(row["earned_not_invoiced_hours"], hours)
    return Table(
        name="revenue_by_month",
        title="Revenue by month",
        columns=REVENUE_BY_MONTH_COLUMNS,
        rows=[rows[m] for m in months],
    )


def _add(total: object, value: Decimal) -> Decimal:
    assert isinstance(total, Decimal)
    return total + value


SPLIT_COLUMNS = (
    Column("hours", "Hours billed", H),
    Column("invoiced", "Invoiced", M),
    Column("credited", "Credited", M),
    Column("revenue", "Revenue", M),
)


def _split(facts: Iterable[tuple[int | None, str, Decimal, Decimal]]) -> dict[int | None, dict[str, Decimal]]:
    """Sum (key, invoice kind, amount, hours) facts per key into hours, invoiced, credited and revenue."""
    out: dict[int | None, dict[str, Decimal]] = {}
    for key, invoice_kind, amount, hours in facts:
        sums = out.get(key)
        if sums is None:
            sums = out[key] = {"hours": ZERO, "invoiced": ZERO, "credited": ZERO, "revenue": ZERO}
        sums["credited" if invoice_kind == InvoiceKind.CREDIT_NOTE else "invoiced"] += amount
        sums["revenue"] += amount
        sums["hours"] += hours

    return out


def revenue_by_client(*, context: ReportContext) -> Table:
    """Every client invoiced in the period, highest revenue first."""
    sums = _split((c, ik, amount, hours) for c, _s, _p, ik, _lk, amount, hours in context.revenue_by_client_secretary)
    clients = context.clients
    rows: list[dict[str, object]] = [
        {"client_id": pk, "client": clients[pk][0], "client_kind": clients[pk][1], **values}
        for pk, values in sums.items()
        if pk is not None
    ]
    rows.sort(key=lambda r: (-as_decimal(r["revenue"]), str(r["client"]), _int(r["client_id"])))
    return Table(
        name="revenue_by_client",
        title="Revenue by client",
        columns=(
            *CLIENT_COLUMNS,
            *SPLIT_COLUMNS,
        ),
        rows=rows,
    )


def revenue_by_secretary(*, context: ReportContext) -> Table:
    """Every secretary whose hours were invoiced in the period (hours lines only), highest revenue first."""
    sums = _split(
        (s, ik, amount, hours)
        for _c, s, _p, ik, lk, amount, hours in context.revenue_by_client_secretary
        if lk == LineKind.HOURS
    )
    secretaries, pools = context.secretaries, context.pools
    rows: list[dict[str, object]] = []
    for pk, values in sums.items():
        if pk is None or pk not in secretaries:
            continue
        info = secretaries[pk]
        rows.append({"secretary_id": pk, "secretary": info.name, "pool": pools.get(info.pool_id, ""), **values})
    rows.sort(key=lambda r: (-as_decimal(r["revenue"]), str(r["secretary"]), _int(r["secretary_id"])))
    return Table(
        name="revenue_by_secretary",
        title="Revenue by secretary",
        columns=(
            *SECRETARY_COLUMNS,
            *SPLIT_COLUMNS,
        ),
        rows=rows,
    )


def revenue_by_pool_sums(*, context: ReportContext) -> dict[int, dict[str, Decimal]]:
    """Hours revenue per pool (the secretary's pool when invoiced); every pool of the scope has a row."""
    sums = _split(
        (p, ik, amount, hours) for _m, p, ik, lk, amount, hours in context.revenue_by_month_kind if lk == LineKind.HOURS
    )
    zero = {"hours": ZERO, "invoiced": ZERO, "credited": ZERO, "revenue": ZERO}
    return {pk: sums.get(pk) or dict(zero) for pk in context.pools}


def revenue_by_pool(*, context: ReportContext) -> Table:
    """Every pool of the scope, by name: the revenue of its secretaries' hours."""
    rows: list[dict[str, object]] = [
        {"pool_id": pk, "pool": context.pools[pk], **values}
        for pk, values in revenue_by_pool_sums(context=context).items()
    ]
    return Table(
        name="revenue_by_pool",
        title="Revenue by pool",
        columns=(
            *POOL_COLUMNS,
            *SPLIT_COLUMNS,
        ),
        rows=rows,
    )


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value
