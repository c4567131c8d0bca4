"""``python manage.py run_invoices --period 2026-10 [--client ID] [--finalize]``: the monthly invoice run."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.periods import parse_month
from billing.services.runs import invoice_run_start
from secondments.models import Client


class Command(BaseCommand):
    help = "Turn approved, not yet invoiced hours up to a month into draft invoices (one per client)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The month, e.g. 2026-10.")
        parser.add_argument("--client", type=int, help="Only this client's hours (its id).")
        parser.add_argument("--finalize", action="store_true", help="Finalise the drafts (number, PDF, e-mail).")
        parser.add_argument("--actor", help="The finance user's e-mail the run is recorded under (default: the first).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year, month = parse_month(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        client = None
        if options["client"] is not None:
            client = Client.objects.filter(pk=options["client"]).first()
            if client is None:
                raise CommandError(f"No client with id {options['client']}.")
        finance = User.objects.filter(is_finance=True, is_active=True).order_by("pk")
        if options["actor"]:
            finance = finance.filter(email=options["actor"].lower())
        actor = finance.first()
        if actor is None:
            raise CommandError("No active finance user to record the run under (see --actor).")
        try:
            run = invoice_run_start(actor=actor, year=year, month=month, client=client, finalize=options["finalize"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Run {run.pk} for {run.period_start:%Y-%m}: {run.timesheet_count} timesheets, "
            f"{run.line_count} lines, {run.invoice_count} invoices."
        )
        for invoice in run.invoices.select_related("client").order_by("pk"):
            self.stdout.write(f"  {invoice}  {invoice.client.legal_name}: {invoice.total} ({invoice.status})")
