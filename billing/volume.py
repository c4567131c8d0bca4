"""Volume data for the directors' dashboard benchmark: ``python manage.py seed_volume --entries N``.

Loads a large dataset into an empty database, in bulk (COPY on PostgreSQL, ``executemany`` on
SQLite), in one transaction, shaped exactly as the services would have left it:

* The organisation: 3 pools of 180 secretaries (fewer below about 370,000 entries, so that a small
  history still spans a year or so), a team manager per pool, one finance user, one director;
  about 150 tenants (a few reverse charge, some approving weekly, a few sponsors without
  placements) and 20 internal clients, each with one client approver; rate cards per pool and
  client kind, indexed every 1 January.
* Each secretary has about two slots of work; each slot is a chain of placements of one or two
  years (ended, the current one active, now and then a draft to follow), their hours within the
  contract less the base workload. Placements carry a rate from their start (the rate card, now
  and then an agreed rate), some a change on 1 January or mid-period (an agreed rate). Leave
  (vacations, sick days, some parental leave), a few cancelled placements.
* Hours: one entry per placement per working day up to yesterday (none on leave), in quarter
  hours; the history starts where exactly ``--entries`` entries fit. A timesheet per placement
  and approval period, its summary columns as ``timesheets_totals_refresh`` computes them. Each
  sheet's life is simulated against today: handed in around the period's end, approved by the
  client's approver some working days later (now and then rejected first), billed by the monthly
  run on the third working day of the next month if approved before it. So: running periods are
  open, last month's sheets mostly approved or still submitted (a few rejected), older ones
  invoiced.
* Billing: one run per month, one finalised invoice (tenant) or internal statement per client and
  run, a line per sheet and rate window, numbered gaplessly per series and year in the order of
  finalisation (the counters continue from there); sponsors' manual invoices; a few partial credit
  notes. A receivable per invoice and statement, the payments ledger (bank transfers, internal
  settlements; late, partial and unpaid ones), reminders as the daily task sends them.

Not made: audit events, PDFs and e-mail (no ``pdf``, ``pdf_sha256``, ``emailed_at``), Stripe
checkouts. Deterministic for a given ``seed``, ``entries`` and today.

On PostgreSQL the big tables' foreign keys and secondary indexes are dropped for the load and made
again (and so validated) before the transaction commits; the ids are taken from the tables'
sequences, which are moved past them.
"""

import datetime
import hashlib
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connections, models, router, transaction
from django.utils import timezone
from stdnum.de import vat as de_vat
from stdnum.nl import btw as nl_btw

from backend.accounts.models import User
from backend.core.money import money_round
from backend.core.periods import add_working_days, approval_period_bounds, month_bounds
from billing.calc import REDUCED_VAT_RATE, STANDARD_VAT_RATE, default_vat_rate, line_amount, totals_of
from billing.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceRun,
    InvoiceRunStatus,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentStatus,
    Receivable,
    RevenueFact,
)
from billing.services.invoices import SERIES_OF_KIND, _customer_snapshot
from billing.services.numbering import invoice_number_format
from billing.services.payments import payment_status_of
from billing.services.reminders import REMINDER_EVERY, REMINDERS_MAX
from billing.services.revenue_facts import revenue_facts_rebuild
from secondments.models import (
    ApprovalKind,
    ApprovalPeriod,
    Client,
    ClientKind,
    Leave,
    LeaveKind,
    Placement,
    PlacementRate,
    PlacementStatus,
    Pool,
    RateCard,
    Secretary,
    TimeEntry,
    Timesheet,
    TimesheetStatus,
    VatTreatment,
)
from secondments.selectors.rates import RatePart, rate_parts
from secondments.services.timesheets import daily_cap

MIN_ENTRIES = 1_000
MAX_ENTRIES = 50_000_000
POOLS = 3
SECRETARIES_PER_POOL = 180
TENANTS = 150
INTERNAL_CLIENTS = 20
EMAIL_DOMAIN = "volume.example"
# A small dataset keeps about this many working days of history by having fewer secretaries.
MIN_HISTORY_WORKING_DAYS = 390
SLOTS_PER_SECRETARY = 2  # about; for the estimate of the history's length
# Minutes of the day (local time) when things happen.
RUN_MINUTE = 8 * 60 + 30  # finance starts the monthly run
DAILY_TASK_MINUTE = 7 * 60 + 30  # receivables-daily (overdue, reminders)
PAYMENT_MINUTE = 11 * 60  # finance records the day's bank statement
QUARTER = Decimal("0.25")
ZERO = Decimal("0.00")
SQLITE_BATCH = 20_000
MINUTES_PER_DAY = 1440
NEVER = 10**9  # a day ordinal after every real one

Moment = int  # a local time as day ordinal * 1440 + minute of the day
Row = Sequence[object]


class VolumeError(Exception):
    """The volume data was not loaded (and nothing was written)."""


@dataclass(frozen=True)
class VolumeSummary:
    counts: dict[str, int]  # rows written per table (its label)
    details: dict[str, dict[str, int]]  # rows per status / kind for the main tables
    seconds: float
    first_day: datetime.date  # the first day with hours
    last_day: datetime.date  # the last day with hours (yesterday)
    invoiced_months: tuple[datetime.date, datetime.date] | None  # first and last month with a run
    pools: int
    secretaries: int
    tenants: int
    internal_clients: int
    sponsors: int

    def lines(self) -> list[str]:
        out = [
            f"history: hours from {self.first_day} to {self.last_day}; "
            + (
                f"runs for {self.invoiced_months[0]:%Y-%m} to {self.invoiced_months[1]:%Y-%m}"
                if self.invoiced_months
                else "no invoice run yet"
            ),
            f"organisation: {self.pools} pools, {self.secretaries} secretaries, {self.tenants} tenants "
            f"({self.sponsors} sponsors without hours), {self.internal_clients} internal clients",
        ]
        for label, count in self.counts.items():
            detail = self.details.get(label)
            extra = f" ({', '.join(f'{v} {k}' for k, v in detail.items())})" if detail else ""
            out.append(f"{label}: {count}{extra}")
        out.append(f"seconds: {self.seconds:.1f}")
        return out


# ---------------------------------------------------------------------------------------------
# Vocabulary.

FIRST_NAMES = [
    "Anouk", "Fatima", "Lotte", "Sanne", "Eva", "Marieke", "Noor", "Ingrid", "Petra", "Yvonne", "Kim", "Esther",
    "Femke", "Sophie", "Daan", "Lisa", "Emma", "Julia", "Iris", "Nadia", "Sara", "Mila", "Fleur", "Roos", "Lieke",
    "Anne", "Maud", "Joyce", "Linda", "Monique", "Sandra", "Karin", "Wendy", "Ilse", "Hanna", "Yasmin", "Bram",
    "Jeroen", "Thijs", "Ruben", "Mirjam", "Inge", "Carla", "Astrid", "Bregje", "Dewi", "Elif", "Hatice", "Priya",
    "Tessa",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos",
    "Peters", "Hendriks", "van Dijk", "van den Berg", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel",
    "van der Veen", "van den Broek", "de Bruijn", "de Jong", "van Leeuwen", "Schouten", "Willems", "van Beek",
    "Hoekstra", "Koster", "Prins", "Verhoeven", "Kuiper", "Postma", "Huisman", "Peeters", "Maas", "Wouters",
    "Veenstra", "el Amrani", "Yilmaz", "Bulut",
]  # fmt: skip
TENANT_WORDS = [
    "Noordzee", "Kade", "Lumen", "Atlas", "Domtoren", "Vecht", "Singel", "Oudegracht", "Catharijne", "Maliebaan",
    "Wilhelmina", "Leidsche Rijn", "Nieuwegein", "Kromme Rijn", "Lunetten", "Zuilen", "Overvecht", "Wittevrouwen",
    "Rijnsweerd", "Papendorp",
]  # fmt: skip
TENANT_TRADES = [
    "Advocaten", "Accountants", "Architecten", "Notarissen", "Consultancy", "Energie", "Health Tech", "Vastgoed",
    "Media", "Software", "Fiscalisten", "Recruitment", "Ingenieurs", "Logistiek",
]  # fmt: skip
GERMAN_WORDS = ["Rheinland", "Ruhrtal", "Elbe", "Mosel", "Spree", "Isar", "Neckar", "Main"]
GERMAN_TRADES = ["Logistik", "Technik", "Handel", "Consulting"]
GERMAN_CITIES = [("Düsseldorf", "40212"), ("Köln", "50667"), ("Essen", "45127"), ("Duisburg", "47051")]
SPONSOR_NAMES = ["Utrechtse Secretaressedag", "Domstad Congres", "Netwerk Office Support", "Secretariaatsprijs"]
INTERNAL_NAMES = [
    "Afdeling HR", "Financiën & Control", "Communicatie & Marketing", "Facilitair Bedrijf", "ICT", "Juridische Zaken",
    "Inkoop", "Directiesecretariaat", "Vastgoedbeheer", "Beveiliging", "Kwaliteit & Compliance", "Projectbureau",
    "Subsidies", "Onderzoek & Innovatie", "Klantenservice", "Evenementen", "Huisvesting",
    "Documentaire Informatievoorziening", "Ondernemingsraad", "Strategie & Beleid",
]  # fmt: skip
POSTCODE_LETTERS = "ABCEGHJKLMNPRTVWXZ"
STREETS = ["Catharijnesingel", "Maliebaan", "Stationsplein", "Vredenburg", "Europalaan", "Kanaalweg", "Ganzenmarkt"]
SKILLS = ["notuleren", "agendabeheer", "juridisch", "correspondentie", "HR", "financieel", "Excel", "evenementen",
          "receptie", "projectondersteuning"]  # fmt: skip
PURPOSES = {
    "nl": ["Secretariaat", "Agendabeheer directie", "Notuleren overleg", "Receptie", "Dossierbeheer",
           "Projectondersteuning", "Zwangerschapsverlof (vervanging)", "Crediteurenadministratie"],
    "en": ["Office support", "Board support", "Executive assistance", "Front desk", "Records management",
           "Project support", "Maternity cover", "Accounts payable"],
}  # fmt: skip
DESCRIPTIONS = {
    "nl": ["Agendabeheer en correspondentie", "Notulen teamoverleg", "Dossiers bijgewerkt", "Vergadering voorbereid",
           "Post en telefoon", "Reizen en afspraken geregeld", "Stukken voor het MT"],
    "en": ["Diary management and e-mail", "Minutes of the team meeting", "Filing and records",
           "Meeting preparation", "Phone and front desk", "Travel arrangements", "Board papers"],
}  # fmt: skip
DUTCH_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni",
                "juli", "augustus", "september", "oktober", "november", "december"]  # fmt: skip
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June",
                  "July", "August", "September", "October", "November", "December"]  # fmt: skip
POOL_NAMES = ["Volume Frontoffice", "Volume Backoffice", "Volume Projectsecretariaat"]
# Rate cards of the current year per pool (tenant, internal); a year earlier each is 3 % lower.
CURRENT_RATES = [(Decimal("55.00"), Decimal("44.00")), (Decimal("52.50"), Decimal("42.00")),
                 (Decimal("58.00"), Decimal("46.50"))]  # fmt: skip
YEARLY_INDEX = Decimal("1.03")
HOURS_PER_WEEK = [Decimal(h) for h in ("4", "5", "6", "7.5", "8", "10", "12", "14", "16")]
SPONSOR_LINES = [
    # (Dutch description, English description, quantity, unit price, VAT rate)
    ("Sponsoring Secretaressedag {year}", "Sponsorship Secretaries' Day {year}", "1", "750.00", STANDARD_VAT_RATE),
    ("Sponsoring netwerkborrel {year}", "Sponsorship networking drinks {year}", "1", "1250.00", STANDARD_VAT_RATE),
    ("Stand informatiemarkt", "Stand at the information market", "1", "350.00", STANDARD_VAT_RATE),
    ("Lunch deelnemers workshop", "Lunch for workshop participants", "40", "12.50", REDUCED_VAT_RATE),
]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _hours_text(quarters: int) -> str:
    return f"{quarters // 4}.{quarters % 4 * 25:02d}"


def _hours(quarters: int) -> Decimal:
    return Decimal(quarters) * QUARTER


def _weekday(day: int) -> int:
    """Monday 0 .. Sunday 6 of a day ordinal."""
    return (day - 1) % 7


def _date(day: int) -> datetime.date:
    return datetime.date.fromordinal(day)


def _working_day_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _working_day_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _next_month(month: datetime.date) -> datetime.date:
    return month_bounds(month.year, month.month)[1] + datetime.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# The plan: people, clients, placements, leave (plain Python objects).


@dataclass(slots=True, eq=False)
class _Person:
    email: str
    full_name: str
    language: str
    role: str  # the role flag's field name
    joined: Moment = 0
    active: bool = True
    id: int = 0


@dataclass(slots=True, eq=False)
class _Client:
    kind: str
    legal_name: str
    street: str
    postcode: str
    city: str
    country: str
    kvk_number: str
    vat_number: str
    billing_email: str
    payment_term_days: int
    language: str
    vat_treatment: str
    cost_centre: str
    approval_period: str
    sponsor: bool = False
    weight: float = 1.0
    payer: float = 0.0  # 0 pays early .. 1 pays very late (tenants)
    approver: _Person | None = None
    snapshot: str = ""  # the customer's details as an invoice prints them (JSON)
    vat_rate: Decimal = ZERO
    id: int = 0


@dataclass(slots=True, eq=False)
class _Leave:
    start: datetime.date
    end: datetime.date
    kind: str
    note: str
    id: int = 0


@dataclass(slots=True, eq=False)
class _Secretary:
    number: int
    pool: int
    user: _Person
    contract: int
    base: int
    cost: Decimal
    start: datetime.date
    end: datetime.date | None
    caps: list[Decimal]  # per slot: the most hours a week its placements take
    skills: list[str]
    languages: list[str]
    leaves: list[_Leave] = field(default_factory=list)
    leave_days: set[int] = field(default_factory=set)  # working days on leave (ordinals)
    id: int = 0


@dataclass(slots=True, eq=False)
class _Placement:
    secretary: _Secretary
    client: _Client
    start: datetime.date
    end: datetime.date | None
    hours: Decimal
    status: str
    purpose: str
    created: Moment = 0
    rates: list[tuple[datetime.date, Decimal, str, Moment]] = field(default_factory=list)
    id: int = 0

    def loggable(self) -> bool:
        return self.status in (PlacementStatus.ACTIVE, PlacementStatus.ENDED)


@dataclass
class _World:
    today: datetime.date
    staff: list[_Person]
    managers: list[_Person]
    finance: _Person
    director: _Person
    clients: list[_Client]
    secretaries: list[_Secretary]
    placements: list[_Placement] = field(default_factory=list)
    rate_cards: list[tuple[int, str, datetime.date, Decimal, Moment]] = field(default_factory=list)
    setup: Moment = 0

    @property
    def yesterday(self) -> datetime.date:
        return self.today - datetime.timedelta(days=1)


def _scale(entries: int) -> int:
    """Secretaries per pool: all 180 once the history holds about 18 months, fewer below."""
    per_pool_per_day = POOLS * SLOTS_PER_SECRETARY * 0.88
    return max(1, min(SECRETARIES_PER_POOL, math.ceil(entries / (per_pool_per_day * MIN_HISTORY_WORKING_DAYS))))


def _valid_number(rng: random.Random, make: Callable[[], str], valid: Callable[[str], bool], used: set[str]) -> str:
    while True:
        candidate = make()
        if candidate not in used and valid(candidate):
            used.add(candidate)
            return candidate


def _postcode(rng: random.Random) -> str:
    return f"{rng.randint(3500, 3585)} {rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"


def _clients_plan(rng: random.Random, per_pool: int) -> list[_Client]:
    """Tenants (standard, a few reverse charge, a few sponsors), then internal clients."""
    tenants = max(4, round(TENANTS * per_pool / SECRETARIES_PER_POOL))
    internal = max(2, round(INTERNAL_CLIENTS * per_pool / SECRETARIES_PER_POOL))
    sponsors = max(1, round(tenants / 25))
    reverse = max(1, round(tenants * 0.06))
    weekly = max(1, round(tenants * 0.2))
    roles = ["sponsor"] * sponsors + ["reverse"] * reverse + [""] * (tenants - sponsors - reverse)
    rng.shuffle(roles)
    hour_tenants = [i for i, role in enumerate(roles) if role != "sponsor"]
    weekly_ids = set(rng.sample([i for i in hour_tenants if roles[i] != "reverse"] or hour_tenants, weekly))
    names = rng.sample([f"{w} {t} B.V." for w in TENANT_WORDS for t in TENANT_TRADES], tenants)
    german = rng.sample([f"{w} {t} GmbH" for w in GERMAN_WORDS for t in GERMAN_TRADES], min(reverse, 32))
    used: set[str] = set()
    clients = []
    for i, role in enumerate(roles):
        language = "en" if rng.random() < 0.3 else "nl"
        if role == "reverse":
            city, postcode = rng.choice(GERMAN_CITIES)
            vat = _valid_number(rng, lambda: f"DE{rng.randint(100_000_000, 999_999_999)}", de_vat.is_valid, used)
            name = german.pop() if german else f"{names[i][:-5]} GmbH"
            street, country, kvk, language = f"Königsallee {rng.randint(1, 120)}", "DE", "", "en"
        else:
            city, postcode, country, name = "Utrecht", _postcode(rng), "NL", names[i]
            street = f"{rng.choice(STREETS)} {rng.randint(1, 200)}"
            vat = _valid_number(rng, lambda: f"NL{rng.randint(1, 999_999_999):09d}B01", nl_btw.is_valid, used)
            kvk = _valid_number(rng, lambda: f"{rng.randint(30_000_000, 99_999_999)}", lambda _: True, used)
        if role == "sponsor":
            name = f"Stichting {SPONSOR_NAMES[i % len(SPONSOR_NAMES)]}" + (
                f" {i // len(SPONSOR_NAMES) + 1}" if i >= len(SPONSOR_NAMES) else ""
            )
        clients.append(
            _Client(
                kind=ClientKind.TENANT,
                legal_name=name,
                street=street,
                postcode=postcode,
                city=city,
                country=country,
                kvk_number=kvk,
                vat_number=vat,
                billing_email=f"facturen.t{i + 1:03d}@clients.{EMAIL_DOMAIN}",
                payment_term_days=14 if role == "sponsor" else rng.choice([14, 30, 30, 30, 30, 30, 45, 60]),
                language=language,
                vat_treatment=VatTreatment.REVERSE_CHARGE if role == "reverse" else VatTreatment.STANDARD,
                cost_centre="",
                approval_period=ApprovalPeriod.WEEKLY if i in weekly_ids else ApprovalPeriod.MONTHLY,
                sponsor=role == "sponsor",
                weight=1.0 / (1 + i) ** 0.7,
                payer=rng.random(),
            )
        )
    weekly_internal = set(rng.sample(range(internal), max(0, round(internal * 0.1))))
    for i in range(internal):
        name = INTERNAL_NAMES[i % len(INTERNAL_NAMES)] + (f" {i // len(INTERNAL_NAMES) + 1}" if i >= 20 else "")
        clients.append(
            _Client(
                kind=ClientKind.INTERNAL,
                legal_name=name,
                street="Stationsplein 1",
                postcode="3511 ED",
                city="Utrecht",
                country="NL",
                kvk_number="",
                vat_number="",
                billing_email=f"budgethouder.i{i + 1:03d}@{EMAIL_DOMAIN}",
                payment_term_days=30,
                language="nl",
                vat_treatment=VatTreatment.NONE,
                cost_centre=f"CC-2{i + 1:03d}",
                approval_period=ApprovalPeriod.WEEKLY if i in weekly_internal else ApprovalPeriod.MONTHLY,
                weight=0.6 / (1 + i) ** 0.5,
            )
        )
    for c in clients:
        c.vat_rate = default_vat_rate(vat_treatment=c.vat_treatment)
    return clients


def _names(rng: random.Random, count: int) -> list[str]:
    combos = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
    if count <= len(combos):
        return rng.sample(combos, count)
    return [f"{combos[i % len(combos)]} {i // len(combos) + 1}" for i in range(count)]


def _world_plan(*, seed: int, per_pool: int, today: datetime.date, origin: datetime.date) -> _World:
    """Everyone and every placement, the chains of placements anchored at today and reaching back to ``origin``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    clients = _clients_plan(rng, per_pool)
    count = POOLS * per_pool
    names = _names(rng, count + len(clients) + POOLS + 2)
    managers = [
        _Person(f"vol.manager{p + 1}@{EMAIL_DOMAIN}", names.pop(), "nl", "is_team_manager") for p in range(POOLS)
    ]
    finance = _Person(f"vol.finance@{EMAIL_DOMAIN}", names.pop(), "nl", "is_finance")
    director = _Person(f"vol.director@{EMAIL_DOMAIN}", names.pop(), "nl", "is_director")
    for n, client in enumerate(clients, 1):
        if not client.sponsor:
            client.approver = _Person(
                f"vol.approver{n:04d}@{EMAIL_DOMAIN}", names.pop(), client.language, "is_client_approver"
            )
    span = (today - origin).days
    secretaries = []
    for i in range(count):
        contract = rng.choice([24, 28, 32, 32, 36, 36, 40])
        net = rng.randint(12, min(28, contract - 4))
        slots = 3 if net >= 20 and rng.random() < 0.2 else (1 if rng.random() < 0.12 else 2)
        caps = [min(Decimal(16), Decimal(net // slots))] * slots
        leaver = per_pool >= 10 and rng.random() < 0.04
        share = 0.0 if leaver or rng.random() < 0.6 else rng.uniform(0, 0.6)
        start = _working_day_on_or_after(origin + datetime.timedelta(days=int(span * share)))
        end = today - datetime.timedelta(days=rng.randint(30, 180)) if leaver else None
        languages = ["nl", *rng.sample(["en", "de", "fr"], rng.randint(0, 2))]
        secretaries.append(
            _Secretary(
                number=i + 1,
                pool=i // per_pool,
                user=_Person(
                    f"vol.sec{i + 1:04d}@{EMAIL_DOMAIN}", names.pop(), "nl", "is_secretary", active=not leaver
                ),
                contract=contract,
                base=contract - net,
                cost=Decimal(rng.randint(28 * 4, 45 * 4)) * QUARTER,
                start=start,
                end=end,
                caps=caps,
                skills=rng.sample(SKILLS, rng.randint(2, 3)),
                languages=languages,
            )
        )
    world = _World(
        today=today,
        staff=[*managers, finance, director],
        managers=managers,
        finance=finance,
        director=director,
        clients=clients,
        secretaries=secretaries,
    )
    tenants = [c for c in clients if c.kind == ClientKind.TENANT and not c.sponsor]
    internals = [c for c in clients if c.kind == ClientKind.INTERNAL]
    tenant_weights = [c.weight for c in tenants]
    internal_weights = [c.weight for c in internals]

    picked = 0

    def pick_client() -> _Client:
        """Every sixth placement is with an internal client, the others with tenants (big ones more often)."""
        nonlocal picked
        picked += 1
        if internals and picked % 6 == 0:
            return rng.choices(internals, internal_weights)[0]
        return rng.choices(tenants, tenant_weights)[0]

    for secretary in secretaries:
        own = [p for cap in secretary.caps for p in _chain(rng, secretary, cap, today, pick_client)]
        world.placements.extend(own)
        _leave_plan(rng, secretary, today, own)
    return world


def _placement_hours(rng: random.Random, cap: Decimal) -> Decimal:
    """Hours a week for a placement in a slot of ``cap``: mostly close to it (a well-booked pool)."""
    return rng.choice([h for h in HOURS_PER_WEEK if h <= cap][-3:] or [HOURS_PER_WEEK[0]])


def _chain(
    rng: random.Random, secretary: _Secretary, cap: Decimal, today: datetime.date, pick_client: Callable[[], _Client]
) -> list[_Placement]:
    """One slot of a secretary: the current placement, the ones before it back to the employment's
    start, and now and then a draft to follow. Statuses as of today."""
    day = datetime.timedelta(days=1)
    chain: list[_Placement] = []
    start = _working_day_on_or_after(today - datetime.timedelta(days=rng.randint(20, 600)))
    end: datetime.date | None = None
    if rng.random() < 0.5:
        end = _working_day_on_or_before(today + datetime.timedelta(days=rng.randint(14, 365)))
    follow = end is not None and rng.random() < 0.12
    while True:
        stop = start < secretary.start
        start = max(start, secretary.start)
        if secretary.end is not None and (end is None or end > secretary.end):
            end = secretary.end
        if end is None or (end - start).days >= 10:
            client = pick_client()
            status = PlacementStatus.ENDED if end is not None and end < today else PlacementStatus.ACTIVE
            purpose = rng.choice(PURPOSES[client.language])
            chain.append(_Placement(secretary, client, start, end, _placement_hours(rng, cap), status, purpose))
        if stop:
            break
        gap = 3 if rng.random() < 0.5 else rng.randint(7, 60)
        end = _working_day_on_or_before(start - datetime.timedelta(days=gap))
        start = _working_day_on_or_after(end - datetime.timedelta(days=rng.randint(250, 730)))
        if end < secretary.start:
            break
    if follow and chain and chain[0].end is not None and chain[0].end >= today and secretary.end is None:
        first = chain[0].end + 3 * day
        client = pick_client()
        draft_end = None if rng.random() < 0.5 else first + datetime.timedelta(days=rng.randint(90, 365))
        chain.append(
            _Placement(
                secretary,
                client,
                _working_day_on_or_after(first),
                draft_end,
                _placement_hours(rng, cap),
                PlacementStatus.DRAFT,
                rng.choice(PURPOSES[client.language]),
            )
        )
    return chain


def _leave_plan(rng: random.Random, secretary: _Secretary, today: datetime.date, own: list[_Placement]) -> None:
    """Vacations, sick days, now and then parental leave: within the employment, never overlapping.
    Leave after today only where no draft placement of the secretary could meet it."""
    first = secretary.start
    last = secretary.end or today + datetime.timedelta(days=60)
    drafts = any(p.status == PlacementStatus.DRAFT for p in own)
    taken: list[tuple[datetime.date, datetime.date]] = []

    def add(start: datetime.date, days: int, kind: str, note: str) -> None:
        start = _working_day_on_or_after(start)
        end = start
        for _ in range(days - 1):
            end = add_working_days(end, 1)
        if start < first or end > last or any(s <= end and start <= e for s, e in taken):
            return
        if end >= today and (drafts or kind != LeaveKind.VACATION):
            return
        taken.append((start, end))
        secretary.leaves.append(_Leave(start, end, kind, note))

    for year in range(first.year, last.year + 1):
        if rng.random() < 0.85:
            summer = datetime.date.fromisocalendar(year, rng.randint(27, 33), 1)
            add(summer, rng.choice([10, 15]), LeaveKind.VACATION, "Zomervakantie")
        if rng.random() < 0.7:
            week = datetime.date.fromisocalendar(year, rng.choice([8, 9, 17, 18, 43, 44, 52]), 1)
            add(week, 5, LeaveKind.VACATION, "Vakantie")
        for _ in range(rng.randint(0, 3)):
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
            add(day, rng.randint(1, 3), LeaveKind.SICK, "")
        if rng.random() < 0.15:
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
            add(day, 1, LeaveKind.OTHER, "Bijzonder verlof")
        if rng.random() < 0.01:
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
            add(day, rng.randint(40, 80), LeaveKind.PARENTAL, "Ouderschapsverlof")
    secretary.leaves.sort(key=lambda leave: leave.start)
    _leave_days_refresh(secretary)


def _leave_days_refresh(secretary: _Secretary) -> None:
    secretary.leave_days = {
        d
        for leave in secretary.leaves
        for d in range(leave.start.toordinal(), leave.end.toordinal() + 1)
        if _weekday(d) < 5
    }


# ---------------------------------------------------------------------------------------------
# Exactly N entries: where the history starts.


def _entry_counts(world: _World, origin: datetime.date) -> list[int]:
    """Per day from ``origin`` to yesterday: how many entries the plan gives (a placement's working
    days, none on leave)."""
    first, last = origin.toordinal(), world.yesterday.toordinal()
    size = last - first + 1
    diff = [0] * (size + 1)
    by_secretary: dict[int, list[_Placement]] = defaultdict(list)
    for p in world.placements:
        if not p.loggable():
            continue
        start = max(p.start.toordinal(), first)
        end = min(p.end.toordinal() if p.end else last, last)
        if start > end:
            continue
        diff[start - first] += 1
        diff[end - first + 1] -= 1
        by_secretary[p.secretary.number].append(p)
    counts = [0] * size
    running = 0
    for i in range(size):
        running += diff[i]
        if _weekday(first + i) < 5:
            counts[i] = running
    for secretary in world.secretaries:
        own = by_secretary.get(secretary.number, [])
        for d in secretary.leave_days:
            if first <= d <= last:
                for p in own:
                    if p.start.toordinal() <= d and (p.end is None or d <= p.end.toordinal()):
                        counts[d - first] -= 1
    return counts


def _history_cut(world: _World, *, origin: datetime.date, entries: int) -> datetime.date | None:
    """Start the history where exactly ``entries`` entries fit (None: the plan holds fewer).

    On the first day only as many placements log hours as are still needed; the others start the
    next working day. Everything before the first day goes: earlier placements, earlier leave;
    employment starts no earlier."""
    counts = _entry_counts(world, origin)
    total, index = 0, len(counts)
    while total < entries and index > 0:
        index -= 1
        total += counts[index]
    if total < entries:
        return None
    cut = origin + datetime.timedelta(days=index)
    need = counts[index] - (total - entries)
    cut_ord = cut.toordinal()
    kept: list[_Placement] = []
    for p in world.placements:
        if p.end is not None and p.end < cut:
            continue
        p.start = max(p.start, cut)
        kept.append(p)
    on_cut = [
        p
        for p in kept
        if p.loggable() and p.start == cut and cut_ord not in p.secretary.leave_days and p.start <= world.yesterday
    ]
    for p in on_cut[need:]:
        p.start = add_working_days(cut, 1)
    world.placements = [p for p in kept if p.end is None or p.start <= p.end]
    for secretary in world.secretaries:
        secretary.start = max(secretary.start, cut)
        if secretary.end is not None and secretary.end < secretary.start:
            secretary.end = secretary.start
        secretary.leaves = [leave for leave in secretary.leaves if leave.end >= secretary.start]
        for leave in secretary.leaves:
            leave.start = max(leave.start, secretary.start)
        _leave_days_refresh(secretary)
    return cut


# ---------------------------------------------------------------------------------------------
# After the cut: times of creation, cancelled placements, rates, rate cards, ids.


def _moment(day: datetime.date, minute: int) -> Moment:
    return day.toordinal() * MINUTES_PER_DAY + minute


def _card_rate(pool: int, kind: str, year: int, today: datetime.date) -> Decimal:
    """The pool's rate card for ``kind`` in force in ``year`` (next year's is not made yet: this year's)."""
    year = min(year, today.year)
    tenant, internal = CURRENT_RATES[pool]
    base = tenant if kind == ClientKind.TENANT else internal
    return money_round(base / YEARLY_INDEX ** (today.year - year))


def _world_finish(rng: random.Random, world: _World, cut: datetime.date, now: Moment) -> None:
    today = world.today
    world.setup = _moment(cut - datetime.timedelta(days=30), 9 * 60)
    for person in world.staff:
        person.joined = world.setup
    for client in world.clients:
        if client.approver is not None:
            client.approver.joined = world.setup + 30
    for secretary in world.secretaries:
        joined = _moment(secretary.start - datetime.timedelta(days=14), 9 * 60 + 15)
        secretary.user.joined = max(world.setup + 10, joined)
    # A few placements cancelled before they ran (no hours, no capacity).
    tenants = [c for c in world.clients if c.kind == ClientKind.TENANT and not c.sponsor]
    for secretary in world.secretaries:
        if rng.random() < 0.04 and secretary.end is None:
            start = _working_day_on_or_after(
                secretary.start + datetime.timedelta(days=rng.randint(0, max(1, (today - secretary.start).days + 60)))
            )
            end = start + datetime.timedelta(days=rng.randint(90, 300))
            client = rng.choice(tenants)
            world.placements.append(
                _Placement(
                    secretary,
                    client,
                    start,
                    end,
                    rng.choice(HOURS_PER_WEEK[:5]),
                    PlacementStatus.CANCELLED,
                    rng.choice(PURPOSES[client.language]),
                )
            )
    first_year = min(p.start.year for p in world.placements) if world.placements else cut.year
    for pool in range(POOLS):
        for kind in (ClientKind.TENANT, ClientKind.INTERNAL):
            for year in range(first_year, today.year + 1):
                created = max(world.setup + 20, _moment(datetime.date(year - 1, 12, 1), 10 * 60))
                world.rate_cards.append(
                    (pool, kind, datetime.date(year, 1, 1), _card_rate(pool, kind, year, today), created)
                )
    for p in world.placements:
        earliest = max(world.setup + 60, p.secretary.user.joined + 60)
        p.created = min(max(earliest, _moment(p.start - datetime.timedelta(days=rng.randint(7, 45)), 10 * 60)), now - 1)
        _rates_plan(rng, p, today, now)
    world.placements.sort(key=lambda p: (p.created, p.secretary.number))


def _rates_plan(rng: random.Random, p: _Placement, today: datetime.date, now: Moment) -> None:
    """The first rate (the rate card; now and then an agreed rate), then agreed changes: on 1 January
    (the new card's rate) or mid-period. Each change is agreed before it takes effect."""
    pool, kind = p.secretary.pool, p.client.kind
    card = _card_rate(pool, kind, p.start.year, today)
    if rng.random() < 0.05:
        factor = Decimal(rng.choice(["0.90", "0.95", "1.05", "1.10"]))
        p.rates.append((p.start, money_round(card * factor), PlacementRate.Source.OVERRIDE, p.created))
    else:
        p.rates.append((p.start, card, PlacementRate.Source.RATE_CARD, p.created))
    if not p.loggable():
        return
    last = min(p.end or today, today)
    changes: list[tuple[datetime.date, Decimal]] = []
    for year in range(p.start.year + 1, last.year + 1):
        if rng.random() < 0.4:
            changes.append((datetime.date(year, 1, 1), _card_rate(pool, kind, year, today)))
    if rng.random() < 0.06 and (last - p.start).days > 90:
        day = p.start + datetime.timedelta(days=rng.randint(60, (last - p.start).days))
        if day.month != 1 or day.day != 1:
            changes.append((day, Decimal(0)))
    rate = p.rates[0][1]
    for day, new in sorted(changes):
        if new == 0:
            new = money_round(rate * Decimal(rng.choice(["1.02", "1.04", "1.05", "1.06"])))
        if new == rate or day <= p.start:
            continue
        agreed = _moment(day - datetime.timedelta(days=rng.randint(3, 20)), 11 * 60)
        p.rates.append((day, new, PlacementRate.Source.OVERRIDE, min(max(agreed, p.created + 1), now - 1)))
        rate = new


# ---------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, executemany on SQLite. Plain values: str, int, bool, None.


class _Loader:
    def __init__(self, *, now: Moment) -> None:
        self.connection = connections[router.db_for_write(TimeEntry)]
        self.connection.ensure_connection()
        self.pg = self.connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self.now = now
        self._offsets: dict[int, int] = {}
        self._suffix = "+00:00" if self.pg else ""
        self._tz = timezone.get_current_timezone()
        self._restore: list[tuple[int, str]] = []  # (order, statement) to run before commit

    def stamp(self, moment: Moment) -> str:
        """A local moment as the database stores a ``DateTimeField`` (UTC)."""
        day, minute = divmod(moment, MINUTES_PER_DAY)
        offset = self._offsets.get(day)
        if offset is None:
            noon = datetime.datetime.combine(_date(day), datetime.time(12), tzinfo=self._tz)
            delta = noon.utcoffset() or datetime.timedelta(0)
            offset = self._offsets[day] = int(delta.total_seconds()) // 60
        utc = datetime.datetime.fromordinal(day) + datetime.timedelta(minutes=minute - offset)
        return utc.isoformat(" ") + self._suffix

    def _table(self, model: type[models.Model]) -> str:
        return model._meta.db_table

    def lock(self, tables: list[type[models.Model]]) -> None:
        """No one else writes these tables until the load commits (so the ids and the emptiness check hold)."""
        if not self.pg:
            return
        names = ", ".join(self.connection.ops.quote_name(self._table(m)) for m in tables)
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")

    def _pk(self, model: type[models.Model]) -> str:
        pk = model._meta.pk
        assert pk is not None and pk.column is not None
        return pk.column

    def first_id(self, model: type[models.Model]) -> int:
        table, pk = self._table(model), self._pk(model)
        q = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({q(pk)}) FROM {q(table)}")  # noqa: S608 - names from the model
            highest = cursor.fetchone()[0] or 0
            if self.pg:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, pk])
                highest = max(highest, cursor.fetchone()[0] - 1)
        return int(highest) + 1

    def ids_taken(self, model: type[models.Model], last: int) -> None:
        """Move the table's sequence past the ids given explicitly (PostgreSQL; SQLite follows by itself)."""
        if not self.pg:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                [self._table(model), self._pk(model), max(last, 1)],
            )

    def _columns(self, model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], tuple[object, ...]]:
        """The columns of ``fields`` and, for the model's other fields, their defaults (None if nullable)."""
        meta = model._meta
        columns = [str(meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]
        named = set(columns)
        extras: list[object] = []
        for f in meta.concrete_fields:
            if f.column in named or f.column is None:
                continue
            if f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection=self.connection)
            elif f.null:
                value = None
            else:
                raise VolumeError(f"{meta.label}.{f.name} has no value and no default: update billing/volume.py.")
            columns.append(f.column)
            extras.append(value)
        return columns, tuple(extras)

    @contextmanager
    def rows(self, model: type[models.Model], fields: Sequence[str]) -> Iterator[Callable[[Row], None]]:
        """A function that writes one row of ``fields`` (in that order) to ``model``'s table."""
        columns, extras = self._columns(model, fields)
        label = model._meta.label
        q = self.connection.ops.quote_name
        table = q(self._table(model))
        names = ", ".join(q(c) for c in columns)
        count = 0
        if self.pg:
            with self.connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    write = copy.write_row
                    if extras:

                        def put(row: Row) -> None:
                            nonlocal count
                            count += 1
                            write((*row, *extras))
                    else:

                        def put(row: Row) -> None:
                            nonlocal count
                            count += 1
                            write(row)

                    yield put
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            raw = self.connection.connection
            batch: list[Row] = []

            def put(row: Row) -> None:
                nonlocal count
                count += 1
                batch.append((*row, *extras) if extras else row)
                if len(batch) >= SQLITE_BATCH:
                    raw.executemany(sql, batch)
                    batch.clear()

            yield put
            if batch:
                raw.executemany(sql, batch)
        self.counts[label] = self.counts.get(label, 0) + count

    def write(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Row]) -> None:
        with self.rows(model, fields) as put:
            for row in rows:
                put(row)

    def unconstrain(self, tables: list[type[models.Model]]) -> None:
        """PostgreSQL: load the big tables without their foreign keys, unique constraints and secondary
        indexes; ``finish`` makes them again as they were (which checks every row) before the transaction
        commits. Call it before writing anything (a table with pending foreign key checks cannot change)."""
        if not self.pg:
            return
        with self.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check what is pending now
            for model in tables:
                self._unconstrain(cursor, model)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def _unconstrain(self, cursor: Any, model: type[models.Model]) -> None:
        table = self._table(model)
        q = self.connection.ops.quote_name
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
            [table],
        )
        for name, kind, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
            self._restore.append(
                (1 if kind == "u" else 2, f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}")
            )
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {q(name)}")
            self._restore.append((0, definition))

    def finish(self, tables: list[type[models.Model]]) -> None:
        """Make the dropped indexes and constraints again (indexes, unique constraints, foreign keys: every
        row is checked), then ANALYZE the loaded tables for the planner."""
        if not self.pg:
            return
        with self.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check what is pending now
            for _, statement in sorted(self._restore, key=lambda r: r[0]):
                cursor.execute(statement)
            self._restore.clear()
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in tables:
                cursor.execute(f"ANALYZE {self.connection.ops.quote_name(self._table(model))}")


# ---------------------------------------------------------------------------------------------
# Hours: entries streamed to the database day by day; sheets summed up as they go.


@dataclass(slots=True, eq=False)
class _Sheet:
    id: int
    placement: _Placement
    start: datetime.date
    end: datetime.date
    end_ord: int
    created: str
    first_day: int
    status: str = TimesheetStatus.OPEN
    submitted: Moment | None = None
    approved: Moment | None = None
    rejected: Moment | None = None
    run: datetime.date | None = None  # the month of the run that billed it
    quarters: int = 0
    count: int = 0
    window: int = -1
    windows: list[list[int]] = field(default_factory=list)  # [rate index, first day, quarters]
    hasher: Any = None
    approval_hash: str = ""
    parts: list[RatePart] = field(default_factory=list)
    amount: Decimal = ZERO


@dataclass(slots=True, eq=False)
class _Logger:
    """A placement while its hours are written."""

    placement: _Placement
    first: int
    last: int
    quarters: int  # a week's, in quarter hours
    salt: int
    texts: list[str]
    texts_json: list[str]
    leave: set[int]
    changes: list[int]  # the days its rates change
    window: int = 0
    next_change: int = NEVER
    sheet: _Sheet | None = None
    monday: int = 0
    week: list[int] = field(default_factory=list)


class _Calendar:
    """Working-day arithmetic and the monthly run's moments, cached."""

    def __init__(self, now: Moment) -> None:
        self.now = now
        self._runs: dict[datetime.date, Moment] = {}
        self._later: dict[tuple[int, int], datetime.date] = {}

    def later(self, day: datetime.date, count: int) -> datetime.date:
        key = (day.toordinal(), count)
        found = self._later.get(key)
        if found is None:
            found = self._later[key] = add_working_days(day, count)
        return found

    def run_moment(self, month: datetime.date) -> Moment:
        """Finance runs month ``month`` on the third working day of the next month."""
        found = self._runs.get(month)
        if found is None:
            last = month_bounds(month.year, month.month)[1]
            found = self._runs[month] = _moment(add_working_days(last, 3), RUN_MINUTE)
        return found


def _sheet_fate(rng: random.Random, sheet: _Sheet, calendar: _Calendar, today: datetime.date) -> None:
    """What happened to the sheet by now: handed in around the period's end, approved some working days
    later (now and then rejected and handed in again first), billed by the first run after approval."""
    if sheet.end >= today:
        return  # the period runs: open
    now = calendar.now
    last_working = _working_day_on_or_before(sheet.end)
    r = rng.random()
    if r < 0.35 and last_working >= sheet.start:
        handed_in, minute = last_working, 18 * 60 + rng.randint(0, 59)
    else:
        lag = 1 if r < 0.65 else 2 if r < 0.8 else rng.randint(3, 5) if r < 0.95 else rng.randint(6, 10)
        handed_in, minute = calendar.later(sheet.end, lag), 9 * 60 + rng.randint(0, 480)
    submitted = _moment(handed_in, minute)
    if submitted > now:
        return
    sheet.status, sheet.submitted = TimesheetStatus.SUBMITTED, submitted
    if rng.random() < 0.03:
        rejected_on = calendar.later(handed_in, rng.randint(0, 3))
        rejected = max(_moment(rejected_on, 9 * 60 + rng.randint(0, 480)), submitted + 5)
        if rejected > now:
            return
        sheet.rejected = rejected
        again_on = calendar.later(rejected_on, rng.randint(1, 4))
        again = max(_moment(again_on, 9 * 60 + rng.randint(0, 480)), rejected + 5)
        if again > now:
            sheet.status = TimesheetStatus.REJECTED
            return
        sheet.submitted, handed_in = again, again_on
    r = rng.random()
    lag = (
        0
        if r < 0.15
        else 1
        if r < 0.35
        else 2
        if r < 0.5
        else 3
        if r < 0.62
        else 4
        if r < 0.72
        else rng.randint(5, 7)
        if r < 0.9
        else rng.randint(8, 15)
    )
    approved_on = calendar.later(handed_in, lag) if lag else handed_in
    approved = _moment(approved_on, 9 * 60 + rng.randint(0, 480))
    assert sheet.submitted is not None
    if approved <= sheet.submitted:
        approved = sheet.submitted + rng.randint(5, 90)
    if approved > now:
        return
    sheet.status, sheet.approved = TimesheetStatus.APPROVED, approved
    month = sheet.end.replace(day=1)
    while calendar.run_moment(month) <= approved:
        month = _next_month(month)
    if calendar.run_moment(month) <= now:
        sheet.status, sheet.run = TimesheetStatus.INVOICED, month


def _week_quarters(rng: random.Random, quarters: int) -> list[int]:
    """A week's quarter hours over Monday..Friday: even, rotated; now and then a busier and a quieter day."""
    base, extra = divmod(quarters, 5)
    shift = rng.randrange(5)
    week = [base + (1 if (d - shift) % 5 < extra else 0) for d in range(5)]
    if rng.random() < 0.3:
        busy, quiet = rng.randrange(5), rng.randrange(5)
        if busy != quiet and week[quiet] > 1:
            week[busy] += 1
            week[quiet] -= 1
    return week


def _hours_write(
    *, rng: random.Random, world: _World, loader: _Loader, calendar: _Calendar, first_sheet_id: int, first_entry_id: int
) -> list[_Sheet]:
    """Write one entry per placement per working day (none on leave, none after yesterday) in date order,
    the sheets made as their first entry is; returns the sheets, summed up."""
    today, yesterday = world.today, world.yesterday.toordinal()
    loggers = []
    for n, p in enumerate(world.placements):
        if not p.loggable() or p.start > world.yesterday:
            continue
        texts = DESCRIPTIONS[p.client.language]
        changes = [r[0].toordinal() for r in p.rates[1:]]
        loggers.append(
            _Logger(
                placement=p,
                first=p.start.toordinal(),
                last=min(p.end.toordinal() if p.end else yesterday, yesterday),
                quarters=int(p.hours * 4),
                salt=n,
                texts=texts,
                texts_json=[json.dumps(t) for t in texts],
                leave=p.secretary.leave_days,
                changes=changes,
                next_change=changes[0] if changes else NEVER,
            )
        )
    loggers.sort(key=lambda g: (g.first, g.placement.id))
    sheets: list[_Sheet] = []
    hours_text = [_hours_text(q) for q in range(97)]
    fields = ["id", "timesheet", "date", "hours", "description", "updated_at"]
    sheet_id, entry_id = first_sheet_id, first_entry_id
    with loader.rows(TimeEntry, fields) as put:
        active: list[_Logger] = []
        waiting, expiry = 0, NEVER  # the next logger to start; the first day one of the active ones is done
        for day in range(loggers[0].first if loggers else NEVER, yesterday + 1):
            weekday = _weekday(day)
            if weekday >= 5:
                continue
            while waiting < len(loggers) and loggers[waiting].first <= day:
                active.append(loggers[waiting])
                expiry = min(expiry, loggers[waiting].last + 1)
                waiting += 1
            if day >= expiry:
                for g in active:
                    if g.last < day and g.sheet is not None:
                        _sheet_close(g.sheet)
                active = [g for g in active if g.last >= day]
                expiry = min((g.last + 1 for g in active), default=NEVER)
            date_text = _date(day).isoformat()
            monday = day - weekday
            stamps = [loader.stamp(day * MINUTES_PER_DAY + 17 * 60 + 15 * k) for k in range(4)]
            for g in active:
                if day in g.leave:
                    continue
                if g.monday != monday:
                    g.monday, g.week = monday, _week_quarters(rng, g.quarters)
                q = g.week[weekday]
                sheet = g.sheet
                if sheet is None or day > sheet.end_ord:
                    if sheet is not None:
                        _sheet_close(sheet)
                    start, end = approval_period_bounds(_date(day), g.placement.client.approval_period)
                    sheet = g.sheet = _Sheet(
                        sheet_id, g.placement, start, end, end.toordinal(), stamps[g.salt % 4], day
                    )
                    sheet_id += 1
                    sheets.append(sheet)
                    _sheet_fate(rng, sheet, calendar, today)
                    if sheet.approved is not None:
                        sheet.hasher = hashlib.sha256(b'{"entries":[')
                while day >= g.next_change:
                    g.window += 1
                    g.next_change = g.changes[g.window] if g.window < len(g.changes) else NEVER
                if sheet.window != g.window:
                    sheet.window = g.window
                    sheet.windows.append([g.window, day, 0])
                sheet.windows[-1][2] += q
                sheet.quarters += q
                text = (weekday + 3 * (monday // 7) + g.salt) % len(g.texts)
                if sheet.hasher is not None:
                    sheet.hasher.update(
                        f'{"," if sheet.count else ""}{{"date":"{date_text}","description":{g.texts_json[text]},'
                        f'"hours":"{hours_text[q]}"}}'.encode()
                    )
                sheet.count += 1
                put((entry_id, sheet.id, date_text, hours_text[q], g.texts[text], stamps[g.salt % 4]))
                entry_id += 1
        for g in active:
            if g.sheet is not None:
                _sheet_close(g.sheet)
    for sheet in sheets:
        _sheet_sum(sheet)
    return sheets


def _sheet_close(sheet: _Sheet) -> None:
    """The sheet gets no more entries: finish its evidence hash (as ``timesheet_evidence_hash`` makes it)."""
    if sheet.hasher is not None and not sheet.approval_hash:
        tail = (
            f'],"period":["{sheet.start.isoformat()}","{sheet.end.isoformat()}"],'
            f'"placement":{sheet.placement.id},"timesheet":{sheet.id}}}'
        )
        sheet.hasher.update(tail.encode())
        sheet.approval_hash = sheet.hasher.hexdigest()
        sheet.hasher = None


def _sheet_sum(sheet: _Sheet) -> None:
    """The sheet's rate parts and amount, by ``rate_parts`` (one entry per rate window stands for its hours)."""
    rates = [(r[0], r[1]) for r in sheet.placement.rates]
    entries = [(_date(first), _hours(quarters)) for _, first, quarters in sheet.windows]
    sheet.parts = rate_parts(rates=rates, period_start=sheet.start, period_end=sheet.end, entries=entries)
    if sum((p.hours for p in sheet.parts), Decimal(0)) != _hours(sheet.quarters):
        raise VolumeError(f"Sheet {sheet.id} has hours before its placement's first rate.")  # never: rates start first
    sheet.amount = sum((p.amount for p in sheet.parts), ZERO)


# ---------------------------------------------------------------------------------------------
# Billing: runs, invoices, credit notes, numbers.


@dataclass(slots=True, eq=False)
class _Line:
    kind: str
    description: str
    placement: _Placement | None
    sheet: _Sheet | None
    start: datetime.date | None
    end: datetime.date | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    vat_rate: Decimal
    position: int = 0
    credited: "_Line | None" = None
    id: int = 0


@dataclass(slots=True, eq=False)
class _Run:
    month: datetime.date
    moment: Moment
    invoices: int = 0
    lines: int = 0
    sheets: int = 0
    id: int = 0


@dataclass(slots=True, eq=False)
class _Invoice:
    kind: str
    client: _Client
    moment: Moment  # created and finalised
    lines: list[_Line]
    run: _Run | None = None
    period: tuple[datetime.date, datetime.date] | None = None
    credited: "_Invoice | None" = None
    reason: str = ""
    notes: str = ""
    net: Decimal = ZERO
    vat: Decimal = ZERO
    total: Decimal = ZERO
    breakdown: str = "[]"
    series: str = ""
    year: int = 0
    sequence: int = 0
    number: str = ""
    credit_total: Decimal = ZERO  # of its credit notes (negative)
    credit_moment: Moment = 0  # the last credit note's
    id: int = 0

    @property
    def issue(self) -> datetime.date:
        return _date(self.moment // MINUTES_PER_DAY)

    @property
    def due(self) -> datetime.date | None:
        if self.kind == InvoiceKind.CREDIT_NOTE:
            return None
        return self.issue + datetime.timedelta(days=self.client.payment_term_days)

    def totals(self) -> None:
        totals = totals_of((line.amount, line.vat_rate) for line in self.lines)
        self.net, self.vat, self.total = totals.net, totals.vat, totals.total
        self.breakdown = json.dumps(totals.breakdown())


def _invoices_plan(
    rng: random.Random, world: _World, sheets: list[_Sheet], calendar: _Calendar, cut: datetime.date
) -> tuple[list[_Run], list[_Invoice]]:
    """A run per month from the first with hours up to the last one run by now; an invoice or internal
    statement per client and run (lines as ``invoice_run_start`` makes them); sponsors' manual invoices;
    a few partial credit notes. Ids and numbers in the order of finalisation."""
    now, yesterday = calendar.now, world.yesterday
    billed: dict[datetime.date, dict[int, list[_Sheet]]] = defaultdict(lambda: defaultdict(list))
    for sheet in sheets:
        if sheet.run is not None:
            billed[sheet.run][sheet.placement.client.id].append(sheet)
    runs: list[_Run] = []
    invoices: list[_Invoice] = []
    month = cut.replace(day=1)
    while calendar.run_moment(month) <= now:
        run = _Run(month=month, moment=calendar.run_moment(month))
        runs.append(run)
        by_client = billed.get(month, {})
        clients = sorted((s[0].placement.client for s in by_client.values()), key=lambda c: c.id)
        for client in clients:
            lines = []
            own = sorted(by_client[client.id], key=lambda s: (s.placement.secretary.user.full_name, s.start, s.id))
            for sheet in own:
                for part in sheet.parts:
                    lines.append(
                        _Line(
                            kind=LineKind.HOURS,
                            description=sheet.placement.secretary.user.full_name,
                            placement=sheet.placement,
                            sheet=sheet,
                            start=part.start,
                            end=part.end,
                            quantity=part.hours,
                            unit_price=part.rate,
                            amount=line_amount(quantity=part.hours, unit_price=part.rate),
                            vat_rate=client.vat_rate,
                        )
                    )
            kind = InvoiceKind.INTERNAL if client.kind == ClientKind.INTERNAL else InvoiceKind.INVOICE
            invoice = _Invoice(
                kind, client, run.moment + 1, lines, run=run, period=month_bounds(month.year, month.month)
            )
            invoices.append(invoice)
            run.invoices += 1
            run.lines += len(lines)
            run.sheets += len(own)
        month = _next_month(month)

    invoices.extend(_sponsor_invoices(rng, world, cut))
    for invoice in invoices:
        for position, line in enumerate(invoice.lines, 1):
            line.position = position
    invoices.extend(_credit_notes(rng, invoices, yesterday))
    # Ids and numbers follow the order of finalisation (a run's drafts in the order of their clients).
    invoices.sort(key=lambda i: (i.moment, i.client.id, i.kind))
    for invoice in invoices:
        for position, line in enumerate(invoice.lines, 1):
            line.position = position
        invoice.totals()
        if invoice.credited is not None:
            invoice.credited.credit_total += invoice.total
            invoice.credited.credit_moment = max(invoice.credited.credit_moment, invoice.moment)
    return runs, invoices


def _sponsor_invoices(rng: random.Random, world: _World, cut: datetime.date) -> list[_Invoice]:
    """Sponsors: a manual invoice or two a year (other income, no hours)."""
    invoices = []
    for client in (c for c in world.clients if c.sponsor):
        for year in range(cut.year, world.today.year + 1):
            for _ in range(rng.choice([1, 1, 2])):
                day = _working_day_on_or_after(datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364)))
                if day < cut + datetime.timedelta(days=20) or day > world.yesterday:
                    continue
                lines = []
                for description_nl, description_en, quantity, price, vat_rate in rng.sample(SPONSOR_LINES, 2):
                    text = description_nl if client.language == "nl" else description_en
                    q, p = Decimal(quantity), Decimal(price)
                    lines.append(
                        _Line(
                            kind=LineKind.MANUAL,
                            description=text.format(year=year),
                            placement=None,
                            sheet=None,
                            start=None,
                            end=None,
                            quantity=q,
                            unit_price=p,
                            amount=line_amount(quantity=q, unit_price=p),
                            vat_rate=vat_rate,
                        )
                    )
                note = "Met dank voor uw steun." if client.language == "nl" else "Thank you for your support."
                invoices.append(
                    _Invoice(
                        InvoiceKind.INVOICE, client, _moment(day, 10 * 60 + rng.randint(0, 300)), lines, notes=note
                    )
                )
    return invoices


def _credit_notes(rng: random.Random, invoices: list[_Invoice], yesterday: datetime.date) -> list[_Invoice]:
    """A few partial credit notes (as ``credit_note_create`` makes them): some hours of a line or two,
    weeks after the invoice."""
    notes = []
    hours_invoices = [i for i in invoices if i.run is not None and i.issue <= yesterday - datetime.timedelta(days=10)]
    wanted = max(2, len(hours_invoices) // 150) if hours_invoices else 0
    for original in rng.sample(hours_invoices, min(wanted, len(hours_invoices))):
        day = _working_day_on_or_after(original.issue + datetime.timedelta(days=rng.randint(3, 30)))
        if day > yesterday:
            continue
        lines = []
        chosen = rng.sample(original.lines, min(len(original.lines), rng.choice([1, 1, 1, 2])))
        for line in sorted(chosen, key=lambda x: x.position):
            wanted_hours = Decimal(rng.choice([1, 2, 2, 3, 4, 8]))
            quantity = min(wanted_hours, line.quantity - QUARTER) if line.quantity > QUARTER else line.quantity
            lines.append(
                _Line(
                    kind=line.kind,
                    description=line.description,
                    placement=line.placement,
                    sheet=line.sheet,
                    start=line.start,
                    end=line.end,
                    quantity=-quantity,
                    unit_price=line.unit_price,
                    amount=-line_amount(quantity=quantity, unit_price=line.unit_price),
                    vat_rate=line.vat_rate,
                    credited=line,
                )
            )
        hours = sum((-line.quantity for line in lines), Decimal(0))
        reason = (
            f"{hours:.2f} uur dubbel geschreven; deze uren worden gecrediteerd."
            if original.client.language == "nl"
            else f"{hours:.2f} hours were recorded twice; they are credited."
        )
        note = _Invoice(
            InvoiceKind.CREDIT_NOTE,
            original.client,
            _moment(day, 14 * 60 + rng.randint(0, 120)),
            lines,
            period=original.period,
            credited=original,
            reason=reason,
        )
        notes.append(note)
    return notes


def _numbers_give(invoices: list[_Invoice]) -> list[tuple[str, int, int]]:
    """Gapless numbers per series and year in the order of finalisation; returns the counters
    (series, year, last number)."""
    last: dict[tuple[str, int], int] = {}
    for invoice in invoices:  # already in the order of finalisation
        series = SERIES_OF_KIND[InvoiceKind(invoice.kind)]
        year = invoice.issue.year
        sequence = last.get((series, year), 0) + 1
        last[(series, year)] = sequence
        invoice.series, invoice.year, invoice.sequence = series, year, sequence
        invoice.number = invoice_number_format(series=series, year=year, sequence=sequence)
    return [(series, year, n) for (series, year), n in sorted(last.items(), key=lambda kv: (kv[0][1], kv[0][0]))]


# ---------------------------------------------------------------------------------------------
# Receivables and the payments ledger.


@dataclass(slots=True, eq=False)
class _Payment:
    invoice: _Invoice
    method: str
    amount: Decimal
    day: datetime.date
    reference: str
    moment: Moment
    id: int = 0


@dataclass(slots=True, eq=False)
class _Receivable:
    invoice: _Invoice
    amount_due: Decimal
    amount_paid: Decimal
    status: str
    overpaid: bool
    paid_on: datetime.date | None
    overdue_since: datetime.date | None
    reminders: int
    last_reminder: datetime.date | None
    updated: Moment


def _payments_plan(
    rng: random.Random, world: _World, invoices: list[_Invoice], now: Moment
) -> tuple[list[_Receivable], list[_Payment]]:
    """Tenants pay by bank transfer, most within their term, some late, a few in two parts, a handful
    not at all; internal statements are settled by finance some working days after issue. What is not
    due by yesterday is open. Each receivable as ``receivable_refresh`` and the daily task leave it."""
    yesterday = world.yesterday
    now_day, now_minute = divmod(now, MINUTES_PER_DAY)
    task_day = _date(now_day if now_minute >= DAILY_TASK_MINUTE else now_day - 1)  # the daily task's last run
    receivables: list[_Receivable] = []
    payments: list[_Payment] = []
    for invoice in invoices:
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            continue
        due = invoice.due
        assert due is not None
        amount_due = invoice.total + invoice.credit_total
        issue = invoice.issue
        after_credit = _date(invoice.credit_moment // MINUTES_PER_DAY) if invoice.credit_moment else issue
        plan: list[tuple[datetime.date, Decimal]] = []
        if invoice.kind == InvoiceKind.INTERNAL:
            day = add_working_days(max(issue, after_credit), rng.randint(5, 25))
            plan.append((day, amount_due))
            method = PaymentMethod.INTERNAL
            reference = f"{invoice.number} {invoice.client.cost_centre}".strip()
        else:
            method = PaymentMethod.BANK_TRANSFER
            reference = f"Factuur {invoice.number}" if invoice.client.language == "nl" else f"Invoice {invoice.number}"
            payer = invoice.client.payer
            term = invoice.client.payment_term_days
            if payer < 0.75:  # on time
                days = rng.randint(max(3, term // 3), term)
            elif payer < 0.97:  # a little late
                days = term + rng.randint(1, 30)
            else:  # late
                days = term + rng.randint(20, 90)
            day = max(issue + datetime.timedelta(days=days), after_credit + datetime.timedelta(days=1))
            # A handful of last year's invoices are never paid (overdue for months).
            never = world.today - datetime.timedelta(days=365) < issue < world.today - datetime.timedelta(days=120)
            never = never and rng.random() < 0.01
            if rng.random() < 0.04:
                first = money_round(amount_due / 2)
                plan.append((day, first))
                if not never:
                    plan.append((day + datetime.timedelta(days=rng.randint(20, 60)), amount_due - first))
            elif not never:
                plan.append((day, amount_due))
        paid = ZERO
        paid_on: datetime.date | None = None
        updated = invoice.moment
        for day, amount in plan:
            if day > yesterday or amount <= 0:
                break
            moment = _moment(day, PAYMENT_MINUTE + rng.randint(0, 240))
            payments.append(_Payment(invoice, method, amount, day, reference, moment))
            paid += amount
            updated = max(updated, moment)
            if paid >= amount_due:
                paid_on = day
        if invoice.credit_moment:
            updated = max(updated, invoice.credit_moment)
        status = payment_status_of(amount_due=amount_due, amount_paid=paid, due_date=due, today=task_day)
        reminders, last_reminder = 0, None
        overdue_since = due + datetime.timedelta(days=1) if status == PaymentStatus.OVERDUE else None
        if task_day > due:  # the daily task marked it overdue on the day after its due date (07:30) ...
            marked = due + datetime.timedelta(days=1)
            if paid_on is None or marked <= paid_on:
                updated = max(updated, _moment(marked, DAILY_TASK_MINUTE))
            if invoice.kind == InvoiceKind.INVOICE:  # ... and sent reminders every 14 days while unpaid
                day = marked
                while reminders < REMINDERS_MAX and day <= task_day and (paid_on is None or day <= paid_on):
                    reminders, last_reminder = reminders + 1, day
                    updated = max(updated, _moment(day, DAILY_TASK_MINUTE))
                    day += REMINDER_EVERY
        receivables.append(
            _Receivable(
                invoice=invoice,
                amount_due=amount_due,
                amount_paid=paid,
                status=status,
                overpaid=paid > amount_due,
                paid_on=paid_on if status == PaymentStatus.PAID else None,
                overdue_since=overdue_since,
                reminders=reminders,
                last_reminder=last_reminder,
                updated=min(updated, now - 1),
            )
        )
    payments.sort(key=lambda p: (p.moment, p.invoice.id))
    return receivables, payments


# ---------------------------------------------------------------------------------------------
# The load.

TABLES: list[type[models.Model]] = [
    User,
    Pool,
    Pool.managers.through,
    Client,
    Client.approvers.through,
    RateCard,
    Secretary,
    Placement,
    PlacementRate,
    Leave,
    Timesheet,
    TimeEntry,
    InvoiceRun,
    Invoice,
    InvoiceLine,
    Receivable,
    Payment,
    InvoiceCounter,
]
_LABELS = {m._meta.label: m._meta.db_table for m in TABLES}
# The tables that grow with the entries: on PostgreSQL loaded before their constraints and indexes are made.
BULK_TABLES: list[type[models.Model]] = [Timesheet, TimeEntry, InvoiceLine]
# Any row in these makes the database "not empty" for this command.
MUST_BE_EMPTY: list[type[models.Model]] = [
    Pool,
    Client,
    Secretary,
    Placement,
    Timesheet,
    TimeEntry,
    InvoiceRun,
    Invoice,
    Payment,
    InvoiceCounter,
]


def _daily_cap_check(world: _World) -> None:
    """A secretary's busiest possible day (each slot's week over five days, one quarter hour moved) stays
    within the daily maximum the week grid enforces."""
    busiest = max((sum(int(cap * 4) // 5 + 2 for cap in s.caps) for s in world.secretaries), default=0)  # quarter hours
    if Decimal(busiest) * QUARTER > daily_cap():
        raise VolumeError(
            f"DAILY_HOURS_CAP is {daily_cap()} h; the volume data needs days of up to {Decimal(busiest) * QUARTER} h."
        )


def _refuse_unless_empty() -> None:
    found = [f"{m._meta.verbose_name_plural}" for m in MUST_BE_EMPTY if m._default_manager.exists()]
    if User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists():
        found.append(f"users @{EMAIL_DOMAIN}")
    if found:
        raise VolumeError(
            "The database is not empty (it holds " + ", ".join(found) + "): seed_volume loads into an empty "
            "database only, e.g. a new one after `manage.py migrate`. Nothing was written."
        )


def volume_seed(*, entries: int, seed: int = 1) -> VolumeSummary:
    """Load the volume data with exactly ``entries`` time entries into an empty database, in one transaction."""
    if not MIN_ENTRIES <= entries <= MAX_ENTRIES:
        raise VolumeError(f"--entries must lie between {MIN_ENTRIES:,} and {MAX_ENTRIES:,} (got {entries:,}).")
    started = time.perf_counter()
    local_now = timezone.localtime()
    today = local_now.date()
    now = _moment(today, local_now.hour * 60 + local_now.minute)
    with transaction.atomic():
        loader = _Loader(now=now)
        loader.lock(TABLES)
        _refuse_unless_empty()
        loader.unconstrain(BULK_TABLES)
        per_pool = _scale(entries)
        span = int(entries / (POOLS * per_pool * SLOTS_PER_SECRETARY * 0.85) * 7 / 5) + 60
        while True:
            origin = today - datetime.timedelta(days=span)
            world = _world_plan(seed=seed, per_pool=per_pool, today=today, origin=origin)
            cut = _history_cut(world, origin=origin, entries=entries)
            if cut is not None:
                break
            span = int(span * 1.4) + 30
        _daily_cap_check(world)
        rng = random.Random(seed * 7919 + 1)  # noqa: S311 - reproducible test data, not security
        _world_finish(rng, world, cut, now)
        calendar = _Calendar(now)
        _reference_write(loader, world)
        first_sheet, first_entry = loader.first_id(Timesheet), loader.first_id(TimeEntry)
        sheets = _hours_write(
            rng=rng,
            world=world,
            loader=loader,
            calendar=calendar,
            first_sheet_id=first_sheet,
            first_entry_id=first_entry,
        )
        written = loader.counts.get(TimeEntry._meta.label, 0)
        if written != entries:  # never: the cut counts the very same days
            raise VolumeError(f"Wrote {written} entries instead of {entries}.")
        loader.ids_taken(TimeEntry, first_entry + written - 1)
        loader.ids_taken(Timesheet, first_sheet + len(sheets) - 1)
        _sheets_write(loader, world, sheets)
        runs, invoices = _invoices_plan(rng, world, sheets, calendar, cut)
        counters = _billing_write(loader, world, runs, invoices)
        receivables, payments = _payments_plan(rng, world, invoices, now)
        _payments_write(loader, world, receivables, payments, counters)
        loader.finish(TABLES)
        # The reports' summary of the finalised lines, as finalising them would have written it.
        loader.counts[RevenueFact._meta.label] = revenue_facts_rebuild()
    months = (runs[0].month, runs[-1].month) if runs else None
    return VolumeSummary(
        counts={_LABELS.get(k, k): v for k, v in loader.counts.items()},
        details=_details(world, sheets, invoices, receivables),
        seconds=time.perf_counter() - started,
        first_day=cut,
        last_day=_working_day_on_or_before(world.yesterday),
        invoiced_months=months,
        pools=POOLS,
        secretaries=len(world.secretaries),
        tenants=sum(1 for c in world.clients if c.kind == ClientKind.TENANT),
        internal_clients=sum(1 for c in world.clients if c.kind == ClientKind.INTERNAL),
        sponsors=sum(1 for c in world.clients if c.sponsor),
    )


def _details(
    world: _World, sheets: list[_Sheet], invoices: list[_Invoice], receivables: list[_Receivable]
) -> dict[str, dict[str, int]]:
    def tally(values: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for v in values:
            out[v] += 1
        return dict(sorted(out.items()))

    return {
        Placement._meta.db_table: tally(p.status for p in world.placements),
        Timesheet._meta.db_table: tally(s.status for s in sheets),
        Invoice._meta.db_table: tally(i.kind for i in invoices),
        Receivable._meta.db_table: tally(r.status for r in receivables),
    }


def _ids(loader: _Loader, model: type[models.Model], objs: Sequence[Any]) -> None:
    """Give ``objs`` consecutive ids from the table's sequence."""
    first = loader.first_id(model)
    for n, obj in enumerate(objs):
        obj.id = first + n
    loader.ids_taken(model, first + len(objs) - 1 if objs else first - 1)


def _reference_write(loader: _Loader, world: _World) -> None:
    stamp = loader.stamp
    password = make_password(None)
    people = [
        *world.staff,
        *(s.user for s in world.secretaries),
        *(c.approver for c in world.clients if c.approver is not None),
    ]
    _ids(loader, User, people)
    flags = ["is_team_manager", "is_secretary", "is_client_approver", "is_finance", "is_director"]
    loader.write(
        User,
        ["id", "password", "email", "full_name", "language", "is_active", "is_staff", "is_superuser", "date_joined",
         *flags],
        (
            (u.id, password, u.email, u.full_name, u.language, u.active, False, False, stamp(u.joined),
             *(u.role == f for f in flags))
            for u in people
        ),
    )  # fmt: skip
    pools = list(range(POOLS))
    first = loader.first_id(Pool)
    pool_ids = [first + p for p in pools]
    loader.ids_taken(Pool, pool_ids[-1])
    loader.write(
        Pool,
        ["id", "name", "cost_centre", "created_at"],
        ((pool_ids[p], POOL_NAMES[p], f"CC-41{p + 1}0", stamp(world.setup)) for p in pools),
    )
    through = Pool.managers.through
    first = loader.first_id(through)
    loader.write(through, ["id", "pool", "user"], ((first + p, pool_ids[p], world.managers[p].id) for p in pools))
    loader.ids_taken(through, first + POOLS - 1)

    _ids(loader, Client, world.clients)
    for c in world.clients:
        c.snapshot = json.dumps(
            _customer_snapshot(
                Client(
                    legal_name=c.legal_name,
                    street=c.street,
                    postcode=c.postcode,
                    city=c.city,
                    country=c.country,
                    kvk_number=c.kvk_number,
                    vat_number=c.vat_number,
                    cost_centre=c.cost_centre,
                    billing_email=c.billing_email,
                )
            )
        )
    loader.write(
        Client,
        ["id", "kind", "legal_name", "street", "postcode", "city", "country", "kvk_number", "vat_number",
         "billing_email", "payment_term_days", "invoice_language", "vat_treatment", "cost_centre", "approval_period",
         "deemed_approval_days", "active", "created_at"],
        (
            (c.id, c.kind, c.legal_name, c.street, c.postcode, c.city, c.country, c.kvk_number, c.vat_number,
             c.billing_email, c.payment_term_days, c.language, c.vat_treatment, c.cost_centre, c.approval_period,
             None, True, stamp(world.setup + 15))
            for c in world.clients
        ),
    )  # fmt: skip
    approvers = [c for c in world.clients if c.approver is not None]
    approvers_through = Client.approvers.through
    first = loader.first_id(approvers_through)
    loader.write(
        approvers_through,
        ["id", "client", "user"],
        ((first + n, c.id, c.approver.id) for n, c in enumerate(approvers) if c.approver is not None),
    )
    loader.ids_taken(approvers_through, first + len(approvers) - 1)

    first = loader.first_id(RateCard)
    loader.write(
        RateCard,
        ["id", "pool", "client_kind", "valid_from", "hourly_rate", "created_at"],
        (
            (first + n, pool_ids[pool], kind, valid_from.isoformat(), _money(rate), stamp(created))
            for n, (pool, kind, valid_from, rate, created) in enumerate(world.rate_cards)
        ),
    )
    loader.ids_taken(RateCard, first + len(world.rate_cards) - 1)

    _ids(loader, Secretary, world.secretaries)
    loader.write(
        Secretary,
        ["id", "user", "pool", "contract_hours", "base_workload_hours", "skills", "languages", "hourly_employer_cost",
         "employment_start", "employment_end", "active"],
        (
            (s.id, s.user.id, pool_ids[s.pool], f"{s.contract}.00", f"{s.base}.00", json.dumps(s.skills),
             json.dumps(s.languages), _money(s.cost), s.start.isoformat(), s.end.isoformat() if s.end else None,
             s.end is None)
            for s in world.secretaries
        ),
    )  # fmt: skip

    _ids(loader, Placement, world.placements)
    loader.write(
        Placement,
        ["id", "secretary", "client", "start_date", "end_date", "hours_per_week", "purpose", "status", "notes",
         "created_by", "created_at"],
        (
            (p.id, p.secretary.id, p.client.id, p.start.isoformat(), p.end.isoformat() if p.end else None,
             _money(p.hours), p.purpose, p.status, "", world.managers[p.secretary.pool].id, stamp(p.created))
            for p in world.placements
        ),
    )  # fmt: skip
    rates = [(p, r) for p in world.placements for r in p.rates]
    first = loader.first_id(PlacementRate)
    loader.write(
        PlacementRate,
        ["id", "placement", "valid_from", "hourly_rate", "source", "created_by", "created_at"],
        (
            (first + n, p.id, r[0].isoformat(), _money(r[1]), r[2], world.managers[p.secretary.pool].id, stamp(r[3]))
            for n, (p, r) in enumerate(sorted(rates, key=lambda pr: (pr[1][3], pr[0].id)))
        ),
    )
    loader.ids_taken(PlacementRate, first + len(rates) - 1)

    leaves = sorted(
        ((s, leave) for s in world.secretaries for leave in s.leaves), key=lambda sl: (sl[1].start, sl[0].id)
    )
    _ids(loader, Leave, [leave for _, leave in leaves])
    loader.write(
        Leave,
        ["id", "secretary", "start_date", "end_date", "kind", "note"],
        (
            (leave.id, s.id, leave.start.isoformat(), leave.end.isoformat(), leave.kind, leave.note)
            for s, leave in leaves
        ),
    )


def _rejection_reason(sheet: _Sheet) -> str:
    day = _date(sheet.first_day)
    if sheet.placement.client.language == "nl":
        return f"Uren op {day.day} {DUTCH_MONTHS[day.month - 1]} kloppen niet; graag corrigeren."
    return f"The hours on {day.day} {ENGLISH_MONTHS[day.month - 1]} look wrong; please correct them."


def _sheets_write(loader: _Loader, world: _World, sheets: list[_Sheet]) -> None:
    stamp = loader.stamp

    def row(s: _Sheet) -> Row:
        approver = s.placement.client.approver
        assert approver is not None
        secretary = s.placement.secretary.user.id
        approved = s.approved is not None
        return (
            s.id,
            s.placement.id,
            s.start.isoformat(),
            s.end.isoformat(),
            s.status,
            stamp(s.submitted) if s.submitted is not None else None,
            secretary if s.submitted is not None else None,
            stamp(s.approved) if s.approved is not None else None,
            approver.id if approved else None,
            ApprovalKind.EXPLICIT if approved else "",
            f"192.0.2.{1 + approver.id % 250}" if approved else None,
            s.approval_hash if approved else "",
            stamp(s.rejected) if s.rejected is not None else None,
            approver.id if s.rejected is not None else None,
            _rejection_reason(s) if s.status == TimesheetStatus.REJECTED else "",
            _hours_text(s.quarters),
            _money(s.amount),
            s.created,
        )

    loader.write(
        Timesheet,
        ["id", "placement", "period_start", "period_end", "status", "submitted_at", "submitted_by", "approved_at",
         "approved_by", "approval_kind", "approval_ip", "approval_hash", "rejected_at", "rejected_by",
         "rejection_reason", "hours_total", "amount_total", "created_at"],
        (row(s) for s in sheets),
    )  # fmt: skip


def _billing_write(
    loader: _Loader, world: _World, runs: list[_Run], invoices: list[_Invoice]
) -> list[tuple[str, int, int]]:
    stamp = loader.stamp
    finance = world.finance.id
    _ids(loader, InvoiceRun, runs)
    loader.write(
        InvoiceRun,
        ["id", "period_start", "period_end", "client", "started_by", "started_at", "invoice_count", "line_count",
         "timesheet_count", "status", "finalize", "email", "finished_at", "error"],
        (
            (r.id, *(d.isoformat() for d in month_bounds(r.month.year, r.month.month)), None, finance,
             stamp(r.moment), r.invoices, r.lines, r.sheets, InvoiceRunStatus.DONE, True, False, stamp(r.moment), "")
            for r in runs
        ),
    )  # fmt: skip
    _ids(loader, Invoice, invoices)
    counters = _numbers_give(invoices)

    def invoice_row(i: _Invoice) -> Row:
        due = i.due
        return (
            i.id, i.kind, InvoiceStatus.FINALISED, i.client.id, i.run.id if i.run else None,
            i.period[0].isoformat() if i.period else None, i.period[1].isoformat() if i.period else None,
            i.client.vat_treatment, i.client.language, i.notes, i.series, i.year, i.sequence, i.number,
            i.issue.isoformat(), due.isoformat() if due else None, i.client.snapshot, stamp(i.moment), finance,
            _money(i.net), _money(i.vat), _money(i.total), i.breakdown, i.credited.id if i.credited else None,
            i.reason, False, "", "", None, finance, stamp(i.moment - 1),
        )  # fmt: skip

    loader.write(
        Invoice,
        ["id", "kind", "status", "client", "run", "period_start", "period_end", "vat_treatment", "language", "notes",
         "series", "year", "sequence", "number", "issue_date", "due_date", "customer", "finalised_at", "finalised_by",
         "net_total", "vat_total", "total", "vat_breakdown", "credited_invoice", "reason", "releases_hours", "pdf",
         "pdf_sha256", "emailed_at", "created_by", "created_at"],
        (invoice_row(i) for i in invoices),
    )  # fmt: skip
    lines = [line for i in invoices for line in i.lines]
    _ids(loader, InvoiceLine, lines)
    loader.write(
        InvoiceLine,
        ["id", "invoice", "kind", "position", "description", "placement", "timesheet", "period_start", "period_end",
         "quantity", "unit_price", "amount", "vat_rate", "credited_line"],
        (
            (line.id, i.id, line.kind, line.position, line.description,
             line.placement.id if line.placement else None, line.sheet.id if line.sheet else None,
             line.start.isoformat() if line.start else None, line.end.isoformat() if line.end else None,
             _money(line.quantity), _money(line.unit_price), _money(line.amount), _money(line.vat_rate),
             line.credited.id if line.credited else None)
            for i in invoices
            for line in i.lines
        ),
    )  # fmt: skip
    return counters


def _payments_write(
    loader: _Loader,
    world: _World,
    receivables: list[_Receivable],
    payments: list[_Payment],
    counters: list[tuple[str, int, int]],
) -> None:
    stamp = loader.stamp
    loader.write(
        Receivable,
        ["invoice", "due_date", "amount_due", "amount_paid", "status", "overpaid", "paid_on", "overdue_since",
         "reminders_sent", "last_reminder_on", "updated_at"],
        (
            (r.invoice.id, (r.invoice.due or r.invoice.issue).isoformat(), _money(r.amount_due),
             _money(r.amount_paid), r.status, r.overpaid, r.paid_on.isoformat() if r.paid_on else None,
             r.overdue_since.isoformat() if r.overdue_since else None, r.reminders,
             r.last_reminder.isoformat() if r.last_reminder else None, stamp(r.updated))
            for r in receivables
        ),
    )  # fmt: skip
    _ids(loader, Payment, payments)
    finance = world.finance.id
    loader.write(
        Payment,
        ["id", "invoice", "kind", "method", "amount", "date", "reference", "external_id", "checkout", "reverses",
         "note", "recorded_by", "recorded_at"],
        (
            (p.id, p.invoice.id, PaymentKind.PAYMENT, p.method, _money(p.amount), p.day.isoformat(), p.reference, "",
             None, None, "", finance, stamp(p.moment))
            for p in payments
        ),
    )  # fmt: skip
    first = loader.first_id(InvoiceCounter)
    loader.write(
        InvoiceCounter,
        ["id", "series", "year", "last_number"],
        ((first + n, series, year, last) for n, (series, year, last) in enumerate(counters)),
    )
    loader.ids_taken(InvoiceCounter, first + len(counters) - 1)
