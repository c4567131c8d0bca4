"""An approval (or a submission) and an edit of the same timesheet racing on PostgreSQL:
the edit waits for the sheet's row lock and then loses.

Thread A opens a transaction, approves (or submits) the sheet, which locks its row,
signals thread B and keeps the transaction open for a moment. Thread B then
saves a grid changing a cell of that sheet: it must block on the lock until A
commits, and then see the new status and change nothing.
"""

import datetime
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from secondments.models import TimeEntry, Timesheet, TimesheetStatus
from secondments.services.timesheets import (
    Cell,
    timesheet_approve,
    timesheet_evidence_hash,
    timesheet_submit,
    week_grid_save,
)
from tests.factories import ClientFactory, PlacementFactory, SecretaryFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = datetime.date
HOLD = 0.5  # seconds thread A keeps its transaction (and the lock) open


def race(first: Any, cell: Cell, secretary: Any) -> dict[str, Any]:
    """Run ``first()`` in thread A inside a held transaction; the grid save in thread B."""
    locked = threading.Event()
    out: dict[str, Any] = {}

    def a() -> None:
        try:
            with transaction.atomic():
                first()
                locked.set()
                time.sleep(HOLD)
                out["a_committing"] = time.perf_counter()
        except Exception as exc:  # noqa: BLE001 - any failure of A is reported by the assertion below
            out["a_error"] = exc
        finally:
            locked.set()
            connection.close()

    def b() -> None:
        try:
            assert locked.wait(timeout=10)
            out["b_start"] = time.perf_counter()
            week_grid_save(actor=secretary.user, secretary=secretary, cells=[cell])
            out["b_result"] = "saved"
        except ApplicationError as exc:
            out["b_result"] = exc
        finally:
            out["b_end"] = time.perf_counter()
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert "a_error" not in out, out.get("a_error")
    return out


@pytest.fixture
def setup() -> dict[str, Any]:
    secretary = SecretaryFactory()
    approver = UserFactory(is_client_approver=True)
    placement = PlacementFactory(secretary=secretary, client=ClientFactory(approvers=[approver]))
    [sheet] = week_grid_save(
        actor=secretary.user,
        secretary=secretary,
        cells=[Cell(placement=placement, date=D(2026, 6, 8), hours=Decimal("2.00"), description="Minutes")],
    )
    return {"secretary": secretary, "approver": approver, "placement": placement, "sheet": sheet}


def test_an_edit_racing_an_approval_waits_and_is_refused(setup: dict[str, Any]) -> None:
    sheet = timesheet_submit(timesheet=setup["sheet"], actor=setup["secretary"].user)
    events = AuditEvent.objects.count()
    edit = Cell(placement=setup["placement"], date=D(2026, 6, 8), hours=Decimal("5.00"), description="Minutes")

    out = race(
        lambda: timesheet_approve(timesheet=sheet, actor=setup["approver"], ip="203.0.113.7"),
        edit,
        setup["secretary"],
    )

    error = out["b_result"]
    assert isinstance(error, ApplicationError), error
    assert error.fields == {"cells.0.hours": ["The timesheet of this day is approved; its hours cannot change."]}
    assert out["b_end"] >= out["a_committing"]  # B waited for A's commit
    assert out["b_end"] - out["b_start"] >= HOLD * 0.8
    [entry] = TimeEntry.objects.all()
    assert (entry.date, entry.hours) == (D(2026, 6, 8), Decimal("2.00"))
    sheet = Timesheet.objects.get(pk=sheet.pk)
    assert sheet.status == TimesheetStatus.APPROVED
    assert sheet.approval_hash == timesheet_evidence_hash(timesheet=sheet, entries=[entry])
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[events:]) == ["timesheet.approve"]


def test_an_edit_racing_a_submission_waits_and_is_refused(setup: dict[str, Any]) -> None:
    sheet = setup["sheet"]
    events = AuditEvent.objects.count()
    edit = Cell(placement=setup["placement"], date=D(2026, 6, 9), hours=Decimal("3.00"))

    out = race(lambda: timesheet_submit(timesheet=sheet, actor=setup["secretary"].user), edit, setup["secretary"])

    error = out["b_result"]
    assert isinstance(error, ApplicationError), error
    assert error.fields == {"cells.0.hours": ["The timesheet of this day is submitted; its hours cannot change."]}
    assert out["b_end"] >= out["a_committing"]
    assert list(TimeEntry.objects.values_list("date", "hours")) == [(D(2026, 6, 8), Decimal("2.00"))]
    assert Timesheet.objects.get(pk=sheet.pk).status == TimesheetStatus.SUBMITTED
    [event] = AuditEvent.objects.order_by("id")[events:]
    assert (event.action, event.after) == ("timesheet.submit", {"status": "submitted", "total_hours": "2.00"})
