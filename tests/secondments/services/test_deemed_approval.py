"""Deemed approval: a client may accept hours automatically after N working days
(secondments/services/timesheets.py: deemed_approval_due, timesheets_deem_approved;
the Celery task and the ``deem_approvals`` command).

The rule observed: with ``Client.deemed_approval_days = N`` a sheet submitted on
day S (its local date in Europe/Amsterdam) is due on ``add_working_days(S, N + 1)``:
the client has N whole working days after the submission day, and the sheet is
deemed approved from the working day after those. Weekends are skipped, public
holidays are not modelled. N = 0 makes it due on the submission day itself. With
N None (the default) a sheet is never deemed approved.
"""

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from backend.core.models import AuditEvent
from backend.core.periods import add_working_days
from secondments import tasks
from secondments.models import ApprovalKind, Timesheet, TimesheetStatus
from secondments.services.timesheets import (
    Cell,
    deemed_approval_due,
    timesheet_approve,
    timesheet_evidence_hash,
    timesheet_reject,
    timesheet_submit,
    timesheets_deem_approved,
    week_grid_save,
)
from tests.conftest import World

D = datetime.date
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FRIDAY = D(2026, 6, 19)


@contextmanager
def on(day: datetime.date, hour: int = 10, minute: int = 0) -> Iterator[None]:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(hour, minute), AMSTERDAM), tick=False):
        yield


def june_sheet(world: World) -> Timesheet:
    """Hours on Monday 8 .. Friday 12 June, logged on the pinned 15 June."""
    [sheet] = week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[
            Cell(placement=world.placement, date=D(2026, 6, day), hours=Decimal("2.00"), description="Reception")
            for day in range(8, 13)
        ],
    )
    return sheet


def deem_after(world: World, days: int | None) -> None:
    world.client.deemed_approval_days = days
    world.client.save()


def submitted_on(world: World, day: datetime.date, hour: int = 10, minute: int = 0) -> Timesheet:
    sheet = june_sheet(world)
    with on(day, hour, minute):
        return timesheet_submit(timesheet=sheet, actor=world.secretary.user)


def status(sheet: Timesheet) -> str:
    return Timesheet.objects.get(pk=sheet.pk).status


def test_off_by_default_a_sheet_is_never_deemed_approved(world: World) -> None:
    assert world.client.deemed_approval_days is None
    sheet = submitted_on(world, FRIDAY)

    assert deemed_approval_due(timesheet=sheet) is None
    with on(D(2027, 6, 18)):
        assert timesheets_deem_approved() == 0
    assert status(sheet) == TimesheetStatus.SUBMITTED


def test_submitted_on_a_friday_with_two_days_it_is_approved_on_wednesday(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY)

    assert deemed_approval_due(timesheet=sheet) == D(2026, 6, 24) == add_working_days(FRIDAY, 3)
    for day in (D(2026, 6, 20), D(2026, 6, 21), D(2026, 6, 22), D(2026, 6, 23)):  # Sat, Sun, Mon, Tue
        with on(day, 23, 59):
            assert timesheets_deem_approved() == 0
        assert status(sheet) == TimesheetStatus.SUBMITTED
    with on(D(2026, 6, 24), 0, 5):  # Wednesday, just after midnight in Amsterdam (Tuesday 22:05 UTC)
        assert timesheets_deem_approved() == 1
    assert status(sheet) == TimesheetStatus.APPROVED


@pytest.mark.parametrize(
    ("submitted", "days", "due"),
    [
        (D(2026, 6, 15), 0, D(2026, 6, 15)),  # Monday, 0 days: due the same day
        (D(2026, 6, 15), 1, D(2026, 6, 17)),  # Monday, 1 day: Tuesday passes, Wednesday due
        (D(2026, 6, 15), 2, D(2026, 6, 18)),
        (D(2026, 6, 15), 5, D(2026, 6, 23)),  # a whole working week passes, then one more day
        (D(2026, 6, 18), 1, D(2026, 6, 22)),  # Thursday: Friday passes, Monday due
        (D(2026, 6, 19), 1, D(2026, 6, 23)),  # Friday: Monday passes, Tuesday due
        (D(2026, 6, 20), 2, D(2026, 6, 24)),  # Saturday (a manager submitting): as if Friday
        (D(2026, 6, 21), 2, D(2026, 6, 24)),  # Sunday: as if Friday
    ],
)
def test_the_due_day_skips_weekends(world: World, submitted: datetime.date, days: int, due: datetime.date) -> None:
    deem_after(world, days)
    sheet = submitted_on(world, submitted)

    assert deemed_approval_due(timesheet=sheet) == due
    if due > submitted:
        with on(due - datetime.timedelta(days=1), 23, 59):
            assert timesheets_deem_approved() == 0
    with on(due, 23, 59):
        assert timesheets_deem_approved() == 1


def test_the_submission_day_is_the_local_day(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY, 23, 30)  # 21:30 UTC: still Friday in Amsterdam
    assert deemed_approval_due(timesheet=sheet) == D(2026, 6, 24)


def test_a_deemed_approval_records_no_approver_and_is_audited(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY)
    events = AuditEvent.objects.count()

    with on(D(2026, 6, 24), 7):
        timesheets_deem_approved()

    sheet = Timesheet.objects.get(pk=sheet.pk)
    approved_at = datetime.datetime(2026, 6, 24, 5, 0, tzinfo=datetime.UTC)
    assert (sheet.status, sheet.approval_kind, sheet.approved_by, sheet.approval_ip, sheet.approved_at) == (
        TimesheetStatus.APPROVED,
        ApprovalKind.DEEMED,
        None,
        None,
        approved_at,
    )
    assert sheet.approval_hash == timesheet_evidence_hash(timesheet=sheet, entries=list(sheet.entries.all()))
    [event] = AuditEvent.objects.order_by("id")[events:]
    assert (event.actor, event.action, event.object_id) == (None, "timesheet.deemed_approve", str(sheet.pk))
    assert event.before == {"status": "submitted"}
    assert event.after == {
        "status": "approved",
        "approval_kind": "deemed",
        "approved_at": "2026-06-24T05:00:00+00:00",
        "approved_by": None,
        "ip": None,
        "sha256": sheet.approval_hash,
        "entries": [
            {"date": f"2026-06-{day:02d}", "hours": "2.00", "description": "Reception"} for day in range(8, 13)
        ],
    }


def test_running_again_approves_nothing_more(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY)
    with on(D(2026, 6, 24)):
        assert timesheets_deem_approved() == 1
    events = AuditEvent.objects.count()
    approved_at = Timesheet.objects.get(pk=sheet.pk).approved_at

    with on(D(2026, 6, 25)):
        assert timesheets_deem_approved() == 0

    assert AuditEvent.objects.count() == events
    assert Timesheet.objects.get(pk=sheet.pk).approved_at == approved_at


def test_only_submitted_sheets_are_deemed_approved(world: World) -> None:
    deem_after(world, 0)
    rejected = submitted_on(world, D(2026, 6, 15))
    timesheet_reject(timesheet=rejected, actor=world.approver, reason="Wrong client.")
    [open_may] = week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[Cell(placement=world.placement, date=D(2026, 5, 4), hours=Decimal("1.00"))],
    )
    events = AuditEvent.objects.count()

    with on(D(2026, 7, 15)):
        assert timesheets_deem_approved() == 0

    assert (status(rejected), status(open_may)) == (TimesheetStatus.REJECTED, TimesheetStatus.OPEN)
    assert AuditEvent.objects.count() == events


def test_an_explicit_approval_before_the_due_day_stays_explicit(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY)
    with on(D(2026, 6, 22)):
        timesheet_approve(timesheet=sheet, actor=world.approver, ip="203.0.113.7")

    with on(D(2026, 6, 24)):
        assert timesheets_deem_approved() == 0

    sheet = Timesheet.objects.get(pk=sheet.pk)
    assert (sheet.approval_kind, sheet.approved_by) == (ApprovalKind.EXPLICIT, world.approver)


def test_a_resubmitted_sheet_counts_from_its_new_submission(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, D(2026, 6, 15))  # due Thursday 18th
    with on(D(2026, 6, 16)):
        timesheet_reject(timesheet=sheet, actor=world.approver, reason="Split the 10th.")
    with on(FRIDAY):
        timesheet_submit(timesheet=sheet, actor=world.secretary.user)

    assert deemed_approval_due(timesheet=Timesheet.objects.get(pk=sheet.pk)) == D(2026, 6, 24)
    with on(D(2026, 6, 23)):
        assert timesheets_deem_approved() == 0


def test_another_clients_setting_does_not_apply(world: World) -> None:
    world.other_client.deemed_approval_days = 0
    world.other_client.save()
    sheet = submitted_on(world, FRIDAY)
    with on(D(2026, 7, 31)):
        assert timesheets_deem_approved() == 0
    assert status(sheet) == TimesheetStatus.SUBMITTED


# --- the Celery task and the command do the same -------------------------------------------------


@pytest.mark.parametrize("run", ["delay", "apply"])
def test_the_celery_task_deems_approved(world: World, run: str) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY)
    task: Any = tasks.timesheets_deem_approved

    with on(D(2026, 6, 23)):
        assert getattr(task, run)().get() == 0
    with on(D(2026, 6, 24)):
        assert getattr(task, run)().get() == 1
        assert getattr(task, run)().get() == 0

    assert task.name == "secondments.tasks.timesheets_deem_approved"
    sheet = Timesheet.objects.get(pk=sheet.pk)
    assert (sheet.status, sheet.approval_kind) == (TimesheetStatus.APPROVED, ApprovalKind.DEEMED)
    assert AuditEvent.objects.filter(action="timesheet.deemed_approve").count() == 1


def test_the_command_deems_approved(world: World) -> None:
    deem_after(world, 2)
    sheet = submitted_on(world, FRIDAY)

    def run() -> str:
        out = io.StringIO()
        call_command("deem_approvals", stdout=out)
        return out.getvalue()

    with on(D(2026, 6, 23)):
        assert run() == "0 timesheet(s) deemed approved.\n"
    with on(D(2026, 6, 24)):
        assert run() == "1 timesheet(s) deemed approved.\n"
        assert run() == "0 timesheet(s) deemed approved.\n"

    sheet = Timesheet.objects.get(pk=sheet.pk)
    assert (sheet.status, sheet.approval_kind, sheet.approved_by) == (
        TimesheetStatus.APPROVED,
        ApprovalKind.DEEMED,
        None,
    )
    assert AuditEvent.objects.filter(action="timesheet.deemed_approve").count() == 1
