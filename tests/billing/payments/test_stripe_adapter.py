"""The one door to Stripe (billing/payments/stripe_adapter.py): the exact requests it makes, the
dataclasses it returns, its retries with back-off, and what it refuses before reaching Stripe."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import stripe
from django.conf import settings
from django.db import transaction
from stripe import _http_client as stripe_http

from billing.payments import stripe_adapter
from billing.payments.stripe_adapter import (
    Checkout,
    CheckoutRequest,
    SignatureInvalid,
    StripeFailure,
    StripeInsideTransaction,
    StripeOff,
    from_cents,
    to_cents,
    transport_use,
    webhook_event_construct,
)
from tests.billing.stripe_fakes import (
    SECRET_KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    charge_object,
    event_body,
    paid_session,
    signed,
)

pytestmark = pytest.mark.django_db

NOW = 1781510400  # 2026-06-15 08:00 UTC, the suite's pinned clock
ROOT = Path(__file__).resolve().parents[3]
PAY = "https://secondo.example/pay/42/tok/"
KEY = "secondo-invoice-42-checkout-1"


def request_for(amount: str = "121.00", **overrides: Any) -> CheckoutRequest:
    fields: dict[str, Any] = {
        "invoice_id": 42,
        "invoice_number": "2026-00042",
        "attempt": 1,
        "idempotency_key": KEY,
        "amount": Decimal(amount),
        "description": "Factuur 2026-00042, Secretariaat Centraal",
        "customer_email": "billing@acme.example",
        "language": "nl",
        "success_url": f"{PAY}?result=paid",
        "cancel_url": f"{PAY}?result=cancelled",
        "expires_at": datetime.datetime(2026, 6, 16, 7, 0, tzinfo=datetime.UTC),
    }
    fields.update(overrides)
    return CheckoutRequest(**fields)


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK's jitter at its top (factor 1), so each back-off sleep is exactly 0.5 * 2 ** (n - 1)."""
    monkeypatch.setattr(stripe_http.random, "uniform", lambda low, high: 1.0)


# ---------------------------------------------------------------------------
# The request.


def test_a_checkout_session_is_asked_for_exactly_the_invoice_total_in_one_line(fake_stripe: FakeStripe) -> None:
    session = stripe_adapter.checkout_session_create(request=request_for("121.00"))

    [sent] = fake_stripe.requests
    assert (sent.method, sent.path, sent.idempotency_key) == ("post", "/v1/checkout/sessions", KEY)
    assert sent.headers["Idempotency-Key"] == KEY
    assert sent.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert sent.params == {
        "mode": "payment",
        "payment_method_types[0]": "ideal",
        "payment_method_types[1]": "card",
        "payment_method_types[2]": "sepa_debit",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "12100",
        "line_items[0][price_data][product_data][name]": "Factuur 2026-00042, Secretariaat Centraal",
        "metadata[invoice_id]": "42",
        "metadata[invoice_number]": "2026-00042",
        "metadata[attempt]": "1",
        "payment_intent_data[metadata][invoice_id]": "42",
        "payment_intent_data[metadata][invoice_number]": "2026-00042",
        "payment_intent_data[metadata][attempt]": "1",
        "payment_intent_data[description]": "Factuur 2026-00042, Secretariaat Centraal",
        "client_reference_id": "42",
        "customer_email": "billing@acme.example",
        "locale": "nl",
        "success_url": f"{PAY}?result=paid",
        "cancel_url": f"{PAY}?result=cancelled",
        "expires_at": str(NOW + 23 * 3600),
    }
    assert session == Checkout(
        id="cs_test_secondo0001",
        url="https://checkout.stripe.com/c/pay/cs_test_secondo0001",
        status="open",
        payment_status="unpaid",
        amount_total=Decimal("121.00"),
        currency="eur",
        expires_at=datetime.datetime(2026, 6, 16, 7, 0, tzinfo=datetime.UTC),
        created=datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC),
        payment_intent="",
        metadata={"invoice_id": "42", "invoice_number": "2026-00042", "attempt": "1"},
    )
    assert isinstance(session.amount_total, Decimal)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("1234.57", "123457"), ("0.01", "1"), ("0.10", "10"), ("99999.99", "9999999"), ("1000", "100000")],
)
def test_awkward_totals_are_sent_as_exact_cents(fake_stripe: FakeStripe, amount: str, cents: str) -> None:
    session = stripe_adapter.checkout_session_create(request=request_for(amount))

    [sent] = fake_stripe.requests
    assert sent.params["line_items[0][price_data][unit_amount]"] == cents
    assert session.amount_total == Decimal(amount).quantize(Decimal("0.01"))


def test_the_configured_methods_are_sent_in_order(fake_stripe: FakeStripe, settings: Any) -> None:
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["sepa_debit", "bancontact", ""]

    stripe_adapter.checkout_session_create(request=request_for())

    [sent] = fake_stripe.requests
    methods = {k: v for k, v in sent.params.items() if k.startswith("payment_method_types")}
    assert methods == {"payment_method_types[0]": "sepa_debit", "payment_method_types[1]": "bancontact"}


def test_english_locale_and_no_email_and_no_expiry_are_passed_as_given(fake_stripe: FakeStripe) -> None:
    stripe_adapter.checkout_session_create(request=request_for(language="en", customer_email="", expires_at=None))

    [sent] = fake_stripe.requests
    assert sent.params["locale"] == "en"
    assert "customer_email" not in sent.params
    assert "expires_at" not in sent.params


@pytest.mark.parametrize("methods", [["ideal", "paypal"], ["klarna"], [], [""]])
def test_unknown_or_no_payment_method_types_are_refused_before_stripe(
    fake_stripe: FakeStripe, settings: Any, methods: list[str]
) -> None:
    settings.STRIPE_PAYMENT_METHOD_TYPES = methods

    with pytest.raises(StripeFailure) as refused:
        stripe_adapter.checkout_session_create(request=request_for())

    assert str(refused.value).startswith(
        "STRIPE_PAYMENT_METHOD_TYPES: choose from ['bancontact', 'card', 'ideal', 'sepa_debit']; got "
    )
    assert fake_stripe.requests == []


# ---------------------------------------------------------------------------
# Money.


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("121.00", 12100), ("1234.57", 123457), ("0.01", 1), ("7", 700), ("-12.34", -1234), ("0.00", 0)],
)
def test_to_cents_is_exact(amount: str, cents: int) -> None:
    assert to_cents(Decimal(amount)) == cents
    assert type(to_cents(Decimal(amount))) is int


@pytest.mark.parametrize("amount", ["0.001", "12.345", "121.005", "0.009"])
def test_to_cents_refuses_fractions_of_a_cent(amount: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"{amount} has fractions of a cent.")):
        to_cents(Decimal(amount))


def test_fractions_of_a_cent_reach_no_stripe(fake_stripe: FakeStripe) -> None:
    with pytest.raises(ValueError, match="fractions of a cent"):
        stripe_adapter.checkout_session_create(request=request_for("121.005"))
    assert fake_stripe.requests == []


@pytest.mark.parametrize(("cents", "amount"), [(12100, "121.00"), (123457, "1234.57"), (1, "0.01"), (0, "0.00")])
def test_from_cents_gives_decimal_euros_with_two_places(cents: int, amount: str) -> None:
    euros = from_cents(cents)
    assert (euros, str(euros), type(euros)) == (Decimal(amount), amount, Decimal)


# ---------------------------------------------------------------------------
# Retries.


@pytest.mark.parametrize("status", [429, 500, 502, 503, 409])
def test_transient_failures_are_retried_with_backoff_under_the_same_key(
    fake_stripe: FakeStripe, no_jitter: None, status: int
) -> None:
    fake_stripe.fail_next(status, times=2)

    session = stripe_adapter.checkout_session_create(request=request_for())

    assert session.id == "cs_test_secondo0001"
    assert len(fake_stripe.requests) == 3  # 1 + 2 retries
    assert [r.idempotency_key for r in fake_stripe.requests] == [KEY, KEY, KEY]
    assert len({json.dumps(r.params, sort_keys=True) for r in fake_stripe.requests}) == 1  # the very same request
    assert fake_stripe.sleeps == [0.5, 1.0]  # type: ignore[attr-defined]
    assert len(fake_stripe.sessions) == 1


def test_the_backoff_is_exponential_with_jitter_within_its_bounds(fake_stripe: FakeStripe) -> None:
    fake_stripe.fail_next(500, times=3)

    stripe_adapter.checkout_session_create(request=request_for())

    sleeps: list[float] = fake_stripe.sleeps  # type: ignore[attr-defined]
    assert len(sleeps) == 3
    assert sleeps[0] == 0.5  # the floor
    assert 0.5 <= sleeps[1] <= 1.0
    assert 1.0 <= sleeps[2] <= 2.0


@pytest.mark.parametrize("status", [429, 500])
def test_after_max_network_retries_the_failure_is_raised(fake_stripe: FakeStripe, no_jitter: None, status: int) -> None:
    fake_stripe.fail_next(status, times=4)

    with pytest.raises(StripeFailure, match=re.escape(f"Fake Stripe answered {status}.")):
        stripe_adapter.checkout_session_create(request=request_for())

    assert len(fake_stripe.requests) == 4  # 1 + max_network_retries (3)
    assert {r.idempotency_key for r in fake_stripe.requests} == {KEY}
    assert fake_stripe.sleeps == [0.5, 1.0, 2.0]  # type: ignore[attr-defined]
    assert fake_stripe.sessions == {}


@pytest.mark.parametrize("status", [429, 500])
def test_stripe_saying_not_to_retry_is_obeyed(fake_stripe: FakeStripe, no_jitter: None, status: int) -> None:
    fake_stripe.fail_next(status, headers={"Stripe-Should-Retry": "false"})

    with pytest.raises(StripeFailure):
        stripe_adapter.checkout_session_create(request=request_for())

    assert len(fake_stripe.requests) == 1
    assert fake_stripe.sleeps == []  # type: ignore[attr-defined]


def test_the_retry_count_follows_the_setting(fake_stripe: FakeStripe, settings: Any, no_jitter: None) -> None:
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    fake_stripe.fail_next(500, times=2)

    with pytest.raises(StripeFailure):
        stripe_adapter.checkout_session_create(request=request_for())

    assert len(fake_stripe.requests) == 2
    assert fake_stripe.sleeps == [0.5]  # type: ignore[attr-defined]


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
def test_a_client_error_is_not_retried(fake_stripe: FakeStripe, status: int) -> None:
    fake_stripe.fail_next(status)

    with pytest.raises(StripeFailure, match=re.escape(f"Fake Stripe answered {status}.")):
        stripe_adapter.checkout_session_create(request=request_for())

    assert len(fake_stripe.requests) == 1
    assert fake_stripe.sleeps == []  # type: ignore[attr-defined]


def test_a_connection_error_is_retried(fake_stripe: FakeStripe, no_jitter: None) -> None:
    class Flaky(stripe.HTTPClient):
        name = "flaky"

        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def request(self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == 1:
                raise stripe.APIConnectionError("Connection reset.", should_retry=True)
            return fake_stripe.request(method, url, headers, post_data)

        def close(self) -> None:
            pass

    flaky = Flaky()
    with transport_use(flaky):
        session = stripe_adapter.checkout_session_create(request=request_for())

    assert (flaky.calls, len(fake_stripe.requests), session.id) == (2, 1, "cs_test_secondo0001")
    assert fake_stripe.sleeps == [0.5]  # type: ignore[attr-defined]


def test_a_repeated_key_gets_the_same_session(fake_stripe: FakeStripe) -> None:
    first = stripe_adapter.checkout_session_create(request=request_for())
    again = stripe_adapter.checkout_session_create(request=request_for())

    assert first == again
    assert len(fake_stripe.posts("/v1/checkout/sessions")) == 2
    assert list(fake_stripe.sessions) == ["cs_test_secondo0001"]


def test_the_default_settings_retry() -> None:
    assert settings.STRIPE_MAX_NETWORK_RETRIES > 0
    assert settings.STRIPE_MAX_NETWORK_RETRIES == 3


# ---------------------------------------------------------------------------
# Refused before any request.


def test_without_a_secret_key_stripe_is_off_and_nothing_is_sent(fake_stripe: FakeStripe, settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = ""

    assert stripe_adapter.enabled() is False
    with pytest.raises(StripeOff, match=re.escape("Online payment is off (STRIPE_SECRET_KEY is not set)")):
        stripe_adapter.checkout_session_create(request=request_for())
    with pytest.raises(StripeOff):
        stripe_adapter.checkout_session_retrieve(session_id="cs_test_x")
    with pytest.raises(StripeOff):
        stripe_adapter.checkout_session_expire(session_id="cs_test_x")
    with pytest.raises(StripeOff):
        list(stripe_adapter.checkout_sessions_complete(since=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)))

    assert fake_stripe.requests == []


def test_the_test_settings_have_stripe_off() -> None:
    assert (settings.STRIPE_SECRET_KEY, stripe_adapter.enabled()) == ("", False)


def test_stripe_is_never_called_inside_a_transaction(fake_stripe: FakeStripe) -> None:
    with transaction.atomic():
        with pytest.raises(StripeInsideTransaction, match="never called inside a database transaction"):
            stripe_adapter.checkout_session_create(request=request_for())
        with pytest.raises(StripeInsideTransaction):
            stripe_adapter.checkout_session_expire(session_id="cs_test_x")
        with pytest.raises(StripeInsideTransaction):
            stripe_adapter.checkout_session_retrieve(session_id="cs_test_x")

    assert fake_stripe.requests == []
    assert fake_stripe.sessions == {}


def test_the_suite_reaches_no_network_without_the_fake(settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = SECRET_KEY

    with pytest.raises(AssertionError, match=re.escape("A test reached for the network: POST https://api.stripe.com")):
        stripe_adapter.checkout_session_create(request=request_for())


# ---------------------------------------------------------------------------
# The other calls.


def test_retrieve_expire_and_list(fake_stripe: FakeStripe) -> None:
    created = stripe_adapter.checkout_session_create(request=request_for())

    assert stripe_adapter.checkout_session_retrieve(session_id=created.id) == created
    expired = stripe_adapter.checkout_session_expire(session_id=created.id)
    assert expired is not None and expired.status == "expired"
    assert stripe_adapter.checkout_session_expire(session_id=created.id) is None  # not open any more: 400

    fake_stripe.complete(created.id, payment_intent="pi_123")
    complete = list(
        stripe_adapter.checkout_sessions_complete(since=datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC))
    )
    assert [(c.id, c.status, c.payment_status, c.payment_intent, c.amount_total) for c in complete] == [
        (created.id, "complete", "paid", "pi_123", Decimal("121.00"))
    ]
    assert [(r.method, r.path) for r in fake_stripe.requests] == [
        ("post", "/v1/checkout/sessions"),
        ("get", f"/v1/checkout/sessions/{created.id}"),
        ("post", f"/v1/checkout/sessions/{created.id}/expire"),
        ("post", f"/v1/checkout/sessions/{created.id}/expire"),
        ("get", "/v1/checkout/sessions"),
    ]
    assert fake_stripe.requests[-1].params == {"status": "complete", "created[gte]": str(NOW), "limit": "100"}


def test_expire_of_an_unreachable_stripe_fails(fake_stripe: FakeStripe) -> None:
    created = stripe_adapter.checkout_session_create(request=request_for())
    fake_stripe.fail_next(500, times=4)

    with pytest.raises(StripeFailure):
        stripe_adapter.checkout_session_expire(session_id=created.id)
    assert fake_stripe.sessions[created.id]["status"] == "open"


def test_retrieve_of_an_unknown_session_fails(fake_stripe: FakeStripe) -> None:
    with pytest.raises(StripeFailure, match=re.escape("No such checkout.session")):
        stripe_adapter.checkout_session_retrieve(session_id="cs_test_unknown")
    assert len(fake_stripe.requests) == 1


# ---------------------------------------------------------------------------
# Webhooks.


def completed_body(event_id: str = "evt_1") -> str:
    obj = paid_session(invoice_id=42, number="2026-00042", cents=12100, session_id="cs_test_a", payment_intent="pi_a")
    return event_body("checkout.session.completed", obj, event_id=event_id, created=NOW - 10)


def test_a_signed_event_is_verified_and_described(fake_stripe: FakeStripe) -> None:
    body = completed_body()

    event = webhook_event_construct(payload=body.encode(), signature=signed(body))

    assert (event.id, event.type, event.object_id) == ("evt_1", "checkout.session.completed", "cs_test_a")
    assert event.created == datetime.datetime(2026, 6, 15, 7, 59, 50, tzinfo=datetime.UTC)
    assert event.payload == json.loads(body)
    assert event.refunds is None
    assert event.checkout is not None
    checkout = event.checkout
    assert (checkout.id, checkout.status, checkout.payment_status, checkout.payment_intent) == (
        "cs_test_a",
        "complete",
        "paid",
        "pi_a",
    )
    assert (checkout.amount_total, checkout.currency) == (Decimal("121.00"), "eur")
    assert isinstance(checkout.amount_total, Decimal)
    assert checkout.metadata == {"invoice_id": "42", "invoice_number": "2026-00042", "attempt": "1"}
    assert fake_stripe.requests == []  # verifying needs no call to Stripe


def test_a_refund_event_is_described_with_decimal_amounts(fake_stripe: FakeStripe) -> None:
    obj = charge_object(id="ch_1", payment_intent="pi_a", amount=12100, amount_refunded=2100, metadata={"x": "y"})
    body = event_body("charge.refunded", obj, event_id="evt_r", created=NOW)

    event = webhook_event_construct(payload=body.encode(), signature=signed(body))

    assert event.checkout is None
    assert event.refunds == stripe_adapter.Refunds(
        charge_id="ch_1",
        payment_intent="pi_a",
        amount=Decimal("121.00"),
        amount_refunded=Decimal("21.00"),
        currency="eur",
        metadata={"x": "y"},
    )


def test_an_event_of_another_type_is_described_without_an_object(fake_stripe: FakeStripe) -> None:
    body = event_body("customer.created", {"id": "cus_1", "object": "customer"}, event_id="evt_c", created=NOW)

    event = webhook_event_construct(payload=body.encode(), signature=signed(body))

    assert (event.type, event.object_id, event.checkout, event.refunds) == ("customer.created", "cus_1", None, None)


def test_a_forged_signature_is_refused(fake_stripe: FakeStripe) -> None:
    body = completed_body()

    with pytest.raises(SignatureInvalid):
        webhook_event_construct(payload=body.encode(), signature=signed(body, secret="whsec_someone_else"))


def test_a_changed_body_is_refused(fake_stripe: FakeStripe) -> None:
    body = completed_body()
    tampered = body.replace("12100", "1")
    assert tampered != body

    with pytest.raises(SignatureInvalid):
        webhook_event_construct(payload=tampered.encode(), signature=signed(body))


@pytest.mark.parametrize("age", [0, 1, 299, 300])
def test_a_signature_up_to_300_seconds_old_is_accepted(fake_stripe: FakeStripe, age: int) -> None:
    body = completed_body()

    event = webhook_event_construct(payload=body.encode(), signature=signed(body, timestamp=NOW - age))

    assert event.id == "evt_1"


@pytest.mark.parametrize("age", [301, 3600])
def test_a_stale_signature_is_refused(fake_stripe: FakeStripe, age: int) -> None:
    body = completed_body()

    with pytest.raises(SignatureInvalid, match="Timestamp outside the tolerance zone"):
        webhook_event_construct(payload=body.encode(), signature=signed(body, timestamp=NOW - age))


@pytest.mark.parametrize("header", ["", "garbage", "t=1781510400", f"v1={'0' * 64}"])
def test_a_missing_or_malformed_header_is_refused(fake_stripe: FakeStripe, header: str) -> None:
    body = completed_body()

    with pytest.raises(SignatureInvalid):
        webhook_event_construct(payload=body.encode(), signature=header)


def test_a_signed_body_that_is_not_json_is_refused(fake_stripe: FakeStripe) -> None:
    body = "not json"

    with pytest.raises(SignatureInvalid, match=re.escape("The body is not a Stripe event.")):
        webhook_event_construct(payload=body.encode(), signature=signed(body))


def test_webhooks_are_off_without_their_secret(fake_stripe: FakeStripe, settings: Any) -> None:
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = completed_body()

    with pytest.raises(StripeOff, match="STRIPE_WEBHOOK_SECRET is not set"):
        webhook_event_construct(payload=body.encode(), signature=signed(body, secret=WEBHOOK_SECRET))


# ---------------------------------------------------------------------------
# The one door.

STRIPE_IMPORT = re.compile(r"^\s*(import\s+stripe\b|from\s+stripe(\.|\s|\b))", re.MULTILINE)


def test_only_the_adapter_imports_stripe() -> None:
    sources = [p for folder in ("backend", "billing", "secondments") for p in (ROOT / folder).rglob("*.py")]
    assert len(sources) > 50  # the scan really reads the app

    importers = sorted(str(p.relative_to(ROOT)) for p in sources if STRIPE_IMPORT.search(p.read_text()))

    assert importers == ["billing/payments/stripe_adapter.py"]


def test_the_import_scan_catches_every_spelling() -> None:
    for line in ("import stripe", "from stripe import Webhook", "from stripe._http_client import x", "  import stripe"):
        assert STRIPE_IMPORT.search(line), line
    for line in ("import stripe_adapter", "from billing.payments import stripe_adapter", "# stripe"):
        assert not STRIPE_IMPORT.search(line), line
