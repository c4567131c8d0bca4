"""Receivables: what invoices and internal statements still owed on a day, by age, and DSO.

Balances are read on ``scope.as_of`` (the period's last day, or today): each
document's total, less its credit notes issued by then, less its ledger rows
dated by then. Age is the days past the due date: not due, 1-30, 31-60, 61-90,
over 90. DSO (days sales outstanding) = that outstanding total / the totals
(incl. VAT, less credit notes) issued from the period's start to ``as_of`` x
those days. Receivables belong to invoices, not pools: the tables are the whole
secretariat's.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from backend.core.money import money_round
from backend.core.tables import Column, ColumnKind, Table
from billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment, Receivable
from billing.selectors.reports.context import ZERO, ReportContext

BUCKETS = (
    ("not_due", "Not due", None, 0),
    ("1_30", "1-30 days", 1, 30),
    ("31_60", "31-60 days", 31, 60),
    ("61_90", "61-90 days", 61, 90),
    ("over_90", "Over 90 days", 91, None),
)


def _money_sum(qs: "Subquery") -> Coalesce:
    return Coalesce(qs, ZERO, output_field=DecimalField(max_digits=12, decimal_places=2))


def receivables_outstanding(*, context: ReportContext) -> list[tuple[int, int, Decimal]]:
    """(invoice id, days past due, outstanding) of every document with something outstanding on ``as_of``."""
    as_of = context.scope.as_of
    credits = (
        Invoice.objects.filter(credited_invoice=OuterRef("pk"), status=InvoiceStatus.FINALISED, issue_date__lte=as_of)
        .values("credited_invoice")
        .annotate(s=Sum("total"))
        .values("s")
    )
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"), date__lte=as_of)
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    # Settled by then and never reopened: skipped without adding up its rows.
    candidates = Receivable.objects.filter(Q(paid_on__isnull=True) | Q(paid_on__gt=as_of)).values("pk")
    rows = (
        Invoice.objects.filter(pk__in=candidates, issue_date__lte=as_of)
        .annotate(credited=_money_sum(Subquery(credits)), paid=_money_sum(Subquery(paid)))
        .values_list("pk", "due_date", "total", "credited", "paid")
    )
    out = []
    for pk, due_date, total, credited, paid_sum in rows:
        outstanding = money_round(total + credited - paid_sum)  # SQLite adds decimals as floats
        if outstanding > 0:
            out.append((pk, (as_of - due_date).days if due_date else 0, outstanding))
    return out


def receivables_aging(*, context: ReportContext) -> Table:
    counts = {key: 0 for key, *_ in BUCKETS}
    amounts = {key: ZERO for key, *_ in BUCKETS}
    for _pk, days, outstanding in receivables_outstanding(context=context):
        key = next(
            k for k, _label, low, high in BUCKETS if (high is None or days <= high) and (low is None or days >= low)
        )
        counts[key] += 1
        amounts[key] += outstanding
    return Table(
        name="receivables_aging",
        title="Receivables by age",
        columns=(
            Column("bucket", "Age", ColumnKind.TEXT),
            Column("invoices", "Invoices", ColumnKind.INTEGER),
            Column("amount", "Outstanding", ColumnKind.MONEY),
        ),
        rows=[{"bucket": label, "invoices": counts[key], "amount": amounts[key]} for key, label, *_ in BUCKETS],
    )


def days_sales_outstanding(*, context: ReportContext, outstanding: Decimal) -> Decimal | None:
    """Outstanding / the period's billed totals (incl. VAT, less credit notes) x the period's days, to 0.1 day."""
    s = context.scope
    billed = Invoice.objects.filter(
        status=InvoiceStatus.FINALISED,
        issue_date__gte=s.start,
        issue_date__lte=s.as_of,
        kind__in=[InvoiceKind.INVOICE, InvoiceKind.INTERNAL, InvoiceKind.CREDIT_NOTE],
    ).aggregate(t=Sum("total"))["t"]
    if not billed or billed <= 0:
        return None
    days = (s.as_of - s.start).days + 1
    return (outstanding / billed * days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
