"""Reads of the payments ledger: scoped lists, the internal journal and the Stripe reconciliation."""

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.periods import month_bounds
from billing.models import Payment, PaymentKind, PaymentMethod
from billing.payments import stripe_adapter


def payment_list_for(*, user: User) -> QuerySet[Payment]:
    """Finance and directors see the whole ledger; an approver sees the rows of their clients' invoices."""
    qs = Payment.objects.select_related("invoice", "recorded_by").order_by("-date", "-id")
    if user.has_role(Role.FINANCE, Role.DIRECTOR):
        return qs
    if user.has_role(Role.CLIENT_APPROVER):
        return qs.filter(invoice__client__in=user.approver_clients.all())
    return qs.none()


# ---------------------------------------------------------------------------
# The internal recharge journal.

JOURNAL_COLUMNS = ["month", "cost_centre", "client", "statement_count", "statements", "amount"]


@dataclass(frozen=True)
class JournalRow:
    month: str
    cost_centre: str
    client: str
    statements: tuple[str, ...]
    amount: Decimal


def internal_journal(*, year: int, month: int) -> list[JournalRow]:
    """The month's internal settlements (reversals netted), one row per cost centre; one query."""
    start, end = month_bounds(year, month)
    rows = (
        Payment.objects.filter(method=PaymentMethod.INTERNAL, date__gte=start, date__lte=end)
        .values_list("invoice__customer", "invoice__client__legal_name", "invoice__number", "amount")
        .order_by("invoice__number", "id")
    )
    # Per cost centre and client, each statement's net amount: a settlement its reversal undoes in the
    # same month nets to 0 and is no statement settled (nor is a row left with none).
    booked: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for customer, client, number, amount in rows:
        key = ((customer or {}).get("cost_centre", ""), (customer or {}).get("legal_name", "") or client)
        booked[key][number] += amount
    label = f"{year:04d}-{month:02d}"
    journal = []
    for (cc, client), by_statement in sorted(booked.items()):
        net = {number: amount for number, amount in by_statement.items() if amount}
        if net:
            total = sum(net.values(), Decimal("0.00"))
            journal.append(
                JournalRow(month=label, cost_centre=cc, client=client, statements=tuple(sorted(net)), amount=total)
            )
    return journal


def internal_journal_csv(*, rows: list[JournalRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(JOURNAL_COLUMNS)
    for row in rows:
        writer.writerow(
            [row.month, row.cost_centre, row.client, len(row.statements), " ".join(row.statements), row.amount]
        )
    return out.getvalue()


# ---------------------------------------------------------------------------
# Reconciliation with Stripe.


@dataclass(frozen=True)
class Difference:
    kind: str  # missing_locally, missing_at_stripe, amount_differs, invoice_differs, unknown_invoice
    reference: str  # the PaymentIntent (or session) id
    session: str
    invoice: str
    stripe_amount: Decimal | None
    local_amount: Decimal | None

    def describe(self) -> str:
        return (
            f"{self.kind}: {self.reference} session={self.session or '-'} invoice={self.invoice or '-'} "
            f"stripe={self.stripe_amount if self.stripe_amount is not None else '-'} "
            f"local={self.local_amount if self.local_amount is not None else '-'}"
        )


@dataclass(frozen=True)
class Reconciliation:
    since: datetime.datetime
    stripe_paid: int
    local_payments: int
    differences: list[Difference]


def stripe_reconcile(*, since: datetime.datetime) -> Reconciliation:
    """Compare Stripe's paid Checkout Sessions created since ``since`` with the ledger's Stripe payments
    (whose session was created since then). Stripe is read a day further back so that a session created
    at the boundary is never reported missing."""
    sessions = [
        s
        for s in stripe_adapter.checkout_sessions_complete(since=since - datetime.timedelta(days=1))
        if s.payment_status == "paid"
    ]
    stripe_by_ref = {s.payment_intent or s.id: s for s in sessions}
    local = list(
        Payment.objects.filter(method=PaymentMethod.STRIPE, kind=PaymentKind.PAYMENT)
        .filter(Q(checkout__created_at__gte=since) | Q(external_id__in=list(stripe_by_ref)))
        .select_related("invoice", "checkout")
        .order_by("id")
    )
    local_by_ref = {p.external_id: p for p in local}
    differences: list[Difference] = []
    for ref, s in sorted(stripe_by_ref.items()):
        if s.created is not None and s.created < since:
            continue
        number = s.metadata.get("invoice_number", "")
        payment = local_by_ref.get(ref)
        if payment is None:
            kind = "missing_locally" if s.metadata.get("invoice_id", "").isdigit() else "unknown_invoice"
            differences.append(Difference(kind, ref, s.id, number, s.amount_total, None))
        elif payment.amount != s.amount_total:
            differences.append(
                Difference("amount_differs", ref, s.id, payment.invoice.number, s.amount_total, payment.amount)
            )
        elif str(payment.invoice_id) != s.metadata.get("invoice_id"):
            differences.append(
                Difference("invoice_differs", ref, s.id, payment.invoice.number, s.amount_total, payment.amount)
            )
    for ref, p in sorted(local_by_ref.items()):
        if ref not in stripe_by_ref:
            session = p.checkout.stripe_id if p.checkout else ""
            differences.append(Difference("missing_at_stripe", ref, session, p.invoice.number, None, p.amount))
    return Reconciliation(
        since=since,
        stripe_paid=sum(1 for s in sessions if s.created is None or s.created >= since),
        local_payments=len(local),
        differences=differences,
    )
