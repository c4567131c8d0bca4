"""Pools (secondments/services/pools.py)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.models import AuditEvent
from secondments.models import Pool
from secondments.services.pools import pool_create, pool_update
from tests.factories import PoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


def everything() -> tuple[list[tuple[Any, ...]], list[tuple[int, int]], int]:
    return (
        list(Pool.objects.order_by("id").values_list("id", "name", "cost_centre")),
        list(Pool.managers.through.objects.order_by("id").values_list("pool_id", "user_id")),
        AuditEvent.objects.count(),
    )


def refused(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    assert everything() == before
    return excinfo.value.message_dict


def test_the_creating_team_manager_manages_the_pool(manager: User) -> None:
    pool = pool_create(actor=manager, name="Front office", cost_centre="CC0001")
    assert list(pool.managers.all()) == [manager]
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id, event.before) == (
        manager,
        "pool.create",
        "secondments.pool",
        str(pool.pk),
        None,
    )
    assert event.after == {
        "id": pool.pk,
        "name": "Front office",
        "cost_centre": "CC0001",
        "created_at": "2026-06-15T08:00:00+00:00",
        "managers": [manager.pk],
    }


def test_named_managers_are_added_to_the_creator(manager: User) -> None:
    colleague = UserFactory(is_team_manager=True)
    pool = pool_create(actor=manager, name="Front office", cost_centre="CC0001", managers=[colleague])
    assert set(pool.managers.all()) == {manager, colleague}


def test_the_creator_named_as_manager_is_added_once(manager: User) -> None:
    pool = pool_create(actor=manager, name="Front office", cost_centre="CC0001", managers=[manager])
    assert list(pool.managers.all()) == [manager]


def test_a_director_creating_a_pool_does_not_manage_it() -> None:
    director = UserFactory(is_director=True)
    manager = UserFactory(is_team_manager=True)
    pool = pool_create(actor=director, name="Front office", cost_centre="CC0001", managers=[manager])
    assert list(pool.managers.all()) == [manager]


@pytest.mark.parametrize("name", ["Front office", "front office", "FRONT OFFICE"])
def test_pool_names_are_unique_case_insensitively(manager: User, name: str) -> None:
    PoolFactory(name="Front office")
    assert refused(pool_create, actor=manager, name=name, cost_centre="CC0002") == {
        "name": ["A pool with this name exists."]
    }


def test_managers_must_have_the_team_manager_role(manager: User) -> None:
    finance = UserFactory(email="fin@example.org", is_finance=True)
    assert refused(pool_create, actor=manager, name="Front office", cost_centre="CC1", managers=[finance]) == {
        "manager_ids": ["fin@example.org do(es) not have the team manager role."]
    }


# --- update ----------------------------------------------------------------------------------------


@pytest.fixture
def pool(manager: User) -> Pool:
    return PoolFactory(name="Front office", cost_centre="CC0001", managers=[manager])


def test_rename_writes_one_audit_event(pool: Pool, manager: User) -> None:
    pool_update(pool=pool, actor=manager, data={"name": "Reception"})
    assert Pool.objects.get(pk=pool.pk).name == "Reception"
    event = AuditEvent.objects.get()
    assert (event.actor, event.action) == (manager, "pool.update")
    assert (event.before["name"], event.after["name"]) == ("Front office", "Reception")
    assert event.before["managers"] == event.after["managers"] == [manager.pk]


def test_a_pool_may_change_the_case_of_its_own_name(pool: Pool, manager: User) -> None:
    pool_update(pool=pool, actor=manager, data={"name": "FRONT OFFICE"})
    assert Pool.objects.get(pk=pool.pk).name == "FRONT OFFICE"


def test_rename_to_another_pools_name_is_refused(pool: Pool, manager: User) -> None:
    PoolFactory(name="Back office")
    assert refused(pool_update, pool=pool, actor=manager, data={"name": "back OFFICE"}) == {
        "name": ["A pool with this name exists."]
    }


def test_managers_are_replaced_and_audited(pool: Pool, manager: User) -> None:
    colleague = UserFactory(is_team_manager=True)
    pool_update(pool=pool, actor=manager, data={"managers": [colleague]})
    assert list(Pool.objects.get(pk=pool.pk).managers.all()) == [colleague]
    event = AuditEvent.objects.get()
    assert (event.before["managers"], event.after["managers"]) == ([manager.pk], [colleague.pk])


def test_a_pool_keeps_at_least_one_manager(pool: Pool, manager: User) -> None:
    assert refused(pool_update, pool=pool, actor=manager, data={"managers": []}) == {
        "manager_ids": ["A pool needs at least one team manager."]
    }


def test_update_managers_must_have_the_team_manager_role(pool: Pool, manager: User) -> None:
    approver = UserFactory(email="appr@example.org", is_client_approver=True)
    assert refused(pool_update, pool=pool, actor=manager, data={"managers": [manager, approver]}) == {
        "manager_ids": ["appr@example.org do(es) not have the team manager role."]
    }


def test_no_change_writes_nothing(pool: Pool, manager: User) -> None:
    before = everything()
    pool_update(pool=pool, actor=manager, data={"name": "Front office", "managers": [manager]})
    assert everything() == before


def test_a_pool_without_any_team_manager_is_refused() -> None:
    director = UserFactory(is_director=True)
    assert refused(pool_create, actor=director, name="Nobody's", cost_centre="CC0002") == {
        "manager_ids": ["A pool needs at least one team manager."]
    }
