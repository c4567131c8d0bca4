"""Benchmark: the monthly invoice run of a large building, finalised, with its PDFs.

The issue's acceptance line: 1,000 tenants x 2 placements x one month of
approved hours become 1,000 finalised invoices with PDFs in at most 5 s on the
2-core machine (bulk writes, PDFs rendered in parallel processes).

Set-up, not timed, in bulk inserts: 1,000 tenants (one in twenty a German one,
reverse charge), 1,000 secretaries with two placements each at neighbouring
tenants (so every tenant has two), the placements' rates (one in ten changes
its rate mid-month, which splits its hours over two lines), and last month's
timesheets: 2,000, approved by the tenants' approvers, 20 days of hours each.

Timed: finance's run for last month with ``finalize=True, email=False``, as
the API starts it, and the after-commit delivery that renders and stores the
PDFs. The run's own on-commit hook renders them (no private API, no captured
callbacks): ``INVOICE_PDF_PROCESSES=2`` makes it render in two worker
processes, as production would be configured on this machine; Celery runs
eagerly (test settings), so the hook runs in this process when the run
commits. The files go to a temporary MEDIA_ROOT through Django's default
(file system) storage. Afterwards it checks that the bench measured the real
thing: 1,000 finalised invoices numbered gaplessly from <year>-00001, each
with its PDF on disk, and 2,000 timesheets invoiced.

Runs on a fresh SQLite file, and also on PostgreSQL when BENCH_DATABASE_URL or
DATABASE_URL is a postgres:// URL: there in a throw-away database
``test_<name>`` (made and dropped like the test runner's; the named database
itself is never touched). Each database runs in a child process of its own
(Django is set up once per process). ``--profile`` prints where the time of
the run goes (cProfile). Figures, PASS/MISS against the goal; it fails only
when the checks fail.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TENANTS = 1_000
PLACEMENTS_PER_TENANT = 2
DAYS_PER_SHEET = 20
PROCESSES = 2
GOAL_SECONDS = 5.0  # for the median run
REPEATS = 3
DAILY_HOURS = {Decimal(16): Decimal("3.25"), Decimal(12): Decimal("2.50")}  # a placement's day, in quarter hours
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")
RESULT = "RESULT "


# The parent: one child per database, then the table.


def targets(folder: str) -> list[tuple[str, str]]:
    found = [("SQLite", f"sqlite:///{folder}/bench_invoicing.sqlite3")]
    for name in ("BENCH_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(POSTGRES_SCHEMES):
            found.append(("PostgreSQL", url))
            break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="run once on this database (the child's mode)")
    parser.add_argument("--profile", action="store_true", help="print where the run's time goes (cProfile)")
    parser.add_argument("--repeat", type=int, default=REPEATS, help=f"runs per database (default {REPEATS})")
    args = parser.parse_args()
    if args.database_url:
        child(args.database_url, profile=args.profile)
        return
    results = []
    reference = machine_speed()
    with tempfile.TemporaryDirectory(prefix="bench_invoicing_") as folder:
        for label, url in targets(folder):
            runs = []
            for _ in range(max(1, args.repeat)):  # a fresh database each time; this machine's timings vary
                Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)  # PostgreSQL: a new test database
                command = [sys.executable, __file__, "--database-url", url] + (["--profile"] if args.profile else [])
                done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
                for line in done.stdout.splitlines():
                    if line.startswith(RESULT):
                        runs.append({"database": label, **json.loads(line[len(RESULT) :])})
                    else:
                        print(line)
                if done.returncode != 0:
                    sys.exit(f"bench_invoicing on {label} failed (exit {done.returncode})")
            runs.sort(key=lambda r: r["total"])
            median = runs[len(runs) // 2]
            results.append({**median, "best": runs[0]["total"], "worst": runs[-1]["total"], "n": len(runs)})
    table(results)
    print(
        f"machine speed: a fixed pure-Python loop (10M additions) took {reference:.2f} s before the runs and "
        f"{machine_speed():.2f} s after (this shared machine's speed varies about 2x; the figures scale with it)"
    )


def machine_speed() -> float:
    """Seconds for a fixed CPU-bound loop: a yardstick printed beside the figures."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def table(results: list[dict[str, Any]]) -> None:
    print()
    print(
        f"bench_invoicing: {TENANTS:,} tenants x {PLACEMENTS_PER_TENANT} placements x one month "
        f"-> {TENANTS:,} finalised invoices with PDFs; goal <= {GOAL_SECONDS:.1f} s, "
        f"{PROCESSES} PDF processes, {os.cpu_count()} CPUs"
    )
    print("The median of the runs (run+finalise, PDFs, total), with the best and worst total:")
    header = (
        f"{'database':<12} {'runs':>4} {'run+finalise':>13} {'PDFs':>9} {'total':>9} {'best':>8} {'worst':>8} "
        f"{'invoices/s':>11} {'queries':>8}  goal"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        verdict = "PASS" if r["total"] <= GOAL_SECONDS else "MISS"
        print(
            f"{r['database']:<12} {r['n']:>4} {r['run']:>11.2f} s {r['pdf']:>7.2f} s {r['total']:>7.2f} s "
            f"{r['best']:>6.2f} s {r['worst']:>6.2f} s {r['invoices'] / r['total']:>11,.0f} {r['queries']:>8}  "
            f"{verdict}"
        )


# The child: one database.


def child(url: str, *, profile: bool) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings.test"
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    media_folder = tempfile.TemporaryDirectory(prefix="bench_invoicing_media_")
    media = media_folder.name
    override_settings(
        MEDIA_ROOT=media,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        INVOICE_PDF_PROCESSES=PROCESSES,
    ).enable()

    postgres = connection.vendor == "postgresql"
    if postgres:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    try:
        month = last_month()
        started = time.perf_counter()
        finance, sheets, entries = load(month)
        print(
            f"bench_invoicing on {connection.vendor} ({connection.settings_dict['NAME']}): set up {TENANTS:,} tenants, "
            f"{sheets:,} approved timesheets of {month:%Y-%m}, {entries:,} time entries "
            f"in {time.perf_counter() - started:.1f} s (not timed)"
        )
        result = measure(finance, month, profile=profile)
        verify(result, month, media)
        print(f"{RESULT}{json.dumps(result)}")
    finally:
        if postgres:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        media_folder.cleanup()


def last_month() -> datetime.date:
    from django.utils import timezone

    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def load(month: datetime.date) -> tuple[Any, int, int]:
    """The building, in bulk: returns finance's user and the numbers of sheets and entries."""
    from django.utils import timezone

    from backend.accounts.models import User
    from backend.core.periods import month_bounds
    from secondments.models import (
        ApprovalKind,
        ApprovalPeriod,
        Client,
        ClientKind,
        Placement,
        PlacementRate,
        PlacementStatus,
        Pool,
        Secretary,
        TimeEntry,
        Timesheet,
        TimesheetStatus,
        VatTreatment,
    )

    start, end = month_bounds(month.year, month.month)
    working_days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    working_days = [d for d in working_days if d.weekday() < 5]
    manager = User.objects.create(email="bench-manager@example.org", full_name="Bench Manager", is_team_manager=True)
    finance = User.objects.create(email="bench-finance@example.org", full_name="Bench Finance", is_finance=True)
    pool = Pool.objects.create(name="Bench pool", cost_centre="CC-BENCH")

    def tenant(i: int) -> Client:
        german = i % 20 == 19
        return Client(
            kind=ClientKind.TENANT,
            legal_name=f"Huurder {i:04d} {'GmbH' if german else 'B.V.'}",
            street=f"Königsallee {i % 90 + 1}" if german else f"Catharijnesingel {i % 90 + 1}",
            postcode="40212" if german else "3511 GB",
            city="Düsseldorf" if german else "Utrecht",
            country="DE" if german else "NL",
            kvk_number="" if german else f"{30_000_000 + i}",
            vat_number=f"DE{100_000_000 + i}" if german else f"NL{800_000_000 + i}B01",
            billing_email=f"facturen@huurder{i:04d}.example",
            invoice_language="en" if german or i % 3 == 0 else "nl",
            vat_treatment=VatTreatment.REVERSE_CHARGE if german else VatTreatment.STANDARD,
            approval_period=ApprovalPeriod.MONTHLY,
            payment_term_days=14 if i % 4 == 0 else 30,
        )

    clients = Client.objects.bulk_create([tenant(i) for i in range(TENANTS)])
    approvers = User.objects.bulk_create(
        [
            User(email=f"approver@huurder{i:04d}.example", full_name=f"Approver {i:04d}", is_client_approver=True)
            for i in range(TENANTS)
        ]
    )
    Client.approvers.through.objects.bulk_create(
        [Client.approvers.through(client_id=c.pk, user_id=a.pk) for c, a in zip(clients, approvers, strict=True)]
    )
    users = User.objects.bulk_create(
        [
            User(email=f"secretary{i:04d}@example.org", full_name=f"Secretaris {i:04d}", is_secretary=True)
            for i in range(TENANTS)
        ]
    )
    secretaries = Secretary.objects.bulk_create(
        [
            Secretary(
                user=u,
                pool=pool,
                contract_hours=Decimal(36),
                base_workload_hours=Decimal(8),
                employment_start=datetime.date(2020, 1, 1),
            )
            for u in users
        ]
    )
    # Secretary i works at tenant i and at tenant i+1: every tenant has two placements.
    placements = Placement.objects.bulk_create(
        [
            Placement(
                secretary=s,
                client=clients[(i + k) % TENANTS],
                start_date=datetime.date(2026, 1, 5),
                hours_per_week=Decimal(16 if k == 0 else 12),
                status=PlacementStatus.ACTIVE,
                created_by=manager,
            )
            for i, s in enumerate(secretaries)
            for k in range(PLACEMENTS_PER_TENANT)
        ]
    )
    rates = [
        PlacementRate(
            placement=p,
            valid_from=datetime.date(2026, 1, 5),
            hourly_rate=Decimal("52.50") if p.client.vat_treatment == VatTreatment.REVERSE_CHARGE else Decimal("55.00"),
            source=PlacementRate.Source.RATE_CARD,
            created_by=manager,
        )
        for p in placements
    ]
    rates += [  # a rate agreed anew from the 16th: the sheet's hours split over two lines
        PlacementRate(
            placement=p,
            valid_from=start + datetime.timedelta(days=15),
            hourly_rate=Decimal("57.50"),
            source=PlacementRate.Source.OVERRIDE,
            created_by=manager,
        )
        for n, p in enumerate(placements)
        if n % 10 == 3
    ]
    PlacementRate.objects.bulk_create(rates)
    approver_of = {c.pk: a for c, a in zip(clients, approvers, strict=True)}
    handed_in = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(9)))
    sheets = Timesheet.objects.bulk_create(
        [
            Timesheet(
                placement=p,
                period_start=start,
                period_end=end,
                status=TimesheetStatus.APPROVED,
                submitted_at=handed_in,
                submitted_by=p.secretary.user,
                approved_at=handed_in + datetime.timedelta(hours=2),
                approved_by=approver_of[p.client_id],
                approval_kind=ApprovalKind.EXPLICIT,
                approval_ip="192.0.2.10",
                approval_hash="0" * 64,
            )
            for p in placements
        ]
    )
    entries = []
    for n, sheet in enumerate(sheets):
        days = working_days[n % 3 :][:DAYS_PER_SHEET]  # ~20 days: a day or two off now and then
        daily = DAILY_HOURS[sheet.placement.hours_per_week]
        for d, day in enumerate(days):
            hours = daily + (Decimal("0.25") if (n + d) % 4 == 0 else Decimal(0))
            entries.append(TimeEntry(timesheet=sheet, date=day, hours=hours, description="Agendabeheer en notulen"))
    TimeEntry.objects.bulk_create(entries, batch_size=5_000)
    return finance, len(sheets), len(entries)


def measure(finance: Any, month: datetime.date, *, profile: bool) -> dict[str, Any]:
    """The timed part: the run with finalisation, then the PDFs its after-commit hook renders."""
    import cProfile
    import pstats

    from django.db import connection, transaction

    from billing.services.runs import invoice_run_start

    # Count the queries without Django's debug cursor (which formats every statement's SQL and would add
    # seconds to the big bulk statements on SQLite).
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    marks: list[tuple[float, int]] = []
    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(count):
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        with transaction.atomic():
            # Registered before the run's own hook, so it runs first after the commit: the moment it committed.
            transaction.on_commit(lambda: marks.append((time.perf_counter(), queries)))
            run = invoice_run_start(actor=finance, year=month.year, month=month.month, finalize=True, email=False)
        # Here the commit has run the hooks: the PDFs are rendered and stored.
        finished = time.perf_counter()
        if profiler:
            profiler.disable()
    committed, run_queries = marks[0]
    if profiler:
        print("Where the time goes (profiled, so slower), by cumulative time: the services' own functions")
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative")
        stats.print_stats(r"(runs|invoices|timesheets|numbering|delivery|documents|render|tasks)\.py")
        print("... and everything, the top 40")
        stats.print_stats(40)
    return {
        "run_id": run.pk,
        "invoices": run.invoice_count,
        "lines": run.line_count,
        "run": committed - started,
        "pdf": finished - committed,
        "total": finished - started,
        "queries": queries,
        "run_queries": run_queries,
    }


def verify(result: dict[str, Any], month: datetime.date, media: str) -> None:
    """The bench must not silently measure nothing."""
    from django.utils import timezone

    from billing.models import Invoice, InvoiceStatus
    from billing.services.delivery import invoices_pdf_render
    from secondments.models import Timesheet, TimesheetStatus

    year = timezone.localdate().year
    invoices = Invoice.objects.filter(run_id=result["run_id"])
    assert result["invoices"] == TENANTS, result
    assert invoices.filter(status=InvoiceStatus.FINALISED, period_start=month).count() == TENANTS
    numbers = sorted(invoices.values_list("number", flat=True))
    assert numbers == [f"{year}-{n:05d}" for n in range(1, TENANTS + 1)], (numbers[:3], numbers[-3:])
    assert not invoices.filter(pdf_sha256="").exists(), "PDFs missing"
    on_disk = list(Path(media, "invoices", str(year)).glob("*.pdf"))
    assert len(on_disk) == TENANTS, len(on_disk)
    assert invoices_pdf_render(invoice_ids=list(invoices.values_list("pk", flat=True))) == 0  # nothing left to do
    invoiced = Timesheet.objects.filter(status=TimesheetStatus.INVOICED).count()
    assert invoiced == TENANTS * PLACEMENTS_PER_TENANT, invoiced
    assert not Timesheet.objects.filter(status=TimesheetStatus.APPROVED).exists()
    print(
        f"  checked: {TENANTS:,} invoices {numbers[0]}..{numbers[-1]} with {result['lines']:,} lines, "
        f"{len(on_disk):,} PDFs on disk ({sum(p.stat().st_size for p in on_disk) / len(on_disk) / 1024:.1f} KiB each), "
        f"{invoiced:,} timesheets invoiced"
    )
    print(
        f"  run + finalise {result['run']:.2f} s ({result['run_queries']} queries), "
        f"PDFs {result['pdf']:.2f} s, total {result['total']:.2f} s: "
        f"{TENANTS / result['total']:,.0f} invoices/s "
        f"({'PASS' if result['total'] <= GOAL_SECONDS else 'MISS'}, goal {GOAL_SECONDS:.1f} s)"
    )


if __name__ == "__main__":
    main()
