"""A fake Stripe for the tests: plugged into the SDK as its HTTP client, so the real SDK builds every
request and parses every answer, and nothing reaches the network.

- ``FakeStripe`` records each request (method, path, form params flattened as Stripe encodes them,
  ``Idempotency-Key``) and answers like Stripe: Checkout Sessions built from Stripe's example object
  (``stripe_objects/fixtures3.json``), the same session again for a repeated idempotency key,
  ``expire``, ``retrieve`` and ``list``; ``fail_next`` injects 429/5xx answers.
- ``session_object``, ``charge_object`` and ``event_body`` build Stripe-shaped objects for webhooks;
  ``signed`` signs a body with the SDK's own helper.
"""

import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

FIXTURES = json.loads((Path(__file__).parent / "stripe_objects" / "fixtures3.json").read_text())["resources"]
WEBHOOK_SECRET = "whsec_test_secondo"
SECRET_KEY = "sk_test_secondo_fake"


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(FIXTURES[name])


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    idempotency_key: str | None
    headers: dict[str, str]


@dataclass
class FakeStripe(stripe.HTTPClient):
    """Stripe as the SDK sees it. ``sessions`` holds the Checkout Sessions it made, by id."""

    name = "fake"
    requests: list[Recorded] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    now: int = 1781510400  # 2026-06-15 08:00 UTC, the suite's pinned clock
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        stripe.HTTPClient.__init__(self)

    # -- test controls -------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None) -> None:
        """The next ``times`` requests get ``status`` (e.g. 429, 500) before normal answers resume."""
        self.failures.extend([(status, headers or {})] * times)

    def posts(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == "post" and r.path == path]

    # -- the transport -------------------------------------------------------
    def request(self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        raw = post_data if method == "post" else parts.query
        if isinstance(raw, bytes):
            raw = raw.decode()
        params = dict(parse_qsl(raw or "", keep_blank_values=True))
        headers = dict(headers or {})
        key = headers.get("Idempotency-Key")
        self.requests.append(Recorded(method, parts.path, params, key, headers))
        if self.failures:
            status, extra = self.failures.pop(0)
            body = {"error": {"type": "api_error", "message": f"Fake Stripe answered {status}."}}
            return json.dumps(body), status, {"Request-Id": "req_fail", **extra}
        status, body = self._route(method, parts.path, params, key)
        return json.dumps(body), status, {"Request-Id": f"req_{len(self.requests)}"}

    def close(self) -> None:
        pass

    def _route(self, method: str, path: str, params: dict[str, str], key: str | None) -> tuple[int, dict[str, Any]]:
        if method == "post" and path == "/v1/checkout/sessions":
            if key and key in self.by_key:
                return 200, self.sessions[self.by_key[key]]
            session = self._new_session(params)
            if key:
                self.by_key[key] = session["id"]
            return 200, session
        if path.startswith("/v1/checkout/sessions/"):
            rest = path.removeprefix("/v1/checkout/sessions/")
            session_id, _, verb = rest.partition("/")
            if session_id not in self.sessions:
                return 404, {"error": {"type": "invalid_request_error", "message": "No such checkout.session"}}
            session = self.sessions[session_id]
            if verb == "expire":
                if session["status"] != "open":
                    return 400, {"error": {"type": "invalid_request_error", "message": "Not open."}}
                session["status"] = "expired"
            return 200, session
        if method == "get" and path == "/v1/checkout/sessions":
            data = [s for s in self.sessions.values() if s["status"] == params.get("status", s["status"])]
            gte = int(params.get("created[gte]", 0))
            data = [s for s in data if s["created"] >= gte]
            return 200, {"object": "list", "data": data, "has_more": False, "url": "/v1/checkout/sessions"}
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrouted {method} {path}"}}

    def _new_session(self, params: dict[str, str]) -> dict[str, Any]:
        n = next(self._ids)
        session = session_object(
            id=f"cs_test_secondo{n:04d}",
            url=f"https://checkout.stripe.com/c/pay/cs_test_secondo{n:04d}",
            amount_total=int(params["line_items[0][price_data][unit_amount]"]),
            amount_subtotal=int(params["line_items[0][price_data][unit_amount]"]),
            created=self.now,
            expires_at=int(params.get("expires_at", self.now + 24 * 3600)),
            metadata={k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")},
            status="open",
            payment_status="unpaid",
            payment_intent=None,
            client_reference_id=params.get("client_reference_id"),
        )
        self.sessions[session["id"]] = session
        return session

    def complete(self, session_id: str, *, paid: bool = True, payment_intent: str | None = None) -> dict[str, Any]:
        """Stripe's side of a customer paying: the session completes (paid, or unpaid for SEPA DD)."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status="paid" if paid else "unpaid",
            payment_intent=payment_intent or f"pi_{session_id.removeprefix('cs_test_')}",
        )
        return copy.deepcopy(session)


class NoNetwork(stripe.HTTPClient):
    """The suite's default transport: a test that turns Stripe on without a fake fails loudly."""

    name = "no-network"

    def request(self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any) -> Any:
        raise AssertionError(f"A test reached for the network: {method.upper()} {url}")

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------
# Stripe-shaped objects and signed events.


def session_object(**overrides: Any) -> dict[str, Any]:
    """Stripe's example Checkout Session, in payment mode in euros, with ``overrides``."""
    obj = fixture("checkout.session")
    obj.update(mode="payment", currency="eur", object="checkout.session")
    obj.update(overrides)
    return obj


def paid_session(
    *,
    invoice_id: int,
    number: str,
    cents: int,
    session_id: str = "cs_test_paid",
    payment_intent: str = "pi_paid",
    paid: bool = True,
    attempt: int = 1,
) -> dict[str, Any]:
    return session_object(
        id=session_id,
        amount_total=cents,
        amount_subtotal=cents,
        status="complete",
        payment_status="paid" if paid else "unpaid",
        payment_intent=payment_intent,
        metadata={"invoice_id": str(invoice_id), "invoice_number": number, "attempt": str(attempt)},
    )


def charge_object(**overrides: Any) -> dict[str, Any]:
    """Stripe's example Charge, in euros, with ``overrides`` (``amount_refunded`` is cumulative)."""
    obj = fixture("charge")
    obj.update(currency="eur", object="charge")
    obj.update(overrides)
    return obj


def event_body(event_type: str, obj: dict[str, Any], *, event_id: str, created: int | None = None) -> str:
    """A webhook body: Stripe's example event with ``obj`` as ``data.object``."""
    event = fixture("event")
    event.update(id=event_id, type=event_type, created=created or int(time.time()), data={"object": obj})
    return json.dumps(event)


def signed(body: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``body``, made by the SDK's own helper."""
    return stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
