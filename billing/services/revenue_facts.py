"""The reports' summary of finalised invoice lines (``billing.models.RevenueFact``).

``revenue_facts_add`` runs in the transaction that finalises documents (``_finalise_locked``:
invoices, internal statements, credit notes), so the summary is current the moment a document
is; a finalised document never changes afterwards. ``revenue_facts_rebuild`` recomputes the
whole table from the lines (after a bulk load, or to repair), in one transaction.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from billing.models import InvoiceLine, InvoiceStatus, LineKind, RevenueFact

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


def revenue_facts_add(*, invoice_ids: list[int]) -> int:
    """Summarise the lines of just-finalised documents (two queries); returns the facts written."""
    rows = InvoiceLine.objects.filter(invoice_id__in=invoice_ids, invoice__status=InvoiceStatus.FINALISED)
    facts = [RevenueFact(**values) for values in revenue_fact_values(rows.values_list(*FACT_FIELDS).order_by())]
    RevenueFact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts)


@transaction.atomic
def revenue_facts_rebuild() -> int:
    """Recompute every fact from the finalised documents' lines; returns the facts written."""
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
    return written + _write(chunk)


def _write(rows: list[tuple[Any, ...]]) -> int:
    facts = [RevenueFact(**values) for values in revenue_fact_values(rows)]
    RevenueFact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts)
