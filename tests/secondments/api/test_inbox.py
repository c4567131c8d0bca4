"""The approval inbox's kept answers (secondments/api/inbox.py): a repeated request is answered from
the answer rendered at the inbox's version, and every change to what the inbox shows is seen at once.

The answers are kept only on PostgreSQL (row versions); there the tests below show them kept and
renewed. On SQLite every request reads the inbox, and the same tests show it answers the same.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from backend.accounts.models import User
from secondments.api import inbox
from secondments.api.inbox import inbox_answers_clear
from secondments.models import Client, TimeEntry, Timesheet, TimesheetStatus
from secondments.selectors.timesheets import approval_inbox_version
from secondments.services.timesheets import Cell, timesheet_approve, timesheet_submit, week_grid_save
from tests.conftest import World, api_client_for
from tests.secondments.api.test_approval_inbox_output import _sheets

INBOX = "/api/v1/approval-inbox/?page_size=100"
ON_POSTGRES = connection.vendor == "postgresql"


def _fresh(client: APIClient, path: str = INBOX) -> Any:
    """The inbox as it is rendered with nothing kept."""
    inbox_answers_clear()
    return client.get(path)


def _pending(world: World) -> list[Timesheet]:
    return list(
        Timesheet.objects.filter(placement__client=world.client, status=TimesheetStatus.SUBMITTED).order_by("pk")
    )


def test_a_repeated_request_is_answered_from_the_kept_answer(world: World, django_assert_num_queries: Any) -> None:
    _sheets(world)
    client = api_client_for(world.approver)

    with django_assert_num_queries(4 if ON_POSTGRES else 3):  # (the version,) the count, the page, its entries
        first = client.get(INBOX)
    with django_assert_num_queries(1 if ON_POSTGRES else 3):  # the version only
        again = client.get(INBOX)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    for header in ("Content-Type", "Allow", "Vary", "Content-Language"):
        assert again.get(header) == first.get(header), header
    assert len(inbox._answers) == (1 if ON_POSTGRES else 0)


def _entry_hours(world: World) -> None:
    entry = TimeEntry.objects.filter(timesheet=_pending(world)[0]).order_by("pk").first()
    assert entry is not None
    TimeEntry.objects.filter(pk=entry.pk).update(hours=Decimal("7.75"))


def _entry_deleted(world: World) -> None:
    TimeEntry.objects.filter(timesheet=_pending(world)[0]).order_by("pk").first().delete()  # type: ignore[union-attr]


def _entry_added(world: World) -> None:
    sheet = _pending(world)[0]
    taken = set(TimeEntry.objects.filter(timesheet=sheet).values_list("date", flat=True))
    free = next(
        sheet.period_start + datetime.timedelta(days=d)
        for d in range((sheet.period_end - sheet.period_start).days + 1)
        if sheet.period_start + datetime.timedelta(days=d) not in taken
    )
    TimeEntry.objects.create(timesheet=sheet, date=free, hours=Decimal("1.50"), description="Nagekomen")


def _secretary_renamed(world: World) -> None:
    User.objects.filter(pk=world.secretary.user_id).update(full_name="Sanne de Vries-Bakker")


def _client_renamed(world: World) -> None:
    Client.objects.filter(pk=world.client.pk).update(legal_name="Hernoemd B.V.")


def _submitters_email(world: World) -> None:
    User.objects.filter(pk=world.manager.pk).update(email="mira.manager@example.org")


def _sheet_approved(world: World) -> None:
    timesheet_approve(timesheet=_pending(world)[0], actor=world.approver, ip="127.0.0.1")


def _approver_leaves_the_client(world: World) -> None:
    world.client.approvers.remove(world.approver)


def _sheet_submitted(world: World) -> None:
    monday = datetime.date(2026, 4, 6)
    cells = [Cell(placement=world.placement, date=monday, hours=Decimal("2.00"), description="April")]
    (sheet,) = week_grid_save(actor=world.manager, secretary=world.secretary, cells=cells)
    timesheet_submit(timesheet=sheet, actor=world.manager)


CHANGES: list[Callable[[World], None]] = [
    _entry_hours,
    _entry_deleted,
    _entry_added,
    _secretary_renamed,
    _client_renamed,
    _submitters_email,
    _sheet_approved,
    _approver_leaves_the_client,
    _sheet_submitted,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_to_what_the_inbox_shows_is_seen_at_once(world: World, change: Callable[[World], None]) -> None:
    _sheets(world)
    client = api_client_for(world.approver)
    before = client.get(INBOX)
    assert client.get(INBOX).content == before.content  # kept (on PostgreSQL)

    change(world)
    after = client.get(INBOX)

    assert after.status_code == 200
    assert after.content != before.content
    assert after.content == _fresh(client).content


def test_each_page_and_page_size_is_its_own_answer(world: World) -> None:
    _sheets(world)
    client = api_client_for(world.approver)
    paths = ["/api/v1/approval-inbox/?page_size=2", "/api/v1/approval-inbox/?page_size=2&page=2", INBOX]

    first = [client.get(p) for p in paths]
    again = [client.get(p) for p in paths]

    assert [r.status_code for r in first] == [200, 200, 200]
    assert len({r.content for r in first}) == 3
    assert [r.content for r in again] == [r.content for r in first]
    assert [r.content for r in first] == [_fresh(client, p).content for p in paths]
    assert first[0].json()["next"] == "http://testserver/api/v1/approval-inbox/?page=2&page_size=2"


def test_each_approver_has_their_own_answer(world: World) -> None:
    _sheets(world)
    colleague = User.objects.create(email="colleague@example.org", full_name="Collega", is_client_approver=True)
    world.client.approvers.add(colleague)

    mine = api_client_for(world.approver).get(INBOX)
    theirs = api_client_for(colleague).get(INBOX)
    other = api_client_for(world.other_approver).get(INBOX)

    assert mine.json()["count"] == theirs.json()["count"] >= 3
    assert other.json()["count"] == 0
    assert len(inbox._answers) == (3 if ON_POSTGRES else 0)


def test_a_page_past_the_end_is_refused_and_nothing_kept(world: World) -> None:
    _sheets(world)

    response = api_client_for(world.approver).get("/api/v1/approval-inbox/?page=9")

    assert response.status_code == 400
    assert response.json() == {"message": "Validation failed.", "extra": {"fields": {"page": ["Invalid page."]}}}
    assert len(inbox._answers) == 0


def test_the_browsable_api_is_never_kept(world: World) -> None:
    _sheets(world)
    client = api_client_for(world.approver)

    response = client.get(INBOX, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert len(inbox._answers) == 0


@pytest.mark.postgres
def test_the_kept_answers_are_bounded_least_recently_used_first(world: World, monkeypatch: Any) -> None:
    _sheets(world)
    client = api_client_for(world.approver)
    small, medium, large = (f"/api/v1/approval-inbox/?page_size={n}" for n in (1, 2, 100))
    size = {path: len(_fresh(client, path).content) for path in (small, medium, large)}
    monkeypatch.setattr(inbox, "CACHE_BYTES", size[medium] + size[large])
    inbox_answers_clear()

    client.get(small)
    client.get(large)
    assert len(inbox._answers) == 2
    client.get(medium)  # over the bound: the least recently used goes

    assert [key[1] for key in inbox._answers] == [f"http://testserver{path}" for path in (large, medium)]
    assert inbox._size[0] == size[medium] + size[large]


@pytest.mark.skipif(ON_POSTGRES, reason="shows the embedded database's path; PostgreSQL keeps answers")
def test_off_postgresql_there_is_no_version_and_nothing_is_kept(world: World) -> None:
    _sheets(world)

    assert approval_inbox_version(user=world.approver) is None
    assert api_client_for(world.approver).get(INBOX).status_code == 200
    assert len(inbox._answers) == 0
