"""LIVE, OPTIONAL: a real Checkout Session in Stripe's *test mode*, through the adapter and the SDK's real
HTTP client. It runs only when ``STRIPE_TEST_SECRET_KEY`` (an ``sk_test_...`` key) is set in the
environment, and is skipped otherwise; it refuses a live-mode key. Everything else in the suite uses the
fake in tests/billing/stripe_fakes.py and reaches no network.

It runs on the real clock (Stripe refuses an ``expires_at`` in the past) and under an idempotency key of
its own per run (a test database numbers its invoices from 1 every time, and Stripe keeps keys 24 hours).
"""

import datetime
import os
import uuid
from decimal import Decimal
from typing import Any

import pytest
import stripe
from django.utils import timezone

from billing.payments import stripe_adapter
from billing.payments.stripe_adapter import CheckoutRequest, transport_use
from tests.billing.conftest import finalised
from tests.conftest import World

LIVE_KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "")
SKIPPED = "STRIPE_TEST_SECRET_KEY is not set: the live Stripe test-mode check was skipped"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.real_clock,
    pytest.mark.skipif(not LIVE_KEY, reason=SKIPPED),
]


def test_live_stripe_test_mode_checkout_session(world: World, settings: Any) -> None:
    """LIVE (Stripe test mode): a finalised invoice of 121.00 gets a real, open Checkout Session of 12100
    cents in euros with the invoice's id, number and attempt in its metadata; it is expired at the end."""
    assert LIVE_KEY.startswith(("sk_test_", "rk_test_")), "only a Stripe test-mode key may be used here"
    settings.STRIPE_SECRET_KEY = LIVE_KEY
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["card"]  # enabled on every test account
    invoice = finalised(world)
    assert invoice.total == Decimal("121.00")
    request = CheckoutRequest(
        invoice_id=invoice.pk,
        invoice_number=invoice.number,
        attempt=1,
        idempotency_key=f"secondo-live-test-{uuid.uuid4()}",
        amount=invoice.total,
        description=f"Secondo live test {invoice.number}",
        customer_email="",
        language="nl",
        success_url="https://secondo.example/pay/live-test/?result=paid",
        cancel_url="https://secondo.example/pay/live-test/?result=cancelled",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )

    with transport_use(stripe.new_default_http_client()):
        created = stripe_adapter.checkout_session_create(request=request)
        try:
            again = stripe_adapter.checkout_session_create(request=request)  # the same key: the same session
            fetched = stripe_adapter.checkout_session_retrieve(session_id=created.id)
        finally:
            expired = stripe_adapter.checkout_session_expire(session_id=created.id)

    assert created.id.startswith("cs_test_")
    assert created.url.startswith("https://checkout.stripe.com/")
    assert again.id == created.id
    assert (fetched.id, fetched.status, fetched.payment_status) == (created.id, "open", "unpaid")
    for session in (created, fetched):
        assert (session.amount_total, session.currency) == (Decimal("121.00"), "eur")
        assert dict(session.metadata) == {
            "invoice_id": str(invoice.pk),
            "invoice_number": invoice.number,
            "attempt": "1",
        }
    assert expired is not None and expired.status == "expired"
