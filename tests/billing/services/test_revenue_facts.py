"""The reports' summary of finalised lines (billing/services/revenue_facts.py), written when a document is
finalised (invoices_finalize, credit_note_create) and rebuilt from the lines on demand; and its monthly
rollup (RevenueMonth), kept current in the same transaction."""

import datetime
import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from billing.models import Invoice, InvoiceLine, RevenueFact, RevenueMonth
from billing.services.invoices import (
    CreditRequest,
    credit_note_create,
    invoice_create,
    invoice_finalize,
    invoice_line_add,
)
from billing.services.revenue_facts import revenue_facts_rebuild, revenue_month_key
from billing.services.runs import invoice_run_start
from secondments.models import Timesheet
from tests.billing.conftest import APRIL, approved_sheet
from tests.conftest import World

pytestmark = pytest.mark.django_db

D = datetime.date
FIELDS = (
    "invoice__number",
    "owed_invoice__number",
    "issue_month",
    "client_id",
    "invoice_kind",
    "line_kind",
    "placement_id",
    "secretary_id",
    "pool_id",
    "work_month",
    "hours",
    "amount",
)


def facts() -> list[tuple[Any, ...]]:
    return list(RevenueFact.objects.order_by("invoice_id", "line_kind", "work_month").values_list(*FIELDS))


MONTH_FIELDS = ("key", "issue_month", "work_month", "pool_id", "invoice_kind", "line_kind", "hours", "amount")


def months() -> list[tuple[Any, ...]]:
    return list(RevenueMonth.objects.order_by("key").values_list(*MONTH_FIELDS))


def test_finalising_a_run_writes_a_fact_per_placement_and_month_of_work(world: World, may_sheet: Timesheet) -> None:
    approved_sheet(world.placement, APRIL, world.approver)  # 5 h in April, billed in the same run

    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)

    invoice = Invoice.objects.get()
    pool, secretary = world.pool.pk, world.secretary.pk
    assert facts() == [
        (invoice.number, invoice.number, D(2026, 6, 1), world.client.pk, "invoice", "hours", world.placement.pk,
         secretary, pool, D(2026, 4, 1), Decimal("5.00"), Decimal("275.00")),
        (invoice.number, invoice.number, D(2026, 6, 1), world.client.pk, "invoice", "hours", world.placement.pk,
         secretary, pool, D(2026, 5, 1), Decimal("20.00"), Decimal("1100.00")),
    ]  # fmt: skip


def test_a_draft_has_no_facts_and_a_manual_line_has_no_hours_or_work_month(world: World) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Sponsorship", quantity=Decimal(2), unit_price=Decimal("250")
    )
    assert facts() == []

    invoice_finalize(invoice=draft, actor=world.finance, email=False)

    number = Invoice.objects.get().number
    assert facts() == [
        (number, number, D(2026, 6, 1), world.client.pk, "invoice", "manual", None, None, None, None,
         Decimal("0.00"), Decimal("500.00")),
    ]  # fmt: skip


def test_a_credit_note_counts_negative_on_the_invoice_it_credits(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    invoice = Invoice.objects.get()
    line = InvoiceLine.objects.get(invoice=invoice)

    note = credit_note_create(
        invoice=invoice,
        actor=world.finance,
        reason="Two hours too many.",
        lines=[CreditRequest(line=line, quantity=Decimal(2))],
        email=False,
    )

    last = facts()[-1]
    assert last[:2] == (note.number, invoice.number)
    assert last[4:] == (
        "credit_note",
        "hours",
        world.placement.pk,
        world.secretary.pk,
        world.pool.pk,
        D(2026, 5, 1),
        Decimal("-2.00"),
        Decimal("-110.00"),
    )
    assert sum(f[-1] for f in facts()) == invoice.net_total + note.net_total == Decimal("990.00")


def test_the_rebuild_gives_what_finalising_wrote(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    credit_note_create(invoice=Invoice.objects.get(), actor=world.finance, reason="Wrong month.", email=False)
    written = facts()

    assert revenue_facts_rebuild() == len(written) == 2
    assert facts() == written


def test_the_migration_summarises_what_was_finalised_before(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    written = facts()
    RevenueFact.objects.all().delete()

    importlib.import_module("billing.migrations.0003_revenue_facts").facts_backfill(apps, None)

    assert facts() == written != []


def test_the_months_sum_the_facts_of_every_document_finalised(world: World, may_sheet: Timesheet) -> None:
    approved_sheet(world.placement, APRIL, world.approver)
    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    manual = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=manual, actor=world.finance, description="Sponsorship", quantity=Decimal(1), unit_price=Decimal("80")
    )
    invoice_finalize(invoice=manual, actor=world.finance, email=False)
    invoice = Invoice.objects.order_by("pk").first()  # the run's
    assert invoice is not None
    line = InvoiceLine.objects.get(invoice=invoice, timesheet=may_sheet)
    credit_note_create(
        invoice=invoice,
        actor=world.finance,
        reason="Two hours too many.",
        lines=[CreditRequest(line=line, quantity=Decimal(2))],
        email=False,
    )

    pool = world.pool.pk
    assert months() == [
        ("2026-06|-|-|invoice|manual", D(2026, 6, 1), None, None, "invoice", "manual", Decimal("0.00"),
         Decimal("80.00")),
        (f"2026-06|2026-04|{pool}|invoice|hours", D(2026, 6, 1), D(2026, 4, 1), pool, "invoice", "hours",
         Decimal("5.00"), Decimal("275.00")),
        (f"2026-06|2026-05|{pool}|credit_note|hours", D(2026, 6, 1), D(2026, 5, 1), pool, "credit_note", "hours",
         Decimal("-2.00"), Decimal("-110.00")),
        (f"2026-06|2026-05|{pool}|invoice|hours", D(2026, 6, 1), D(2026, 5, 1), pool, "invoice", "hours",
         Decimal("20.00"), Decimal("1100.00")),
    ]  # fmt: skip
    # every month is the sum of its facts, and all of them the documents' net totals
    assert sum(m[-1] for m in months()) == sum(f[-1] for f in facts()) == Decimal("1345.00")


def test_a_second_document_adds_to_its_month_instead_of_a_new_row(world: World, may_sheet: Timesheet) -> None:
    for amount in ("80", "20.5"):
        manual = invoice_create(client=world.client, actor=world.finance)
        invoice_line_add(
            invoice=manual, actor=world.finance, description="Other", quantity=Decimal(1), unit_price=Decimal(amount)
        )
        invoice_finalize(invoice=manual, actor=world.finance, email=False)

    assert months() == [
        ("2026-06|-|-|invoice|manual", D(2026, 6, 1), None, None, "invoice", "manual", Decimal("0.00"),
         Decimal("100.50")),
    ]  # fmt: skip


def test_the_rebuild_and_the_migration_give_the_months_finalising_wrote(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5, finalize=True, email=False)
    credit_note_create(invoice=Invoice.objects.get(), actor=world.finance, reason="Wrong month.", email=False)
    written = months()
    assert len(written) == 2

    revenue_facts_rebuild()
    assert months() == written

    RevenueMonth.objects.all().delete()
    importlib.import_module("billing.migrations.0004_revenue_months").months_backfill(apps, None)
    assert months() == written


def test_the_month_key_names_its_five_parts() -> None:
    assert revenue_month_key((D(2026, 6, 1), D(2026, 5, 1), 7, "invoice", "hours")) == "2026-06|2026-05|7|invoice|hours"
    assert revenue_month_key((D(2026, 6, 1), None, None, "credit_note", "manual")) == "2026-06|-|-|credit_note|manual"
