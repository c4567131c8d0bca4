"""Stripe Checkout for tenant invoices (billing/services/checkout.py): a session opened after finalising,
its idempotency key stored before Stripe is called and reused on retry, renewed when it expired or the
amount owed changed, refused when nothing is owed or a payment is processing; and the pay link on the
invoice PDF and in its e-mail (billing/services/delivery.py)."""

import datetime
import io
import logging
import re
from decimal import Decimal
from typing import Any, cast

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.db import connection
from pypdf import PdfReader
from rest_framework.test import APIClient

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import CheckoutSession, CheckoutStatus, Invoice, InvoiceStatus, Receivable
from billing.payments.stripe_adapter import StripeFailure
from billing.services import checkout, delivery
from billing.services.checkout import (
    checkout_session_live,
    checkout_status_advance,
    invoices_checkout_open,
    pay_link,
    pay_token,
    pay_token_valid,
)
from billing.services.invoices import credit_note_create, invoice_create, invoice_line_add
from billing.services.payments import payment_record
from billing.tasks import invoices_checkout_open_task
from secondments.models import Client
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe
from tests.conftest import World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TODAY = datetime.date(2026, 6, 15)
NOW = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
EXPIRES = datetime.datetime(2026, 6, 16, 7, 0, tzinfo=UTC)  # NOW + 23 h
SESSIONS = "/v1/checkout/sessions"


def key(invoice: Invoice, attempt: int) -> str:
    return f"secondo-invoice-{invoice.pk}-checkout-{attempt}"


def rows(invoice: Invoice | None = None) -> list[tuple[Any, ...]]:
    found = CheckoutSession.objects.order_by("invoice_id", "attempt")
    if invoice is not None:
        found = found.filter(invoice=invoice)
    return list(found.values_list("attempt", "idempotency_key", "amount", "status", "stripe_id"))


def opened(world: World, capture: Any, **kwargs: Any) -> Invoice:
    """A finalised invoice with its after-commit work (PDF, Checkout Session) done."""
    with capture(execute=True):
        invoice = finalised(world, **kwargs)
    return invoice


def english_client() -> Client:
    return cast(Client, ClientFactory(legal_name="Globex Ltd", invoice_language="en"))


def state() -> dict[str, Any]:
    return {
        "checkouts": list(CheckoutSession.objects.order_by("pk").values()),
        "receivables": list(Receivable.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


# ---------------------------------------------------------------------------
# Opening after finalisation.


def test_finalising_a_tenant_invoice_opens_one_session_after_commit(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://secondo.example/"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = finalised(world)
        assert fake_stripe.requests == []  # not before commit
        assert CheckoutSession.objects.count() == 0

    assert len(callbacks) == 2  # delivery, then the Checkout Session
    [sent] = fake_stripe.requests
    assert (sent.method, sent.path, sent.idempotency_key) == ("post", SESSIONS, key(invoice, 1))
    link = f"https://secondo.example/pay/{invoice.pk}/{pay_token(invoice_id=invoice.pk)}/"
    assert sent.params == {
        "mode": "payment",
        "payment_method_types[0]": "ideal",
        "payment_method_types[1]": "card",
        "payment_method_types[2]": "sepa_debit",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "12100",
        "line_items[0][price_data][product_data][name]": "Factuur 2026-00001, Secretariaat Centraal",
        "metadata[invoice_id]": str(invoice.pk),
        "metadata[invoice_number]": "2026-00001",
        "metadata[attempt]": "1",
        "payment_intent_data[metadata][invoice_id]": str(invoice.pk),
        "payment_intent_data[metadata][invoice_number]": "2026-00001",
        "payment_intent_data[metadata][attempt]": "1",
        "payment_intent_data[description]": "Factuur 2026-00001, Secretariaat Centraal",
        "client_reference_id": str(invoice.pk),
        "customer_email": world.client.billing_email,
        "locale": "nl",
        "success_url": f"{link}?result=paid",
        "cancel_url": f"{link}?result=cancelled",
        "expires_at": str(int(EXPIRES.timestamp())),
    }
    row = CheckoutSession.objects.get()
    assert (row.invoice_id, row.attempt, row.idempotency_key, row.amount, row.status) == (
        invoice.pk,
        1,
        key(invoice, 1),
        Decimal("121.00"),
        CheckoutStatus.OPEN,
    )
    assert (row.stripe_id, row.url, row.expires_at, row.created_at) == (
        "cs_test_secondo0001",
        "https://checkout.stripe.com/c/pay/cs_test_secondo0001",
        EXPIRES,
        NOW,
    )


def test_an_english_invoice_asks_for_an_english_checkout(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks, client=english_client())

    [sent] = fake_stripe.requests
    assert (sent.params["locale"], sent.params["line_items[0][price_data][product_data][name]"]) == (
        "en",
        f"Invoice {invoice.number}, Secretariaat Centraal",
    )


def test_finalising_several_opens_one_session_each(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    first = opened(world, django_capture_on_commit_callbacks)
    second = opened(world, django_capture_on_commit_callbacks, amount="1020.30")  # 1234.56 with VAT

    assert [(r.idempotency_key, r.params["line_items[0][price_data][unit_amount]"]) for r in fake_stripe.requests] == [
        (key(first, 1), "12100"),
        (key(second, 1), "123456"),
    ]
    assert [(r[0], r[2], r[3]) for r in rows()] == [
        (1, Decimal("121.00"), CheckoutStatus.OPEN),
        (1, Decimal("1234.56"), CheckoutStatus.OPEN),
    ]


def test_internal_statements_and_credit_notes_get_no_session(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    department = ClientFactory(internal=True)
    statement = opened(world, django_capture_on_commit_callbacks, client=department)
    assert (fake_stripe.requests, rows(), pay_link(invoice=statement)) == ([], [], "")

    invoice = opened(world, django_capture_on_commit_callbacks)
    assert len(fake_stripe.requests) == 1
    with django_capture_on_commit_callbacks(execute=True):
        note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong client.", email=False)

    # Nothing for the credit note; the original's session for the old amount is expired.
    [(_, _, _, _, session_id)] = rows(invoice)
    assert [(r.method, r.path) for r in fake_stripe.requests[1:]] == [
        ("post", f"/v1/checkout/sessions/{session_id}/expire")
    ]
    assert rows(note) == []
    assert pay_link(invoice=note) == ""
    assert invoices_checkout_open(invoice_ids=[statement.pk, note.pk]) == 0
    with pytest.raises(ApplicationError, match=re.escape("Only a finalised tenant invoice is paid online.")):
        checkout_session_live(invoice_id=statement.pk)
    with pytest.raises(ApplicationError, match=re.escape("Only a finalised tenant invoice is paid online.")):
        checkout_session_live(invoice_id=note.pk)
    assert len(fake_stripe.requests) == 2


def test_a_draft_is_not_paid_online(world: World, fake_stripe: FakeStripe) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Training", quantity=Decimal(1), unit_price=Decimal(100)
    )

    with pytest.raises(ApplicationError, match=re.escape("Only a finalised tenant invoice is paid online.")):
        checkout_session_live(invoice_id=draft.pk)
    assert invoices_checkout_open(invoice_ids=[draft.pk]) == 0
    assert (fake_stripe.requests, rows()) == ([], [])


def test_with_stripe_off_finalising_works_and_asks_nothing(
    world: World, fake_stripe: FakeStripe, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STRIPE_SECRET_KEY = ""

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = finalised(world)

    assert len(callbacks) == 1  # delivery only
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.status, stored.number, len(stored.pdf_sha256)) == (InvoiceStatus.FINALISED, "2026-00001", 64)
    assert (fake_stripe.requests, rows(), pay_link(invoice=stored)) == ([], [], "")
    assert invoices_checkout_open(invoice_ids=[invoice.pk]) == 0
    assert invoices_checkout_open_task.delay(invoice_ids=[invoice.pk]).get() == 0
    assert fake_stripe.requests == []


# ---------------------------------------------------------------------------
# The idempotency key: stored first, the same on retry.


def test_the_key_is_stored_before_stripe_is_called_and_outside_a_transaction(
    world: World, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = finalised(world)
    seen: list[tuple[Any, ...]] = []
    answer = fake_stripe.request

    def spying(method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any) -> Any:
        open_blocks = [b for b in connection.atomic_blocks if not getattr(b, "_from_testcase", False)]
        seen.append((rows(invoice), len(open_blocks)))
        return answer(method, url, headers, post_data, **kwargs)

    monkeypatch.setattr(fake_stripe, "request", spying)

    checkout_session_live(invoice_id=invoice.pk)

    assert seen == [([(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.CREATING, "")], 0)]


def test_a_retried_task_asks_stripe_again_under_the_same_key(
    world: World, fake_stripe: FakeStripe, caplog: pytest.LogCaptureFixture
) -> None:
    invoice = finalised(world)
    fake_stripe.fail_next(500, times=4)

    # As a worker runs it (not eagerly): the failure is raised for Celery to retry.
    with pytest.raises(StripeFailure, match=re.escape("Fake Stripe answered 500.")):
        invoices_checkout_open_task(invoice_ids=[invoice.pk])

    assert rows() == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.CREATING, "")]
    assert fake_stripe.sessions == {}
    assert caplog.messages == [f"Stripe Checkout for invoice {invoice.pk} failed: Fake Stripe answered 500."]

    assert invoices_checkout_open_task(invoice_ids=[invoice.pk]) == 1

    posts = fake_stripe.posts(SESSIONS)
    assert len(posts) == 5  # 1 + 3 retries, then the retried task's one
    assert {p.idempotency_key for p in posts} == {key(invoice, 1)}
    assert rows() == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.OPEN, "cs_test_secondo0001")]
    assert list(fake_stripe.sessions) == ["cs_test_secondo0001"]
    assert AuditEvent.objects.filter(action="checkout.create").count() == 1


def test_a_lost_answer_gives_the_same_session_on_retry(
    world: World, fake_stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe made the session but its answer never came: the retry gets that session, not a second."""
    invoice = finalised(world)
    answer = fake_stripe.request
    calls: list[str] = []

    def lost(method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any) -> Any:
        body, status, rheaders = answer(method, url, headers, post_data, **kwargs)
        calls.append(url)
        if len(calls) <= 4:
            return body, 502, rheaders  # made, but the answer was a 502
        return body, status, rheaders

    monkeypatch.setattr(fake_stripe, "request", lost)
    with pytest.raises(StripeFailure):
        invoices_checkout_open(invoice_ids=[invoice.pk])
    assert list(fake_stripe.sessions) == ["cs_test_secondo0001"]

    assert invoices_checkout_open(invoice_ids=[invoice.pk]) == 1

    assert list(fake_stripe.sessions) == ["cs_test_secondo0001"]
    assert rows() == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.OPEN, "cs_test_secondo0001")]


def test_an_eager_task_logs_a_failure_and_returns_0(
    world: World, fake_stripe: FakeStripe, caplog: pytest.LogCaptureFixture
) -> None:
    invoice = finalised(world)
    fake_stripe.fail_next(500, times=4)

    with caplog.at_level(logging.WARNING, logger="billing.tasks"):
        assert invoices_checkout_open_task.delay(invoice_ids=[invoice.pk]).get() == 0

    assert "Stripe Checkout not opened now (Fake Stripe answered 500.); the pay link opens it on demand." in (
        caplog.messages
    )
    assert rows() == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.CREATING, "")]


def test_finalising_with_stripe_down_still_finalises(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    fake_stripe.fail_next(503, times=4)

    with django_capture_on_commit_callbacks(execute=True):
        invoice = finalised(world)

    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.status, len(stored.pdf_sha256)) == (InvoiceStatus.FINALISED, 64)
    assert rows() == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.CREATING, "")]
    assert len(fake_stripe.requests) == 4


def test_finalising_through_the_api_with_stripe_down_answers_200(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Training", quantity=Decimal(1), unit_price=Decimal(100)
    )
    fake_stripe.fail_next(500, times=4)
    finance = APIClient()
    finance.force_authenticate(world.finance)

    with django_capture_on_commit_callbacks(execute=True):
        response = finance.post(f"/api/v1/invoices/{draft.pk}/finalize/", {}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["number"]) == ("finalised", "2026-00001")
    assert rows() == [(1, key(draft, 1), Decimal("121.00"), CheckoutStatus.CREATING, "")]
    # The pay link then opens it on demand, under the stored key.
    assert checkout_session_live(invoice_id=draft.pk).status == CheckoutStatus.OPEN
    assert {r.idempotency_key for r in fake_stripe.requests} == {key(draft, 1)}


def test_one_failing_invoice_does_not_stop_the_others(world: World, fake_stripe: FakeStripe) -> None:
    first, second = finalised(world), finalised(world)
    fake_stripe.fail_next(500, times=4)  # the first invoice's call and its retries

    with pytest.raises(StripeFailure):
        invoices_checkout_open(invoice_ids=[second.pk, first.pk])

    assert [(r[1], r[3]) for r in rows()] == [
        (key(first, 1), CheckoutStatus.CREATING),
        (key(second, 1), CheckoutStatus.OPEN),
    ]
    assert invoices_checkout_open(invoice_ids=[first.pk, second.pk]) == 2
    assert [r[3] for r in rows()] == [CheckoutStatus.OPEN, CheckoutStatus.OPEN]
    assert len(fake_stripe.posts(SESSIONS)) == 6  # 4 + 1 + the first's retry; the second's is reused


def test_a_row_too_old_to_retry_under_its_key_is_replaced(world: World, fake_stripe: FakeStripe) -> None:
    """A session's expiry is fixed when its row is made (Stripe wants the same request for the same key);
    a day later that expiry is past, and Stripe would refuse it: a new attempt is made instead."""
    invoice = finalised(world)
    fake_stripe.fail_next(500, times=4)
    with pytest.raises(StripeFailure):
        checkout_session_live(invoice_id=invoice.pk)

    later = NOW + datetime.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        row = checkout_session_live(invoice_id=invoice.pk)

    sent = fake_stripe.requests[-1]
    assert (sent.idempotency_key, sent.params["expires_at"]) == (
        key(invoice, 2),
        str(int((later + datetime.timedelta(hours=23)).timestamp())),
    )
    assert (row.attempt, row.status, row.expires_at) == (2, CheckoutStatus.OPEN, later + datetime.timedelta(hours=23))
    assert [r[3] for r in rows()] == [CheckoutStatus.EXPIRED, CheckoutStatus.OPEN]


def test_a_row_young_enough_is_retried_under_its_key(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    fake_stripe.fail_next(500, times=4)
    with pytest.raises(StripeFailure):
        checkout_session_live(invoice_id=invoice.pk)

    with time_machine.travel(NOW + datetime.timedelta(hours=22), tick=False):
        row = checkout_session_live(invoice_id=invoice.pk)

    assert (row.attempt, row.expires_at) == (1, EXPIRES)
    assert fake_stripe.requests[-1].params["expires_at"] == str(int(EXPIRES.timestamp()))
    assert {r.idempotency_key for r in fake_stripe.requests} == {key(invoice, 1)}


# ---------------------------------------------------------------------------
# Reuse and renewal.


def test_an_open_session_is_reused(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    before = state()

    again = checkout_session_live(invoice_id=invoice.pk)

    assert (again.stripe_id, again.attempt) == ("cs_test_secondo0001", 1)
    assert invoices_checkout_open(invoice_ids=[invoice.pk]) == 1  # a retried task: nothing new
    assert len(fake_stripe.requests) == 1
    assert state() == before


def test_an_expired_session_is_renewed_with_a_new_attempt_and_key(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)

    with time_machine.travel(EXPIRES, tick=False):
        row = checkout_session_live(invoice_id=invoice.pk)

    assert [(r.method, r.path) for r in fake_stripe.requests[1:]] == [
        ("post", f"{SESSIONS}/cs_test_secondo0001/expire"),
        ("post", SESSIONS),
    ]
    assert fake_stripe.requests[-1].idempotency_key == key(invoice, 2)
    assert fake_stripe.requests[-1].params["metadata[attempt]"] == "2"
    assert (row.attempt, row.stripe_id, row.expires_at) == (
        2,
        "cs_test_secondo0002",
        EXPIRES + datetime.timedelta(hours=23),
    )
    assert rows() == [
        (1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.EXPIRED, "cs_test_secondo0001"),
        (2, key(invoice, 2), Decimal("121.00"), CheckoutStatus.OPEN, "cs_test_secondo0002"),
    ]


@pytest.mark.parametrize(("minutes_left", "renewed"), [(11, False), (10, True), (9, True)])
def test_a_session_about_to_expire_is_renewed(
    world: World,
    fake_stripe: FakeStripe,
    django_capture_on_commit_callbacks: Any,
    minutes_left: int,
    renewed: bool,
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)

    with time_machine.travel(EXPIRES - datetime.timedelta(minutes=minutes_left), tick=False):
        row = checkout_session_live(invoice_id=invoice.pk)

    assert row.attempt == (2 if renewed else 1)
    assert len(fake_stripe.requests) == (3 if renewed else 1)


def test_a_session_stripe_expired_already_is_renewed(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    CheckoutSession.objects.filter(invoice=invoice).update(expires_at=NOW - datetime.timedelta(minutes=1))
    fake_stripe.sessions["cs_test_secondo0001"]["status"] = "expired"

    row = checkout_session_live(invoice_id=invoice.pk)

    assert (row.attempt, row.status) == (2, CheckoutStatus.OPEN)
    assert [r.path for r in fake_stripe.requests[1:]] == [f"{SESSIONS}/cs_test_secondo0001/expire", SESSIONS]


def test_after_a_partial_bank_payment_a_session_for_the_rest_replaces_the_open_one(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="NL12 bank")

    row = checkout_session_live(invoice_id=invoice.pk)

    expire, create = fake_stripe.requests[1:]
    assert (expire.method, expire.path) == ("post", f"{SESSIONS}/cs_test_secondo0001/expire")
    assert (create.path, create.idempotency_key, create.params["line_items[0][price_data][unit_amount]"]) == (
        SESSIONS,
        key(invoice, 2),
        "10000",
    )
    assert fake_stripe.sessions["cs_test_secondo0001"]["status"] == "expired"
    assert (row.attempt, row.amount, row.status) == (2, Decimal("100.00"), CheckoutStatus.OPEN)
    assert rows() == [
        (1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.EXPIRED, "cs_test_secondo0001"),
        (2, key(invoice, 2), Decimal("100.00"), CheckoutStatus.OPEN, "cs_test_secondo0002"),
    ]


def test_a_partial_credit_note_renews_the_session_for_the_lower_amount(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    from billing.services.invoices import CreditRequest

    invoice = opened(world, django_capture_on_commit_callbacks, amount="50.00")  # 60.50
    line = invoice.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        credit_note_create(
            invoice=invoice,
            actor=world.finance,
            reason="Half a training.",
            lines=[CreditRequest(line=line, quantity=Decimal("0.50"))],
            email=False,
        )

    row = checkout_session_live(invoice_id=invoice.pk)

    assert (row.attempt, row.amount) == (2, Decimal("30.25"))
    assert fake_stripe.requests[-1].params["line_items[0][price_data][unit_amount]"] == "3025"


def test_a_failed_expire_is_done_again_on_retry(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    """The old session is expired at Stripe before the new one is asked for; if Stripe is down then,
    the retry expires it still, so the old amount cannot be paid."""
    invoice = opened(world, django_capture_on_commit_callbacks)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="bank")
    fake_stripe.fail_next(500, times=4)

    with pytest.raises(StripeFailure):
        checkout_session_live(invoice_id=invoice.pk)
    assert fake_stripe.sessions["cs_test_secondo0001"]["status"] == "open"
    assert [r[3] for r in rows()] == [CheckoutStatus.EXPIRED, CheckoutStatus.CREATING]

    row = checkout_session_live(invoice_id=invoice.pk)

    assert fake_stripe.sessions["cs_test_secondo0001"]["status"] == "expired"
    assert [r.path for r in fake_stripe.requests[-2:]] == [f"{SESSIONS}/cs_test_secondo0001/expire", SESSIONS]
    assert fake_stripe.requests[-1].idempotency_key == key(invoice, 2)
    assert (row.attempt, row.amount, row.status) == (2, Decimal("100.00"), CheckoutStatus.OPEN)


# ---------------------------------------------------------------------------
# Refused.


def test_nothing_owed_is_refused_without_asking_stripe(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="bank")
    before = state()

    with pytest.raises(ApplicationError) as refused:
        checkout_session_live(invoice_id=invoice.pk)

    assert (refused.value.message, refused.value.fields) == ("Nothing is owed on this invoice.", {"invoice": ["Paid."]})
    assert invoices_checkout_open(invoice_ids=[invoice.pk]) == 0
    assert len(fake_stripe.requests) == 1
    assert state() == before


def test_a_processing_payment_is_not_paid_twice(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    row = CheckoutSession.objects.get()
    assert checkout_status_advance(checkout=row, status=CheckoutStatus.PROCESSING) is True
    before = state()

    with pytest.raises(ApplicationError) as refused:
        checkout_session_live(invoice_id=invoice.pk)

    assert refused.value.fields == {"invoice": ["Payment processing."]}
    with time_machine.travel(EXPIRES + datetime.timedelta(days=1), tick=False):  # even once it would have expired
        with pytest.raises(ApplicationError):
            checkout_session_live(invoice_id=invoice.pk)
    assert invoices_checkout_open(invoice_ids=[invoice.pk]) == 0
    assert len(fake_stripe.requests) == 1
    assert state() == before


def test_a_replaced_session_that_is_processing_blocks_a_new_one(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    """The customer completed the first session by SEPA Direct Debit while a partial bank payment made
    a second: the debit is processing, so no third session is handed out."""
    invoice = opened(world, django_capture_on_commit_callbacks)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="bank")
    checkout_session_live(invoice_id=invoice.pk)
    first = CheckoutSession.objects.get(attempt=1)
    assert checkout_status_advance(checkout=first, status=CheckoutStatus.PROCESSING) is True  # EXPIRED -> PROCESSING
    requests = len(fake_stripe.requests)

    with pytest.raises(ApplicationError, match="being processed by the bank"):
        checkout_session_live(invoice_id=invoice.pk)
    assert len(fake_stripe.requests) == requests


# ---------------------------------------------------------------------------
# Status moves and the audit trail.


def test_the_status_only_moves_forward(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    opened(world, django_capture_on_commit_callbacks)
    row = CheckoutSession.objects.get()

    assert checkout_status_advance(checkout=row, status=CheckoutStatus.OPEN) is False  # the same
    assert checkout_status_advance(checkout=row, status=CheckoutStatus.PROCESSING) is True
    assert checkout_status_advance(checkout=row, status=CheckoutStatus.EXPIRED) is False  # backwards
    assert checkout_status_advance(checkout=row, status=CheckoutStatus.PAID) is True
    for later in (CheckoutStatus.FAILED, CheckoutStatus.PROCESSING, CheckoutStatus.EXPIRED, CheckoutStatus.OPEN):
        assert checkout_status_advance(checkout=row, status=later) is False

    assert CheckoutSession.objects.get().status == CheckoutStatus.PAID
    events = AuditEvent.objects.filter(object_type="billing.checkoutsession").order_by("pk")
    assert [(e.action, e.before, e.after) for e in events][-2:] == [
        ("checkout.processing", {"status": "open"}, {"status": "processing"}),
        ("checkout.paid", {"status": "processing"}, {"status": "paid"}),
    ]


def test_creating_and_opening_are_audited(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    with time_machine.travel(EXPIRES, tick=False):
        checkout_session_live(invoice_id=invoice.pk)

    first, second = CheckoutSession.objects.order_by("attempt")
    events = AuditEvent.objects.filter(object_type="billing.checkoutsession").order_by("pk")
    assert [(e.action, e.object_id, e.actor, e.before, e.after) for e in events] == [
        ("checkout.create", str(first.pk), None, None, {"invoice": "2026-00001", "attempt": 1, "amount": "121.00"}),
        (
            "checkout.open",
            str(first.pk),
            None,
            {"status": "creating"},
            {"status": "open", "stripe_id": "cs_test_secondo0001", "expires_at": "2026-06-16T07:00:00+00:00"},
        ),
        ("checkout.expired", str(first.pk), None, {"status": "open"}, {"status": "expired"}),
        ("checkout.create", str(second.pk), None, None, {"invoice": "2026-00001", "attempt": 2, "amount": "121.00"}),
        (
            "checkout.open",
            str(second.pk),
            None,
            {"status": "creating"},
            {"status": "open", "stripe_id": "cs_test_secondo0002", "expires_at": "2026-06-17T06:00:00+00:00"},
        ),
    ]


# ---------------------------------------------------------------------------
# The pay link, on the PDF and in the e-mail.


def test_the_pay_link_is_stable_and_signed(world: World, fake_stripe: FakeStripe, settings: Any) -> None:
    settings.SITE_URL = "https://secondo.example/"
    first, second = finalised(world), finalised(world)

    link = pay_link(invoice=first)

    token = pay_token(invoice_id=first.pk)
    assert link == f"https://secondo.example/pay/{first.pk}/{token}/"
    assert pay_link(invoice=Invoice.objects.get(pk=first.pk)) == link
    assert pay_token_valid(invoice_id=first.pk, token=token) is True
    assert pay_token_valid(invoice_id=second.pk, token=token) is False
    assert pay_link(invoice=second) != link
    assert fake_stripe.requests == []  # a link costs no call


def pdf_text_and_links(invoice: Invoice) -> tuple[str, list[str]]:
    stored = delivery.invoice_pdf_ensure(invoice=invoice)
    assert stored.pdf.name
    reader = PdfReader(io.BytesIO(default_storage.open(stored.pdf.name).read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = [
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    return text, links


def test_the_pdf_carries_the_pay_link_when_stripe_is_on(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    link = pay_link(invoice=invoice)

    text, links = pdf_text_and_links(invoice)

    assert "Betaal online:" in text
    assert link in text.replace("\n", "").replace("Betaal online: ", "")
    assert set(links) == {link}
    assert fake_stripe.requests == []  # rendering needs no session


def test_an_english_pdf_says_pay_online(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world, client=english_client())

    text, links = pdf_text_and_links(invoice)

    assert "Pay online:" in text
    assert set(links) == {pay_link(invoice=invoice)}


def test_the_pdf_has_no_pay_link_when_stripe_is_off(world: World) -> None:
    invoice = finalised(world)

    text, links = pdf_text_and_links(invoice)

    assert "Betaal online" not in text
    assert "/pay/" not in text
    assert links == []
    assert "NL91ABNA0417164300" in text  # the bank details still are


def test_an_internal_statement_pdf_has_no_pay_link(world: World, fake_stripe: FakeStripe) -> None:
    statement = finalised(world, client=ClientFactory(internal=True))

    text, links = pdf_text_and_links(statement)

    assert ("Betaal online" in text, "/pay/" in text, links) == (False, False, [])


def test_the_email_offers_the_pay_link_when_stripe_is_on(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    link = pay_link(invoice=invoice)

    assert delivery.invoice_email_send(invoice_id=invoice.pk) is True

    [message] = mail.outbox
    assert message.body == (
        "Geachte relatie,\n\nBijgaand ontvangt u factuur 2026-00001 van 15-06-2026 voor een bedrag van € 121,00.\n"
        "Gelieve het bedrag vóór 15-07-2026 over te maken op NL91ABNA0417164300 t.n.v. Secretariaat Centraal "
        f"o.v.v. 2026-00001.\nU kunt ook online betalen: {link}\n\nMet vriendelijke groet,\nSecretariaat Centraal\n"
    )


def test_an_english_email_offers_the_pay_link(world: World, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world, client=english_client())

    delivery.invoice_email_send(invoice_id=invoice.pk)

    [message] = mail.outbox
    assert f"quoting 2026-00001.\nOr pay online: {pay_link(invoice=invoice)}\n\nKind regards," in message.body


def test_the_email_has_no_pay_link_when_stripe_is_off(world: World) -> None:
    invoice = finalised(world)

    delivery.invoice_email_send(invoice_id=invoice.pk)

    [message] = mail.outbox
    assert "online" not in message.body
    assert "/pay/" not in message.body
    assert "o.v.v. 2026-00001.\n\nMet vriendelijke groet," in message.body


def test_an_internal_statement_email_has_no_pay_link(world: World, fake_stripe: FakeStripe) -> None:
    statement = finalised(world, client=ClientFactory(internal=True))

    delivery.invoice_email_send(invoice_id=statement.pk)

    [message] = mail.outbox
    assert ("online" in message.body, "/pay/" in message.body) == (False, False)


def test_the_module_constants_fit_stripe() -> None:
    """Stripe allows a session 30 minutes to 24 hours; a retried row is retried well within that."""
    assert datetime.timedelta(minutes=30) < checkout.SESSION_LIFETIME <= datetime.timedelta(hours=24)
    assert checkout.RETRY_WINDOW + checkout.LIVE_MARGIN + datetime.timedelta(minutes=30) == checkout.SESSION_LIFETIME


# ---------------------------------------------------------------------------
# What is owed changes outside Stripe: the open session for the old amount is expired after commit.


def test_a_bank_transfer_expires_the_open_session_for_the_old_amount_after_commit(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    [(_, _, _, _, session_id)] = rows(invoice)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="bank")
    assert fake_stripe.posts(f"/v1/checkout/sessions/{session_id}/expire") == []  # nothing under the lock
    for callback in callbacks:
        callback()

    assert len(fake_stripe.posts(f"/v1/checkout/sessions/{session_id}/expire")) == 1
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    assert rows(invoice) == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.EXPIRED, session_id)]
    # The pay link now opens a session for the 100.00 still owed.
    assert checkout_session_live(invoice_id=invoice.pk).amount == Decimal("100.00")


def test_a_credit_note_expires_the_open_session_after_commit(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    [(_, _, _, _, session_id)] = rows(invoice)

    with django_capture_on_commit_callbacks(execute=True):
        credit_note_create(invoice=invoice, actor=world.finance, reason="Not delivered.", email=False)

    assert fake_stripe.sessions[session_id]["status"] == "expired"
    assert rows(invoice) == [(1, key(invoice, 1), Decimal("121.00"), CheckoutStatus.EXPIRED, session_id)]


def test_a_bank_transfer_with_no_open_session_asks_stripe_nothing(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = finalised(world)  # its after-commit work never ran: no session

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="bank")

    assert (callbacks, fake_stripe.requests) == ([], [])


def test_an_expiry_that_fails_eagerly_is_logged_and_the_payment_stands(
    world: World, fake_stripe: FakeStripe, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    invoice = opened(world, django_capture_on_commit_callbacks)
    fake_stripe.fail_next(500, times=4)

    with django_capture_on_commit_callbacks(execute=True):
        payment_record(invoice=invoice, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="bank")

    assert Receivable.objects.get(pk=invoice.pk).amount_paid == Decimal("21.00")
    assert [r.status for r in CheckoutSession.objects.filter(invoice=invoice)] == [CheckoutStatus.OPEN]
    assert f"Stale Checkout Sessions of invoice {invoice.pk} not expired now" in caplog.text
