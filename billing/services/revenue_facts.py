"""The reports' summary of finalised invoice lines (``billing.models.RevenueFact``).

``revenue_facts_add`` runs in the transaction that finalises documents (``_finalise_locked``:
invoices, internal statements, credit notes), so the summary is current the moment a document
is; a finalised document never changes afterwards. It adds the new facts to their months
(``billing.models.RevenueMonth``) in the same transaction. ``revenue_facts_rebuild`` recomputes
both tables from the lines (after a bulk load, or to repair), in one transaction.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum

from billing.models import InvoiceLine, InvoiceStatus, LineKind, RevenueFact, RevenueMonth

FACT_FIELDS = (
    "invoice_id",
    "invoice__credited_invoice_id",
    "invoice__issue_date",
    "invoice__client_id",
    "invoice__kind",
    "kind",
    "placement_id",
    "placement__secretary_id",
    "placement__secretary__pool_id",
    "timesheet__period_start",
    "quantity",
    "amount",
)
BATCH = 5_000


def revenue_fact_values(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Lines (as ``FACT_FIELDS`` tuples) summed per document, placement, line kind and month of work:
    the field values of their facts (also used by the migration that filled the table)."""
    sums: dict[tuple[Any, ...], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for invoice, credited, issued, client, kind, line_kind, placement, secretary, pool, period, qty, amount in rows:
        work_month = period.replace(day=1) if period else None
        owed, issue_month = credited or invoice, issued.replace(day=1)
        key = (invoice, owed, issue_month, client, kind, line_kind, placement, secretary, pool, work_month)
        total = sums[key]
        if line_kind == LineKind.HOURS:
            total[0] += qty
        total[1] += amount
    return [
        {
            "invoice_id": invoice,
            "owed_invoice_id": owed,
            "issue_month": issue_month,
            "client_id": client,
            "invoice_kind": kind,
            "line_kind": line_kind,
            "placement_id": placement,
            "secretary_id": secretary,
            "pool_id": pool,
            "work_month": work_month,
            "hours": hours,
            "amount": amount,
        }
        for (invoice, owed, issue_month, client, kind, line_kind, placement, secretary, pool, work_month), (
            hours,
            amount,
        ) in sums.items()
    ]


MONTH_FIELDS = ("issue_month", "work_month", "pool_id", "invoice_kind", "line_kind")
MonthKey = tuple[datetime.date, datetime.date | None, int | None, str, str]


def revenue_month_key(key: MonthKey) -> str:
    """``RevenueMonth.key``: issue month, month of work, pool, invoice kind, line kind (``-`` for none)."""
    issue_month, work_month, pool_id, invoice_kind, line_kind = key
    work = f"{work_month:%Y-%m}" if work_month else "-"
    return f"{issue_month:%Y-%m}|{work}|{pool_id or '-'}|{invoice_kind}|{line_kind}"


def revenue_facts_add(*, invoice_ids: list[int]) -> int:
    """Summarise the lines of just-finalised documents and add them to their months; returns the facts
    written. Two queries, plus two a month touched (most documents touch one or two)."""
    rows = InvoiceLine.objects.filter(invoice_id__in=invoice_ids, invoice__status=InvoiceStatus.FINALISED)
    facts = [RevenueFact(**values) for values in revenue_fact_values(rows.values_list(*FACT_FIELDS).order_by())]
    RevenueFact.objects.bulk_create(facts, batch_size=BATCH)
    sums: dict[MonthKey, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for fact in facts:
        total = sums[(fact.issue_month, fact.work_month, fact.pool_id, fact.invoice_kind, fact.line_kind)]
        total[0] += fact.hours
        total[1] += fact.amount
    # In key order, so two finalisations lock shared months in the same order (no deadlock).
    for key, (hours, amount) in sorted(sums.items(), key=lambda item: revenue_month_key(item[0])):
        month, _ = RevenueMonth.objects.get_or_create(key=revenue_month_key(key), defaults=_month_fields(key))
        RevenueMonth.objects.filter(pk=month.pk).update(hours=F("hours") + hours, amount=F("amount") + amount)
    return len(facts)


@transaction.atomic
def revenue_facts_rebuild() -> int:
    """Recompute every fact from the finalised documents' lines, and their months; returns the facts written."""
    RevenueMonth.objects.all().delete()
    RevenueFact.objects.all().delete()
    rows = (
        InvoiceLine.objects.filter(invoice__status=InvoiceStatus.FINALISED)
        .values_list(*FACT_FIELDS)
        .order_by("invoice_id")
        .iterator(chunk_size=BATCH)
    )
    written, current = 0, None
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        # whole documents per batch, so a document's lines are summed together
        if len(chunk) >= BATCH and row[0] != current:
            written += _write(chunk)
            chunk = []
        chunk.append(row)
        current = row[0]
    written += _write(chunk)
    revenue_months_from_facts()
    return written


def revenue_months_from_facts() -> int:
    """Write ``RevenueMonth`` from the facts (into an empty table); returns the rows written."""
    rows = RevenueFact.objects.values_list(*MONTH_FIELDS).annotate(h=Sum("hours"), a=Sum("amount")).order_by()
    months = [RevenueMonth(**values) for values in revenue_month_values(rows)]
    RevenueMonth.objects.bulk_create(months, batch_size=BATCH)
    return len(months)


def revenue_month_values(rows: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """``MONTH_FIELDS`` + (hours, amount) sums to ``RevenueMonth`` field values (also used by its migration)."""
    out = []
    for issue_month, work_month, pool_id, invoice_kind, line_kind, hours, amount in rows:
        key: MonthKey = (issue_month, work_month, pool_id, invoice_kind, line_kind)
        out.append({"key": revenue_month_key(key), "hours": hours, "amount": amount} | _month_fields(key))
    return out


def _month_fields(key: MonthKey) -> dict[str, Any]:
    issue_month, work_month, pool_id, invoice_kind, line_kind = key
    return {
        "issue_month": issue_month,
        "work_month": work_month,
        "pool_id": pool_id,
        "invoice_kind": invoice_kind,
        "line_kind": line_kind,
    }


def _write(rows: list[tuple[Any, ...]]) -> int:
    facts = [RevenueFact(**values) for values in revenue_fact_values(rows)]
    RevenueFact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts)
