"""Saving a secretary's week grid (secondments/services/timesheets.py: week_grid_save).

The clock is pinned to Monday 2026-06-15. ``world.placement`` (world.secretary at
world.client, monthly approval) runs from 2026-01-05 without an end.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import ApprovalPeriod, Placement, PlacementStatus, TimeEntry, Timesheet, TimesheetStatus
from secondments.services.timesheets import Cell, week_grid_save
from tests.conftest import World
from tests.factories import ClientFactory, PlacementFactory

D = datetime.date


def cell(placement: Placement, day: datetime.date, hours: str | None, description: str = "") -> Cell:
    return Cell(placement=placement, date=day, hours=None if hours is None else Decimal(hours), description=description)


def save(world: World, *cells: Cell, actor: User | None = None) -> list[Timesheet]:
    return week_grid_save(actor=actor or world.secretary.user, secretary=world.secretary, cells=list(cells))


def state() -> dict[str, Any]:
    return {
        "entries": sorted(
            TimeEntry.objects.values_list("timesheet__placement_id", "timesheet_id", "date", "hours", "description")
        ),
        "sheets": sorted(Timesheet.objects.values_list("id", "placement_id", "period_start", "period_end", "status")),
        "audit": AuditEvent.objects.count(),
    }


def refused(world: World, *cells: Cell) -> ApplicationError:
    before = state()
    with pytest.raises(ApplicationError) as excinfo:
        save(world, *cells)
    assert state() == before
    return excinfo.value


def entries(placement: Placement) -> list[tuple[datetime.date, Decimal, str]]:
    return list(TimeEntry.objects.filter(timesheet__placement=placement).values_list("date", "hours", "description"))


def entry_json(day: str, hours: str, description: str = "") -> dict[str, str]:
    return {"date": day, "hours": hours, "description": description}


# --- a plain save --------------------------------------------------------------------------------


def test_a_cell_makes_an_entry_on_the_month_sheet_and_one_audit_event(world: World) -> None:
    [sheet] = save(world, cell(world.placement, D(2026, 6, 10), "2.25", "Minutes of the board"))

    assert (sheet.placement_id, sheet.period_start, sheet.period_end, sheet.status) == (
        world.placement.pk,
        D(2026, 6, 1),
        D(2026, 6, 30),
        TimesheetStatus.OPEN,
    )
    assert list(sheet.entries.values_list("date", "hours", "description")) == [
        (D(2026, 6, 10), Decimal("2.25"), "Minutes of the board")
    ]
    [event] = AuditEvent.objects.all()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        world.secretary.user,
        "timesheet.entries_save",
        "secondments.timesheet",
        str(sheet.pk),
    )
    assert event.before == {"entries": []}
    assert event.after == {"entries": [entry_json("2026-06-10", "2.25", "Minutes of the board")]}


def test_a_team_manager_saving_for_the_secretary_is_the_audited_actor(world: World) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), "1.00"), actor=world.manager)
    [event] = AuditEvent.objects.all()
    assert event.actor == world.manager


def test_a_changed_entry_is_audited_with_before_and_after(world: World) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), "2.00", "Agenda"))
    [sheet] = save(world, cell(world.placement, D(2026, 6, 10), "3.50", "Agenda and minutes"))

    assert entries(world.placement) == [(D(2026, 6, 10), Decimal("3.50"), "Agenda and minutes")]
    event = AuditEvent.objects.order_by("id").last()
    assert event is not None
    assert (event.action, event.object_id) == ("timesheet.entries_save", str(sheet.pk))
    assert event.before == {"entries": [entry_json("2026-06-10", "2.00", "Agenda")]}
    assert event.after == {"entries": [entry_json("2026-06-10", "3.50", "Agenda and minutes")]}


# --- hours ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0.25", "0.50", "7.75", "12.00"])
def test_quarter_hours_up_to_the_cap_are_taken(world: World, hours: str) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), hours))
    assert entries(world.placement) == [(D(2026, 6, 10), Decimal(hours), "")]


@pytest.mark.parametrize(
    ("hours", "messages"),
    [
        ("1.10", ["Hours go in quarter-hour steps (0.25)."]),
        ("0.10", ["Hours go in quarter-hour steps (0.25)."]),
        ("2.33", ["Hours go in quarter-hour steps (0.25)."]),
        ("0.125", ["Hours go in quarter-hour steps (0.25)."]),
        ("-1.00", ["Hours must be more than 0."]),
        ("-0.25", ["Hours must be more than 0."]),
        (
            "25.00",
            ["A day has at most 24 hours.", "2026-06-10 would total 25.00 h; the daily maximum is 12 h."],
        ),
    ],
)
def test_bad_hours_are_refused_per_cell(world: World, hours: str, messages: list[str]) -> None:
    error = refused(world, cell(world.placement, D(2026, 6, 10), hours))
    assert error.message == "Nothing was saved: 1 cell(s) need correcting."
    assert error.fields == {"cells.0.hours": messages}


def test_the_cap_never_exceeds_24_hours(world: World, settings: Any) -> None:
    settings.DAILY_HOURS_CAP = 30
    save(world, cell(world.placement, D(2026, 6, 10), "24.00"))
    assert entries(world.placement) == [(D(2026, 6, 10), Decimal("24.00"), "")]

    error = refused(world, cell(world.placement, D(2026, 6, 11), "24.25"))
    assert error.fields == {
        "cells.0.hours": ["A day has at most 24 hours.", "2026-06-11 would total 24.25 h; the daily maximum is 24 h."]
    }


# --- the day must lie in the placement's active period, and not in the future -------------------


def test_days_outside_the_placement_are_refused(world: World) -> None:
    ended = PlacementFactory(
        secretary=world.secretary,
        client=ClientFactory(),
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        status=PlacementStatus.ENDED,
    )
    error = refused(
        world,
        cell(world.placement, D(2026, 1, 4), "1.00"),  # the day before it starts
        cell(ended, D(2026, 5, 29), "1.00"),
        cell(ended, D(2026, 6, 8), "1.00"),  # after it ended
    )
    assert error.message == "Nothing was saved: 3 cell(s) need correcting."
    outside = ["The day lies outside the placement's period."]
    assert error.fields == {"cells.0.date": outside, "cells.1.date": outside, "cells.2.date": outside}


def test_the_first_and_last_day_of_a_placement_and_an_ended_placement_take_hours(world: World) -> None:
    ended = PlacementFactory(
        secretary=world.secretary,
        client=ClientFactory(),
        start_date=D(2026, 6, 1),
        end_date=D(2026, 6, 5),
        status=PlacementStatus.ENDED,
    )
    save(world, cell(world.placement, D(2026, 1, 5), "1.00"), cell(ended, D(2026, 6, 1), "2.00"))
    save(world, cell(ended, D(2026, 6, 5), "3.00"))
    assert entries(world.placement) == [(D(2026, 1, 5), Decimal("1.00"), "")]
    assert entries(ended) == [(D(2026, 6, 1), Decimal("2.00"), ""), (D(2026, 6, 5), Decimal("3.00"), "")]


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.CANCELLED])
def test_draft_and_cancelled_placements_take_no_hours(world: World, status: str) -> None:
    placement = PlacementFactory(secretary=world.secretary, client=ClientFactory(), status=status)
    error = refused(world, cell(placement, D(2026, 6, 10), "1.00"))
    assert error.fields == {"cells.0.placement_id": [f"Hours cannot be logged on a {status} placement."]}


def test_today_takes_hours_but_tomorrow_does_not(world: World) -> None:
    error = refused(world, cell(world.placement, D(2026, 6, 16), "1.00"))
    assert error.fields == {"cells.0.date": ["Hours cannot be logged for a day in the future."]}

    save(world, cell(world.placement, D(2026, 6, 15), "1.00"))
    assert entries(world.placement) == [(D(2026, 6, 15), Decimal("1.00"), "")]


def test_another_secretarys_placement_and_a_repeated_day_are_refused(world: World) -> None:
    error = refused(
        world,
        cell(world.other_placement, D(2026, 6, 10), "1.00"),
        cell(world.placement, D(2026, 6, 10), "1.00"),
        cell(world.placement, D(2026, 6, 10), "2.00"),
    )
    assert error.fields == {
        "cells.0.placement_id": ["This placement is not the secretary's."],
        "cells.2.date": ["This placement and day occur twice in the grid."],
    }


# --- the daily cap across placements -------------------------------------------------------------


@pytest.fixture
def second(world: World) -> Placement:
    """A second placement of world.secretary, at another client."""
    return PlacementFactory(secretary=world.secretary, client=ClientFactory(legal_name="Initech B.V."))


def test_the_day_total_across_placements_is_capped_at_12(world: World, second: Placement) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), "8.00"))

    error = refused(world, cell(second, D(2026, 6, 10), "4.25"))
    assert error.fields == {"cells.0.hours": ["2026-06-10 would total 12.25 h; the daily maximum is 12 h."]}

    save(world, cell(second, D(2026, 6, 10), "4.00"))
    assert entries(second) == [(D(2026, 6, 10), Decimal("4.00"), "")]


def test_the_cap_follows_the_setting(world: World, second: Placement, settings: Any) -> None:
    settings.DAILY_HOURS_CAP = 8
    save(world, cell(world.placement, D(2026, 6, 10), "6.00"))

    error = refused(world, cell(second, D(2026, 6, 10), "2.25"))
    assert error.fields == {"cells.0.hours": ["2026-06-10 would total 8.25 h; the daily maximum is 8 h."]}

    save(world, cell(second, D(2026, 6, 10), "2.00"))
    assert entries(second) == [(D(2026, 6, 10), Decimal("2.00"), "")]


def test_cells_of_one_grid_add_up_and_each_contributing_cell_is_told(world: World, second: Placement) -> None:
    error = refused(
        world,
        cell(world.placement, D(2026, 6, 10), "6.00"),
        cell(second, D(2026, 6, 10), "6.25"),
        cell(world.placement, D(2026, 6, 11), "6.00"),
    )
    over = ["2026-06-10 would total 12.25 h; the daily maximum is 12 h."]
    assert error.fields == {"cells.0.hours": over, "cells.1.hours": over}


def test_the_grid_values_replace_the_stored_ones_in_the_total(world: World, second: Placement) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), "10.00"))
    save(world, cell(world.placement, D(2026, 6, 10), "4.00"), cell(second, D(2026, 6, 10), "8.00"))
    assert entries(world.placement) == [(D(2026, 6, 10), Decimal("4.00"), "")]
    assert entries(second) == [(D(2026, 6, 10), Decimal("8.00"), "")]


def test_another_secretarys_hours_do_not_count(world: World) -> None:
    week_grid_save(
        actor=world.other_secretary.user,
        secretary=world.other_secretary,
        cells=[cell(world.other_placement, D(2026, 6, 10), "12.00")],
    )
    save(world, cell(world.placement, D(2026, 6, 10), "12.00"))
    assert entries(world.placement) == [(D(2026, 6, 10), Decimal("12.00"), "")]


# --- all or nothing ------------------------------------------------------------------------------


def test_one_bad_cell_refuses_the_whole_grid_and_rolls_back_a_new_sheet(world: World) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), "2.00"))  # the June sheet exists; May has none yet
    sheets = Timesheet.objects.count()

    error = refused(
        world,
        cell(world.placement, D(2026, 5, 29), "3.00"),  # good, on a May sheet that would be made
        cell(world.placement, D(2026, 6, 10), "1.30"),
        cell(world.placement, D(2026, 6, 11), "2.00", "fine"),
        cell(world.placement, D(2026, 6, 17), "2.00"),
    )

    assert error.message == "Nothing was saved: 2 cell(s) need correcting."
    assert error.fields == {
        "cells.1.hours": ["Hours go in quarter-hour steps (0.25)."],
        "cells.3.date": ["Hours cannot be logged for a day in the future."],
    }
    assert Timesheet.objects.count() == sheets
    assert not Timesheet.objects.filter(period_start=D(2026, 5, 1)).exists()
    assert entries(world.placement) == [(D(2026, 6, 10), Decimal("2.00"), "")]


# --- locked and editable sheets ------------------------------------------------------------------


@pytest.mark.parametrize("status", [TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED, TimesheetStatus.INVOICED])
def test_entries_of_a_submitted_approved_or_invoiced_sheet_cannot_change(world: World, status: str) -> None:
    [sheet] = save(world, cell(world.placement, D(2026, 6, 10), "2.00"), cell(world.placement, D(2026, 6, 11), "3.00"))
    Timesheet.objects.filter(pk=sheet.pk).update(status=status)

    error = refused(
        world,
        cell(world.placement, D(2026, 6, 10), "2.50"),  # change
        cell(world.placement, D(2026, 6, 11), None),  # clear
        cell(world.placement, D(2026, 6, 12), "1.00"),  # add
    )

    locked = [f"The timesheet of this day is {status}; its hours cannot change."]
    assert error.message == "Nothing was saved: 3 cell(s) need correcting."
    assert error.fields == {"cells.0.hours": locked, "cells.1.hours": locked, "cells.2.hours": locked}


def test_a_locked_sheet_does_not_block_cells_of_another_sheet_but_refuses_the_grid(world: World) -> None:
    [may] = save(world, cell(world.placement, D(2026, 5, 29), "2.00"))
    Timesheet.objects.filter(pk=may.pk).update(status=TimesheetStatus.APPROVED)

    error = refused(world, cell(world.placement, D(2026, 5, 29), "1.00"), cell(world.placement, D(2026, 6, 1), "1.00"))
    assert error.fields == {"cells.0.hours": ["The timesheet of this day is approved; its hours cannot change."]}

    save(world, cell(world.placement, D(2026, 6, 1), "1.00"))
    assert entries(world.placement) == [(D(2026, 5, 29), Decimal("2.00"), ""), (D(2026, 6, 1), Decimal("1.00"), "")]


def test_a_rejected_sheet_is_editable_and_stays_rejected_until_resubmitted(world: World) -> None:
    [sheet] = save(world, cell(world.placement, D(2026, 6, 10), "2.00"))
    Timesheet.objects.filter(pk=sheet.pk).update(status=TimesheetStatus.REJECTED, rejection_reason="Wrong day")

    save(world, cell(world.placement, D(2026, 6, 10), None), cell(world.placement, D(2026, 6, 11), "2.00"))

    assert entries(world.placement) == [(D(2026, 6, 11), Decimal("2.00"), "")]
    sheet.refresh_from_db()
    assert (sheet.status, sheet.rejection_reason) == (TimesheetStatus.REJECTED, "Wrong day")


# --- clearing, unchanged cells, audit per sheet --------------------------------------------------


@pytest.mark.parametrize("hours", [None, "0", "0.00"])
def test_no_hours_deletes_the_entry(world: World, hours: str | None) -> None:
    [sheet] = save(world, cell(world.placement, D(2026, 6, 10), "2.00", "Agenda"))

    save(world, cell(world.placement, D(2026, 6, 10), hours))

    assert entries(world.placement) == []
    assert Timesheet.objects.filter(pk=sheet.pk).exists()  # the (now empty) sheet stays
    event = AuditEvent.objects.order_by("id").last()
    assert event is not None
    assert (event.action, event.before, event.after) == (
        "timesheet.entries_save",
        {"entries": [entry_json("2026-06-10", "2.00", "Agenda")]},
        {"entries": []},
    )


def test_unchanged_and_empty_cells_write_no_audit(world: World) -> None:
    save(world, cell(world.placement, D(2026, 6, 10), "2.00", "Agenda"))
    before = state()

    sheets = save(
        world,
        cell(world.placement, D(2026, 6, 10), "2.00", "Agenda"),
        cell(world.placement, D(2026, 6, 11), None),
        cell(world.placement, D(2026, 6, 12), "0"),
    )

    assert sheets == []  # nothing changed, so no sheet was touched (and no empty sheet was made)
    assert state() == before


def test_a_whole_week_sent_back_with_its_locked_days_unchanged_is_accepted(world: World) -> None:
    from secondments.services.timesheets import timesheet_submit

    [may] = save(world, cell(world.placement, D(2026, 5, 29), "2.00", "Post"))
    timesheet_submit(timesheet=may, actor=world.secretary.user)

    [june] = save(
        world,
        cell(world.placement, D(2026, 5, 29), "2.00", "Post"),  # on the submitted May sheet, unchanged
        cell(world.placement, D(2026, 6, 1), "3.00"),
    )

    assert june.period_start == D(2026, 6, 1)
    assert TimeEntry.objects.get(date=D(2026, 5, 29)).hours == Decimal("2.00")
    assert TimeEntry.objects.get(date=D(2026, 6, 1)).hours == Decimal("3.00")


def test_a_day_over_a_lowered_cap_can_be_brought_down(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    save(world, cell(world.placement, D(2026, 6, 10), "10.00"))
    settings.DAILY_HOURS_CAP = 8

    save(world, cell(world.placement, D(2026, 6, 10), "9.00"))

    assert TimeEntry.objects.get(date=D(2026, 6, 10)).hours == Decimal("9.00")


def test_one_audit_event_per_changed_sheet_holds_all_its_changed_entries(world: World, second: Placement) -> None:
    save(world, cell(world.placement, D(2026, 6, 8), "1.00"), cell(world.placement, D(2026, 6, 9), "1.00"))
    events = AuditEvent.objects.count()

    sheets = save(
        world,
        cell(world.placement, D(2026, 6, 8), "1.00"),  # unchanged
        cell(world.placement, D(2026, 6, 9), "2.00"),  # changed
        cell(world.placement, D(2026, 6, 10), "3.00", "new"),  # added
        cell(second, D(2026, 6, 10), "4.00"),  # another sheet
    )

    june, other = sorted(sheets, key=lambda s: s.placement_id != world.placement.pk)
    new = list(AuditEvent.objects.order_by("id")[events:])
    assert [(e.action, e.object_id) for e in new] == [
        ("timesheet.entries_save", str(june.pk)),
        ("timesheet.entries_save", str(other.pk)),
    ]
    assert new[0].before == {"entries": [entry_json("2026-06-09", "1.00")]}
    assert new[0].after == {"entries": [entry_json("2026-06-09", "2.00"), entry_json("2026-06-10", "3.00", "new")]}
    assert (new[1].before, new[1].after) == ({"entries": []}, {"entries": [entry_json("2026-06-10", "4.00")]})


# --- sheet periods -------------------------------------------------------------------------------


def test_a_weekly_client_gets_iso_week_sheets(world: World) -> None:
    world.client.approval_period = ApprovalPeriod.WEEKLY
    world.client.save()

    sheets = save(
        world,
        cell(world.placement, D(2026, 6, 7), "1.00"),  # Sunday of W23
        cell(world.placement, D(2026, 6, 8), "1.00"),  # Monday of W24
        cell(world.placement, D(2026, 6, 14), "1.00"),  # Sunday of W24
    )

    assert [(s.period_start, s.period_end) for s in sheets] == [
        (D(2026, 6, 1), D(2026, 6, 7)),
        (D(2026, 6, 8), D(2026, 6, 14)),
    ]
    assert [list(s.entries.values_list("date", flat=True)) for s in sheets] == [
        [D(2026, 6, 7)],
        [D(2026, 6, 8), D(2026, 6, 14)],
    ]


def test_a_week_across_two_months_touches_two_sheets_of_a_monthly_client(world: World) -> None:
    # 2026-W14 runs Monday 30 March .. Sunday 5 April.
    sheets = save(
        world,
        cell(world.placement, D(2026, 3, 30), "1.00"),
        cell(world.placement, D(2026, 3, 31), "2.00"),
        cell(world.placement, D(2026, 4, 1), "3.00"),
        cell(world.placement, D(2026, 4, 2), "4.00"),
    )

    assert [(s.period_start, s.period_end) for s in sheets] == [
        (D(2026, 3, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 4, 30)),
    ]
    assert [list(s.entries.values_list("date", "hours")) for s in sheets] == [
        [(D(2026, 3, 30), Decimal("1.00")), (D(2026, 3, 31), Decimal("2.00"))],
        [(D(2026, 4, 1), Decimal("3.00")), (D(2026, 4, 2), Decimal("4.00"))],
    ]
    events = AuditEvent.objects.order_by("id")
    assert [(e.object_id, e.after) for e in events] == [
        (str(sheets[0].pk), {"entries": [entry_json("2026-03-30", "1.00"), entry_json("2026-03-31", "2.00")]}),
        (str(sheets[1].pk), {"entries": [entry_json("2026-04-01", "3.00"), entry_json("2026-04-02", "4.00")]}),
    ]


def test_one_sheet_per_placement_and_period(world: World) -> None:
    [first] = save(world, cell(world.placement, D(2026, 6, 1), "1.00"))
    [again] = save(world, cell(world.placement, D(2026, 6, 12), "1.00"))

    assert again.pk == first.pk
    assert Timesheet.objects.filter(placement=world.placement).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Timesheet.objects.create(placement=world.placement, period_start=D(2026, 6, 1), period_end=D(2026, 6, 30))
