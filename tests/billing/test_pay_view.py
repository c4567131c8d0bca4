"""The public pay page (billing/views.py: pay, ``GET /pay/<invoice>/<token>/``): every branch, its status
code and what the visitor reads, in Dutch and English; it never tells about another invoice."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from billing.models import CheckoutSession, CheckoutStatus, Invoice
from billing.services.checkout import checkout_session_live, checkout_status_advance, pay_link, pay_token
from billing.services.invoices import credit_note_create, invoice_create, invoice_line_add
from billing.services.payments import payment_record
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe
from tests.conftest import World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
IBAN = "NL91ABNA0417164300"
SESSION_URL = "https://checkout.stripe.com/c/pay/cs_test_secondo0001"

NL = {
    "title": "<h1>Factuur betalen</h1>",
    "paid_title": "<h1>Betaald</h1>",
    "paid": "Deze factuur is betaald. Dank u wel.",
    "thanks": "Dank u wel. Uw betaling wordt verwerkt; de factuur staat op betaald zodra wij die ontvangen.",
    "cancelled": "De betaling is afgebroken. U kunt het opnieuw proberen of het bedrag overmaken.",
    "bank": "Online betalen is niet beschikbaar. Maak het bedrag over op onderstaande rekening.",
    "unavailable": "Online betalen lukt nu niet. Probeer het later opnieuw of maak het bedrag over.",
    "pay_now": "Opnieuw online betalen",
}
EN = {
    "title": "<h1>Pay invoice</h1>",
    "paid_title": "<h1>Paid</h1>",
    "paid": "This invoice is paid. Thank you.",
    "thanks": "Thank you. Your payment is being processed; the invoice shows paid once we receive it.",
    "cancelled": "The payment was cancelled. You can try again or pay by bank transfer.",
    "bank": "Online payment is not available. Please pay by bank transfer to the account below.",
    "unavailable": "Online payment is not available right now. Please try later or pay by bank transfer.",
    "pay_now": "Pay online again",
}


def path_of(invoice: Invoice, token: str | None = None) -> str:
    return reverse("pay", kwargs={"invoice_id": invoice.pk, "token": token or pay_token(invoice_id=invoice.pk)})


def visit(client: HttpClient, invoice: Invoice, query: str = "", token: str | None = None) -> Any:
    return client.get(path_of(invoice, token) + query)


def html(response: Any) -> str:
    return str(response.content.decode())


def bank_details(invoice: Invoice, outstanding: str, language: str = "nl") -> str:
    if language == "en":
        return (
            f"<dt>Invoice</dt><dd>{invoice.number}</dd>\n    <dt>Outstanding</dt><dd>{outstanding}</dd>\n    \n"
            f"    <dt>IBAN</dt><dd>{IBAN}</dd>\n    <dt>In the name of</dt><dd>Secretariaat Centraal</dd>\n"
            f"    <dt>Reference</dt><dd>{invoice.number}</dd>"
        )
    return (
        f"<dt>Factuur</dt><dd>{invoice.number}</dd>\n    <dt>Openstaand</dt><dd>{outstanding}</dd>\n    \n"
        f"    <dt>IBAN</dt><dd>{IBAN}</dd>\n    <dt>Ten name van</dt><dd>Secretariaat Centraal</dd>\n"
        f"    <dt>Omschrijving</dt><dd>{invoice.number}</dd>"
    )


def english(world: World, **kwargs: Any) -> Invoice:
    return finalised(world, client=ClientFactory(legal_name="Globex Ltd", invoice_language="en"), **kwargs)


def counts() -> tuple[int, list[tuple[int, str]]]:
    return CheckoutSession.objects.count(), list(CheckoutSession.objects.values_list("attempt", "status"))


# ---------------------------------------------------------------------------
# Not found.


def test_a_bad_token_is_not_found_and_asks_stripe_nothing(
    world: World, fake_stripe: FakeStripe, client: HttpClient
) -> None:
    invoice = finalised(world)
    other = finalised(world)
    good = pay_token(invoice_id=invoice.pk)

    for token in ("x", good[:-1] + ("A" if good[-1] != "A" else "B"), good.upper(), pay_token(invoice_id=other.pk)):
        response = visit(client, invoice, token=token)
        assert response.status_code == 404, token
        assert SESSION_URL not in html(response)

    assert fake_stripe.requests == []
    assert counts() == (0, [])


def test_a_token_does_not_open_another_invoice(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    mine = finalised(world)
    theirs = finalised(world, client=world.other_client)

    response = client.get(f"/pay/{theirs.pk}/{pay_token(invoice_id=mine.pk)}/")

    assert response.status_code == 404
    assert fake_stripe.requests == []


def test_an_unknown_invoice_is_not_found(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    response = client.get(f"/pay/999999/{pay_token(invoice_id=999999)}/")

    assert response.status_code == 404
    assert fake_stripe.requests == []


def test_drafts_internal_statements_and_credit_notes_are_not_found(
    world: World, fake_stripe: FakeStripe, client: HttpClient
) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Training", quantity=Decimal(1), unit_price=Decimal(100)
    )
    statement = finalised(world, client=ClientFactory(internal=True))
    note = credit_note_create(invoice=finalised(world), actor=world.finance, reason="Wrong client.", email=False)

    for invoice in (draft, statement, note):
        assert visit(client, invoice).status_code == 404
        assert visit(client, invoice, "?result=paid").status_code == 404

    assert fake_stripe.requests == []
    assert counts() == (0, [])


def test_only_get_is_answered(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)

    assert client.post(path_of(invoice)).status_code == 405
    assert client.put(path_of(invoice)).status_code == 405
    assert fake_stripe.requests == []


# ---------------------------------------------------------------------------
# To Stripe.


def test_the_visitor_is_sent_to_the_live_session(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)

    response = visit(client, invoice)

    assert response.status_code == 303
    assert response["Location"] == SESSION_URL
    row = CheckoutSession.objects.get()
    assert (row.invoice_id, row.status, row.url) == (invoice.pk, CheckoutStatus.OPEN, SESSION_URL)
    assert [r.path for r in fake_stripe.requests] == ["/v1/checkout/sessions"]
    assert "no-store" in response["Cache-Control"]  # never a cached redirect to an old session


def test_a_second_visit_is_sent_to_the_same_session(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)
    visit(client, invoice)

    response = visit(client, invoice)

    assert (response.status_code, response["Location"]) == (303, SESSION_URL)
    assert len(fake_stripe.requests) == 1
    assert counts() == (1, [(1, CheckoutStatus.OPEN)])


def test_the_session_opened_at_finalisation_is_the_one_visited(
    world: World, fake_stripe: FakeStripe, client: HttpClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = finalised(world)

    response = visit(client, invoice)

    assert (response.status_code, response["Location"]) == (303, CheckoutSession.objects.get().url)
    assert len(fake_stripe.requests) == 1


def test_an_expired_session_is_renewed_on_a_visit(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)
    visit(client, invoice)

    with time_machine.travel(datetime.datetime(2026, 6, 16, 7, 0, tzinfo=datetime.UTC), tick=False):
        response = visit(client, invoice)

    assert (response.status_code, response["Location"]) == (303, SESSION_URL.replace("0001", "0002"))
    assert counts() == (2, [(1, CheckoutStatus.EXPIRED), (2, CheckoutStatus.OPEN)])


def test_after_a_partial_payment_the_visitor_pays_the_rest(
    world: World, fake_stripe: FakeStripe, client: HttpClient
) -> None:
    invoice = finalised(world)
    visit(client, invoice)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="bank")

    response = visit(client, invoice)

    assert (response.status_code, response["Location"]) == (303, SESSION_URL.replace("0001", "0002"))
    assert fake_stripe.requests[-1].params["line_items[0][price_data][unit_amount]"] == "10000"


# ---------------------------------------------------------------------------
# The pages.


def test_nothing_owed_shows_the_paid_page(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="bank")

    for query in ("", "?result=paid", "?result=cancelled"):
        response = visit(client, invoice, query)
        page = html(response)
        assert response.status_code == 200
        assert NL["paid_title"] in page
        assert f"<p>{NL['paid']}</p>" in page
        assert "<dt>Openstaand</dt><dd>€ 0,00</dd>" in page
        assert IBAN not in page  # nothing to transfer
        assert NL["pay_now"] not in page

    assert fake_stripe.requests == []
    assert counts() == (0, [])


def test_coming_back_paid_shows_thanks(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)

    response = visit(client, invoice, "?result=paid")

    page = html(response)
    assert response.status_code == 200
    assert (NL["title"] in page, f"<p>{NL['thanks']}</p>" in page) == (True, True)
    assert NL["pay_now"] not in page
    assert fake_stripe.requests == []


def test_coming_back_cancelled_offers_to_try_again(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)

    response = visit(client, invoice, "?result=cancelled")

    page = html(response)
    assert response.status_code == 200
    assert f"<p>{NL['cancelled']}</p>" in page
    assert f'<a class="button" href="{path_of(invoice)}">{NL["pay_now"]}</a>' in page
    assert bank_details(invoice, "€ 121,00") in page
    assert fake_stripe.requests == []
    assert response["Referrer-Policy"] == "no-referrer"  # the token is not passed on
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in page
    # Following the link goes to Stripe again.
    assert visit(client, invoice).status_code == 303


def test_with_stripe_off_the_bank_details_are_shown(world: World, client: HttpClient) -> None:
    invoice = finalised(world)

    response = visit(client, invoice)

    page = html(response)
    assert response.status_code == 200
    assert NL["title"] in page
    assert f"<p>{NL['bank']}</p>" in page
    assert bank_details(invoice, "€ 121,00") in page
    assert NL["pay_now"] not in page
    assert counts() == (0, [])


def test_with_stripe_off_a_cancelled_payment_offers_no_retry(world: World, client: HttpClient) -> None:
    invoice = finalised(world)

    page = html(visit(client, invoice, "?result=cancelled"))

    assert f"<p>{NL['cancelled']}</p>" in page
    assert NL["pay_now"] not in page
    assert "button" not in page.split("</style>")[1]


def test_stripe_failing_gives_503_with_the_bank_details(
    world: World, fake_stripe: FakeStripe, client: HttpClient
) -> None:
    invoice = finalised(world)
    fake_stripe.fail_next(500, times=4)

    response = visit(client, invoice)

    page = html(response)
    assert response.status_code == 503
    assert f"<p>{NL['unavailable']}</p>" in page
    assert bank_details(invoice, "€ 121,00") in page
    assert counts() == (1, [(1, CheckoutStatus.CREATING)])
    # The next visit asks Stripe again under the same key.
    assert (visit(client, invoice).status_code, len(fake_stripe.requests)) == (303, 5)
    assert {r.idempotency_key for r in fake_stripe.requests} == {f"secondo-invoice-{invoice.pk}-checkout-1"}


def test_a_payment_processing_shows_thanks(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = finalised(world)
    row = checkout_session_live(invoice_id=invoice.pk)
    checkout_status_advance(checkout=row, status=CheckoutStatus.PROCESSING)

    response = visit(client, invoice)

    assert response.status_code == 200
    assert f"<p>{NL['thanks']}</p>" in html(response)
    assert len(fake_stripe.requests) == 1
    assert counts() == (1, [(1, CheckoutStatus.PROCESSING)])


# ---------------------------------------------------------------------------
# Languages.


def test_an_english_invoice_gets_english_pages(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    invoice = english(world)

    cancelled = html(visit(client, invoice, "?result=cancelled"))
    assert '<html lang="en">' in cancelled
    assert "<title>Pay invoice · Secretariaat Centraal</title>" in cancelled
    assert EN["title"] in cancelled and f"<p>{EN['cancelled']}</p>" in cancelled
    assert f'<a class="button" href="{path_of(invoice)}">{EN["pay_now"]}</a>' in cancelled
    assert bank_details(invoice, "€121.00", "en") in cancelled
    assert f"<p>{EN['thanks']}</p>" in html(visit(client, invoice, "?result=paid"))

    fake_stripe.fail_next(500, times=4)
    assert f"<p>{EN['unavailable']}</p>" in html(visit(client, invoice))

    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="bank")
    paid = html(visit(client, invoice))
    assert (EN["paid_title"] in paid, f"<p>{EN['paid']}</p>" in paid) == (True, True)
    for text in NL.values():
        assert text not in cancelled + paid


def test_an_english_invoice_without_stripe_gets_the_english_bank_page(world: World, client: HttpClient) -> None:
    invoice = english(world)

    page = html(visit(client, invoice))

    assert f"<p>{EN['bank']}</p>" in page
    assert bank_details(invoice, "€121.00", "en") in page


def test_a_dutch_invoice_gets_dutch_pages(world: World, client: HttpClient) -> None:
    invoice = finalised(world)

    page = html(visit(client, invoice, "?result=cancelled"))

    assert '<html lang="nl">' in page
    assert "<title>Factuur betalen · Secretariaat Centraal</title>" in page
    for text in EN.values():
        assert text not in page


# ---------------------------------------------------------------------------
# Privacy.


def test_the_page_never_shows_other_invoices(world: World, fake_stripe: FakeStripe, client: HttpClient) -> None:
    mine = finalised(world)
    theirs = finalised(world, client=world.other_client, amount="777.00")
    other_session = checkout_session_live(invoice_id=theirs.pk)

    pages = [html(visit(client, mine, query)) for query in ("?result=paid", "?result=cancelled")]
    redirect = visit(client, mine)

    for page in pages:
        assert mine.number in page
        assert theirs.number not in page
        assert "940,17" not in page  # their total
        assert world.other_client.legal_name not in page
        assert other_session.url not in page
    assert redirect["Location"] != other_session.url
    assert redirect["Location"] == CheckoutSession.objects.get(invoice=mine).url


def test_the_link_on_the_invoice_opens_the_page(
    world: World, fake_stripe: FakeStripe, client: HttpClient, settings: Any
) -> None:
    settings.SITE_URL = "https://secondo.example"
    invoice = finalised(world)

    link = pay_link(invoice=invoice)

    assert link.startswith("https://secondo.example/pay/")
    response = client.get(link.removeprefix("https://secondo.example"))
    assert (response.status_code, response["Location"]) == (303, SESSION_URL)
    sent = fake_stripe.requests[0].params
    assert (sent["success_url"], sent["cancel_url"]) == (f"{link}?result=paid", f"{link}?result=cancelled")
