"""``python manage.py seed_demo``: load the demo data, through the services (so every change is audited).

Deterministic for a given date (placements lie around ``timezone.localdate()``;
nothing random) and idempotent: when the demo pool exists the command says so
and changes nothing. Everything is loaded in one transaction, so a failed run
leaves no half demo behind.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import user_create
from backend.core.models import AuditEvent
from backend.core.services import audit_record, model_snapshot
from secondments.demo import DEMO_PASSWORD, DEMO_POOL_NAME, demo_user
from secondments.models import (
    ApprovalPeriod,
    Client,
    ClientKind,
    Leave,
    LeaveKind,
    Placement,
    PlacementStatus,
    Pool,
    RateCard,
    Secretary,
    VatTreatment,
)
from secondments.services.clients import client_create
from secondments.services.leave import leave_create
from secondments.services.placements import placement_change_rate, placement_create, placement_end
from secondments.services.pools import pool_create
from secondments.services.rate_cards import rate_card_create
from secondments.services.secretaries import secretary_create, secretary_set_employer_cost

POOL_COST_CENTRE = "CC-4100"
MATERNITY_COVER = "Zwangerschapsverlof / maternity cover"
INDEXATION_DAY = datetime.date(2026, 1, 1)

# (client kind, valid from, hourly rate): a yearly indexation.
RATE_CARDS = [
    (ClientKind.TENANT, datetime.date(2025, 1, 1), Decimal("52.50")),
    (ClientKind.TENANT, INDEXATION_DAY, Decimal("55.00")),
    (ClientKind.INTERNAL, datetime.date(2025, 1, 1), Decimal("42.00")),
    (ClientKind.INTERNAL, INDEXATION_DAY, Decimal("44.00")),
]


@dataclass(frozen=True)
class SecretarySeed:
    key: str
    full_name: str
    email: str
    contract: str
    base: str
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    cost: str
    years_employed: int  # employment started on 1 ``start_month`` this many years ago
    start_month: int


# Contract minus base workload is what can be placed; the placements below fit it.
SECRETARIES = [
    SecretarySeed("anouk", demo_user(Role.SECRETARY).full_name, demo_user(Role.SECRETARY).email, "36", "16",
                  ("notuleren", "agendabeheer", "juridisch"), ("nl", "en"), "46.50", 6, 3),
    SecretarySeed("fatima", "Fatima el Amrani", "fatima.elamrani@secondo.demo", "36", "8",
                  ("agendabeheer", "correspondentie", "HR"), ("nl", "en", "fr"), "44.00", 4, 9),
    SecretarySeed("lotte", "Lotte Jansen", "lotte.jansen@secondo.demo", "32", "12",
                  ("financieel", "Excel", "notuleren"), ("nl", "en"), "45.25", 8, 1),
    SecretarySeed("sanne", "Sanne Bakker", "sanne.bakker@secondo.demo", "28", "8",
                  ("evenementen", "receptie", "agendabeheer"), ("nl", "en", "de"), "41.00", 3, 5),
    SecretarySeed("eva", "Eva van den Berg", "eva.vandenberg@secondo.demo", "24", "8",
                  ("correspondentie", "projectondersteuning"), ("nl", "en", "de"), "42.75", 5, 2),
    SecretarySeed("marieke", "Marieke Visser", "marieke.visser@secondo.demo", "32", "16",
                  ("financieel", "Excel", "agendabeheer"), ("nl",), "48.00", 12, 10),
    SecretarySeed("noor", "Noor Smit", "noor.smit@secondo.demo", "36", "12",
                  ("notuleren", "correspondentie", "evenementen"), ("nl", "en", "de"), "43.50", 4, 4),
    SecretarySeed("ingrid", "Ingrid Meijer", "ingrid.meijer@secondo.demo", "16", "4",
                  ("receptie", "agendabeheer"), ("nl", "en"), "38.00", 15, 6),
    SecretarySeed("petra", "Petra de Boer", "petra.deboer@secondo.demo", "24", "12",
                  ("agendabeheer", "notuleren"), ("nl", "fr"), "40.50", 9, 11),
    SecretarySeed("yvonne", "Yvonne Mulder", "yvonne.mulder@secondo.demo", "28", "14",
                  ("HR", "notuleren", "correspondentie"), ("nl", "en"), "47.00", 11, 8),
    SecretarySeed("kim", "Kim de Groot", "kim.degroot@secondo.demo", "36", "20",
                  ("juridisch", "notuleren", "agendabeheer"), ("nl", "en", "fr"), "49.50", 7, 1),
    SecretarySeed("esther", "Esther Bos", "esther.bos@secondo.demo", "32", "8",
                  ("financieel", "juridisch", "correspondentie"), ("nl", "en"), "52.00", 10, 3),
    SecretarySeed("femke", "Femke Vos", "femke.vos@secondo.demo", "24", "16",
                  ("evenementen", "receptie"), ("nl", "de"), "39.00", 2, 7),
    SecretarySeed("sophie", "Sophie Peters", "sophie.peters@secondo.demo", "16", "8",
                  ("HR", "agendabeheer"), ("nl", "en"), "41.50", 3, 12),
    SecretarySeed("daan", "Daan Hendriks", "daan.hendriks@secondo.demo", "36", "24",
                  ("projectondersteuning", "notuleren", "Excel"), ("nl", "en", "de", "fr"), "50.00", 6, 9),
]  # fmt: skip

# Tenants in the building: Dutch companies (standard VAT) and a German one (reverse charge).
TENANTS: list[dict[str, Any]] = [
    {
        "key": "vandijk",
        "legal_name": "Van Dijk Advocaten B.V.",
        "street": "Catharijnesingel 30",
        "postcode": "3511GB",
        "city": "Utrecht",
        "kvk_number": "30123456",
        "vat_number": "NL004495445B01",
        "billing_email": "facturen@vandijkadvocaten.example",
        "invoice_language": "nl",
        "approval_period": ApprovalPeriod.WEEKLY,
        "payment_term_days": 14,
    },
    {
        "key": "noordzee",
        "legal_name": "Noordzee Energie B.V.",
        "street": "Catharijnesingel 30",
        "postcode": "3511GB",
        "city": "Utrecht",
        "kvk_number": "30234567",
        "vat_number": "NL123456782B90",
        "billing_email": "accounts.payable@noordzee-energie.example",
        "invoice_language": "en",
        "approval_period": ApprovalPeriod.MONTHLY,
        "payment_term_days": 30,
    },
    {
        "key": "brouwer",
        "legal_name": "Brouwer & Partners Accountants B.V.",
        "street": "Catharijnesingel 30",
        "postcode": "3511GB",
        "city": "Utrecht",
        "kvk_number": "30345678",
        "vat_number": "NL812345678B01",
        "billing_email": "administratie@brouwerpartners.example",
        "invoice_language": "nl",
        "approval_period": ApprovalPeriod.MONTHLY,
        "payment_term_days": 30,
    },
    {
        "key": "kade",
        "legal_name": "Kade Architecten B.V.",
        "street": "Catharijnesingel 30",
        "postcode": "3511GB",
        "city": "Utrecht",
        "kvk_number": "30456789",
        "vat_number": "NL850123458B01",
        "billing_email": "finance@kade-architecten.example",
        "invoice_language": "nl",
        "approval_period": ApprovalPeriod.WEEKLY,
        "payment_term_days": 30,
    },
    {
        "key": "lumen",
        "legal_name": "Lumen Health Tech B.V.",
        "street": "Catharijnesingel 30",
        "postcode": "3511GB",
        "city": "Utrecht",
        "kvk_number": "30567890",
        "vat_number": "NL865432107B01",
        "billing_email": "invoices@lumenhealth.example",
        "invoice_language": "en",
        "approval_period": ApprovalPeriod.MONTHLY,
        "payment_term_days": 30,
    },
    {
        "key": "rheinland",
        "legal_name": "Rheinland Logistik GmbH",
        "street": "Königsallee 92",
        "postcode": "40212",
        "city": "Düsseldorf",
        "country": "DE",
        "vat_number": "DE136695976",
        "vat_treatment": VatTreatment.REVERSE_CHARGE,
        "billing_email": "rechnungen@rheinland-logistik.example",
        "invoice_language": "en",
        "approval_period": ApprovalPeriod.MONTHLY,
        "payment_term_days": 30,
    },
]

INTERNAL_CLIENTS: list[dict[str, Any]] = [
    {"key": "hr", "legal_name": "Afdeling HR", "cost_centre": "CC-2100", "billing_email": "hr@secondo.demo"},
    {
        "key": "finance",
        "legal_name": "Financiën & Control",
        "cost_centre": "CC-2200",
        "billing_email": "control@secondo.demo",
    },
    {
        "key": "communicatie",
        "legal_name": "Communicatie & Marketing",
        "cost_centre": "CC-2300",
        "billing_email": "communicatie@secondo.demo",
    },
    {
        "key": "facilitair",
        "legal_name": "Facilitair Bedrijf",
        "cost_centre": "CC-2400",
        "billing_email": "facilitair@secondo.demo",
    },
]

# Approvers of tenants other than the demo approver's (no password: they cannot log in).
OTHER_APPROVERS = [
    ("noordzee", "Lisa Hoekstra", "l.hoekstra@noordzee-energie.example", "en"),
    ("kade", "Bram Kuiper", "b.kuiper@kade-architecten.example", "nl"),
    ("rheinland", "Katrin Müller", "k.mueller@rheinland-logistik.example", "en"),
    ("hr", "Ruud Dekker", "r.dekker@secondo.demo", "nl"),
]
DEMO_APPROVER_CLIENTS = ["vandijk", "brouwer"]


@dataclass(frozen=True)
class PlacementSeed:
    """Weeks count from the Monday of the current week; ``end_week`` is exclusive (ends the Friday before)."""

    secretary: str
    client: str
    start_week: int
    end_week: int | None
    hours: str
    purpose: str
    draft: bool = False
    rate: str | None = None  # an agreed rate instead of the rate card


PLACEMENTS = [
    PlacementSeed("anouk", "vandijk", -48, -20, "12", "Juridisch secretariaat"),
    PlacementSeed("anouk", "vandijk", -19, None, "16", "Juridisch secretariaat, uitgebreid"),
    PlacementSeed("anouk", "communicatie", -8, 8, "4", "Notuleren redactieoverleg"),
    PlacementSeed("fatima", "noordzee", -12, 6, "24", MATERNITY_COVER),
    PlacementSeed("fatima", "hr", -30, -13, "4", "Ondersteuning werving en selectie"),
    PlacementSeed("lotte", "brouwer", -40, None, "16", "Secretariaat audit-team"),
    PlacementSeed("lotte", "vandijk", 2, 14, "4", "Dossierbeheer", draft=True),
    PlacementSeed("sanne", "kade", -26, -6, "20", "Receptie en evenementen"),
    PlacementSeed("sanne", "lumen", 3, None, "12", "Office support", draft=True),
    PlacementSeed("eva", "lumen", -50, -30, "16", "Office support"),
    PlacementSeed("eva", "rheinland", -22, None, "8", "Korrespondenz / correspondence"),
    PlacementSeed("eva", "finance", -22, 4, "8", "Jaarafsluiting"),
    PlacementSeed("marieke", "finance", -45, None, "12", "Crediteurenadministratie"),
    PlacementSeed("noor", "noordzee", -35, -15, "16", "Board support"),
    PlacementSeed("noor", "rheinland", -10, 10, "12", "Messe-Vorbereitung / trade fair"),
    PlacementSeed("ingrid", "facilitair", -52, None, "8", "Receptie", rate="40.00"),
    PlacementSeed("petra", "kade", -16, None, "8", "Projectsecretariaat"),
    PlacementSeed("yvonne", "communicatie", -20, -2, "10", "Campagne-ondersteuning"),
    PlacementSeed("esther", "brouwer", -8, None, "20", "Secretariaat fiscale praktijk"),
    PlacementSeed("esther", "hr", 1, 9, "4", "Notuleren OR-vergaderingen", draft=True),
    PlacementSeed("sophie", "facilitair", -30, -10, "8", "Verhuisproject"),
    PlacementSeed("daan", "vandijk", -4, None, "8", "Projectondersteuning"),
]


@dataclass(frozen=True)
class LeaveSeed:
    secretary: str
    week: int
    first_day: int  # 0 = Monday
    days: int
    kind: str
    note: str


# Leave only where it leaves the week within capacity (leave frees no placed hours).
LEAVE = [
    LeaveSeed("anouk", -20, 0, 5, LeaveKind.VACATION, "Voorjaarsvakantie"),
    LeaveSeed("lotte", -5, 2, 1, LeaveKind.SICK, ""),
    LeaveSeed("sanne", -4, 0, 12, LeaveKind.VACATION, "Zomervakantie"),
    LeaveSeed("marieke", -2, 4, 1, LeaveKind.VACATION, "Snipperdag"),
    LeaveSeed("noor", -14, 0, 12, LeaveKind.VACATION, "Vakantie"),
    LeaveSeed("kim", 5, 0, 5, LeaveKind.VACATION, "Vakantie"),
    LeaveSeed("femke", 1, 0, 12, LeaveKind.PARENTAL, "Ouderschapsverlof"),
]


def _demo_user_create(*, actor: User, role: Role, language: str = "nl") -> User:
    spec = demo_user(role)
    return user_create(
        actor=actor, email=spec.email, full_name=spec.full_name, roles={role}, password=DEMO_PASSWORD, language=language
    )


def _admin_create() -> User:
    spec = demo_user(None)
    admin = User.objects.create_superuser(spec.email, DEMO_PASSWORD, full_name=spec.full_name)
    snapshot = model_snapshot(admin, ["email", "full_name", "is_staff", "is_superuser"])
    audit_record(actor=admin, action="user.create", obj=admin, after=snapshot)
    return admin


def demo_seed(*, today: datetime.date) -> None:
    """Load the demo (call inside a transaction; the pool must not exist yet)."""
    monday = today - datetime.timedelta(days=today.weekday())

    def week(n: int) -> datetime.date:
        return monday + datetime.timedelta(weeks=n)

    admin = _admin_create()
    manager = _demo_user_create(actor=admin, role=Role.TEAM_MANAGER)
    finance = _demo_user_create(actor=admin, role=Role.FINANCE)
    _demo_user_create(actor=admin, role=Role.DIRECTOR)
    approver = _demo_user_create(actor=manager, role=Role.CLIENT_APPROVER)

    pool = pool_create(actor=manager, name=DEMO_POOL_NAME, cost_centre=POOL_COST_CENTRE)
    for kind, valid_from, rate in RATE_CARDS:
        rate_card_create(actor=finance, pool=pool, client_kind=kind, valid_from=valid_from, hourly_rate=rate)

    secretaries: dict[str, Secretary] = {}
    for seed in SECRETARIES:
        is_demo_login = seed.email == demo_user(Role.SECRETARY).email
        user = user_create(
            actor=manager,
            email=seed.email,
            full_name=seed.full_name,
            roles={Role.SECRETARY},
            password=DEMO_PASSWORD if is_demo_login else None,
        )
        secretary = secretary_create(
            actor=manager,
            user=user,
            pool=pool,
            contract_hours=Decimal(seed.contract),
            base_workload_hours=Decimal(seed.base),
            employment_start=datetime.date(today.year - seed.years_employed, seed.start_month, 1),
            skills=list(seed.skills),
            languages=list(seed.languages),
        )
        secretaries[seed.key] = secretary_set_employer_cost(
            secretary=secretary, actor=finance, hourly_employer_cost=Decimal(seed.cost)
        )

    approvers: dict[str, list[User]] = {key: [approver] for key in DEMO_APPROVER_CLIENTS}
    for client_key, full_name, email, language in OTHER_APPROVERS:
        other = user_create(
            actor=manager, email=email, full_name=full_name, roles={Role.CLIENT_APPROVER}, language=language
        )
        approvers.setdefault(client_key, []).append(other)

    clients: dict[str, Client] = {}
    for spec in TENANTS:
        data = {k: v for k, v in spec.items() if k != "key"}
        data.setdefault("vat_treatment", VatTreatment.STANDARD)
        clients[spec["key"]] = client_create(
            actor=manager, approvers=approvers.get(spec["key"], []), kind=ClientKind.TENANT, **data
        )
    for spec in INTERNAL_CLIENTS:
        data = {k: v for k, v in spec.items() if k != "key"}
        clients[spec["key"]] = client_create(
            actor=manager,
            approvers=approvers.get(spec["key"], []),
            kind=ClientKind.INTERNAL,
            vat_treatment=VatTreatment.NONE,
            street="Stationsplein 1",
            postcode="3511ED",
            city="Utrecht",
            approval_period=ApprovalPeriod.MONTHLY,
            **data,
        )

    # Leave first: the placement service then proves that nothing below overbooks anyone.
    for leave in LEAVE:
        start = week(leave.week) + datetime.timedelta(days=leave.first_day)
        leave_create(
            actor=manager,
            secretary=secretaries[leave.secretary],
            start_date=start,
            end_date=start + datetime.timedelta(days=leave.days - 1),
            kind=leave.kind,
            note=leave.note,
        )

    for plan in PLACEMENTS:
        start = week(plan.start_week)
        end = week(plan.end_week) - datetime.timedelta(days=3) if plan.end_week is not None else None
        placement = placement_create(
            actor=manager,
            secretary=secretaries[plan.secretary],
            client=clients[plan.client],
            start_date=start,
            end_date=end,
            hours_per_week=Decimal(plan.hours),
            hourly_rate=Decimal(plan.rate) if plan.rate else None,
            purpose=plan.purpose,
            status=PlacementStatus.DRAFT if plan.draft else PlacementStatus.ACTIVE,
        )
        if end is not None and end < today:
            placement_end(placement=placement, actor=manager, end_date=end)
        elif plan.end_week is None and not plan.draft and start < INDEXATION_DAY <= today and plan.rate is None:
            # A running placement from before the indexation: the new rate is agreed from 1 January on.
            card = RateCard.objects.get(pool=pool, client_kind=placement.client.kind, valid_from=INDEXATION_DAY)
            placement_change_rate(
                placement=placement,
                actor=manager,
                valid_from=INDEXATION_DAY,
                hourly_rate=card.hourly_rate,
                reason=f"Jaarlijkse indexatie {INDEXATION_DAY.year}",
            )


def demo_summary() -> list[str]:
    pool = Pool.objects.get(name=DEMO_POOL_NAME)
    kinds = dict(Client.objects.values_list("kind").annotate(n=Count("id")).order_by())
    placements = Placement.objects.filter(secretary__pool=pool)
    statuses = dict(placements.values_list("status").annotate(n=Count("id")).order_by())
    status_text = ", ".join(f"{statuses.get(s, 0)} {s}" for s in PlacementStatus.values if statuses.get(s))
    return [
        f"pool: {pool.name} ({pool.cost_centre}), managed by {', '.join(m.email for m in pool.managers.all())}",
        f"secretaries: {pool.secretaries.count()}",
        f"clients: {kinds.get(ClientKind.TENANT, 0)} tenants, {kinds.get(ClientKind.INTERNAL, 0)} internal",
        f"rate cards: {RateCard.objects.filter(pool=pool).count()}",
        f"placements: {placements.count()} ({status_text})",
        f"leave: {Leave.objects.filter(secretary__pool=pool).count()}",
        f"audit events: {AuditEvent.objects.count()}",
    ]


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Logins: python manage.py demo_logins"

    def handle(self, *args: Any, **options: Any) -> None:
        if Pool.objects.filter(name=DEMO_POOL_NAME).exists():
            self.stdout.write(f"The demo is already loaded (pool {DEMO_POOL_NAME!r} exists); nothing changed.")
        else:
            today = timezone.localdate()
            with transaction.atomic():
                demo_seed(today=today)
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded around {today:%Y-%m-%d}."))
        for line in demo_summary():
            self.stdout.write(f"  {line}")
        self.stdout.write("Logins: python manage.py demo_logins")
