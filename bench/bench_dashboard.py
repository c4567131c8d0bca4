"""Benchmark: the directors' dashboard on 2,000,000 hour entries, beside one hand-written SQL query.

The issue's acceptance line: ``make bench`` prints the dashboard's warm p50/p95
on 2M entries on PostgreSQL, side by side with one hand-written SQL query
computing the same monthly totals over the hour entries, and the ratio. Goals:
p95 <= 100 ms, and no slower than that raw query (ratio <= 1.0).

Set-up, not timed: ``manage.py seed_volume --entries 2000000`` in a throw-away
database ``test_<name>`` (made and dropped like the test runner's; the named
database itself is never touched), then VACUUM ANALYZE, as autovacuum would
after a bulk load. Its wall time is printed too (the acceptance line: well
under a minute per million rows). The process is then set up as a server's
is (``backend/wsgi.py`` runs ``backend.core.runtime.process_tune``: the loaded
heap frozen out of the garbage collector's sight).

Timed, warm (3 requests first, then 30 in a row of each):

- the dashboard: ``GET /api/v1/dashboard/`` as a director (the last 12
  months, every pool, and then one pool: the overview's tables and the
  headline figures), through Django's test client, so URL routing,
  permissions, the selectors and JSON rendering are all in it;
- each of the other tables (``GET /api/v1/dashboard/table/?table=...``: a row
  per client, secretary or placement), which the web app reads when shown;
- the raw query: one SQL statement over the time entries that computes, per
  month of the period and timesheet status, the hours and their amount at the
  placement's rate in force on each day (rounded per sheet and rate, as the
  invoice lines are): the monthly totals the dashboard reads from the sheets'
  summary columns (``Timesheet.hours_total`` / ``amount_total``, kept current by
  the services, and the covering index ``timesheet_report_idx``).

Before timing it checks that both give the same totals, and that the
dashboard's revenue per month equals the finalised invoices' and credit notes'
net totals. Needs PostgreSQL: BENCH_DATABASE_URL or DATABASE_URL as a
postgres:// URL, else it says so and skips. ``--entries`` makes a smaller run.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENTRIES = 2_000_000
WARMUP = 3
RUNS = 30
GOAL_P95_MS = 100.0
GOAL_RATIO = 1.0
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")

RAW_SQL = """
SELECT to_char(t.period_start, 'YYYY-MM') AS month, t.status, SUM(p.hours), SUM(p.amount)
FROM (
    SELECT e.timesheet_id, SUM(e.hours) AS hours, ROUND(SUM(e.hours) * r.hourly_rate, 2) AS amount
    FROM secondments_timeentry e
    JOIN secondments_timesheet s ON s.id = e.timesheet_id
    JOIN LATERAL (
        SELECT pr.valid_from, pr.hourly_rate FROM secondments_placementrate pr
        WHERE pr.placement_id = s.placement_id AND pr.valid_from <= e.date
        ORDER BY pr.valid_from DESC LIMIT 1
    ) r ON true
    WHERE s.period_start BETWEEN %s AND %s {pool}
    GROUP BY e.timesheet_id, r.valid_from, r.hourly_rate
) p
JOIN secondments_timesheet t ON t.id = p.timesheet_id
GROUP BY 1, 2
ORDER BY 1, 2
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES, help=f"hour entries to load (default {ENTRIES:,})")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database as it is (already seeded), without a throw-away copy"
    )
    args = parser.parse_args()
    url = next(
        (
            os.environ[n]
            for n in ("BENCH_DATABASE_URL", "DATABASE_URL")
            if os.environ.get(n, "").startswith(POSTGRES_SCHEMES)
        ),
        None,
    )
    if url is None:
        print("bench_dashboard: skipped, it needs PostgreSQL (set BENCH_DATABASE_URL=postgres://...)")
        return
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings.test"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, as the test runner allows it
    from backend.core.runtime import process_tune

    process_tune()  # as backend/wsgi.py sets up a server process

    if args.reuse:
        run(None)
        return
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args.entries)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(entries: int | None) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from backend.accounts.models import User
    from billing.models import Invoice, InvoiceStatus
    from secondments.models import Pool, Secretary, TimeEntry

    if entries is not None:
        started = time.perf_counter()
        call_command("seed_volume", entries=entries, verbosity=0)
        loaded = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    count = TimeEntry.objects.count()
    if entries is not None:
        print(
            f"bench_dashboard on PostgreSQL ({connection.settings_dict['NAME']}): seed_volume loaded {count:,} "
            f"entries in {loaded:.1f} s ({loaded / count * 1_000_000:.1f} s per million rows), not timed below"
        )

    director = User.objects.filter(is_director=True).order_by("pk").first()
    assert director is not None, "seed_volume made no director"
    client = Client()
    client.force_login(director)
    today = timezone.localdate()
    body = client.get("/api/v1/dashboard/").json()
    start = datetime.date.fromisoformat(body["period"]["start"] + "-01")
    end = datetime.date.fromisoformat(body["period"]["as_of"])
    last = datetime.date(end.year + (end.month == 12), end.month % 12 + 1, 1) - datetime.timedelta(days=1)

    def raw(pool: int | None = None) -> list[tuple[Any, ...]]:
        sql = RAW_SQL.replace(
            "{pool}",
            ""
            if pool is None
            else "AND s.placement_id IN (SELECT p.id FROM secondments_placement p "
            "JOIN secondments_secretary sec ON sec.id = p.secretary_id WHERE sec.pool_id = %s)",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, last] + ([] if pool is None else [pool]))
            return list(cursor.fetchall())

    check(body, raw(), start, last, Invoice, InvoiceStatus)

    pool = Pool.objects.order_by("pk").first()
    assert pool is not None
    scopes = [
        (f"every pool ({Secretary.objects.count()} secretaries)", "/api/v1/dashboard/", None),
        (
            f"one pool ({Secretary.objects.filter(pool=pool).count()} secretaries)",
            f"/api/v1/dashboard/?pool_id={pool.pk}",
            pool.pk,
        ),
    ]
    print(
        f"\nbench_dashboard: {count:,} entries, the last 12 months to {today:%Y-%m}, as a director; "
        f"{WARMUP} warm-up requests, then {RUNS} timed in a row of each"
    )
    header = f"{'':<52} {'p50':>9} {'p95':>9} {'queries':>8} {'bytes':>9}"
    print(header)
    print("-" * len(header))
    for label, path, pool_id in scopes:
        size, n_queries, dashboard_ms = timed(client, path, CaptureQueriesContext, connection)
        raw_ms = [_ms(raw, pool_id) for _ in range(RUNS)]
        d50, d95 = statistics.median(dashboard_ms), percentile(dashboard_ms, 0.95)
        r50, r95 = statistics.median(raw_ms), percentile(raw_ms, 0.95)
        ratio = d95 / r95
        p95_verdict = "PASS" if d95 <= GOAL_P95_MS else "MISS"
        ratio_verdict = "PASS" if ratio <= GOAL_RATIO else "MISS"
        print(f"{'dashboard, ' + label:<52} {d50:>6.1f} ms {d95:>6.1f} ms {n_queries:>8} {size:>9,}")
        print(f"{'raw SQL over the entries, ' + label:<52} {r50:>6.1f} ms {r95:>6.1f} ms {1:>8}")
        print(
            f"  ratio dashboard / raw (p95): {ratio:.2f}   goals: p95 <= {GOAL_P95_MS:.0f} ms {p95_verdict}, "
            f"ratio <= {GOAL_RATIO:.1f} {ratio_verdict}"
        )
    print(f"\nthe other tables, each on its own (every pool), {RUNS} timed in a row of each:")
    for name in body["more_tables"]:
        size, n_queries, table_ms = timed(
            client, f"/api/v1/dashboard/table/?table={name}", CaptureQueriesContext, connection
        )
        t50, t95 = statistics.median(table_ms), percentile(table_ms, 0.95)
        print(f"{'table ' + name:<52} {t50:>6.1f} ms {t95:>6.1f} ms {n_queries:>8} {size:>9,}")


def _ms(call: Any, *args: Any) -> float:
    t0 = time.perf_counter()
    call(*args)
    return (time.perf_counter() - t0) * 1000


def timed(client: Any, path: str, capture: Any, connection: Any) -> tuple[int, int, list[float]]:
    """(bytes, queries, RUNS timings in ms) of ``path``, after WARMUP untimed requests."""
    with capture(connection) as queries:
        response = client.get(path)
    n_queries = len(queries)  # now: each request clears the query log
    assert response.status_code == 200, response.content[:300]
    for _ in range(WARMUP):
        client.get(path)
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return len(response.content), n_queries, times


def check(
    body: dict[str, Any],
    raw_rows: list[tuple[Any, ...]],
    start: datetime.date,
    last: datetime.date,
    Invoice: Any,
    InvoiceStatus: Any,
) -> None:
    """The dashboard and the raw query agree, and revenue reconciles with the invoices, before anything is timed."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    from secondments.models import Timesheet

    summary = {
        (f"{row['month']:%Y-%m}", row["status"]): (row["hours"], row["amount"])
        for row in Timesheet.objects.filter(period_start__gte=start, period_start__lte=last)
        .annotate(month=TruncMonth("period_start"))
        .values("month", "status")
        .annotate(hours=Sum("hours_total"), amount=Sum("amount_total"))
    }
    raw = {(month, status): (hours, amount) for month, status, hours, amount in raw_rows}
    assert summary == raw, (
        f"the summary columns and the entries disagree: {sorted(set(summary.items()) ^ set(raw.items()))[:5]}"
    )

    nets = {
        f"{row['month']:%Y-%m}": row["net"]
        for row in Invoice.objects.filter(status=InvoiceStatus.FINALISED, issue_date__gte=start, issue_date__lte=last)
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(net=Sum("net_total"))
    }
    (by_month,) = [t for t in body["tables"] if t["name"] == "revenue_by_month"]
    for row in by_month["rows"]:
        assert Decimal(row["revenue"]) == nets.get(row["month"], Decimal("0.00")), row
    hours = sum((h for h, _ in raw.values()), Decimal(0))
    print(
        f"checked: {len(raw)} month x status totals ({hours:,} h) equal from the entries and from the summary "
        f"columns; revenue of {len(by_month['rows'])} months equals the finalised documents' net totals to the cent"
    )


if __name__ == "__main__":
    main()
