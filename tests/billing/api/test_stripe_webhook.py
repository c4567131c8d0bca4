"""POST /api/v1/stripe/webhook/ (billing/api/views.py: StripeWebhookView): only a body signed with the
endpoint secret, at most 300 s old, is accepted; anything else gets 400 in the API's error shape and
stores nothing. A duplicate delivery gets 200 and changes nothing. 404 while Stripe is off."""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from backend.core.models import AuditEvent
from billing.models import CheckoutSession, Invoice, Payment, PaymentStatus, Receivable, StripeEvent
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe, charge_object, event_body, paid_session, signed
from tests.conftest import World
from tests.openapi import documented_responses

pytestmark = pytest.mark.django_db

URL = "/api/v1/stripe/webhook/"
NOW = 1781510400  # 2026-06-15 08:00 UTC, the pinned clock


def post(body: str | bytes, signature: str | None) -> Any:
    headers = {} if signature is None else {"Stripe-Signature": signature}
    return Client().post(URL, body, content_type="application/json", headers=headers)


def paid_body(invoice: Invoice, *, event_id: str = "evt_paid") -> str:
    session = paid_session(invoice_id=invoice.pk, number=invoice.number, cents=12100, payment_intent="pi_web")
    return event_body("checkout.session.completed", session, event_id=event_id)


def stored_state() -> dict[str, Any]:
    return {
        "events": StripeEvent.objects.count(),
        "payments": Payment.objects.count(),
        "audit": AuditEvent.objects.count(),
        "receivables": list(Receivable.objects.order_by("pk").values()),
        "checkouts": list(CheckoutSession.objects.order_by("pk").values()),
    }


def refused(message: str) -> dict[str, Any]:
    return {"message": f"Signature refused: {message}", "extra": {"fields": {"Stripe-Signature": [message]}}}


NO_MATCH = "No signatures found matching the expected signature for payload."


@pytest.fixture
def invoice(world: World, fake_stripe: FakeStripe) -> Invoice:
    return finalised(world)


def test_a_signed_event_is_stored_and_applied(invoice: Invoice) -> None:
    body = paid_body(invoice)

    response = post(body, signed(body))

    assert response.status_code == 200
    assert response.json() == {"received": "payment of 121.00 recorded"}
    event = StripeEvent.objects.get()
    assert (event.event_id, event.type, event.invoice_id, event.payload) == (
        "evt_paid",
        "checkout.session.completed",
        invoice.pk,
        json.loads(body),
    )
    assert list(Payment.objects.values_list("invoice_id", "amount", "external_id")) == [
        (invoice.pk, Decimal("121.00"), "pi_web")
    ]
    assert Receivable.objects.get(pk=invoice.pk).status == PaymentStatus.PAID


def test_the_endpoint_needs_no_login_and_no_csrf_token(invoice: Invoice) -> None:
    body = paid_body(invoice)

    response = Client(enforce_csrf_checks=True).post(
        URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(body)
    )

    assert response.status_code == 200
    assert StripeEvent.objects.count() == 1


def _tampered(invoice: Invoice) -> tuple[str, str]:
    body = paid_body(invoice)
    signature = signed(body)
    return body.replace('"amount_total": 12100', '"amount_total": 1'), signature


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("forged with another secret", NO_MATCH),
        ("tampered body", NO_MATCH),
        ("signed for another body", NO_MATCH),
        ("301 seconds old", "Timestamp outside the tolerance zone (1781510099)."),
        ("an hour old", "Timestamp outside the tolerance zone (1781506800)."),
        ("no header", "No Stripe-Signature header value was provided."),
        ("empty header", "No Stripe-Signature header value was provided."),
        ("garbage header", "Unable to extract timestamp and signatures from header."),
        ("timestamp not a number", "Unable to extract timestamp and signatures from header."),
        ("no v1 signature", "No signatures found with expected scheme v1."),
        ("a v0 signature only", "No signatures found with expected scheme v1."),
    ],
)
def test_a_bad_signature_gets_400_and_stores_nothing(invoice: Invoice, case: str, message: str) -> None:
    body = paid_body(invoice)
    good = signed(body)
    body, signature = {
        "forged with another secret": (body, signed(body, secret="whsec_someone_else")),
        "tampered body": _tampered(invoice),
        "signed for another body": (body, signed(paid_body(invoice, event_id="evt_other"))),
        "301 seconds old": (body, signed(body, timestamp=NOW - 301)),
        "an hour old": (body, signed(body, timestamp=NOW - 3600)),
        "no header": (body, None),
        "empty header": (body, ""),
        "garbage header": (body, "garbage"),
        "timestamp not a number": (body, "t=yesterday," + good.split(",")[1]),
        "no v1 signature": (body, good.split(",")[0]),
        "a v0 signature only": (body, good.replace("v1=", "v0=")),
    }[case]
    before = stored_state()

    response = post(body, signature)

    assert response.status_code == 400
    assert response.json() == refused(message)
    assert stored_state() == before
    assert (StripeEvent.objects.count(), Payment.objects.count()) == (0, 0)


def test_a_signed_body_that_is_not_json_gets_400_and_stores_nothing(invoice: Invoice) -> None:
    body = "this is not { json"
    before = stored_state()

    response = post(body, signed(body))

    assert response.status_code == 400
    assert response.json() == refused("The body is not a Stripe event.")
    assert stored_state() == before


@pytest.mark.parametrize("body", ["[]", '"x"', "null", "{}", '{"id": "evt_1", "type": "charge.refunded"}'])
def test_a_signed_json_body_that_is_not_an_event_gets_400_and_stores_nothing(invoice: Invoice, body: str) -> None:
    before = stored_state()

    response = post(body, signed(body))

    assert response.status_code == 400
    assert response.json() == refused("The body is not a Stripe event.")
    assert stored_state() == before


def test_a_body_that_is_not_utf8_gets_400_and_stores_nothing(invoice: Invoice) -> None:
    before = stored_state()

    response = post(b"\xff\xfe\x00garbage", "t=1781510400,v1=abc")

    assert response.status_code == 400
    assert response.json() == refused("The body is not a Stripe event.")
    assert stored_state() == before


@pytest.mark.parametrize("age", [0, 299, 300])
def test_a_signature_up_to_300_seconds_old_is_accepted(invoice: Invoice, age: int) -> None:
    body = paid_body(invoice)

    response = post(body, signed(body, timestamp=NOW - age))

    assert response.status_code == 200
    assert response.json() == {"received": "payment of 121.00 recorded"}
    assert (StripeEvent.objects.count(), Payment.objects.count()) == (1, 1)


def test_one_good_signature_among_several_is_enough(invoice: Invoice) -> None:
    body = paid_body(invoice)
    old_secret = signed(body, secret="whsec_rolled_over").split(",")[1]

    response = post(body, f"{signed(body)},{old_secret}")

    assert response.status_code == 200
    assert StripeEvent.objects.count() == 1


@pytest.mark.parametrize("missing", ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"])
def test_while_stripe_is_off_the_endpoint_is_404_and_stores_nothing(
    invoice: Invoice, settings: Any, missing: str
) -> None:
    body = paid_body(invoice)
    signature = signed(body)
    setattr(settings, missing, "")
    before = stored_state()

    response = post(body, signature)

    assert response.status_code == 404
    assert response.json() == {"message": "Stripe is off.", "extra": {"fields": {}}}
    assert stored_state() == before
    assert StripeEvent.objects.count() == 0


def test_the_404_while_stripe_is_off_is_documented_in_the_error_shape() -> None:
    """Found by schemathesis: the webhook's 404 was not in the schema."""
    responses = documented_responses(URL, "post")
    assert set(responses) == {"200", "400", "403", "404"}
    assert responses["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_only_post_is_allowed(invoice: Invoice, method: str) -> None:
    body = paid_body(invoice)

    response = Client().generic(method, URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(body))

    assert response.status_code == 405
    assert StripeEvent.objects.count() == 0


def test_a_duplicate_delivery_gets_200_duplicate_and_changes_nothing(invoice: Invoice) -> None:
    body = paid_body(invoice)
    assert post(body, signed(body)).json() == {"received": "payment of 121.00 recorded"}
    before = stored_state()
    events = list(StripeEvent.objects.values())

    response = post(body, signed(body, timestamp=NOW - 10))  # Stripe signs each delivery anew

    assert response.status_code == 200
    assert response.json() == {"received": "duplicate"}
    assert stored_state() == before
    assert list(StripeEvent.objects.values()) == events
    assert Payment.objects.count() == 1


def test_a_type_secondo_does_not_act_on_is_stored_and_ignored(invoice: Invoice) -> None:
    body = event_body("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_customer")
    before = stored_state()

    response = post(body, signed(body))

    assert response.status_code == 200
    assert response.json() == {"received": "ignored: not a type Secondo acts on"}
    assert list(StripeEvent.objects.values_list("event_id", "type", "object_id", "outcome", "deferred")) == [
        ("evt_customer", "customer.created", "cus_1", "ignored: not a type Secondo acts on", False)
    ]
    assert {**stored_state(), "events": 0} == before


def test_a_refund_before_its_payment_is_answered_deferred_then_applied(invoice: Invoice) -> None:
    refund = event_body(
        "charge.refunded",
        charge_object(id="ch_web", payment_intent="pi_web", amount=12100, amount_refunded=12100),
        event_id="evt_refund",
    )
    assert post(refund, signed(refund)).json() == {"received": "deferred: its payment is not known yet"}

    body = paid_body(invoice)
    response = post(body, signed(body))

    assert response.json() == {"received": "payment of 121.00 recorded; a waiting refund applied"}
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [Decimal("-121.00"), Decimal("121.00")]
    assert Receivable.objects.get(pk=invoice.pk).amount_paid == Decimal("0.00")
