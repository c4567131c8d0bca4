import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.core.services import audit_record, model_snapshot, model_update
from secondments.models import Leave, Secretary


def _leave_clean(
    *, secretary: Secretary, start_date: datetime.date, end_date: datetime.date, exclude_id: int | None
) -> None:
    if end_date < start_date:
        raise ValidationError({"end_date": ["Leave cannot end before it starts."]})
    clash = Leave.objects.filter(secretary=secretary, start_date__lte=end_date, end_date__gte=start_date)
    if exclude_id is not None:
        clash = clash.exclude(pk=exclude_id)
    if clash.exists():
        raise ValidationError({"start_date": ["This overlaps other leave of the same secretary."]})


@transaction.atomic
def leave_create(
    *, actor: User, secretary: Secretary, start_date: datetime.date, end_date: datetime.date, kind: str, note: str = ""
) -> Leave:
    Secretary.objects.select_for_update().get(pk=secretary.pk)
    _leave_clean(secretary=secretary, start_date=start_date, end_date=end_date, exclude_id=None)
    leave = Leave(secretary=secretary, start_date=start_date, end_date=end_date, kind=kind, note=note)
    leave.full_clean()
    leave.save()
    audit_record(actor=actor, action="leave.create", obj=leave, after=model_snapshot(leave))
    return leave


@transaction.atomic
def leave_update(*, leave: Leave, actor: User, data: dict[str, Any]) -> Leave:
    Secretary.objects.select_for_update().get(pk=leave.secretary_id)
    leave = Leave.objects.get(pk=leave.pk)
    before = model_snapshot(leave)
    start = data.get("start_date", leave.start_date)
    end = data.get("end_date", leave.end_date)
    _leave_clean(secretary=leave.secretary, start_date=start, end_date=end, exclude_id=leave.pk)
    changed, _ = model_update(instance=leave, fields=["start_date", "end_date", "kind", "note"], data=data)
    if changed:
        audit_record(actor=actor, action="leave.update", obj=leave, before=before, after=model_snapshot(leave))
    return leave


@transaction.atomic
def leave_delete(*, leave: Leave, actor: User) -> None:
    audit_record(actor=actor, action="leave.delete", obj=leave, before=model_snapshot(leave))
    leave.delete()
