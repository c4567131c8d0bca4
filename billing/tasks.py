"""Celery tasks: thin wrappers around the billing services, taking ids, safe to retry."""

from celery import shared_task

from billing.services.delivery import invoice_email_send, invoices_pdf_render


@shared_task(name="billing.tasks.invoices_deliver")
def invoices_deliver(*, invoice_ids: list[int], email: bool = True) -> dict[str, int]:
    """Render the finalised invoices' PDFs (once) and e-mail them (once)."""
    rendered = invoices_pdf_render(invoice_ids=invoice_ids)
    sent = sum(invoice_email_send(invoice_id=pk) for pk in invoice_ids) if email else 0
    return {"rendered": rendered, "emailed": sent}
