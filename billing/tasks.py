"""Celery tasks: thin wrappers around the billing services, taking ids, safe to retry."""

import logging
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from billing.payments.stripe_adapter import StripeFailure
from billing.services import reminders
from billing.services.checkout import checkouts_stale_expire, invoices_checkout_open
from billing.services.delivery import invoice_email_send, invoices_pdf_render

logger = logging.getLogger(__name__)


@shared_task(name="billing.tasks.invoices_deliver")
def invoices_deliver(*, invoice_ids: list[int], email: bool = True) -> dict[str, int]:
    """Render the finalised invoices' PDFs (once) and e-mail them (once)."""
    rendered = invoices_pdf_render(invoice_ids=invoice_ids)
    sent = sum(invoice_email_send(invoice_id=pk) for pk in invoice_ids) if email else 0
    return {"rendered": rendered, "emailed": sent}


@shared_task(bind=True, name="billing.tasks.invoices_checkout_open", max_retries=6)
def invoices_checkout_open_task(self: Any, *, invoice_ids: list[int]) -> int:
    """Open a Stripe Checkout Session for each tenant invoice. A retry reuses each session's stored
    idempotency key, so Stripe gives the same session. Run eagerly (no broker), a failure is logged and
    left to the pay link, which opens a session on demand."""
    try:
        return invoices_checkout_open(invoice_ids=invoice_ids)
    except StripeFailure as exc:
        if self.request.is_eager:
            logger.warning("Stripe Checkout not opened now (%s); the pay link opens it on demand.", exc)
            return 0
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(bind=True, name="billing.tasks.invoice_checkouts_expire", max_retries=6)
def invoice_checkouts_expire_task(self: Any, *, invoice_id: int) -> int:
    """Expire the invoice's open Checkout Sessions for an amount no longer owed (after a bank transfer
    or a credit note). Eagerly run, a failure is logged: the pay link renews the session anyway."""
    try:
        return checkouts_stale_expire(invoice_id=invoice_id)
    except StripeFailure as exc:
        if self.request.is_eager:
            logger.warning("Stale Checkout Sessions of invoice %s not expired now (%s).", invoice_id, exc)
            return 0
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(name="billing.tasks.receivables_daily")
def receivables_daily() -> dict[str, int]:
    """Mark overdue invoices and e-mail the payment reminders due today."""
    return reminders.receivables_daily()


@shared_task(
    name="billing.tasks.invoice_run_execute",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    max_retries=5,
)
def invoice_run_execute_task(*, run_id: int) -> dict[str, Any]:
    """Carry out a queued invoice run. Safe to retry: only a queued run is carried out, under a lock; a lost
    connection or a deadlock (OperationalError, InterfaceError) rolls the run back and the task is retried."""
    from billing.services.runs import invoice_run_execute  # runs → invoices → this module

    run = invoice_run_execute(run_id=run_id)
    result = {"run": run.pk, "status": run.status, "invoices": run.invoice_count}
    logger.info("Invoice run %s: %s, %s invoices.", run.pk, run.status, run.invoice_count, extra=result)
    return result


@shared_task(name="billing.tasks.invoice_runs_resume")
def invoice_runs_resume() -> list[int]:
    """Queue again the runs whose task was lost (still queued after ten minutes)."""
    from billing.services.runs import invoice_runs_queued_resume

    return invoice_runs_queued_resume()
