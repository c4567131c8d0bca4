from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.core.services import audit_record, model_snapshot, model_update
from secondments.models import Pool


def _managers_clean(managers: list[User]) -> None:
    bad = [u.email for u in managers if not u.is_team_manager]
    if bad:
        raise ValidationError({"manager_ids": [f"{', '.join(bad)} do(es) not have the team manager role."]})


def _snapshot(pool: Pool) -> dict[str, Any]:
    return model_snapshot(pool) | {"managers": sorted(u.pk for u in pool.managers.all())}


@transaction.atomic
def pool_create(*, actor: User, name: str, cost_centre: str, managers: list[User] | None = None) -> Pool:
    """Create a pool; the team manager who creates it manages it."""
    managers = list(managers or [])
    if actor.is_team_manager and actor not in managers:
        managers.append(actor)
    if not managers:
        raise ValidationError({"manager_ids": ["A pool needs at least one team manager."]})
    _managers_clean(managers)
    if Pool.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": ["A pool with this name exists."]})
    pool = Pool(name=name, cost_centre=cost_centre)
    pool.full_clean()
    pool.save()
    pool.managers.set(managers)
    audit_record(actor=actor, action="pool.create", obj=pool, after=_snapshot(pool))
    return pool


@transaction.atomic
def pool_update(*, pool: Pool, actor: User, data: dict[str, Any]) -> Pool:
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    before = _snapshot(pool)
    if "managers" in data:
        _managers_clean(data["managers"])
        if not data["managers"]:
            raise ValidationError({"manager_ids": ["A pool needs at least one team manager."]})
    if "name" in data and Pool.objects.filter(name__iexact=data["name"]).exclude(pk=pool.pk).exists():
        raise ValidationError({"name": ["A pool with this name exists."]})
    changed, _ = model_update(instance=pool, fields=["name", "cost_centre", "managers"], data=data)
    if changed:
        audit_record(actor=actor, action="pool.update", obj=pool, before=before, after=_snapshot(pool))
    return pool
