"""Submitting, approving, rejecting, reopening and invoicing timesheets
(secondments/services/timesheets.py). The clock is pinned to 2026-06-15 08:00 UTC."""

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from backend.core.periods import IsoWeek
from secondments.models import ApprovalKind, TimeEntry, Timesheet, TimesheetStatus
from secondments.selectors.timesheets import week_grid
from secondments.services.timesheets import (
    Cell,
    timesheet_approve,
    timesheet_evidence_hash,
    timesheet_reject,
    timesheet_reopen,
    timesheet_submit,
    timesheets_approve,
    timesheets_mark_invoiced,
    week_grid_save,
)
from tests.conftest import World

D = datetime.date
NOW = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)
IP = "203.0.113.7"


def log(world: World, hours: dict[datetime.date, str], description: str = "") -> Timesheet:
    """world.secretary logs ``hours`` on world.placement; all days in one (monthly) period."""
    [sheet] = week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[
            Cell(placement=world.placement, date=day, hours=Decimal(h), description=description)
            for day, h in hours.items()
        ],
    )
    return sheet


def june(world: World) -> Timesheet:
    return log(world, {D(2026, 6, 8): "2.00", D(2026, 6, 9): "3.50"}, "Minutes")


def submitted(world: World, sheet: Timesheet | None = None) -> Timesheet:
    return timesheet_submit(timesheet=sheet or june(world), actor=world.secretary.user)


def approved(world: World) -> Timesheet:
    return timesheet_approve(timesheet=submitted(world), actor=world.approver, ip=IP)


def state() -> dict[str, Any]:
    return {
        "sheets": list(Timesheet.objects.order_by("id").values()),
        "entries": list(TimeEntry.objects.order_by("id").values("timesheet_id", "date", "hours", "description")),
        "audit": AuditEvent.objects.count(),
    }


def refused(exc: type[Exception], call: Any, **kwargs: Any) -> Any:
    before = state()
    with pytest.raises(exc) as excinfo:
        call(**kwargs)
    assert state() == before
    return excinfo.value


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("id").last()
    assert event is not None
    return event


def entries_json(sheet: Timesheet) -> list[dict[str, str]]:
    return [
        {"date": e.date.isoformat(), "hours": f"{e.hours:.2f}", "description": e.description}
        for e in sheet.entries.order_by("date")
    ]


def fresh(sheet: Timesheet) -> Timesheet:
    return Timesheet.objects.get(pk=sheet.pk)


# --- submit --------------------------------------------------------------------------------------


def test_the_secretary_submits(world: World) -> None:
    sheet = submitted(world)

    sheet = fresh(sheet)
    assert (sheet.status, sheet.submitted_at, sheet.submitted_by) == (
        TimesheetStatus.SUBMITTED,
        NOW,
        world.secretary.user,
    )
    event = last_event()
    assert (event.actor, event.action, event.object_id) == (world.secretary.user, "timesheet.submit", str(sheet.pk))
    assert event.before == {"status": "open", "rejection_reason": ""}
    assert event.after == {"status": "submitted", "total_hours": "5.50"}


def test_the_team_manager_submits_on_the_secretarys_behalf(world: World) -> None:
    sheet = timesheet_submit(timesheet=june(world), actor=world.manager)
    assert (fresh(sheet).status, fresh(sheet).submitted_by) == (TimesheetStatus.SUBMITTED, world.manager)
    assert last_event().actor == world.manager


@pytest.mark.parametrize("status", [TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED, TimesheetStatus.INVOICED])
def test_only_open_or_rejected_sheets_are_submitted(world: World, status: str) -> None:
    sheet = june(world)
    Timesheet.objects.filter(pk=sheet.pk).update(status=status)

    error = refused(ApplicationError, timesheet_submit, timesheet=sheet, actor=world.secretary.user)

    assert error.message == f"This timesheet is {status}: only open or rejected timesheets can be submitted."
    assert error.fields == {"status": [f"Is {status}."]}


def test_a_double_submit_is_refused(world: World) -> None:
    sheet = submitted(world)
    error = refused(ApplicationError, timesheet_submit, timesheet=sheet, actor=world.secretary.user)
    assert error.message == "This timesheet is submitted: only open or rejected timesheets can be submitted."


def test_resubmitting_a_rejected_sheet_clears_the_reason(world: World) -> None:
    sheet = timesheet_reject(timesheet=submitted(world), actor=world.approver, reason="The 9th was a holiday.")

    timesheet_submit(timesheet=sheet, actor=world.secretary.user)

    sheet = fresh(sheet)
    assert (sheet.status, sheet.rejection_reason) == (TimesheetStatus.SUBMITTED, "")
    event = last_event()
    assert event.before == {"status": "rejected", "rejection_reason": "The 9th was a holiday."}
    assert event.after == {"status": "submitted", "total_hours": "5.50"}


# --- approve -------------------------------------------------------------------------------------


def test_an_approver_of_the_client_approves_with_evidence(world: World) -> None:
    sheet = submitted(world)

    timesheet_approve(timesheet=sheet, actor=world.approver, ip=IP)

    sheet = fresh(sheet)
    stored = list(sheet.entries.all())
    assert (sheet.status, sheet.approved_by, sheet.approved_at, sheet.approval_ip, sheet.approval_kind) == (
        TimesheetStatus.APPROVED,
        world.approver,
        NOW,
        IP,
        ApprovalKind.EXPLICIT,
    )
    assert sheet.approval_hash == timesheet_evidence_hash(timesheet=sheet, entries=stored)
    event = last_event()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        world.approver,
        "timesheet.approve",
        "secondments.timesheet",
        str(sheet.pk),
    )
    assert event.before == {"status": "submitted"}
    assert event.after == {
        "status": "approved",
        "approval_kind": "explicit",
        "approved_at": "2026-06-15T08:00:00+00:00",
        "approved_by": "approver@example.org",
        "ip": IP,
        "sha256": sheet.approval_hash,
        "entries": [
            {"date": "2026-06-08", "hours": "2.00", "description": "Minutes"},
            {"date": "2026-06-09", "hours": "3.50", "description": "Minutes"},
        ],
    }


def test_an_approval_without_a_known_ip_records_none(world: World) -> None:
    sheet = timesheet_approve(timesheet=submitted(world), actor=world.approver, ip=None)
    assert fresh(sheet).approval_ip is None
    assert last_event().after["ip"] is None


def test_the_evidence_hash_is_sha256_over_the_canonical_entries(world: World) -> None:
    sheet = fresh(approved(world))
    payload = {
        "timesheet": sheet.pk,
        "placement": world.placement.pk,
        "period": ["2026-06-01", "2026-06-30"],
        "entries": [
            {"date": "2026-06-08", "hours": "2.00", "description": "Minutes"},
            {"date": "2026-06-09", "hours": "3.50", "description": "Minutes"},
        ],
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    assert sheet.approval_hash == hashlib.sha256(canonical).hexdigest()


def test_the_evidence_hash_changes_when_an_entry_differs(world: World) -> None:
    sheet = fresh(approved(world))

    def variant(**changes: Any) -> str:
        rows = [
            {"date": D(2026, 6, 8), "hours": Decimal("2.00"), "description": "Minutes"},
            {"date": D(2026, 6, 9), "hours": Decimal("3.50"), "description": "Minutes"},
        ]
        rows[1].update(changes)
        return timesheet_evidence_hash(timesheet=sheet, entries=[TimeEntry(**row) for row in rows])

    assert variant() == sheet.approval_hash
    assert variant(hours=Decimal("3.5")) == sheet.approval_hash  # the same hours written differently
    assert variant(hours=Decimal("3.75")) != sheet.approval_hash
    assert variant(description="Agenda") != sheet.approval_hash
    assert variant(date=D(2026, 6, 10)) != sheet.approval_hash
    assert timesheet_evidence_hash(timesheet=sheet, entries=list(sheet.entries.all())[:1]) != sheet.approval_hash


def test_reapproving_corrected_hours_gives_another_hash(world: World) -> None:
    sheet = approved(world)
    first = fresh(sheet).approval_hash
    timesheet_reopen(timesheet=sheet, actor=world.manager, reason="The 9th was 3.75 h.")
    log(world, {D(2026, 6, 9): "3.75"}, "Minutes")
    timesheet_submit(timesheet=sheet, actor=world.secretary.user)
    timesheet_approve(timesheet=sheet, actor=world.approver, ip=IP)

    second = fresh(sheet)
    assert second.approval_hash != first
    assert second.approval_hash == timesheet_evidence_hash(timesheet=second, entries=list(second.entries.all()))


@pytest.mark.parametrize("who", ["other_approver", "manager", "finance", "director"])
def test_only_an_approver_of_that_client_approves(world: World, who: str) -> None:
    sheet = submitted(world)
    error = refused(PermissionDenied, timesheet_approve, timesheet=sheet, actor=getattr(world, who), ip=IP)
    assert str(error) == "Only an approver of this client approves its hours."


def make_secretary_an_approver(world: World) -> User:
    user = world.secretary.user
    user.is_client_approver = True
    user.save()
    world.client.approvers.add(user)
    return user


def test_a_secretary_who_approves_for_the_client_never_approves_their_own_hours(world: World) -> None:
    sheet = submitted(world)
    user = make_secretary_an_approver(world)

    error = refused(PermissionDenied, timesheet_approve, timesheet=sheet, actor=user, ip=IP)
    assert str(error) == "A secretary can never approve their own hours."
    error = refused(PermissionDenied, timesheets_approve, timesheets=[sheet], actor=user, ip=IP)
    assert str(error) == "A secretary can never approve their own hours."
    error = refused(PermissionDenied, timesheet_reject, timesheet=sheet, actor=user, reason="Mine")
    assert str(error) == "A secretary can never approve their own hours."


@pytest.mark.parametrize("status", [TimesheetStatus.OPEN, TimesheetStatus.REJECTED, TimesheetStatus.APPROVED])
def test_only_submitted_sheets_are_approved(world: World, status: str) -> None:
    sheet = june(world)
    Timesheet.objects.filter(pk=sheet.pk).update(status=status)

    error = refused(ApplicationError, timesheet_approve, timesheet=sheet, actor=world.approver, ip=IP)

    assert error.message == f"This timesheet is {status}: only submitted timesheets can be approved."
    assert error.fields == {"status": [f"Is {status}."]}


# --- bulk approve --------------------------------------------------------------------------------


def three_sheets(world: World) -> list[Timesheet]:
    """April, May and June sheets of world.placement."""
    return [log(world, {day: "1.00"}) for day in (D(2026, 4, 6), D(2026, 5, 4), D(2026, 6, 1))]


def test_bulk_approve_approves_them_all(world: World) -> None:
    sheets = [submitted(world, s) for s in three_sheets(world)]
    events = AuditEvent.objects.count()

    result = timesheets_approve(timesheets=sheets, actor=world.approver, ip=IP)

    assert sorted(s.pk for s in result) == sorted(s.pk for s in sheets)
    for sheet in sheets:
        sheet = fresh(sheet)
        assert (sheet.status, sheet.approved_by, sheet.approval_ip) == (TimesheetStatus.APPROVED, world.approver, IP)
        assert sheet.approval_hash == timesheet_evidence_hash(timesheet=sheet, entries=list(sheet.entries.all()))
    new = AuditEvent.objects.order_by("id")[events:]
    assert sorted((e.action, e.object_id) for e in new) == sorted(("timesheet.approve", str(s.pk)) for s in sheets)


def test_bulk_approve_approves_none_when_one_is_not_submitted(world: World) -> None:
    april, may, june_ = three_sheets(world)
    submitted(world, april)
    submitted(world, june_)

    error = refused(ApplicationError, timesheets_approve, timesheets=[april, may, june_], actor=world.approver, ip=IP)

    assert error.message == f"Nothing was approved: Timesheet {may.pk} is open, not submitted."
    assert error.fields == {"timesheet_ids": [f"Timesheet {may.pk} is open, not submitted."]}
    assert set(Timesheet.objects.values_list("status", flat=True)) == {"submitted", "open"}


def test_bulk_approve_of_a_sheet_of_another_client_approves_none(world: World) -> None:
    mine = submitted(world)
    [theirs] = week_grid_save(
        actor=world.other_secretary.user,
        secretary=world.other_secretary,
        cells=[Cell(placement=world.other_placement, date=D(2026, 6, 8), hours=Decimal("1.00"))],
    )
    theirs = timesheet_submit(timesheet=theirs, actor=world.other_secretary.user)

    error = refused(PermissionDenied, timesheets_approve, timesheets=[mine, theirs], actor=world.approver, ip=IP)
    assert str(error) == "Only an approver of this client approves its hours."


def test_bulk_approve_needs_a_sheet(world: World) -> None:
    error = refused(ValidationError, timesheets_approve, timesheets=[], actor=world.approver, ip=IP)
    assert error.message_dict == {"timesheet_ids": ["Choose at least one timesheet."]}


def test_bulk_approve_of_a_repeated_sheet_approves_it_once(world: World) -> None:
    sheet = submitted(world)
    events = AuditEvent.objects.count()

    timesheets_approve(timesheets=[sheet, fresh(sheet)], actor=world.approver, ip=IP)

    assert fresh(sheet).status == TimesheetStatus.APPROVED
    assert [e.action for e in AuditEvent.objects.order_by("id")[events:]] == ["timesheet.approve"]


# --- reject --------------------------------------------------------------------------------------


def test_an_approver_rejects_with_a_reason_the_secretary_sees(world: World) -> None:
    sheet = submitted(world)

    timesheet_reject(timesheet=sheet, actor=world.approver, reason="  The 9th was a holiday.  ")

    sheet = fresh(sheet)
    assert (sheet.status, sheet.rejected_by, sheet.rejected_at, sheet.rejection_reason) == (
        TimesheetStatus.REJECTED,
        world.approver,
        NOW,
        "The 9th was a holiday.",
    )
    [row] = week_grid(secretary=world.secretary, week=IsoWeek(2026, 24)).rows
    assert row.rejection_reasons == ["The 9th was a holiday."]
    assert [c.editable for c in row.cells] == [True] * 7
    event = last_event()
    assert (event.actor, event.action, event.reason) == (world.approver, "timesheet.reject", "The 9th was a holiday.")
    assert (event.before, event.after) == ({"status": "submitted"}, {"status": "rejected"})


def test_a_rejected_sheet_takes_corrections_and_is_submitted_again(world: World) -> None:
    sheet = timesheet_reject(timesheet=submitted(world), actor=world.approver, reason="The 9th was a holiday.")

    week_grid_save(
        actor=world.secretary.user,
        secretary=world.secretary,
        cells=[Cell(placement=world.placement, date=D(2026, 6, 9), hours=None)],
    )
    timesheet_submit(timesheet=sheet, actor=world.secretary.user)

    assert entries_json(fresh(sheet)) == [{"date": "2026-06-08", "hours": "2.00", "description": "Minutes"}]
    assert fresh(sheet).status == TimesheetStatus.SUBMITTED


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(world: World, reason: str) -> None:
    sheet = submitted(world)
    error = refused(ValidationError, timesheet_reject, timesheet=sheet, actor=world.approver, reason=reason)
    assert error.message_dict == {"reason": ["Say why the hours are rejected; the secretary sees it."]}


def test_only_an_approver_of_that_client_rejects(world: World) -> None:
    sheet = submitted(world)
    error = refused(PermissionDenied, timesheet_reject, timesheet=sheet, actor=world.other_approver, reason="No")
    assert str(error) == "Only an approver of this client approves its hours."


@pytest.mark.parametrize("status", [TimesheetStatus.OPEN, TimesheetStatus.APPROVED, TimesheetStatus.INVOICED])
def test_only_submitted_sheets_are_rejected(world: World, status: str) -> None:
    sheet = june(world)
    Timesheet.objects.filter(pk=sheet.pk).update(status=status)
    error = refused(ApplicationError, timesheet_reject, timesheet=sheet, actor=world.approver, reason="No")
    assert error.message == f"This timesheet is {status}: only submitted timesheets can be rejected."


# --- reopen --------------------------------------------------------------------------------------


def test_the_team_manager_reopens_approved_hours_and_the_evidence_is_kept_in_the_audit(world: World) -> None:
    sheet = approved(world)
    old_hash = fresh(sheet).approval_hash

    timesheet_reopen(timesheet=sheet, actor=world.manager, reason="The 9th was 3.75 h.")

    sheet = fresh(sheet)
    assert (
        sheet.status,
        sheet.approved_by,
        sheet.approved_at,
        sheet.approval_kind,
        sheet.approval_ip,
        sheet.approval_hash,
    ) == (TimesheetStatus.OPEN, None, None, "", None, "")
    event = last_event()
    assert (event.actor, event.action, event.reason) == (world.manager, "timesheet.reopen", "The 9th was 3.75 h.")
    assert event.before == {
        "status": "approved",
        "approval_kind": "explicit",
        "approved_at": "2026-06-15T08:00:00+00:00",
        "approved_by": world.approver.email,
        "ip": IP,
        "sha256": old_hash,
    }
    assert event.after == {"status": "open"}
    # Open again: the hours take corrections.
    log(world, {D(2026, 6, 9): "3.75"}, "Minutes")
    assert entries_json(sheet)[1] == {"date": "2026-06-09", "hours": "3.75", "description": "Minutes"}


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_reopen_needs_a_reason(world: World, reason: str) -> None:
    sheet = approved(world)
    error = refused(ValidationError, timesheet_reopen, timesheet=sheet, actor=world.manager, reason=reason)
    assert error.message_dict == {"reason": ["Say why the approved hours are reopened."]}


def test_invoiced_hours_are_not_reopened_but_credited(world: World) -> None:
    sheet = approved(world)
    timesheets_mark_invoiced(timesheets=[sheet], actor=world.finance)

    error = refused(ApplicationError, timesheet_reopen, timesheet=sheet, actor=world.manager, reason="Correction")

    assert error.message == "These hours are invoiced: correct them with a credit note."
    assert error.fields == {"status": ["Is invoiced."]}


@pytest.mark.parametrize("status", [TimesheetStatus.OPEN, TimesheetStatus.SUBMITTED, TimesheetStatus.REJECTED])
def test_only_approved_sheets_are_reopened(world: World, status: str) -> None:
    sheet = june(world)
    Timesheet.objects.filter(pk=sheet.pk).update(status=status)
    error = refused(ApplicationError, timesheet_reopen, timesheet=sheet, actor=world.manager, reason="Correction")
    assert error.message == f"This timesheet is {status}: only approved timesheets can be reopened."


# --- invoiced ------------------------------------------------------------------------------------


def test_approved_sheets_are_marked_invoiced(world: World) -> None:
    sheet = approved(world)

    timesheets_mark_invoiced(timesheets=[sheet], actor=world.finance)

    assert fresh(sheet).status == TimesheetStatus.INVOICED
    event = last_event()
    assert (event.actor, event.action, event.object_id) == (world.finance, "timesheet.invoice", str(sheet.pk))
    assert (event.before, event.after) == ({"status": "approved"}, {"status": "invoiced"})


@pytest.mark.parametrize(
    "status", [TimesheetStatus.OPEN, TimesheetStatus.SUBMITTED, TimesheetStatus.REJECTED, TimesheetStatus.INVOICED]
)
def test_only_approved_sheets_are_invoiced_and_a_mixed_batch_invoices_none(world: World, status: str) -> None:
    april, may, _ = three_sheets(world)
    timesheet_approve(timesheet=submitted(world, april), actor=world.approver, ip=IP)
    Timesheet.objects.filter(pk=may.pk).update(status=status)

    error = refused(ApplicationError, timesheets_mark_invoiced, timesheets=[april, may], actor=world.finance)

    assert error.message == f"This timesheet is {status}: only approved timesheets can be invoiced."
    assert fresh(april).status == TimesheetStatus.APPROVED


def test_a_repeated_sheet_is_invoiced_once(world: World) -> None:
    sheet = approved(world)
    events = AuditEvent.objects.count()

    timesheets_mark_invoiced(timesheets=[sheet, fresh(sheet)], actor=world.finance)

    assert fresh(sheet).status == TimesheetStatus.INVOICED
    assert [e.action for e in AuditEvent.objects.order_by("id")[events:]] == ["timesheet.invoice"]
