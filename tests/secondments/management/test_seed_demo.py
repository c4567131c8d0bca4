"""The demo data (secondments/management/commands/seed_demo.py) and its logins (demo_logins.py).

The clock is pinned to Monday 2026-06-15, so the demo lies between 2025-06 and 2026-09.
"""

import datetime
import time
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from stdnum.eu import vat as eu_vat

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.models import AuditEvent
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
)
from secondments.selectors.capacity import secretaries_capacity

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
MATERNITY = "Zwangerschapsverlof / maternity cover"
MODELS = [User, Pool, Secretary, Client, RateCard, Placement, PlacementRate, CapacityOverride, Leave, AuditEvent]


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


@pytest.fixture
def demo() -> str:
    return seed()


def test_loads_one_pool_managed_by_the_demo_manager(demo: str) -> None:
    pool = Pool.objects.get()
    assert (pool.name, pool.cost_centre) == (DEMO_POOL_NAME, "CC-4100")
    assert [u.email for u in pool.managers.all()] == ["manager@secondo.demo"]


def test_loads_fifteen_secretaries_with_mixed_contracts(demo: str) -> None:
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


def test_loads_six_tenants_with_valid_registration_and_four_internal_departments(demo: str) -> None:
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


def test_loads_a_yearly_indexation_per_client_kind(demo: str) -> None:
    cards = sorted(RateCard.objects.values_list("client_kind", "valid_from", "hourly_rate"))
    assert cards == [
        ("internal", datetime.date(2025, 1, 1), Decimal("42.00")),
        ("internal", datetime.date(2026, 1, 1), Decimal("44.00")),
        ("tenant", datetime.date(2025, 1, 1), Decimal("52.50")),
        ("tenant", datetime.date(2026, 1, 1), Decimal("55.00")),
    ]


def test_loads_placements_over_the_past_year_ended_running_and_draft(demo: str) -> None:
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


def test_loads_one_maternity_cover_running_today(demo: str) -> None:
    cover = Placement.objects.select_related("client").get(purpose=MATERNITY)
    assert cover.status == PlacementStatus.ACTIVE
    assert cover.client.kind == "tenant"
    assert cover.start_date < TODAY < cover.end_date


def test_rates_follow_the_card_in_force_at_the_start_and_the_indexation(demo: str) -> None:
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


def test_every_change_is_audited(demo: str) -> None:
    actions = dict.fromkeys(
        ["pool.create", "secretary.create", "client.create", "rate_card.create", "placement.create", "leave.create"]
    )
    for action in actions:
        actions[action] = AuditEvent.objects.filter(action=action).count()
    assert actions == {
        "pool.create": 1,
        "secretary.create": 15,
        "client.create": 10,
        "rate_card.create": 4,
        "placement.create": 22,
        "leave.create": 7,
    }
    assert AuditEvent.objects.filter(action="placement.end").count() == 7
    assert AuditEvent.objects.filter(actor__isnull=True).count() == 0


def test_no_secretary_is_overbooked_in_any_week(demo: str) -> None:
    assert Leave.objects.count() == 7
    assert overbooked_weeks(TODAY) == []


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), datetime.date(2027, 3, 3)],
    ids=str,
)
def test_loads_within_capacity_on_other_dates(day: datetime.date) -> None:
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
        seed()
    assert Placement.objects.count() == 22
    assert not CapacityOverride.objects.exists()
    assert overbooked_weeks(day) == []


@pytest.mark.parametrize("spec", DEMO_USERS, ids=lambda u: u.email)
def test_every_demo_login_authenticates_with_the_demo_password(demo: str, spec: Any) -> None:
    request = RequestFactory().post("/api/v1/auth/login/")
    user = authenticate(request, username=spec.email, password=DEMO_PASSWORD)
    assert user is not None
    assert user.email == spec.email
    assert authenticate(request, username=spec.email, password="wrong-password") is None
    if spec.role is None:
        assert (user.is_superuser, user.is_staff, user.role_set) == (True, True, set())
    else:
        assert (user.is_superuser, user.is_staff, user.role_set) == (False, False, {spec.role})


def test_only_the_demo_logins_have_a_password(demo: str) -> None:
    with_password = sorted(u.email for u in User.objects.all() if u.has_usable_password())
    assert with_password == sorted(u.email for u in DEMO_USERS)


def test_the_demo_secretary_and_approver_have_placements_to_look_at(demo: str) -> None:
    secretary = Secretary.objects.get(user__email=demo_user(Role.SECRETARY).email)
    assert secretary.placements.filter(status=PlacementStatus.ACTIVE).exists()
    assert secretary.placements.filter(status=PlacementStatus.ENDED).exists()
    approver = User.objects.get(email=demo_user(Role.CLIENT_APPROVER).email)
    clients = list(approver.approver_clients.all())
    assert sorted(c.legal_name for c in clients) == ["Brouwer & Partners Accountants B.V.", "Van Dijk Advocaten B.V."]
    assert all(c.kind == "tenant" and c.placements.exists() for c in clients)


def test_a_second_run_changes_nothing_and_says_so(demo: str) -> None:
    before = counts()
    snapshot = placements_snapshot()
    output = seed()
    assert output.startswith("The demo is already loaded (pool 'Secretariaat Centraal' exists); nothing changed.\n")
    assert counts() == before
    assert placements_snapshot() == snapshot


def test_two_loads_on_the_same_day_give_the_same_data() -> None:
    with transaction.atomic():
        seed()
        first = placements_snapshot()
        first_counts = counts()
        transaction.set_rollback(True)
    assert Pool.objects.count() == 0
    seed()
    assert placements_snapshot() == first
    assert counts() == first_counts


def test_prints_a_summary_and_runs_quickly() -> None:
    started = time.perf_counter()
    output = seed()
    assert time.perf_counter() - started < 15
    assert output.splitlines() == [
        "Demo data loaded around 2026-06-15.",
        "  pool: Secretariaat Centraal (CC-4100), managed by manager@secondo.demo",
        "  secretaries: 15",
        "  clients: 6 tenants, 4 internal",
        "  rate cards: 4",
        "  placements: 22 (3 draft, 12 active, 7 ended)",
        "  leave: 7",
        f"  audit events: {AuditEvent.objects.count()}",
        "Logins: python manage.py demo_logins",
    ]


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
