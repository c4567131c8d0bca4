"""After commit: render each finalised invoice's PDF once, store it with its SHA-256, e-mail it.

Both steps are safe to run again: a stored PDF is never rendered anew, a sent
invoice is not sent twice. Many PDFs render in parallel worker processes (the
renderer is a pure function of the document).
"""

import hashlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from backend.core.bulk import rows_update
from backend.core.models import AuditEvent
from backend.core.services import audit_event, audit_record
from billing.models import Invoice, InvoiceKind, InvoiceStatus
from billing.pdf.document import InvoiceDocument
from billing.pdf.formatting import date as format_date
from billing.pdf.formatting import money as format_money
from billing.pdf.render import invoice_pdf_bytes, warm_up
from billing.selectors.documents import invoice_document, invoices_for_documents, seller
from billing.services.checkout import pay_link

# Below this many PDFs, starting worker processes costs more than it saves.
PARALLEL_FROM = 50
# Threads that write the rendered files to storage.
STORAGE_THREADS = 2
# Invoices read (and documents sent to the workers) this many at a time, and PDFs per worker task.
READ_CHUNK = 100
RENDER_CHUNK = 25


Renderer = Callable[[Iterable[InvoiceDocument]], Iterator[bytes]]


@contextmanager
def _renderer(count: int, processes: int, logo_path: str) -> Iterator[Renderer]:
    """A function giving the documents' PDFs in order, as each is done. From ``PARALLEL_FROM`` documents on
    it renders in worker processes, started at once (they load ReportLab while the invoices are read) and
    fed as the documents come (they render the first while the last are still read)."""
    if processes <= 1 or count < PARALLEL_FROM:
        yield lambda documents: map(invoice_pdf_bytes, documents)
        return
    # "spawn": a fresh interpreter, never a fork sharing this process's database connection.
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        for _ in range(processes):
            pool.submit(warm_up, logo_path)
        yield lambda documents: pool.map(invoice_pdf_bytes, documents, chunksize=RENDER_CHUNK)


def pdf_file_name(invoice: Invoice) -> str:
    return f"invoices/{invoice.year}/{invoice.number}.pdf"


def invoices_pdf_render(*, invoice_ids: list[int], processes: int | None = None) -> int:
    """Render and store the PDFs the invoices do not have yet; returns how many were stored."""
    without_pdf = Invoice.objects.filter(pk__in=invoice_ids, status=InvoiceStatus.FINALISED, pdf_sha256="")
    count = without_pdf.count()
    if not count:
        return 0
    workers = settings.INVOICE_PDF_PROCESSES if processes is None else processes
    saving: dict[int, Future[str]] = {}  # invoice -> the name its file is stored under
    digests: dict[int, tuple[str, int]] = {}  # invoice -> SHA-256, size
    pending: list[Invoice] = []

    def documents() -> Iterator[InvoiceDocument]:
        ids = list(without_pdf.values_list("pk", flat=True).order_by("pk"))
        for start in range(0, len(ids), READ_CHUNK):
            for invoice in invoices_for_documents(invoice_ids=ids[start : start + READ_CHUNK]):
                pending.append(invoice)
                yield invoice_document(invoice=invoice, pay_url=pay_link(invoice=invoice))

    # Files are written by threads (waiting on the disk or the object store) while the next PDFs render.
    with _renderer(count, workers, seller().logo_path) as render, ThreadPoolExecutor(STORAGE_THREADS) as writers:
        for n, blob in enumerate(render(documents())):
            invoice = pending[n]
            saving[invoice.pk] = writers.submit(default_storage.save, pdf_file_name(invoice), ContentFile(blob))
            digests[invoice.pk] = (hashlib.sha256(blob).hexdigest(), len(blob))
    stored = {pk: (name.result(), *digests[pk]) for pk, name in saving.items()}  # file name, SHA-256, size
    with transaction.atomic():
        # Another worker may have stored some meanwhile: keep theirs, drop ours.
        fresh = list(
            Invoice.objects.select_for_update().filter(pk__in=stored, pdf_sha256="").order_by("pk").only("pk", "pdf")
        )
        for invoice in fresh:
            invoice.pdf.name, invoice.pdf_sha256, _ = stored[invoice.pk]
        rows_update(model=Invoice, objs=fresh, fields=["pdf", "pdf_sha256"])  # set once: the model's guard agrees
        AuditEvent.objects.bulk_create(
            [
                audit_event(
                    actor=None,
                    action="invoice.pdf_store",
                    obj=i,
                    after={"file": stored[i.pk][0], "sha256": stored[i.pk][1], "bytes": stored[i.pk][2]},
                )
                for i in fresh
            ]
        )
    kept = {i.pk for i in fresh}
    for pk, (name, _, _) in stored.items():
        if pk not in kept:
            default_storage.delete(name)
    return len(fresh)


def invoice_pdf_ensure(*, invoice: Invoice) -> Invoice:
    """The finalised invoice with its stored PDF (rendered now if the after-commit work has not run yet)."""
    if invoice.pdf_sha256:
        return invoice
    invoices_pdf_render(invoice_ids=[invoice.pk], processes=1)
    return Invoice.objects.get(pk=invoice.pk)


SUBJECTS = {
    ("nl", InvoiceKind.INVOICE): "Factuur {number} van {seller}",
    ("en", InvoiceKind.INVOICE): "Invoice {number} from {seller}",
    ("nl", InvoiceKind.INTERNAL): "Interne doorbelasting {number} van {seller}",
    ("en", InvoiceKind.INTERNAL): "Internal recharge statement {number} from {seller}",
    ("nl", InvoiceKind.CREDIT_NOTE): "Creditnota {number} van {seller}",
    ("en", InvoiceKind.CREDIT_NOTE): "Credit note {number} from {seller}",
}
BODIES = {
    "nl": "Geachte relatie,\n\nBijgaand ontvangt u {what} {number} van {issue} voor een bedrag van {total}.\n{pay}\n"
    "Met vriendelijke groet,\n{seller}\n",
    "en": "Dear customer,\n\nPlease find attached {what} {number} of {issue} for {total}.\n{pay}\n"
    "Kind regards,\n{seller}\n",
}
WHAT = {
    ("nl", InvoiceKind.INVOICE): "factuur",
    ("en", InvoiceKind.INVOICE): "invoice",
    ("nl", InvoiceKind.INTERNAL): "interne doorbelasting",
    ("en", InvoiceKind.INTERNAL): "internal recharge statement",
    ("nl", InvoiceKind.CREDIT_NOTE): "creditnota",
    ("en", InvoiceKind.CREDIT_NOTE): "credit note",
}
PAY = {
    "nl": "Gelieve het bedrag vóór {due} over te maken op {iban} t.n.v. {seller} o.v.v. {number}.\n",
    "en": "Please pay by {due} to {iban} in the name of {seller}, quoting {number}.\n",
}
PAY_ONLINE = {"nl": "U kunt ook online betalen: {url}\n", "en": "Or pay online: {url}\n"}


def invoice_email_send(*, invoice_id: int) -> bool:
    """E-mail the finalised invoice with its PDF to the client's billing address; once."""
    invoice = invoice_pdf_ensure(invoice=Invoice.objects.get(pk=invoice_id, status=InvoiceStatus.FINALISED))
    if invoice.emailed_at is not None:
        return False
    language, kind, seller_name = invoice.language, InvoiceKind(invoice.kind), settings.SECRETARIAT["name"]
    to = (invoice.customer or {}).get("billing_email", "")
    pay = ""
    if invoice.due_date is not None and kind != InvoiceKind.CREDIT_NOTE:
        due = format_date(invoice.due_date, language)
        pay = PAY[language].format(
            due=due, iban=settings.SECRETARIAT["iban"], seller=seller_name, number=invoice.number
        )
        link = pay_link(invoice=invoice)
        if link:
            pay += PAY_ONLINE[language].format(url=link)
    assert invoice.issue_date is not None
    message = EmailMessage(
        subject=SUBJECTS[(language, kind)].format(number=invoice.number, seller=seller_name),
        body=BODIES[language].format(
            what=WHAT[(language, kind)],
            number=invoice.number,
            issue=format_date(invoice.issue_date, language),
            total=format_money(invoice.total, language),
            pay=pay,
            seller=seller_name,
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    with invoice.pdf.open("rb") as pdf:
        message.attach(f"{invoice.number}.pdf", pdf.read(), "application/pdf")
    message.send()
    with transaction.atomic():
        sent_at = timezone.now()
        Invoice.objects.filter(pk=invoice.pk).update(emailed_at=sent_at)
        audit_record(actor=None, action="invoice.email", obj=invoice, after={"to": to, "at": sent_at})
    return True
