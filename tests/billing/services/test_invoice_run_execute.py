"""Queued runs (billing/services/runs.py: invoice_run_enqueue, invoice_run_execute, invoice_runs_queued_resume)
and their tasks (billing/tasks.py)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import InterfaceError, OperationalError

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceRun, InvoiceRunStatus, InvoiceStatus
from billing.services import runs
from billing.services.invoices import invoice_line_add
from billing.services.runs import invoice_run_enqueue, invoice_run_execute, invoice_run_start
from billing.tasks import invoice_run_execute_task, invoice_runs_resume
from secondments.models import Timesheet, TimesheetStatus
from tests.billing.conftest import APRIL, MAY, approved_sheet
from tests.conftest import World

NOW = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)  # the pinned clock of tests/conftest.py


def _events_after(last: int) -> list[tuple[str, str, int]]:
    return list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").values_list("action", "object_id", "actor_id"))


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_queued_run_is_recorded_and_carried_out_after_the_commit(
    world: World, may_sheet: Timesheet, django_capture_on_commit_callbacks: Any
) -> None:
    last = _last_event()

    with django_capture_on_commit_callbacks() as callbacks:
        run = invoice_run_enqueue(actor=world.finance, year=2026, month=5, finalize=True, email=False)

    queued = InvoiceRun.objects.get()
    assert (queued.pk, queued.status, queued.finalize, queued.email, queued.finished_at) == (
        run.pk,
        InvoiceRunStatus.QUEUED,
        True,
        False,
        None,
    )
    assert (Invoice.objects.count(), Timesheet.objects.get().status, len(callbacks)) == (
        0,
        TimesheetStatus.APPROVED,
        1,
    )
    assert _events_after(last) == [("invoice_run.queue", str(run.pk), world.finance.pk)]
    assert AuditEvent.objects.get(action="invoice_run.queue").after == {
        "period": "2026-05",
        "client": None,
        "finalize": True,
    }

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the commit: the task is sent, and runs eagerly (no broker in the tests)

    done = InvoiceRun.objects.get()
    invoice = Invoice.objects.get()
    assert (done.status, done.finished_at, done.error, done.invoice_count, done.timesheet_count) == (
        InvoiceRunStatus.DONE,
        NOW,
        "",
        1,
        1,
    )
    assert (invoice.run_id, invoice.number, invoice.status) == (run.pk, "2026-00001", InvoiceStatus.FINALISED)
    assert Timesheet.objects.get().status == TimesheetStatus.INVOICED
    actions = [action for action, _, actor in _events_after(last) if actor == world.finance.pk]
    assert actions[:5] == [
        "invoice_run.queue",
        "invoice.create",
        "timesheet.invoice",
        "invoice.lines_add",
        "invoice_run.start",
    ]
    assert "invoice.finalize" in actions


def test_carrying_out_a_run_again_changes_nothing(world: World, may_sheet: Timesheet) -> None:
    """A retried or redelivered task finds the run done: one draft, one set of events."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runs.transaction, "on_commit", lambda func, using=None, robust=False: None)
        run = invoice_run_enqueue(actor=world.finance, year=2026, month=5)
    invoice_run_execute(run_id=run.pk)
    last = _last_event()

    again = invoice_run_execute(run_id=run.pk)
    result = invoice_run_execute_task.delay(run_id=run.pk).get()

    assert (again.status, Invoice.objects.count(), _events_after(last)) == (InvoiceRunStatus.DONE, 1, [])
    assert result == {"run": run.pk, "status": "done", "invoices": 1}


def _queued(world: World, **options: Any) -> InvoiceRun:
    """A queued run whose task has not run yet (its on-commit callback is dropped)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runs.transaction, "on_commit", lambda func, using=None, robust=False: None)
        return invoice_run_enqueue(actor=world.finance, year=2026, month=5, **options)


def test_a_run_that_cannot_finalise_fails_with_its_reason_and_keeps_nothing(world: World) -> None:
    """The May draft with a discount of 2000.00 and April's 5 h approved since: the run adds those to the draft
    (net -625.00), cannot finalise it, and is undone as a whole, failed with the reason."""
    approved_sheet(world.placement, MAY, world.approver)
    [draft] = invoice_run_start(actor=world.finance, year=2026, month=5).invoices.all()
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Settlement", quantity=Decimal(1), unit_price=Decimal(-2000)
    )
    april = approved_sheet(world.placement, APRIL, world.approver)
    run = _queued(world, finalize=True)
    last = _last_event()
    lines = draft.lines.count()

    failed = invoice_run_execute(run_id=run.pk)

    reason = f"Nothing was finalised: Invoice draft {draft.pk} totals -756.25: a negative amount is a credit note."
    stored = InvoiceRun.objects.get(pk=run.pk)
    assert (failed.status, stored.status, stored.error, stored.finished_at) == (
        InvoiceRunStatus.FAILED,
        InvoiceRunStatus.FAILED,
        reason,
        NOW,
    )
    assert (stored.invoice_count, stored.line_count, stored.timesheet_count) == (0, 0, 0)
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.run_id, draft.lines.count()) == ("draft", "", draft.run_id, lines)
    assert draft.run_id != run.pk
    assert Timesheet.objects.get(pk=april.pk).status == TimesheetStatus.APPROVED
    assert _events_after(last) == [("invoice_run.fail", str(run.pk), world.finance.pk)]
    assert AuditEvent.objects.get(action="invoice_run.fail").after == {
        "error": reason,
        "fields": {"invoice_ids": [f"Invoice draft {draft.pk} totals -756.25: a negative amount is a credit note."]},
    }

    # A failed run is not carried out again: finance starts a new one once the draft is fixed.
    assert invoice_run_execute(run_id=run.pk).status == InvoiceRunStatus.FAILED
    assert _events_after(last) == [("invoice_run.fail", str(run.pk), world.finance.pk)]


def test_a_lost_connection_rolls_the_run_back_and_leaves_it_queued_for_the_retry(
    world: World, may_sheet: Timesheet
) -> None:
    run = _queued(world)
    real = runs._lines_make

    def broken(**kwargs: Any) -> Any:
        real(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runs, "_lines_make", broken)
        with pytest.raises(OperationalError):
            invoice_run_execute(run_id=run.pk)

    stored = InvoiceRun.objects.get(pk=run.pk)
    assert (stored.status, stored.invoice_count, Invoice.objects.count()) == (InvoiceRunStatus.QUEUED, 0, 0)
    assert Timesheet.objects.get().status == TimesheetStatus.APPROVED
    assert invoice_run_execute(run_id=run.pk).status == InvoiceRunStatus.DONE
    assert Invoice.objects.count() == 1


def test_the_task_retries_on_lost_connections_and_deadlocks_only() -> None:
    assert invoice_run_execute_task.autoretry_for == (OperationalError, InterfaceError)
    assert invoice_run_execute_task.max_retries == 5


def test_a_month_not_begun_is_refused_before_anything_is_queued(
    world: World, may_sheet: Timesheet, django_capture_on_commit_callbacks: Any
) -> None:
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ApplicationError) as refused:
        invoice_run_enqueue(actor=world.finance, year=2026, month=7)  # today is 2026-06-15

    assert (refused.value.message, refused.value.fields) == (
        "That month has not begun yet.",
        {"period": ["Choose this month or an earlier one."]},
    )
    assert (InvoiceRun.objects.count(), AuditEvent.objects.count(), len(callbacks)) == (0, events, 0)


def test_runs_whose_task_was_lost_are_queued_again_after_ten_minutes(world: World, may_sheet: Timesheet) -> None:
    with time_machine.travel(NOW - datetime.timedelta(minutes=11), tick=False):
        lost = _queued(world)
        finished = invoice_run_start(actor=world.finance, year=2026, month=4)
    with time_machine.travel(NOW - datetime.timedelta(minutes=9), tick=False):
        recent = _queued(world)

    resumed = invoice_runs_resume.delay().get()

    assert resumed == [lost.pk]
    statuses = dict(InvoiceRun.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "done", finished.pk: "done", recent.pk: "queued"}
    assert Invoice.objects.get().run_id == lost.pk
