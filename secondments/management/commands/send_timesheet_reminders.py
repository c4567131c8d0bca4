from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from secondments.services.reminders import timesheet_reminders_send


class Command(BaseCommand):
    help = "E-mail secretaries with unsubmitted past periods and approvers with timesheets awaiting approval."

    def handle(self, *args: Any, **options: Any) -> None:
        count = timesheet_reminders_send(today=timezone.localdate())
        self.stdout.write(f"Reminded {count.secretaries} secretary(ies) and {count.approvers} approver(s).")
