"""The sheets' summary columns (secondments/services/timesheets.py: timesheets_totals_refresh).

``Timesheet.hours_total`` is the sum of the sheet's entries; ``amount_total`` what those hours
earn at the placement's rates: per rate window, hours x rate rounded half-up to cents, and
nothing for hours on days before the placement's first rate. They are refreshed by
``week_grid_save``, ``placement_change_rate`` and a draft's start move
(secondments/services/placements.py), and equal the invoice lines the run makes.

The clock is pinned to Monday 2026-06-15; May and April 2026 sheets are monthly (world.client).
"""

import datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.core.exceptions import ApplicationError
from billing.models import InvoiceLine
from billing.services.runs import invoice_run_start
from secondments.models import Placement, PlacementRate, PlacementStatus, TimeEntry, Timesheet, TimesheetStatus
from secondments.services.placements import placement_change_rate, placement_create, placement_update
from secondments.services.timesheets import (
    Cell,
    timesheet_approve,
    timesheet_submit,
    timesheets_totals_refresh,
    week_grid_save,
)
from tests.conftest import World
from tests.factories import PlacementFactory, RateCardFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def save(world: World, placement: Placement, hours: dict[datetime.date, str | None]) -> list[Timesheet]:
    cells = [Cell(placement=placement, date=d, hours=None if h is None else Decimal(h)) for d, h in hours.items()]
    return week_grid_save(actor=world.secretary.user, secretary=placement.secretary, cells=cells)


def totals(placement: Placement) -> list[tuple[datetime.date, Decimal, Decimal]]:
    """(period start, hours_total, amount_total) of the placement's sheets, oldest first."""
    return list(
        Timesheet.objects.filter(placement=placement)
        .order_by("period_start")
        .values_list("period_start", "hours_total", "amount_total")
    )


def at_50_10(world: World) -> Placement:
    """The world's secretary at the world's tenant, 50.10 an hour from Monday 5 January 2026."""
    return cast(
        Placement,
        PlacementFactory(secretary=world.secretary, client=world.client, rate=Decimal("50.10"), hours_per_week=4),
    )


# --- week_grid_save -----------------------------------------------------------------------------------


def test_a_grid_save_keeps_the_totals_through_create_change_and_delete(world: World) -> None:
    p = world.placement  # 55.00 an hour
    save(world, p, {D(2026, 5, 4): "3.25", D(2026, 5, 5): "2.50"})
    assert totals(p) == [(D(2026, 5, 1), Decimal("5.75"), Decimal("316.25"))]

    save(world, p, {D(2026, 5, 5): "4.00"})  # changed
    assert totals(p) == [(D(2026, 5, 1), Decimal("7.25"), Decimal("398.75"))]

    save(world, p, {D(2026, 5, 4): None})  # deleted
    assert totals(p) == [(D(2026, 5, 1), Decimal("4.00"), Decimal("220.00"))]

    save(world, p, {D(2026, 5, 5): "0"})  # the last entry deleted: the sheet stays, with nothing on it
    assert totals(p) == [(D(2026, 5, 1), Decimal("0.00"), Decimal("0.00"))]
    assert TimeEntry.objects.count() == 0


def test_one_grid_save_over_two_placements_and_two_sheets_totals_each(world: World) -> None:
    second = at_50_10(world)
    cells = [
        Cell(placement=world.placement, date=D(2026, 4, 30), hours=Decimal("1.25")),  # April sheet
        Cell(placement=world.placement, date=D(2026, 5, 1), hours=Decimal("2.75")),  # May sheet
        Cell(placement=second, date=D(2026, 4, 30), hours=Decimal("0.25")),  # 12.525 -> 12.53
        Cell(placement=second, date=D(2026, 5, 1), hours=Decimal("3.00")),
    ]
    week_grid_save(actor=world.secretary.user, secretary=world.secretary, cells=cells)

    assert totals(world.placement) == [
        (D(2026, 4, 1), Decimal("1.25"), Decimal("68.75")),
        (D(2026, 5, 1), Decimal("2.75"), Decimal("151.25")),
    ]
    assert totals(second) == [
        (D(2026, 4, 1), Decimal("0.25"), Decimal("12.53")),
        (D(2026, 5, 1), Decimal("3.00"), Decimal("150.30")),
    ]


def test_a_refused_grid_save_leaves_the_totals_as_they_were(world: World) -> None:
    save(world, world.placement, {D(2026, 5, 4): "2.00"})
    with pytest.raises(ApplicationError, match="Nothing was saved"):
        save(world, world.placement, {D(2026, 5, 5): "3.00", D(2026, 6, 16): "1.00"})  # the 16th is tomorrow

    assert totals(world.placement) == [(D(2026, 5, 1), Decimal("2.00"), Decimal("110.00"))]


# --- rate changes ---------------------------------------------------------------------------------------


def test_a_rate_change_from_mid_period_splits_the_amount_half_up_per_rate_window(world: World) -> None:
    p = at_50_10(world)
    save(world, p, {D(2026, 4, 13): "2.50"})
    save(world, p, {D(2026, 5, 4): "0.25", D(2026, 5, 5): "0.25", D(2026, 5, 6): "0.25", D(2026, 5, 7): "0.25"})
    save(world, p, {D(2026, 6, 1): "1.00"})
    assert totals(p) == [
        (D(2026, 4, 1), Decimal("2.50"), Decimal("125.25")),
        (D(2026, 5, 1), Decimal("1.00"), Decimal("50.10")),
        (D(2026, 6, 1), Decimal("1.00"), Decimal("50.10")),
    ]

    placement_change_rate(placement=p, actor=world.manager, valid_from=D(2026, 5, 7), hourly_rate=Decimal("50.30"))

    # May: 0.75 h x 50.10 = 37.575 -> 37.58 and 0.25 h x 50.30 = 12.575 -> 12.58. Rounding the month
    # as a whole would give 50.15, rounding each entry 50.17.
    assert totals(p) == [
        (D(2026, 4, 1), Decimal("2.50"), Decimal("125.25")),  # ended before the change: as it was
        (D(2026, 5, 1), Decimal("1.00"), Decimal("50.16")),
        (D(2026, 6, 1), Decimal("1.00"), Decimal("50.30")),
    ]


def test_a_second_rate_change_in_the_same_period_makes_three_windows(world: World) -> None:
    p = world.placement
    save(world, p, {D(2026, 5, d): "1.50" for d in (4, 11, 18, 25)})
    placement_change_rate(placement=p, actor=world.manager, valid_from=D(2026, 5, 11), hourly_rate=Decimal("60.00"))
    placement_change_rate(placement=p, actor=world.manager, valid_from=D(2026, 5, 25), hourly_rate=Decimal("62.33"))

    # 1.5 x 55 + 3 x 60 + 1.5 x 62.33 (93.495 -> 93.50)
    assert totals(p) == [(D(2026, 5, 1), Decimal("6.00"), Decimal("356.00"))]


def test_a_draft_start_move_re_prices_the_sheet_and_hours_before_the_first_rate_earn_nothing(world: World) -> None:
    RateCardFactory(pool=world.pool, client_kind="tenant", valid_from=D(2026, 5, 6), hourly_rate="58.00")
    draft = placement_create(
        actor=world.manager,
        secretary=world.secretary,
        client=world.client,
        start_date=D(2026, 5, 4),
        end_date=None,
        hours_per_week=Decimal("4.00"),
        status=PlacementStatus.DRAFT,
    )
    assert list(draft.rates.values_list("valid_from", "hourly_rate", "source")) == [
        (D(2026, 5, 4), Decimal("55.00"), PlacementRate.Source.RATE_CARD)
    ]
    # A draft takes no hours through the grid; this sheet stands for hours logged before it went back to draft.
    sheet = Timesheet.objects.create(placement=draft, period_start=D(2026, 5, 1), period_end=D(2026, 5, 31))
    TimeEntry.objects.bulk_create(
        [TimeEntry(timesheet=sheet, date=D(2026, 5, d), hours=Decimal("1.25")) for d in (4, 5, 6, 7, 8)]
    )
    timesheets_totals_refresh(timesheet_ids=[sheet.pk])
    assert totals(draft) == [(D(2026, 5, 1), Decimal("6.25"), Decimal("343.75"))]

    placement_update(placement=draft, actor=world.manager, data={"start_date": D(2026, 5, 6)})

    # The first rate moves to the 6th at the card's 58.00: the 4th and 5th have no rate and earn nothing.
    assert totals(draft) == [(D(2026, 5, 1), Decimal("6.25"), Decimal("217.50"))]

    placement_update(placement=draft, actor=world.manager, data={"start_date": D(2026, 5, 4)})

    assert totals(draft) == [(D(2026, 5, 1), Decimal("6.25"), Decimal("343.75"))]


def test_hours_before_the_first_rate_are_counted_but_earn_nothing(world: World) -> None:
    p = at_50_10(world)
    PlacementRate.objects.filter(placement=p).update(valid_from=D(2026, 5, 6))
    sheet = Timesheet.objects.create(placement=p, period_start=D(2026, 5, 1), period_end=D(2026, 5, 31))
    TimeEntry.objects.bulk_create(
        [TimeEntry(timesheet=sheet, date=D(2026, 5, d), hours=Decimal(h)) for d, h in ((5, "3.00"), (6, "2.00"))]
    )

    timesheets_totals_refresh(timesheet_ids=[sheet.pk])

    assert totals(p) == [(D(2026, 5, 1), Decimal("5.00"), Decimal("100.20"))]


# --- the refresh itself -----------------------------------------------------------------------------------


def test_the_refresh_is_idempotent_and_repairs_a_stale_sheet(world: World) -> None:
    [may] = save(world, world.placement, {D(2026, 5, 4): "3.25", D(2026, 5, 5): "2.50"})
    [april] = save(world, world.placement, {D(2026, 4, 13): "1.00"})
    expected = [
        (D(2026, 4, 1), Decimal("1.00"), Decimal("55.00")),
        (D(2026, 5, 1), Decimal("5.75"), Decimal("316.25")),
    ]

    timesheets_totals_refresh(timesheet_ids=[may.pk, april.pk])
    timesheets_totals_refresh(timesheet_ids=[may.pk, may.pk, april.pk])  # a sheet named twice counts once
    assert totals(world.placement) == expected

    Timesheet.objects.filter(pk=may.pk).update(hours_total=Decimal("99.00"), amount_total=Decimal("1.00"))
    timesheets_totals_refresh(timesheet_ids=[april.pk])  # only the sheets named are touched
    assert totals(world.placement)[1] == (D(2026, 5, 1), Decimal("99.00"), Decimal("1.00"))

    timesheets_totals_refresh(timesheet_ids=[may.pk])
    assert totals(world.placement) == expected


def test_nothing_to_refresh_reads_nothing_and_many_sheets_take_as_many_queries_as_one(world: World) -> None:
    sheets = [save(world, world.placement, {D(2026, m, 2): "1.00"})[0] for m in (2, 3, 4, 5)]

    with CaptureQueriesContext(connection) as none:
        timesheets_totals_refresh(timesheet_ids=[])
    with CaptureQueriesContext(connection) as one:
        timesheets_totals_refresh(timesheet_ids=[sheets[0].pk])
    with CaptureQueriesContext(connection) as four:
        timesheets_totals_refresh(timesheet_ids=[s.pk for s in sheets])

    assert (len(none), len(four)) == (0, len(one))


def test_an_unknown_sheet_id_is_ignored(world: World) -> None:
    [may] = save(world, world.placement, {D(2026, 5, 4): "2.00"})

    timesheets_totals_refresh(timesheet_ids=[may.pk, may.pk + 1000])

    assert totals(world.placement) == [(D(2026, 5, 1), Decimal("2.00"), Decimal("110.00"))]


# --- what the invoice run bills --------------------------------------------------------------------------------


def _approve(world: World, sheets: list[Timesheet], approver: Any) -> None:
    for sheet in sheets:
        timesheet_approve(
            timesheet=timesheet_submit(timesheet=sheet, actor=world.secretary.user), actor=approver, ip="192.0.2.1"
        )


def test_the_totals_equal_the_lines_the_invoice_run_makes_for_each_sheet(world: World) -> None:
    split = at_50_10(world)
    save(world, split, {D(2026, 4, 28): "0.25", D(2026, 4, 29): "0.75"})
    save(world, split, {D(2026, 5, 4): "0.25", D(2026, 5, 5): "0.25", D(2026, 5, 6): "0.25", D(2026, 5, 7): "0.25"})
    save(world, world.placement, {D(2026, 5, 12): "7.75", D(2026, 5, 13): "0.50"})
    placement_change_rate(placement=split, actor=world.manager, valid_from=D(2026, 5, 7), hourly_rate=Decimal("50.30"))
    _approve(world, list(Timesheet.objects.order_by("pk")), world.approver)
    sheets = {
        pk: (hours, amount) for pk, hours, amount in Timesheet.objects.values_list("pk", "hours_total", "amount_total")
    }

    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)

    billed: dict[int, tuple[Decimal, Decimal]] = {}
    lines = InvoiceLine.objects.order_by("pk").values_list("timesheet_id", "quantity", "amount")
    for sheet_id, quantity, amount in lines:
        hours, total = billed.get(sheet_id, (Decimal(0), Decimal(0)))
        billed[sheet_id] = (hours + quantity, total + amount)
    assert billed == sheets
    assert sorted(sheets.values()) == [
        (Decimal("1.00"), Decimal("50.10")),
        (Decimal("1.00"), Decimal("50.16")),  # two lines: 37.58 + 12.58
        (Decimal("8.25"), Decimal("453.75")),
    ]
    assert InvoiceLine.objects.count() == 4
    assert set(Timesheet.objects.values_list("status", flat=True)) == {TimesheetStatus.INVOICED}


def test_the_migration_fills_the_columns_of_sheets_that_held_hours_before(world: World) -> None:
    """secondments/migrations/0003_timesheet_totals.py backfills with the service's arithmetic."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("secondments.migrations.0003_timesheet_totals")
    placement = at_50_10(world)
    save(world, placement, {D(2026, 5, 4): "3.25", D(2026, 5, 5): "1.50", D(2026, 6, 1): "2.00"})
    expected = totals(placement)
    Timesheet.objects.update(hours_total=Decimal(0), amount_total=Decimal(0))

    migration.totals_backfill(apps, None)

    assert (
        totals(placement)
        == expected
        == [
            (D(2026, 5, 1), Decimal("4.75"), Decimal("237.98")),
            (D(2026, 6, 1), Decimal("2.00"), Decimal("100.20")),
        ]
    )
