"""The demo data (secondments/management/commands/seed_demo.py) and its logins (demo_logins.py).

The clock is pinned to Monday 2026-06-15, so the demo lies between 2025-06 and 2026-09.
Its hours run up to Sunday 2026-06-14: the last ended periods are May (monthly
clients) and ISO week 2026-W24 (8-14 June, weekly clients).

Loading the demo takes seconds, so the tests that only read it share one load
(``TestTheLoadedDemo``, rolled back after the class); the tests outside the
class load it themselves into an empty database.
"""

import datetime
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import RequestFactory
from django.utils import timezone
from stdnum.eu import vat as eu_vat

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.models import AuditEvent
from backend.core.periods import add_working_days
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
    AuditEvent,
]
MAY = (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
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
    """Approved sheets whose recorded SHA-256 is not that of their entries."""
    return [
        sheet.pk
        for sheet in Timesheet.objects.filter(status=TimesheetStatus.APPROVED)
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
    seconds: float


@pytest.fixture(scope="class")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Loaded]:
    """One load of the demo for a whole test class; rolled back when the class is done."""
    with django_db_blocker.unblock(), time_machine.travel(PINNED, tick=False), transaction.atomic():
        started = time.perf_counter()
        output = seed()
        yield Loaded(output=output, seconds=time.perf_counter() - started)
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

    def test_loads_six_tenants_with_valid_registration_and_four_internal_departments(self, demo: str) -> None:
        tenants = list(Client.objects.filter(kind="tenant"))
        internal = list(Client.objects.filter(kind="internal"))
        assert len(tenants) == 6
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
            "client.create": 10,
            "rate_card.create": 4,
        }
        assert {a: actions.get(a) for a in ["placement.create", "placement.end", "leave.create"]} == {
            "placement.create": 22,
            "placement.end": 7,
            "leave.create": 7,
        }
        deemed = Timesheet.objects.filter(approval_kind="deemed").count()
        assert actions["timesheet.submit"] == Timesheet.objects.exclude(status="open").count()
        assert actions["timesheet.approve"] == sheets["approved"] - deemed
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
        # Only the deemed approvals have no actor: nobody approved them, the limit passed.
        assert (
            sorted(AuditEvent.objects.filter(actor__isnull=True).values_list("action", flat=True))
            == ["timesheet.deemed_approve"] * deemed
        )

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

    def test_the_periods_before_the_last_are_approved_by_the_clients_approver(self, demo: str) -> None:
        sheets = list(Timesheet.objects.select_related("placement__client", "placement__secretary__user"))
        earlier = [
            s for s in sheets if s.period_end < (W24[0] if s.placement.client.approval_period == "weekly" else MAY[0])
        ]
        assert len(earlier) == 151
        for s in earlier:
            assert s.status == TimesheetStatus.APPROVED, s
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
        assert sheet_statuses()["approved"] == 151
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
        assert sheet_statuses() == {"open": 13, "submitted": 8, "approved": 151, "rejected": 1}
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
            assert (s.status, s.approved_by, s.approval_ip) == ("approved", None, None), s
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

    def test_deem_approvals_afterwards_finds_nothing_due(self, demo: str) -> None:
        out = StringIO()
        call_command("deem_approvals", stdout=out)
        assert out.getvalue() == "0 timesheet(s) deemed approved.\n"

    def test_a_second_run_changes_nothing_and_says_so(self, demo: str) -> None:
        before = counts()
        snapshot = placements_snapshot()
        hours = hours_snapshot()
        output = seed()
        assert output.startswith("The demo is already loaded (pool 'Secretariaat Centraal' exists); nothing changed.\n")
        assert counts() == before
        assert placements_snapshot() == snapshot
        assert hours_snapshot() == hours

    def test_prints_a_summary_and_runs_quickly(self, loaded: Loaded) -> None:
        assert loaded.seconds < 15
        assert loaded.output.splitlines() == [
            "Demo data loaded around 2026-06-15.",
            "  pool: Secretariaat Centraal (CC-4100), managed by manager@secondo.demo",
            "  secretaries: 15",
            "  clients: 6 tenants, 4 internal",
            "  rate cards: 4",
            "  placements: 22 (3 draft, 12 active, 7 ended)",
            "  leave: 7",
            "  timesheets: 173 (13 open, 8 submitted, 151 approved, 1 rejected; 2 deemed approved)",
            "  time entries: 2003 (4790.75 h)",
            f"  audit events: {AuditEvent.objects.count()}",
            "Logins: python manage.py demo_logins",
        ]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), datetime.date(2027, 3, 3)],
    ids=str,
)
def test_loads_within_capacity_and_with_a_history_of_hours_on_other_dates(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
        seed()
    assert Placement.objects.count() == 22
    assert not CapacityOverride.objects.exists()
    assert overbooked_weeks(day) == []
    assert not TimeEntry.objects.filter(date__gte=day).exists()
    assert days_over_the_cap() == []
    assert hash_mismatches() == []
    statuses = sheet_statuses()
    assert statuses["approved"] > 100
    assert statuses["rejected"] == 1
    assert Timesheet.objects.get(status="rejected").placement.secretary.user.email == SECRETARY
    assert Timesheet.objects.filter(approval_kind="deemed").exists()
    assert approval_inbox(user=User.objects.get(email=APPROVER)).exists()


def test_two_loads_on_the_same_day_give_the_same_data() -> None:
    with transaction.atomic():
        seed()
        first = placements_snapshot()
        first_hours = hours_snapshot()
        first_counts = counts()
        transaction.set_rollback(True)
    assert Pool.objects.count() == 0
    assert Timesheet.objects.count() == 0
    seed()
    assert placements_snapshot() == first
    assert hours_snapshot() == first_hours
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
