"""Placing secretaries with clients, without overbooking them."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.services import audit_record, model_snapshot, model_update
from secondments.models import (
    CapacityOverride,
    Client,
    Placement,
    PlacementRate,
    PlacementStatus,
    Secretary,
    TimeEntry,
    TimesheetStatus,
)
from secondments.selectors.capacity import Shortfall, Span, placement_shortfalls
from secondments.selectors.rates import placement_rate_on, rate_card_rate_on
from secondments.services.timesheets import timesheets_totals_refresh

MAX_WEEKS_IN_MESSAGE = 6


def _shortfall_error(shortfalls: list[Shortfall], field: str) -> ApplicationError:
    parts = [f"{s.week} short {s.short:.2f} h" for s in shortfalls[:MAX_WEEKS_IN_MESSAGE]]
    if len(shortfalls) > MAX_WEEKS_IN_MESSAGE:
        parts.append(f"and {len(shortfalls) - MAX_WEEKS_IN_MESSAGE} more weeks")
    message = (
        "Not enough free capacity: " + ", ".join(parts) + ". "
        "Shorten or reduce the placement, or override with a written reason."
    )
    return ApplicationError(
        message,
        fields={field: [message], "override_reason": ["Give a reason to place anyway."]},
        extra={"shortfall": [s.as_dict() for s in shortfalls]},
    )


def _capacity_guard(
    *,
    placement: Placement,
    actor: User,
    previous: Span | None,
    override_reason: str,
    field: str,
) -> None:
    """Refuse a change that overbooks the secretary, unless a team manager gives a reason."""
    if placement.status == PlacementStatus.CANCELLED:
        return
    shortfalls = placement_shortfalls(
        secretary=placement.secretary,
        start=placement.start_date,
        end=placement.end_date,
        hours_per_week=placement.hours_per_week,
        exclude_placement_id=placement.pk,
        previous=previous,
    )
    if not shortfalls:
        return
    if not override_reason.strip():
        raise _shortfall_error(shortfalls, field)
    override = CapacityOverride.objects.create(
        placement=placement, actor=actor, reason=override_reason.strip(), shortfall=[s.as_dict() for s in shortfalls]
    )
    audit_record(
        actor=actor,
        action="placement.capacity_override",
        obj=placement,
        after={"override_id": override.pk, "shortfall": override.shortfall},
        reason=override.reason,
    )


def _placement_clean(
    *, secretary: Secretary, client: Client, start: datetime.date, end: datetime.date | None, hours: Decimal
) -> None:
    errors: dict[str, list[str]] = {}
    if hours <= 0:
        errors["hours_per_week"] = ["Hours per week must be more than 0."]
    elif hours > secretary.contract_hours:
        errors["hours_per_week"] = [f"More than the secretary's contract of {secretary.contract_hours} h a week."]
    if end is not None and end < start:
        errors["end_date"] = ["A placement cannot end before it starts."]
    if not secretary.active:
        errors["secretary_id"] = ["This secretary is not active."]
    elif start < secretary.employment_start:
        errors["start_date"] = [f"The secretary's employment starts on {secretary.employment_start}."]
    elif secretary.employment_end is not None and (end is None or end > secretary.employment_end):
        errors["end_date"] = [
            f"The secretary's employment ends on {secretary.employment_end}; end the placement by then."
        ]
    if not client.active:
        errors["client_id"] = ["This client is not active."]
    if errors:
        raise ValidationError(errors)


def _snapshot(placement: Placement) -> dict[str, Any]:
    return model_snapshot(placement)


@transaction.atomic
def placement_create(
    *,
    actor: User,
    secretary: Secretary,
    client: Client,
    start_date: datetime.date,
    end_date: datetime.date | None,
    hours_per_week: Decimal,
    hourly_rate: Decimal | None = None,
    purpose: str = "",
    notes: str = "",
    status: str = PlacementStatus.ACTIVE,
    override_reason: str = "",
) -> Placement:
    """Place a secretary with a client. Locks the secretary so two placements cannot overbook them at once."""
    secretary = Secretary.objects.select_for_update().select_related("pool").get(pk=secretary.pk)
    if status not in (PlacementStatus.DRAFT, PlacementStatus.ACTIVE):
        raise ValidationError({"status": ["A new placement is a draft or active."]})
    _placement_clean(secretary=secretary, client=client, start=start_date, end=end_date, hours=hours_per_week)
    source = PlacementRate.Source.OVERRIDE
    if hourly_rate is not None and hourly_rate <= 0:
        raise ValidationError({"hourly_rate": ["The rate must be more than 0."]})
    if hourly_rate is None:
        card = rate_card_rate_on(pool=secretary.pool, client_kind=client.kind, day=start_date)
        if card is None:
            raise ValidationError(
                {
                    "hourly_rate": [
                        f"No rate card of {secretary.pool} for {client.kind} clients on {start_date}; give a rate."
                    ]
                }
            )
        hourly_rate, source = card.hourly_rate, PlacementRate.Source.RATE_CARD
    placement = Placement(
        secretary=secretary,
        client=client,
        start_date=start_date,
        end_date=end_date,
        hours_per_week=hours_per_week,
        purpose=purpose,
        notes=notes,
        status=status,
        created_by=actor,
    )
    placement.full_clean()
    placement.save()
    PlacementRate.objects.create(
        placement=placement, valid_from=start_date, hourly_rate=hourly_rate, source=source, created_by=actor
    )
    _capacity_guard(
        placement=placement, actor=actor, previous=None, override_reason=override_reason, field="hours_per_week"
    )
    audit_record(
        actor=actor,
        action="placement.create",
        obj=placement,
        after=_snapshot(placement) | {"hourly_rate": hourly_rate, "rate_source": source},
    )
    return placement


def _draft_rate_move(*, placement: Placement, start: datetime.date) -> None:
    """A draft's first rate moves with its start; a rate-card rate is looked up again for the new date."""
    if placement.rates.exclude(valid_from=placement.start_date).filter(valid_from__lte=start).exists():
        raise ValidationError({"start_date": ["Rate changes already lie before the new start date."]})
    first = placement.rates.get(valid_from=placement.start_date)
    first.valid_from = start
    if first.source == PlacementRate.Source.RATE_CARD:
        card = rate_card_rate_on(pool=placement.secretary.pool, client_kind=placement.client.kind, day=start)
        if card is None:
            raise ValidationError({"start_date": [f"No rate card on {start}; give the placement a rate."]})
        first.hourly_rate = card.hourly_rate
    first.save(update_fields=["valid_from", "hourly_rate"])
    timesheets_totals_refresh(timesheet_ids=list(placement.timesheets.values_list("pk", flat=True)))


def _lock(placement: Placement) -> Placement:
    Secretary.objects.select_for_update().get(pk=placement.secretary_id)
    return Placement.objects.select_for_update().select_related("secretary__pool", "client").get(pk=placement.pk)


@transaction.atomic
def placement_update(
    *, placement: Placement, actor: User, data: dict[str, Any], override_reason: str = ""
) -> Placement:
    """Change hours, dates or notes. Extending or enlarging is checked against capacity."""
    placement = _lock(placement)
    if placement.status in (PlacementStatus.ENDED, PlacementStatus.CANCELLED):
        raise ApplicationError(
            f"A placement that is {placement.status} cannot change.",
            fields={"status": [f"Is {placement.status}; only draft and active placements change."]},
        )
    if (
        "start_date" in data
        and data["start_date"] != placement.start_date
        and placement.status != PlacementStatus.DRAFT
    ):
        raise ValidationError({"start_date": ["Only a draft placement can move its start date."]})
    before = _snapshot(placement)
    previous = Span(placement.start_date, placement.end_date, placement.hours_per_week)
    start = data.get("start_date", placement.start_date)
    end = data.get("end_date", placement.end_date)
    hours = data.get("hours_per_week", placement.hours_per_week)
    _placement_clean(secretary=placement.secretary, client=placement.client, start=start, end=end, hours=hours)
    logged = TimeEntry.objects.filter(timesheet__placement=placement)
    if end is not None and logged.filter(date__gt=end).exists():
        raise ValidationError({"end_date": ["Hours are logged after this day; the placement cannot end before them."]})
    if start != placement.start_date:
        _draft_rate_move(placement=placement, start=start)
    changed, fields = model_update(
        instance=placement, fields=["start_date", "end_date", "hours_per_week", "purpose", "notes"], data=data
    )
    if not changed:
        return placement
    if set(fields) & {"start_date", "end_date", "hours_per_week"}:
        _capacity_guard(
            placement=placement, actor=actor, previous=previous, override_reason=override_reason, field="hours_per_week"
        )
    audit_record(actor=actor, action="placement.update", obj=placement, before=before, after=_snapshot(placement))
    return placement


def _transition(
    *,
    placement: Placement,
    actor: User,
    allowed_from: set[str],
    to: str,
    verb: str,
    action: str,
    reason: str = "",
    **changes: Any,
) -> Placement:
    if placement.status not in allowed_from:
        allowed = " or ".join(sorted(allowed_from))
        raise ApplicationError(
            f"This placement is {placement.status}: only {allowed} placements can be {verb}.",
            fields={"status": [f"Is {placement.status}; needs {allowed}."]},
        )
    before = _snapshot(placement)
    placement.status = to
    for key, value in changes.items():
        setattr(placement, key, value)
    placement.full_clean()
    placement.save(update_fields=["status", *changes.keys()])
    audit_record(actor=actor, action=action, obj=placement, before=before, after=_snapshot(placement), reason=reason)
    return placement


@transaction.atomic
def placement_activate(*, placement: Placement, actor: User) -> Placement:
    """A draft goes live. Drafts already hold their capacity, so nothing is re-checked."""
    placement = _lock(placement)
    return _transition(
        placement=placement,
        actor=actor,
        allowed_from={PlacementStatus.DRAFT},
        to=PlacementStatus.ACTIVE,
        verb="activated",
        action="placement.activate",
    )


@transaction.atomic
def placement_end(*, placement: Placement, actor: User, end_date: datetime.date) -> Placement:
    """End an active placement on ``end_date`` (not after its planned end, not before its start)."""
    placement = _lock(placement)
    last = (
        TimeEntry.objects.filter(timesheet__placement=placement)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    if last is not None and end_date < last:
        raise ValidationError({"end_date": [f"Hours are logged up to {last}; end the placement on or after that day."]})
    if end_date < placement.start_date:
        raise ValidationError({"end_date": ["A placement cannot end before it starts."]})
    if placement.end_date is not None and end_date > placement.end_date:
        raise ValidationError({"end_date": ["To end later than planned, extend the placement instead."]})
    return _transition(
        placement=placement,
        actor=actor,
        allowed_from={PlacementStatus.ACTIVE},
        to=PlacementStatus.ENDED,
        verb="ended",
        action="placement.end",
        end_date=end_date,
    )


@transaction.atomic
def placement_cancel(*, placement: Placement, actor: User, reason: str) -> Placement:
    """Cancel a placement that should never have run; its capacity is freed."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the placement is cancelled."]})
    placement = _lock(placement)
    if TimeEntry.objects.filter(timesheet__placement=placement).exists():
        raise ApplicationError(
            "Hours are logged on this placement: end it instead of cancelling it.",
            fields={"status": ["Has hours."]},
        )
    return _transition(
        placement=placement,
        actor=actor,
        allowed_from={PlacementStatus.DRAFT, PlacementStatus.ACTIVE},
        to=PlacementStatus.CANCELLED,
        verb="cancelled",
        action="placement.cancel",
        reason=reason.strip(),
    )


@transaction.atomic
def placement_change_rate(
    *, placement: Placement, actor: User, valid_from: datetime.date, hourly_rate: Decimal, reason: str = ""
) -> PlacementRate:
    """A new bill rate from ``valid_from`` on. Earlier rates stay as they were."""
    placement = _lock(placement)
    if placement.status == PlacementStatus.CANCELLED:
        raise ApplicationError("A cancelled placement has no rate to change.", fields={"status": ["Is cancelled."]})
    errors: dict[str, list[str]] = {}
    if valid_from < placement.start_date:
        errors["valid_from"] = ["A rate change takes effect on or after the placement's start."]
    elif placement.end_date is not None and valid_from > placement.end_date:
        errors["valid_from"] = ["A rate change takes effect before the placement ends."]
    elif placement.rates.filter(valid_from=valid_from).exists():
        errors["valid_from"] = ["The placement already has a rate from this date; choose another date."]
    else:
        invoiced = (
            placement.timesheets.filter(status=TimesheetStatus.INVOICED, period_end__gte=valid_from)
            .order_by("-period_end")
            .values_list("period_end", flat=True)
            .first()
        )
        if invoiced is not None:
            errors["valid_from"] = [
                f"Hours up to {invoiced} are invoiced at the current rate: a change takes effect after that "
                "(correct invoiced hours with a credit note)."
            ]
    if hourly_rate <= 0:
        errors["hourly_rate"] = ["The rate must be more than 0."]
    if errors:
        raise ValidationError(errors)
    before = placement_rate_on(placement=placement, day=valid_from)
    rate = PlacementRate.objects.create(
        placement=placement,
        valid_from=valid_from,
        hourly_rate=hourly_rate,
        source=PlacementRate.Source.OVERRIDE,
        created_by=actor,
    )
    timesheets_totals_refresh(
        timesheet_ids=list(placement.timesheets.filter(period_end__gte=valid_from).values_list("pk", flat=True))
    )
    audit_record(
        actor=actor,
        action="placement.change_rate",
        obj=placement,
        before={"valid_from": valid_from, "hourly_rate": before},
        after={"valid_from": valid_from, "hourly_rate": hourly_rate},
        reason=reason,
    )
    return rate
