"""The work side of the reports (billing/selectors/reports/work.py): utilisation, free capacity, cost
recovery, placement margins and the pipeline.

The clock is pinned to Monday 2026-06-15 (ISO week 2026-W25); the period is January to June 2026
(129 working days) unless a test says otherwise. ``staff``:

- Sanne (Front office; 36 h contract, 16 h base, 42.50 an hour to employ): at Acme 8 h a week from
  5 Jan (127 working days in the period) at 55.00, 58.00 from 1 June, 60.00 from 1 July; at Globex
  4 h a week from 2 Feb to 27 Mar, ended (40 working days) at 50.00; a draft (2 h from 6 Apr) and a
  cancelled placement, which place nothing. Leave 2025-12-29..2026-01-01, 2..6 and 4..10 March
  (overlapping) and 17..19 June: 1 + 7 + 3 = 11 working days in the period.
  Hours: 2 h on 16 March at Globex (invoiced 1 April), 5 h in April at Acme (invoiced 4 May, 1 h
  credited 20 May), 20 h in May (on a draft), 1.5 h on 1 June (open).
- Carla (Front office; 32 h contract, 8 h base, 30.00) employed from Wednesday 15 April (55 working
  days in the period); at Globex 10 h a week from Wednesday 1 July.
- Frits (Front office), employed until 2025-12-31 and inactive: in no row.
- Bram (Back office; as Sanne) at Globex 8 h a week from 5 Jan; his employment and placement end on
  Wednesday 22 July.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest

from backend.core.tables import Table
from billing.models import Invoice
from billing.selectors.reports.context import ReportContext, report_scope
from billing.selectors.reports.work import (
    cost_recovery,
    free_capacity,
    pipeline,
    placement_margins,
    utilisation_by_pool,
    utilisation_by_secretary,
)
from billing.services.invoices import CreditRequest, credit_note_create
from billing.services.payments import payment_record
from billing.services.runs import invoice_run_start
from secondments.models import Client, Placement, PlacementStatus, Secretary
from secondments.services.placements import placement_change_rate
from secondments.services.timesheets import Cell, timesheet_reject, timesheet_submit, week_grid_save
from tests.billing.conftest import APRIL, MAY, approved_sheet, issued_on
from tests.conftest import TODAY, World
from tests.factories import LeaveFactory, PlacementFactory, SecretaryFactory

pytestmark = pytest.mark.django_db

D = datetime.date
Z = Decimal("0.00")


def context(
    world: World,
    *,
    start: tuple[int, int] = (2026, 1),
    end: tuple[int, int] = (2026, 6),
    pools: list[Any] | None = None,
    with_costs: bool = True,
) -> ReportContext:
    pool_ids = None if pools is None else frozenset(p.pk for p in pools)
    return ReportContext(report_scope(start=start, end=end, today=TODAY, pool_ids=pool_ids, with_costs=with_costs))


def rows(table: Table) -> list[dict[str, object]]:
    keys = [c.key for c in table.columns]
    return [{k: row[k] for k in keys} for row in table.rows]


def dec(**values: str | None) -> dict[str, Decimal | None]:
    return {k: None if v is None else Decimal(v) for k, v in values.items()}


def run(world: World, month: tuple[int, int], on: datetime.date, client: Client | None = None) -> list[Invoice]:
    with issued_on(on):
        made = invoice_run_start(
            actor=world.finance, year=month[0], month=month[1], client=client, finalize=True, email=False
        )
    return list(made.invoices.order_by("pk"))


def log(placement: Placement, hours: dict[datetime.date, str]) -> None:
    cells = [Cell(placement=placement, date=d, hours=Decimal(h)) for d, h in hours.items()]
    week_grid_save(actor=placement.secretary.user, secretary=placement.secretary, cells=cells)


@dataclass
class Staff:
    carla: Secretary
    frits: Secretary
    ended: Placement
    carla_placement: Placement


@pytest.fixture
def staff(world: World) -> Staff:
    sanne, bram = world.secretary, world.other_secretary
    bram.user.full_name = "Bram Backoffice"
    bram.user.save()
    bram.employment_end = D(2026, 7, 22)
    bram.save()
    world.other_placement.end_date = D(2026, 7, 22)
    world.other_placement.save()
    carla = cast(
        Secretary,
        SecretaryFactory(
            pool=world.pool,
            user__full_name="Carla Nieuw",
            contract_hours=Decimal("32.00"),
            base_workload_hours=Decimal("8.00"),
            hourly_employer_cost=Decimal("30.00"),
            employment_start=D(2026, 4, 15),
        ),
    )
    frits = cast(
        Secretary,
        SecretaryFactory(
            pool=world.pool, user__full_name="Frits Vroeger", employment_end=D(2025, 12, 31), active=False
        ),
    )
    for start, end in (
        (D(2025, 12, 29), D(2026, 1, 1)),
        (D(2026, 3, 2), D(2026, 3, 6)),
        (D(2026, 3, 4), D(2026, 3, 10)),
        (D(2026, 6, 17), D(2026, 6, 19)),
    ):
        LeaveFactory(secretary=sanne, start_date=start, end_date=end)
    globex = world.other_client
    globex.approvers.add(world.approver)
    ended = cast(
        Placement,
        PlacementFactory(
            secretary=sanne,
            client=globex,
            start_date=D(2026, 2, 2),
            end_date=D(2026, 3, 27),
            hours_per_week=Decimal("4.00"),
            rate=Decimal("50.00"),
        ),
    )
    PlacementFactory(secretary=sanne, client=world.client, start_date=D(2026, 4, 6), hours_per_week=2, status="draft")
    PlacementFactory(
        secretary=sanne, client=globex, start_date=D(2026, 3, 2), hours_per_week=4, status=PlacementStatus.CANCELLED
    )
    carla_placement = cast(
        Placement,
        PlacementFactory(secretary=carla, client=globex, start_date=D(2026, 7, 1), hours_per_week=Decimal("10.00")),
    )
    for valid_from, rate in ((D(2026, 6, 1), "58.00"), (D(2026, 7, 1), "60.00")):
        placement_change_rate(
            placement=world.placement, actor=world.manager, valid_from=valid_from, hourly_rate=Decimal(rate)
        )

    approved_sheet(ended, {D(2026, 3, 16): "2.00"}, world.approver)
    ended.status = PlacementStatus.ENDED
    ended.save()
    run(world, (2026, 3), D(2026, 4, 1))
    approved_sheet(world.placement, APRIL, world.approver)
    [april] = run(world, (2026, 4), D(2026, 5, 4))
    with issued_on(D(2026, 5, 20)):
        credit_note_create(
            invoice=april,
            actor=world.finance,
            reason="One hour too many",
            lines=[CreditRequest(line=april.lines.get(), quantity=Decimal("1.00"))],
            email=False,
        )
    approved_sheet(world.placement, MAY, world.approver)
    invoice_run_start(actor=world.finance, year=2026, month=5, email=False)  # a draft
    log(world.placement, {D(2026, 6, 1): "1.50"})
    return Staff(carla=carla, frits=frits, ended=ended, carla_placement=carla_placement)


# --- utilisation ------------------------------------------------------------------------------------------------------


def test_utilisation_by_secretary(world: World, staff: Staff) -> None:
    table = utilisation_by_secretary(context=context(world))

    assert rows(table) == [
        {"secretary_id": world.other_secretary.pk, "secretary": "Bram Backoffice", "pool": "Back office"}
        # 20 x 129 / 5; 8 x 127 / 5
        | dec(
            available_hours="516.00",
            placed_hours="203.20",
            billed_hours="0.00",
            placed_utilisation="0.3938",
            billed_utilisation="0.0000",
        ),
        {"secretary_id": staff.carla.pk, "secretary": "Carla Nieuw", "pool": "Front office"}
        # 24 x 55 / 5; her placement starts after the period
        | dec(
            available_hours="264.00",
            placed_hours="0.00",
            billed_hours="0.00",
            placed_utilisation="0.0000",
            billed_utilisation="0.0000",
        ),
        {"secretary_id": world.secretary.pk, "secretary": "Sanne Secretaris", "pool": "Front office"}
        # 20 x (129 - 11) / 5; 8 x 127 / 5 + 4 x 40 / 5; billed 2 + 5 - 1
        | dec(
            available_hours="472.00",
            placed_hours="235.20",
            billed_hours="6.00",
            placed_utilisation="0.4983",
            billed_utilisation="0.0127",
        ),
    ]


def test_utilisation_by_pool_adds_up_its_secretaries(world: World, staff: Staff) -> None:
    table = utilisation_by_pool(context=context(world))

    assert rows(table) == [
        {"pool_id": world.other_pool.pk, "pool": "Back office", "secretaries": 1}
        | dec(
            available_hours="516.00",
            placed_hours="203.20",
            billed_hours="0.00",
            placed_utilisation="0.3938",
            billed_utilisation="0.0000",
        ),
        {"pool_id": world.pool.pk, "pool": "Front office", "secretaries": 2}
        | dec(
            available_hours="736.00",
            placed_hours="235.20",
            billed_hours="6.00",
            placed_utilisation="0.3196",
            billed_utilisation="0.0082",
        ),
    ]


def test_utilisation_of_one_pool_and_one_month(world: World, staff: Staff) -> None:
    ctx = context(world, start=(2026, 6), end=(2026, 6), pools=[world.pool])

    # June: 22 working days. Sanne: 20 x (22 - 3) / 5 = 76, 8 x 22 / 5 = 35.2, 1.5 h logged, nothing billed.
    # Carla: 24 x 22 / 5 = 105.6.
    assert rows(utilisation_by_secretary(context=ctx)) == [
        {"secretary_id": staff.carla.pk, "secretary": "Carla Nieuw", "pool": "Front office"}
        | dec(
            available_hours="105.60",
            placed_hours="0.00",
            billed_hours="0.00",
            placed_utilisation="0.0000",
            billed_utilisation="0.0000",
        ),
        {"secretary_id": world.secretary.pk, "secretary": "Sanne Secretaris", "pool": "Front office"}
        | dec(
            available_hours="76.00",
            placed_hours="35.20",
            billed_hours="0.00",
            placed_utilisation="0.4632",
            billed_utilisation="0.0000",
        ),
    ]
    assert [(r["pool"], r["secretaries"], r["available_hours"]) for r in utilisation_by_pool(context=ctx).rows] == [
        ("Front office", 2, Decimal("181.60"))
    ]


def test_overlapping_leave_counts_each_working_day_once(world: World) -> None:
    for start, end in ((D(2026, 3, 2), D(2026, 3, 13)), (D(2026, 3, 4), D(2026, 3, 6)), (D(2026, 3, 9), D(2026, 3, 9))):
        LeaveFactory(secretary=world.secretary, start_date=start, end_date=end)

    [sanne] = [
        r
        for r in utilisation_by_secretary(context=context(world, start=(2026, 3), end=(2026, 3))).rows
        if r["secretary_id"] == world.secretary.pk
    ]

    # March 2026: 22 working days, 10 of them on leave: 20 x 12 / 5
    assert sanne["available_hours"] == Decimal("48.00")


def test_no_available_hours_gives_no_ratio(world: World) -> None:
    LeaveFactory(secretary=world.secretary, start_date=D(2026, 2, 1), end_date=D(2026, 2, 28))

    [sanne] = [
        r
        for r in utilisation_by_secretary(context=context(world, start=(2026, 2), end=(2026, 2))).rows
        if r["secretary_id"] == world.secretary.pk
    ]

    assert (sanne["available_hours"], sanne["placed_hours"], sanne["placed_utilisation"]) == (
        Z,
        Decimal("32.00"),
        None,
    )


# --- free capacity ----------------------------------------------------------------------------------------------------


def test_free_capacity_for_the_next_eight_weeks_per_pool(world: World, staff: Staff) -> None:
    table = free_capacity(context=context(world))

    def week(n: int, pool: Any, available: str, leave: str, placed: str, free: str) -> dict[str, object]:
        return {"week": f"2026-W{n:02d}", "pool_id": pool.pk, "pool": pool.name} | dec(
            available_hours=available, leave_hours=leave, placed_hours=placed, free_hours=free
        )

    back, front = world.other_pool, world.pool
    assert rows(table) == [
        week(25, back, "20", "0", "8", "12"),
        week(25, front, "44", "12", "10", "22"),  # Sanne on leave Wed-Fri; her draft places 2 h
        week(26, back, "20", "0", "8", "12"),
        week(26, front, "44", "0", "10", "34"),
        week(27, back, "20", "0", "8", "12"),
        week(27, front, "44", "0", "16", "28"),  # Carla's 10 h from Wednesday: 6
        week(28, back, "20", "0", "8", "12"),
        week(28, front, "44", "0", "20", "24"),
        week(29, back, "20", "0", "8", "12"),
        week(29, front, "44", "0", "20", "24"),
        week(30, back, "12", "0", "4.80", "7.20"),  # Bram leaves on Wednesday
        week(30, front, "44", "0", "20", "24"),
        week(31, back, "0", "0", "0", "0"),
        week(31, front, "44", "0", "20", "24"),
        week(32, back, "0", "0", "0", "0"),
        week(32, front, "44", "0", "20", "24"),
    ]


@pytest.mark.parametrize(
    ("today", "weeks"), [(D(2026, 6, 21), (25, 32)), (D(2026, 6, 22), (26, 33))], ids=["sunday", "monday"]
)
def test_free_capacity_starts_at_today_s_iso_week(world: World, today: datetime.date, weeks: tuple[int, int]) -> None:
    ctx = ReportContext(report_scope(start=(2026, 1), end=(2026, 6), today=today, pool_ids=frozenset([world.pool.pk])))

    table = free_capacity(context=ctx)

    assert [r["week"] for r in table.rows] == [f"2026-W{n}" for n in range(weeks[0], weeks[1] + 1)]


def test_free_capacity_of_one_pool_does_not_depend_on_the_period(world: World, staff: Staff) -> None:
    table = free_capacity(context=context(world, start=(2025, 1), end=(2025, 3), pools=[world.other_pool]))

    assert [(r["week"], r["pool"], r["free_hours"]) for r in table.rows][:2] == [
        ("2026-W25", "Back office", Decimal("12")),
        ("2026-W26", "Back office", Decimal("12")),
    ]
    assert len(table.rows) == 8


# --- cost recovery and margins ----------------------------------------------------------------------------------------


def test_cost_recovery_by_pool(world: World, staff: Staff) -> None:
    table = cost_recovery(context=context(world))

    assert rows(table) == [
        # Bram: 42.50 x 36 x 129 / 5
        {"pool_id": world.other_pool.pk, "pool": "Back office"}
        | dec(revenue="0.00", personnel_cost="39474.00", cost_recovery="0.0000"),
        # 100 (1 Apr) + 275 (4 May) - 55 (20 May); Sanne 39474.00 + Carla 30 x 32 x 55 / 5 = 10560.00
        {"pool_id": world.pool.pk, "pool": "Front office"}
        | dec(revenue="320.00", personnel_cost="50034.00", cost_recovery="0.0064"),
    ]


def test_placement_margins(world: World, staff: Staff) -> None:
    table = placement_margins(context=context(world))

    def margin(p: Placement, secretary: str, client: str, **values: str) -> dict[str, object]:
        return {"placement_id": p.pk, "secretary": secretary, "client": client} | dec(**values)

    assert rows(table) == [
        margin(
            world.other_placement,
            "Bram Backoffice",
            "Globex B.V.",
            rate="55.00",
            hourly_cost="42.50",
            margin_per_hour="12.50",
            billed_hours="0",
            billed_amount="0",
            margin="0",
        ),
        margin(
            world.placement,
            "Sanne Secretaris",
            "Acme B.V.",
            rate="58.00",  # in force on 30 June; 60.00 comes in July
            hourly_cost="42.50",
            margin_per_hour="15.50",
            billed_hours="4.00",
            billed_amount="220.00",
            margin="50.00",
        ),
        margin(
            staff.ended,
            "Sanne Secretaris",
            "Globex B.V.",
            rate="50.00",  # in force when it ended
            hourly_cost="42.50",
            margin_per_hour="7.50",
            billed_hours="2.00",
            billed_amount="100.00",
            margin="15.00",
        ),
    ]


def test_placement_margins_take_the_rate_in_force_at_the_period_s_end(world: World, staff: Staff) -> None:
    table = placement_margins(context=context(world, start=(2026, 4), end=(2026, 5)))

    assert [(r["placement_id"], r["rate"], r["billed_hours"], r["margin"]) for r in table.rows] == [
        (world.other_placement.pk, Decimal("55.00"), Z, Z),
        (world.placement.pk, Decimal("55.00"), Decimal("4.00"), Decimal("50.00")),
    ]


# --- pipeline ---------------------------------------------------------------------------------------------------------


def stages(**values: str) -> dict[str, Decimal]:
    out = {
        f"{stage}_{unit}": Z
        for stage in ("not_submitted", "submitted", "approved", "invoiced_unpaid", "paid")
        for unit in ("hours", "amount")
    }
    return out | {k: Decimal(v) for k, v in values.items()}


@pytest.fixture
def flow(world: World) -> None:
    """Acme: Jan open (3 h), Feb rejected (2 h), Mar submitted (4 h), Apr invoiced 4 May (5 h), 1 h of it
    credited, half of the rest paid; May on a draft (20 h), June approved (1.5 h).
    Globex: Mar invoiced and paid in full (3 h), Apr invoiced and credited in full (2 h), May invoiced
    and credited in full with its hours released (1 h, approved again)."""
    acme, globex, approver = world.client, world.other_client, world.approver
    globex.approvers.add(approver)
    log(world.placement, {D(2026, 1, 12): "3.00"})
    log(world.placement, {D(2026, 2, 2): "2.00"})
    [feb] = world.placement.timesheets.filter(period_start=D(2026, 2, 1))
    timesheet_reject(timesheet=timesheet_submit(timesheet=feb, actor=world.secretary.user), actor=approver, reason="?")
    log(world.placement, {D(2026, 3, 2): "4.00"})
    timesheet_submit(timesheet=world.placement.timesheets.get(period_start=D(2026, 3, 1)), actor=world.manager)

    approved_sheet(world.other_placement, {D(2026, 3, 2): "3.00"}, approver)
    [globex_march] = run(world, (2026, 3), D(2026, 4, 1))
    payment_record(
        invoice=globex_march, actor=world.finance, amount=globex_march.total, date=D(2026, 4, 20), reference=""
    )

    approved_sheet(world.placement, APRIL, approver)
    approved_sheet(world.other_placement, {D(2026, 4, 13): "2.00"}, approver)
    acme_april, globex_april = run(world, (2026, 4), D(2026, 5, 4))
    with issued_on(D(2026, 5, 6)):
        credit_note_create(invoice=globex_april, actor=world.finance, reason="Not ours", email=False)
        credit_note_create(
            invoice=acme_april,
            actor=world.finance,
            reason="One hour too many",
            lines=[CreditRequest(line=acme_april.lines.get(), quantity=Decimal("1.00"))],
            email=False,
        )
    # 4 h x 55 x 1.21 = 266.20 owed; half paid
    payment_record(invoice=acme_april, actor=world.finance, amount=Decimal("133.10"), date=D(2026, 5, 8), reference="")

    approved_sheet(world.other_placement, {D(2026, 5, 11): "1.00"}, approver)
    [globex_may] = run(world, (2026, 5), D(2026, 6, 1), client=globex)
    with issued_on(D(2026, 6, 2)):
        credit_note_create(
            invoice=globex_may, actor=world.finance, reason="Wrong rate", release_hours=True, email=False
        )
    approved_sheet(world.placement, MAY, approver)
    invoice_run_start(actor=world.finance, year=2026, month=5, client=acme, email=False)  # a draft
    approved_sheet(world.placement, {D(2026, 6, 1): "1.50"}, approver)


@pytest.mark.usefixtures("flow")
def test_the_pipeline_follows_each_hour_to_its_stage(world: World) -> None:
    table = pipeline(context=context(world))

    assert rows(table) == [
        {"client_id": world.client.pk, "client": "Acme B.V.", "client_kind": "tenant"}
        | stages(
            not_submitted_hours="5.00",
            not_submitted_amount="275.00",
            submitted_hours="4.00",
            submitted_amount="220.00",
            approved_hours="21.50",
            approved_amount="1182.50",
            invoiced_unpaid_hours="2.00",
            invoiced_unpaid_amount="110.00",
            paid_hours="2.00",
            paid_amount="110.00",
        ),
        {"client_id": world.other_client.pk, "client": "Globex B.V.", "client_kind": "tenant"}
        | stages(approved_hours="1.00", approved_amount="55.00", paid_hours="3.00", paid_amount="165.00"),
    ]


@pytest.mark.usefixtures("flow")
def test_the_pipeline_of_a_pool_and_a_period(world: World) -> None:
    back = pipeline(context=context(world, pools=[world.other_pool]))
    spring = pipeline(context=context(world, start=(2026, 3), end=(2026, 4), pools=[world.pool]))

    assert [r["client"] for r in back.rows] == ["Globex B.V."]
    assert rows(spring) == [
        {"client_id": world.client.pk, "client": "Acme B.V.", "client_kind": "tenant"}
        | stages(
            submitted_hours="4.00",
            submitted_amount="220.00",
            invoiced_unpaid_hours="2.00",
            invoiced_unpaid_amount="110.00",
            paid_hours="2.00",
            paid_amount="110.00",
        ),
    ]


def test_a_partial_payment_splits_the_hours_by_the_paid_share(world: World) -> None:
    approved_sheet(world.placement, {D(2026, 5, 4): "8.00", D(2026, 5, 5): "4.00"}, world.approver)
    [invoice] = run(world, (2026, 5), D(2026, 6, 1))
    assert invoice.total == Decimal("798.60")  # 12 h x 55 = 660.00 + 21 %
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("239.58"), date=TODAY, reference="")

    [row] = pipeline(context=context(world)).rows

    # 239.58 / 798.60 = 0.3
    assert (row["paid_hours"], row["paid_amount"], row["invoiced_unpaid_hours"], row["invoiced_unpaid_amount"]) == (
        Decimal("3.60"),
        Decimal("198.00"),
        Decimal("8.40"),
        Decimal("462.00"),
    )


def test_an_over_payment_counts_as_paid_in_full(world: World) -> None:
    approved_sheet(world.placement, {D(2026, 5, 4): "2.00"}, world.approver)
    [invoice] = run(world, (2026, 5), D(2026, 6, 1))
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("500.00"), date=TODAY, reference="")

    [row] = pipeline(context=context(world)).rows

    assert (row["paid_hours"], row["paid_amount"], row["invoiced_unpaid_hours"]) == (
        Decimal("2.00"),
        Decimal("110.00"),
        Z,
    )


def test_the_paid_and_unpaid_parts_add_up_to_the_hours_invoiced(world: World) -> None:
    approved_sheet(world.placement, {D(2026, 5, 4): "6.00", D(2026, 5, 5): "4.25"}, world.approver)
    [invoice] = run(world, (2026, 5), D(2026, 6, 1))
    assert invoice.total == Decimal("682.14")  # 10.25 h x 55 = 563.75 + 118.39 VAT
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("341.07"), date=TODAY, reference="")

    [row] = pipeline(context=context(world)).rows

    # Exactly half is paid: 5.125 h and 281.875 each way. Rounded half-up on both sides they come to
    # 10.26 h and 563.76 (today), a hundredth more than was logged and invoiced.
    hours = cast(Decimal, row["paid_hours"]) + cast(Decimal, row["invoiced_unpaid_hours"])
    amount = cast(Decimal, row["paid_amount"]) + cast(Decimal, row["invoiced_unpaid_amount"])
    assert (hours, amount) == (Decimal("10.25"), Decimal("563.75"))


def test_nothing_logged_gives_an_empty_pipeline(world: World) -> None:
    assert rows(pipeline(context=context(world))) == []
