"""Gapless numbers per series and year, from a counter row locked with ``select_for_update``.

Call inside the transaction that finalises: the counter stays locked until it
commits, so concurrent finalisations take the next numbers one after the other,
and a finalisation that rolls back gives its numbers back. Nothing slow (PDF,
e-mail, Stripe) may happen while the lock is held: those run after commit.
"""

from django.db import transaction

from billing.models import InvoiceCounter, NumberSeries

PREFIXES = {NumberSeries.INVOICE: "", NumberSeries.INTERNAL: "IR-", NumberSeries.CREDIT_NOTE: "CN-"}


def invoice_number_format(*, series: str, year: int, sequence: int) -> str:
    return f"{PREFIXES[NumberSeries(series)]}{year}-{sequence:05d}"


def invoice_numbers_take(*, series: str, year: int, count: int) -> list[int]:
    """The next ``count`` sequence numbers of ``series`` in ``year``; the counter row stays locked."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Numbers are taken inside the finalising transaction only.")
    if count <= 0:
        return []
    # Make the row if this is the year's first number; a concurrent insert waits, then does nothing.
    InvoiceCounter.objects.bulk_create([InvoiceCounter(series=series, year=year)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(series=series, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return list(range(first, first + count))
