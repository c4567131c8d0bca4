"""``approval_inbox_version``: one prepared statement over the change records the database triggers
write (secondments/inbox_changes.py); it changes whenever what an approver's inbox shows changes, and
stays the same while nothing does. PostgreSQL only: SQLite has no triggers (tests/secondments/api/test_inbox.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import User
from secondments.inbox_changes import _CLIENTS_OF
from secondments.models import Client, InboxChange, Placement, Secretary, TimeEntry, Timesheet, TimesheetStatus
from secondments.selectors.timesheets import InboxVersion, approval_inbox_version
from secondments.services.inbox_changes import inbox_changes_compact
from secondments.services.timesheets import Cell, timesheet_submit, week_grid_save
from tests.conftest import World
from tests.secondments.api.test_approval_inbox_output import _sheets

pytestmark = pytest.mark.postgres


def _version(world: World, user: User | None = None) -> InboxVersion | None:
    return approval_inbox_version(user=user or world.approver)


def test_the_version_names_the_approvers_clients_and_stays_while_nothing_changes(
    world: World, django_assert_num_queries: Any
) -> None:
    _sheets(world)

    with django_assert_num_queries(1):
        first = _version(world)
    assert first is not None
    assert [client for client, _ in first.clients] == [world.client.pk]
    assert first.clients[0][1] > 0
    assert _version(world) == first


def test_a_change_to_one_clients_sheets_leaves_another_clients_approver_alone(world: World) -> None:
    _sheets(world)
    other = _version(world, world.other_approver)
    mine = _version(world)

    TimeEntry.objects.filter(timesheet__placement__client=world.client).update(description="Bijgewerkt")

    assert _version(world, world.other_approver) == other
    assert _version(world) != mine


def test_locking_a_sheet_without_changing_it_keeps_the_version(world: World) -> None:
    _sheets(world)
    before = _version(world)

    with transaction.atomic():
        list(Timesheet.objects.select_for_update().filter(status=TimesheetStatus.SUBMITTED))

    assert _version(world) == before


def test_a_login_does_not_change_the_version_a_new_name_does(world: World) -> None:
    _sheets(world)
    before = _version(world)

    User.objects.filter(pk=world.secretary.user_id).update(last_login=timezone.now())
    assert _version(world) == before

    User.objects.filter(pk=world.secretary.user_id).update(full_name="Een Nieuwe Naam")
    assert _version(world) != before


def test_the_submitter_is_followed_to_the_sheets_they_handed_in(world: World) -> None:
    cells = [Cell(placement=world.placement, date=datetime.date(2026, 6, 1), hours=Decimal("3.00"), description="")]
    (sheet,) = week_grid_save(actor=world.manager, secretary=world.secretary, cells=cells)
    timesheet_submit(timesheet=sheet, actor=world.manager)
    before = _version(world)

    User.objects.filter(pk=world.manager.pk).update(email="mira@example.org")

    assert _version(world) != before


def test_gaining_a_client_changes_the_version(world: World) -> None:
    before = _version(world)
    assert before is not None

    Client.approvers.through.objects.create(client_id=world.other_client.pk, user_id=world.approver.pk)

    after = _version(world)
    assert after is not None
    assert [c for c, _ in after.clients] == sorted([world.client.pk, world.other_client.pk])


def test_moving_a_placement_changes_both_clients(world: World) -> None:
    _sheets(world)
    mine, other = _version(world), _version(world, world.other_approver)

    Placement.objects.filter(pk=world.placement.pk).update(client=world.other_client)

    assert _version(world) != mine
    assert _version(world, world.other_approver) != other


def test_an_uncommitted_change_is_not_seen_until_it_is_committed(world: World) -> None:
    _sheets(world)
    before = _version(world)
    with transaction.atomic():
        sid = transaction.savepoint()
        User.objects.filter(pk=world.secretary.user_id).update(full_name="Terug te draaien")
        assert _version(world) != before  # this transaction sees its own change
        transaction.savepoint_rollback(sid)

    assert _version(world) == before


def test_a_bulk_write_adds_one_record_per_client(world: World) -> None:
    _sheets(world)
    records = InboxChange.objects.count()

    updated = TimeEntry.objects.filter(timesheet__placement__client=world.client).update(description="Alles")

    assert updated > 3
    assert InboxChange.objects.count() == records + 1
    assert InboxChange.objects.order_by("-pk").values_list("client_id", "n").first() == (world.client.pk, 1)


def test_compacting_folds_each_clients_records_and_keeps_every_version(world: World) -> None:
    _sheets(world)
    TimeEntry.objects.filter(timesheet__placement__client=world.other_client).update(description="Ander")
    versions = (_version(world), _version(world, world.other_approver))
    rows = InboxChange.objects.count()
    clients = InboxChange.objects.values("client_id").distinct().count()
    assert rows > clients >= 2

    fewer = inbox_changes_compact()

    assert fewer == rows - clients
    assert InboxChange.objects.count() == clients
    assert (_version(world), _version(world, world.other_approver)) == versions
    assert inbox_changes_compact() == 0


def test_no_version_for_a_user_who_is_no_approver(world: World) -> None:
    assert approval_inbox_version(user=world.finance) is None


def test_the_statement_is_prepared_on_the_connection(world: World) -> None:
    _version(world)
    _version(world)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%inboxchange%"])
        assert cursor.fetchone() == (1,)


def test_the_triggers_are_on_the_tables_the_models_name() -> None:
    tables = {Timesheet, TimeEntry, Placement, Secretary, Client, User, Client.approvers.through}
    assert set(_CLIENTS_OF) == {model._meta.db_table for model in tables}
    assert InboxChange._meta.db_table == "secondments_inboxchange"


@pytest.mark.django_db
def test_the_triggers_are_installed() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
            ["secondo_inbox_change_%"],
        )
        assert {row[0] for row in cursor.fetchall()} == set(_CLIENTS_OF)


def test_hours_logged_on_a_sheet_not_handed_in_leave_the_version_handing_it_in_changes_it(world: World) -> None:
    _sheets(world)
    before = _version(world)
    cells = [Cell(placement=world.placement, date=datetime.date(2026, 4, 7), hours=Decimal("4.00"), description="")]

    (sheet,) = week_grid_save(actor=world.secretary.user, secretary=world.secretary, cells=cells)
    assert sheet.status == TimesheetStatus.OPEN
    assert _version(world) == before

    timesheet_submit(timesheet=sheet, actor=world.secretary.user)
    assert _version(world) != before
