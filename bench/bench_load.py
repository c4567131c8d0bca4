"""Benchmark: the approver's inbox and approve under load, on gunicorn with 2 workers and PostgreSQL.

The issue's acceptance line: ``make bench`` load-tests the approver's inbox (GET) and approve (POST)
at 32 concurrent users, and a bare Django JSON view on the same server for the ratio. Goal for the
inbox: >= 300 req/s and p95 <= 50 ms.

Set-up, not timed: a throw-away database ``secondo_load_<pid>`` on the server of BENCH_DATABASE_URL
or DATABASE_URL (a postgres:// URL; the named database itself is never touched), migrated, then
seeded in bulk (COPY for the entries): one pool of secretaries working part-time at two clients each.
The benchmark client, a hospital approving monthly, has three approvers and 60 placements; last
month's 60 sheets (about 15 entries each) are submitted and wait in the inbox (three pages of the
default 25; the bench reads the first, as the web app does), the five months before are approved,
this month's are open. The other clients approve weekly, two approvers each; their last weeks'
sheets are submitted: enough that every approve POST of the run approves a different, real pending
sheet (``--sheets``; the bench says so if they ran out). The inbox's client is never approved in the
run, so the inbox holds the same 60 sheets throughout: after its first request each worker answers the
inbox from the answer it kept (``secondments/api/inbox.py``), checking the inbox's version per request.
``inbox_cold`` measures the other case, a read after a change: each request carries a query parameter of
its own (ignored by the API), so no answer is ever kept for it and every request renders the inbox.

The server: gunicorn, 2 sync workers, ``--preload`` (``backend/wsgi.py``: ``process_tune``, the heap
frozen before the fork), no access log, ``bench/settings_load.py`` (the local settings, DEBUG off,
and ``bench/load_urls.py``: the app's URLconf plus ``bench/ping/``, a bare ``JsonResponse`` view
through the same middleware), persistent database connections (``conn_max_age`` in the URL, which
django-environ reads; ``--conn-max-age 0`` measures a connection per request). Token authentication.

The load model: locust, headless, one process (no ``--processes``: the machine has 2 cores, shared by
locust, gunicorn and PostgreSQL), FastHttpUser, 32 users, all started at once. Each scenario runs
twice, each time ``--warmup`` seconds (not measured: the statistics are reset after it) and then
``--duration`` seconds measured:

- ``max``: closed loop, no think time: each user sends its next request as soon as the last one is
  answered. This gives the most requests per second the server does; by Little's law the latency is
  then 32 / throughput (at 300 req/s the mean is 107 ms), so it is no measure of latency.
- ``paced``: each user sends 10 requests per second (locust's ``constant_throughput(10)``), an offered
  320 req/s in all: 32 users with think time, as real users have. This gives the latency at that
  rate, and whether the server keeps up with it (a user whose request takes over 100 ms falls behind).

The goal holds when, paced, the inbox does >= 300 req/s with p95 <= 50 ms. Printed per scenario and
mode: req/s, p50/p95/p99/max (locust's, rounded to 10 ms above 100 ms), the failures (any answer
other than the working one; any failure makes the bench exit 1), the ratio inbox / bare of req/s and
p95, and the CPU: the cores used by the gunicorn workers, by locust and by the rest (PostgreSQL) while
it ran, and the load average. Needs PostgreSQL, else it says so and exits 0.
"""

import argparse
import datetime
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

USERS = 32
RATE_PER_USER = 10.0  # paced: an offered 320 req/s
GOAL_RPS = 300.0
GOAL_P95_MS = 50.0
WORKERS = 2
INBOX_SHEETS = 60  # submitted sheets in the benchmark approver's inbox
WEEKLY_CLIENTS = 40
PLACEMENTS_PER_WEEKLY_CLIENT = 25
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")
DESCRIPTIONS = [
    "Agenda en notulen",
    "Correspondentie",
    "Afspraken plannen",
    "Vergadering voorbereid",
    "Dossiers bijgewerkt",
    "Telefoon en mail",
    "Reisplanning",
    "",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per run (default 20)")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds before each run (default 5)")
    parser.add_argument("--users", type=int, default=USERS, help=f"concurrent users (default {USERS})")
    parser.add_argument(
        "--rate", type=float, default=RATE_PER_USER, help=f"paced requests/s per user (default {RATE_PER_USER:g})"
    )
    parser.add_argument("--conn-max-age", type=int, default=600, help="CONN_MAX_AGE of the server (default 600)")
    parser.add_argument(
        "--sheets", type=int, default=0, help="pending sheets for approve (default: enough for the duration)"
    )
    parser.add_argument(
        "--scenarios",
        default="bare,inbox,inbox_cold,approve",
        help="which to run, in order (default bare,inbox,inbox_cold,approve)",
    )
    parser.add_argument("--modes", default="max,paced", help="which load models (default max,paced)")
    parser.add_argument("--keep", action="store_true", help="leave the server running until Ctrl-C (to profile)")
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
        print("bench_load: skipped, it needs PostgreSQL (set BENCH_DATABASE_URL=postgres://...)")
        return 0
    import psycopg

    name = f"secondo_load_{os.getpid()}"
    server = _server_params(url)
    try:
        admin = psycopg.connect(**server, dbname="postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        print(f"bench_load: skipped, PostgreSQL is not available ({str(exc).strip().splitlines()[0]})")
        return 0
    signal.signal(signal.SIGTERM, _terminate)  # a kill runs the clean-up below, as Ctrl-C does
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (&)
    gunicorn: subprocess.Popen[bytes] | None = None
    folder = tempfile.mkdtemp(prefix="bench_load_")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(url)
        db_url = urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))
        served_url = f"{db_url}?conn_max_age={args.conn_max_age}&conn_health_checks=true"
        scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        runs_per_approve = sum(1 for _ in modes)
        sheets = args.sheets or _sheets_needed(args, runs_per_approve) if "approve" in scenarios else 0
        seeded = seed(db_url, sheets)
        port = _free_port()
        gunicorn = start_gunicorn(served_url, port)
        host = f"http://127.0.0.1:{port}"
        _check(host, seeded)
        print(
            f"\nbench_load: gunicorn, {WORKERS} sync workers (--preload), CONN_MAX_AGE={args.conn_max_age}; "
            f"locust, 1 process, FastHttpUser, {args.users} users; {args.warmup:g} s warm-up, then "
            f"{args.duration:g} s measured per run; {os.cpu_count()} CPUs"
        )
        if args.keep:
            print(f"serving on {host} (token {seeded['token']}); Ctrl-C stops it and drops {name}")
            while True:
                time.sleep(3600)
        results = []
        for scenario in scenarios:
            for mode in modes:
                result = run_locust(host, scenario, mode, args, seeded, folder, gunicorn_pid=gunicorn.pid, dbname=name)
                results.append(result)
                _line(result)
        return report(results, args)
    finally:
        # A second Ctrl-C (or a SIGTERM after the first) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if gunicorn is not None:
            stop(gunicorn)
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        for f in Path(folder).iterdir():
            f.unlink()
        os.rmdir(folder)


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _server_params(url: str) -> dict[str, Any]:
    import environ

    config = environ.Env.db_url_config(url)
    params = {"host": config.get("HOST") or None, "port": config.get("PORT") or None, "user": config.get("USER")}
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return {k: v for k, v in params.items() if v}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sheets_needed(args: argparse.Namespace, runs: int) -> int:
    """Pending sheets for the approve runs: as many as 250 req/s take (the table says so if they ran out)."""
    per_second = 250.0
    return int(per_second * (args.warmup + args.duration + 3) * runs)


# The data.


def seed(db_url: str, approve_sheets: int) -> dict[str, Any]:
    """Migrate the throw-away database and fill it (see the module's text); returns the tokens and counts."""
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_load"
    os.environ["DEBUG"] = "False"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from backend.accounts.models import User
    from backend.core.periods import approval_period_bounds
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
        Timesheet,
        TimesheetStatus,
        VatTreatment,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    rng = random.Random(20260101)
    today = timezone.localdate()
    now = timezone.now()
    weeks_pending = max(1, -(-approve_sheets // (WEEKLY_CLIENTS * PLACEMENTS_PER_WEEKLY_CLIENT)))
    placements_total = INBOX_SHEETS + WEEKLY_CLIENTS * PLACEMENTS_PER_WEEKLY_CLIENT
    with transaction.atomic():
        manager = User.objects.create(email="manager@bench.example", full_name="Team Manager", is_team_manager=True)
        pool = Pool.objects.create(name="Bench pool", cost_centre="CC-1")
        pool.managers.add(manager)

        def approvers(prefix: str, count: int) -> list[User]:
            return [
                User(
                    email=f"{prefix}{i}@bench.example",
                    full_name=f"Approver {prefix} {i}",
                    is_client_approver=True,
                    password="!",  # noqa: S106  # an unusable password, as set_unusable_password leaves it
                )
                for i in range(count)
            ]

        hospital_approvers = User.objects.bulk_create(approvers("hospital", 3))
        weekly_approvers = User.objects.bulk_create(approvers("weekly", 2 * WEEKLY_CLIENTS))
        Token.objects.bulk_create(
            [Token(key=Token.generate_key(), user=u) for u in [*hospital_approvers, *weekly_approvers]]
        )

        def client(name: str, period: str) -> Client:
            return Client(
                kind=ClientKind.TENANT,
                legal_name=name,
                street="Plein 1",
                postcode="3511 AB",
                city="Utrecht",
                billing_email="billing@bench.example",
                vat_treatment=VatTreatment.STANDARD,
                approval_period=period,
            )

        hospital = Client.objects.create(**_fields(client("Bench Ziekenhuis", ApprovalPeriod.MONTHLY)))
        hospital.approvers.set(hospital_approvers)
        weekly = Client.objects.bulk_create(
            [client(f"Tenant {i:02d} B.V.", ApprovalPeriod.WEEKLY) for i in range(WEEKLY_CLIENTS)]
        )
        Client.approvers.through.objects.bulk_create(
            [
                Client.approvers.through(client_id=c.pk, user_id=weekly_approvers[2 * i + k].pk)
                for i, c in enumerate(weekly)
                for k in (0, 1)
            ]
        )
        # Secretaries: two placements each, at two different clients.
        n_secretaries = (placements_total + 1) // 2
        sec_users = User.objects.bulk_create(
            [
                User(
                    email=f"secretary{i}@bench.example",
                    full_name=f"Secretary {i:04d}",
                    is_secretary=True,
                    password="!",  # noqa: S106  # an unusable password, as set_unusable_password leaves it
                )
                for i in range(n_secretaries)
            ]
        )
        secretaries = Secretary.objects.bulk_create(
            [
                Secretary(
                    user=u,
                    pool=pool,
                    contract_hours=Decimal(36),
                    base_workload_hours=Decimal(4),
                    employment_start=datetime.date(2020, 1, 1),
                )
                for u in sec_users
            ]
        )
        slots = [hospital] * INBOX_SHEETS + [c for c in weekly for _ in range(PLACEMENTS_PER_WEEKLY_CLIENT)]
        start = today - datetime.timedelta(days=400)
        plan = []  # (client, secretary, weekdays, hours a day)
        for i, c in enumerate(slots):
            days = 2 + i % 4  # 2..5 days a week
            hours = [Decimal("4.00"), Decimal("5.50"), Decimal("6.00"), Decimal("3.25")][i % 4]
            weekdays = sorted({(i + k) % 5 for k in range(days)})
            plan.append((c, secretaries[i // 2] if i % 2 == 0 else secretaries[(i // 2 + 7) % n_secretaries]))
            plan[-1] = (*plan[-1], weekdays, hours)
        placements = Placement.objects.bulk_create(
            [
                Placement(
                    secretary=s,
                    client=c,
                    start_date=start,
                    hours_per_week=hours * len(days),
                    status=PlacementStatus.ACTIVE,
                    created_by=manager,
                )
                for c, s, days, hours in plan
            ]
        )
        rates = {p.pk: Decimal(58 + i % 9) for i, p in enumerate(placements)}
        PlacementRate.objects.bulk_create(
            [
                PlacementRate(
                    placement=p, valid_from=start, hourly_rate=rates[p.pk], source="rate_card", created_by=manager
                )
                for p in placements
            ]
        )

        # The sheets: the hospital's by month, the others' by ISO week.
        this_month = today.replace(day=1)
        months = [this_month]
        for _ in range(6):
            months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
        this_monday = today - datetime.timedelta(days=today.weekday())
        weeks = [this_monday - datetime.timedelta(weeks=k) for k in range(weeks_pending + 5)]
        sheets: list[Any] = []  # (Timesheet, days)
        for p, (c, s, weekdays, hours) in zip(placements, plan, strict=True):
            if c is hospital:
                periods = [(approval_period_bounds(m, ApprovalPeriod.MONTHLY), k) for k, m in enumerate(months)]
            else:
                periods = [(approval_period_bounds(w, ApprovalPeriod.WEEKLY), k) for k, w in enumerate(weeks)]
            approver_pool = hospital_approvers if c is hospital else weekly_approvers
            pending = 1 if c is hospital else weeks_pending
            for (first, last), k in periods:
                days = [
                    first + datetime.timedelta(days=d)
                    for d in range((last - first).days + 1)
                    if (first + datetime.timedelta(days=d)).weekday() in weekdays
                    and first + datetime.timedelta(days=d) < today
                ]
                if not days:
                    continue
                status = (
                    TimesheetStatus.OPEN
                    if k == 0
                    else TimesheetStatus.SUBMITTED
                    if k <= pending
                    else TimesheetStatus.APPROVED
                )
                submitted = k > 0
                sheet = Timesheet(
                    placement=p,
                    period_start=first,
                    period_end=last,
                    status=status,
                    submitted_at=now - datetime.timedelta(days=7 * k) if submitted else None,
                    submitted_by=s.user if submitted else None,
                    hours_total=hours * len(days),
                    amount_total=(hours * len(days) * rates[p.pk]).quantize(Decimal("0.01")),
                )
                if status == TimesheetStatus.APPROVED:
                    sheet.approved_at = now - datetime.timedelta(days=7 * k - 2)
                    sheet.approved_by = rng.choice(approver_pool[:2] if c is hospital else approver_pool)
                    sheet.approval_kind = ApprovalKind.EXPLICIT
                    sheet.approval_ip = "127.0.0.1"
                sheets.append((sheet, days, hours))
        Timesheet.objects.bulk_create([s for s, _, _ in sheets], batch_size=5000)
        from secondments.models import TimeEntry
        from secondments.services.timesheets import timesheet_evidence_hash

        entries = 0
        with connection.cursor() as cursor:
            table = TimeEntry._meta.db_table
            stamp = now.isoformat()
            with cursor.cursor.copy(
                f"COPY {table} (timesheet_id, date, hours, description, updated_at) FROM STDIN"
            ) as copy:
                for sheet, days, hours in sheets:
                    for d in days:
                        copy.write_row((sheet.pk, d, hours, rng.choice(DESCRIPTIONS), stamp))
                        entries += 1
        approved = [s for s, _, _ in sheets if s.status == TimesheetStatus.APPROVED]
        for sheet, days, hours in sheets:
            if sheet.status == TimesheetStatus.APPROVED:
                sheet.approval_hash = timesheet_evidence_hash(
                    timesheet=sheet, entries=[TimeEntry(date=d, hours=hours, description="") for d in days]
                )
        Timesheet.objects.bulk_update(approved, ["approval_hash"], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seeded_s = time.perf_counter() - started - migrated

    token = Token.objects.get(user=hospital_approvers[0]).key
    tokens = dict(Token.objects.values_list("user_id", "key"))
    pending_pairs = []
    approvers_of: dict[int, list[int]] = {}
    for client_id, user_id in Client.approvers.through.objects.filter(client__in=weekly).values_list(
        "client_id", "user_id"
    ):
        approvers_of.setdefault(client_id, []).append(user_id)
    for i, (sheet_id, client_id) in enumerate(
        Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED)
        .exclude(placement__client=hospital)
        .order_by("pk")
        .values_list("pk", "placement__client_id")
    ):
        who = approvers_of[client_id]
        pending_pairs.append((tokens[who[i % len(who)]], sheet_id))
    rng.shuffle(pending_pairs)
    inbox = Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED, placement__client=hospital)
    print(
        f"bench_load on PostgreSQL ({connection.settings_dict['NAME']}): migrated in {migrated:.1f} s, seeded in "
        f"{seeded_s:.1f} s (not timed below): {len(placements):,} placements of {n_secretaries:,} secretaries at "
        f"{1 + len(weekly)} clients, {len(sheets):,} timesheets, {entries:,} entries; the inbox: "
        f"{inbox.count()} submitted sheets of {hospital.legal_name} (3 approvers, monthly), "
        f"{TimeEntry.objects.filter(timesheet__in=inbox).count():,} entries; "
        f"{len(pending_pairs):,} submitted weekly sheets of {len(weekly)} other clients for approve"
    )
    connection.close()
    return {"token": token, "pending": pending_pairs, "inbox_count": inbox.count()}


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}


# The server.


def start_gunicorn(db_url: str, port: int) -> "subprocess.Popen[bytes]":
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings_load",
        "DEBUG": "False",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(VENV_BIN / "gunicorn"),
        "backend.wsgi:application",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--preload",
        f"--bind=127.0.0.1:{port}",
        f"--chdir={ROOT}",
        "--log-level=warning",
        "--timeout=120",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping/", timeout=2) as r:
                if r.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _check(host: str, seeded: dict[str, Any]) -> None:
    """One request of each before the load: the answers the users will count as successes."""
    request = urllib.request.Request(  # noqa: S310
        f"{host}/api/v1/approval-inbox/", headers={"Authorization": f"Token {seeded['token']}"}
    )
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
        body = json.loads(r.read())
    results = body["results"]
    assert body["count"] == seeded["inbox_count"] and results, body
    entries = sum(len(s["entries"]) for s in results)
    print(
        f"checked: the inbox answers {len(results)} of {body['count']} sheets on its first page "
        f"({entries} entries, {len(json.dumps(body)):,} bytes)"
    )


# The load.


def run_locust(
    host: str,
    scenario: str,
    mode: str,
    args: argparse.Namespace,
    seeded: dict[str, Any],
    folder: str,
    *,
    gunicorn_pid: int,
    dbname: str,
) -> dict[str, Any]:
    import psutil

    result_path = Path(folder) / f"{scenario}-{mode}.json"
    env = {
        **os.environ,
        "LOAD_SCENARIO": scenario,
        "LOAD_RATE": str(args.rate if mode == "paced" else 0),
        "LOAD_WARMUP": str(args.warmup),
        "LOAD_RESULT": str(result_path),
        "LOAD_TOKEN": seeded["token"],
    }
    if scenario == "approve":
        from secondments.models import Timesheet, TimesheetStatus

        pending_path = Path(folder) / "pending.txt"
        # The server still answers the requests queued when the last run stopped: wait until it is done.
        submitted = set(Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED).values_list("pk", flat=True))
        for _ in range(30):
            time.sleep(1)
            now = set(Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED).values_list("pk", flat=True))
            if now == submitted:
                break
            submitted = now
        pending = [(t, s) for t, s in seeded["pending"] if s in submitted]  # not those the last run approved
        seeded["pending"] = pending
        pending_path.write_text("".join(f"{t} {s}\n" for t, s in pending))
        env["LOAD_PENDING"] = str(pending_path)
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.users}",
        f"--run-time={args.warmup + args.duration:g}s",
        f"--host={host}",
        "--only-summary",
        "--loglevel=WARNING",
        "--skip-log-setup",
    ]
    workers = psutil.Process(gunicorn_pid).children()
    cpu_before = psutil.cpu_times()
    workers_before = sum(sum(w.cpu_times()[:2]) for w in workers)
    postgres_before = _postgres_cpu()
    started = time.monotonic()
    locust = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = locust.communicate()
    wall = time.monotonic() - started
    cpu_after = psutil.cpu_times()
    workers_after = sum(sum(w.cpu_times()[:2]) for w in workers)
    postgres_after = _postgres_cpu()
    locust_cpu = _children_cpu()  # locust is reaped: its CPU time is in this process's children's
    result = json.loads(result_path.read_text())
    busy = (_busy(cpu_after) - _busy(cpu_before)) / wall
    result.update(
        scenario=scenario,
        mode=mode,
        cores_total=busy,
        cores_gunicorn=(workers_after - workers_before) / wall,
        cores_locust=(locust_cpu - _state["children_cpu"]) / wall,
        cores_postgres=sum(t - postgres_before.get(pid, 0.0) for pid, t in postgres_after.items()) / wall,
        steal=(getattr(cpu_after, "steal", 0.0) - getattr(cpu_before, "steal", 0.0)) / wall,
        returncode=locust.returncode,
        load=os.getloadavg()[0],
        locust_warnings=[
            line for line in output.decode(errors="replace").splitlines() if "CPU usage" in line or "Error" in line
        ][:3],
    )
    _state["children_cpu"] = locust_cpu
    return result


_state: dict[str, float] = {"children_cpu": 0.0}


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds of every PostgreSQL process now (a backend that ended in between is not counted)."""
    import psutil

    found = {}
    for p in psutil.process_iter(["name", "cpu_times"]):
        if p.info["name"] in ("postgres", "postmaster") and p.info["cpu_times"] is not None:
            found[p.pid] = p.info["cpu_times"].user + p.info["cpu_times"].system
    return found


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def _busy(times: Any) -> float:
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def _line(r: dict[str, Any]) -> None:
    print(
        f"  {r['scenario']:<8} {r['mode']:<6} {r['rps']:7.1f} req/s  p50 {r['p50']:4.0f} ms  p95 {r['p95']:4.0f} ms  "
        f"p99 {r['p99']:4.0f} ms  {r['requests']:>6} requests, {r['failures']} failed",
        flush=True,
    )


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> int:
    by = {(r["scenario"], r["mode"]): r for r in results}
    print()
    print(
        "| scenario | load model | req/s | p50 ms | p95 ms | p99 ms | max ms | requests | failures | "
        "CPU cores: gunicorn / locust / PostgreSQL / other |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    labels = {
        "inbox": "inbox GET",
        "inbox_cold": "inbox GET, never kept",
        "approve": "approve POST",
        "bare": "bare JSON view",
    }
    models = {"max": f"{args.users} users, no think time", "paced": f"{args.users} users x {args.rate:g} req/s"}
    for r in results:
        rest = r["cores_total"] - r["cores_gunicorn"] - r["cores_locust"] - r["cores_postgres"]
        failures = f"{r['failures']}" + (
            f" (+{r['all_failures'] - r['failures']} warm-up)" if r["all_failures"] > r["failures"] else ""
        )
        print(
            f"| {labels[r['scenario']]} | {models[r['mode']]} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['max']:.0f} | {r['requests']:,} | {failures} | "
            f"{r['cores_gunicorn']:.2f} / {r['cores_locust']:.2f} / {r['cores_postgres']:.2f} / {max(rest, 0):.2f} |"
        )
    print()
    for mode in ("max", "paced"):
        inbox, bare = by.get(("inbox", mode)), by.get(("bare", mode))
        if inbox and bare:
            print(
                f"ratio inbox / bare view, {models[mode]}: req/s {inbox['rps'] / bare['rps']:.2f}, "
                f"p95 {inbox['p95'] / max(bare['p95'], 1):.1f}x ({inbox['p95']:.0f} ms vs {bare['p95']:.0f} ms)"
            )
    paced = by.get(("inbox", "paced"))
    if paced:
        rps_ok, p95_ok = paced["rps"] >= GOAL_RPS, paced["p95"] <= GOAL_P95_MS
        verdict = "PASS" if rps_ok and p95_ok else "MISS"
        print(
            f"goal, the inbox at {models['paced']} (offered {args.users * args.rate:.0f} req/s): "
            f">= {GOAL_RPS:.0f} req/s {'yes' if rps_ok else 'no'} ({paced['rps']:.0f}), "
            f"p95 <= {GOAL_P95_MS:.0f} ms {'yes' if p95_ok else 'no'} ({paced['p95']:.0f} ms): {verdict}"
        )
    print(
        f"machine: {os.cpu_count()} CPUs shared by locust, gunicorn and PostgreSQL; load average "
        f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min) at the end"
    )
    for r in results:
        for w in r["locust_warnings"]:
            print(f"locust ({r['scenario']}, {r['mode']}): {w}")
    bad = 0
    for r in results:
        if r["all_failures"] or r["exhausted"] or r["returncode"] not in (0, 1):
            bad += 1
            print(
                f"FAILED: {r['scenario']} {r['mode']}: {r['all_failures']} failed requests, "
                f"{r['exhausted']} times out of pending sheets, locust exit {r['returncode']}"
            )
            for e in r["errors"]:
                print(f"  {e['occurrences']} x {e['name']}: {e['error']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
