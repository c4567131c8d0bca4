"""Shared fixtures: a small world with two pools and two clients, and an API
client logged in per role. Tests pin the clock to 2026-06-15 (a Monday)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient
from stripe import _http_client as stripe_http

from backend.accounts.models import User
from billing.payments.stripe_adapter import transport_use
from secondments.models import Client, Placement, Pool, Secretary
from tests.billing.stripe_fakes import SECRET_KEY, WEBHOOK_SECRET, FakeStripe, NoNetwork
from tests.factories import ClientFactory, PlacementFactory, PoolFactory, RateCardFactory, SecretaryFactory, UserFactory

TODAY = datetime.date(2026, 6, 15)
ROLES = ["anonymous", "team_manager", "secretary", "client_approver", "finance", "director"]


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest) -> Any:
    """Every test runs on 2026-06-15 10:00 Europe/Amsterdam unless it asks otherwise."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _no_kept_inbox_answers() -> Any:
    """Every test starts with no approval inbox answer kept in this process (secondments/api/inbox.py)."""
    from secondments.api.inbox import inbox_answers_clear

    inbox_answers_clear()
    yield
    inbox_answers_clear()


@pytest.fixture(autouse=True)
def _no_stripe_network() -> Any:
    """Stripe is never reached from the tests: a test that turns it on without ``fake_stripe`` fails."""
    with transport_use(NoNetwork()):
        yield


@pytest.fixture
def fake_stripe(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    """Stripe on (test keys; iDEAL, card and SEPA Direct Debit), answered by ``FakeStripe``; the SDK's
    back-off sleeps are recorded in ``fake.sleeps`` instead of slept."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["ideal", "card", "sepa_debit"]
    settings.STRIPE_MAX_NETWORK_RETRIES = 3
    fake = FakeStripe()
    sleeps: list[float] = []
    monkeypatch.setattr(stripe_http.time, "sleep", sleeps.append)
    fake.sleeps = sleeps  # type: ignore[attr-defined]
    with transport_use(fake):
        yield fake


@dataclass
class World:
    """Two pools, each with a manager and a secretary; two tenants, each with an approver.

    Everything named ``other_*`` lies outside the scope of the role users, who
    belong to pool / client / secretary ``mine``.
    """

    pool: Pool
    other_pool: Pool
    manager: User
    other_manager: User
    secretary: Secretary
    other_secretary: Secretary
    client: Client
    other_client: Client
    approver: User
    other_approver: User
    finance: User
    director: User
    placement: Placement
    other_placement: Placement

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "team_manager": self.manager,
            "secretary": self.secretary.user,
            "client_approver": self.approver,
            "finance": self.finance,
            "director": self.director,
        }[role]


@pytest.fixture
def world(db: Any) -> World:
    manager = UserFactory(email="manager@example.org", full_name="Mira Manager", is_team_manager=True)
    other_manager = UserFactory(email="other.manager@example.org", is_team_manager=True)
    pool = PoolFactory(name="Front office", managers=[manager])
    other_pool = PoolFactory(name="Back office", managers=[other_manager])
    for p in (pool, other_pool):
        RateCardFactory(pool=p, client_kind="tenant", hourly_rate="55.00")
        RateCardFactory(pool=p, client_kind="internal", hourly_rate="45.00")
    secretary = SecretaryFactory(pool=pool, user__email="secretary@example.org", user__full_name="Sanne Secretaris")
    other_secretary = SecretaryFactory(pool=other_pool, user__email="other.secretary@example.org")
    approver = UserFactory(email="approver@example.org", is_client_approver=True)
    other_approver = UserFactory(email="other.approver@example.org", is_client_approver=True)
    client = ClientFactory(legal_name="Acme B.V.", approvers=[approver])
    other_client = ClientFactory(legal_name="Globex B.V.", approvers=[other_approver])
    placement = PlacementFactory(secretary=secretary, client=client, created_by=manager)
    other_placement = PlacementFactory(secretary=other_secretary, client=other_client, created_by=other_manager)
    return World(
        pool=pool,
        other_pool=other_pool,
        manager=manager,
        other_manager=other_manager,
        secretary=secretary,
        other_secretary=other_secretary,
        client=client,
        other_client=other_client,
        approver=approver,
        other_approver=other_approver,
        finance=UserFactory(email="finance@example.org", is_finance=True),
        director=UserFactory(email="director@example.org", is_director=True),
        placement=placement,
        other_placement=other_placement,
    )


def api_client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api(world: World) -> Any:
    """``api("team_manager")`` gives an APIClient authenticated as that role's user."""

    def make(role: str) -> APIClient:
        return api_client_for(world.user(role))

    return make


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` need real row locks or row versions (``xmin``): skip them, saying why, on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (set DATABASE_URL=postgres://...); SQLite has no row locks or row versions"
    )
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
