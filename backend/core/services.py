"""Shared write services."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import models

from backend.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def model_snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj``, JSON-ready, for an audit before/after."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        out[field.attname] = _jsonable(getattr(obj, field.attname))
    return out


def audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """An unsaved audit event: for ``audit_record``, or many at once with ``AuditEvent.objects.bulk_create``."""
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it records."""
    event = audit_event(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)
    event.save()
    return event


def model_update(*, instance: models.Model, fields: list[str], data: dict[str, Any]) -> tuple[bool, list[str]]:
    """Set those of ``fields`` present in ``data`` on ``instance``; save only what changed.

    Returns whether anything changed and which fields. Many-to-many fields are
    set after the save.
    """
    changed: list[str] = []
    m2m: dict[str, Any] = {}
    for name in fields:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = data[name]
            continue
        if getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
    for name, value in m2m.items():
        current = {o.pk for o in getattr(instance, name).all()}
        wanted = {getattr(o, "pk", o) for o in value}
        if current != wanted:
            getattr(instance, name).set(value)
            changed.append(name)
    return bool(changed), changed
