"""Leave of secretaries (secondments/services/leave.py)."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.models import AuditEvent
from backend.core.services import model_snapshot
from secondments.models import Leave, Secretary
from secondments.services.leave import leave_create, leave_delete, leave_update
from tests.factories import LeaveFactory, SecretaryFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def manager() -> User:
    return UserFactory(is_team_manager=True)


@pytest.fixture
def secretary() -> Secretary:
    return SecretaryFactory()


@pytest.fixture
def leave(secretary: Secretary) -> Leave:
    """Monday 6 .. Friday 10 July 2026."""
    return LeaveFactory(secretary=secretary, start_date=D(2026, 7, 6), end_date=D(2026, 7, 10))


def everything() -> tuple[list[dict[str, Any]], int]:
    return [model_snapshot(item) for item in Leave.objects.order_by("id")], AuditEvent.objects.count()


def create_refused(manager: User, secretary: Secretary, **kwargs: Any) -> dict[str, list[str]]:
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        leave_create(actor=manager, secretary=secretary, kind="vacation", **kwargs)
    assert everything() == before
    return excinfo.value.message_dict


def test_create_leave_with_one_audit_event(manager: User, secretary: Secretary) -> None:
    leave = leave_create(
        actor=manager,
        secretary=secretary,
        start_date=D(2026, 8, 3),
        end_date=D(2026, 8, 14),
        kind="vacation",
        note="Sun",
    )
    leave.refresh_from_db()
    assert (leave.secretary, leave.start_date, leave.end_date, leave.kind, leave.note) == (
        secretary,
        D(2026, 8, 3),
        D(2026, 8, 14),
        "vacation",
        "Sun",
    )
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id, event.before) == (
        manager,
        "leave.create",
        "secondments.leave",
        str(leave.pk),
        None,
    )
    assert event.after == {
        "id": leave.pk,
        "secretary_id": secretary.pk,
        "start_date": "2026-08-03",
        "end_date": "2026-08-14",
        "kind": "vacation",
        "note": "Sun",
    }


def test_one_day_of_leave(manager: User, secretary: Secretary) -> None:
    leave = leave_create(
        actor=manager, secretary=secretary, start_date=D(2026, 8, 3), end_date=D(2026, 8, 3), kind="sick"
    )
    assert (leave.start_date, leave.end_date) == (D(2026, 8, 3), D(2026, 8, 3))


def test_leave_cannot_end_before_it_starts(manager: User, secretary: Secretary) -> None:
    assert create_refused(manager, secretary, start_date=D(2026, 8, 3), end_date=D(2026, 8, 2)) == {
        "end_date": ["Leave cannot end before it starts."]
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 7, 6), D(2026, 7, 10)),  # the same
        (D(2026, 7, 1), D(2026, 7, 6)),  # ends on its first day
        (D(2026, 7, 10), D(2026, 7, 17)),  # starts on its last day
        (D(2026, 7, 7), D(2026, 7, 8)),  # inside
        (D(2026, 7, 1), D(2026, 7, 31)),  # around
    ],
)
def test_overlapping_leave_is_refused(
    manager: User, secretary: Secretary, leave: Leave, start: datetime.date, end: datetime.date
) -> None:
    assert create_refused(manager, secretary, start_date=start, end_date=end) == {
        "start_date": ["This overlaps other leave of the same secretary."]
    }


def test_adjacent_leave_and_leave_of_others_are_fine(manager: User, secretary: Secretary, leave: Leave) -> None:
    leave_create(actor=manager, secretary=secretary, start_date=D(2026, 7, 11), end_date=D(2026, 7, 12), kind="other")
    leave_create(actor=manager, secretary=secretary, start_date=D(2026, 7, 3), end_date=D(2026, 7, 5), kind="other")
    leave_create(
        actor=manager, secretary=SecretaryFactory(), start_date=D(2026, 7, 6), end_date=D(2026, 7, 10), kind="sick"
    )
    assert Leave.objects.count() == 4


def test_an_unknown_kind_is_refused(manager: User, secretary: Secretary) -> None:
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        leave_create(
            actor=manager, secretary=secretary, start_date=D(2026, 8, 3), end_date=D(2026, 8, 3), kind="holiday"
        )
    assert list(excinfo.value.message_dict) == ["kind"]
    assert everything() == before


# --- update / delete -------------------------------------------------------------------------------


def test_update_leave_with_before_and_after(manager: User, leave: Leave) -> None:
    before = model_snapshot(leave)
    leave_update(leave=leave, actor=manager, data={"end_date": D(2026, 7, 14), "kind": "sick"})
    stored = Leave.objects.get(pk=leave.pk)
    assert (stored.end_date, stored.kind) == (D(2026, 7, 14), "sick")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action) == (manager, "leave.update")
    assert event.before == before
    assert event.after == before | {"end_date": "2026-07-14", "kind": "sick"}


def test_an_update_without_change_writes_nothing(manager: User, leave: Leave) -> None:
    before = everything()
    leave_update(leave=leave, actor=manager, data={"start_date": D(2026, 7, 6)})
    assert everything() == before


def test_an_update_may_overlap_its_own_old_dates(manager: User, leave: Leave) -> None:
    leave_update(leave=leave, actor=manager, data={"start_date": D(2026, 7, 8), "end_date": D(2026, 7, 20)})
    assert Leave.objects.get(pk=leave.pk).start_date == D(2026, 7, 8)


def test_an_update_overlapping_other_leave_is_refused(manager: User, secretary: Secretary, leave: Leave) -> None:
    LeaveFactory(secretary=secretary, start_date=D(2026, 7, 20), end_date=D(2026, 7, 24))
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        leave_update(leave=leave, actor=manager, data={"end_date": D(2026, 7, 20)})
    assert excinfo.value.message_dict == {"start_date": ["This overlaps other leave of the same secretary."]}
    assert everything() == before


def test_an_update_ending_before_the_start_is_refused(manager: User, leave: Leave) -> None:
    before = everything()
    with pytest.raises(ValidationError) as excinfo:
        leave_update(leave=leave, actor=manager, data={"start_date": D(2026, 7, 11)})
    assert excinfo.value.message_dict == {"end_date": ["Leave cannot end before it starts."]}
    assert everything() == before


def test_delete_leave_is_audited(manager: User, leave: Leave) -> None:
    snapshot = model_snapshot(leave)
    leave_delete(leave=leave, actor=manager)
    assert Leave.objects.count() == 0
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_id, event.before, event.after) == (
        manager,
        "leave.delete",
        str(snapshot["id"]),
        snapshot,
        None,
    )
