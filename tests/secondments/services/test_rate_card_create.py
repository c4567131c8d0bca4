"""Rate cards: adding and withdrawing (secondments/services/rate_cards.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.models import AuditEvent
from secondments.models import Pool, RateCard
from secondments.selectors.rates import rate_card_rate_on
from secondments.services.rate_cards import rate_card_create, rate_card_delete
from tests.factories import PlacementFactory, PoolFactory, RateCardFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


@pytest.fixture
def pool(manager: User) -> Pool:
    return PoolFactory(managers=[manager])


def counts() -> tuple[int, int]:
    return RateCard.objects.count(), AuditEvent.objects.count()


def test_creates_a_card_with_one_audit_event(pool: Pool, manager: User) -> None:
    card = rate_card_create(
        actor=manager, pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1), hourly_rate=Decimal("58.00")
    )
    card.refresh_from_db()
    assert (card.pool, card.client_kind, card.valid_from, card.hourly_rate) == (
        pool,
        "tenant",
        D(2027, 1, 1),
        Decimal("58.00"),
    )
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id, event.before) == (
        manager,
        "rate_card.create",
        "secondments.ratecard",
        str(card.pk),
        None,
    )
    assert event.after == {
        "id": card.pk,
        "pool_id": pool.pk,
        "client_kind": "tenant",
        "valid_from": "2027-01-01",
        "hourly_rate": "58.00",
        "created_at": "2026-06-15T08:00:00+00:00",
    }


def test_a_duplicate_start_for_the_same_pool_and_kind_is_refused(pool: Pool, manager: User) -> None:
    RateCardFactory(pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1), hourly_rate=Decimal("58.00"))
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        rate_card_create(
            actor=manager, pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1), hourly_rate=Decimal("60.00")
        )
    assert excinfo.value.message_dict == {
        "valid_from": ["This pool already has a rate for this client kind from that date."]
    }
    assert counts() == before
    assert RateCard.objects.get(pool=pool).hourly_rate == Decimal("58.00")


@pytest.mark.parametrize(
    "other",
    [
        {"client_kind": "internal", "valid_from": D(2027, 1, 1)},
        {"client_kind": "tenant", "valid_from": D(2027, 1, 2)},
    ],
)
def test_the_same_start_for_another_kind_or_another_day_is_fine(
    pool: Pool, manager: User, other: dict[str, Any]
) -> None:
    RateCardFactory(pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1))
    rate_card_create(actor=manager, pool=pool, hourly_rate=Decimal("50.00"), **other)
    assert RateCard.objects.filter(pool=pool).count() == 2


def test_the_same_start_in_another_pool_is_fine(pool: Pool, manager: User) -> None:
    RateCardFactory(pool=PoolFactory(), client_kind="tenant", valid_from=D(2027, 1, 1))
    rate_card_create(actor=manager, pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1), hourly_rate=Decimal("5"))
    assert RateCard.objects.count() == 2


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("123456789.00")])
def test_an_impossible_rate_is_refused(pool: Pool, manager: User, rate: Decimal) -> None:
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        rate_card_create(actor=manager, pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1), hourly_rate=rate)
    assert list(excinfo.value.message_dict) == ["hourly_rate"]
    assert counts() == before


def test_a_new_card_leaves_earlier_cards_and_placements_alone(pool: Pool, manager: User) -> None:
    old = RateCardFactory(pool=pool, client_kind="tenant", valid_from=D(2026, 1, 1), hourly_rate=Decimal("55.00"))
    placement = PlacementFactory(secretary__pool=pool, start_date=D(2026, 2, 2), rate=Decimal("55.00"))
    rate_card_create(
        actor=manager, pool=pool, client_kind="tenant", valid_from=D(2026, 7, 1), hourly_rate=Decimal("57.00")
    )
    assert RateCard.objects.get(pk=old.pk).hourly_rate == Decimal("55.00")
    assert list(placement.rates.values_list("hourly_rate", flat=True)) == [Decimal("55.00")]
    assert rate_card_rate_on(pool=pool, client_kind="tenant", day=D(2026, 6, 30)).hourly_rate == Decimal("55.00")
    assert rate_card_rate_on(pool=pool, client_kind="tenant", day=D(2026, 7, 1)).hourly_rate == Decimal("57.00")
    assert rate_card_rate_on(pool=pool, client_kind="tenant", day=D(2025, 12, 31)) is None
    assert rate_card_rate_on(pool=pool, client_kind="internal", day=D(2026, 7, 1)) is None


# --- delete ----------------------------------------------------------------------------------------


def test_a_future_card_may_be_withdrawn(pool: Pool, manager: User) -> None:
    card = RateCardFactory(pool=pool, valid_from=D(2026, 6, 16), hourly_rate=Decimal("58.00"))
    card_id = card.pk
    rate_card_delete(rate_card=card, actor=manager, today=TODAY)
    assert not RateCard.objects.filter(pk=card_id).exists()
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id, event.after) == (
        manager,
        "rate_card.delete",
        str(card_id),
        None,
    )
    assert event.before["hourly_rate"] == "58.00"
    assert event.before["valid_from"] == "2026-06-16"


@pytest.mark.parametrize("valid_from", [TODAY, D(2026, 1, 1)])
def test_a_card_in_force_cannot_be_withdrawn(pool: Pool, manager: User, valid_from: datetime.date) -> None:
    card = RateCardFactory(pool=pool, valid_from=valid_from)
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        rate_card_delete(rate_card=card, actor=manager, today=TODAY)
    assert excinfo.value.message_dict == {
        "valid_from": ["A rate that has taken effect cannot be deleted; add a newer rate."]
    }
    assert counts() == before
