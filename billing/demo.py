"""The invoicing part of the demo, loaded by ``seed_demo`` through the billing services (finance acts).

Past months, from the first with approved hours up to two months before the
current one, are each invoiced by a run and finalised at once, without e-mail
(the history must not mail the console when the demo loads). The previous
month is a run of drafts that finance can check and finalise, and a sponsor
has a manual draft. Two corrections: a full credit note that releases the
hours of an older tenant invoice (made before the next month's run, which
invoices those hours anew) and a partial one for a few hours of one line.

Finalising gives the issue date of the day it happens, so every historical
invoice is issued today; the clock is never patched. The PDFs are rendered
after the seed's transaction commits (the services' on-commit hook).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, Sum

from backend.accounts.models import User
from backend.core.money import money_round
from backend.core.periods import month_starts, previous_month_start
from billing.models import Invoice, InvoiceKind, InvoiceRun, InvoiceStatus, Payment, PaymentStatus, Receivable
from billing.pdf.formatting import money
from billing.services.invoices import CreditRequest, credit_note_create, invoice_create, invoice_line_add
from billing.services.payments import internal_statements_settle, payment_record
from billing.services.runs import invoice_run_start
from secondments.models import ApprovalPeriod, Client, ClientKind, Timesheet, TimesheetStatus, VatTreatment
from secondments.services.clients import client_create

# The tenant whose invoice of three months ago is credited in full, its hours invoiced anew the month after ...
FULL_CREDIT_CLIENT = "vandijk"
FULL_CREDIT_REASON = (
    "Op verzoek van de klant gecrediteerd: deze uren worden opnieuw gefactureerd, samen met die van de maand erna."
)
# ... and the tenant whose invoice of two months ago is credited for a few hours of its first line.
PARTIAL_CREDIT_CLIENT = "brouwer"
PARTIAL_CREDIT_HOURS = Decimal("2.00")
PARTIAL_CREDIT_REASON = "Twee uur dubbel geschreven; deze uren worden gecrediteerd."

# A sponsor of the secretariat's yearly event: a tenant without placements, invoiced by hand.
SPONSOR: dict[str, Any] = {
    "kind": ClientKind.TENANT,
    "legal_name": "Stichting Utrechtse Secretaressedag",
    "street": "Oudegracht 150",
    "postcode": "3511AZ",
    "city": "Utrecht",
    "kvk_number": "41187654",
    "vat_number": "NL815000017B01",
    "vat_treatment": VatTreatment.STANDARD,
    "billing_email": "penningmeester@secretaressedag-utrecht.example",
    "invoice_language": "nl",
    "approval_period": ApprovalPeriod.MONTHLY,
    "payment_term_days": 14,
}
SPONSOR_PRICE = Decimal("750.00")


def _run(*, actor: User, month: datetime.date, finalize: bool) -> InvoiceRun:
    return invoice_run_start(actor=actor, year=month.year, month=month.month, finalize=finalize, email=False)


def demo_invoices_seed(*, today: datetime.date, actor: User, clients: dict[str, Client]) -> None:
    """Invoice the demo's approved hours (call inside the seed's transaction, after the hours are settled)."""
    previous = previous_month_start(today)
    first_end = Timesheet.objects.filter(status=TimesheetStatus.APPROVED).aggregate(d=Min("period_end"))["d"]
    months = month_starts(first_end, previous_month_start(previous)) if first_end else []
    full_credit_month = months[-2] if len(months) >= 2 else None

    run = None
    for month in months:
        run = _run(actor=actor, month=month, finalize=True)
        if month == full_credit_month:
            credit_note_create(
                invoice=Invoice.objects.get(run=run, client=clients[FULL_CREDIT_CLIENT]),
                actor=actor,
                reason=FULL_CREDIT_REASON,
                release_hours=True,
                email=False,
            )
    if run is not None:
        invoice = Invoice.objects.get(run=run, client=clients[PARTIAL_CREDIT_CLIENT])
        line = invoice.lines.order_by("position", "pk")[0]
        credit_note_create(
            invoice=invoice,
            actor=actor,
            reason=PARTIAL_CREDIT_REASON,
            lines=[CreditRequest(line=line, quantity=min(PARTIAL_CREDIT_HOURS, line.quantity))],
            email=False,
        )

    # The previous month waits as drafts for finance; so does the sponsor's invoice.
    _run(actor=actor, month=previous, finalize=False)
    sponsor = client_create(actor=actor, **SPONSOR)
    draft = invoice_create(client=sponsor, actor=actor, notes="Met dank voor uw steun aan de Secretaressedag.")
    invoice_line_add(
        invoice=draft,
        actor=actor,
        description=f"Sponsoring Secretaressedag {today.year}",
        quantity=Decimal(1),
        unit_price=SPONSOR_PRICE,
    )
    demo_payments_seed(today=today, actor=actor, clients=clients)


def demo_payments_seed(*, today: datetime.date, actor: User, clients: dict[str, Client]) -> None:
    """Receivables in every state, through the ledger's services (finance acts; Stripe is off in the demo).

    Every month but the last one invoiced: internal statements settled; tenant invoices paid by bank
    transfer, one of them in part. The partly credited invoice was paid in full before its credit note:
    over-paid, flagged for finance. The last month invoiced stays open. All dated today, like the
    invoices (the demo's history is issued on the day it loads).
    """
    receivables = list(
        Receivable.objects.select_related("invoice__run").order_by("invoice__period_start", "invoice__number")
    )
    months = sorted({r.invoice.period_start for r in receivables if r.invoice.period_start})
    paid_months = set(months[:-1])
    statements = [
        r.invoice
        for r in receivables
        if r.invoice.kind == InvoiceKind.INTERNAL and r.invoice.period_start in paid_months and r.outstanding > 0
    ]
    if statements:
        internal_statements_settle(invoices=statements, actor=actor, date=today)
    partial_client = clients[PARTIAL_CREDIT_CLIENT]

    def overpaid(r: Receivable) -> bool:  # paid in full, the credit note notwithstanding
        return r.invoice.client_id == partial_client.pk and r.amount_due < r.invoice.total

    tenants = [
        r
        for r in receivables
        if r.invoice.kind == InvoiceKind.INVOICE and (r.invoice.period_start in paid_months or overpaid(r))
    ]
    for n, r in enumerate(tenants):
        invoice = r.invoice
        if overpaid(r):
            amount = invoice.total
        elif n == len(tenants) - 2:
            amount = money_round(r.outstanding / 2)  # a first instalment
        else:
            amount = r.outstanding
        if amount > 0:
            payment_record(invoice=invoice, actor=actor, amount=amount, date=today, reference=f"Bank {invoice.number}")


def demo_invoices_summary() -> str:
    """One line for ``seed_demo``'s summary: what is invoiced, what waits, what is credited."""
    finalised = Q(status=InvoiceStatus.FINALISED)
    invoices = Invoice.objects.exclude(kind=InvoiceKind.CREDIT_NOTE)
    net = Invoice.objects.filter(finalised).aggregate(n=Sum("net_total"))["n"] or Decimal(0)
    return (
        f"invoices: {invoices.filter(finalised).count()} finalised "
        f"({invoices.filter(finalised, kind=InvoiceKind.INTERNAL).count()} internal recharges), "
        f"{invoices.filter(status=InvoiceStatus.DRAFT).count()} drafts, "
        f"{Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count()} credit notes; "
        f"invoiced {money(net, 'nl')} excl. VAT"
    )


def demo_payments_summary() -> str:
    """One line for ``seed_demo``'s summary: the ledger and the receivables by status."""
    statuses = dict(Receivable.objects.values_list("status").annotate(n=Count("pk")).order_by())
    received = Payment.objects.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return (
        f"payments: {Payment.objects.count()} ledger rows, {money(received, 'nl')} received; receivables: "
        + ", ".join(f"{statuses.get(s, 0)} {label.lower()}" for s, label in PaymentStatus.choices)
        + f", {Receivable.objects.filter(overpaid=True).count()} over-paid"
    )
