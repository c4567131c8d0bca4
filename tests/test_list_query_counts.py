"""Every list endpoint runs a fixed number of queries, whatever the page size:
no N+1 on a related object. Lists hold more rows than the largest page, a page
of 10 and a page of 100 cost the same, and a page size above MAX_PAGE_SIZE is
capped. The boards (pool and secretary capacity) cost the same for 10 and for
100 secretaries / placements.

The clients are force-authenticated, so no session or user query is counted.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from backend.accounts.models import User
from backend.core.models import AuditEvent
from billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceRun,
    InvoiceStatus,
    LineKind,
    NumberSeries,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Receivable,
)
from billing.services.delivery import invoices_pdf_render
from billing.services.revenue_facts import revenue_facts_rebuild
from secondments.models import (
    Client,
    Leave,
    Placement,
    PlacementRate,
    Pool,
    RateCard,
    Secretary,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
)
from secondments.services.timesheets import timesheets_totals_refresh
from tests.conftest import World, api_client_for
from tests.factories import ClientFactory

ROWS = 105  # more than the largest page (MAX_PAGE_SIZE = 100)


def test_rows_outnumber_the_largest_page() -> None:
    assert settings.MAX_PAGE_SIZE == 100
    assert ROWS > settings.MAX_PAGE_SIZE


# ---------------------------------------------------------------- bulk rows


def _users(prefix: str, count: int, **flags: Any) -> list[User]:
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(email=f"{prefix}{n}@example.org", full_name=f"{prefix.title()} {n:03d}", password=password, **flags)
            for n in range(count)
        ]
    )
    return list(User.objects.filter(email__startswith=prefix).order_by("pk"))


def _secretaries(pool: Pool, count: int, prefix: str = "crowd") -> list[Secretary]:
    users = _users(prefix, count, is_secretary=True)
    Secretary.objects.bulk_create(
        [
            Secretary(
                user=user,
                pool=pool,
                contract_hours=Decimal("36.00"),
                base_workload_hours=Decimal("8.00"),
                skills=["minutes"],
                languages=["nl"],
                employment_start=datetime.date(2020, 1, 1),
            )
            for user in users
        ]
    )
    return list(Secretary.objects.filter(user__in=users).order_by("pk"))


def _placements(secretaries: list[Secretary], client: Client, creator: User, start: datetime.date) -> None:
    """One placement per secretary, each with two rate rows (a rate change)."""
    Placement.objects.bulk_create(
        [
            Placement(
                secretary=s,
                client=client,
                start_date=start,
                end_date=start + datetime.timedelta(weeks=20),
                hours_per_week=Decimal("4.00"),
                status="active",
                created_by=creator,
            )
            for s in secretaries
        ]
    )
    placements = Placement.objects.filter(secretary__in=secretaries, start_date=start)
    PlacementRate.objects.bulk_create(
        [
            PlacementRate(
                placement=p,
                valid_from=p.start_date + datetime.timedelta(days=offset),
                hourly_rate=Decimal("55.00") + offset,
                source=PlacementRate.Source.OVERRIDE,
                created_by=creator,
            )
            for p in placements
            for offset in (0, 28)
        ]
    )


def _leave(secretaries: list[Secretary], start: datetime.date) -> None:
    Leave.objects.bulk_create(
        [Leave(secretary=s, start_date=start, end_date=start + datetime.timedelta(days=2)) for s in secretaries]
    )


def _timesheets(placements: list[Placement], days: list[datetime.date], status: str) -> None:
    """One June 2026 sheet per placement, each with 0.25 h on the given days, submitted by its secretary."""
    Timesheet.objects.bulk_create(
        [
            Timesheet(
                placement=p,
                period_start=datetime.date(2026, 6, 1),
                period_end=datetime.date(2026, 6, 30),
                status=status,
                submitted_at=None
                if status == TimesheetStatus.OPEN
                else datetime.datetime(2026, 6, 12, tzinfo=datetime.UTC),
                submitted_by=None if status == TimesheetStatus.OPEN else p.secretary.user,
            )
            for p in placements
        ]
    )
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(timesheet=sheet, date=day, hours=Decimal("0.25"), description=f"Minutes {day}")
            for sheet in Timesheet.objects.filter(placement__in=placements)
            for day in days
        ]
    )


@pytest.fixture
def crowd(world: World) -> World:
    """More than a page of every kind of row, all inside the team manager's pool where a pool applies."""
    secretaries = _secretaries(world.pool, ROWS)
    _placements(secretaries, world.client, world.manager, datetime.date(2026, 6, 1))
    _leave(secretaries, datetime.date(2026, 6, 17))
    crowd_placements = list(Placement.objects.filter(secretary__in=secretaries).select_related("secretary__user"))
    _timesheets(crowd_placements, [datetime.date(2026, 6, d) for d in (1, 2, 3)], TimesheetStatus.SUBMITTED)

    managers = _users("boss", 2, is_team_manager=True)
    Pool.objects.bulk_create([Pool(name=f"Crowd pool {n:03d}", cost_centre=f"CP{n:03d}") for n in range(ROWS)])
    Pool.managers.through.objects.bulk_create(
        [
            Pool.managers.through(pool_id=pool.pk, user_id=user.pk)
            for pool in Pool.objects.filter(name__startswith="Crowd pool")
            for user in (world.manager, *managers)
        ]
    )

    approvers = _users("approver", 2, is_client_approver=True)
    Client.objects.bulk_create(
        [
            Client(
                kind="tenant",
                legal_name=f"Crowd {n:03d} B.V.",
                street="Stationsplein 1",
                postcode="3511 ED",
                city="Utrecht",
                billing_email=f"crowd{n}@tenant.example",
                vat_treatment="standard",
            )
            for n in range(ROWS)
        ]
    )
    Client.approvers.through.objects.bulk_create(
        [
            Client.approvers.through(client_id=client.pk, user_id=user.pk)
            for client in Client.objects.filter(legal_name__startswith="Crowd")
            for user in approvers
        ]
    )

    RateCard.objects.bulk_create(
        [
            RateCard(
                pool=world.pool,
                client_kind="tenant",
                valid_from=datetime.date(2021, 1, 1) + datetime.timedelta(days=n),
                hourly_rate=Decimal("50.00") + n,
            )
            for n in range(ROWS)
        ]
    )

    actors = [world.manager, world.finance, world.director, *managers]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(actor=actors[n % len(actors)], action="test.event", object_type="test", object_id=str(n))
            for n in range(ROWS)
        ]
    )
    return world


# ---------------------------------------------------------------- paginated lists

# (name, role, path, queries): the role that sees the most rows; the count is the
# same at every page size: count + page (+ one per prefetched relation).
LISTS = [
    ("users", "finance", "/api/v1/users/", 2),
    ("pools", "finance", "/api/v1/pools/", 3),  # + managers
    ("secretaries", "finance", "/api/v1/secretaries/", 2),  # user and pool joined
    ("clients", "finance", "/api/v1/clients/", 3),  # + approvers
    ("rate-cards", "finance", "/api/v1/rate-cards/", 2),  # pool joined
    ("placements", "finance", "/api/v1/placements/", 3),  # secretary, user, pool, client joined; + rates
    ("leave", "finance", "/api/v1/leave/", 2),  # secretary and user joined
    ("audit-events", "finance", "/api/v1/audit-events/", 2),  # actor joined
    ("placements-as-manager", "team_manager", "/api/v1/placements/", 3),
    ("secretaries-as-manager", "team_manager", "/api/v1/secretaries/", 2),
    ("leave-as-manager", "team_manager", "/api/v1/leave/", 2),
    ("rate-cards-as-manager", "team_manager", "/api/v1/rate-cards/", 2),
    ("pools-as-manager", "team_manager", "/api/v1/pools/", 3),
    # secretary, user, client and the approval actors joined, the total annotated; + entries
    ("timesheets", "finance", "/api/v1/timesheets/", 3),
    ("timesheets-as-manager", "team_manager", "/api/v1/timesheets/", 3),
    ("timesheets-as-approver", "client_approver", "/api/v1/timesheets/", 3),
    # On PostgreSQL one more: the inbox's version, which a repeated request is answered by (secondments/api/inbox.py).
    ("approval-inbox", "client_approver", "/api/v1/approval-inbox/", 4 if connection.vendor == "postgresql" else 3),
]
# Availability: secretaries, their placements, their leave; the page is cut from a list (no count query).
AVAILABILITY = "/api/v1/availability/?start=2026-07-06&end=2026-07-31&hours_per_week=4"


def _get(client: Any, path: str, page_size: int) -> Any:
    joiner = "&" if "?" in path else "?"
    return client.get(f"{path}{joiner}page_size={page_size}")


@pytest.mark.parametrize(("name", "role", "path", "queries"), LISTS, ids=[x[0] for x in LISTS])
@pytest.mark.parametrize("page_size", [10, 100])
def test_a_list_costs_the_same_queries_at_every_page_size(
    crowd: World, django_assert_num_queries: Any, name: str, role: str, path: str, queries: int, page_size: int
) -> None:
    client = api_client_for(crowd.user(role))

    with django_assert_num_queries(queries):
        response = _get(client, path, page_size)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] >= ROWS
    assert len(body["results"]) == page_size


@pytest.mark.parametrize("page_size", [10, 100])
def test_availability_costs_the_same_queries_at_every_page_size(
    crowd: World, django_assert_num_queries: Any, page_size: int
) -> None:
    client = api_client_for(crowd.manager)

    with django_assert_num_queries(3):
        response = _get(client, AVAILABILITY, page_size)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == ROWS + 1  # the crowd and the world's secretary, all in the manager's pool
    assert len(body["results"]) == page_size


def test_the_next_page_of_availability_is_reachable(crowd: World) -> None:
    """The page and page_size parameters are the paginator's: the search does not refuse them as unknown."""
    client = api_client_for(crowd.manager)
    first = _get(client, AVAILABILITY, 10).json()

    response = client.get(first["next"])

    assert response.status_code == 200, response.content
    second = response.json()
    assert len(second["results"]) == 10
    first_ids = {c["secretary"]["id"] for c in first["results"]}
    second_ids = {c["secretary"]["id"] for c in second["results"]}
    assert first_ids.isdisjoint(second_ids)


@pytest.mark.parametrize(
    ("role", "path"),
    [*[(role, path) for _, role, path, _ in LISTS], ("team_manager", AVAILABILITY)],
    ids=[*[x[0] for x in LISTS], "availability"],
)
def test_a_page_size_above_the_maximum_is_capped(crowd: World, role: str, path: str) -> None:
    response = _get(api_client_for(crowd.user(role)), path, 1000)

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == settings.MAX_PAGE_SIZE


# ---------------------------------------------------------------- boards


def _board_pool(world: World, count: int) -> Pool:
    """A pool of ``count`` secretaries, each with a placement, rate rows and leave in the board's weeks."""
    pool = Pool.objects.create(name=f"Board pool {count}", cost_centre="BP1")
    pool.managers.set([world.manager])
    secretaries = _secretaries(pool, count, prefix=f"board{count}-")
    _placements(secretaries, world.client, world.manager, datetime.date(2026, 6, 22))
    _leave(secretaries, datetime.date(2026, 7, 1))
    return pool


# get_object (+ the pool's managers, prefetched by the scoped queryset), the
# active secretaries, their placements, their leave, the board's placement bars.
POOL_BOARD_QUERIES = 6


@pytest.mark.parametrize("role", ["finance", "team_manager"])
def test_the_pool_board_costs_the_same_for_10_and_100_secretaries(
    world: World, django_assert_num_queries: Any, role: str
) -> None:
    client = api_client_for(world.user(role))
    small, large = _board_pool(world, 10), _board_pool(world, 100)

    with django_assert_num_queries(POOL_BOARD_QUERIES):
        small_board = client.get(f"/api/v1/pools/{small.pk}/capacity/?weeks=8").json()
    with django_assert_num_queries(POOL_BOARD_QUERIES):
        large_board = client.get(f"/api/v1/pools/{large.pk}/capacity/?weeks=8").json()

    assert (len(small_board["rows"]), len(small_board["placements"])) == (10, 10)
    assert (len(large_board["rows"]), len(large_board["placements"])) == (100, 100)
    assert len(large_board["weeks"]) == 8
    # The placements and leave are on the board: 28 - 4 placed - 28 x 3/5 leave in the week of 2026-07-01.
    week = large_board["rows"][0]["weeks"][2]
    assert (week["week"], week["placed"], week["leave"], week["free"]) == ("2026-W27", "4.00", "16.80", "7.20")


def _weekday(n: int) -> datetime.date:
    """The n-th working day from Monday 2026-06-15 on."""
    return datetime.date(2026, 6, 15) + datetime.timedelta(weeks=n // 5, days=n % 5)


def _crowded_secretary(world: World, count: int) -> Secretary:
    """A secretary with ``count`` short placements (each with two rates) and ``count`` days of leave."""
    secretary = _secretaries(world.pool, 1, prefix=f"busy{count}-")[0]
    creator = world.manager
    Placement.objects.bulk_create(
        [
            Placement(
                secretary=secretary,
                client=world.client,
                start_date=_weekday(n),
                end_date=_weekday(n),
                hours_per_week=Decimal("0.25"),
                status="active",
                created_by=creator,
            )
            for n in range(count)
        ]
    )
    Leave.objects.bulk_create(
        [
            Leave(
                secretary=secretary,
                start_date=datetime.date(2026, 9, 1) + datetime.timedelta(days=n),
                end_date=datetime.date(2026, 9, 1) + datetime.timedelta(days=n),
            )
            for n in range(count)
        ]
    )
    return secretary


# get_object (user and pool joined), placements, leave.
SECRETARY_BOARD_QUERIES = 3


@pytest.mark.parametrize("role", ["finance", "team_manager"])
def test_the_secretary_board_costs_the_same_for_10_and_100_placements(
    world: World, django_assert_num_queries: Any, role: str
) -> None:
    client = api_client_for(world.user(role))
    small, large = _crowded_secretary(world, 10), _crowded_secretary(world, 100)

    with django_assert_num_queries(SECRETARY_BOARD_QUERIES):
        small_weeks = client.get(f"/api/v1/secretaries/{small.pk}/capacity/?weeks=26").json()
    with django_assert_num_queries(SECRETARY_BOARD_QUERIES):
        large_weeks = client.get(f"/api/v1/secretaries/{large.pk}/capacity/?weeks=26").json()

    assert sum(len(w["placement_ids"]) for w in small_weeks) == 10
    assert sum(len(w["placement_ids"]) for w in large_weeks) == 100
    assert len(large_weeks) == 26


# ---------------------------------------------------------------- the week grid


def _grid_secretary(world: World, count: int) -> Secretary:
    """A secretary with ``count`` placements in 2026-W24, each with its open June sheet and 0.25 h on one day."""
    secretary = _secretaries(world.pool, 1, prefix=f"grid{count}-")[0]
    Placement.objects.bulk_create(
        [
            Placement(
                secretary=secretary,
                client=world.client,
                start_date=datetime.date(2026, 1, 5) + datetime.timedelta(days=n),
                hours_per_week=Decimal("0.25"),
                status="active",
                created_by=world.manager,
            )
            for n in range(count)
        ]
    )
    placements = list(Placement.objects.filter(secretary=secretary).order_by("pk").select_related("secretary__user"))
    _timesheets(placements, [], TimesheetStatus.OPEN)
    sheets = Timesheet.objects.filter(placement__in=placements).order_by("placement_id")
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(timesheet=sheet, date=datetime.date(2026, 6, 8 + n % 5), hours=Decimal("0.25"))
            for n, sheet in enumerate(sheets)
        ]
    )
    return secretary


# The secretary (scoped, or the user's own), their placements, the sheets, the sheets' entries.
WEEK_GRID_QUERIES = 4


@pytest.mark.parametrize("role", ["finance", "team_manager", "secretary"])
def test_the_week_grid_costs_the_same_for_10_and_100_placements(
    world: World, django_assert_num_queries: Any, role: str
) -> None:
    small, large = _grid_secretary(world, 10), _grid_secretary(world, 100)

    def request(secretary: Secretary) -> tuple[Any, str]:
        if role == "secretary":  # their own grid: no secretary_id
            return api_client_for(User.objects.get(pk=secretary.user_id)), "/api/v1/week-grid/?week=2026-W24"
        return api_client_for(world.user(role)), f"/api/v1/week-grid/?week=2026-W24&secretary_id={secretary.pk}"

    (small_client, small_path), (large_client, large_path) = request(small), request(large)
    with django_assert_num_queries(WEEK_GRID_QUERIES):
        small_grid = small_client.get(small_path).json()
    with django_assert_num_queries(WEEK_GRID_QUERIES):
        large_grid = large_client.get(large_path).json()

    assert (small_grid["secretary_id"], large_grid["secretary_id"]) == (small.pk, large.pk)
    assert (len(small_grid["rows"]), len(large_grid["rows"])) == (10, 100)
    # Placement n logged 0.25 h on weekday n % 5 of the week.
    assert small_grid["day_totals"] == ["0.50", "0.50", "0.50", "0.50", "0.50", "0.00", "0.00"]
    assert large_grid["day_totals"] == ["5.00", "5.00", "5.00", "5.00", "5.00", "0.00", "0.00"]
    logged = [(c["date"], c["hours"]) for row in large_grid["rows"] for c in row["cells"] if c["hours"] is not None]
    assert len(logged) == 100
    cell = large_grid["rows"][0]["cells"][0]
    assert (cell["editable"], cell["timesheet_status"]) == (True, "open")


# ---------------------------------------------------------------- invoices and runs


def _finalised(n: int, client: Client, actor: User, **fields: Any) -> Invoice:
    """The n-th finalised invoice of 2026 (unsaved): numbered, customer copied, totals of its two lines."""
    series = NumberSeries.CREDIT_NOTE if fields.get("kind") == InvoiceKind.CREDIT_NOTE else NumberSeries.INVOICE
    prefix = "CN-" if series == NumberSeries.CREDIT_NOTE else ""
    return Invoice(
        **{
            "kind": InvoiceKind.INVOICE,
            "status": InvoiceStatus.FINALISED,
            "client": client,
            "period_start": datetime.date(2026, 5, 1),
            "period_end": datetime.date(2026, 5, 31),
            "vat_treatment": client.vat_treatment,
            "language": client.invoice_language,
            "series": series,
            "year": 2026,
            "sequence": n,
            "number": f"{prefix}2026-{n:05d}",
            "issue_date": datetime.date(2026, 6, 1),
            "due_date": datetime.date(2026, 7, 1),
            "customer": {
                field: getattr(client, field)
                for field in (
                    "legal_name",
                    "street",
                    "postcode",
                    "city",
                    "country",
                    "kvk_number",
                    "vat_number",
                    "cost_centre",
                    "billing_email",
                )
            },
            "finalised_at": datetime.datetime(2026, 6, 1, 8, tzinfo=datetime.UTC),
            "finalised_by": actor,
            "net_total": Decimal("355.00"),
            "vat_total": Decimal("74.55"),
            "total": Decimal("429.55"),
            "vat_breakdown": [{"rate": "21.00", "net": "355.00", "vat": "74.55"}],
            "created_by": actor,
            **fields,
        }
    )


def _two_lines(invoices: list[Invoice]) -> None:
    """Every invoice gets an hours-like manual line and a manual line (no timesheets needed)."""
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                kind=LineKind.MANUAL,
                position=position,
                description=description,
                quantity=quantity,
                unit_price=price,
                amount=quantity * price,
                vat_rate=Decimal("21.00"),
            )
            for invoice in invoices
            for position, description, quantity, price in (
                (1, "Minutes", Decimal("5.00"), Decimal("55.00")),
                (2, "Board pack printing", Decimal("8.00"), Decimal("10.00")),
            )
        ]
    )


@pytest.fixture
def ledger(world: World) -> World:
    """More than a page of each: runs; finalised invoices of the approver's client, each in a run and
    each credited by a credit note (the credited invoice is joined); drafts of the other client (never
    shown to the approver). Every invoice has two lines."""
    finance = world.finance
    InvoiceRun.objects.bulk_create(
        [
            InvoiceRun(
                period_start=datetime.date(2026, 5, 1),
                period_end=datetime.date(2026, 5, 31),
                client=world.client if n % 2 else None,
                started_by=finance,
                invoice_count=1,
                line_count=2,
                timesheet_count=1,
            )
            for n in range(ROWS)
        ]
    )
    runs = list(InvoiceRun.objects.order_by("pk"))
    invoices = Invoice.objects.bulk_create(
        [_finalised(n + 1, world.client, finance, run=run) for n, run in enumerate(runs)]
    )
    notes = Invoice.objects.bulk_create(
        [
            _finalised(
                n + 1,
                world.client,
                finance,
                kind=InvoiceKind.CREDIT_NOTE,
                credited_invoice=invoice,
                due_date=None,
                reason="Credited.",
            )
            for n, invoice in enumerate(invoices)
        ]
    )
    drafts = Invoice.objects.bulk_create(
        [
            Invoice(
                kind=InvoiceKind.INVOICE,
                client=world.other_client,
                vat_treatment=world.other_client.vat_treatment,
                language=world.other_client.invoice_language,
                created_by=finance,
            )
            for _ in range(ROWS)
        ]
    )
    _two_lines([*invoices, *notes, *drafts])
    # Each invoice owes its total and has a bank transfer of part of it (the receivable is joined).
    Receivable.objects.bulk_create(
        [
            Receivable(
                invoice=invoice,
                due_date=invoice.due_date,
                amount_due=invoice.total,
                amount_paid=Decimal("100.00"),
                status=PaymentStatus.PARTIALLY_PAID,
            )
            for invoice in invoices
        ]
    )
    Payment.objects.bulk_create([_transfer(invoice, finance, n) for n, invoice in enumerate(invoices)])
    return world


def _transfer(invoice: Invoice, actor: User, n: int) -> Payment:
    return Payment(
        invoice=invoice,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.BANK_TRANSFER,
        amount=Decimal("100.00"),
        date=datetime.date(2026, 6, 1) + datetime.timedelta(days=n % 10),
        reference=f"Statement {n}",
        recorded_by=actor,
    )


# (name, role, path, queries): count, page, the lines (client and credited invoice joined);
# runs: count, page, the runs' invoices (client and starter joined).
BILLING_LISTS = [
    ("invoices", "finance", "/api/v1/invoices/", 3),
    ("invoices-as-approver", "client_approver", "/api/v1/invoices/", 3),
    ("invoices-as-director", "director", "/api/v1/invoices/", 3),
    ("invoice-runs", "finance", "/api/v1/invoice-runs/", 3),
    # count, page (invoice and recorder joined)
    ("payments", "finance", "/api/v1/payments/", 2),
    ("payments-as-approver", "client_approver", "/api/v1/payments/", 2),
    ("payments-as-director", "director", "/api/v1/payments/", 2),
]
# How many rows each reader sees: the approver their client's finalised invoices and credit notes only.
BILLING_COUNTS = {"invoices": 3 * ROWS, "invoices-as-approver": 2 * ROWS, "invoices-as-director": 3 * ROWS}


@pytest.mark.parametrize(("name", "role", "path", "queries"), BILLING_LISTS, ids=[x[0] for x in BILLING_LISTS])
@pytest.mark.parametrize("page_size", [10, 100])
def test_a_billing_list_costs_the_same_queries_at_every_page_size(
    ledger: World, django_assert_num_queries: Any, name: str, role: str, path: str, queries: int, page_size: int
) -> None:
    client = api_client_for(ledger.user(role))

    with django_assert_num_queries(queries):
        response = _get(client, path, page_size)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == BILLING_COUNTS.get(name, ROWS)
    assert len(body["results"]) == page_size
    if name.startswith("invoices"):
        assert all(len(row["lines"]) == 2 for row in body["results"])
        if role == "client_approver":
            assert {row["status"] for row in body["results"]} == {"finalised"}
        finalised = [row for row in body["results"] if row["kind"] == "invoice" and row["status"] == "finalised"]
        assert {row["payment"]["amount_paid"] for row in finalised} <= {"100.00"}
    elif name.startswith("payments"):
        assert {row["amount"] for row in body["results"]} == {"100.00"}
    else:
        assert all(len(row["invoice_ids"]) == 1 for row in body["results"])


@pytest.mark.parametrize(("role", "path"), [(role, path) for _, role, path, _ in BILLING_LISTS])
def test_a_billing_page_size_above_the_maximum_is_capped(ledger: World, role: str, path: str) -> None:
    response = _get(api_client_for(ledger.user(role)), path, 1000)

    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == settings.MAX_PAGE_SIZE


def _invoice_with_lines(world: World, count: int) -> Invoice:
    """A finalised invoice of the client with ``count`` lines, the credit note of an invoice (joined)."""
    original = Invoice.objects.bulk_create([_finalised(count, world.client, world.finance)])[0]
    [note] = Invoice.objects.bulk_create(
        [
            _finalised(
                count,
                world.client,
                world.finance,
                kind=InvoiceKind.CREDIT_NOTE,
                credited_invoice=original,
                due_date=None,
                reason="Credited.",
            )
        ]
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=note,
                kind=LineKind.MANUAL,
                position=n,
                description=f"Line {n}",
                quantity=Decimal("-1.00"),
                unit_price=Decimal("10.00"),
                amount=Decimal("-10.00"),
                vat_rate=Decimal("21.00"),
            )
            for n in range(1, count + 1)
        ]
    )
    return note


@pytest.mark.parametrize("role", ["finance", "client_approver"])
def test_an_invoices_payments_cost_the_same_queries_for_10_and_100_rows(
    world: World, django_assert_num_queries: Any, role: str
) -> None:
    """``invoices/{id}/payments/``: get_object (its lines prefetched), the rows (invoice and recorder joined)."""
    client = api_client_for(world.user(role))
    small, large = Invoice.objects.bulk_create(
        [_finalised(1, world.client, world.finance), _finalised(2, world.client, world.finance)]
    )
    Payment.objects.bulk_create(
        [_transfer(small, world.finance, n) for n in range(10)]
        + [_transfer(large, world.finance, n) for n in range(100)]
    )

    with django_assert_num_queries(INVOICE_PAYMENTS_QUERIES):
        small_body = client.get(f"/api/v1/invoices/{small.pk}/payments/").json()
    with django_assert_num_queries(INVOICE_PAYMENTS_QUERIES):
        large_body = client.get(f"/api/v1/invoices/{large.pk}/payments/").json()

    assert (len(small_body), len(large_body)) == (10, 100)
    assert {row["invoice"]["number"] for row in large_body} == {"2026-00002"}


def test_the_internal_journal_costs_the_same_queries_for_10_and_100_settlements(
    world: World, django_assert_num_queries: Any
) -> None:
    """One query for the month's settlements, however many."""
    client = api_client_for(world.finance)
    internal = ClientFactory(kind="internal", vat_treatment="none", cost_centre="CC-1", legal_name="Facilities")
    statements = Invoice.objects.bulk_create(
        [_finalised(n, internal, world.finance, kind=InvoiceKind.INTERNAL) for n in range(1, 111)]
    )

    def settle(invoices: list[Invoice], month: int) -> None:
        Payment.objects.bulk_create(
            [
                Payment(
                    invoice=i,
                    kind=PaymentKind.PAYMENT,
                    method=PaymentMethod.INTERNAL,
                    amount=Decimal("429.55"),
                    date=datetime.date(2026, month, 15),
                    recorded_by=world.finance,
                )
                for i in invoices
            ]
        )

    settle(statements[:10], 4)
    settle(statements[10:], 5)
    with django_assert_num_queries(JOURNAL_QUERIES):
        april = client.get("/api/v1/internal-journal/?month=2026-04")
    with django_assert_num_queries(JOURNAL_QUERIES):
        may = client.get("/api/v1/internal-journal/?month=2026-05")

    assert (
        april.content.decode()
        .splitlines()[1]
        .endswith(",10," + " ".join(i.number for i in statements[:10]) + ",4295.50")
    )
    assert may.content.decode().splitlines()[1].split(",")[3] == "100"


INVOICE_PAYMENTS_QUERIES = 3
JOURNAL_QUERIES = 1
# get_object (client and credited invoice joined), its lines.
INVOICE_DETAIL_QUERIES = 2
# get_object and its lines; the invoice has its PDF already, so nothing is rendered or read again.
INVOICE_PDF_QUERIES = 2


@pytest.mark.parametrize("role", ["finance", "client_approver"])
def test_an_invoice_costs_the_same_queries_for_2_and_100_lines(
    world: World, django_assert_num_queries: Any, role: str
) -> None:
    client = api_client_for(world.user(role))
    small, large = _invoice_with_lines(world, 2), _invoice_with_lines(world, 100)

    with django_assert_num_queries(INVOICE_DETAIL_QUERIES):
        small_body = client.get(f"/api/v1/invoices/{small.pk}/").json()
    with django_assert_num_queries(INVOICE_DETAIL_QUERIES):
        large_body = client.get(f"/api/v1/invoices/{large.pk}/").json()

    assert (len(small_body["lines"]), len(large_body["lines"])) == (2, 100)
    assert large_body["credited_invoice"]["number"] == "2026-00100"


@pytest.mark.parametrize("role", ["finance", "client_approver"])
def test_an_invoice_pdf_costs_the_same_queries_for_2_and_100_lines(
    world: World, django_assert_num_queries: Any, role: str
) -> None:
    """The PDFs are stored (as after commit), so a download reads and serves them, rendering nothing."""
    client = api_client_for(world.user(role))
    small, large = _invoice_with_lines(world, 2), _invoice_with_lines(world, 100)
    assert invoices_pdf_render(invoice_ids=[small.pk, large.pk]) == 2

    with django_assert_num_queries(INVOICE_PDF_QUERIES):
        small_pdf = client.get(f"/api/v1/invoices/{small.pk}/pdf/")
    with django_assert_num_queries(INVOICE_PDF_QUERIES):
        large_pdf = client.get(f"/api/v1/invoices/{large.pk}/pdf/")

    for response, invoice in ((small_pdf, small), (large_pdf, large)):
        assert response.status_code == 200
        assert response["X-Content-SHA256"] == Invoice.objects.get(pk=invoice.pk).pdf_sha256
        assert b"".join(response.streaming_content).startswith(b"%PDF")


# ---------------------------------------------------------------- the directors' dashboard

# The pools a team manager sees; then the overview's own reads, each once (billing.selectors.reports.context): the
# monthly revenue rollup, approved sheets, draft lines, pools, leave, secretaries, placements, rates, and for the
# whole secretariat the receivables (two queries). A team manager's has no receivables and no costs (which read
# nothing more). The tables with a row per client, secretary or placement are read one at a time (below).
DASHBOARD_QUERIES = {"director": 10, "team_manager": 9}


def _dashboard_world(world: World, count: int) -> None:
    """``count`` secretaries in the manager's pool, each placed with hours in June (approved), and ``count``
    finalised invoices with two lines each, half of them paid."""
    secretaries = _secretaries(world.pool, count, prefix=f"dash{count}-")
    _placements(secretaries, world.client, world.manager, datetime.date(2026, 6, 1))
    _leave(secretaries, datetime.date(2026, 6, 17))
    placements = list(Placement.objects.filter(secretary__in=secretaries))
    _timesheets(placements, [datetime.date(2026, 6, 1), datetime.date(2026, 6, 2)], TimesheetStatus.APPROVED)
    timesheets_totals_refresh(timesheet_ids=list(Timesheet.objects.values_list("pk", flat=True)))
    invoices = [_finalised(n, world.client, world.finance) for n in range(1, count + 1)]
    Invoice.objects.bulk_create(invoices)
    _two_lines(invoices)
    revenue_facts_rebuild()
    Receivable.objects.bulk_create(
        [
            Receivable(
                invoice=invoice,
                due_date=invoice.due_date,
                amount_due=invoice.total,
                amount_paid=invoice.total if n % 2 else Decimal("0.00"),
                status=PaymentStatus.PAID if n % 2 else PaymentStatus.OPEN,
                paid_on=datetime.date(2026, 6, 10) if n % 2 else None,
            )
            for n, invoice in enumerate(invoices)
        ]
    )


@pytest.mark.parametrize("role", ["director", "team_manager"])
@pytest.mark.parametrize("count", [10, 100])
def test_the_dashboard_costs_the_same_queries_whatever_the_data_size(
    world: World, django_assert_num_queries: Any, role: str, count: int
) -> None:
    _dashboard_world(world, count)
    client = api_client_for(world.user(role))

    with django_assert_num_queries(DASHBOARD_QUERIES[role]):
        response = client.get("/api/v1/dashboard/?start=2026-01&end=2026-06")

    assert response.status_code == 200, response.content
    tables = {t["name"]: t for t in response.json()["tables"]}
    june = tables["revenue_by_month"]["rows"][-1]
    assert june["month"] == "2026-06"
    assert june["earned_not_invoiced_hours"] == f"{count * Decimal('0.50'):.2f}"
    in_scope = Secretary.objects.all() if role == "director" else Secretary.objects.filter(pool=world.pool)
    assert sum(r["secretaries"] for r in tables["utilisation_by_pool"]["rows"]) == in_scope.count() >= count
    assert response.json()["more_tables"] == DASHBOARD_MORE_TABLES[role]
    if role == "director":
        assert june["revenue"] == f"{count * Decimal('355.00'):.2f}"
        assert tables["receivables_aging"]["rows"][0]["invoices"] == count // 2


# One table the overview only names (GET /dashboard/table/): the pools a team manager sees, then that table's own
# reads, each once. The pipeline: sheets not invoiced, placements, draft lines, hours billed per invoice and its
# receivable, clients. Utilisation by secretary: leave, secretaries, placements, hours billed, pools.
DASHBOARD_TABLE_QUERIES = {
    ("director", "pipeline"): 6,
    ("director", "utilisation_by_secretary"): 5,
    ("team_manager", "pipeline"): 7,
    ("team_manager", "utilisation_by_secretary"): 6,
}
DASHBOARD_MORE_TABLES = {
    "director": [
        "revenue_by_client",
        "revenue_by_secretary",
        "utilisation_by_secretary",
        "placement_margins",
        "pipeline",
    ],
    "team_manager": ["revenue_by_client", "revenue_by_secretary", "utilisation_by_secretary", "pipeline"],
}


@pytest.mark.parametrize("table", ["pipeline", "utilisation_by_secretary"])
@pytest.mark.parametrize("role", ["director", "team_manager"])
@pytest.mark.parametrize("count", [10, 100])
def test_one_dashboard_table_costs_the_same_queries_whatever_the_data_size(
    world: World, django_assert_num_queries: Any, role: str, count: int, table: str
) -> None:
    _dashboard_world(world, count)
    client = api_client_for(world.user(role))

    with django_assert_num_queries(DASHBOARD_TABLE_QUERIES[role, table]):
        response = client.get(f"/api/v1/dashboard/table/?start=2026-01&end=2026-06&table={table}")

    assert response.status_code == 200, response.content
    rows = response.json()["table"]["rows"]
    if table == "utilisation_by_secretary":
        in_scope = Secretary.objects.all() if role == "director" else Secretary.objects.filter(pool=world.pool)
        assert len(rows) == in_scope.count() >= count
    else:  # every approved June sheet is the world's client's: 0.50 h each, none invoiced
        (acme,) = [r for r in rows if r["client_id"] == world.client.pk]
        assert acme["approved_hours"] == f"{count * Decimal('0.50'):.2f}"
        assert acme["invoiced_unpaid_hours"] == acme["paid_hours"] == "0.00"
