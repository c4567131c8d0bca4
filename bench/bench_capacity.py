"""Benchmark: the pool board and the availability search for a large secretariat.

A hospital-sized organisation: 180 secretaries in one pool, three placements and
two leave periods each. Prints warm p50/p95 of the pool board (12 weeks) and of
an availability search over a year. Runs on a temporary SQLite database, or on
DATABASE_URL when set. Figures only; no assertion.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from backend.accounts.models import User  # noqa: E402
from secondments.models import Client, Leave, Placement, PlacementStatus, Pool, Secretary  # noqa: E402
from secondments.selectors.availability import availability_search  # noqa: E402
from secondments.selectors.capacity import secretaries_capacity  # noqa: E402

SECRETARIES = 180
RUNS = 30


def load() -> Pool:
    call_command("migrate", verbosity=0, interactive=False)
    manager = User.objects.create(email="bench-manager@example.org", full_name="Bench", is_team_manager=True)
    pool = Pool.objects.create(name="Bench pool", cost_centre="CC-BENCH")
    client = Client.objects.create(
        kind="tenant",
        legal_name="Bench B.V.",
        street="Plein 1",
        postcode="1234 AB",
        city="Utrecht",
        billing_email="b@example.org",
        vat_treatment="standard",
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.org", full_name=f"Secretary {i:03d}", is_secretary=True)
            for i in range(SECRETARIES)
        ]
    )
    secretaries = Secretary.objects.bulk_create(
        [
            Secretary(
                user=u,
                pool=pool,
                contract_hours=Decimal(36),
                base_workload_hours=Decimal(12),
                skills=["minutes", "agenda"][: i % 3],
                languages=["nl", "en", "de"][: 1 + i % 3],
                employment_start=datetime.date(2020, 1, 1),
            )
            for i, u in enumerate(users)
        ]
    )
    start = datetime.date(2026, 1, 5)
    Placement.objects.bulk_create(
        [
            Placement(
                secretary=s,
                client=client,
                start_date=start + datetime.timedelta(weeks=8 * k + i % 5),
                end_date=start + datetime.timedelta(weeks=8 * k + 20 + i % 7),
                hours_per_week=Decimal(4),
                status=PlacementStatus.ACTIVE,
                created_by=manager,
            )
            for i, s in enumerate(secretaries)
            for k in range(3)
        ]
    )
    Leave.objects.bulk_create(
        [
            Leave(
                secretary=s,
                start_date=start + datetime.timedelta(weeks=10 * k + i % 9, days=1),
                end_date=start + datetime.timedelta(weeks=10 * k + i % 9, days=3),
            )
            for i, s in enumerate(secretaries)
            for k in range(2)
        ]
    )
    return pool


def measure(label: str, fn) -> None:  # type: ignore[no-untyped-def]
    fn()  # warm
    times = []
    with CaptureQueriesContext(connection) as queries:
        fn()
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:<48} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   queries {len(queries)}")


def main() -> None:
    pool = load()
    print(
        f"bench_capacity on {connection.vendor}: {SECRETARIES} secretaries, "
        f"{Placement.objects.count()} placements, {Leave.objects.count()} leave periods"
    )
    first = datetime.date(2026, 6, 15)

    def board() -> None:
        secs = list(Secretary.objects.filter(pool=pool, active=True).select_related("user", "pool"))
        secretaries_capacity(secretaries=secs, start=first, end=first + datetime.timedelta(weeks=12, days=-1))

    def search() -> None:
        availability_search(
            secretaries=Secretary.objects.filter(pool=pool),
            start=first,
            end=datetime.date(2027, 6, 13),
            hours_per_week=Decimal(8),
            skills=["minutes"],
            languages=["de"],
        )

    measure("pool board, 12 weeks x 180 secretaries", board)
    measure("availability search, 52 weeks x 180 secretaries", search)


if __name__ == "__main__":
    main()
