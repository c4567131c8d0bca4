from typing import Any

from django.core.management.base import BaseCommand

from secondments.services.timesheets import timesheets_deem_approved


class Command(BaseCommand):
    help = "Approve submitted timesheets whose client's deemed-approval limit (working days) has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = timesheets_deem_approved()
        self.stdout.write(f"{count} timesheet(s) deemed approved.")
