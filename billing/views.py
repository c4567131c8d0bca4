"""The public pay link printed on invoices: ``/pay/<invoice>/<token>/`` (the token is an HMAC of the id).

Visiting it hands out a live Stripe Checkout Session for what is still owed,
renewing an expired one, and redirects there (303). Stripe's success and
cancel pages come back here. Without Stripe, or when nothing is owed, it says
so and shows the bank details.
"""

import logging

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from backend.core.exceptions import ApplicationError
from billing.models import InvoiceKind, InvoiceStatus, Receivable
from billing.payments.stripe_adapter import StripeFailure
from billing.pdf.formatting import money as format_money
from billing.selectors.documents import seller
from billing.services.checkout import checkout_session_live, online_payment_enabled, pay_token_valid

logger = logging.getLogger(__name__)

TEXT = {
    "nl": {
        "title": "Factuur betalen",
        "paid_title": "Betaald",
        "paid": "Deze factuur is betaald. Dank u wel.",
        "thanks": "Dank u wel. Uw betaling wordt verwerkt; de factuur staat op betaald zodra wij die ontvangen.",
        "cancelled": "De betaling is afgebroken. U kunt het opnieuw proberen of het bedrag overmaken.",
        "bank": "Online betalen is niet beschikbaar. Maak het bedrag over op onderstaande rekening.",
        "unavailable": "Online betalen lukt nu niet. Probeer het later opnieuw of maak het bedrag over.",
        "invoice": "Factuur",
        "outstanding": "Openstaand",
        "name": "Ten name van",
        "reference": "Omschrijving",
        "pay_now": "Opnieuw online betalen",
    },
    "en": {
        "title": "Pay invoice",
        "paid_title": "Paid",
        "paid": "This invoice is paid. Thank you.",
        "thanks": "Thank you. Your payment is being processed; the invoice shows paid once we receive it.",
        "cancelled": "The payment was cancelled. You can try again or pay by bank transfer.",
        "bank": "Online payment is not available. Please pay by bank transfer to the account below.",
        "unavailable": "Online payment is not available right now. Please try later or pay by bank transfer.",
        "invoice": "Invoice",
        "outstanding": "Outstanding",
        "name": "In the name of",
        "reference": "Reference",
        "pay_now": "Pay online again",
    },
}


def _page(
    request: HttpRequest, receivable: Receivable, key: str, *, status: int = 200, retry: bool = False, title: str = ""
) -> HttpResponse:
    invoice = receivable.invoice
    language = invoice.language if invoice.language in TEXT else "nl"
    text = TEXT[language]
    outstanding = receivable.outstanding
    context = {
        "language": language,
        "title": text[title or "title"],
        "message": text[key],
        "labels": text,
        "invoice": invoice,
        "outstanding": format_money(outstanding, language),
        "seller": seller(),
        "show_bank": outstanding > 0,
        "retry_url": request.path if retry and online_payment_enabled() and outstanding > 0 else "",
    }
    response = render(request, "billing/pay.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def pay(request: HttpRequest, invoice_id: int, token: str) -> HttpResponse:
    if not pay_token_valid(invoice_id=invoice_id, token=token):
        raise Http404
    receivable = (
        Receivable.objects.select_related("invoice")
        .filter(pk=invoice_id, invoice__kind=InvoiceKind.INVOICE, invoice__status=InvoiceStatus.FINALISED)
        .first()
    )
    if receivable is None:
        raise Http404
    result = request.GET.get("result", "")
    if receivable.outstanding <= 0:
        return _page(request, receivable, "paid", title="paid_title")
    if result == "paid":
        return _page(request, receivable, "thanks")
    if result == "cancelled":
        return _page(request, receivable, "cancelled", retry=True)
    if not online_payment_enabled():
        return _page(request, receivable, "bank")
    try:
        session = checkout_session_live(invoice_id=invoice_id)
    except ApplicationError:
        return _page(request, receivable, "thanks")  # a payment is processing
    except StripeFailure as exc:
        logger.warning("Pay link of invoice %s: Stripe failed: %s", invoice_id, exc)
        return _page(request, receivable, "unavailable", status=503)
    if not session.url:  # a concurrent renewal replaced it meanwhile: the next visit gets the new one
        return _page(request, receivable, "unavailable", status=503, retry=True)
    return HttpResponseRedirect(session.url, status=303)
