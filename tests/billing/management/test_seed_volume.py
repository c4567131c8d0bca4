"""``seed_volume``: exactly N entries, and data the services would have left behind (the clock is 2026-06-15)."""

import datetime
import hashlib
import itertools
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum

from backend.accounts.models import User
from backend.core.models import AuditEvent
from backend.core.periods import add_working_days, is_quarter_hour, month_bounds
from billing.calc import default_vat_rate, line_amount, totals_of
from billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceRun,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Receivable,
)
from billing.services.invoices import (
    SERIES_OF_KIND,
    CreditRequest,
    _customer_snapshot,
    credit_note_create,
    invoice_finalize,
)
from billing.services.numbering import invoice_number_format
from billing.services.payments import payment_record, payment_status_of, receivable_refresh
from billing.services.runs import invoice_run_start
from billing.volume import volume_seed
from secondments.models import (
    ApprovalKind,
    Client,
    ClientKind,
    Leave,
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
from secondments.services.clients import client_create
from secondments.services.leave import leave_create
from secondments.services.placements import placement_change_rate
from secondments.services.timesheets import (
    Cell,
    daily_cap,
    timesheet_evidence_hash,
    timesheets_totals_refresh,
    week_grid_save,
)
from tests.conftest import TODAY, World

pytestmark = pytest.mark.django_db
ENTRIES = 3000
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def volume() -> str:
    out = StringIO()
    call_command("seed_volume", "--entries", str(ENTRIES), stdout=out)
    return out.getvalue()


def _written() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "pools": Pool.objects.count(),
        "clients": Client.objects.count(),
        "placements": Placement.objects.count(),
        "entries": TimeEntry.objects.count(),
        "sheets": Timesheet.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "counters": InvoiceCounter.objects.count(),
    }


# --- shape and refusals ------------------------------------------------------------------------------


def test_writes_exactly_the_entries_asked_for_and_says_what_it_loaded(volume: str) -> None:
    assert TimeEntry.objects.count() == ENTRIES
    assert f"secondments_timeentry: {ENTRIES}" in volume
    assert "seconds:" in volume
    assert Pool.objects.count() == 3
    for pool in Pool.objects.all():
        assert [m.is_team_manager for m in pool.managers.all()] == [True]
        assert pool.secretaries.exists()
    assert User.objects.filter(is_finance=True).count() == 1
    assert User.objects.filter(is_director=True).count() == 1
    secretaries = Secretary.objects.select_related("user")
    assert all(s.user.is_secretary and not s.user.has_usable_password() for s in secretaries)
    assert all(s.user.email.startswith("vol.sec") and s.user.email.endswith("@volume.example") for s in secretaries)
    assert all(s.base_workload_hours < s.contract_hours and s.hourly_employer_cost > 0 for s in secretaries)
    kinds = dict(Client.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert kinds[ClientKind.TENANT] >= 4 and kinds[ClientKind.INTERNAL] >= 2
    assert Client.objects.filter(vat_treatment=VatTreatment.REVERSE_CHARGE).exists()
    assert Client.objects.filter(approval_period="weekly").exists()
    for client in Client.objects.filter(kind=ClientKind.INTERNAL):
        assert client.vat_treatment == VatTreatment.NONE and client.cost_centre
    # The history covers more than a year: a year boundary, invoice runs for every month before this one.
    first_day = TimeEntry.objects.aggregate(d=Min("date"))["d"]
    assert first_day < datetime.date(2025, 6, 1)
    assert TimeEntry.objects.aggregate(d=Max("date"))["d"] == YESTERDAY - datetime.timedelta(days=2)  # a Friday
    months = sorted(InvoiceRun.objects.values_list("period_start", flat=True))
    assert months[-1] == datetime.date(2026, 5, 1)
    assert len(months) == len(set(months)) and months[0] <= first_day.replace(day=1) + datetime.timedelta(days=31)


def test_called_from_code_with_keywords_it_can_be_quiet() -> None:
    out = StringIO()
    call_command("seed_volume", entries=1000, seed=3, verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert TimeEntry.objects.count() == 1000


def test_refuses_a_database_that_is_not_empty(volume: str) -> None:
    before = _written()
    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_volume", "--entries", str(ENTRIES), stdout=StringIO())
    assert _written() == before


def test_refuses_a_database_with_placements_of_its_own(world: World) -> None:
    before = _written()
    with pytest.raises(CommandError, match=r"not empty .*placements.*Nothing was written"):
        call_command("seed_volume", "--entries", str(ENTRIES), stdout=StringIO())
    assert _written() == before
    assert not User.objects.filter(email__endswith="@volume.example").exists()


@pytest.mark.parametrize("entries", ["999", "50000001", "0", "-5"])
def test_refuses_too_few_or_too_many_entries(entries: str) -> None:
    with pytest.raises(CommandError, match="--entries must lie between 1,000 and 50,000,000"):
        call_command("seed_volume", "--entries", entries, stdout=StringIO())
    assert set(_written().values()) == {0}


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    class Rollback(Exception):
        pass

    def digest(seed: int) -> str:
        text = ""
        try:
            with transaction.atomic():
                volume_seed(entries=1000, seed=seed)
                entries = TimeEntry.objects.order_by("date", "timesheet__placement__secretary__user__email", "hours")
                text = repr(list(entries.values_list("date", "hours", "description")))
                invoices = Invoice.objects.order_by("number").values_list("number", "total", "client__legal_name")
                text += repr(list(invoices))
                raise Rollback
        except Rollback:
            pass
        return hashlib.sha256(text.encode()).hexdigest()

    first = digest(1)
    assert digest(1) == first
    assert digest(2) != first


# --- hours -------------------------------------------------------------------------------------------


def test_no_entry_lies_in_the_future_outside_its_placement_or_period_or_on_leave(volume: str) -> None:
    leave = defaultdict(list)
    for secretary_id, start, end in Leave.objects.values_list("secretary_id", "start_date", "end_date"):
        leave[secretary_id].append((start, end))
    per_day: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
    rows = TimeEntry.objects.values_list(
        "date",
        "hours",
        "timesheet__period_start",
        "timesheet__period_end",
        "timesheet__placement__start_date",
        "timesheet__placement__end_date",
        "timesheet__placement__status",
        "timesheet__placement__secretary_id",
        "timesheet__placement__secretary__employment_start",
    )
    for day, hours, p_start, p_end, start, end, status, secretary, employed in rows:
        assert day < TODAY
        assert start <= day and (end is None or day <= end)
        assert p_start <= day <= p_end
        assert employed <= day and day.weekday() < 5
        assert status in (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
        assert 0 < hours <= 24 and is_quarter_hour(hours)
        assert not any(s <= day <= e for s, e in leave[secretary])
        per_day[(secretary, day)] += hours
    assert max(per_day.values()) <= daily_cap()
    assert not TimeEntry.objects.filter(
        timesheet__placement__status__in=[PlacementStatus.DRAFT, PlacementStatus.CANCELLED]
    ).exists()


def test_placements_fit_their_secretary_and_have_rates_from_their_start(volume: str) -> None:
    placements = Placement.objects.select_related("secretary", "client").prefetch_related("rates")
    statuses = {p.status for p in placements}
    assert {PlacementStatus.ACTIVE, PlacementStatus.ENDED} <= statuses
    for p in placements:
        rates = sorted(p.rates.all(), key=lambda r: r.valid_from)
        assert rates[0].valid_from == p.start_date
        assert all(r.valid_from >= p.start_date and (p.end_date is None or r.valid_from <= p.end_date) for r in rates)
        assert all(r.source == PlacementRate.Source.OVERRIDE for r in rates[1:])
        assert p.start_date >= p.secretary.employment_start
        assert Decimal(4) <= p.hours_per_week <= Decimal(16)
        if p.status == PlacementStatus.ENDED:
            assert p.end_date is not None and p.end_date < TODAY
        if p.status == PlacementStatus.ACTIVE:
            assert p.start_date < TODAY and (p.end_date is None or p.end_date >= TODAY)
        if p.status == PlacementStatus.DRAFT:
            assert p.start_date > TODAY
    # The placements running on a day stay within contract less base workload.
    for secretary in Secretary.objects.all():
        running = [p for p in placements if p.secretary_id == secretary.pk and p.status != PlacementStatus.CANCELLED]
        for day in {p.start_date for p in running}:
            placed = sum(
                (
                    p.hours_per_week
                    for p in running
                    if p.start_date <= day and (p.end_date is None or day <= p.end_date)
                ),
                Decimal(0),
            )
            assert placed <= secretary.contract_hours - secretary.base_workload_hours


def test_timesheet_totals_are_what_the_service_computes(volume: str) -> None:
    before = {pk: (h, a) for pk, h, a in Timesheet.objects.values_list("pk", "hours_total", "amount_total")}
    assert all(h > 0 and a > 0 for h, a in before.values())
    timesheets_totals_refresh(timesheet_ids=list(before))
    after = {pk: (h, a) for pk, h, a in Timesheet.objects.values_list("pk", "hours_total", "amount_total")}
    assert after == before
    entries = TimeEntry.objects.values("timesheet_id").annotate(h=Sum("hours")).values_list("timesheet_id", "h")
    assert dict(entries) == {pk: h for pk, (h, _) in before.items()}


def test_timesheet_statuses_follow_their_age_with_the_approval_evidence(volume: str) -> None:
    sheets = list(Timesheet.objects.select_related("placement__client", "placement__secretary").prefetch_related(
        "placement__client__approvers"
    ))  # fmt: skip
    assert {s.status for s in sheets} >= {TimesheetStatus.OPEN, TimesheetStatus.APPROVED, TimesheetStatus.INVOICED}
    last_month = datetime.date(2026, 5, 1)
    older = [s for s in sheets if s.period_end < last_month]
    assert sum(s.status == TimesheetStatus.INVOICED for s in older) >= 0.95 * len(older)
    for sheet in sheets:
        approvers = set(sheet.placement.client.approvers.all())
        if sheet.period_end >= TODAY:
            assert sheet.status == TimesheetStatus.OPEN
        if sheet.status == TimesheetStatus.OPEN:
            assert sheet.submitted_at is None and sheet.approved_at is None
        else:
            assert sheet.submitted_by_id == sheet.placement.secretary.user_id
            assert (
                sheet.submitted_at is not None and sheet.submitted_at.date() >= sheet.period_end - datetime.timedelta(3)
            )
        if sheet.status in (TimesheetStatus.APPROVED, TimesheetStatus.INVOICED):
            assert sheet.approved_by in approvers and sheet.approval_kind == ApprovalKind.EXPLICIT
            assert sheet.submitted_at is not None and sheet.approved_at is not None
            assert sheet.submitted_at < sheet.approved_at and sheet.approval_ip
            assert sheet.approval_hash == timesheet_evidence_hash(timesheet=sheet, entries=list(sheet.entries.all()))
        else:
            assert sheet.approved_at is None and not sheet.approval_hash and not sheet.approval_kind
        if sheet.status == TimesheetStatus.REJECTED:
            assert sheet.rejection_reason and sheet.rejected_by in approvers
        else:
            assert not sheet.rejection_reason
        if sheet.rejected_at is not None:
            assert sheet.submitted_at is not None and sheet.rejected_at > sheet.created_at


# --- invoices ----------------------------------------------------------------------------------------


def test_finalised_invoices_add_up_and_are_numbered_gaplessly(volume: str) -> None:
    invoices = list(Invoice.objects.select_related("client").prefetch_related("lines").order_by("pk"))
    assert {i.kind for i in invoices} == {InvoiceKind.INVOICE, InvoiceKind.INTERNAL, InvoiceKind.CREDIT_NOTE}
    assert all(i.status == InvoiceStatus.FINALISED and i.finalised_by and not i.pdf for i in invoices)
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for invoice in invoices:
        lines = list(invoice.lines.all())
        assert lines
        totals = totals_of((line.amount, line.vat_rate) for line in lines)
        assert (invoice.net_total, invoice.vat_total, invoice.total) == (totals.net, totals.vat, totals.total)
        assert invoice.vat_breakdown == totals.breakdown()
        for n, line in enumerate(sorted(lines, key=lambda x: x.position), 1):
            assert line.position == n
            assert line.amount == (line_amount(quantity=line.quantity, unit_price=line.unit_price)
                                   if line.quantity > 0 else -line_amount(quantity=-line.quantity,
                                                                          unit_price=line.unit_price))  # fmt: skip
            if line.kind == LineKind.HOURS:
                assert line.vat_rate == default_vat_rate(vat_treatment=invoice.vat_treatment)
        assert invoice.series == SERIES_OF_KIND[InvoiceKind(invoice.kind)]
        assert invoice.number == invoice_number_format(
            series=invoice.series, year=invoice.year, sequence=invoice.sequence
        )
        assert invoice.year == invoice.issue_date.year
        numbers[(invoice.series, invoice.year)].append(invoice.sequence)
        assert invoice.customer == _customer_snapshot(invoice.client)
        assert invoice.vat_treatment == invoice.client.vat_treatment
        assert invoice.language == invoice.client.invoice_language
        assert invoice.issue_date < TODAY and invoice.finalised_at is not None
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            assert invoice.due_date is None and invoice.credited_invoice_id and invoice.reason
            assert invoice.total < 0 and all(line.credited_line_id and line.quantity < 0 for line in lines)
            for line in lines:
                original = line.credited_line
                assert original.invoice_id == invoice.credited_invoice_id and -line.quantity <= original.quantity
                assert original.unit_price == line.unit_price and original.timesheet_id == line.timesheet_id
        else:
            assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=invoice.client.payment_term_days)
            expected = InvoiceKind.INTERNAL if invoice.client.kind == ClientKind.INTERNAL else InvoiceKind.INVOICE
            assert invoice.kind == expected
        if invoice.run_id is not None:
            run = invoice.run
            assert (invoice.period_start, invoice.period_end) == (run.period_start, run.period_end)
            assert invoice.issue_date == add_working_days(run.period_end, 3)
            assert all(line.kind == LineKind.HOURS for line in lines)
        elif invoice.kind != InvoiceKind.CREDIT_NOTE:
            assert all(line.kind == LineKind.MANUAL for line in lines)
            assert not invoice.client.placements.exists()
    for (series, year), sequences in numbers.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
        assert InvoiceCounter.objects.get(series=series, year=year).last_number == len(sequences)
    assert InvoiceCounter.objects.count() == len(numbers)
    assert {year for _, year in numbers} >= {2025, 2026}  # the history crosses a year boundary


def test_every_invoiced_sheet_is_billed_once_for_its_hours_and_amount(volume: str) -> None:
    billed = (
        InvoiceLine.objects.filter(invoice__kind__in=[InvoiceKind.INVOICE, InvoiceKind.INTERNAL])
        .exclude(timesheet=None)
        .values("timesheet_id")
        .annotate(q=Sum("quantity"), a=Sum("amount"), invoices=Count("invoice_id", distinct=True))
    )
    by_sheet = {row["timesheet_id"]: row for row in billed}
    sheets = Timesheet.objects.select_related("placement")
    for sheet in sheets:
        row = by_sheet.get(sheet.pk)
        if sheet.status == TimesheetStatus.INVOICED:
            assert row is not None and row["invoices"] == 1
            assert (row["q"], row["a"]) == (sheet.hours_total, sheet.amount_total)
        else:
            assert row is None
    lines = InvoiceLine.objects.filter(kind=LineKind.HOURS, credited_line=None).select_related("timesheet", "invoice")
    for line in lines:
        sheet = line.timesheet
        assert line.placement_id == sheet.placement_id
        assert sheet.period_start <= line.period_start <= line.period_end <= sheet.period_end
        assert sheet.period_end <= line.invoice.period_end
        assert sheet.approved_at < line.invoice.finalised_at
        assert line.invoice.client_id == sheet.placement.client_id
    # A rate change within a period splits the sheet's hours over two lines, as the run does.
    assert InvoiceRun.objects.aggregate(n=Sum("line_count"))["n"] == lines.count()
    assert InvoiceRun.objects.aggregate(n=Sum("timesheet_count"))["n"] == len(by_sheet)


def test_receivables_are_what_the_ledger_says(volume: str) -> None:
    receivables = list(Receivable.objects.select_related("invoice__client"))
    invoices = Invoice.objects.exclude(kind=InvoiceKind.CREDIT_NOTE)
    assert {r.pk for r in receivables} == set(invoices.values_list("pk", flat=True))
    statuses = {r.status for r in receivables}
    assert {PaymentStatus.PAID, PaymentStatus.OPEN} <= statuses
    for r in receivables:
        invoice = r.invoice
        credited = Invoice.objects.filter(credited_invoice=invoice).aggregate(s=Sum("total"))["s"] or Decimal(0)
        paid = Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        assert r.due_date == invoice.due_date
        assert (r.amount_due, r.amount_paid) == (invoice.total + credited, paid)
        assert r.status == payment_status_of(
            amount_due=r.amount_due, amount_paid=r.amount_paid, due_date=r.due_date, today=TODAY
        )
        assert (r.paid_on is not None) == (r.status == PaymentStatus.PAID)
        assert (r.overdue_since is not None) == (r.status == PaymentStatus.OVERDUE)
        if invoice.kind == InvoiceKind.INTERNAL:
            assert r.reminders_sent == 0
    for payment in Payment.objects.select_related("invoice"):
        assert payment.kind == PaymentKind.PAYMENT and payment.amount > 0
        assert payment.invoice.issue_date <= payment.date < TODAY
        expected = (
            PaymentMethod.INTERNAL if payment.invoice.kind == InvoiceKind.INTERNAL else PaymentMethod.BANK_TRANSFER
        )
        assert payment.method == expected and payment.reference and payment.recorded_by.is_finance
    # The ledger's own recomputation changes nothing (it would write an audit event for every change).
    with transaction.atomic():
        for r in Receivable.objects.select_for_update().select_related("invoice"):
            receivable_refresh(receivable=r, actor=None)
    assert not AuditEvent.objects.exists()


# --- the services carry on from the loaded data ------------------------------------------------------


def test_the_next_run_and_finalisation_continue_the_numbers(volume: str) -> None:
    finance = User.objects.get(is_finance=True)
    approved = Timesheet.objects.filter(status=TimesheetStatus.APPROVED, period_end__lte=datetime.date(2026, 6, 30))
    expected_sheets = approved.exclude(entries=None).count()
    assert expected_sheets > 0
    run = invoice_run_start(actor=finance, year=2026, month=6, email=False)
    assert run.timesheet_count == expected_sheets
    drafts = list(run.invoices.order_by("pk"))
    assert drafts and all(d.status == InvoiceStatus.DRAFT for d in drafts)
    draft = next(d for d in drafts if d.kind == InvoiceKind.INVOICE)
    last = InvoiceCounter.objects.get(series="invoice", year=2026).last_number
    finalised = invoice_finalize(invoice=draft, actor=finance, email=False)
    assert finalised.number == invoice_number_format(series="invoice", year=2026, sequence=last + 1)
    assert Receivable.objects.filter(pk=finalised.pk, amount_due=finalised.total).exists()

    # A credit note and a payment on a loaded invoice continue their series and the ledger.
    original = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, run__isnull=False, receivable__status=PaymentStatus.OPEN)
        .order_by("pk")
        .first()
    )
    assert original is not None
    counter = InvoiceCounter.objects.filter(series="credit_note", year=2026).first()
    last_cn = counter.last_number if counter else 0
    line = original.lines.order_by("position").first()
    assert line is not None
    note = credit_note_create(
        invoice=original, actor=finance, reason="Test", lines=[CreditRequest(line=line, quantity=Decimal("0.25"))]
    )
    assert note.number == invoice_number_format(series="credit_note", year=2026, sequence=last_cn + 1)
    receivable = Receivable.objects.get(pk=original.pk)
    payment = payment_record(
        invoice=original, actor=finance, amount=receivable.amount_due, date=YESTERDAY, reference="Test"
    )
    assert Payment.objects.order_by("-pk").first() == payment
    assert Receivable.objects.get(pk=original.pk).status == PaymentStatus.PAID


def test_hours_can_be_logged_on_the_loaded_placements(volume: str) -> None:
    placement = (
        Placement.objects.filter(status=PlacementStatus.ACTIVE, start_date__lt=TODAY)
        .filter(Q(end_date=None) | Q(end_date__gte=TODAY))
        .select_related("secretary__user")
        .order_by("pk")
        .first()
    )
    assert placement is not None
    entries = TimeEntry.objects.count()
    sheets = week_grid_save(
        actor=placement.secretary.user,
        secretary=placement.secretary,
        cells=[Cell(placement=placement, date=TODAY, hours=Decimal("1.00"))],
    )
    assert TimeEntry.objects.count() == entries + 1
    sheet = Timesheet.objects.get(pk=sheets[0].pk)
    assert sheet.status == TimesheetStatus.OPEN and sheet.hours_total == sum(e.hours for e in sheet.entries.all())


def test_month_bounds_of_runs_cover_consecutive_months(volume: str) -> None:
    runs = list(InvoiceRun.objects.order_by("period_start"))
    for earlier, later in itertools.pairwise(runs):
        assert later.period_start == earlier.period_end + datetime.timedelta(days=1)
    for run in runs:
        assert (run.period_start, run.period_end) == month_bounds(run.period_start.year, run.period_start.month)
        assert run.invoice_count == run.invoices.count()


def test_new_rows_get_ids_after_the_loaded_ones(volume: str) -> None:
    manager = User.objects.filter(is_team_manager=True).order_by("pk").first()
    assert manager is not None
    placement = Placement.objects.filter(status=PlacementStatus.ACTIVE, end_date=None).order_by("pk").first()
    assert placement is not None
    highest = {model: model.objects.aggregate(m=Max("pk"))["m"] for model in (User, Pool, Client, Leave, PlacementRate)}
    user = User.objects.create_user("new.user@example.org", full_name="New User")
    pool = Pool.objects.create(name="New pool", cost_centre="CC-9999")
    client = client_create(
        actor=manager,
        kind=ClientKind.INTERNAL,
        legal_name="Nieuwe afdeling",
        street="Stationsplein 1",
        postcode="3511 ED",
        city="Utrecht",
        billing_email="nieuw@example.org",
        vat_treatment=VatTreatment.NONE,
        cost_centre="CC-9999",
    )
    leave = leave_create(
        actor=manager, secretary=placement.secretary, start_date=TODAY, end_date=TODAY, kind="other", note="Test"
    )
    rate = placement_change_rate(placement=placement, actor=manager, valid_from=TODAY, hourly_rate=Decimal("99.00"))
    for model, obj in ((User, user), (Pool, pool), (Client, client), (Leave, leave), (PlacementRate, rate)):
        assert obj.pk > highest[model]
