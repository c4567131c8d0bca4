"""GET /api/v1/dashboard/, /dashboard/table/ and /dashboard/export/: the directors' dashboard over HTTP.

The figures themselves are tested in tests/billing/selectors/reports/; here: the body's
shape (the overview, and the names of the tables read one at a time), who sees which tables
for which pools, one table read alone, the default period and the downloads.
"""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from backend.core.tables import table_json
from billing.selectors.reports.context import report_scope_for
from billing.selectors.reports.dashboard import report_table
from billing.services.runs import invoice_run_start
from secondments.models import TimesheetStatus
from tests.billing.conftest import MAY, approved_sheet, issued_on
from tests.conftest import TODAY, World

OVERVIEW = [
    "revenue_by_month",
    "revenue_by_pool",
    "utilisation_by_pool",
    "free_capacity",
    "cost_recovery",
    "forward_revenue",
    "receivables_aging",
]
MORE = ["revenue_by_client", "revenue_by_secretary", "utilisation_by_secretary", "placement_margins", "pipeline"]
OVERVIEW_NO_COSTS_NO_RECEIVABLES = [
    "revenue_by_month",
    "revenue_by_pool",
    "utilisation_by_pool",
    "free_capacity",
    "forward_revenue",
]
MORE_NO_COSTS = ["revenue_by_client", "revenue_by_secretary", "utilisation_by_secretary", "pipeline"]
# The table endpoint's refusal names what the user may read, in the registry's order.
TM_TABLES = (
    "revenue_by_month, revenue_by_pool, utilisation_by_pool, free_capacity, forward_revenue, "
    "revenue_by_client, revenue_by_secretary, utilisation_by_secretary, pipeline"
)
ONE_POOL_TABLES = (
    "revenue_by_month, revenue_by_pool, utilisation_by_pool, free_capacity, cost_recovery, forward_revenue, "
    "revenue_by_client, revenue_by_secretary, utilisation_by_secretary, placement_margins, pipeline"
)
END_BEFORE_START = "The period ends before it starts: choose an end month on or after the start month."
TOO_LONG = "A report covers at most 36 months; choose a shorter period."
PIPELINE_ZEROS = {
    f"{stage}_{unit}": "0.00"
    for stage in ("not_submitted", "submitted", "approved", "invoiced_unpaid", "paid")
    for unit in ("hours", "amount")
}


def _may_invoiced(world: World) -> None:
    """20 h in May at 55.00 on the world's placement, and 10 h on the other pool's, invoiced on 3 June."""
    approved_sheet(world.placement, MAY, world.approver)
    approved_sheet(world.other_placement, {datetime.date(2026, 5, d): "5.00" for d in (11, 12)}, world.other_approver)
    with issued_on(datetime.date(2026, 6, 3)):
        invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)


def _tables(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in body["tables"]}


def _table(client: Any, query: str) -> dict[str, Any]:
    """GET /dashboard/table/ with ``query``: the body, after a 200."""
    response = client.get(f"/api/v1/dashboard/table/?{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _refusal(message: str, field: str) -> dict[str, Any]:
    return {"message": message, "extra": {"fields": {field: [message]}}}


def test_a_director_sees_the_overview_of_the_whole_secretariat(world: World, api: Any) -> None:
    _may_invoiced(world)

    response = api("director").get("/api/v1/dashboard/?start=2026-04&end=2026-06")

    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["period", "pool_ids", "figures", "tables", "more_tables"]
    assert body["period"] == {"start": "2026-04", "end": "2026-06", "as_of": "2026-06-15"}
    assert body["pool_ids"] is None
    tables = _tables(body)
    assert list(tables) == OVERVIEW
    assert body["more_tables"] == MORE
    assert [r["month"] for r in tables["revenue_by_month"]["rows"]] == ["2026-04", "2026-05", "2026-06"]
    june = tables["revenue_by_month"]["rows"][2]
    # 20 h x 55.00 + 10 h at the other placement's rate, issued in June; amounts travel as strings.
    other = sum(Decimal(r["revenue"]) for r in tables["revenue_by_pool"]["rows"] if r["pool"] == "Back office")
    assert june["revenue"] == f"{Decimal('1100.00') + other:.2f}" and other > 0
    assert june["hours_billed"] == "30.00"
    assert body["figures"]["revenue"] == june["revenue"]
    assert tables["revenue_by_month"]["columns"][0] == {"key": "month", "label": "Month", "kind": "month"}
    assert [r["bucket"] for r in tables["receivables_aging"]["rows"]] == [
        "Not due",
        "1-30 days",
        "31-60 days",
        "61-90 days",
        "Over 90 days",
    ]
    assert set(body["figures"]) >= {"revenue", "cost_recovery", "dso_days", "receivables_outstanding"}


def test_the_default_period_is_the_twelve_months_up_to_this_one(world: World, api: Any) -> None:
    body = api("finance").get("/api/v1/dashboard/").json()

    assert body["period"] == {"start": "2025-07", "end": "2026-06", "as_of": "2026-06-15"}
    assert len(_tables(body)["revenue_by_month"]["rows"]) == 12
    table = _table(api("finance"), "table=revenue_by_client")
    assert table["period"] == body["period"]


def test_a_team_manager_sees_only_their_pools_without_costs_or_receivables(world: World, api: Any) -> None:
    _may_invoiced(world)
    client = api("team_manager")

    body = client.get("/api/v1/dashboard/?start=2026-05&end=2026-06").json()

    assert body["pool_ids"] == [world.pool.pk]
    tables = _tables(body)
    assert list(tables) == OVERVIEW_NO_COSTS_NO_RECEIVABLES
    assert body["more_tables"] == MORE_NO_COSTS
    assert [r["pool"] for r in tables["revenue_by_pool"]["rows"]] == ["Front office"]
    assert tables["revenue_by_month"]["rows"][1]["revenue"] == "1100.00"  # the other pool's hours are not here
    by_secretary = _table(client, "start=2026-05&end=2026-06&table=utilisation_by_secretary")
    assert by_secretary["pool_ids"] == [world.pool.pk]
    assert {r["secretary_id"] for r in by_secretary["table"]["rows"]} == {world.secretary.pk}
    assert "cost_recovery" not in body["figures"] and "dso_days" not in body["figures"]
    more = [_table(client, f"start=2026-05&end=2026-06&table={name}") for name in body["more_tables"]]
    for text in (str(body), *map(str, more)):
        assert "hourly_cost" not in text and "personnel_cost" not in text and "margin" not in text


def test_a_director_narrows_to_one_pool_and_loses_the_receivables(world: World, api: Any) -> None:
    _may_invoiced(world)
    query = f"start=2026-05&end=2026-06&pool_id={world.other_pool.pk}"

    body = api("director").get(f"/api/v1/dashboard/?{query}").json()

    assert body["pool_ids"] == [world.other_pool.pk]
    tables = _tables(body)
    assert list(tables) == [t for t in OVERVIEW if t != "receivables_aging"]
    assert body["more_tables"] == MORE
    assert [r["pool"] for r in tables["revenue_by_pool"]["rows"]] == ["Back office"]
    by_secretary = _table(api("director"), f"{query}&table=utilisation_by_secretary")
    assert by_secretary["pool_ids"] == [world.other_pool.pk]
    assert {r["secretary_id"] for r in by_secretary["table"]["rows"]} == {world.other_secretary.pk}


def test_secretaries_approvers_and_strangers_are_refused_and_nothing_is_read(
    world: World, api: Any, django_assert_num_queries: Any
) -> None:
    denied = {"message": "Your role does not allow this action.", "extra": {"fields": {}}}
    anonymous = {"message": "Authentication credentials were not provided.", "extra": {"fields": {}}}
    for role, code, error in (
        ("secretary", 403, denied),
        ("client_approver", 403, denied),
        ("anonymous", 403, anonymous),
    ):
        for path in (
            "/api/v1/dashboard/",
            "/api/v1/dashboard/table/?table=pipeline",
            "/api/v1/dashboard/table/?table=revenue_by_month",
            "/api/v1/dashboard/export/?table=pipeline&file_format=csv",
        ):
            client = api(role)
            with django_assert_num_queries(0):  # force-authenticated: refused before any read
                response = client.get(path)
            assert (response.status_code, response.json()) == (code, error), path


def test_the_pipeline_counts_the_world_placements_approved_hours(world: World, api: Any) -> None:
    approved_sheet(world.placement, MAY, world.approver)

    body = _table(api("director"), "start=2026-05&end=2026-05&table=pipeline")

    assert body["table"]["name"] == "pipeline"
    (row,) = [r for r in body["table"]["rows"] if r["client_id"] == world.client.pk]
    assert (row["approved_hours"], row["approved_amount"], row["paid_hours"]) == ("20.00", "1100.00", "0.00")
    assert world.placement.timesheets.get().status == TimesheetStatus.APPROVED


# --- one table: GET /dashboard/table/ -----------------------------------------------------------------------------


def test_a_director_reads_a_table_the_overview_only_names(world: World, api: Any) -> None:
    _may_invoiced(world)
    client = api("director")
    scope = report_scope_for(user=world.director, start=(2026, 5), end=(2026, 6), today=TODAY)
    acme = {"client_id": world.client.pk, "client": "Acme B.V.", "client_kind": "tenant"}
    globex = {"client_id": world.other_client.pk, "client": "Globex B.V.", "client_kind": "tenant"}

    for name, rows in (
        (
            "revenue_by_client",
            [
                acme | {"hours": "20.00", "invoiced": "1100.00", "credited": "0.00", "revenue": "1100.00"},
                globex | {"hours": "10.00", "invoiced": "550.00", "credited": "0.00", "revenue": "550.00"},
            ],
        ),
        (
            "pipeline",
            [
                acme | PIPELINE_ZEROS | {"invoiced_unpaid_hours": "20.00", "invoiced_unpaid_amount": "1100.00"},
                globex | PIPELINE_ZEROS | {"invoiced_unpaid_hours": "10.00", "invoiced_unpaid_amount": "550.00"},
            ],
        ),
    ):
        body = _table(client, f"start=2026-05&end=2026-06&table={name}")

        # exactly what report_table gives, with the period and the pools
        assert body == {
            "period": {"start": "2026-05", "end": "2026-06", "as_of": "2026-06-15"},
            "pool_ids": None,
            "table": table_json(table=report_table(scope=scope, name=name)),
        }
        assert body["table"]["rows"] == rows
        # and exactly what the export downloads
        export = client.get(f"/api/v1/dashboard/export/?start=2026-05&end=2026-06&table={name}&file_format=csv")
        assert export.status_code == 200
        columns = [c["key"] for c in body["table"]["columns"]]
        assert list(csv.reader(io.StringIO(export.content.decode()))) == [
            columns,
            *[["" if row[key] is None else str(row[key]) for key in columns] for row in rows],
        ]


@pytest.mark.parametrize(
    ("role", "pool", "overview", "more"),
    [
        ("director", None, OVERVIEW, MORE),
        ("finance", None, OVERVIEW, MORE),
        ("director", "other", [t for t in OVERVIEW if t != "receivables_aging"], MORE),
        ("team_manager", None, OVERVIEW_NO_COSTS_NO_RECEIVABLES, MORE_NO_COSTS),
        ("team_manager", "mine", OVERVIEW_NO_COSTS_NO_RECEIVABLES, MORE_NO_COSTS),
    ],
)
def test_each_table_a_user_may_see_reads_alone_as_the_overview_shows_it(
    world: World, api: Any, role: str, pool: str | None, overview: list[str], more: list[str]
) -> None:
    _may_invoiced(world)
    client = api(role)
    pool_id = {"mine": world.pool.pk, "other": world.other_pool.pk}.get(pool or "")
    query = "start=2026-05&end=2026-06" + (f"&pool_id={pool_id}" if pool_id else "")

    body = client.get(f"/api/v1/dashboard/?{query}").json()

    assert [t["name"] for t in body["tables"]] == overview
    assert body["more_tables"] == more
    for table in body["tables"]:  # the overview's tables, read alone: the same table
        alone = _table(client, f"{query}&table={table['name']}")
        assert alone == {"period": body["period"], "pool_ids": body["pool_ids"], "table": table}
    for name in more:  # the others: each readable, for the same period and pools
        alone = _table(client, f"{query}&table={name}")
        assert (alone["period"], alone["pool_ids"], alone["table"]["name"]) == (body["period"], body["pool_ids"], name)


def test_a_team_manager_is_refused_costs_and_receivables_and_reads_nothing_else(world: World, api: Any) -> None:
    _may_invoiced(world)

    for name in ("placement_margins", "cost_recovery", "receivables_aging", "salaries"):
        response = api("team_manager").get(f"/api/v1/dashboard/table/?start=2026-05&end=2026-06&table={name}")

        message = f"No table {name!r} here; choose one of: {TM_TABLES}."
        assert (response.status_code, response.json()) == (400, _refusal(message, "table"))


def test_a_director_of_one_pool_is_refused_the_receivables(world: World, api: Any) -> None:
    response = api("director").get(f"/api/v1/dashboard/table/?table=receivables_aging&pool_id={world.pool.pk}")

    message = f"No table 'receivables_aging' here; choose one of: {ONE_POOL_TABLES}."
    assert (response.status_code, response.json()) == (400, _refusal(message, "table"))


def test_the_table_is_required(world: World, api: Any) -> None:
    response = api("director").get("/api/v1/dashboard/table/?start=2026-05")

    assert (response.status_code, response.json()) == (
        400,
        {"message": "Validation failed.", "extra": {"fields": {"table": ["This field is required."]}}},
    )


VALIDATION = "Validation failed."


@pytest.mark.parametrize(
    ("role", "query", "field", "error", "message"),
    [
        # another manager's pool is not one of a team manager's: as if it did not exist
        ("team_manager", "pool_id={other}", "pool_id", 'Invalid pk "{other}" - object does not exist.', VALIDATION),
        ("director", "pool_id=999999", "pool_id", 'Invalid pk "999999" - object does not exist.', VALIDATION),
        ("director", "pool_id=front", "pool_id", "Incorrect type. Expected pk value, received str.", VALIDATION),
        ("finance", "start=2026-1", "start", "A month such as 2026-01.", VALIDATION),
        ("director", "end=2026-13", "end", "'2026-13' is not a month such as 2026-10.", None),
        ("director", "start=2026-06&end=2026-01", "end", END_BEFORE_START, None),
        ("team_manager", "start=2023-01&end=2026-01", "start", TOO_LONG, None),
    ],
)
def test_the_table_refuses_a_pool_or_period_as_the_overview_does(
    world: World, api: Any, role: str, query: str, field: str, error: str, message: str | None
) -> None:
    query, error = (text.replace("{other}", str(world.other_pool.pk)) for text in (query, error))
    client = api(role)

    overview = client.get(f"/api/v1/dashboard/?{query}")
    table = client.get(f"/api/v1/dashboard/table/?{query}&table=revenue_by_client")

    assert (overview.status_code, table.status_code) == (400, 400)
    assert table.json() == overview.json() == {"message": message or error, "extra": {"fields": {field: [error]}}}


def test_a_table_downloads_as_csv(world: World, api: Any) -> None:
    _may_invoiced(world)

    response = api("finance").get(
        "/api/v1/dashboard/export/?start=2026-05&end=2026-06&table=revenue_by_month&file_format=csv"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="revenue_by_month_2026-05_2026-06.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == ["month", "tenants", "internal", "other", "credit_notes", "revenue"]
    assert rows[1][0] == "2026-05" and rows[1][5] == "0.00"
    assert rows[2][0] == "2026-06" and Decimal(rows[2][5]) > Decimal("1100.00")
    assert len(rows) == 3


def test_a_table_downloads_as_xlsx(world: World, api: Any) -> None:
    _may_invoiced(world)

    response = api("team_manager").get(
        "/api/v1/dashboard/export/?start=2026-05&end=2026-06&table=revenue_by_pool&file_format=xlsx"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="revenue_by_pool_2026-05_2026-06.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Pool id", "Pool", "Hours billed", "Invoiced", "Credited", "Revenue"]
    assert values[1][1] == "Front office" and Decimal(str(values[1][5])) == Decimal("1100.00")
    assert len(values) == 2
