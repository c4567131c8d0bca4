"""The daily receivables step: mark overdue invoices and e-mail payment reminders.

A tenant invoice unpaid after its due date gets a reminder, then one every
14 days while it stays unpaid, at most 3. Each reminder is claimed (counted
and audited) under the receivable's lock and e-mailed after commit, so two
workers never send the same reminder. Internal recharge statements turn
overdue too but are settled by finance, so they get no reminders.
"""

import datetime
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.core.services import audit_record
from billing.models import Invoice, InvoiceKind, PaymentStatus, Receivable
from billing.pdf.formatting import date as format_date
from billing.pdf.formatting import money as format_money
from billing.services.checkout import pay_link
from billing.services.delivery import invoice_pdf_ensure
from billing.services.payments import receivables_overdue_mark

REMINDER_EVERY = datetime.timedelta(days=14)
REMINDERS_MAX = 3

SUBJECT = {
    "nl": "Herinnering {n} van {max}: factuur {number} van {seller}",
    "en": "Reminder {n} of {max}: invoice {number} from {seller}",
}
BODY = {
    "nl": "Geachte relatie,\n\nVolgens onze administratie staat van factuur {number} van {issue} "
    "nog {outstanding} open; de vervaldatum was {due}.\n{pay}\n"
    "Heeft u inmiddels betaald, dan kunt u deze herinnering negeren.\n\n"
    "Met vriendelijke groet,\n{seller}\n",
    "en": "Dear customer,\n\nOur records show {outstanding} still open on invoice {number} of {issue}; "
    "it was due on {due}.\n{pay}\nIf you have paid in the meantime, please disregard this reminder.\n\n"
    "Kind regards,\n{seller}\n",
}
PAY_ONLINE = {"nl": "Betaal online: {url}\n", "en": "Pay online: {url}\n"}
PAY_BANK = {
    "nl": "U kunt overmaken op {iban} t.n.v. {seller} o.v.v. {number}.\n",
    "en": "You can pay to {iban} in the name of {seller}, quoting {number}.\n",
}


def _reminder_due(r: Receivable, today: datetime.date) -> bool:
    return (
        r.status == PaymentStatus.OVERDUE
        and r.invoice.kind == InvoiceKind.INVOICE
        and r.reminders_sent < REMINDERS_MAX
        and (r.last_reminder_on is None or today >= r.last_reminder_on + REMINDER_EVERY)
    )


def payment_reminder_email(*, invoice_id: int, count: int) -> None:
    """E-mail reminder ``count`` for the invoice, with its PDF, to the client's billing address."""
    invoice = invoice_pdf_ensure(invoice=Invoice.objects.select_related("receivable").get(pk=invoice_id))
    language = invoice.language if invoice.language in BODY else "nl"
    seller = settings.SECRETARIAT["name"]
    assert invoice.issue_date is not None and invoice.due_date is not None
    link = pay_link(invoice=invoice)
    pay = PAY_ONLINE[language].format(url=link) if link else ""
    pay += PAY_BANK[language].format(iban=settings.SECRETARIAT["iban"], seller=seller, number=invoice.number)
    message = EmailMessage(
        subject=SUBJECT[language].format(n=count, max=REMINDERS_MAX, number=invoice.number, seller=seller),
        body=BODY[language].format(
            number=invoice.number,
            issue=format_date(invoice.issue_date, language),
            outstanding=format_money(invoice.receivable.outstanding, language),
            due=format_date(invoice.due_date, language),
            pay=pay,
            seller=seller,
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[(invoice.customer or {}).get("billing_email", "")],
    )
    with invoice.pdf.open("rb") as pdf:
        message.attach(f"{invoice.number}.pdf", pdf.read(), "application/pdf")
    message.send()


def payment_reminders_send(*, today: datetime.date | None = None) -> int:
    """Claim and e-mail every reminder due today; returns how many."""
    today = today or timezone.localdate()
    candidates = list(
        Receivable.objects.filter(status=PaymentStatus.OVERDUE, invoice__kind=InvoiceKind.INVOICE)
        .filter(reminders_sent__lt=REMINDERS_MAX)
        .filter(Q(last_reminder_on__isnull=True) | Q(last_reminder_on__lte=today - REMINDER_EVERY))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            r = Receivable.objects.select_for_update().select_related("invoice").get(pk=pk)
            if not _reminder_due(r, today):
                continue  # another worker sent it, or it was paid meanwhile
            r.reminders_sent += 1
            r.last_reminder_on = today
            r.save(update_fields=["reminders_sent", "last_reminder_on", "updated_at"])
            audit_record(
                actor=None,
                action="invoice.reminder",
                obj=r.invoice,
                after={
                    "reminder": r.reminders_sent,
                    "of": REMINDERS_MAX,
                    "to": (r.invoice.customer or {}).get("billing_email", ""),
                    "outstanding": r.outstanding,
                    "due_date": r.due_date,
                },
            )
            transaction.on_commit(partial(payment_reminder_email, invoice_id=r.pk, count=r.reminders_sent), robust=True)
        sent += 1
    return sent


def receivables_daily(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily task's work: overdue first, then reminders."""
    today = today or timezone.localdate()
    return {
        "overdue": receivables_overdue_mark(today=today),
        "reminders": payment_reminders_send(today=today),
    }
