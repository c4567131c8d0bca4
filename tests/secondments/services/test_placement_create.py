"""Placing a secretary with a client (secondments/services/placements.py: placement_create).

The factory secretary has 20 h a week to place (contract 36, base 16).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import (
    CapacityOverride,
    Client,
    Placement,
    PlacementRate,
    PlacementStatus,
    Pool,
    Secretary,
)
from secondments.services.placements import placement_create
from tests.factories import ClientFactory, PlacementFactory, PoolFactory, RateCardFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@dataclass
class Setup:
    manager: User
    pool: Pool
    secretary: Secretary
    client: Client


@pytest.fixture
def setup() -> Setup:
    manager = UserFactory(is_team_manager=True, full_name="Mira Manager")
    pool = PoolFactory(name="Front office", managers=[manager])
    RateCardFactory(pool=pool, client_kind="tenant", valid_from=D(2025, 1, 1), hourly_rate=Decimal("52.00"))
    RateCardFactory(pool=pool, client_kind="tenant", valid_from=D(2026, 1, 1), hourly_rate=Decimal("55.00"))
    RateCardFactory(pool=pool, client_kind="tenant", valid_from=D(2027, 1, 1), hourly_rate=Decimal("58.00"))
    RateCardFactory(pool=pool, client_kind="internal", valid_from=D(2025, 1, 1), hourly_rate=Decimal("45.00"))
    secretary = SecretaryFactory(pool=pool)
    return Setup(manager=manager, pool=pool, secretary=secretary, client=ClientFactory())


def counts() -> dict[str, int]:
    return {
        "placements": Placement.objects.count(),
        "rates": PlacementRate.objects.count(),
        "overrides": CapacityOverride.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def create(s: Setup, **kwargs: Any) -> Placement:
    params: dict[str, Any] = {
        "actor": s.manager,
        "secretary": s.secretary,
        "client": s.client,
        "start_date": D(2026, 7, 6),
        "end_date": D(2026, 9, 25),
        "hours_per_week": Decimal("8.00"),
    }
    params.update(kwargs)
    return placement_create(**params)


def refused(s: Setup, exc: type[Exception], **kwargs: Any) -> Any:
    before = counts()
    with pytest.raises(exc) as excinfo:
        create(s, **kwargs)
    assert counts() == before
    return excinfo.value


def test_creates_an_active_placement_with_the_rate_card_rate_and_one_audit_event(setup: Setup) -> None:
    placement = create(setup, purpose="Reception", notes="Mornings")
    placement.refresh_from_db()
    assert placement.secretary == setup.secretary
    assert placement.client == setup.client
    assert (placement.start_date, placement.end_date) == (D(2026, 7, 6), D(2026, 9, 25))
    assert placement.hours_per_week == Decimal("8.00")
    assert placement.status == PlacementStatus.ACTIVE
    assert placement.created_by == setup.manager
    assert list(placement.rates.values_list("valid_from", "hourly_rate", "source", "created_by")) == [
        (D(2026, 7, 6), Decimal("55.00"), PlacementRate.Source.RATE_CARD, setup.manager.pk)
    ]
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        setup.manager,
        "placement.create",
        "secondments.placement",
        str(placement.pk),
    )
    assert event.before is None
    assert event.after == {
        "id": placement.pk,
        "secretary_id": setup.secretary.pk,
        "client_id": setup.client.pk,
        "start_date": "2026-07-06",
        "end_date": "2026-09-25",
        "hours_per_week": "8.00",
        "purpose": "Reception",
        "status": "active",
        "notes": "Mornings",
        "created_by_id": setup.manager.pk,
        "created_at": "2026-06-15T08:00:00+00:00",
        "hourly_rate": "55.00",
        "rate_source": "rate_card",
    }
    assert CapacityOverride.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "rate"),
    [
        (D(2025, 1, 1), Decimal("52.00")),
        (D(2025, 12, 31), Decimal("52.00")),
        (D(2026, 1, 1), Decimal("55.00")),
        (D(2026, 7, 6), Decimal("55.00")),
        (D(2027, 1, 1), Decimal("58.00")),
    ],
)
def test_the_default_rate_is_the_card_in_force_on_the_start_date(
    setup: Setup, start: datetime.date, rate: Decimal
) -> None:
    placement = create(setup, start_date=start, end_date=start + datetime.timedelta(days=30))
    assert list(placement.rates.values_list("valid_from", "hourly_rate", "source")) == [
        (start, rate, PlacementRate.Source.RATE_CARD)
    ]


def test_the_default_rate_follows_the_client_kind(setup: Setup) -> None:
    internal = ClientFactory(internal=True)
    placement = create(setup, client=internal)
    assert placement.rates.get().hourly_rate == Decimal("45.00")


def test_no_rate_card_on_the_start_date_asks_for_a_rate(setup: Setup) -> None:
    exc = refused(setup, ValidationError, start_date=D(2024, 12, 31), end_date=D(2025, 1, 31))
    assert exc.message_dict == {
        "hourly_rate": ["No rate card of Front office for tenant clients on 2024-12-31; give a rate."]
    }


def test_no_rate_card_of_the_secretarys_pool_asks_for_a_rate(setup: Setup) -> None:
    other = SecretaryFactory(pool=PoolFactory(name="Back office"))
    exc = refused(setup, ValidationError, secretary=other)
    assert exc.message_dict == {
        "hourly_rate": ["No rate card of Back office for tenant clients on 2026-07-06; give a rate."]
    }


def test_an_explicit_rate_overrides_the_card(setup: Setup) -> None:
    placement = create(setup, hourly_rate=Decimal("61.50"))
    assert list(placement.rates.values_list("valid_from", "hourly_rate", "source")) == [
        (D(2026, 7, 6), Decimal("61.50"), PlacementRate.Source.OVERRIDE)
    ]
    event = AuditEvent.objects.get()
    assert (event.after["hourly_rate"], event.after["rate_source"]) == ("61.50", "override")


def test_an_explicit_rate_needs_no_rate_card(setup: Setup) -> None:
    placement = create(setup, start_date=D(2024, 6, 3), end_date=D(2024, 6, 28), hourly_rate=Decimal("50.00"))
    assert placement.rates.get().hourly_rate == Decimal("50.00")


def test_a_draft_may_be_created(setup: Setup) -> None:
    placement = create(setup, status=PlacementStatus.DRAFT)
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.DRAFT


@pytest.mark.parametrize("status", [PlacementStatus.ENDED, PlacementStatus.CANCELLED])
def test_a_new_placement_cannot_start_ended_or_cancelled(setup: Setup, status: str) -> None:
    exc = refused(setup, ValidationError, status=status)
    assert exc.message_dict == {"status": ["A new placement is a draft or active."]}


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        ({"hours_per_week": Decimal("0")}, {"hours_per_week": ["Hours per week must be more than 0."]}),
        ({"hours_per_week": Decimal("-1")}, {"hours_per_week": ["Hours per week must be more than 0."]}),
        (
            {"hours_per_week": Decimal("36.01")},
            {"hours_per_week": ["More than the secretary's contract of 36.00 h a week."]},
        ),
        ({"end_date": D(2026, 7, 5)}, {"end_date": ["A placement cannot end before it starts."]}),
    ],
)
def test_field_rules(setup: Setup, kwargs: dict[str, Any], errors: dict[str, list[str]]) -> None:
    exc = refused(setup, ValidationError, **kwargs)
    assert exc.message_dict == errors


def test_the_secretary_must_be_active(setup: Setup) -> None:
    setup.secretary.active = False
    setup.secretary.save()
    exc = refused(setup, ValidationError)
    assert exc.message_dict == {"secretary_id": ["This secretary is not active."]}


def test_the_client_must_be_active(setup: Setup) -> None:
    setup.client.active = False
    setup.client.save()
    exc = refused(setup, ValidationError)
    assert exc.message_dict == {"client_id": ["This client is not active."]}


@pytest.mark.parametrize(
    ("employment", "dates", "errors"),
    [
        (  # starts before the employment
            (D(2026, 7, 7), None),
            (D(2026, 7, 6), D(2026, 9, 25)),
            {"start_date": ["The secretary's employment starts on 2026-07-07."]},
        ),
        (  # ends after it
            (D(2020, 1, 1), D(2026, 9, 24)),
            (D(2026, 7, 6), D(2026, 9, 25)),
            {"end_date": ["The secretary's employment ends on 2026-09-24; end the placement by then."]},
        ),
        (  # open-ended past it
            (D(2020, 1, 1), D(2026, 12, 31)),
            (D(2026, 7, 6), None),
            {"end_date": ["The secretary's employment ends on 2026-12-31; end the placement by then."]},
        ),
    ],
)
def test_the_placement_lies_within_the_employment(
    setup: Setup,
    employment: tuple[datetime.date, datetime.date | None],
    dates: tuple[datetime.date, datetime.date | None],
    errors: dict[str, list[str]],
) -> None:
    setup.secretary.employment_start, setup.secretary.employment_end = employment
    setup.secretary.save()
    exc = refused(setup, ValidationError, start_date=dates[0], end_date=dates[1])
    assert exc.message_dict == errors


def test_the_placement_may_end_on_the_last_day_of_employment(setup: Setup) -> None:
    setup.secretary.employment_end = D(2026, 9, 25)
    setup.secretary.save()
    assert create(setup).end_date == D(2026, 9, 25)


# --- capacity ----------------------------------------------------------------------------------


def test_overbooking_is_refused_naming_the_weeks(setup: Setup) -> None:
    PlacementFactory(secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5))
    exc = refused(setup, ApplicationError, start_date=D(2026, 7, 6), end_date=D(2026, 7, 10))
    message = (
        "Not enough free capacity: 2026-W28 short 4.00 h. "
        "Shorten or reduce the placement, or override with a written reason."
    )
    assert exc.message == message
    assert exc.fields == {"hours_per_week": [message], "override_reason": ["Give a reason to place anyway."]}
    assert exc.extra == {"shortfall": [{"week": "2026-W28", "short": "4.00"}]}


def test_a_long_shortfall_names_six_weeks_and_lists_every_week_in_extra(setup: Setup) -> None:
    # 16 h taken from W28 to W36 (9 weeks); 8 more is 4 h short in each.
    PlacementFactory(secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5))
    exc = refused(setup, ApplicationError, start_date=D(2026, 7, 6), end_date=D(2026, 9, 4))
    assert exc.message == (
        "Not enough free capacity: 2026-W28 short 4.00 h, 2026-W29 short 4.00 h, 2026-W30 short 4.00 h, "
        "2026-W31 short 4.00 h, 2026-W32 short 4.00 h, 2026-W33 short 4.00 h, and 3 more weeks. "
        "Shorten or reduce the placement, or override with a written reason."
    )
    assert exc.extra == {"shortfall": [{"week": f"2026-W{w}", "short": "4.00"} for w in range(28, 37)]}


def test_a_partial_week_shortfall_is_pro_rata(setup: Setup) -> None:
    PlacementFactory(secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5))
    # 4 h free in W28. From Thursday 9 July 8 h a week takes 2/5 x 8 = 3.20 h: fits, 0.80 h left.
    create(setup, start_date=D(2026, 7, 9), end_date=D(2026, 7, 10))
    # From Wednesday 8 July another 8 h takes 3/5 x 8 = 4.80 h: 0.80 - 4.80 = 4.00 h short.
    exc = refused(setup, ApplicationError, start_date=D(2026, 7, 8), end_date=D(2026, 7, 10))
    assert exc.extra == {"shortfall": [{"week": "2026-W28", "short": "4.00"}]}


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.ACTIVE, PlacementStatus.ENDED])
def test_draft_active_and_ended_placements_block(setup: Setup, status: str) -> None:
    PlacementFactory(
        secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5), status=status
    )
    refused(setup, ApplicationError)


def test_cancelled_placements_do_not_block(setup: Setup) -> None:
    PlacementFactory(
        secretary=setup.secretary,
        hours_per_week=Decimal("16.00"),
        start_date=D(2026, 1, 5),
        status=PlacementStatus.CANCELLED,
    )
    assert create(setup).pk is not None
    assert CapacityOverride.objects.count() == 0


def test_a_draft_is_checked_like_an_active_placement(setup: Setup) -> None:
    PlacementFactory(secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5))
    refused(setup, ApplicationError, status=PlacementStatus.DRAFT)


def test_an_open_ended_placement_is_checked_ahead(setup: Setup) -> None:
    PlacementFactory(
        secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2027, 3, 1), end_date=D(2027, 3, 5)
    )
    exc = refused(setup, ApplicationError, end_date=None)
    assert exc.extra == {"shortfall": [{"week": "2027-W09", "short": "4.00"}]}


def test_a_blank_override_reason_does_not_override(setup: Setup) -> None:
    PlacementFactory(secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5))
    refused(setup, ApplicationError, override_reason="   ")


def test_an_override_with_a_reason_places_and_records_it(setup: Setup) -> None:
    PlacementFactory(secretary=setup.secretary, hours_per_week=Decimal("16.00"), start_date=D(2026, 1, 5))
    before = counts()
    placement = create(setup, end_date=D(2026, 7, 17), override_reason="  Urgent cover for the board.  ")
    assert counts() == {
        "placements": before["placements"] + 1,
        "rates": before["rates"] + 1,
        "overrides": 1,
        "audit": before["audit"] + 2,
    }
    override = CapacityOverride.objects.get()
    shortfall = [{"week": "2026-W28", "short": "4.00"}, {"week": "2026-W29", "short": "4.00"}]
    assert (override.placement, override.actor, override.reason, override.shortfall) == (
        placement,
        setup.manager,
        "Urgent cover for the board.",
        shortfall,
    )
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.actor, e.object_id) for e in events] == [
        ("placement.capacity_override", setup.manager, str(placement.pk)),
        ("placement.create", setup.manager, str(placement.pk)),
    ]
    assert events[0].before is None
    assert events[0].after == {"override_id": override.pk, "shortfall": shortfall}
    assert events[0].reason == "Urgent cover for the board."


def test_an_override_reason_without_a_shortfall_records_nothing(setup: Setup) -> None:
    create(setup, override_reason="Just in case")
    assert CapacityOverride.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["placement.create"]


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("-55.00")])
def test_an_explicit_rate_must_be_more_than_zero(setup: Setup, rate: Decimal) -> None:
    exc = refused(setup, ValidationError, hourly_rate=rate)
    assert exc.message_dict == {"hourly_rate": ["The rate must be more than 0."]}
