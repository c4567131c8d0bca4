"""``python manage.py demo_logins``: the demo logins and where to use them."""

from typing import Any

from django.core.management.base import BaseCommand

from secondments.demo import DEMO_PASSWORD, DEMO_URLS, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins (load them with: python manage.py seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        header = ("e-mail", "password", "role", "try first")
        rows = [(u.email, DEMO_PASSWORD, u.label, u.try_first) for u in DEMO_USERS]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]

        def line(row: tuple[str, str, str, str]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]

        self.stdout.write("Demo logins (load them with: python manage.py seed_demo)")
        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * w for w in widths) + "  " + "-" * len(header[3]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        for label, url in DEMO_URLS:
            self.stdout.write(f"{label.ljust(18)} {url}")
