"""The one door to Stripe: the only module that imports the ``stripe`` SDK.

It speaks in small dataclasses with ``Decimal`` amounts; cents exist only here.
Calls retry with exponential back-off (``max_network_retries``): on connection
errors, 409, 429 and 5xx. Stripe is never called inside a database transaction
(a lock would be held for a network round trip): every call checks that first.

Tests plug a fake transport in with ``transport_use`` (the SDK's pluggable HTTP
client); nothing here reaches the network in the test suite.
"""

import datetime
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.db import connection

from backend.core.money import CENT

ALLOWED_METHOD_TYPES = frozenset({"card", "ideal", "sepa_debit", "bancontact"})
CURRENCY = "eur"


class StripeOff(Exception):
    """Stripe is not configured (no ``STRIPE_SECRET_KEY``): invoices are paid by bank transfer."""


class StripeFailure(Exception):
    """Stripe refused a call or could not be reached (after its retries)."""


class SignatureInvalid(Exception):
    """A webhook's signature is missing, forged or older than the tolerance."""


class StripeInsideTransaction(RuntimeError):
    """Stripe was about to be called while a database transaction (and maybe a lock) is open."""


# ---------------------------------------------------------------------------
# What the adapter returns.


@dataclass(frozen=True)
class CheckoutRequest:
    invoice_id: int
    invoice_number: str
    attempt: int
    idempotency_key: str
    amount: Decimal
    description: str
    customer_email: str
    language: str
    success_url: str
    cancel_url: str
    expires_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Checkout:
    """A Checkout Session as Stripe describes it."""

    id: str
    url: str
    status: str  # open, complete, expired
    payment_status: str  # paid, unpaid, no_payment_required
    amount_total: Decimal | None
    currency: str
    expires_at: datetime.datetime | None
    created: datetime.datetime | None
    payment_intent: str
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refunds:
    """A charge's refunds: ``amount_refunded`` is cumulative (it only grows)."""

    charge_id: str
    payment_intent: str
    amount: Decimal
    amount_refunded: Decimal
    currency: str
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """A verified webhook event. ``checkout`` or ``refunds`` is set for the types we act on."""

    id: str
    type: str
    created: datetime.datetime
    object_id: str
    payload: dict[str, Any]
    checkout: Checkout | None = None
    refunds: Refunds | None = None


# ---------------------------------------------------------------------------
# Money and times.


def to_cents(amount: Decimal) -> int:
    """Euros to Stripe's integer cents; an amount with fractions of a cent is refused, never rounded."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractions of a cent.")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _time(value: Any) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC) if value else None


def _plain(obj: Any) -> Any:
    """A StripeObject (or anything inside one) as plain dicts and lists."""
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return obj


def _id(value: Any) -> str:
    """An expandable field: an id, an expanded object, or nothing."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value.get("id", ""))


def checkout_of(obj: Mapping[str, Any]) -> Checkout:
    total = obj.get("amount_total")
    return Checkout(
        id=obj["id"],
        url=obj.get("url") or "",
        status=obj.get("status") or "",
        payment_status=obj.get("payment_status") or "",
        amount_total=from_cents(total) if total is not None else None,
        currency=obj.get("currency") or "",
        expires_at=_time(obj.get("expires_at")),
        created=_time(obj.get("created")),
        payment_intent=_id(obj.get("payment_intent")),
        metadata=dict(obj.get("metadata") or {}),
    )


def refunds_of(obj: Mapping[str, Any]) -> Refunds:
    return Refunds(
        charge_id=obj["id"],
        payment_intent=_id(obj.get("payment_intent")),
        amount=from_cents(obj.get("amount") or 0),
        amount_refunded=from_cents(obj.get("amount_refunded") or 0),
        currency=obj.get("currency") or "",
        metadata=dict(obj.get("metadata") or {}),
    )


# ---------------------------------------------------------------------------
# The client.


class _BackoffClient(stripe.HTTPClient):
    """Wraps a transport (the SDK's default, or a test's fake) and retries 429 as well as what the SDK
    retries (connection errors, 409, 5xx), with the SDK's exponential back-off and jitter."""

    name = "secondo-backoff"

    def __init__(self, inner: stripe.HTTPClient):
        super().__init__()
        self._inner = inner

    def request(self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any) -> Any:
        return self._inner.request(method, url, headers, post_data)

    def _should_retry(
        self, response: Any, api_connection_error: Any, num_retries: int, max_network_retries: Any
    ) -> bool:
        if response is not None:
            headers = {str(k).lower(): v for k, v in (response[2] or {}).items()}
            if headers.get("stripe-should-retry") == "false" or num_retries >= (max_network_retries or 0):
                return False
            if response[1] == 429:
                return True
        return bool(super()._should_retry(response, api_connection_error, num_retries, max_network_retries))

    def close(self) -> None:
        self._inner.close()


_transport: stripe.HTTPClient | None = None


@contextmanager
def transport_use(transport: Any) -> Iterator[None]:
    """Route every Stripe call through ``transport`` (a ``stripe.HTTPClient``), for tests."""
    global _transport
    previous, _transport = _transport, transport
    try:
        yield
    finally:
        _transport = previous


def enabled() -> bool:
    """Stripe is on when a secret key is configured."""
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    if not enabled():
        raise StripeOff("Online payment is off (STRIPE_SECRET_KEY is not set): pay by bank transfer.")
    if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        raise StripeInsideTransaction("Stripe is never called inside a database transaction.")
    inner = _transport or stripe.new_default_http_client()
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=_BackoffClient(inner),
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
    )


@contextmanager
def _failures() -> Iterator[None]:
    try:
        yield
    except stripe.StripeError as exc:
        raise StripeFailure(exc.user_message or str(exc)) from exc


# ---------------------------------------------------------------------------
# Calls.


def checkout_session_create(*, request: CheckoutRequest) -> Checkout:
    """A Checkout Session in payment mode for exactly ``request.amount``, one line, with our invoice's
    id and number in its metadata (and its PaymentIntent's), under ``request.idempotency_key``."""
    methods = [m for m in settings.STRIPE_PAYMENT_METHOD_TYPES if m]
    unknown = sorted(set(methods) - ALLOWED_METHOD_TYPES)
    if unknown or not methods:
        raise StripeFailure(f"STRIPE_PAYMENT_METHOD_TYPES: choose from {sorted(ALLOWED_METHOD_TYPES)}; got {methods}.")
    metadata = {
        "invoice_id": str(request.invoice_id),
        "invoice_number": request.invoice_number,
        "attempt": str(request.attempt),
    }
    params: dict[str, Any] = {
        "mode": "payment",
        "payment_method_types": methods,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": to_cents(request.amount),
                    "product_data": {"name": request.description},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata, "description": request.description},
        "client_reference_id": str(request.invoice_id),
        "customer_email": request.customer_email,
        "locale": request.language,
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
    }
    if not request.customer_email:
        del params["customer_email"]
    if request.expires_at is not None:
        params["expires_at"] = int(request.expires_at.timestamp())
    client = _client()
    with _failures():
        session = client.v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": request.idempotency_key},
        )
    return checkout_of(_plain(session))


def checkout_session_retrieve(*, session_id: str) -> Checkout:
    client = _client()
    with _failures():
        return checkout_of(_plain(client.v1.checkout.sessions.retrieve(session_id)))


def checkout_session_expire(*, session_id: str) -> Checkout | None:
    """Expire an open session (a renewed one replaces it). None if Stripe says it is not open any more."""
    client = _client()
    try:
        return checkout_of(_plain(client.v1.checkout.sessions.expire(session_id)))
    except stripe.InvalidRequestError:
        return None
    except stripe.StripeError as exc:
        raise StripeFailure(exc.user_message or str(exc)) from exc


def checkout_sessions_complete(*, since: datetime.datetime) -> Iterator[Checkout]:
    """Every complete Checkout Session created since ``since``, page by page."""
    client = _client()
    params: dict[str, Any] = {"status": "complete", "created": {"gte": int(since.timestamp())}, "limit": 100}
    with _failures():
        for session in client.v1.checkout.sessions.list(params=params).auto_paging_iter():  # type: ignore[arg-type]
            yield checkout_of(_plain(session))


def webhook_event_construct(*, payload: bytes, signature: str) -> Event:
    """Verify ``payload`` against its ``Stripe-Signature`` header with the endpoint secret from settings
    (300 s tolerance) and describe the event. Raises ``SignatureInvalid`` for a bad or stale signature."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise StripeOff("Stripe webhooks are off (STRIPE_WEBHOOK_SECRET is not set).")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=WEBHOOK_TOLERANCE)
    except stripe.SignatureVerificationError as exc:
        raise SignatureInvalid(str(exc).split(".")[0] + ".") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SignatureInvalid("The body is not a Stripe event.") from exc
    # The verified body as plain JSON (the SDK's objects turn some strings into Decimals).
    body = json.loads(payload) if event is not None else None
    data = body.get("data") if isinstance(body, dict) else None
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"] or not isinstance(obj, dict):
        raise SignatureInvalid("The body is not a Stripe event.")
    kind = body.get("type", "")
    checkout = (
        checkout_of(obj) if kind.startswith("checkout.session.") and obj.get("object") == "checkout.session" else None
    )
    refunds = refunds_of(obj) if kind == "charge.refunded" and obj.get("object") == "charge" else None
    created = _time(body.get("created")) or datetime.datetime.now(tz=datetime.UTC)
    return Event(
        id=body["id"],
        type=kind,
        created=created,
        object_id=str(obj.get("id", "")),
        payload=body,
        checkout=checkout,
        refunds=refunds,
    )


WEBHOOK_TOLERANCE = 300
