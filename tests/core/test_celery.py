"""The Celery app (backend/celery.py) and the beat schedule in the settings."""

from backend.celery import app


def test_every_scheduled_task_is_a_registered_task() -> None:
    app.loader.import_default_modules()
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled == {
        "billing.tasks.receivables_daily",
        "billing.tasks.invoice_runs_resume",
        "secondments.tasks.timesheets_deem_approved",
        "secondments.tasks.timesheet_reminders_send",
        "secondments.tasks.inbox_changes_compact",
    }
    assert scheduled <= set(app.tasks)


def test_the_background_tasks_are_registered_under_their_names() -> None:
    app.loader.import_default_modules()

    assert {name for name in app.tasks if not name.startswith("celery.")} == {
        "billing.tasks.invoice_checkouts_expire",
        "billing.tasks.invoice_run_execute",
        "billing.tasks.invoice_runs_resume",
        "billing.tasks.invoices_checkout_open",
        "billing.tasks.invoices_deliver",
        "billing.tasks.receivables_daily",
        "secondments.tasks.inbox_changes_compact",
        "secondments.tasks.timesheet_reminders_send",
        "secondments.tasks.timesheets_deem_approved",
    }


def test_a_worker_acknowledges_a_task_once_done_and_takes_one_at_a_time() -> None:
    assert (app.conf.task_acks_late, app.conf.task_reject_on_worker_lost, app.conf.worker_prefetch_multiplier) == (
        True,
        True,
        1,
    )
