"""``python manage.py seed_demo``: load the demo data, through the services (so every change is audited).

Deterministic for a given date (placements lie around ``timezone.localdate()``;
nothing random) and idempotent: when the demo pool exists the command says so
and changes nothing. Everything is loaded in one transaction, so a failed run
leaves no half demo behind.

The hours: every active or ended placement has time entries on its working days
up to yesterday (none on leave), written per secretary per week through the
week grid. The sheets of periods before the last ended one are approved by the
client's approver; those of the last ended period (week or month) are partly
handed in and wait in the approval inbox, one is rejected (the demo
secretary's), the rest are still open; the sheets of the running period are
open. One client has deemed approval on, and one of its older sheets has been
deemed approved.

The invoices (``billing.demo``): the months up to two months ago are invoiced
and finalised (not e-mailed), with two credit notes; the previous month waits
as drafts, and a sponsor's manual draft with it. Their PDFs are rendered when
the seed's transaction commits.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import user_create
from backend.core.models import AuditEvent
from backend.core.periods import add_working_days, approval_period_bounds
from backend.core.services import audit_record, model_snapshot
from billing.demo import demo_invoices_seed, demo_invoices_summary, demo_payments_summary
from secondments.demo import DEMO_PASSWORD, DEMO_POOL_NAME, demo_user
from secondments.models import (
    ApprovalKind,
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
    TimeEntry,
    Timesheet,
    TimesheetStatus,
    VatTreatment,
)
from secondments.services.clients import client_create
from secondments.services.leave import leave_create
from secondments.services.placements import placement_change_rate, placement_create, placement_end
from secondments.services.pools import pool_create
from secondments.services.rate_cards import rate_card_create
from secondments.services.secretaries import secretary_create, secretary_set_employer_cost
from secondments.services.timesheets import (
    LOGGABLE_PLACEMENT_STATUSES,
    Cell,
    daily_cap,
    deemed_approval_due,
    timesheet_approve,
    timesheet_reject,
    timesheet_submit,
    timesheets_deem_approved,
    week_grid_save,
)

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
        "deemed_approval_days": 5,  # the one client with deemed approval on
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
    ("lumen", "Daniel Okafor", "d.okafor@lumenhealth.example", "en"),
    ("rheinland", "Katrin Müller", "k.mueller@rheinland-logistik.example", "en"),
    ("hr", "Ruud Dekker", "r.dekker@secondo.demo", "nl"),
    ("finance", "Gerrit Post", "g.post@secondo.demo", "nl"),
    ("communicatie", "Iris Wouters", "i.wouters@secondo.demo", "nl"),
    ("facilitair", "Henk Veenstra", "h.veenstra@secondo.demo", "nl"),
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


# The hours. The approver's IP recorded with each demo approval (TEST-NET-1, RFC 5737).
DEMO_APPROVAL_IP = "192.0.2.10"
# Of the last ended period, these (secretary, client) sheets are not handed in yet ...
LAST_PERIOD_LEFT_OPEN = {("lotte", "brouwer"), ("eva", "finance"), ("ingrid", "facilitair"), ("yvonne", "communicatie")}
# ... and this one was handed in and sent back by the approver (the demo secretary sees why).
LAST_PERIOD_REJECTED = ("anouk", "vandijk")
DUTCH_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni",
                "juli", "augustus", "september", "oktober", "november", "december"]  # fmt: skip
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June",
                  "July", "August", "September", "October", "November", "December"]  # fmt: skip
# Short descriptions of a day's work, in the client's language.
DESCRIPTIONS = {
    "nl": [
        "Agendabeheer en correspondentie",
        "Notulen teamoverleg",
        "Dossiers bijgewerkt",
        "Vergadering voorbereid",
        "Post en telefoon",
        "Reizen en afspraken geregeld",
        "Stukken voor het MT",
    ],
    "en": [
        "Diary management and e-mail",
        "Minutes of the team meeting",
        "Filing and records",
        "Meeting preparation",
        "Phone and front desk",
        "Travel arrangements",
        "Board papers",
    ],
}


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

    placed: list[tuple[PlacementSeed, Placement]] = []
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
        placed.append((plan, placement))
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

    _hours_log(today=today, secretaries=secretaries, placed=placed)
    _timesheets_settle(today=today, admin=admin, approver=approver, placed=placed)
    demo_invoices_seed(today=today, actor=finance, clients=clients)


def _day_quarters(*, hours_per_week: Decimal, week_no: int, salt: int) -> list[int]:
    """A week's hours over Monday..Friday in quarter hours: even, rotated weekly, now and then one quarter moved."""
    base, extra = divmod(int(hours_per_week * 4), 5)
    quarters = [base + (1 if (day - week_no - salt) % 5 < extra else 0) for day in range(5)]
    if (week_no + salt) % 3 == 0:  # a busier day and a quieter one, the week's total unchanged
        busy = (week_no + salt) % 5
        for step in range(1, 5):
            moved = list(quarters)
            moved[busy] += 1
            moved[(busy + step) % 5] -= 1
            if min(moved) >= 1 and max(moved) - min(moved) <= 2:  # days stay within half an hour of each other
                return moved
    return quarters


def _hours_log(
    *, today: datetime.date, secretaries: dict[str, Secretary], placed: list[tuple[PlacementSeed, Placement]]
) -> None:
    """Each secretary logs their hours week by week on the grid, up to yesterday, never on leave."""
    yesterday = today - datetime.timedelta(days=1)
    cap = daily_cap()
    for key, secretary in secretaries.items():
        own = [
            (salt, p)
            for salt, (plan, p) in enumerate(placed)
            if plan.secretary == key and p.status in LOGGABLE_PLACEMENT_STATUSES and p.start_date <= yesterday
        ]
        if not own:
            continue
        on_leave = {
            leave.start_date + datetime.timedelta(days=n)
            for leave in secretary.leaves.all()
            for n in range((leave.end_date - leave.start_date).days + 1)
        }
        first = min(p.start_date for _, p in own)
        monday = first - datetime.timedelta(days=first.weekday())
        while monday <= yesterday:
            week_no = monday.toordinal() // 7
            day_totals: dict[datetime.date, Decimal] = {}
            cells = []
            for salt, p in own:
                quarters = _day_quarters(hours_per_week=p.hours_per_week, week_no=week_no, salt=salt)
                for weekday, quarter_count in enumerate(quarters):
                    day = monday + datetime.timedelta(days=weekday)
                    if day > yesterday or day < p.start_date or (p.end_date and day > p.end_date) or day in on_leave:
                        continue
                    hours = min(Decimal(quarter_count) / 4, cap - day_totals.get(day, Decimal(0)))
                    if hours <= 0:
                        continue
                    day_totals[day] = day_totals.get(day, Decimal(0)) + hours
                    texts = DESCRIPTIONS[p.client.invoice_language]
                    cells.append(
                        Cell(
                            placement=p,
                            date=day,
                            hours=hours,
                            description=texts[(weekday + 3 * week_no + salt) % len(texts)],
                        )
                    )
            if cells:
                week_grid_save(actor=secretary.user, secretary=secretary, cells=cells)
            monday += datetime.timedelta(weeks=1)


def _period_starts(*, today: datetime.date, client: Client) -> tuple[datetime.date, datetime.date]:
    """The first days of the client's running approval period and of the last ended one."""
    current_start, _ = approval_period_bounds(today, client.approval_period)
    last_start, _ = approval_period_bounds(current_start - datetime.timedelta(days=1), client.approval_period)
    return current_start, last_start


def _at_nine(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _timesheets_settle(
    *, today: datetime.date, admin: User, approver: User, placed: list[tuple[PlacementSeed, Placement]]
) -> None:
    """Hand in and approve the sheets of the past; leave the last ended period partly pending, one rejected."""
    keys = {p.pk: (plan.secretary, plan.client) for plan, p in placed}
    sheets = list(
        Timesheet.objects.filter(placement__in=keys)
        .select_related("placement__client", "placement__secretary__user")
        .order_by("period_start", "placement_id")
    )
    approver_of: dict[int, User] = {}
    for client in Client.objects.filter(placements__in=keys).distinct().prefetch_related("approvers"):
        approvers = sorted(client.approvers.all(), key=lambda u: (u.pk != approver.pk, u.pk))
        approver_of[client.pk] = approvers[0]

    # A deemed-approval client's approver let one older sheet per placement lapse: the latest that is due by today.
    deemed: dict[int, int] = {}  # placement -> sheet
    for sheet in reversed(sheets):
        client = sheet.placement.client
        current_start, last_start = _period_starts(today=today, client=client)
        if client.deemed_approval_days is None or sheet.period_start >= last_start:
            continue
        if sheet.placement_id in deemed:
            continue
        handed_in = Timesheet(placement=sheet.placement, submitted_at=_at_nine(add_working_days(sheet.period_end, 1)))
        due = deemed_approval_due(timesheet=handed_in)
        if due is not None and due <= today:
            deemed[sheet.placement_id] = sheet.pk

    for sheet in sheets:
        client = sheet.placement.client
        key = keys[sheet.placement_id]
        secretary_user = sheet.placement.secretary.user
        current_start, last_start = _period_starts(today=today, client=client)
        if sheet.period_start >= current_start:
            continue  # the running period: still being filled in
        if sheet.period_start == last_start and key in LAST_PERIOD_LEFT_OPEN:
            continue
        sheet = timesheet_submit(timesheet=sheet, actor=secretary_user)
        if sheet.period_start == last_start:
            if key == LAST_PERIOD_REJECTED:
                days = list(sheet.entries.order_by("date").values_list("date", flat=True))
                day = days[len(days) // 2]
                reason = (
                    f"Uren op {day.day} {DUTCH_MONTHS[day.month - 1]} kloppen niet / "
                    f"hours on {day.day} {ENGLISH_MONTHS[day.month - 1]} look wrong"
                )
                timesheet_reject(timesheet=sheet, actor=approver_of[client.pk], reason=reason)
            continue  # waits in the approval inbox
        if deemed.get(sheet.placement_id) == sheet.pk:
            handed_in_at = _at_nine(add_working_days(sheet.period_end, 1))
            Timesheet.objects.filter(pk=sheet.pk).update(submitted_at=handed_in_at)
            audit_record(
                actor=admin,
                action="timesheet.backdate",
                obj=sheet,
                before={"submitted_at": sheet.submitted_at},
                after={"submitted_at": handed_in_at},
                reason="Demo history: handed in on the first working day after the period, so deemed approval applies.",
            )
            continue
        timesheet_approve(timesheet=sheet, actor=approver_of[client.pk], ip=DEMO_APPROVAL_IP)
    timesheets_deem_approved()


def demo_summary() -> list[str]:
    pool = Pool.objects.get(name=DEMO_POOL_NAME)
    kinds = dict(Client.objects.values_list("kind").annotate(n=Count("id")).order_by())
    placements = Placement.objects.filter(secretary__pool=pool)
    statuses = dict(placements.values_list("status").annotate(n=Count("id")).order_by())
    status_text = ", ".join(f"{statuses.get(s, 0)} {s}" for s in PlacementStatus.values if statuses.get(s))
    sheets = Timesheet.objects.filter(placement__secretary__pool=pool)
    sheet_statuses = dict(sheets.values_list("status").annotate(n=Count("id")).order_by())
    sheet_text = (
        ", ".join(f"{sheet_statuses[s]} {s}" for s in TimesheetStatus.values if sheet_statuses.get(s)) or "none"
    )
    deemed = sheets.filter(approval_kind=ApprovalKind.DEEMED).count()
    entries = TimeEntry.objects.filter(timesheet__in=sheets).aggregate(n=Count("id"), hours=Sum("hours"))
    return [
        f"pool: {pool.name} ({pool.cost_centre}), managed by {', '.join(m.email for m in pool.managers.all())}",
        f"secretaries: {pool.secretaries.count()}",
        f"clients: {kinds.get(ClientKind.TENANT, 0)} tenants, {kinds.get(ClientKind.INTERNAL, 0)} internal",
        f"rate cards: {RateCard.objects.filter(pool=pool).count()}",
        f"placements: {placements.count()} ({status_text})",
        f"leave: {Leave.objects.filter(secretary__pool=pool).count()}",
        f"timesheets: {sheets.count()} ({sheet_text}; {deemed} deemed approved)",
        f"time entries: {entries['n']} ({entries['hours'] or 0:.2f} h)",
        demo_invoices_summary(),
        demo_payments_summary(),
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
