"""Forward revenue (billing/selectors/reports/forward.py): what the active placements will earn in the
three whole calendar months after today's, by the placements' rate windows.

The clock is pinned to Monday 2026-06-15: July (23 working days), August (21: 10 up to Sunday 16 August,
11 from the 17th) and September 2026 (22).
"""

import datetime
from decimal import Decimal
from typing import Any, cast

import pytest

from backend.core.tables import Table
from billing.selectors.reports.context import ReportContext, report_scope
from billing.selectors.reports.forward import forward_months, forward_revenue
from secondments.models import Client, Placement, PlacementStatus, Secretary
from secondments.services.placements import placement_change_rate
from tests.conftest import TODAY, World
from tests.factories import ClientFactory, PlacementFactory, SecretaryFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def context(
    world: World,
    *,
    pools: list[Any] | None = None,
    start: tuple[int, int] = (2026, 1),
    end: tuple[int, int] = (2026, 6),
) -> ReportContext:
    pool_ids = None if pools is None else frozenset(p.pk for p in pools)
    return ReportContext(report_scope(start=start, end=end, today=TODAY, pool_ids=pool_ids))


def rows(table: Table) -> list[dict[str, object]]:
    keys = [c.key for c in table.columns]
    return [{k: row[k] for k in keys} for row in table.rows]


def month(day: datetime.date, tenant: tuple[str, str], internal: tuple[str, str]) -> dict[str, object]:
    hours = Decimal(tenant[0]) + Decimal(internal[0])
    amount = Decimal(tenant[1]) + Decimal(internal[1])
    return {
        "month": day,
        "tenant_hours": Decimal(tenant[0]),
        "tenant_amount": Decimal(tenant[1]),
        "internal_hours": Decimal(internal[0]),
        "internal_amount": Decimal(internal[1]),
        "hours": hours,
        "amount": amount,
    }


@pytest.fixture
def placements(world: World) -> dict[str, Placement]:
    """Sanne at Acme 8 h at 55.00, 60.00 from 17 August; Bram at Globex 7.5 h at 55.55; Bram at a department
    4 h at 45.00 from 1 June to 14 August; Carla (Front office) at Globex 5 h at 50.00 from Wednesday
    16 September; and placements that earn nothing ahead: a draft, an ended one, one that ended in June
    and one that starts in October."""
    placement_change_rate(
        placement=world.placement, actor=world.manager, valid_from=D(2026, 8, 17), hourly_rate=Decimal("60.00")
    )
    world.other_placement.hours_per_week = Decimal("7.50")
    world.other_placement.save()
    world.other_placement.rates.update(hourly_rate=Decimal("55.55"))
    department = cast(Client, ClientFactory(internal=True))
    internal = PlacementFactory(
        secretary=world.other_secretary,
        client=department,
        start_date=D(2026, 6, 1),
        end_date=D(2026, 8, 14),
        hours_per_week=Decimal("4.00"),
        rate=Decimal("45.00"),
    )
    carla = cast(Secretary, SecretaryFactory(pool=world.pool))
    late = PlacementFactory(
        secretary=carla,
        client=world.other_client,
        start_date=D(2026, 9, 16),
        hours_per_week=Decimal("5.00"),
        rate=Decimal("50.00"),
    )
    sanne, acme = world.secretary, world.client
    PlacementFactory(secretary=sanne, client=acme, start_date=D(2026, 7, 1), status=PlacementStatus.DRAFT)
    PlacementFactory(
        secretary=sanne, client=acme, start_date=D(2026, 3, 2), end_date=D(2026, 9, 30), status=PlacementStatus.ENDED
    )
    PlacementFactory(secretary=carla, client=acme, start_date=D(2026, 3, 2), end_date=D(2026, 6, 30))
    PlacementFactory(secretary=carla, client=acme, start_date=D(2026, 10, 1))
    return {"internal": cast(Placement, internal), "late": cast(Placement, late)}


@pytest.mark.usefixtures("placements")
def test_forward_revenue_for_the_next_three_months(world: World) -> None:
    table = forward_revenue(context=context(world))

    assert rows(table) == [
        # Sanne 8 x 23 / 5 = 36.8 h x 55 = 2024.00; Bram 7.5 x 23 / 5 = 34.5 h x 55.55 = 1916.475 -> 1916.48
        # internal: 4 x 23 / 5 = 18.4 h x 45 = 828.00
        month(D(2026, 7, 1), ("71.30", "3940.48"), ("18.40", "828.00")),
        # Sanne 16 h x 55 + 17.6 h x 60 = 880.00 + 1056.00; Bram 31.5 h x 55.55 = 1749.825 -> 1749.83
        # internal: 10 working days to 14 August: 8 h x 45
        month(D(2026, 8, 1), ("65.10", "3685.83"), ("8.00", "360.00")),
        # Sanne 35.2 h x 60; Bram 33 h x 55.55 = 1833.15; Carla from the 16th: 11 days, 11 h x 50
        month(D(2026, 9, 1), ("79.20", "4495.15"), ("0", "0")),
    ]
    assert table.name == "forward_revenue"


@pytest.mark.usefixtures("placements")
def test_forward_revenue_of_one_pool(world: World) -> None:
    table = forward_revenue(context=context(world, pools=[world.pool]))

    assert rows(table) == [
        month(D(2026, 7, 1), ("36.80", "2024.00"), ("0", "0")),
        month(D(2026, 8, 1), ("33.60", "1936.00"), ("0", "0")),
        month(D(2026, 9, 1), ("46.20", "2662.00"), ("0", "0")),
    ]


@pytest.mark.usefixtures("placements")
def test_forward_revenue_looks_ahead_from_today_whatever_the_period(world: World) -> None:
    assert rows(forward_revenue(context=context(world, start=(2025, 1), end=(2025, 3)))) == rows(
        forward_revenue(context=context(world))
    )


def test_each_rate_part_is_rounded_to_cents(world: World) -> None:
    world.placement.hours_per_week = Decimal("7.75")
    world.placement.save()
    world.placement.rates.update(hourly_rate=Decimal("51.13"))
    placement_change_rate(
        placement=world.placement, actor=world.manager, valid_from=D(2026, 8, 17), hourly_rate=Decimal("52.27")
    )

    [_, august, _] = forward_revenue(context=context(world, pools=[world.pool])).rows

    # 7.75 x 10 / 5 = 15.5 h x 51.13 = 792.515 -> 792.52; 7.75 x 11 / 5 = 17.05 h x 52.27 = 891.2035 -> 891.20
    assert (august["tenant_hours"], august["tenant_amount"]) == (Decimal("32.55"), Decimal("1683.72"))


def test_no_active_placements_forecast_nothing(world: World) -> None:
    world.placement.status = PlacementStatus.ENDED
    world.placement.end_date = D(2026, 6, 12)
    world.placement.save()
    world.other_placement.status = PlacementStatus.CANCELLED
    world.other_placement.save()

    assert rows(forward_revenue(context=context(world))) == [
        month(D(2026, m, 1), ("0", "0"), ("0", "0")) for m in (7, 8, 9)
    ]


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (
            D(2026, 6, 15),
            [(D(2026, 7, 1), D(2026, 7, 31)), (D(2026, 8, 1), D(2026, 8, 31)), (D(2026, 9, 1), D(2026, 9, 30))],
        ),
        (
            D(2026, 11, 30),
            [(D(2026, 12, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 1, 31)), (D(2027, 2, 1), D(2027, 2, 28))],
        ),
        (
            D(2027, 12, 1),
            [(D(2028, 1, 1), D(2028, 1, 31)), (D(2028, 2, 1), D(2028, 2, 29)), (D(2028, 3, 1), D(2028, 3, 31))],
        ),
    ],
)
def test_the_three_whole_months_after_today_s(today: datetime.date, months: list[Any]) -> None:
    assert forward_months(today=today) == months
