"""``python manage.py seed_volume --entries 2000000 [--seed 1]``: the benchmark's volume data (``billing.volume``)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.volume import MAX_ENTRIES, MIN_ENTRIES, VolumeError, volume_seed


class Command(BaseCommand):
    help = (
        "Load a large, consistent dataset (pools, secretaries, clients, placements, hours, timesheets, invoices, "
        "payments) with exactly --entries time entries into an empty database, in bulk and in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--entries",
            type=int,
            required=True,
            help=f"How many time entries to write ({MIN_ENTRIES:,} to {MAX_ENTRIES:,}); the history is as long as "
            "they need.",
        )
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1): same seed, same data.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = volume_seed(entries=options["entries"], seed=options["seed"])
        except VolumeError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Volume data loaded: {options['entries']:,} time entries."))
            for line in summary.lines():
                self.stdout.write(f"  {line}")
