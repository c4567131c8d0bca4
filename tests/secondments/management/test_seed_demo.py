"""The demo data (secondments/management/commands/seed_demo.py) and its logins (demo_logins.py).

The clock is pinned to Monday 2026-06-15, so the demo lies between 2025-06 and 2026-09.
Its hours run up to Sunday 2026-06-14: the last ended periods are May (monthly
clients) and ISO week 2026-W24 (8-14 June, weekly clients). Its invoices: the
months 2025-06 to 2026-04 are invoiced and finalised (all issued today), May is
a run of drafts, and two credit notes correct March and April.

Loading the demo takes seconds, so the tests that only read it share one load
(``TestTheLoadedDemo``, rolled back after the class); the tests outside the
class load it themselves into an empty database.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import RequestFactory, TestCase
from django.utils import timezone
from stdnum.eu import vat as eu_vat

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.models import AuditEvent
from backend.core.periods import add_working_days
from billing.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceRun, Payment, Receivable
from billing.pdf.render import invoice_pdf_bytes
from billing.selectors.documents import invoice_document, invoices_for_documents
from billing.services.invoices import invoice_creditable
from secondments.demo import DEMO_PASSWORD, DEMO_POOL_NAME, DEMO_USERS, demo_user
from secondments.models import (
    CapacityOverride,
    Client,
    Leave,
    Placement,
    PlacementRate,
    PlacementStatus,
    Pool,
    RateCard,
    Secretary,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
)
from secondments.selectors.capacity import secretaries_capacity
from secondments.selectors.timesheets import approval_inbox, timesheet_list_for
from secondments.services.timesheets import deemed_approval_due, timesheet_evidence_hash

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
PINNED = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)  # as tests/conftest.py pins it
MATERNITY = "Zwangerschapsverlof / maternity cover"
APPROVER = "approver@secondo.demo"
SECRETARY = "secretary@secondo.demo"
IP = "192.0.2.10"
MODELS = [
    User,
    Pool,
    Secretary,
    Client,
    RateCard,
    Placement,
    PlacementRate,
    CapacityOverride,
    Leave,
    Timesheet,
    TimeEntry,
    InvoiceRun,
    Invoice,
    InvoiceLine,
    InvoiceCounter,
    AuditEvent,
]
MAY = (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
FINANCE = "finance@secondo.demo"
SPONSOR = "Stichting Utrechtse Secretaressedag"
W24 = (datetime.date(2026, 6, 8), datetime.date(2026, 6, 14))
ENGLISH = {
    "Diary management and e-mail",
    "Minutes of the team meeting",
    "Filing and records",
    "Meeting preparation",
    "Phone and front desk",
    "Travel arrangements",
    "Board papers",
}
DUTCH = {
    "Agendabeheer en correspondentie",
    "Notulen teamoverleg",
    "Dossiers bijgewerkt",
    "Vergadering voorbereid",
    "Post en telefoon",
    "Reizen en afspraken geregeld",
    "Stukken voor het MT",
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def placements_snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Placement.objects.values_list(
            "secretary__user__email",
            "client__legal_name",
            "start_date",
            "end_date",
            "hours_per_week",
            "status",
            "purpose",
        )
    )


def hours_snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every sheet and entry by what it is about (not by primary key)."""
    sheets = sorted(
        Timesheet.objects.values_list(
            "placement__secretary__user__email",
            "placement__client__legal_name",
            "placement__start_date",
            "period_start",
            "period_end",
            "status",
            "submitted_by__email",
            "approval_kind",
            "approved_by__email",
            "approval_ip",
            "rejected_by__email",
            "rejection_reason",
        ),
        key=str,
    )
    entries = sorted(
        TimeEntry.objects.values_list(
            "timesheet__placement__secretary__user__email",
            "timesheet__placement__client__legal_name",
            "date",
            "hours",
            "description",
        )
    )
    return sheets, entries


def invoices_snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every invoice and line by what it is about (not by primary key)."""
    invoices = sorted(
        Invoice.objects.values_list(
            "number",
            "kind",
            "status",
            "client__legal_name",
            "period_start",
            "period_end",
            "net_total",
            "vat_total",
            "total",
            "vat_breakdown",
            "credited_invoice__number",
            "reason",
            "releases_hours",
            "issue_date",
            "due_date",
            "created_by__email",
            "finalised_by__email",
        ),
        key=str,
    )
    lines = sorted(
        InvoiceLine.objects.values_list(
            "invoice__number",
            "invoice__client__legal_name",
            "position",
            "kind",
            "description",
            "timesheet__period_start",
            "period_start",
            "period_end",
            "quantity",
            "unit_price",
            "amount",
            "vat_rate",
        ),
        key=str,
    )
    return invoices, lines


def overbooked_weeks(today: datetime.date) -> list[tuple[str, str, Decimal]]:
    """(secretary, week, free) of every week below zero, a year back and three months ahead."""
    secretaries = list(Secretary.objects.select_related("user"))
    capacities = secretaries_capacity(
        secretaries=secretaries, start=today - datetime.timedelta(days=365), end=today + datetime.timedelta(days=92)
    )
    by_id = {s.pk: s for s in secretaries}
    return [
        (by_id[sid].user.email, str(w.week), w.free) for sid, weeks in capacities.items() for w in weeks if w.free < 0
    ]


def days_over_the_cap() -> list[tuple[str, datetime.date, Decimal]]:
    totals: dict[tuple[str, datetime.date], Decimal] = defaultdict(Decimal)
    for email, day, hours in TimeEntry.objects.values_list(
        "timesheet__placement__secretary__user__email", "date", "hours"
    ):
        totals[(email, day)] += hours
    return sorted((email, day, total) for (email, day), total in totals.items() if total > 12)


def hash_mismatches() -> list[int]:
    """Approved (or since invoiced) sheets whose recorded SHA-256 is not that of their entries."""
    return [
        sheet.pk
        for sheet in Timesheet.objects.filter(status__in=[TimesheetStatus.APPROVED, TimesheetStatus.INVOICED])
        if sheet.approval_hash != timesheet_evidence_hash(timesheet=sheet, entries=list(sheet.entries.all()))
    ]


def sheet_rows(status: str) -> list[tuple[str, str, datetime.date, datetime.date]]:
    return sorted(
        Timesheet.objects.filter(status=status).values_list(
            "placement__secretary__user__email", "placement__client__legal_name", "period_start", "period_end"
        )
    )


def sheet_statuses() -> dict[str, int]:
    return dict(Timesheet.objects.values_list("status").annotate(n=Count("id")).order_by())


@dataclass(frozen=True)
class Loaded:
    output: str


@pytest.fixture(scope="class")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Loaded]:
    """One load of the demo for a whole test class; rolled back when the class is done.

    The test's transaction never commits, so the seed's after-commit work (rendering
    the invoice PDFs) is captured and run right after the seed, as a commit would.
    """
    with django_db_blocker.unblock(), time_machine.travel(PINNED, tick=False), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            output = seed()
        yield Loaded(output=output)
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: Loaded) -> str:
    return loaded.output


class TestTheLoadedDemo:
    def test_loads_one_pool_managed_by_the_demo_manager(self, demo: str) -> None:
        pool = Pool.objects.get()
        assert (pool.name, pool.cost_centre) == (DEMO_POOL_NAME, "CC-4100")
        assert [u.email for u in pool.managers.all()] == ["manager@secondo.demo"]

    def test_loads_fifteen_secretaries_with_mixed_contracts(self, demo: str) -> None:
        secretaries = list(Secretary.objects.select_related("user", "pool"))
        assert len(secretaries) == 15
        assert {s.pool.name for s in secretaries} == {DEMO_POOL_NAME}
        assert {s.contract_hours for s in secretaries} == {Decimal(h) for h in ("16", "24", "28", "32", "36")}
        for s in secretaries:
            assert Decimal(0) < s.base_workload_hours < s.contract_hours, s
            assert Decimal("38.00") <= s.hourly_employer_cost <= Decimal("52.00"), s
            assert s.employment_start < TODAY - datetime.timedelta(days=365), s
            assert s.employment_end is None and s.active, s
            assert s.skills and s.languages, s
            assert set(s.languages) <= {"nl", "en", "de", "fr"}, s
            assert s.user.is_secretary and s.user.role_set == {Role.SECRETARY}, s
        assert {lang for s in secretaries for lang in s.languages} == {"nl", "en", "de", "fr"}

    def test_loads_seven_tenants_with_valid_registration_and_four_internal_departments(self, demo: str) -> None:
        tenants = list(Client.objects.filter(kind="tenant"))
        internal = list(Client.objects.filter(kind="internal"))
        assert len(tenants) == 7
        assert len(internal) == 4
        for t in tenants:
            assert eu_vat.is_valid(t.vat_number), t
            assert t.vat_number.startswith(t.country), t
            assert t.billing_email, t
            if t.country == "NL":
                assert t.vat_treatment == "standard", t
                assert len(t.kvk_number) == 8 and t.kvk_number.isdigit(), t
            else:
                assert t.vat_treatment == "reverse_charge", t
        assert [(t.legal_name, t.country, t.vat_number) for t in tenants if t.vat_treatment == "reverse_charge"] == [
            ("Rheinland Logistik GmbH", "DE", "DE136695976")
        ]
        assert {t.approval_period for t in tenants} == {"weekly", "monthly"}
        assert {t.invoice_language for t in tenants} == {"nl", "en"}
        for c in internal:
            assert (c.vat_treatment, c.vat_number, c.kvk_number) == ("none", "", ""), c
            assert c.cost_centre, c
        assert len({c.cost_centre for c in internal}) == 4

    def test_loads_a_yearly_indexation_per_client_kind(self, demo: str) -> None:
        cards = sorted(RateCard.objects.values_list("client_kind", "valid_from", "hourly_rate"))
        assert cards == [
            ("internal", datetime.date(2025, 1, 1), Decimal("42.00")),
            ("internal", datetime.date(2026, 1, 1), Decimal("44.00")),
            ("tenant", datetime.date(2025, 1, 1), Decimal("52.50")),
            ("tenant", datetime.date(2026, 1, 1), Decimal("55.00")),
        ]

    def test_loads_placements_over_the_past_year_ended_running_and_draft(self, demo: str) -> None:
        placements = list(Placement.objects.all())
        statuses = sorted(p.status for p in placements)
        assert statuses.count(PlacementStatus.ENDED) == 7
        assert statuses.count(PlacementStatus.ACTIVE) == 12
        assert statuses.count(PlacementStatus.DRAFT) == 3
        assert len(placements) == 22
        for p in placements:
            assert p.start_date >= TODAY - datetime.timedelta(days=365), p
            if p.status == PlacementStatus.ENDED:
                assert p.end_date is not None and p.end_date < TODAY, p
            elif p.status == PlacementStatus.ACTIVE:
                assert p.start_date <= TODAY and (p.end_date is None or p.end_date >= TODAY), p
            else:
                assert p.start_date > TODAY, p
            assert p.rates.exists(), p
        assert not CapacityOverride.objects.exists()

    def test_loads_one_maternity_cover_running_today(self, demo: str) -> None:
        cover = Placement.objects.select_related("client").get(purpose=MATERNITY)
        assert cover.status == PlacementStatus.ACTIVE
        assert cover.client.kind == "tenant"
        assert cover.start_date < TODAY < cover.end_date

    def test_rates_follow_the_card_in_force_at_the_start_and_the_indexation(self, demo: str) -> None:
        first_rates: dict[tuple[str, bool], set[tuple[Decimal, str]]] = defaultdict(set)
        for p in Placement.objects.select_related("client"):
            rate = p.rates.order_by("valid_from").first()
            first_rates[(p.client.kind, p.start_date < datetime.date(2026, 1, 1))].add((rate.hourly_rate, rate.source))
        assert first_rates == {
            ("tenant", True): {(Decimal("52.50"), "rate_card")},
            ("tenant", False): {(Decimal("55.00"), "rate_card")},
            ("internal", True): {(Decimal("42.00"), "rate_card"), (Decimal("40.00"), "override")},
            ("internal", False): {(Decimal("44.00"), "rate_card")},
        }
        indexed = PlacementRate.objects.filter(valid_from=datetime.date(2026, 1, 1), source="override")
        assert sorted(indexed.values_list("placement__purpose", "hourly_rate")) == [
            ("Crediteurenadministratie", Decimal("44.00")),
            ("Secretariaat audit-team", Decimal("55.00")),
        ]

    def test_every_change_is_audited(self, demo: str) -> None:
        actions = dict(AuditEvent.objects.values_list("action").annotate(n=Count("id")).order_by())
        sheets = sheet_statuses()
        assert {
            a: actions.get(a) for a in ["pool.create", "secretary.create", "client.create", "rate_card.create"]
        } == {
            "pool.create": 1,
            "secretary.create": 15,
            "client.create": 11,
            "rate_card.create": 4,
        }
        assert {a: actions.get(a) for a in ["placement.create", "placement.end", "leave.create"]} == {
            "placement.create": 22,
            "placement.end": 7,
            "leave.create": 7,
        }
        deemed = Timesheet.objects.filter(approval_kind="deemed").count()
        assert actions["timesheet.submit"] == Timesheet.objects.exclude(status="open").count()
        assert actions["timesheet.approve"] == sheets["approved"] + sheets["invoiced"] - deemed
        assert actions["timesheet.deemed_approve"] == deemed
        assert actions["timesheet.backdate"] == deemed
        assert actions["timesheet.reject"] == 1
        # Every sheet was written through the grid, by its own secretary.
        saves = AuditEvent.objects.filter(action="timesheet.entries_save")
        assert {int(i) for i in saves.values_list("object_id", flat=True)} == set(
            Timesheet.objects.values_list("pk", flat=True)
        )
        owners = dict(Timesheet.objects.values_list("pk", "placement__secretary__user_id"))
        assert all(owners[int(e.object_id)] == e.actor_id for e in saves)
        # The invoicing is finance's, through the run, the manual draft and the credit notes.
        finance = User.objects.get(email=FINANCE)
        payments = Payment.objects.all()
        invoicing = AuditEvent.objects.filter(action__regex=r"^(invoice|invoice_run|credit_note)\.").exclude(
            action="invoice.pdf_store"
        )
        assert dict(invoicing.values_list("action").annotate(n=Count("id")).order_by()) == {
            "invoice_run.start": 12,
            "invoice.create": 72,  # 70 by the runs, the sponsor's by hand, and the 2 credit notes
            "invoice.lines_add": 71,
            "invoice.line_add": 1,
            "invoice.finalize": 71,  # 69 invoices and the 2 credit notes
            "credit_note.create": 2,
            # Each payment changes its receivable (the over-payment is its own event), so do the 2 credit notes.
            "invoice.payment_status": payments.count() - 1 + 2,
            "invoice.overpaid": 1,
        }
        assert dict(payments.values_list("method").annotate(n=Count("id")).order_by()) == {
            "bank_transfer": 35,
            "internal": 26,
        }
        assert actions["payment.payment"] == payments.count()
        assert set(AuditEvent.objects.filter(action="payment.payment").values_list("actor", flat=True)) == {finance.pk}
        assert dict(Receivable.objects.values_list("status").annotate(n=Count("pk")).order_by()) == {
            "open": 7,
            "partially_paid": 1,
            "paid": 61,
        }
        assert list(Receivable.objects.filter(overpaid=True).values_list("invoice__client__legal_name", flat=True)) == [
            "Brouwer & Partners Accountants B.V."
        ]
        assert set(invoicing.values_list("actor", flat=True)) == {finance.pk}
        assert actions["timesheet.invoice"] == 153  # 148 invoiced, 5 of them twice (released by a credit note)
        assert actions["timesheet.release"] == 5
        assert actions.get("invoice.email") is None
        # No actor: the deemed approvals (nobody approved, the limit passed) and the PDFs stored after commit.
        assert dict(
            AuditEvent.objects.filter(actor__isnull=True).values_list("action").annotate(n=Count("id")).order_by()
        ) == {"timesheet.deemed_approve": deemed, "invoice.pdf_store": 71}

    def test_no_secretary_is_overbooked_in_any_week(self, demo: str) -> None:
        assert Leave.objects.count() == 7
        assert overbooked_weeks(TODAY) == []

    @pytest.mark.parametrize("spec", DEMO_USERS, ids=lambda u: u.email)
    def test_every_demo_login_authenticates_with_the_demo_password(self, demo: str, spec: Any) -> None:
        request = RequestFactory().post("/api/v1/auth/login/")
        user = authenticate(request, username=spec.email, password=DEMO_PASSWORD)
        assert user is not None
        assert user.email == spec.email
        assert authenticate(request, username=spec.email, password="wrong-password") is None
        if spec.role is None:
            assert (user.is_superuser, user.is_staff, user.role_set) == (True, True, set())
        else:
            assert (user.is_superuser, user.is_staff, user.role_set) == (False, False, {spec.role})

    def test_only_the_demo_logins_have_a_password(self, demo: str) -> None:
        with_password = sorted(u.email for u in User.objects.all() if u.has_usable_password())
        assert with_password == sorted(u.email for u in DEMO_USERS)

    def test_the_demo_secretary_and_approver_have_placements_to_look_at(self, demo: str) -> None:
        secretary = Secretary.objects.get(user__email=demo_user(Role.SECRETARY).email)
        assert secretary.placements.filter(status=PlacementStatus.ACTIVE).exists()
        assert secretary.placements.filter(status=PlacementStatus.ENDED).exists()
        approver = User.objects.get(email=demo_user(Role.CLIENT_APPROVER).email)
        clients = list(approver.approver_clients.all())
        assert sorted(c.legal_name for c in clients) == [
            "Brouwer & Partners Accountants B.V.",
            "Van Dijk Advocaten B.V.",
        ]
        assert all(c.kind == "tenant" and c.placements.exists() for c in clients)

    def test_every_client_with_placements_has_approvers_and_the_demo_approver_the_busiest_tenant(
        self, demo: str
    ) -> None:
        with_placements = Client.objects.filter(placements__isnull=False).distinct()
        assert with_placements.count() == 10
        for client in with_placements:
            approvers = list(client.approvers.all())
            assert len(approvers) == 1, client
            assert approvers[0].is_client_approver and approvers[0].is_active, client
        tenants = Client.objects.filter(kind="tenant").annotate(n=Count("placements")).order_by("-n", "legal_name")
        busiest = tenants[0]
        assert (busiest.legal_name, busiest.n) == ("Van Dijk Advocaten B.V.", 4)
        assert [u.email for u in busiest.approvers.all()] == [APPROVER]

    # The hours.

    def test_hours_lie_on_working_days_of_active_or_ended_placements_up_to_yesterday(self, demo: str) -> None:
        leave = {
            (leave.secretary_id, leave.start_date + datetime.timedelta(days=n))
            for leave in Leave.objects.all()
            for n in range((leave.end_date - leave.start_date).days + 1)
        }
        entries = list(TimeEntry.objects.select_related("timesheet__placement"))
        assert len(entries) == 2003
        for e in entries:
            p = e.timesheet.placement
            assert p.status in ("active", "ended"), e
            assert e.date < TODAY, e
            assert e.date.weekday() < 5, e
            assert p.start_date <= e.date and (p.end_date is None or e.date <= p.end_date), e
            assert e.timesheet.period_start <= e.date <= e.timesheet.period_end, e
            assert (p.secretary_id, e.date) not in leave, e
            assert e.hours > 0 and e.hours * 4 == int(e.hours * 4), e
        logged = {e.timesheet.placement_id for e in entries}
        assert logged == set(Placement.objects.filter(status__in=["active", "ended"]).values_list("pk", flat=True))
        assert max(e.date for e in entries) == datetime.date(2026, 6, 12)  # Friday; the weekend has no hours

    def test_no_day_is_over_the_daily_cap(self, demo: str) -> None:
        assert days_over_the_cap() == []

    def test_a_full_week_of_work_is_the_placements_hours_per_week(self, demo: str) -> None:
        leave_weeks = set()
        for leave in Leave.objects.all():
            day = leave.start_date
            while day <= leave.end_date:
                leave_weeks.add((leave.secretary_id, day - datetime.timedelta(days=day.weekday())))
                day += datetime.timedelta(days=1)
        weeks: dict[tuple[int, datetime.date], Decimal] = defaultdict(Decimal)
        days: dict[tuple[int, datetime.date], int] = defaultdict(int)
        for e in TimeEntry.objects.select_related("timesheet__placement"):
            key = (e.timesheet.placement_id, e.date - datetime.timedelta(days=e.date.weekday()))
            weeks[key] += e.hours
            days[key] += 1
        placements = {p.pk: p for p in Placement.objects.all()}
        checked = 0
        for (pk, monday), total in weeks.items():
            p = placements[pk]
            if days[(pk, monday)] == 5 and (p.secretary_id, monday) not in leave_weeks:
                assert total == p.hours_per_week, (p, monday)
                checked += 1
        assert checked == 399

    def test_a_day_of_eight_hours_a_week_is_one_and_a_half_to_two_hours(self, demo: str) -> None:
        hours = TimeEntry.objects.filter(timesheet__placement__hours_per_week=8).values_list("hours", flat=True)
        assert set(hours) == {Decimal("1.50"), Decimal("1.75"), Decimal("2.00")}

    def test_descriptions_are_short_and_in_the_clients_language(self, demo: str) -> None:
        described: dict[str, set[str]] = defaultdict(set)
        for language, text in TimeEntry.objects.values_list(
            "timesheet__placement__client__invoice_language", "description"
        ):
            described[language].add(text)
        assert described == {"nl": DUTCH, "en": ENGLISH}

    def test_the_periods_before_the_last_are_approved_by_the_clients_approver_and_mostly_invoiced(
        self, demo: str
    ) -> None:
        sheets = list(Timesheet.objects.select_related("placement__client", "placement__secretary__user"))
        earlier = [
            s for s in sheets if s.period_end < (W24[0] if s.placement.client.approval_period == "weekly" else MAY[0])
        ]
        assert len(earlier) == 151
        for s in earlier:
            # Invoiced when the period ends by 31 May (the May run); the sheets of 1-7 June wait for June's.
            invoiced = s.period_end <= MAY[1]
            assert s.status == (TimesheetStatus.INVOICED if invoiced else TimesheetStatus.APPROVED), s
            assert s.submitted_by == s.placement.secretary.user, s
            if s.approval_kind == "deemed":
                assert (s.approved_by, s.approval_ip) == (None, None), s
            else:
                assert s.approval_kind == "explicit", s
                assert [s.approved_by] == list(s.placement.client.approvers.all()), s
                assert s.approval_ip == IP, s
        by_demo_approver = [s for s in earlier if s.approved_by and s.approved_by.email == APPROVER]
        assert len(by_demo_approver) == 58
        assert {s.placement.client.legal_name for s in by_demo_approver} == {
            "Van Dijk Advocaten B.V.",
            "Brouwer & Partners Accountants B.V.",
        }

    def test_every_approved_sheet_carries_the_hash_of_its_entries(self, demo: str) -> None:
        statuses = sheet_statuses()
        assert (statuses["approved"], statuses["invoiced"]) == (3, 148)
        assert hash_mismatches() == []

    def test_the_last_period_is_partly_submitted_and_waits_for_the_approvers(self, demo: str) -> None:
        assert sheet_rows(TimesheetStatus.SUBMITTED) == [
            ("daan.hendriks@secondo.demo", "Van Dijk Advocaten B.V.", *W24),
            ("esther.bos@secondo.demo", "Brouwer & Partners Accountants B.V.", *MAY),
            ("eva.vandenberg@secondo.demo", "Rheinland Logistik GmbH", *MAY),
            ("fatima.elamrani@secondo.demo", "Noordzee Energie B.V.", *MAY),
            ("marieke.visser@secondo.demo", "Financiën & Control", *MAY),
            ("noor.smit@secondo.demo", "Rheinland Logistik GmbH", *MAY),
            ("petra.deboer@secondo.demo", "Kade Architecten B.V.", *W24),
            (SECRETARY, "Communicatie & Marketing", *MAY),
        ]
        approver = User.objects.get(email=APPROVER)
        inbox = approval_inbox(user=approver)
        assert [(s.placement.secretary.user.email, s.period_start, s.total_hours) for s in inbox] == [
            ("esther.bos@secondo.demo", MAY[0], Decimal("84.00")),
            ("daan.hendriks@secondo.demo", W24[0], Decimal("8.00")),
        ]
        # Every submitted sheet is in some approver's inbox.
        pending = {s.pk for u in User.objects.filter(is_client_approver=True) for s in approval_inbox(user=u)}
        assert pending == set(Timesheet.objects.filter(status="submitted").values_list("pk", flat=True))

    def test_the_rest_is_open_the_running_period_and_some_of_the_last(self, demo: str) -> None:
        june = (datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
        assert sheet_rows(TimesheetStatus.OPEN) == sorted(
            [
                ("ingrid.meijer@secondo.demo", "Facilitair Bedrijf", *MAY),
                ("eva.vandenberg@secondo.demo", "Financiën & Control", *MAY),
                ("lotte.jansen@secondo.demo", "Brouwer & Partners Accountants B.V.", *MAY),
                ("yvonne.mulder@secondo.demo", "Communicatie & Marketing", *MAY),
                ("esther.bos@secondo.demo", "Brouwer & Partners Accountants B.V.", *june),
                ("eva.vandenberg@secondo.demo", "Financiën & Control", *june),
                ("eva.vandenberg@secondo.demo", "Rheinland Logistik GmbH", *june),
                ("fatima.elamrani@secondo.demo", "Noordzee Energie B.V.", *june),
                ("ingrid.meijer@secondo.demo", "Facilitair Bedrijf", *june),
                ("lotte.jansen@secondo.demo", "Brouwer & Partners Accountants B.V.", *june),
                ("marieke.visser@secondo.demo", "Financiën & Control", *june),
                ("noor.smit@secondo.demo", "Rheinland Logistik GmbH", *june),
                (SECRETARY, "Communicatie & Marketing", *june),
            ]
        )
        assert sheet_statuses() == {"open": 13, "submitted": 8, "approved": 3, "invoiced": 148, "rejected": 1}
        assert not Timesheet.objects.filter(period_start__gt=TODAY).exists()

    def test_exactly_one_sheet_is_rejected_the_demo_secretarys_with_the_reason(self, demo: str) -> None:
        rejected = Timesheet.objects.select_related("placement__client", "rejected_by", "submitted_by").get(
            status=TimesheetStatus.REJECTED
        )
        assert (rejected.placement.client.legal_name, rejected.period_start, rejected.period_end) == (
            "Van Dijk Advocaten B.V.",
            *W24,
        )
        assert rejected.rejection_reason == "Uren op 10 juni kloppen niet / hours on 10 June look wrong"
        assert rejected.entries.filter(date=datetime.date(2026, 6, 10)).exists()
        assert (rejected.rejected_by.email, rejected.submitted_by.email) == (APPROVER, SECRETARY)
        assert rejected.approved_at is None and rejected.approval_hash == ""
        secretary = User.objects.get(email=SECRETARY)
        assert list(timesheet_list_for(user=secretary).filter(status="rejected")) == [rejected]

    def test_one_client_has_deemed_approval_and_its_lapsed_sheets_are_deemed_approved(self, demo: str) -> None:
        assert list(
            Client.objects.filter(deemed_approval_days__isnull=False).values_list("legal_name", "deemed_approval_days")
        ) == [("Kade Architecten B.V.", 5)]
        deemed = list(
            Timesheet.objects.filter(approval_kind="deemed").select_related(
                "placement__client", "placement__secretary__user"
            )
        )
        assert sorted((s.placement.secretary.user.email, s.period_start, s.period_end) for s in deemed) == [
            ("petra.deboer@secondo.demo", datetime.date(2026, 5, 25), datetime.date(2026, 5, 31)),
            ("sanne.bakker@secondo.demo", datetime.date(2026, 4, 27), datetime.date(2026, 5, 3)),
        ]
        for s in deemed:
            handed_in = add_working_days(s.period_end, 1)
            assert timezone.localtime(s.submitted_at) == timezone.make_aware(
                datetime.datetime.combine(handed_in, datetime.time(9))
            ), s
            assert deemed_approval_due(timesheet=s) <= TODAY, s
            assert (s.status, s.approved_by, s.approval_ip) == ("invoiced", None, None), s
            backdate = AuditEvent.objects.get(action="timesheet.backdate", object_id=str(s.pk))
            assert backdate.actor.email == "admin@secondo.demo"
            assert backdate.after == {"submitted_at": timezone.localtime(s.submitted_at).isoformat()}
            assert backdate.reason.startswith("Demo history: ")
            assert (
                AuditEvent.objects.filter(action="timesheet.deemed_approve", object_id=str(s.pk), actor=None).count()
                == 1
            )
        # Its sheet of the last ended week waits, not yet due.
        waiting = Timesheet.objects.get(placement__client__deemed_approval_days=5, status="submitted")
        assert deemed_approval_due(timesheet=waiting) == datetime.date(2026, 6, 23)

    # The invoices.

    def test_each_month_up_to_april_is_invoiced_by_a_run_and_finalised_today_by_finance(self, demo: str) -> None:
        finance = User.objects.get(email=FINANCE)
        runs = list(InvoiceRun.objects.order_by("period_start"))
        months = [datetime.date(2025, m, 1) for m in range(6, 13)] + [datetime.date(2026, m, 1) for m in range(1, 6)]
        assert [r.period_start for r in runs] == months
        assert [(r.invoice_count, r.line_count, r.timesheet_count) for r in runs] == [
            (2, 2, 2),
            (3, 4, 4),
            (4, 8, 8),
            (5, 8, 8),
            (6, 9, 9),
            (7, 12, 12),
            (7, 12, 12),
            (9, 17, 17),
            (9, 16, 16),
            (9, 24, 24),
            (8, 28, 28),
            (2, 13, 13),  # May: drafts
        ]
        assert {(r.started_by, r.client) for r in runs} == {(finance, None)}
        finalised = list(
            Invoice.objects.filter(status="finalised").exclude(kind="credit_note").select_related("client", "run")
        )
        assert len(finalised) == 69
        assert sorted({i.kind for i in finalised}) == ["internal", "invoice"]
        assert sum(i.kind == "internal" for i in finalised) == 29
        for i in finalised:
            assert i.run is not None and (i.period_start, i.period_end) == (i.run.period_start, i.run.period_end), i
            assert i.period_start <= datetime.date(2026, 4, 1), i
            assert i.kind == ("internal" if i.client.kind == "internal" else "invoice"), i
            # Finalising issues today: the history is issued on the day the demo is loaded.
            assert (i.issue_date, i.due_date) == (TODAY, TODAY + datetime.timedelta(days=i.client.payment_term_days))
            assert (i.created_by, i.finalised_by) == (finance, finance), i
            assert i.customer["legal_name"] == i.client.legal_name, i
            assert i.emailed_at is None, i  # the history is not e-mailed
        assert not AuditEvent.objects.filter(action="invoice.email").exists()

    def test_numbers_are_gapless_per_series_in_the_year_of_issue(self, demo: str) -> None:
        sequences: dict[str, list[int]] = defaultdict(list)
        for series, year, sequence, number in (
            Invoice.objects.filter(status="finalised")
            .order_by("pk")
            .values_list("series", "year", "sequence", "number")
        ):
            assert year == 2026
            prefix = {"invoice": "", "internal": "IR-", "credit_note": "CN-"}[series]
            assert number == f"{prefix}2026-{sequence:05d}"
            sequences[series].append(sequence)
        assert sequences == {
            "invoice": list(range(1, 41)),
            "internal": list(range(1, 30)),
            "credit_note": [1, 2],
        }
        assert sorted(InvoiceCounter.objects.values_list("series", "year", "last_number")) == [
            ("credit_note", 2026, 2),
            ("internal", 2026, 29),
            ("invoice", 2026, 40),
        ]

    def test_every_approved_hour_up_to_may_is_invoiced_once_net_of_the_credit_notes(self, demo: str) -> None:
        billed = dict(
            InvoiceLine.objects.exclude(timesheet=None).values_list("timesheet").annotate(q=Sum("quantity")).order_by()
        )
        worked = dict(
            TimeEntry.objects.filter(timesheet__status="invoiced")
            .values_list("timesheet")
            .annotate(h=Sum("hours"))
            .order_by()
        )
        assert set(billed) == set(worked)
        partly_credited = InvoiceLine.objects.get(invoice__number="CN-2026-00002").timesheet_id
        assert {pk: worked[pk] - billed[pk] for pk in worked if worked[pk] != billed[pk]} == {
            partly_credited: Decimal("2.00")
        }
        # What is still approved lies after May, for June's run.
        assert sheet_rows(TimesheetStatus.APPROVED) == [
            (
                "daan.hendriks@secondo.demo",
                "Van Dijk Advocaten B.V.",
                datetime.date(2026, 6, 1),
                datetime.date(2026, 6, 7),
            ),
            (
                "petra.deboer@secondo.demo",
                "Kade Architecten B.V.",
                datetime.date(2026, 6, 1),
                datetime.date(2026, 6, 7),
            ),
            (SECRETARY, "Van Dijk Advocaten B.V.", datetime.date(2026, 6, 1), datetime.date(2026, 6, 7)),
        ]

    def test_a_full_credit_note_releases_march_at_van_dijk_and_aprils_run_invoices_the_hours_anew(
        self, demo: str
    ) -> None:
        note = Invoice.objects.select_related("credited_invoice__client").get(number="CN-2026-00001")
        original = note.credited_invoice
        assert (original.number, original.client.legal_name, original.period_start) == (
            "2026-00031",
            "Van Dijk Advocaten B.V.",
            datetime.date(2026, 3, 1),
        )
        assert (note.kind, note.status, note.releases_hours, note.created_by.email) == (
            "credit_note",
            "finalised",
            True,
            FINANCE,
        )
        assert note.reason == (
            "Op verzoek van de klant gecrediteerd: deze uren worden opnieuw gefactureerd, "
            "samen met die van de maand erna."
        )
        assert (note.net_total, note.vat_total, note.total) == (
            Decimal("-4400.00"),
            Decimal("-924.00"),
            Decimal("-5324.00"),
        )
        assert (original.net_total, original.vat_total, original.total) == (
            -note.net_total,
            -note.vat_total,
            -note.total,
        )
        assert set(invoice_creditable(invoice=original).values()) == {Decimal(0)}
        released = set(original.lines.values_list("timesheet", flat=True))
        assert len(released) == 5
        releases = AuditEvent.objects.filter(action="timesheet.release")
        assert {int(pk) for pk in releases.values_list("object_id", flat=True)} == released
        assert set(releases.values_list("reason", flat=True)) == {
            "Credited in full by CN-2026-00001: to be invoiced anew."
        }
        # April's run came after the credit note and invoiced the released hours with April's.
        april = Invoice.objects.get(number="2026-00036")
        assert (april.client, april.period_start, april.pk > note.pk) == (
            original.client,
            datetime.date(2026, 4, 1),
            True,
        )
        again = april.lines.filter(timesheet__in=released)
        assert again.count() == 5 and april.lines.count() == 9
        assert sorted(again.values_list("timesheet", "quantity", "amount")) == sorted(
            original.lines.values_list("timesheet", "quantity", "amount")
        )
        assert (april.net_total, april.total) == (Decimal("7920.00"), Decimal("9583.20"))

    def test_a_partial_credit_note_takes_two_hours_off_one_line_of_brouwers_april_invoice(self, demo: str) -> None:
        note = Invoice.objects.select_related("credited_invoice__client").get(number="CN-2026-00002")
        original = note.credited_invoice
        assert (original.number, original.client.legal_name, original.period_start) == (
            "2026-00038",
            "Brouwer & Partners Accountants B.V.",
            datetime.date(2026, 4, 1),
        )
        assert (note.releases_hours, note.reason) == (
            False,
            "Twee uur dubbel geschreven; deze uren worden gecrediteerd.",
        )
        [line] = note.lines.select_related("credited_line")
        assert line.credited_line.invoice_id == original.pk and line.credited_line.position == 1
        assert (line.description, line.timesheet_id) == (
            line.credited_line.description,
            line.credited_line.timesheet_id,
        )
        assert (line.quantity, line.unit_price, line.amount, line.vat_rate) == (
            Decimal("-2.00"),
            Decimal("55.00"),
            Decimal("-110.00"),
            Decimal("21.00"),
        )
        assert (note.net_total, note.vat_total, note.total) == (
            Decimal("-110.00"),
            Decimal("-23.10"),
            Decimal("-133.10"),
        )
        remaining = invoice_creditable(invoice=original)
        assert remaining == {
            ln.pk: ln.quantity - (Decimal("2.00") if ln.position == 1 else 0) for ln in original.lines.all()
        }
        assert Timesheet.objects.get(pk=line.timesheet_id).status == "invoiced"  # no hours released

    def test_may_waits_as_drafts_for_finance_and_a_sponsor_has_a_manual_draft(self, demo: str) -> None:
        drafts = list(Invoice.objects.filter(status="draft").select_related("client", "run").order_by("pk"))
        assert [
            (d.client.legal_name, d.kind, d.period_start, d.lines.count(), d.net_total, d.vat_total, d.total)
            for d in drafts
        ] == [
            (
                "Van Dijk Advocaten B.V.",
                "invoice",
                MAY[0],
                7,
                Decimal("5280.00"),
                Decimal("1108.80"),
                Decimal("6388.80"),
            ),
            ("Kade Architecten B.V.", "invoice", MAY[0], 6, Decimal("3250.00"), Decimal("682.50"), Decimal("3932.50")),
            (SPONSOR, "invoice", None, 1, Decimal("750.00"), Decimal("157.50"), Decimal("907.50")),
        ]
        may_run = InvoiceRun.objects.get(period_start=MAY[0])
        assert [d.run for d in drafts] == [may_run, may_run, None]
        for d in drafts:
            assert (d.number, d.sequence, d.issue_date, d.pdf.name, d.pdf_sha256) == ("", None, None, "", ""), d
        # Only weekly clients' May is approved yet: the monthly clients' May waits in the approval inbox.
        assert {d.client.approval_period for d in drafts[:2]} == {"weekly"}
        sponsor = Client.objects.get(legal_name=SPONSOR)
        assert (sponsor.kind, sponsor.vat_treatment, sponsor.active) == ("tenant", "standard", True)
        assert not sponsor.placements.exists() and not sponsor.approvers.exists()
        [line] = drafts[2].lines.all()
        assert (line.kind, line.description, line.quantity, line.unit_price, line.amount, line.vat_rate) == (
            "manual",
            "Sponsoring Secretaressedag 2026",
            Decimal("1.00"),
            Decimal("750.00"),
            Decimal("750.00"),
            Decimal("21.00"),
        )
        assert drafts[2].created_by.email == FINANCE

    def test_every_finalised_invoice_has_its_pdf_rendered_after_the_commit(self, demo: str) -> None:
        finalised = list(
            invoices_for_documents(
                invoice_ids=list(Invoice.objects.filter(status="finalised").values_list("pk", flat=True))
            )
        )
        assert len(finalised) == 71
        for invoice in finalised:
            assert invoice.pdf.name.startswith(f"invoices/2026/{invoice.number}") and invoice.pdf.name.endswith(".pdf")
            with default_storage.open(invoice.pdf.name) as f:
                stored = f.read()
            assert hashlib.sha256(stored).hexdigest() == invoice.pdf_sha256, invoice
            assert stored == invoice_pdf_bytes(invoice_document(invoice=invoice)), (
                invoice
            )  # rendered once, reproducible
        stores = AuditEvent.objects.filter(action="invoice.pdf_store")
        assert sorted(int(pk) for pk in stores.values_list("object_id", flat=True)) == sorted(i.pk for i in finalised)

    def test_deem_approvals_afterwards_finds_nothing_due(self, demo: str) -> None:
        out = StringIO()
        call_command("deem_approvals", stdout=out)
        assert out.getvalue() == "0 timesheet(s) deemed approved.\n"

    def test_a_second_run_changes_nothing_and_says_so(self, demo: str) -> None:
        before = counts()
        snapshot = placements_snapshot()
        hours = hours_snapshot()
        invoices = invoices_snapshot()
        pdfs = sorted(Invoice.objects.values_list("pdf", "pdf_sha256"))
        with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
            output = seed()
        assert output.startswith("The demo is already loaded (pool 'Secretariaat Centraal' exists); nothing changed.\n")
        assert callbacks == []
        assert counts() == before
        assert placements_snapshot() == snapshot
        assert hours_snapshot() == hours
        assert invoices_snapshot() == invoices
        assert sorted(Invoice.objects.values_list("pdf", "pdf_sha256")) == pdfs

    def test_prints_a_summary(self, loaded: Loaded) -> None:
        # How long the load takes is a figure for bench/, never a timed assertion here.
        assert loaded.output.splitlines() == [
            "Demo data loaded around 2026-06-15.",
            "  pool: Secretariaat Centraal (CC-4100), managed by manager@secondo.demo",
            "  secretaries: 15",
            "  clients: 7 tenants, 4 internal",
            "  rate cards: 4",
            "  placements: 22 (3 draft, 12 active, 7 ended)",
            "  leave: 7",
            "  timesheets: 173 (13 open, 8 submitted, 3 approved, 1 rejected, 148 invoiced; 2 deemed approved)",
            "  time entries: 2003 (4790.75 h)",
            "  invoices: 69 finalised (29 internal recharges), 3 drafts, 2 credit notes; "
            "invoiced € 189.943,15 excl. VAT",
            "  payments: 61 ledger rows, € 179.170,21 received; "
            "receivables: 7 open, 1 partially paid, 61 paid, 0 overdue, 1 over-paid",
            # Here the PDFs are stored after the summary (the captured after-commit work runs last).
            f"  audit events: {AuditEvent.objects.exclude(action='invoice.pdf_store').count()}",
            "Logins: python manage.py demo_logins",
        ]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), datetime.date(2027, 3, 3)],
    ids=str,
)
def test_loads_within_capacity_and_with_a_history_of_hours_and_invoices_on_other_dates(day: datetime.date) -> None:
    with (
        time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        seed()
    assert Placement.objects.count() == 22
    assert not CapacityOverride.objects.exists()
    assert overbooked_weeks(day) == []
    assert not TimeEntry.objects.filter(date__gte=day).exists()
    assert days_over_the_cap() == []
    assert hash_mismatches() == []
    statuses = sheet_statuses()
    assert statuses.get("approved", 0) + statuses["invoiced"] > 100
    assert statuses["rejected"] == 1
    assert Timesheet.objects.get(status="rejected").placement.secretary.user.email == SECRETARY
    assert Timesheet.objects.filter(approval_kind="deemed").exists()
    assert approval_inbox(user=User.objects.get(email=APPROVER)).exists()
    # The invoices: finalised up to two months ago (issued today, with their PDFs), last month in drafts.
    last_month = (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert not Timesheet.objects.filter(status="approved", period_end__lt=day.replace(day=1)).exists()
    finalised = Invoice.objects.filter(status="finalised")
    assert finalised.exclude(kind="credit_note").count() > 50
    assert not finalised.filter(period_start__gte=last_month).exists()
    assert set(finalised.values_list("issue_date", flat=True)) == {day}
    assert not finalised.filter(pdf_sha256="").exists()
    for series in ("invoice", "internal", "credit_note"):
        sequences = list(finalised.filter(series=series).order_by("pk").values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), series
    assert sorted(finalised.filter(kind="credit_note").values_list("releases_hours", flat=True)) == [False, True]
    assert sorted(
        Invoice.objects.filter(status="draft").values_list("client__legal_name", "period_start"), key=str
    ) == [
        ("Kade Architecten B.V.", last_month),
        (SPONSOR, None),
        ("Van Dijk Advocaten B.V.", last_month),
    ]


def test_two_loads_on_the_same_day_give_the_same_data() -> None:
    with transaction.atomic():
        seed()
        first = placements_snapshot()
        first_hours = hours_snapshot()
        first_invoices = invoices_snapshot()
        first_counts = counts()
        transaction.set_rollback(True)
    assert Pool.objects.count() == 0
    assert Timesheet.objects.count() == 0
    assert Invoice.objects.count() == 0
    seed()
    assert placements_snapshot() == first
    assert hours_snapshot() == first_hours
    assert invoices_snapshot() == first_invoices
    assert counts() == first_counts


def test_demo_logins_prints_every_login_and_the_urls() -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for spec in DEMO_USERS:
        line = next(line for line in text.splitlines() if line.startswith(spec.email + " "))
        assert DEMO_PASSWORD in line
        assert spec.label in line
        assert spec.try_first in line
    for url in ("http://127.0.0.1:8000/\n", "http://127.0.0.1:8000/api/docs/\n", "http://127.0.0.1:8000/admin/\n"):
        assert url in text
    assert [u.email for u in DEMO_USERS] == [
        "manager@secondo.demo",
        "secretary@secondo.demo",
        "approver@secondo.demo",
        "finance@secondo.demo",
        "director@secondo.demo",
        "admin@secondo.demo",
    ]
