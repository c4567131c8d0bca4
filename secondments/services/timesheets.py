"""Hours and their approval: time entries, timesheets, submit / approve / reject / reopen.

Every write locks the rows it changes (``select_for_update``) for a short
transaction: an approval and an edit of the same sheet serialise, and the edit
that comes second sees the sheet locked and changes nothing.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from backend.accounts.models import User
from backend.core.bulk import rows_update
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from backend.core.periods import add_working_days, approval_period_bounds, is_quarter_hour
from backend.core.services import audit_event, audit_record
from secondments.models import (
    EDITABLE_TIMESHEET_STATUSES,
    ApprovalKind,
    Placement,
    PlacementStatus,
    Secretary,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
)
from secondments.selectors.rates import rate_parts

LOGGABLE_PLACEMENT_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.ENDED)


@dataclass(frozen=True)
class Cell:
    """One cell of a week grid: a placement on a day. ``hours`` None or 0 clears the cell."""

    placement: Placement
    date: datetime.date
    hours: Decimal | None
    description: str = ""


def daily_cap() -> Decimal:
    return min(Decimal(settings.DAILY_HOURS_CAP), Decimal(24))


def _timesheet_for(*, placement: Placement, day: datetime.date) -> Timesheet:
    """The placement's sheet covering ``day``; made for the client's approval period when there is none."""
    existing = Timesheet.objects.filter(placement=placement, period_start__lte=day, period_end__gte=day).first()
    if existing:
        return existing
    start, end = approval_period_bounds(day, placement.client.approval_period)
    clash = Timesheet.objects.filter(placement=placement, period_start__lte=end, period_end__gte=start)
    if clash.exists():  # the client changed its approval period: keep to the days no sheet covers yet
        start = max([start, *[s.period_end + datetime.timedelta(days=1) for s in clash if s.period_end < day]])
        end = min([end, *[s.period_start - datetime.timedelta(days=1) for s in clash if s.period_start > day]])
    return Timesheet.objects.create(placement=placement, period_start=start, period_end=end)


def _entries_snapshot(entries: list[TimeEntry]) -> list[dict[str, str]]:
    return [
        {"date": e.date.isoformat(), "hours": f"{e.hours:.2f}", "description": e.description}
        for e in sorted(entries, key=lambda e: e.date)
    ]


def timesheet_evidence_hash(*, timesheet: Timesheet, entries: list[TimeEntry]) -> str:
    """SHA-256 over the approved entries in a canonical form (sorted keys, dates, two-decimal hours)."""
    payload = {
        "timesheet": timesheet.pk,
        "placement": timesheet.placement_id,
        "period": [timesheet.period_start.isoformat(), timesheet.period_end.isoformat()],
        "entries": _entries_snapshot(entries),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@transaction.atomic
def week_grid_save(*, actor: User, secretary: Secretary, cells: list[Cell]) -> list[Timesheet]:
    """Save a secretary's grid of cells, all or nothing.

    Every cell is checked before anything is written: a bad cell refuses the
    whole save with a message per cell (``cells.<index>.<field>``).
    """
    Secretary.objects.select_for_update().get(pk=secretary.pk)  # one grid save per secretary at a time
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    def refuse(index: int, field: str, message: str) -> None:
        errors.setdefault(f"cells.{index}.{field}", []).append(message)

    # What is stored now on the grid's days, across all the secretary's placements.
    dates = {c.date for c in cells}
    existing = {
        (e.timesheet.placement_id, e.date): e
        for e in TimeEntry.objects.filter(timesheet__placement__secretary=secretary, date__in=dates).select_related(
            "timesheet"
        )
    }

    seen: set[tuple[int, datetime.date]] = set()
    sheet_of: dict[int, Timesheet] = {}
    for i, cell in enumerate(cells):
        p = cell.placement
        if p.secretary_id != secretary.pk:
            refuse(i, "placement_id", "This placement is not the secretary's.")
            continue
        if (p.pk, cell.date) in seen:
            refuse(i, "date", "This placement and day occur twice in the grid.")
            continue
        seen.add((p.pk, cell.date))
        old = existing.get((p.pk, cell.date))
        if (old is None and not cell.hours) or (
            old is not None and (old.hours, old.description) == (cell.hours, cell.description)
        ):
            continue  # unchanged: a whole week may be sent back, locked days included
        if p.status not in LOGGABLE_PLACEMENT_STATUSES:
            refuse(i, "placement_id", f"Hours cannot be logged on a {p.status} placement.")
        if cell.date < p.start_date or (p.end_date is not None and cell.date > p.end_date):
            refuse(i, "date", "The day lies outside the placement's period.")
        if cell.date > today:
            refuse(i, "date", "Hours cannot be logged for a day in the future.")
        if cell.hours is not None and cell.hours != 0:
            if cell.hours < 0:
                refuse(i, "hours", "Hours must be more than 0.")
            elif not is_quarter_hour(cell.hours):
                refuse(i, "hours", "Hours go in quarter-hour steps (0.25).")
            elif cell.hours > 24:
                refuse(i, "hours", "A day has at most 24 hours.")
        if f"cells.{i}.date" in errors or f"cells.{i}.placement_id" in errors:
            continue
        # A sheet this grid already found covers most cells: look it up (or make it) once, not per cell.
        found = (s for s in sheet_of.values() if s.placement_id == p.pk and s.period_start <= cell.date <= s.period_end)
        sheet = next(found, None) or _timesheet_for(placement=p, day=cell.date)
        sheet_of[i] = sheet

    # Lock the sheets, then check they are still editable (an approval may have won the race).
    locked = {
        s.pk: s
        for s in Timesheet.objects.select_for_update().filter(pk__in={s.pk for s in sheet_of.values()}).order_by("pk")
    }
    for i, sheet in sheet_of.items():
        status = locked[sheet.pk].status
        if status not in EDITABLE_TIMESHEET_STATUSES:
            refuse(i, "hours", f"The timesheet of this day is {status}; its hours cannot change.")

    # The day totals with the grid's changes in place. Only a cell that adds hours to a day over
    # the cap is refused, so a day left over a since-lowered cap can still be brought down.
    totals: dict[datetime.date, Decimal] = defaultdict(Decimal)
    for (_, day), entry in existing.items():
        totals[day] += entry.hours
    for i in sheet_of:
        cell = cells[i]
        old = existing.get((cell.placement.pk, cell.date))
        totals[cell.date] += (cell.hours or Decimal(0)) - (old.hours if old else Decimal(0))
    cap = daily_cap()
    for i in sheet_of:
        cell = cells[i]
        old = existing.get((cell.placement.pk, cell.date))
        adds = (cell.hours or Decimal(0)) > (old.hours if old else Decimal(0))
        if adds and totals[cell.date] > cap:
            refuse(i, "hours", f"{cell.date} would total {totals[cell.date]:.2f} h; the daily maximum is {cap} h.")

    if errors:
        raise ApplicationError(
            f"Nothing was saved: {len({k.split('.')[1] for k in errors})} cell(s) need correcting.", fields=errors
        )

    changed: dict[int, tuple[list[dict[str, str]], list[dict[str, str]]]] = {}
    for i, sheet_found in sheet_of.items():
        cell = cells[i]
        sheet = locked[sheet_found.pk]
        old = existing.get((cell.placement.pk, cell.date))
        before = _entries_snapshot([old]) if old else []
        if not cell.hours:
            if old:
                old.delete()
            after: list[dict[str, str]] = []
        elif old:
            if (old.hours, old.description) == (cell.hours, cell.description):
                continue
            old.hours, old.description = cell.hours, cell.description
            old.save(update_fields=["hours", "description", "updated_at"])
            after = _entries_snapshot([old])
        else:
            new = TimeEntry.objects.create(
                timesheet=sheet, date=cell.date, hours=cell.hours, description=cell.description
            )
            after = _entries_snapshot([new])
        if before != after:
            b, a = changed.setdefault(sheet.pk, ([], []))
            b.extend(before)
            a.extend(after)
    timesheets_totals_refresh(timesheet_ids=list(changed))
    for sheet_pk, (before_entries, after_entries) in changed.items():
        audit_record(
            actor=actor,
            action="timesheet.entries_save",
            obj=locked[sheet_pk],
            before={"entries": before_entries},
            after={"entries": after_entries},
        )
    return [locked[pk] for pk in sorted({s.pk for s in sheet_of.values()})]


def timesheets_totals_refresh(*, timesheet_ids: Collection[int]) -> None:
    """Recompute the sheets' summary columns (hours, and their amount at the placement's rates) from their entries.

    Idempotent and cheap (three queries, a sheet holds at most a month of days): every service that
    changes entries or rates calls it in its own transaction, so the reports can add up sheets
    instead of entries. Amounts are what the invoice run bills: per rate window, rounded half-up;
    hours on days before the placement's first rate earn nothing until it has one.
    """
    if not timesheet_ids:
        return
    sheets = list(
        Timesheet.objects.filter(pk__in=set(timesheet_ids))
        .select_related("placement")
        .prefetch_related("placement__rates")
        .only("pk", "period_start", "period_end", "placement__id")
        .order_by("pk")
    )
    entries: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for sheet_id, day, hours in TimeEntry.objects.filter(timesheet_id__in=[s.pk for s in sheets]).values_list(
        "timesheet_id", "date", "hours"
    ):
        entries[sheet_id].append((day, hours))
    for sheet in sheets:
        mine = entries[sheet.pk]
        parts = rate_parts(
            rates=[(r.valid_from, r.hourly_rate) for r in sheet.placement.rates.all()],
            period_start=sheet.period_start,
            period_end=sheet.period_end,
            entries=mine,
        )
        sheet.hours_total = sum((h for _, h in mine), Decimal("0.00"))
        sheet.amount_total = sum((p.amount for p in parts), Decimal("0.00"))
    rows_update(model=Timesheet, objs=sheets, fields=["hours_total", "amount_total"])


def _lock(timesheet: Timesheet) -> Timesheet:
    return (
        Timesheet.objects.select_for_update(of=("self",))
        .select_related("placement__client", "placement__secretary__user")
        .get(pk=timesheet.pk)
    )


def _refuse_status(sheet: Timesheet, allowed: tuple[str, ...], verb: str) -> None:
    if sheet.status not in allowed:
        names = " or ".join(allowed)
        raise ApplicationError(
            f"This timesheet is {sheet.status}: only {names} timesheets can be {verb}.",
            fields={"status": [f"Is {sheet.status}."]},
        )


@transaction.atomic
def timesheet_submit(*, timesheet: Timesheet, actor: User) -> Timesheet:
    """The secretary (or their team manager) hands the period's hours in for approval."""
    sheet = _lock(timesheet)
    _refuse_status(sheet, EDITABLE_TIMESHEET_STATUSES, "submitted")
    before = {"status": sheet.status, "rejection_reason": sheet.rejection_reason}
    sheet.status = TimesheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.submitted_by = actor
    sheet.rejection_reason = ""
    sheet.save(update_fields=["status", "submitted_at", "submitted_by", "rejection_reason"])
    total = sheet.entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    audit_record(
        actor=actor,
        action="timesheet.submit",
        obj=sheet,
        before=before,
        after={"status": sheet.status, "total_hours": f"{total:.2f}"},
    )
    return sheet


def _approve(sheet: Timesheet, *, actor: User | None, ip: str | None, kind: str) -> None:
    entries = list(sheet.entries.all())
    sheet.status = TimesheetStatus.APPROVED
    sheet.approved_at = timezone.now()
    sheet.approved_by = actor
    sheet.approval_kind = kind
    sheet.approval_ip = ip
    sheet.approval_hash = timesheet_evidence_hash(timesheet=sheet, entries=entries)
    sheet.save(update_fields=["status", "approved_at", "approved_by", "approval_kind", "approval_ip", "approval_hash"])
    audit_record(
        actor=actor,
        action="timesheet.approve" if kind == ApprovalKind.EXPLICIT else "timesheet.deemed_approve",
        obj=sheet,
        before={"status": TimesheetStatus.SUBMITTED},
        after={
            "status": sheet.status,
            "approval_kind": kind,
            "approved_at": sheet.approved_at,
            "approved_by": actor.email if actor else None,
            "ip": ip,
            "sha256": sheet.approval_hash,
            "entries": _entries_snapshot(entries),
        },
    )


def _check_approver(sheet: Timesheet, actor: User) -> None:
    if sheet.placement.secretary.user_id == actor.pk:
        raise PermissionDenied("A secretary can never approve their own hours.")
    if not sheet.placement.client.approvers.filter(pk=actor.pk).exists():
        raise PermissionDenied("Only an approver of this client approves its hours.")


@transaction.atomic
def timesheet_approve(*, timesheet: Timesheet, actor: User, ip: str | None) -> Timesheet:
    """An approver of the client accepts the hours. Records the evidence: who, when, IP, SHA-256 of the entries."""
    sheet = _lock(timesheet)
    _check_approver(sheet, actor)
    _refuse_status(sheet, (TimesheetStatus.SUBMITTED,), "approved")
    _approve(sheet, actor=actor, ip=ip, kind=ApprovalKind.EXPLICIT)
    return sheet


@transaction.atomic
def timesheets_approve(*, timesheets: list[Timesheet], actor: User, ip: str | None) -> list[Timesheet]:
    """Approve several sheets as one action: all of them, or none with a message per sheet."""
    if not timesheets:
        raise ValidationError({"timesheet_ids": ["Choose at least one timesheet."]})
    unique = {t.pk: t for t in timesheets}  # an id sent twice is approved (and audited) once
    sheets = [_lock(t) for t in sorted(unique.values(), key=lambda t: t.pk)]
    errors: dict[str, list[str]] = {}
    for sheet in sheets:
        _check_approver(sheet, actor)
        if sheet.status != TimesheetStatus.SUBMITTED:
            errors.setdefault("timesheet_ids", []).append(f"Timesheet {sheet.pk} is {sheet.status}, not submitted.")
    if errors:
        raise ApplicationError("Nothing was approved: " + " ".join(errors["timesheet_ids"]), fields=errors)
    for sheet in sheets:
        _approve(sheet, actor=actor, ip=ip, kind=ApprovalKind.EXPLICIT)
    return sheets


@transaction.atomic
def timesheet_reject(*, timesheet: Timesheet, actor: User, reason: str) -> Timesheet:
    """The approver sends the hours back with a reason; the sheet is editable again."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the hours are rejected; the secretary sees it."]})
    sheet = _lock(timesheet)
    _check_approver(sheet, actor)
    _refuse_status(sheet, (TimesheetStatus.SUBMITTED,), "rejected")
    sheet.status = TimesheetStatus.REJECTED
    sheet.rejected_at = timezone.now()
    sheet.rejected_by = actor
    sheet.rejection_reason = reason.strip()
    sheet.save(update_fields=["status", "rejected_at", "rejected_by", "rejection_reason"])
    audit_record(
        actor=actor,
        action="timesheet.reject",
        obj=sheet,
        before={"status": TimesheetStatus.SUBMITTED},
        after={"status": sheet.status},
        reason=sheet.rejection_reason,
    )
    return sheet


@transaction.atomic
def timesheet_reopen(*, timesheet: Timesheet, actor: User, reason: str) -> Timesheet:
    """The team manager reopens an approved sheet for a correction, before it is invoiced."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the approved hours are reopened."]})
    sheet = _lock(timesheet)
    if sheet.status == TimesheetStatus.INVOICED:
        raise ApplicationError(
            "These hours are invoiced: correct them with a credit note.", fields={"status": ["Is invoiced."]}
        )
    _refuse_status(sheet, (TimesheetStatus.APPROVED,), "reopened")
    before = {
        "status": sheet.status,
        "approval_kind": sheet.approval_kind,
        "approved_at": sheet.approved_at,
        "approved_by": sheet.approved_by.email if sheet.approved_by else None,
        "ip": sheet.approval_ip,
        "sha256": sheet.approval_hash,
    }
    sheet.status = TimesheetStatus.OPEN
    sheet.approved_at = None
    sheet.approved_by = None
    sheet.approval_kind = ""
    sheet.approval_ip = None
    sheet.approval_hash = ""
    sheet.save(update_fields=["status", "approved_at", "approved_by", "approval_kind", "approval_ip", "approval_hash"])
    audit_record(
        actor=actor, action="timesheet.reopen", obj=sheet, before=before, after={"status": sheet.status}, reason=reason
    )
    return sheet


def deemed_approval_due(*, timesheet: Timesheet) -> datetime.date | None:
    """The day from which a submitted sheet counts as approved, or None when the client has it off."""
    days = timesheet.placement.client.deemed_approval_days
    if days is None or timesheet.submitted_at is None:
        return None
    submitted_on = timezone.localtime(timesheet.submitted_at).date()
    return add_working_days(submitted_on, days + 1) if days else submitted_on


def timesheets_deem_approved() -> int:
    """Approve submitted sheets whose client's deemed-approval limit has passed. Safe to run again."""
    today = timezone.localdate()
    candidates = Timesheet.objects.filter(
        status=TimesheetStatus.SUBMITTED, placement__client__deemed_approval_days__isnull=False
    ).select_related("placement__client")
    approved = 0
    for candidate in candidates:
        due = deemed_approval_due(timesheet=candidate)
        if due is None or today < due:
            continue
        with transaction.atomic():
            sheet = _lock(candidate)
            if sheet.status != TimesheetStatus.SUBMITTED:
                continue
            _approve(sheet, actor=None, ip=None, kind=ApprovalKind.DEEMED)
            approved += 1
    return approved


def _lock_many(timesheets: list[Timesheet]) -> list[Timesheet]:
    """Lock the sheets in id order (so concurrent callers never deadlock); a sheet given twice counts once."""
    ids = {t.pk for t in timesheets}
    return list(Timesheet.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))


def _status_move(
    *, timesheets: list[Timesheet], actor: User, source: str, target: str, verb: str, action: str, reason: str = ""
) -> list[Timesheet]:
    """Move sheets from ``source`` to ``target`` in bulk, all or none, with an audit event per sheet."""
    sheets = _lock_many(timesheets)
    for sheet in sheets:
        _refuse_status(sheet, (source,), verb)
    Timesheet.objects.filter(pk__in=[s.pk for s in sheets]).update(status=target)
    events = []
    for sheet in sheets:
        sheet.status = target
        events.append(
            audit_event(
                actor=actor,
                action=action,
                obj=sheet,
                before={"status": source},
                after={"status": target},
                reason=reason,
            )
        )
    AuditEvent.objects.bulk_create(events)
    return sheets


@transaction.atomic
def timesheets_mark_invoiced(*, timesheets: list[Timesheet], actor: User) -> list[Timesheet]:
    """Billing marks approved sheets invoiced; from then on a correction is a credit note."""
    return _status_move(
        timesheets=timesheets,
        actor=actor,
        source=TimesheetStatus.APPROVED,
        target=TimesheetStatus.INVOICED,
        verb="invoiced",
        action="timesheet.invoice",
    )


@transaction.atomic
def timesheets_release(*, timesheets: list[Timesheet], actor: User, reason: str) -> list[Timesheet]:
    """Billing gives invoiced hours back (a draft deleted, a full credit note): approved again, billable anew."""
    return _status_move(
        timesheets=timesheets,
        actor=actor,
        source=TimesheetStatus.INVOICED,
        target=TimesheetStatus.APPROVED,
        verb="released",
        action="timesheet.release",
        reason=reason,
    )
