"""Secretary profiles (secondments/services/secretaries.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.models import AuditEvent
from backend.core.services import model_snapshot
from secondments.models import Pool, Secretary
from secondments.services.secretaries import secretary_create, secretary_set_employer_cost, secretary_update
from tests.factories import PoolFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


@pytest.fixture
def pool(manager: User) -> Pool:
    return PoolFactory(managers=[manager])


def everything() -> tuple[list[dict[str, Any]], int, list[bool]]:
    return (
        [model_snapshot(s) for s in Secretary.objects.order_by("id")],
        AuditEvent.objects.count(),
        list(User.objects.order_by("id").values_list("is_secretary", flat=True)),
    )


def create(manager: User, pool: Pool, **kwargs: Any) -> Secretary:
    params: dict[str, Any] = {
        "actor": manager,
        "user": kwargs.pop("user", None) or UserFactory(),
        "pool": pool,
        "contract_hours": Decimal("32.00"),
        "base_workload_hours": Decimal("12.00"),
        "employment_start": D(2026, 7, 1),
    }
    params.update(kwargs)
    return secretary_create(**params)


def create_refused(manager: User, pool: Pool, **kwargs: Any) -> dict[str, list[str]]:
    user = kwargs.pop("user", None) or UserFactory()
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        create(manager, pool, user=user, **kwargs)
    assert everything() == before
    return excinfo.value.message_dict


def test_create_gives_the_user_the_secretary_role_and_writes_one_audit_event(manager: User, pool: Pool) -> None:
    user = UserFactory(is_secretary=False)
    secretary = create(
        manager,
        pool,
        user=user,
        skills=[" minutes ", "agenda", "minutes", ""],
        languages=["nl", "en", "nl"],
        hourly_employer_cost=Decimal("41.00"),
    )
    secretary.refresh_from_db()
    user.refresh_from_db()
    assert user.is_secretary is True
    assert (secretary.pool, secretary.contract_hours, secretary.base_workload_hours) == (
        pool,
        Decimal("32.00"),
        Decimal("12.00"),
    )
    assert (secretary.skills, secretary.languages) == (["minutes", "agenda"], ["nl", "en"])
    assert secretary.hourly_employer_cost == Decimal("41.00")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id, event.before) == (
        manager,
        "secretary.create",
        str(secretary.pk),
        None,
    )
    assert event.after == model_snapshot(secretary)


def test_base_workload_equal_to_the_contract_is_allowed(manager: User, pool: Pool) -> None:
    secretary = create(manager, pool, base_workload_hours=Decimal("32.00"))
    assert secretary.base_workload_hours == Decimal("32.00")


def test_base_workload_above_the_contract_is_refused(manager: User, pool: Pool) -> None:
    assert create_refused(manager, pool, base_workload_hours=Decimal("32.01")) == {
        "base_workload_hours": ["The base workload cannot exceed the contract hours."]
    }


def test_employment_cannot_end_before_it_starts(manager: User, pool: Pool) -> None:
    assert create_refused(manager, pool, employment_end=D(2026, 6, 30)) == {
        "employment_end": ["Employment cannot end before it starts."]
    }


def test_a_user_has_one_secretary_profile(manager: User, pool: Pool) -> None:
    existing = SecretaryFactory()
    assert create_refused(manager, pool, user=existing.user) == {
        "user_id": ["This user already has a secretary profile."]
    }


def test_a_refused_create_does_not_give_the_role(manager: User, pool: Pool) -> None:
    user = UserFactory(is_secretary=False)
    create_refused(
        manager,
        pool,
        user=user,
        contract_hours=Decimal("40"),
        base_workload_hours=Decimal("10"),
        hourly_employer_cost=Decimal("-1"),
    )
    user.refresh_from_db()
    assert user.is_secretary is False


# --- update ----------------------------------------------------------------------------------------


@pytest.fixture
def secretary(pool: Pool) -> Secretary:
    return SecretaryFactory(pool=pool)


def update_refused(secretary: Secretary, manager: User, data: dict[str, Any]) -> dict[str, list[str]]:
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        secretary_update(secretary=secretary, actor=manager, data=data)
    assert everything() == before
    return excinfo.value.message_dict


def test_update_writes_one_audit_event_with_before_and_after(secretary: Secretary, manager: User) -> None:
    before = model_snapshot(secretary)
    secretary_update(
        secretary=secretary,
        actor=manager,
        data={"base_workload_hours": Decimal("20.00"), "skills": ["excel ", "excel"]},
    )
    stored = Secretary.objects.get(pk=secretary.pk)
    assert (stored.base_workload_hours, stored.skills) == (Decimal("20.00"), ["excel"])
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id) == (manager, "secretary.update", str(secretary.pk))
    assert event.before == before
    assert event.after == before | {"base_workload_hours": "20.00", "skills": ["excel"]}


def test_update_without_change_writes_nothing(secretary: Secretary, manager: User) -> None:
    before = everything()
    secretary_update(
        secretary=secretary, actor=manager, data={"contract_hours": Decimal("36"), "skills": ["minutes", "agenda"]}
    )
    assert everything() == before


@pytest.mark.parametrize(
    "data",
    [
        {"base_workload_hours": Decimal("36.50")},
        {"contract_hours": Decimal("15.00")},  # below the base workload of 16
    ],
)
def test_update_cannot_put_the_base_workload_above_the_contract(
    secretary: Secretary, manager: User, data: dict[str, Any]
) -> None:
    assert update_refused(secretary, manager, data) == {
        "base_workload_hours": ["The base workload cannot exceed the contract hours."]
    }


def test_update_cannot_end_employment_before_it_starts(secretary: Secretary, manager: User) -> None:
    assert update_refused(secretary, manager, {"employment_end": D(2019, 12, 31)}) == {
        "employment_end": ["Employment cannot end before it starts."]
    }


# --- employer cost ---------------------------------------------------------------------------------


def test_a_changed_employer_cost_is_audited(secretary: Secretary) -> None:
    finance = UserFactory(is_finance=True)
    secretary_set_employer_cost(secretary=secretary, actor=finance, hourly_employer_cost=Decimal("44.75"))
    assert Secretary.objects.get(pk=secretary.pk).hourly_employer_cost == Decimal("44.75")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id, event.before, event.after) == (
        finance,
        "secretary.set_employer_cost",
        str(secretary.pk),
        {"hourly_employer_cost": "42.50"},
        {"hourly_employer_cost": "44.75"},
    )


def test_an_unchanged_employer_cost_writes_nothing(secretary: Secretary) -> None:
    finance = UserFactory(is_finance=True)
    secretary_set_employer_cost(secretary=secretary, actor=finance, hourly_employer_cost=Decimal("42.5"))
    assert AuditEvent.objects.count() == 0


def test_a_negative_employer_cost_is_refused_and_nothing_changes(secretary: Secretary) -> None:
    finance = UserFactory(is_finance=True)
    with pytest.raises(ValidationError) as excinfo:
        secretary_set_employer_cost(secretary=secretary, actor=finance, hourly_employer_cost=Decimal("-0.01"))
    assert excinfo.value.message_dict == {"hourly_employer_cost": ["The employer cost cannot be negative."]}
    assert Secretary.objects.get(pk=secretary.pk).hourly_employer_cost == Decimal("42.50")
    assert AuditEvent.objects.count() == 0
