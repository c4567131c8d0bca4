"""Celery tasks: thin wrappers around services, safe to retry."""

from celery import shared_task
from django.utils import timezone

from secondments.services.inbox_changes import inbox_changes_compact as compact
from secondments.services.reminders import timesheet_reminders_send as send_reminders
from secondments.services.timesheets import timesheets_deem_approved as deem_approved


@shared_task(name="secondments.tasks.timesheets_deem_approved")
def timesheets_deem_approved() -> int:
    return deem_approved()


@shared_task(name="secondments.tasks.timesheet_reminders_send")
def timesheet_reminders_send() -> dict[str, int]:
    count = send_reminders(today=timezone.localdate())
    return {"secretaries": count.secretaries, "approvers": count.approvers}


@shared_task(name="secondments.tasks.inbox_changes_compact")
def inbox_changes_compact() -> int:
    return compact()
