import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.core.services import audit_record, model_snapshot, model_update
from secondments.models import Pool, Secretary

SECRETARY_FIELDS = [
    "pool",
    "contract_hours",
    "base_workload_hours",
    "skills",
    "languages",
    "employment_start",
    "employment_end",
    "active",
]


def _secretary_clean(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if data["base_workload_hours"] > data["contract_hours"]:
        errors["base_workload_hours"] = ["The base workload cannot exceed the contract hours."]
    if data.get("employment_end") and data["employment_end"] < data["employment_start"]:
        errors["employment_end"] = ["Employment cannot end before it starts."]
    if errors:
        raise ValidationError(errors)


def _tags(items: list[str]) -> list[str]:
    """Trimmed, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():
            seen.setdefault(item.strip(), None)
    return list(seen)


@transaction.atomic
def secretary_create(
    *,
    actor: User,
    user: User,
    pool: Pool,
    contract_hours: Decimal,
    base_workload_hours: Decimal,
    employment_start: datetime.date,
    employment_end: datetime.date | None = None,
    skills: list[str] | None = None,
    languages: list[str] | None = None,
    hourly_employer_cost: Decimal = Decimal("0.00"),
) -> Secretary:
    if Secretary.objects.filter(user=user).exists():
        raise ValidationError({"user_id": ["This user already has a secretary profile."]})
    data = {
        "contract_hours": contract_hours,
        "base_workload_hours": base_workload_hours,
        "employment_start": employment_start,
        "employment_end": employment_end,
    }
    _secretary_clean(data)
    if not user.is_secretary:
        user.is_secretary = True
        user.save(update_fields=["is_secretary"])
    secretary = Secretary(
        user=user,
        pool=pool,
        skills=_tags(skills or []),
        languages=_tags(languages or []),
        hourly_employer_cost=hourly_employer_cost,
        **data,
    )
    secretary.full_clean()
    secretary.save()
    audit_record(actor=actor, action="secretary.create", obj=secretary, after=model_snapshot(secretary))
    return secretary


@transaction.atomic
def secretary_update(*, secretary: Secretary, actor: User, data: dict[str, Any]) -> Secretary:
    """Change a secretary's profile. Lowering capacity below placed hours is allowed (it is a fact)."""
    secretary = Secretary.objects.select_for_update().get(pk=secretary.pk)
    before = model_snapshot(secretary)
    data = dict(data)
    for key in ("skills", "languages"):
        if key in data:
            data[key] = _tags(data[key])
    merged = {f: getattr(secretary, f) for f in SECRETARY_FIELDS} | data
    _secretary_clean(merged)
    changed, _ = model_update(instance=secretary, fields=SECRETARY_FIELDS, data=data)
    if changed:
        audit_record(
            actor=actor, action="secretary.update", obj=secretary, before=before, after=model_snapshot(secretary)
        )
    return secretary


@transaction.atomic
def secretary_set_employer_cost(*, secretary: Secretary, actor: User, hourly_employer_cost: Decimal) -> Secretary:
    """Finance sets the hourly employer cost (salary, charges, overhead) used for cost recovery."""
    if hourly_employer_cost < 0:
        raise ValidationError({"hourly_employer_cost": ["The employer cost cannot be negative."]})
    secretary = Secretary.objects.select_for_update().get(pk=secretary.pk)
    before = {"hourly_employer_cost": secretary.hourly_employer_cost}
    if secretary.hourly_employer_cost != hourly_employer_cost:
        secretary.hourly_employer_cost = hourly_employer_cost
        secretary.save(update_fields=["hourly_employer_cost"])
        audit_record(
            actor=actor,
            action="secretary.set_employer_cost",
            obj=secretary,
            before=before,
            after={"hourly_employer_cost": hourly_employer_cost},
        )
    return secretary
