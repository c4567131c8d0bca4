"""GET /api/v1/dashboard/ and /dashboard/export/: the directors' dashboard over HTTP.

The figures themselves are tested in tests/billing/selectors/reports/; here: the body's
shape, who sees which tables for which pools, the default period and the downloads.
"""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl

from billing.services.runs import invoice_run_start
from secondments.models import TimesheetStatus
from tests.billing.conftest import MAY, approved_sheet, issued_on
from tests.conftest import World

ALL_TABLES = [
    "revenue_by_month",
    "revenue_by_client",
    "revenue_by_secretary",
    "revenue_by_pool",
    "utilisation_by_secretary",
    "utilisation_by_pool",
    "free_capacity",
    "cost_recovery",
    "placement_margins",
    "forward_revenue",
    "pipeline",
    "receivables_aging",
]
NO_COSTS_NO_RECEIVABLES = [
    t for t in ALL_TABLES if t not in {"cost_recovery", "placement_margins", "receivables_aging"}
]


def _may_invoiced(world: World) -> None:
    """20 h in May at 55.00 on the world's placement, and 10 h on the other pool's, invoiced on 3 June."""
    approved_sheet(world.placement, MAY, world.approver)
    approved_sheet(world.other_placement, {datetime.date(2026, 5, d): "5.00" for d in (11, 12)}, world.other_approver)
    with issued_on(datetime.date(2026, 6, 3)):
        invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)


def _tables(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in body["tables"]}


def test_a_director_sees_every_table_of_the_whole_secretariat(world: World, api: Any) -> None:
    _may_invoiced(world)

    response = api("director").get("/api/v1/dashboard/?start=2026-04&end=2026-06")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"start": "2026-04", "end": "2026-06", "as_of": "2026-06-15"}
    assert body["pool_ids"] is None
    tables = _tables(body)
    assert list(tables) == ALL_TABLES
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


def test_a_team_manager_sees_only_their_pools_without_costs_or_receivables(world: World, api: Any) -> None:
    _may_invoiced(world)

    body = api("team_manager").get("/api/v1/dashboard/?start=2026-05&end=2026-06").json()

    assert body["pool_ids"] == [world.pool.pk]
    tables = _tables(body)
    assert list(tables) == NO_COSTS_NO_RECEIVABLES
    assert [r["pool"] for r in tables["revenue_by_pool"]["rows"]] == ["Front office"]
    assert tables["revenue_by_month"]["rows"][1]["revenue"] == "1100.00"  # the other pool's hours are not here
    assert {r["secretary_id"] for r in tables["utilisation_by_secretary"]["rows"]} == {world.secretary.pk}
    assert "cost_recovery" not in body["figures"] and "dso_days" not in body["figures"]
    text = str(body)
    assert "hourly_cost" not in text and "personnel_cost" not in text


def test_a_director_narrows_to_one_pool_and_loses_the_receivables(world: World, api: Any) -> None:
    _may_invoiced(world)

    body = api("director").get(f"/api/v1/dashboard/?start=2026-05&end=2026-06&pool_id={world.other_pool.pk}").json()

    assert body["pool_ids"] == [world.other_pool.pk]
    tables = _tables(body)
    assert "receivables_aging" not in tables and "cost_recovery" in tables
    assert [r["pool"] for r in tables["revenue_by_pool"]["rows"]] == ["Back office"]
    assert {r["secretary_id"] for r in tables["utilisation_by_secretary"]["rows"]} == {world.other_secretary.pk}


def test_secretaries_approvers_and_strangers_are_refused_and_nothing_is_read(world: World, api: Any) -> None:
    for role, code in (("secretary", 403), ("client_approver", 403), ("anonymous", 403)):
        assert api(role).get("/api/v1/dashboard/").status_code == code
        assert api(role).get("/api/v1/dashboard/export/?table=pipeline&file_format=csv").status_code == code


def test_the_pipeline_counts_the_world_placements_approved_hours(world: World, api: Any) -> None:
    approved_sheet(world.placement, MAY, world.approver)

    body = api("director").get("/api/v1/dashboard/?start=2026-05&end=2026-05").json()

    (row,) = [r for r in _tables(body)["pipeline"]["rows"] if r["client_id"] == world.client.pk]
    assert (row["approved_hours"], row["approved_amount"], row["paid_hours"]) == ("20.00", "1100.00", "0.00")
    assert world.placement.timesheets.get().status == TimesheetStatus.APPROVED


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
