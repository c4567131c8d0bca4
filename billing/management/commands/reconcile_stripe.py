"""``python manage.py reconcile_stripe [--since 2026-06-01 | --days 90]``: Stripe against the ledger.

Lists every paid Checkout Session at Stripe created in the window and every
Stripe payment in the ledger whose session was, and prints each difference:
paid at Stripe but not recorded (a lost webhook), recorded but not paid at
Stripe, a different amount or invoice, or a paid session naming no invoice of
ours. Exits 1 when there is a difference (for a cron job's alert), 0 when the
two agree or Stripe is off.
"""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from billing.payments.stripe_adapter import StripeFailure, enabled
from billing.selectors.payments import stripe_reconcile


class Command(BaseCommand):
    help = "Compare Stripe's paid Checkout Sessions with the local payments and report every difference."

    def add_arguments(self, parser: CommandParser) -> None:
        window = parser.add_mutually_exclusive_group()
        window.add_argument("--since", help="Sessions created on or after this date (YYYY-MM-DD).")
        window.add_argument("--days", type=int, default=90, help="Sessions created in the last N days (default 90).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not enabled():
            self.stdout.write("Stripe is off (STRIPE_SECRET_KEY is not set): nothing to reconcile.")
            return
        if options["since"]:
            try:
                day = datetime.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since: a date such as 2026-06-01, not {options['since']!r}.") from exc
            if day > timezone.localdate():
                raise CommandError("--since: a date in the future has nothing to reconcile.")
        else:
            if options["days"] < 1:
                raise CommandError("--days: at least 1.")
            day = timezone.localdate() - datetime.timedelta(days=options["days"])
        since = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        try:
            result = stripe_reconcile(since=since)
        except StripeFailure as exc:
            raise CommandError(f"Stripe could not be read: {exc}") from exc
        self.stdout.write(
            f"Since {day:%Y-%m-%d}: {result.stripe_paid} paid sessions at Stripe, "
            f"{result.local_payments} Stripe payments in the ledger, {len(result.differences)} differences."
        )
        for difference in result.differences:
            self.stdout.write("  " + difference.describe())
        if result.differences:
            raise CommandError(f"{len(result.differences)} differences between Stripe and the ledger.", returncode=1)
