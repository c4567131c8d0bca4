"""Bad input on every write endpoint: refused with HTTP 400 in the one error
shape, and nothing written (every row of every secondments and billing model,
every user, every audit event, token and many-to-many link is as it was).

Each case names the role allowed to call the endpoint; the valid bodies the
cases are built from are shown to be accepted, so every refusal is caused by
the one bad thing in its body.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.core.models import AuditEvent
from billing.models import Invoice
from billing.services.invoices import (
    CreditRequest,
    credit_note_create,
    invoice_create,
    invoice_finalize,
    invoice_line_add,
)
from billing.services.payments import payment_record, payment_reverse
from billing.services.runs import invoice_run_start
from secondments.models import Placement, RateCard, Timesheet, TimesheetStatus, VatTreatment
from secondments.services.timesheets import (
    Cell,
    timesheet_approve,
    timesheet_reject,
    timesheet_submit,
    timesheets_mark_invoiced,
    week_grid_save,
)
from tests.billing.conftest import APRIL, MAY, approved_sheet
from tests.conftest import World, api_client_for
from tests.factories import PASSWORD, ClientFactory, LeaveFactory, PlacementFactory, RateCardFactory, UserFactory

REQUIRED = ["This field is required."]
UNKNOWN = ["Unknown field."]
DATE_FORMAT = ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]
NUMBER = ["A valid number is required."]
BOOLEAN = ["Must be a valid boolean."]
EMAIL = ["Enter a valid email address."]


def choice(value: str) -> list[str]:
    return [f'"{value}" is not a valid choice.']


def no_such_pk(pk: int) -> list[str]:
    return [f'Invalid pk "{pk}" - object does not exist.']


def at_least(value: str) -> list[str]:
    return [f"Ensure this value is greater than or equal to {value}."]


def at_most(value: str) -> list[str]:
    return [f"Ensure this value is less than or equal to {value}."]


def not_a_list(type_name: str) -> list[str]:
    return [f'Expected a list of items but got type "{type_name}".']


# ---------------------------------------------------------------- the state that must not change


def _state_models() -> list[Any]:
    """Every secondments and billing model (with the many-to-many link tables), users, audit events, tokens."""
    models: list[Any] = [User, AuditEvent, Token]
    for app in ("secondments", "billing"):
        models.extend(apps.get_app_config(app).get_models(include_auto_created=True))
    return models


def db_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every watched table, in primary-key order."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in _state_models()}


def test_the_watched_state_covers_every_secondments_and_billing_table() -> None:
    """A guard on the guard: the snapshot holds the models and link tables this file relies on."""
    labels = {model._meta.label for model in _state_models()}
    assert {
        "accounts.User",
        "core.AuditEvent",
        "authtoken.Token",
        "secondments.Pool",
        "secondments.Pool_managers",
        "secondments.Secretary",
        "secondments.Client",
        "secondments.Client_approvers",
        "secondments.RateCard",
        "secondments.Placement",
        "secondments.PlacementRate",
        "secondments.CapacityOverride",
        "secondments.Leave",
        "secondments.Timesheet",
        "secondments.TimeEntry",
        "billing.InvoiceCounter",
        "billing.InvoiceRun",
        "billing.Invoice",
        "billing.InvoiceLine",
    } <= labels


# ---------------------------------------------------------------- cases


class Ctx:
    """The world, plus whatever a case's setup made (looked up by name)."""

    def __init__(self, world: World, made: dict[str, Any]):
        self._world = world
        self._made = made

    def __getattr__(self, name: str) -> Any:
        if name in self._made:
            return self._made[name]
        return getattr(self._world, name)


Path = Callable[[Ctx], str]
Body = Callable[[Ctx], Any]
Fields = Callable[[Ctx], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    id: str
    role: str
    method: str
    path: Path
    body: Body
    fields: Fields
    message: str | Callable[[Ctx], str] = "Validation failed."
    setup: Callable[[World], dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def run(self, world: World) -> tuple[Ctx, Any]:
        ctx = Ctx(world, self.setup(world) if self.setup else {})
        return ctx, self.body(ctx)


def _fresh_user(world: World) -> dict[str, Any]:
    return {"fresh": UserFactory(email="fresh@example.org", full_name="Frits Fresh")}


def _ended_placement(world: World) -> dict[str, Any]:
    return {
        "ended": PlacementFactory(
            secretary=world.secretary,
            client=world.client,
            start_date=datetime.date(2025, 1, 6),
            end_date=datetime.date(2025, 12, 31),
            status="ended",
            created_by=world.manager,
        )
    }


def _cancelled_placement(world: World) -> dict[str, Any]:
    return {
        "cancelled": PlacementFactory(
            secretary=world.secretary,
            client=world.client,
            start_date=datetime.date(2026, 9, 7),
            status="cancelled",
            created_by=world.manager,
        )
    }


def _planned_end_placement(world: World) -> dict[str, Any]:
    return {
        "planned": PlacementFactory(
            secretary=world.secretary,
            client=world.client,
            start_date=datetime.date(2026, 2, 2),
            end_date=datetime.date(2026, 6, 30),
            hours_per_week=Decimal("2.00"),
            created_by=world.manager,
        )
    }


def _short_placement(world: World) -> dict[str, Any]:
    return {
        "short": PlacementFactory(
            secretary=world.secretary,
            client=world.client,
            start_date=datetime.date(2026, 7, 6),
            end_date=datetime.date(2026, 7, 17),
            hours_per_week=Decimal("2.00"),
            created_by=world.manager,
        )
    }


def _leave(world: World) -> dict[str, Any]:
    return {
        "leave": LeaveFactory(
            secretary=world.secretary, start_date=datetime.date(2026, 8, 3), end_date=datetime.date(2026, 8, 7)
        ),
        "later_leave": LeaveFactory(
            secretary=world.secretary, start_date=datetime.date(2026, 9, 7), end_date=datetime.date(2026, 9, 11)
        ),
    }


def _inactive_client(world: World) -> dict[str, Any]:
    return {"inactive": ClientFactory(legal_name="Sleepy B.V.", active=False)}


def _future_rate_card(world: World) -> dict[str, Any]:
    return {
        "today_card": RateCardFactory(
            pool=world.pool, client_kind="tenant", valid_from=datetime.date(2026, 6, 15), hourly_rate="58.00"
        ),
        "future_card": RateCardFactory(
            pool=world.pool, client_kind="tenant", valid_from=datetime.date(2026, 9, 1), hourly_rate="60.00"
        ),
    }


def _log(world: World, day: str = "2026-06-08", hours: str = "2.00", placement: Placement | None = None) -> Timesheet:
    """The secretary saves one cell through the service; the sheet of its period (June: monthly)."""
    cell = Cell(placement=placement or world.placement, date=datetime.date.fromisoformat(day), hours=Decimal(hours))
    [sheet] = week_grid_save(actor=world.secretary.user, secretary=world.secretary, cells=[cell])
    return sheet


def _to(sheet: Timesheet, status: str, world: World) -> Timesheet:
    """Move an open sheet on to ``status`` through the services."""
    if status == TimesheetStatus.OPEN:
        return sheet
    sheet = timesheet_submit(timesheet=sheet, actor=world.secretary.user)
    if status == TimesheetStatus.REJECTED:
        return timesheet_reject(timesheet=sheet, actor=world.approver, reason="Wrong week.")
    if status in (TimesheetStatus.APPROVED, TimesheetStatus.INVOICED):
        sheet = timesheet_approve(timesheet=sheet, actor=world.approver, ip="192.0.2.10")
    if status == TimesheetStatus.INVOICED:
        timesheets_mark_invoiced(timesheets=[sheet], actor=world.finance)
        sheet.refresh_from_db()
    assert sheet.status == status
    return sheet


def _sheet(status: str) -> Callable[[World], dict[str, Any]]:
    """``sheet``: the placement's June sheet (2 h on 2026-06-08) in ``status``."""
    return lambda world: {"sheet": _to(_log(world), status, world)}


def _sheets_for_bulk(world: World) -> dict[str, Any]:
    """Two submitted sheets (April, June) and an open one (May) of the placement."""
    april = _to(_log(world, day="2026-04-13"), TimesheetStatus.SUBMITTED, world)
    may = _log(world, day="2026-05-11")
    june = _to(_log(world), TimesheetStatus.SUBMITTED, world)
    return {"april": april, "may": may, "june": june}


def _other_submitted_sheet(world: World) -> dict[str, Any]:
    cell = Cell(placement=world.other_placement, date=datetime.date(2026, 6, 8), hours=Decimal(2))
    [sheet] = week_grid_save(actor=world.other_secretary.user, secretary=world.other_secretary, cells=[cell])
    return {"other_sheet": timesheet_submit(timesheet=sheet, actor=world.other_secretary.user)}


def _second_placement(world: World) -> dict[str, Any]:
    """``second``: another placement of the secretary, at another client."""
    second = PlacementFactory(
        secretary=world.secretary,
        client=ClientFactory(legal_name="Initech B.V."),
        hours_per_week=Decimal("4.00"),
        created_by=world.manager,
    )
    return {"second": second}


def _second_placement_with_8_hours(world: World) -> dict[str, Any]:
    """8 h already logged on 2026-06-12 at the first placement."""
    _log(world, day="2026-06-12", hours="8.00")
    return _second_placement(world)


def _draft_placement(world: World) -> dict[str, Any]:
    return {"draft": PlacementFactory(secretary=world.secretary, client=world.client, status="draft")}


# Invoices, made through the billing services as finance makes them.


def _run_draft(world: World) -> dict[str, Any]:
    """``draft``: the May 2026 run's draft for the client, 20 approved hours at 55.00 (``hours_line``)."""
    approved_sheet(world.placement, MAY, world.approver)
    [draft] = invoice_run_start(actor=world.finance, year=2026, month=5, client=world.client).invoices.all()
    return {"draft": draft, "hours_line": draft.lines.get()}


def _empty_draft(world: World) -> dict[str, Any]:
    """``empty``: a manual draft without lines."""
    return {"empty": invoice_create(client=world.client, actor=world.finance)}


def _finalised_invoice(world: World) -> dict[str, Any]:
    """``invoice``: 2026-00001 for the client, 20 h at 55.00 (``hours_line``) and 2 x 150.00 (``manual_line``)."""
    made = _run_draft(world)
    manual = invoice_line_add(
        invoice=made["draft"],
        actor=world.finance,
        description="Minutes course",
        quantity=Decimal("2.00"),
        unit_price=Decimal("150.00"),
    )
    invoice = invoice_finalize(invoice=made["draft"], actor=world.finance)
    assert invoice.number == "2026-00001"
    return {"invoice": invoice, "hours_line": made["hours_line"], "manual_line": manual}


def _partly_credited(world: World) -> dict[str, Any]:
    """The finalised invoice, 5 of its 20 hours credited by ``note`` (CN-2026-00001): 15 h remain."""
    made = _finalised_invoice(world)
    note = credit_note_create(
        invoice=made["invoice"],
        actor=world.finance,
        reason="Five hours were booked twice.",
        lines=[CreditRequest(line=made["hours_line"], quantity=Decimal("5.00"))],
    )
    assert note.number == "CN-2026-00001"
    return {**made, "note": note}


def _fully_credited(world: World) -> dict[str, Any]:
    made = _finalised_invoice(world)
    note = credit_note_create(invoice=made["invoice"], actor=world.finance, reason="Billed to the wrong client.")
    return {**made, "note": note}


def _other_draft(world: World) -> Invoice:
    """The May 2026 run's draft for the other client: 20 h of the other secretary."""
    approved_sheet(world.other_placement, MAY, world.other_approver)
    [draft] = invoice_run_start(actor=world.finance, year=2026, month=5, client=world.other_client).invoices.all()
    return draft


def _other_finalised_invoice(world: World) -> dict[str, Any]:
    """``invoice`` of the client and ``other_invoice`` of the other client (its hours ``other_line``)."""
    made = _finalised_invoice(world)
    other = invoice_finalize(invoice=_other_draft(world), actor=world.finance)
    return {**made, "other_invoice": other, "other_line": other.lines.get()}


def _drafts_and_a_finalised_invoice(world: World) -> dict[str, Any]:
    """In this order: ``invoice`` (2026-00001), ``draft`` (the other client's, which could be finalised)
    and ``empty`` (a draft without lines)."""
    made = _finalised_invoice(world)
    return {**made, "draft": _other_draft(world), **_empty_draft(world)}


def _two_drafts(world: World) -> dict[str, Any]:
    """``draft`` (the run's, with its ``hours_line``) and ``empty``, a manual draft of the same client."""
    return {**_run_draft(world), **_empty_draft(world)}


def _negative_draft(world: World) -> dict[str, Any]:
    """``negative``: a manual draft whose only line is a discount of 50.00: it totals -60.50."""
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Goodwill", quantity=Decimal(1), unit_price=Decimal("-50.00")
    )
    return {"negative": draft}


def _vat_free_drafts(world: World) -> dict[str, Any]:
    """``reverse``: a draft for an EU business (reverse charge); ``internal``: a draft for an internal client."""
    eu = ClientFactory(
        legal_name="Umbrella GmbH",
        country="DE",
        kvk_number="",
        vat_number="DE136695976",
        vat_treatment=VatTreatment.REVERSE_CHARGE,
    )
    department = ClientFactory(internal=True, legal_name="Afdeling Facilitair")
    return {
        "reverse": invoice_create(client=eu, actor=world.finance),
        "internal": invoice_create(client=department, actor=world.finance),
    }


def _with(base: Body, **changes: Any) -> Body:
    """``base`` with some keys changed; a value of ``...`` removes the key; callables get the context."""

    def build(c: Ctx) -> dict[str, Any]:
        body = dict(base(c))
        for key, value in changes.items():
            if value is ...:
                body.pop(key, None)
            else:
                body[key] = value(c) if callable(value) else value
        return body

    return build


def _const(value: Any) -> Callable[[Ctx], Any]:
    return lambda c: value


# Valid bodies; test_the_valid_body_is_accepted shows each one passes.
LOGIN = _const({"email": "manager@example.org", "password": PASSWORD})
USER = _const({"email": "new.user@example.org", "full_name": "Nina Nieuw", "roles": ["secretary"]})
POOL = _const({"name": "Reception", "cost_centre": "CC9000"})
SECRETARY = lambda c: {  # noqa: E731
    "user_id": c.fresh.pk,
    "pool_id": c.pool.pk,
    "contract_hours": "32.00",
    "base_workload_hours": "8.00",
    "employment_start": "2026-07-01",
}
CLIENT = _const(
    {
        "kind": "tenant",
        "legal_name": "Initech B.V.",
        "street": "Hoofdstraat 1",
        "postcode": "3511 ED",
        "city": "Utrecht",
        "billing_email": "billing@initech.example",
        "vat_treatment": "standard",
    }
)
RATE_CARD = lambda c: {  # noqa: E731
    "pool_id": c.pool.pk,
    "client_kind": "tenant",
    "valid_from": "2026-09-01",
    "hourly_rate": "60.00",
}
PLACEMENT = lambda c: {  # noqa: E731
    "secretary_id": c.secretary.pk,
    "client_id": c.client.pk,
    "start_date": "2026-07-06",
    "end_date": "2026-07-17",
    "hours_per_week": "4.00",
}
LEAVE = lambda c: {  # noqa: E731
    "secretary_id": c.secretary.pk,
    "start_date": "2026-10-05",
    "end_date": "2026-10-09",
}
CELL = lambda c: {  # noqa: E731
    "placement_id": c.placement.pk,
    "date": "2026-06-12",
    "hours": "3.50",
    "description": "Minutes of the board",
}
GRID = lambda c: {"cells": [CELL(c)]}  # noqa: E731  a secretary's own grid: no secretary_id
GRID_FOR = lambda c: {"secretary_id": c.secretary.pk, **GRID(c)}  # noqa: E731  a team manager names the secretary
REASON = _const({"reason": "Tuesday was a public holiday."})
RATE = _const({"valid_from": "2026-07-01", "hourly_rate": "60.00"})
END = _const({"end_date": "2026-06-30"})
CANCEL = _const({"reason": "Entered twice."})
INVOICE = lambda c: {  # noqa: E731
    "client_id": c.client.pk,
    "notes": "Sponsorship of the tenants' meeting",
    "period_start": "2026-05-01",
    "period_end": "2026-05-31",
}
LINE = _const({"description": "Minutes course", "quantity": "2.00", "unit_price": "150.00", "vat_rate": "21.00"})
CREDIT = _const({"reason": "The hours were billed to the wrong client."})
CREDIT_LINE = lambda c: {"line_id": c.hours_line.pk, "quantity": "5.00"}  # noqa: E731
RUN = _const({"period": "2026-05"})


def users(c: Ctx) -> str:
    return "/api/v1/users/"


def approver_user(c: Ctx) -> str:
    return f"/api/v1/users/{c.approver.pk}/"


def pools(c: Ctx) -> str:
    return "/api/v1/pools/"


def my_pool(c: Ctx) -> str:
    return f"/api/v1/pools/{c.pool.pk}/"


def secretaries(c: Ctx) -> str:
    return "/api/v1/secretaries/"


def my_secretary(c: Ctx) -> str:
    return f"/api/v1/secretaries/{c.secretary.pk}/"


def employer_cost(c: Ctx) -> str:
    return f"/api/v1/secretaries/{c.secretary.pk}/employer-cost/"


def clients(c: Ctx) -> str:
    return "/api/v1/clients/"


def my_client(c: Ctx) -> str:
    return f"/api/v1/clients/{c.client.pk}/"


def rate_cards(c: Ctx) -> str:
    return "/api/v1/rate-cards/"


def placements(c: Ctx) -> str:
    return "/api/v1/placements/"


def my_placement(c: Ctx, suffix: str = "") -> str:
    return f"/api/v1/placements/{c.placement.pk}/{suffix}"


def _cell(**changes: Any) -> Body:
    """A grid of one cell, the cell with some keys changed (``...`` removes a key)."""
    return lambda c: {"cells": [_with(CELL, **changes)(c)]}


def week_grid(c: Ctx) -> str:
    return "/api/v1/week-grid/"


def sheet_action(verb: str) -> Path:
    return lambda c: f"/api/v1/timesheets/{c.sheet.pk}/{verb}/"


def bulk_approve(c: Ctx) -> str:
    return "/api/v1/timesheets/bulk-approve/"


def leave_list(c: Ctx) -> str:
    return "/api/v1/leave/"


def my_leave(c: Ctx) -> str:
    return f"/api/v1/leave/{c.leave.pk}/"


def invoices(c: Ctx) -> str:
    return "/api/v1/invoices/"


def invoice_path(name: str, suffix: str = "") -> Path:
    """The invoice the setup made under ``name``, or one of its actions (``suffix``)."""
    return lambda c: f"/api/v1/invoices/{getattr(c, name).pk}/{suffix}"


def invoice_line(name: str, line: str) -> Path:
    return lambda c: f"/api/v1/invoices/{getattr(c, name).pk}/lines/{getattr(c, line).pk}/"


def finalize_many(c: Ctx) -> str:
    return "/api/v1/invoices/finalize/"


def invoice_runs(c: Ctx) -> str:
    return "/api/v1/invoice-runs/"


def _credit(**changes: Any) -> Body:
    """A partial credit note of one line (5 h of the hours line), the line with some keys changed."""
    return lambda c: {**CREDIT(c), "lines": [_with(CREDIT_LINE, **changes)(c)]}


NL_VAT_CHECKSUM = "NL123456789B01 is not a valid VAT number (The number's checksum or check digit is invalid)."
SHORT_W28_W29 = (
    "Not enough free capacity: 2026-W28 short 8.00 h, 2026-W29 short 8.00 h. "
    "Shorten or reduce the placement, or override with a written reason."
)
SHORTFALL_W28_W29 = {"shortfall": [{"week": "2026-W28", "short": "8.00"}, {"week": "2026-W29", "short": "8.00"}]}

TM = "team_manager"
SEC = "secretary"
APP = "client_approver"
FIN = "finance"
DIR = "director"
ANON = "anonymous"

NOT_SAVED_1 = "Nothing was saved: 1 cell(s) need correcting."
QUARTERS = ["Hours go in quarter-hour steps (0.25)."]
FUTURE = ["Hours cannot be logged for a day in the future."]
OUTSIDE = ["The day lies outside the placement's period."]

CASES = [
    # ------------------------------------------------------------ auth/login, auth/token
    *[
        case
        for name, path in (("login", "/api/v1/auth/login/"), ("token", "/api/v1/auth/token/"))
        for case in (
            Case(
                f"{name}-missing-fields",
                ANON,
                "post",
                _const(path),
                _const({}),
                _const({"email": REQUIRED, "password": REQUIRED}),
            ),
            Case(
                f"{name}-email-not-an-email",
                ANON,
                "post",
                _const(path),
                _with(LOGIN, email="manager"),
                _const({"email": EMAIL}),
            ),
            Case(
                f"{name}-password-not-a-string",
                ANON,
                "post",
                _const(path),
                _with(LOGIN, password=["x"]),
                _const({"password": ["Not a valid string."]}),
            ),
            Case(
                f"{name}-unknown-field",
                ANON,
                "post",
                _const(path),
                _with(LOGIN, remember_me=True),
                _const({"remember_me": UNKNOWN}),
            ),
            Case(
                f"{name}-wrong-password",
                ANON,
                "post",
                _const(path),
                _with(LOGIN, password="not-the-password"),
                _const({}),
                message="E-mail address or password is wrong.",
            ),
        )
    ],
    # ------------------------------------------------------------ users
    Case(
        "user-create-missing-fields",
        TM,
        "post",
        users,
        _const({}),
        _const({"email": REQUIRED, "full_name": REQUIRED, "roles": REQUIRED}),
    ),
    Case("user-create-email-not-an-email", TM, "post", users, _with(USER, email="nina"), _const({"email": EMAIL})),
    Case(
        "user-create-roles-not-a-list",
        TM,
        "post",
        users,
        _with(USER, roles="secretary"),
        _const({"roles": not_a_list("str")}),
    ),
    Case(
        "user-create-roles-empty",
        TM,
        "post",
        users,
        _with(USER, roles=[]),
        _const({"roles": ["This list may not be empty."]}),
    ),
    Case(
        "user-create-role-invalid-choice",
        TM,
        "post",
        users,
        _with(USER, roles=["boss"]),
        _const({"roles.0": choice("boss")}),
    ),
    Case(
        "user-create-language-invalid-choice",
        TM,
        "post",
        users,
        _with(USER, language="de"),
        _const({"language": choice("de")}),
    ),
    Case(
        "user-create-full-name-too-long",
        TM,
        "post",
        users,
        _with(USER, full_name="x" * 151),
        _const({"full_name": ["Ensure this field has no more than 150 characters."]}),
    ),
    Case("user-create-unknown-field", TM, "post", users, _with(USER, is_staff=True), _const({"is_staff": UNKNOWN})),
    Case(
        "user-create-staff-role-by-manager",
        TM,
        "post",
        users,
        _with(USER, roles=["finance"]),
        _const({"roles": ["Only an administrator grants finance."]}),
    ),
    Case(
        "user-create-duplicate-email",
        TM,
        "post",
        users,
        _with(USER, email="Finance@Example.org"),
        _const({"email": ["A user with this e-mail address exists."]}),
    ),
    Case(
        "user-create-weak-password",
        TM,
        "post",
        users,
        _with(USER, password="12345678"),
        _const(
            {
                "password": [
                    "This password is too short. It must contain at least 10 characters.",
                    "This password is too common.",
                    "This password is entirely numeric.",
                ]
            }
        ),
    ),
    Case(
        "user-patch-email-not-an-email", TM, "patch", approver_user, _const({"email": "x@"}), _const({"email": EMAIL})
    ),
    Case(
        "user-patch-duplicate-email",
        TM,
        "patch",
        approver_user,
        _const({"email": "finance@example.org"}),
        _const({"email": ["A user with this e-mail address exists."]}),
    ),
    Case(
        "user-patch-is-active-not-a-boolean",
        TM,
        "patch",
        approver_user,
        _const({"is_active": "maybe"}),
        _const({"is_active": BOOLEAN}),
    ),
    Case(
        "user-patch-role-invalid-choice",
        TM,
        "patch",
        approver_user,
        _const({"roles": ["root"]}),
        _const({"roles.0": choice("root")}),
    ),
    Case(
        "user-patch-staff-role-by-manager",
        TM,
        "patch",
        approver_user,
        _const({"roles": ["director"]}),
        _const({"roles": ["Only an administrator grants director."]}),
    ),
    Case(
        "user-patch-unknown-field",
        TM,
        "patch",
        approver_user,
        _const({"is_superuser": True}),
        _const({"is_superuser": UNKNOWN}),
    ),
    Case(
        "user-patch-deactivate-self",
        TM,
        "patch",
        lambda c: f"/api/v1/users/{c.manager.pk}/",
        _const({"is_active": False}),
        _const({"is_active": ["You cannot deactivate yourself."]}),
    ),
    # ------------------------------------------------------------ pools
    Case(
        "pool-create-missing-fields", TM, "post", pools, _const({}), _const({"name": REQUIRED, "cost_centre": REQUIRED})
    ),
    Case(
        "pool-create-name-blank",
        TM,
        "post",
        pools,
        _with(POOL, name=""),
        _const({"name": ["This field may not be blank."]}),
    ),
    Case(
        "pool-create-name-too-long",
        TM,
        "post",
        pools,
        _with(POOL, name="x" * 121),
        _const({"name": ["Ensure this field has no more than 120 characters."]}),
    ),
    Case(
        "pool-create-manager-ids-not-a-list",
        TM,
        "post",
        pools,
        _with(POOL, manager_ids=7),
        _const({"manager_ids": not_a_list("int")}),
    ),
    Case(
        "pool-create-manager-id-not-a-pk",
        TM,
        "post",
        pools,
        _with(POOL, manager_ids=["me"]),
        _const({"manager_ids": ["Incorrect type. Expected pk value, received str."]}),
    ),
    Case(
        "pool-create-manager-not-a-team-manager",
        TM,
        "post",
        pools,
        _with(POOL, manager_ids=lambda c: [c.secretary.user.pk]),
        lambda c: {"manager_ids": no_such_pk(c.secretary.user.pk)},
    ),
    Case(
        "pool-create-duplicate-name",
        TM,
        "post",
        pools,
        _with(POOL, name="FRONT OFFICE"),
        _const({"name": ["A pool with this name exists."]}),
    ),
    Case(
        "pool-create-unknown-field",
        TM,
        "post",
        pools,
        _with(POOL, created_at="2026-01-01"),
        _const({"created_at": UNKNOWN}),
    ),
    Case(
        "pool-patch-no-managers",
        TM,
        "patch",
        my_pool,
        _const({"manager_ids": []}),
        _const({"manager_ids": ["A pool needs at least one team manager."]}),
    ),
    Case(
        "pool-patch-duplicate-name",
        TM,
        "patch",
        my_pool,
        _const({"name": "back office"}),
        _const({"name": ["A pool with this name exists."]}),
    ),
    Case(
        "pool-patch-name-blank",
        TM,
        "patch",
        my_pool,
        _const({"name": ""}),
        _const({"name": ["This field may not be blank."]}),
    ),
    Case(
        "pool-patch-manager-not-a-team-manager",
        TM,
        "patch",
        my_pool,
        lambda c: {"manager_ids": [c.manager.pk, c.approver.pk]},
        lambda c: {"manager_ids": no_such_pk(c.approver.pk)},
    ),
    Case("pool-patch-unknown-field", TM, "patch", my_pool, _const({"id": 99}), _const({"id": UNKNOWN})),
    # ------------------------------------------------------------ secretaries
    Case(
        "secretary-create-missing-fields",
        TM,
        "post",
        secretaries,
        _const({}),
        _const(
            {
                "user_id": REQUIRED,
                "pool_id": REQUIRED,
                "contract_hours": REQUIRED,
                "base_workload_hours": REQUIRED,
                "employment_start": REQUIRED,
            }
        ),
    ),
    Case(
        "secretary-create-hours-not-a-number",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, contract_hours="lots"),
        _const({"contract_hours": NUMBER}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-negative-hours",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, base_workload_hours="-1"),
        _const({"base_workload_hours": at_least("0.00")}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-hours-above-a-week",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, contract_hours="169"),
        _const({"contract_hours": at_most("168.00")}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-hours-three-decimals",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, contract_hours="32.125"),
        _const({"contract_hours": ["Ensure that there are no more than 2 decimal places."]}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-base-workload-above-contract",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, base_workload_hours="32.01"),
        _const({"base_workload_hours": ["The base workload cannot exceed the contract hours."]}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-start-not-a-date",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, employment_start="yesterday"),
        _const({"employment_start": DATE_FORMAT}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-end-before-start",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, employment_end="2026-06-30"),
        _const({"employment_end": ["Employment cannot end before it starts."]}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-skills-not-a-list",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, skills="minutes"),
        _const({"skills": not_a_list("str")}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-pool-outside-scope",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, pool_id=lambda c: c.other_pool.pk),
        lambda c: {"pool_id": no_such_pk(c.other_pool.pk)},
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-user-already-a-secretary",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, user_id=lambda c: c.other_secretary.user.pk),
        lambda c: {"user_id": no_such_pk(c.other_secretary.user.pk)},
        setup=_fresh_user,
    ),
    Case(
        "secretary-create-employer-cost-by-manager",
        TM,
        "post",
        secretaries,
        _with(SECRETARY, hourly_employer_cost="40.00"),
        _const({"hourly_employer_cost": UNKNOWN}),
        setup=_fresh_user,
    ),
    Case(
        "secretary-patch-base-workload-above-contract",
        TM,
        "patch",
        my_secretary,
        _const({"base_workload_hours": "36.50"}),
        _const({"base_workload_hours": ["The base workload cannot exceed the contract hours."]}),
    ),
    Case(
        "secretary-patch-contract-below-base-workload",
        TM,
        "patch",
        my_secretary,
        _const({"contract_hours": "15.99"}),
        _const({"base_workload_hours": ["The base workload cannot exceed the contract hours."]}),
    ),
    Case(
        "secretary-patch-negative-hours",
        TM,
        "patch",
        my_secretary,
        _const({"contract_hours": "-36"}),
        _const({"contract_hours": at_least("0.00")}),
    ),
    Case(
        "secretary-patch-end-before-start",
        TM,
        "patch",
        my_secretary,
        _const({"employment_end": "2019-12-31"}),
        _const({"employment_end": ["Employment cannot end before it starts."]}),
    ),
    Case(
        "secretary-patch-active-not-a-boolean",
        TM,
        "patch",
        my_secretary,
        _const({"active": "sometimes"}),
        _const({"active": BOOLEAN}),
    ),
    Case(
        "secretary-patch-pool-outside-scope",
        TM,
        "patch",
        my_secretary,
        lambda c: {"pool_id": c.other_pool.pk},
        lambda c: {"pool_id": no_such_pk(c.other_pool.pk)},
    ),
    Case(
        "secretary-patch-unknown-field", TM, "patch", my_secretary, _const({"user_id": 1}), _const({"user_id": UNKNOWN})
    ),
    Case("employer-cost-missing", FIN, "post", employer_cost, _const({}), _const({"hourly_employer_cost": REQUIRED})),
    Case(
        "employer-cost-not-a-number",
        FIN,
        "post",
        employer_cost,
        _const({"hourly_employer_cost": "cheap"}),
        _const({"hourly_employer_cost": NUMBER}),
    ),
    Case(
        "employer-cost-negative",
        FIN,
        "post",
        employer_cost,
        _const({"hourly_employer_cost": "-0.01"}),
        _const({"hourly_employer_cost": at_least("0.00")}),
    ),
    Case(
        "employer-cost-three-decimals",
        FIN,
        "post",
        employer_cost,
        _const({"hourly_employer_cost": "42.505"}),
        _const({"hourly_employer_cost": ["Ensure that there are no more than 2 decimal places."]}),
    ),
    Case(
        "employer-cost-unknown-field",
        FIN,
        "post",
        employer_cost,
        _const({"hourly_employer_cost": "40.00", "contract_hours": "40"}),
        _const({"contract_hours": UNKNOWN}),
    ),
    # ------------------------------------------------------------ clients
    Case(
        "client-create-missing-fields",
        TM,
        "post",
        clients,
        _const({}),
        _const(
            {
                "kind": REQUIRED,
                "legal_name": REQUIRED,
                "street": REQUIRED,
                "postcode": REQUIRED,
                "city": REQUIRED,
                "billing_email": REQUIRED,
                "vat_treatment": REQUIRED,
            }
        ),
    ),
    Case(
        "client-create-kind-invalid-choice",
        TM,
        "post",
        clients,
        _with(CLIENT, kind="partner"),
        _const({"kind": choice("partner")}),
    ),
    Case(
        "client-create-vat-treatment-invalid-choice",
        TM,
        "post",
        clients,
        _with(CLIENT, vat_treatment="zero"),
        _const({"vat_treatment": choice("zero")}),
    ),
    Case(
        "client-create-invalid-vat-number",
        TM,
        "post",
        clients,
        _with(CLIENT, vat_number="NL123456789B01"),
        _const({"vat_number": [NL_VAT_CHECKSUM]}),
    ),
    Case(
        "client-create-vat-number-of-other-country",
        TM,
        "post",
        clients,
        _with(CLIENT, vat_number="DE136695976"),
        _const({"vat_number": ["A VAT number of NL starts with NL."]}),
    ),
    Case(
        "client-create-kvk-seven-digits",
        TM,
        "post",
        clients,
        _with(CLIENT, kvk_number="1234567"),
        _const({"kvk_number": ["A KvK number has exactly 8 digits."]}),
    ),
    Case(
        "client-create-kvk-not-digits",
        TM,
        "post",
        clients,
        _with(CLIENT, kvk_number="1234567A"),
        _const({"kvk_number": ["A KvK number has exactly 8 digits."]}),
    ),
    Case(
        "client-create-reverse-charge-for-nl",
        TM,
        "post",
        clients,
        _with(CLIENT, vat_treatment="reverse_charge", vat_number="NL004495445B01"),
        _const({"vat_treatment": ["Reverse charge applies to business customers in another EU country."]}),
    ),
    Case(
        "client-create-reverse-charge-without-vat-number",
        TM,
        "post",
        clients,
        _with(CLIENT, vat_treatment="reverse_charge", country="DE", postcode="10115"),
        _const({"vat_number": ["Reverse charge needs the customer's VAT number."]}),
    ),
    Case(
        "client-create-internal-without-cost-centre",
        TM,
        "post",
        clients,
        _with(CLIENT, kind="internal", vat_treatment="none"),
        _const({"cost_centre": ["An internal client needs a cost centre."]}),
    ),
    Case(
        "client-create-internal-with-vat",
        TM,
        "post",
        clients,
        _with(CLIENT, kind="internal", cost_centre="INT-7"),
        _const({"vat_treatment": ["An internal client is charged no VAT: use 'none'."]}),
    ),
    Case(
        "client-create-tenant-without-vat",
        TM,
        "post",
        clients,
        _with(CLIENT, vat_treatment="none"),
        _const({"vat_treatment": ["A tenant is charged VAT: use 'standard' or 'reverse_charge'."]}),
    ),
    Case(
        "client-create-dutch-postcode-wrong",
        TM,
        "post",
        clients,
        _with(CLIENT, postcode="12345"),
        _const({"postcode": ["A Dutch postcode looks like 1234 AB."]}),
    ),
    Case(
        "client-create-country-three-letters",
        TM,
        "post",
        clients,
        _with(CLIENT, country="NLD"),
        _const({"country": ["A two-letter country code such as NL."]}),
    ),
    Case(
        "client-create-payment-term-negative",
        TM,
        "post",
        clients,
        _with(CLIENT, payment_term_days=-1),
        _const({"payment_term_days": at_least("0")}),
    ),
    Case(
        "client-create-payment-term-not-a-number",
        TM,
        "post",
        clients,
        _with(CLIENT, payment_term_days="thirty"),
        _const({"payment_term_days": ["A valid integer is required."]}),
    ),
    Case(
        "client-create-billing-email-invalid",
        TM,
        "post",
        clients,
        _with(CLIENT, billing_email="billing"),
        _const({"billing_email": EMAIL}),
    ),
    Case(
        "client-create-approver-without-role",
        TM,
        "post",
        clients,
        _with(CLIENT, approver_ids=lambda c: [c.manager.pk]),
        lambda c: {"approver_ids": no_such_pk(c.manager.pk)},
    ),
    Case(
        "client-create-unknown-field",
        TM,
        "post",
        clients,
        _with(CLIENT, iban="NL91ABNA0417164300"),
        _const({"iban": UNKNOWN}),
    ),
    Case(
        "client-patch-invalid-vat-number",
        FIN,
        "patch",
        my_client,
        _const({"vat_number": "NL123456789B01"}),
        _const({"vat_number": [NL_VAT_CHECKSUM]}),
    ),
    Case(
        "client-patch-kvk-too-long",
        TM,
        "patch",
        my_client,
        _const({"kvk_number": "123456789"}),
        _const({"kvk_number": ["A KvK number has exactly 8 digits."]}),
    ),
    Case(
        "client-patch-reverse-charge-for-nl",
        TM,
        "patch",
        my_client,
        _const({"vat_treatment": "reverse_charge"}),
        _const({"vat_treatment": ["Reverse charge applies to business customers in another EU country."]}),
    ),
    Case(
        "client-patch-kind-with-placements",
        TM,
        "patch",
        my_client,
        _const(
            {"kind": "internal", "vat_treatment": "none", "cost_centre": "INT-1", "vat_number": "", "kvk_number": ""}
        ),
        _const({"kind": ["The kind of a client with placements cannot change."]}),
    ),
    Case(
        "client-patch-approver-ids-not-pks",
        TM,
        "patch",
        my_client,
        _const({"approver_ids": ["a"]}),
        _const({"approver_ids": ["Incorrect type. Expected pk value, received str."]}),
    ),
    Case(
        "client-patch-payment-term-above-max",
        TM,
        "patch",
        my_client,
        _const({"payment_term_days": 121}),
        _const({"payment_term_days": at_most("120")}),
    ),
    Case(
        "client-patch-unknown-field",
        TM,
        "patch",
        my_client,
        _const({"created_at": "2020-01-01"}),
        _const({"created_at": UNKNOWN}),
    ),
    # ------------------------------------------------------------ rate cards
    Case(
        "rate-card-create-missing-fields",
        TM,
        "post",
        rate_cards,
        _const({}),
        _const({"pool_id": REQUIRED, "client_kind": REQUIRED, "valid_from": REQUIRED, "hourly_rate": REQUIRED}),
    ),
    Case(
        "rate-card-create-rate-zero",
        FIN,
        "post",
        rate_cards,
        _with(RATE_CARD, hourly_rate="0"),
        _const({"hourly_rate": at_least("0.01")}),
    ),
    Case(
        "rate-card-create-rate-negative",
        TM,
        "post",
        rate_cards,
        _with(RATE_CARD, hourly_rate="-55.00"),
        _const({"hourly_rate": at_least("0.01")}),
    ),
    Case(
        "rate-card-create-rate-not-a-number",
        TM,
        "post",
        rate_cards,
        _with(RATE_CARD, hourly_rate="fifty"),
        _const({"hourly_rate": NUMBER}),
    ),
    Case(
        "rate-card-create-no-such-date",
        TM,
        "post",
        rate_cards,
        _with(RATE_CARD, valid_from="2026-02-30"),
        _const({"valid_from": DATE_FORMAT}),
    ),
    Case(
        "rate-card-create-kind-invalid-choice",
        TM,
        "post",
        rate_cards,
        _with(RATE_CARD, client_kind="vip"),
        _const({"client_kind": choice("vip")}),
    ),
    Case(
        "rate-card-create-pool-outside-scope",
        TM,
        "post",
        rate_cards,
        _with(RATE_CARD, pool_id=lambda c: c.other_pool.pk),
        lambda c: {"pool_id": no_such_pk(c.other_pool.pk)},
    ),
    Case(
        "rate-card-create-duplicate-start",
        FIN,
        "post",
        rate_cards,
        _with(RATE_CARD, valid_from="2020-01-01"),
        _const({"valid_from": ["This pool already has a rate for this client kind from that date."]}),
    ),
    Case(
        "rate-card-create-unknown-field",
        TM,
        "post",
        rate_cards,
        _with(RATE_CARD, valid_to="2027-01-01"),
        _const({"valid_to": UNKNOWN}),
    ),
    Case(
        "rate-card-delete-in-force",
        TM,
        "delete",
        lambda c: f"/api/v1/rate-cards/{RateCard.objects.get(pool=c.pool, client_kind='tenant').pk}/",
        _const(None),
        _const({"valid_from": ["A rate that has taken effect cannot be deleted; add a newer rate."]}),
    ),
    Case(
        "rate-card-delete-taking-effect-today",
        FIN,
        "delete",
        lambda c: f"/api/v1/rate-cards/{c.today_card.pk}/",
        _const(None),
        _const({"valid_from": ["A rate that has taken effect cannot be deleted; add a newer rate."]}),
        setup=_future_rate_card,
    ),
    # ------------------------------------------------------------ placements
    Case(
        "placement-create-missing-fields",
        TM,
        "post",
        placements,
        _const({}),
        _const({"secretary_id": REQUIRED, "client_id": REQUIRED, "start_date": REQUIRED, "hours_per_week": REQUIRED}),
    ),
    Case(
        "placement-create-zero-hours",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hours_per_week="0"),
        _const({"hours_per_week": at_least("0.25")}),
    ),
    Case(
        "placement-create-negative-hours",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hours_per_week="-4"),
        _const({"hours_per_week": at_least("0.25")}),
    ),
    Case(
        "placement-create-hours-not-a-number",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hours_per_week="four"),
        _const({"hours_per_week": NUMBER}),
    ),
    Case(
        "placement-create-hours-above-max",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hours_per_week="60.01"),
        _const({"hours_per_week": at_most("60")}),
    ),
    Case(
        "placement-create-hours-above-contract",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hours_per_week="36.50"),
        _const({"hours_per_week": ["More than the secretary's contract of 36.00 h a week."]}),
    ),
    Case(
        "placement-create-end-before-start",
        TM,
        "post",
        placements,
        _with(PLACEMENT, end_date="2026-07-03"),
        _const({"end_date": ["A placement cannot end before it starts."]}),
    ),
    Case(
        "placement-create-start-not-a-date",
        TM,
        "post",
        placements,
        _with(PLACEMENT, start_date="06-07-2026"),
        _const({"start_date": DATE_FORMAT}),
    ),
    Case(
        "placement-create-before-employment",
        TM,
        "post",
        placements,
        _with(PLACEMENT, start_date="2019-12-30"),
        _const({"start_date": ["The secretary's employment starts on 2020-01-01."]}),
    ),
    Case(
        "placement-create-rate-zero",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hourly_rate="0.00"),
        _const({"hourly_rate": at_least("0.01")}),
    ),
    Case(
        "placement-create-status-ended",
        TM,
        "post",
        placements,
        _with(PLACEMENT, status="ended"),
        _const({"status": choice("ended")}),
    ),
    Case(
        "placement-create-secretary-outside-scope",
        TM,
        "post",
        placements,
        _with(PLACEMENT, secretary_id=lambda c: c.other_secretary.pk),
        lambda c: {"secretary_id": no_such_pk(c.other_secretary.pk)},
    ),
    Case(
        "placement-create-no-such-client",
        TM,
        "post",
        placements,
        _with(PLACEMENT, client_id=987654),
        _const({"client_id": no_such_pk(987654)}),
    ),
    Case(
        "placement-create-inactive-client",
        TM,
        "post",
        placements,
        _with(PLACEMENT, client_id=lambda c: c.inactive.pk),
        _const({"client_id": ["This client is not active."]}),
        setup=_inactive_client,
    ),
    Case(
        "placement-create-overbooks",
        TM,
        "post",
        placements,
        _with(PLACEMENT, hours_per_week="20.00"),
        _const({"hours_per_week": [SHORT_W28_W29], "override_reason": ["Give a reason to place anyway."]}),
        message=SHORT_W28_W29,
        extra=SHORTFALL_W28_W29,
    ),
    Case(
        "placement-create-unknown-field",
        TM,
        "post",
        placements,
        _with(PLACEMENT, created_by=1),
        _const({"created_by": UNKNOWN}),
    ),
    Case(
        "placement-patch-zero-hours",
        TM,
        "patch",
        my_placement,
        _const({"hours_per_week": "0"}),
        _const({"hours_per_week": at_least("0.25")}),
    ),
    Case(
        "placement-patch-end-before-start",
        TM,
        "patch",
        my_placement,
        _const({"end_date": "2026-01-04"}),
        _const({"end_date": ["A placement cannot end before it starts."]}),
    ),
    Case(
        "placement-patch-move-start-of-active",
        TM,
        "patch",
        my_placement,
        _const({"start_date": "2026-02-02"}),
        _const({"start_date": ["Only a draft placement can move its start date."]}),
    ),
    Case(
        "placement-patch-hours-above-contract",
        TM,
        "patch",
        my_placement,
        _const({"hours_per_week": "37"}),
        _const({"hours_per_week": ["More than the secretary's contract of 36.00 h a week."]}),
    ),
    Case(
        "placement-patch-overbooks",
        TM,
        "patch",
        lambda c: f"/api/v1/placements/{c.short.pk}/",
        _const({"hours_per_week": "20.00"}),
        _const({"hours_per_week": [SHORT_W28_W29], "override_reason": ["Give a reason to place anyway."]}),
        message=SHORT_W28_W29,
        setup=_short_placement,
        extra=SHORTFALL_W28_W29,
    ),
    Case(
        "placement-patch-ended",
        TM,
        "patch",
        lambda c: f"/api/v1/placements/{c.ended.pk}/",
        _const({"notes": "Too late."}),
        _const({"status": ["Is ended; only draft and active placements change."]}),
        message="A placement that is ended cannot change.",
        setup=_ended_placement,
    ),
    Case(
        "placement-patch-status-is-not-writable",
        TM,
        "patch",
        my_placement,
        _const({"status": "ended"}),
        _const({"status": UNKNOWN}),
    ),
    Case(
        "placement-activate-active",
        TM,
        "post",
        lambda c: my_placement(c, "activate/"),
        _const(None),
        _const({"status": ["Is active; needs draft."]}),
        message="This placement is active: only draft placements can be activated.",
    ),
    Case(
        "placement-end-missing-date",
        TM,
        "post",
        lambda c: my_placement(c, "end/"),
        _const({}),
        _const({"end_date": REQUIRED}),
    ),
    Case(
        "placement-end-not-a-date",
        TM,
        "post",
        lambda c: my_placement(c, "end/"),
        _const({"end_date": "today"}),
        _const({"end_date": DATE_FORMAT}),
    ),
    Case(
        "placement-end-before-start",
        TM,
        "post",
        lambda c: my_placement(c, "end/"),
        _const({"end_date": "2026-01-04"}),
        _const({"end_date": ["A placement cannot end before it starts."]}),
    ),
    Case(
        "placement-end-after-planned-end",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.planned.pk}/end/",
        _const({"end_date": "2026-07-01"}),
        _const({"end_date": ["To end later than planned, extend the placement instead."]}),
        setup=_planned_end_placement,
    ),
    Case(
        "placement-end-already-ended",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.ended.pk}/end/",
        _const({"end_date": "2025-12-01"}),
        _const({"status": ["Is ended; needs active."]}),
        message="This placement is ended: only active placements can be ended.",
        setup=_ended_placement,
    ),
    Case(
        "placement-end-unknown-field",
        TM,
        "post",
        lambda c: my_placement(c, "end/"),
        _const({"end_date": "2026-06-30", "reason": "Done."}),
        _const({"reason": UNKNOWN}),
    ),
    Case(
        "placement-cancel-missing-reason",
        TM,
        "post",
        lambda c: my_placement(c, "cancel/"),
        _const({}),
        _const({"reason": REQUIRED}),
    ),
    Case(
        "placement-cancel-blank-reason",
        TM,
        "post",
        lambda c: my_placement(c, "cancel/"),
        _const({"reason": "   "}),
        _const({"reason": ["This field may not be blank."]}),
    ),
    Case(
        "placement-cancel-ended",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.ended.pk}/cancel/",
        CANCEL,
        _const({"status": ["Is ended; needs active or draft."]}),
        message="This placement is ended: only active or draft placements can be cancelled.",
        setup=_ended_placement,
    ),
    Case(
        "placement-cancel-unknown-field",
        TM,
        "post",
        lambda c: my_placement(c, "cancel/"),
        _with(CANCEL, status="cancelled"),
        _const({"status": UNKNOWN}),
    ),
    Case(
        "placement-rate-missing-fields",
        TM,
        "post",
        lambda c: my_placement(c, "rates/"),
        _const({}),
        _const({"valid_from": REQUIRED, "hourly_rate": REQUIRED}),
    ),
    Case(
        "placement-rate-zero",
        TM,
        "post",
        lambda c: my_placement(c, "rates/"),
        _with(RATE, hourly_rate="0"),
        _const({"hourly_rate": at_least("0.01")}),
    ),
    Case(
        "placement-rate-not-a-number",
        TM,
        "post",
        lambda c: my_placement(c, "rates/"),
        _with(RATE, hourly_rate="sixty"),
        _const({"hourly_rate": NUMBER}),
    ),
    Case(
        "placement-rate-before-start",
        TM,
        "post",
        lambda c: my_placement(c, "rates/"),
        _with(RATE, valid_from="2026-01-04"),
        _const({"valid_from": ["A rate change takes effect on or after the placement's start."]}),
    ),
    Case(
        "placement-rate-same-start-twice",
        TM,
        "post",
        lambda c: my_placement(c, "rates/"),
        _with(RATE, valid_from="2026-01-05"),
        _const({"valid_from": ["The placement already has a rate from this date; choose another date."]}),
    ),
    Case(
        "placement-rate-after-end",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.planned.pk}/rates/",
        _with(RATE, valid_from="2026-07-01"),
        _const({"valid_from": ["A rate change takes effect before the placement ends."]}),
        setup=_planned_end_placement,
    ),
    Case(
        "placement-rate-cancelled",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.cancelled.pk}/rates/",
        _with(RATE, valid_from="2026-10-01"),
        _const({"status": ["Is cancelled."]}),
        message="A cancelled placement has no rate to change.",
        setup=_cancelled_placement,
    ),
    Case(
        "placement-activate-with-a-body",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.draft.pk}/activate/",
        _const({"status": "active"}),
        _const({"status": UNKNOWN}),
        setup=lambda w: {
            "draft": PlacementFactory(secretary=w.secretary, client=w.client, status="draft", created_by=w.manager)
        },
    ),
    Case(
        "placement-rate-unknown-field",
        TM,
        "post",
        lambda c: my_placement(c, "rates/"),
        _with(RATE, source="rate_card"),
        _const({"source": UNKNOWN}),
    ),
    # ------------------------------------------------------------ leave
    Case(
        "leave-create-missing-fields",
        TM,
        "post",
        leave_list,
        _const({}),
        _const({"secretary_id": REQUIRED, "start_date": REQUIRED, "end_date": REQUIRED}),
    ),
    Case(
        "leave-create-end-before-start",
        TM,
        "post",
        leave_list,
        _with(LEAVE, end_date="2026-10-04"),
        _const({"end_date": ["Leave cannot end before it starts."]}),
    ),
    Case(
        "leave-create-start-not-a-date",
        TM,
        "post",
        leave_list,
        _with(LEAVE, start_date="monday"),
        _const({"start_date": DATE_FORMAT}),
    ),
    Case(
        "leave-create-kind-invalid-choice",
        TM,
        "post",
        leave_list,
        _with(LEAVE, kind="holiday"),
        _const({"kind": choice("holiday")}),
    ),
    Case(
        "leave-create-note-too-long",
        TM,
        "post",
        leave_list,
        _with(LEAVE, note="x" * 201),
        _const({"note": ["Ensure this field has no more than 200 characters."]}),
    ),
    Case(
        "leave-create-overlapping",
        TM,
        "post",
        leave_list,
        _with(LEAVE, start_date="2026-08-07", end_date="2026-08-14"),
        _const({"start_date": ["This overlaps other leave of the same secretary."]}),
        setup=_leave,
    ),
    Case(
        "leave-create-secretary-outside-scope",
        TM,
        "post",
        leave_list,
        _with(LEAVE, secretary_id=lambda c: c.other_secretary.pk),
        lambda c: {"secretary_id": no_such_pk(c.other_secretary.pk)},
    ),
    Case("leave-create-unknown-field", TM, "post", leave_list, _with(LEAVE, paid=True), _const({"paid": UNKNOWN})),
    Case(
        "leave-patch-end-before-start",
        TM,
        "patch",
        my_leave,
        _const({"end_date": "2026-08-02"}),
        _const({"end_date": ["Leave cannot end before it starts."]}),
        setup=_leave,
    ),
    Case(
        "leave-patch-overlapping",
        TM,
        "patch",
        my_leave,
        _const({"end_date": "2026-09-07"}),
        _const({"start_date": ["This overlaps other leave of the same secretary."]}),
        setup=_leave,
    ),
    Case(
        "leave-patch-kind-invalid-choice",
        TM,
        "patch",
        my_leave,
        _const({"kind": "strike"}),
        _const({"kind": choice("strike")}),
        setup=_leave,
    ),
    Case(
        "leave-patch-secretary-is-not-writable",
        TM,
        "patch",
        my_leave,
        lambda c: {"secretary_id": c.other_secretary.pk},
        _const({"secretary_id": UNKNOWN}),
        setup=_leave,
    ),
    # ------------------------------------------------------------ week grid
    Case("grid-missing-cells", SEC, "put", week_grid, _const({}), _const({"cells": REQUIRED})),
    Case(
        "grid-empty-cells",
        SEC,
        "put",
        week_grid,
        _const({"cells": []}),
        _const({"cells": ["This list may not be empty."]}),
    ),
    Case(
        "grid-cells-not-a-list",
        SEC,
        "put",
        week_grid,
        lambda c: {"cells": CELL(c)},
        _const({"cells": ['Expected a list of items but got type "dict".']}),
    ),
    Case(
        "grid-cell-not-an-object",
        SEC,
        "put",
        week_grid,
        _const({"cells": ["2026-06-12: 3.5 h"]}),
        _const({"cells.0": ["Invalid data. Expected a dictionary, but got str."]}),
    ),
    Case(
        "grid-too-many-cells",
        SEC,
        "put",
        week_grid,
        lambda c: {"cells": [CELL(c)] * 141},
        _const({"cells": ["Ensure this field has no more than 140 elements."]}),
    ),
    Case(
        "grid-cell-missing-fields",
        SEC,
        "put",
        week_grid,
        _const({"cells": [{}]}),
        _const({"cells.0.placement_id": REQUIRED, "cells.0.date": REQUIRED, "cells.0.hours": REQUIRED}),
    ),
    Case(
        "grid-hours-not-a-number",
        SEC,
        "put",
        week_grid,
        _cell(hours="lots"),
        _const({"cells.0.hours": NUMBER}),
    ),
    Case(
        "grid-date-not-a-date",
        SEC,
        "put",
        week_grid,
        _cell(date="friday"),
        _const({"cells.0.date": DATE_FORMAT}),
    ),
    Case(
        "grid-placement-id-not-a-pk",
        SEC,
        "put",
        week_grid,
        _cell(placement_id="acme"),
        _const({"cells.0.placement_id": ["Incorrect type. Expected pk value, received str."]}),
    ),
    Case(
        "grid-description-not-a-string",
        SEC,
        "put",
        week_grid,
        _cell(description=["minutes"]),
        _const({"cells.0.description": ["Not a valid string."]}),
    ),
    Case(
        "grid-description-too-long",
        SEC,
        "put",
        week_grid,
        _cell(description="x" * 501),
        _const({"cells.0.description": ["Ensure this field has no more than 500 characters."]}),
    ),
    Case(
        "grid-secretary-id-not-an-integer",
        TM,
        "put",
        week_grid,
        _with(GRID_FOR, secretary_id="sanne"),
        _const({"secretary_id": ["A valid integer is required."]}),
    ),
    Case(
        "grid-secretary-id-a-boolean",
        TM,
        "put",
        week_grid,
        _with(GRID_FOR, secretary_id=True),
        _const({"secretary_id": ["A valid integer is required."]}),
    ),
    Case(
        "grid-manager-without-secretary-id",
        TM,
        "put",
        week_grid,
        GRID,
        _const({"secretary_id": REQUIRED}),
        message="Choose a secretary.",
    ),
    Case(
        "grid-hours-not-in-quarter-steps",
        SEC,
        "put",
        week_grid,
        _cell(hours="1.10"),
        _const({"cells.0.hours": QUARTERS}),
        message=NOT_SAVED_1,
    ),
    Case(
        "grid-hours-three-decimals",
        SEC,
        "put",
        week_grid,
        _cell(hours="1.125"),
        _const({"cells.0.hours": ["Ensure that there are no more than 2 decimal places."]}),
    ),
    Case(
        "grid-hours-negative",
        SEC,
        "put",
        week_grid,
        _cell(hours="-0.25"),
        _const({"cells.0.hours": at_least("0")}),
    ),
    Case(
        "grid-hours-above-24",
        SEC,
        "put",
        week_grid,
        _cell(hours="24.25"),
        _const({"cells.0.hours": at_most("24")}),
    ),
    Case(
        "grid-hours-above-the-daily-cap",
        SEC,
        "put",
        week_grid,
        _cell(hours="12.25"),
        _const({"cells.0.hours": ["2026-06-12 would total 12.25 h; the daily maximum is 12 h."]}),
        message=NOT_SAVED_1,
    ),
    Case(
        "grid-unknown-field-in-a-cell",
        SEC,
        "put",
        week_grid,
        _cell(billable=True),
        _const({"cells.0.billable": UNKNOWN}),
    ),
    Case(
        "grid-unknown-field",
        SEC,
        "put",
        week_grid,
        _with(GRID, week="2026-W24"),
        _const({"week": UNKNOWN}),
    ),
    Case(
        "grid-placement-of-another-secretary",
        SEC,
        "put",
        week_grid,
        _cell(placement_id=lambda c: c.other_placement.pk),
        lambda c: {"cells.0.placement_id": no_such_pk(c.other_placement.pk)},
    ),
    Case(
        "grid-placement-of-another-secretary-by-manager",
        TM,
        "put",
        week_grid,
        lambda c: {"secretary_id": c.secretary.pk, **_cell(placement_id=c.other_placement.pk)(c)},
        lambda c: {"cells.0.placement_id": no_such_pk(c.other_placement.pk)},
    ),
    Case(
        "grid-draft-placement",
        SEC,
        "put",
        week_grid,
        _cell(placement_id=lambda c: c.draft.pk),
        _const({"cells.0.placement_id": ["Hours cannot be logged on a draft placement."]}),
        message=NOT_SAVED_1,
        setup=_draft_placement,
    ),
    Case(
        "grid-future-date",
        SEC,
        "put",
        week_grid,
        _cell(date="2026-06-16"),
        _const({"cells.0.date": FUTURE}),
        message=NOT_SAVED_1,
    ),
    Case(
        "grid-date-before-the-placement",
        SEC,
        "put",
        week_grid,
        _cell(date="2026-01-02"),
        _const({"cells.0.date": OUTSIDE}),
        message=NOT_SAVED_1,
    ),
    Case(
        "grid-date-after-the-placement",
        SEC,
        "put",
        week_grid,
        _cell(placement_id=lambda c: c.ended.pk, date="2026-01-05"),
        _const({"cells.0.date": OUTSIDE}),
        message=NOT_SAVED_1,
        setup=_ended_placement,
    ),
    Case(
        "grid-same-placement-and-day-twice",
        SEC,
        "put",
        week_grid,
        lambda c: {"cells": [CELL(c), _with(CELL, hours="1.00")(c)]},
        _const({"cells.1.date": ["This placement and day occur twice in the grid."]}),
        message=NOT_SAVED_1,
    ),
    Case(
        "grid-daily-cap-across-two-placements",
        SEC,
        "put",
        week_grid,
        _cell(placement_id=lambda c: c.second.pk, hours="4.25"),
        _const({"cells.0.hours": ["2026-06-12 would total 12.25 h; the daily maximum is 12 h."]}),
        message=NOT_SAVED_1,
        setup=_second_placement_with_8_hours,
    ),
    Case(
        "grid-daily-cap-across-two-placements-in-one-grid",
        SEC,
        "put",
        week_grid,
        lambda c: {"cells": [_with(CELL, hours="6.00")(c), _with(CELL, placement_id=c.second.pk, hours="6.25")(c)]},
        _const(
            {
                "cells.0.hours": ["2026-06-12 would total 12.25 h; the daily maximum is 12 h."],
                "cells.1.hours": ["2026-06-12 would total 12.25 h; the daily maximum is 12 h."],
            }
        ),
        message="Nothing was saved: 2 cell(s) need correcting.",
        setup=_second_placement,
    ),
    Case(
        "grid-several-bad-cells-at-once",
        SEC,
        "put",
        week_grid,
        lambda c: {
            "cells": [CELL(c), _with(CELL, date="2026-06-11", hours="0.1")(c), _with(CELL, date="2026-06-17")(c)]
        },
        _const({"cells.1.hours": QUARTERS, "cells.2.date": FUTURE}),
        message="Nothing was saved: 2 cell(s) need correcting.",
    ),
    *[
        Case(
            f"grid-day-of-a-{status}-sheet{'-cleared' if hours is None else ''}",
            SEC,
            "put",
            week_grid,
            _cell(date=day, hours=hours),
            _const({"cells.0.hours": [f"The timesheet of this day is {status}; its hours cannot change."]}),
            message=NOT_SAVED_1,
            setup=_sheet(status),
        )
        for status in (TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED, TimesheetStatus.INVOICED)
        for day, hours in (("2026-06-12", "3.50"), ("2026-06-08", None))  # a new entry; clearing the logged one
    ],
    # ------------------------------------------------------------ timesheets
    Case(
        "submit-twice",
        SEC,
        "post",
        sheet_action("submit"),
        _const(None),
        _const({"status": ["Is submitted."]}),
        message="This timesheet is submitted: only open or rejected timesheets can be submitted.",
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "submit-approved-sheet",
        TM,
        "post",
        sheet_action("submit"),
        _const(None),
        _const({"status": ["Is approved."]}),
        message="This timesheet is approved: only open or rejected timesheets can be submitted.",
        setup=_sheet(TimesheetStatus.APPROVED),
    ),
    Case(
        "submit-with-a-body",
        SEC,
        "post",
        sheet_action("submit"),
        _const({"status": "submitted"}),
        _const({"status": UNKNOWN}),
        setup=_sheet(TimesheetStatus.OPEN),
    ),
    Case(
        "approve-open-sheet",
        APP,
        "post",
        sheet_action("approve"),
        _const(None),
        _const({"status": ["Is open."]}),
        message="This timesheet is open: only submitted timesheets can be approved.",
        setup=_sheet(TimesheetStatus.OPEN),
    ),
    Case(
        "approve-rejected-sheet",
        APP,
        "post",
        sheet_action("approve"),
        _const(None),
        _const({"status": ["Is rejected."]}),
        message="This timesheet is rejected: only submitted timesheets can be approved.",
        setup=_sheet(TimesheetStatus.REJECTED),
    ),
    Case(
        "approve-twice",
        APP,
        "post",
        sheet_action("approve"),
        _const(None),
        _const({"status": ["Is approved."]}),
        message="This timesheet is approved: only submitted timesheets can be approved.",
        setup=_sheet(TimesheetStatus.APPROVED),
    ),
    Case(
        "approve-with-a-body",
        APP,
        "post",
        sheet_action("approve"),
        _const({"ip": "203.0.113.9"}),
        _const({"ip": UNKNOWN}),
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "reject-without-reason",
        APP,
        "post",
        sheet_action("reject"),
        _const({}),
        _const({"reason": REQUIRED}),
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "reject-blank-reason",
        APP,
        "post",
        sheet_action("reject"),
        _const({"reason": "   "}),
        _const({"reason": ["This field may not be blank."]}),
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "reject-reason-too-long",
        APP,
        "post",
        sheet_action("reject"),
        _const({"reason": "x" * 2001}),
        _const({"reason": ["Ensure this field has no more than 2000 characters."]}),
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "reject-open-sheet",
        APP,
        "post",
        sheet_action("reject"),
        REASON,
        _const({"status": ["Is open."]}),
        message="This timesheet is open: only submitted timesheets can be rejected.",
        setup=_sheet(TimesheetStatus.OPEN),
    ),
    Case(
        "reject-approved-sheet",
        APP,
        "post",
        sheet_action("reject"),
        REASON,
        _const({"status": ["Is approved."]}),
        message="This timesheet is approved: only submitted timesheets can be rejected.",
        setup=_sheet(TimesheetStatus.APPROVED),
    ),
    Case(
        "reject-unknown-field",
        APP,
        "post",
        sheet_action("reject"),
        _with(REASON, notify=False),
        _const({"notify": UNKNOWN}),
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "reopen-without-reason",
        TM,
        "post",
        sheet_action("reopen"),
        _const({}),
        _const({"reason": REQUIRED}),
        setup=_sheet(TimesheetStatus.APPROVED),
    ),
    Case(
        "reopen-blank-reason",
        TM,
        "post",
        sheet_action("reopen"),
        _const({"reason": ""}),
        _const({"reason": ["This field may not be blank."]}),
        setup=_sheet(TimesheetStatus.APPROVED),
    ),
    Case(
        "reopen-invoiced-sheet",
        TM,
        "post",
        sheet_action("reopen"),
        REASON,
        _const({"status": ["Is invoiced."]}),
        message="These hours are invoiced: correct them with a credit note.",
        setup=_sheet(TimesheetStatus.INVOICED),
    ),
    Case(
        "reopen-submitted-sheet",
        TM,
        "post",
        sheet_action("reopen"),
        REASON,
        _const({"status": ["Is submitted."]}),
        message="This timesheet is submitted: only approved timesheets can be reopened.",
        setup=_sheet(TimesheetStatus.SUBMITTED),
    ),
    Case(
        "reopen-open-sheet",
        TM,
        "post",
        sheet_action("reopen"),
        REASON,
        _const({"status": ["Is open."]}),
        message="This timesheet is open: only approved timesheets can be reopened.",
        setup=_sheet(TimesheetStatus.OPEN),
    ),
    Case(
        "bulk-approve-missing-ids",
        APP,
        "post",
        bulk_approve,
        _const({}),
        _const({"timesheet_ids": REQUIRED}),
    ),
    Case(
        "bulk-approve-empty-list",
        APP,
        "post",
        bulk_approve,
        _const({"timesheet_ids": []}),
        _const({"timesheet_ids": ["This list may not be empty."]}),
    ),
    Case(
        "bulk-approve-ids-not-a-list",
        APP,
        "post",
        bulk_approve,
        lambda c: {"timesheet_ids": c.june.pk},
        _const({"timesheet_ids": not_a_list("int")}),
        setup=_sheets_for_bulk,
    ),
    Case(
        "bulk-approve-id-not-a-pk",
        APP,
        "post",
        bulk_approve,
        _const({"timesheet_ids": ["june"]}),
        _const({"timesheet_ids": ["Incorrect type. Expected pk value, received str."]}),
    ),
    Case(
        "bulk-approve-id-out-of-scope",
        APP,
        "post",
        bulk_approve,
        lambda c: {"timesheet_ids": [c.june.pk, c.other_sheet.pk]},
        lambda c: {"timesheet_ids": no_such_pk(c.other_sheet.pk)},
        setup=lambda w: {**_sheets_for_bulk(w), **_other_submitted_sheet(w)},
    ),
    Case(
        "bulk-approve-one-not-submitted",
        APP,
        "post",
        bulk_approve,
        lambda c: {"timesheet_ids": [c.june.pk, c.may.pk, c.april.pk]},
        lambda c: {"timesheet_ids": [f"Timesheet {c.may.pk} is open, not submitted."]},
        message=lambda c: f"Nothing was approved: Timesheet {c.may.pk} is open, not submitted.",
        setup=_sheets_for_bulk,
    ),
    Case(
        "bulk-approve-unknown-field",
        APP,
        "post",
        bulk_approve,
        lambda c: {"timesheet_ids": [c.june.pk], "all": True},
        _const({"all": UNKNOWN}),
        setup=_sheets_for_bulk,
    ),
    # ------------------------------------------------------------ invoices: a manual draft
    Case("invoice-create-missing-client", FIN, "post", invoices, _const({}), _const({"client_id": REQUIRED})),
    Case(
        "invoice-create-client-id-not-a-pk",
        FIN,
        "post",
        invoices,
        _with(INVOICE, client_id="acme"),
        _const({"client_id": ["Incorrect type. Expected pk value, received str."]}),
    ),
    Case(
        "invoice-create-no-such-client",
        FIN,
        "post",
        invoices,
        _with(INVOICE, client_id=999999),
        _const({"client_id": no_such_pk(999999)}),
    ),
    Case(
        "invoice-create-inactive-client",
        FIN,
        "post",
        invoices,
        _with(INVOICE, client_id=lambda c: c.inactive.pk),
        _const({"client_id": ["This client is inactive."]}),
        setup=_inactive_client,
    ),
    Case(
        "invoice-create-period-start-only",
        FIN,
        "post",
        invoices,
        _with(INVOICE, period_end=...),
        _const({"period_end": ["Give both ends of the service period, or neither."]}),
    ),
    Case(
        "invoice-create-period-end-only",
        FIN,
        "post",
        invoices,
        _with(INVOICE, period_start=None),
        _const({"period_start": ["Give both ends of the service period, or neither."]}),
    ),
    Case(
        "invoice-create-period-ends-before-it-starts",
        FIN,
        "post",
        invoices,
        _with(INVOICE, period_end="2026-04-30"),
        _const({"period_end": ["The period ends before it starts."]}),
    ),
    Case(
        "invoice-create-period-start-no-such-day",
        FIN,
        "post",
        invoices,
        _with(INVOICE, period_start="2026-02-30"),
        _const({"period_start": DATE_FORMAT}),
    ),
    Case(
        "invoice-create-notes-too-long",
        FIN,
        "post",
        invoices,
        _with(INVOICE, notes="x" * 2001),
        _const({"notes": ["Ensure this field has no more than 2000 characters."]}),
    ),
    Case(
        "invoice-create-notes-not-a-string",
        FIN,
        "post",
        invoices,
        _with(INVOICE, notes=["x"]),
        _const({"notes": ["Not a valid string."]}),
    ),
    Case(
        "invoice-create-unknown-fields",
        FIN,
        "post",
        invoices,
        _with(INVOICE, status="finalised", number="2026-00042"),
        _const({"number": UNKNOWN, "status": UNKNOWN}),
    ),
    # ------------------------------------------------------------ invoices: delete a draft
    Case(
        "invoice-delete-finalised",
        FIN,
        "delete",
        invoice_path("invoice"),
        _const(None),
        _const({"status": ["Is finalised."]}),
        message="Invoice 2026-00001 is finalised: it cannot be deleted. Correct it with a credit note.",
        setup=_finalised_invoice,
    ),
    Case(
        "invoice-delete-credit-note",
        FIN,
        "delete",
        invoice_path("note"),
        _const(None),
        _const({"status": ["Is finalised."]}),
        message="Invoice CN-2026-00001 is finalised: it cannot be deleted. Correct it with a credit note.",
        setup=_partly_credited,
    ),
    # ------------------------------------------------------------ invoices: manual lines
    Case(
        "line-add-missing-fields",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _const({}),
        _const({"description": REQUIRED, "quantity": REQUIRED, "unit_price": REQUIRED}),
        setup=_run_draft,
    ),
    Case(
        "line-add-blank-description",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, description="   "),
        _const({"description": ["This field may not be blank."]}),
        setup=_run_draft,
    ),
    Case(
        "line-add-description-too-long",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, description="x" * 301),
        _const({"description": ["Ensure this field has no more than 300 characters."]}),
        setup=_run_draft,
    ),
    Case(
        "line-add-quantity-not-a-number",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, quantity="two"),
        _const({"quantity": NUMBER}),
        setup=_run_draft,
    ),
    Case(
        "line-add-quantity-zero",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, quantity="0"),
        _const({"quantity": ["The quantity is more than 0 and at most 99999.99, in hundredths."]}),
        message="The line was not added.",
        setup=_run_draft,
    ),
    Case(
        "line-add-quantity-negative",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, quantity="-2.00"),
        _const({"quantity": ["The quantity is more than 0 and at most 99999.99, in hundredths."]}),
        message="The line was not added.",
        setup=_run_draft,
    ),
    Case(
        "line-add-quantity-three-decimals",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, quantity="1.125"),
        _const({"quantity": ["Ensure that there are no more than 2 decimal places."]}),
        setup=_run_draft,
    ),
    Case(
        "line-add-quantity-too-large",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, quantity="100000.00"),
        _const({"quantity": ["Ensure that there are no more than 7 digits in total."]}),
        setup=_run_draft,
    ),
    Case(
        "line-add-unit-price-three-decimals",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, unit_price="150.005"),
        _const({"unit_price": ["Ensure that there are no more than 2 decimal places."]}),
        setup=_run_draft,
    ),
    Case(
        "line-add-unit-price-zero",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, unit_price="0.00"),
        _const({"unit_price": ["The unit price is not 0 and at most 999999.99 either way, in cents."]}),
        message="The line was not added.",
        setup=_run_draft,
    ),
    Case(
        "line-add-unit-price-too-large",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, unit_price="-1000000.00"),
        _const({"unit_price": ["Ensure that there are no more than 8 digits in total."]}),
        setup=_run_draft,
    ),
    Case(
        "line-add-vat-rate-not-a-number",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, vat_rate="high"),
        _const({"vat_rate": NUMBER}),
        setup=_run_draft,
    ),
    Case(
        "line-add-vat-rate-not-a-dutch-rate",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, vat_rate="19.00"),
        _const({"vat_rate": ["A Standard 21 % invoice takes VAT rate 21.00, 9.00, 0.00."]}),
        message="The line was not added.",
        setup=_run_draft,
    ),
    *[
        Case(
            f"line-add-vat-rate-9-on-the-{label}-draft",
            FIN,
            "post",
            invoice_path(name, "lines/"),
            _with(LINE, vat_rate="9"),
            _const({"vat_rate": [f"A {treatment} invoice takes VAT rate 0.00."]}),
            message="The line was not added.",
            setup=_vat_free_drafts,
        )
        for name, label, treatment in (
            ("reverse", "reverse-charge", "Reverse charge (EU business)"),
            ("internal", "internal", "No VAT (internal)"),
        )
    ],
    Case(
        "line-add-zero-price-with-the-default-vat-of-a-reverse-charge-draft",
        FIN,
        "post",
        invoice_path("reverse", "lines/"),
        _with(LINE, vat_rate=..., unit_price="0"),
        _const({"unit_price": ["The unit price is not 0 and at most 999999.99 either way, in cents."]}),
        message="The line was not added.",
        setup=_vat_free_drafts,
    ),
    Case(
        "line-add-several-wrong-at-once",
        FIN,
        "post",
        invoice_path("reverse", "lines/"),
        _with(LINE, quantity="0.00", unit_price="0.00", vat_rate="21.00"),
        _const(
            {
                "quantity": ["The quantity is more than 0 and at most 99999.99, in hundredths."],
                "unit_price": ["The unit price is not 0 and at most 999999.99 either way, in cents."],
                "vat_rate": ["A Reverse charge (EU business) invoice takes VAT rate 0.00."],
            }
        ),
        message="The line was not added.",
        setup=_vat_free_drafts,
    ),
    Case(
        "line-add-to-a-finalised-invoice",
        FIN,
        "post",
        invoice_path("invoice", "lines/"),
        LINE,
        _const({"status": ["Is finalised."]}),
        message="Invoice 2026-00001 is finalised: it cannot be changed. Correct it with a credit note.",
        setup=_finalised_invoice,
    ),
    Case(
        "line-add-to-a-credit-note",
        FIN,
        "post",
        invoice_path("note", "lines/"),
        LINE,
        _const({"status": ["Is finalised."]}),
        message="Invoice CN-2026-00001 is finalised: it cannot be changed. Correct it with a credit note.",
        setup=_partly_credited,
    ),
    Case(
        "line-add-unknown-field",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, amount="300.00", timesheet_id=1),
        _const({"amount": UNKNOWN, "timesheet_id": UNKNOWN}),
        setup=_run_draft,
    ),
    Case(
        "line-remove-from-a-finalised-invoice",
        FIN,
        "delete",
        invoice_line("invoice", "manual_line"),
        _const(None),
        _const({"status": ["Is finalised."]}),
        message="Invoice 2026-00001 is finalised: it cannot be changed. Correct it with a credit note.",
        setup=_finalised_invoice,
    ),
    Case(
        "line-remove-from-a-credit-note",
        FIN,
        "delete",
        lambda c: f"/api/v1/invoices/{c.note.pk}/lines/{c.note.lines.get().pk}/",
        _const(None),
        _const({"status": ["Is finalised."]}),
        message="Invoice CN-2026-00001 is finalised: it cannot be changed. Correct it with a credit note.",
        setup=_partly_credited,
    ),
    # ------------------------------------------------------------ invoices: finalise
    Case(
        "finalize-an-empty-draft",
        FIN,
        "post",
        invoice_path("empty", "finalize/"),
        _const(None),
        lambda c: {"invoice_ids": [f"Invoice draft {c.empty.pk} has no lines."]},
        message=lambda c: f"Nothing was finalised: Invoice draft {c.empty.pk} has no lines.",
        setup=_empty_draft,
    ),
    Case(
        "finalize-twice",
        FIN,
        "post",
        invoice_path("invoice", "finalize/"),
        _const(None),
        _const({"invoice_ids": ["Invoice 2026-00001 is already finalised."]}),
        message="Nothing was finalised: Invoice 2026-00001 is already finalised.",
        setup=_finalised_invoice,
    ),
    Case(
        "finalize-a-credit-note",
        FIN,
        "post",
        invoice_path("note", "finalize/"),
        _const(None),
        _const({"invoice_ids": ["Invoice CN-2026-00001 is already finalised."]}),
        message="Nothing was finalised: Invoice CN-2026-00001 is already finalised.",
        setup=_partly_credited,
    ),
    Case(
        "finalize-a-negative-total",
        FIN,
        "post",
        invoice_path("negative", "finalize/"),
        _const(None),
        lambda c: {
            "invoice_ids": [f"Invoice draft {c.negative.pk} totals -60.50: a negative amount is a credit note."]
        },
        message=lambda c: (
            f"Nothing was finalised: Invoice draft {c.negative.pk} totals -60.50: a negative amount is a credit note."
        ),
        setup=_negative_draft,
    ),
    Case(
        "finalize-with-a-body",  # e.g. a wish not to e-mail the invoice, which finalising would silently ignore
        FIN,
        "post",
        invoice_path("draft", "finalize/"),
        _const({"email": False}),
        _const({"email": UNKNOWN}),
        setup=_run_draft,
    ),
    Case(
        "finalize-many-missing-ids",
        FIN,
        "post",
        finalize_many,
        _const({}),
        _const({"invoice_ids": REQUIRED}),
    ),
    Case(
        "finalize-many-empty-list",
        FIN,
        "post",
        finalize_many,
        _const({"invoice_ids": []}),
        _const({"invoice_ids": ["This list may not be empty."]}),
    ),
    Case(
        "finalize-many-ids-not-a-list",
        FIN,
        "post",
        finalize_many,
        lambda c: {"invoice_ids": c.draft.pk},
        _const({"invoice_ids": not_a_list("int")}),
        setup=_run_draft,
    ),
    Case(
        "finalize-many-id-not-a-pk",
        FIN,
        "post",
        finalize_many,
        _const({"invoice_ids": ["2026-00001"]}),
        _const({"invoice_ids": ["Incorrect type. Expected pk value, received str."]}),
    ),
    Case(
        "finalize-many-no-such-invoice",
        FIN,
        "post",
        finalize_many,
        lambda c: {"invoice_ids": [c.draft.pk, 999999]},
        _const({"invoice_ids": no_such_pk(999999)}),
        setup=_run_draft,
    ),
    Case(
        "finalize-many-all-or-none",
        FIN,
        "post",
        finalize_many,
        lambda c: {"invoice_ids": [c.empty.pk, c.draft.pk, c.invoice.pk]},
        lambda c: {
            "invoice_ids": ["Invoice 2026-00001 is already finalised.", f"Invoice draft {c.empty.pk} has no lines."]
        },
        message=lambda c: (
            f"Nothing was finalised: Invoice 2026-00001 is already finalised. Invoice draft {c.empty.pk} has no lines."
        ),
        setup=_drafts_and_a_finalised_invoice,
    ),
    Case(
        "finalize-many-unknown-field",
        FIN,
        "post",
        finalize_many,
        lambda c: {"invoice_ids": [c.draft.pk], "email": False},
        _const({"email": UNKNOWN}),
        setup=_run_draft,
    ),
    # ------------------------------------------------------------ invoices: credit notes
    Case(
        "credit-note-without-reason",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _const({}),
        _const({"reason": REQUIRED}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-blank-reason",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _const({"reason": "  "}),
        _const({"reason": ["This field may not be blank."]}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-reason-too-long",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _const({"reason": "x" * 2001}),
        _const({"reason": ["Ensure this field has no more than 2000 characters."]}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-lines-not-a-list",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        lambda c: {**CREDIT(c), "lines": CREDIT_LINE(c)},
        _const({"lines": not_a_list("dict")}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-lines-empty",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _with(CREDIT, lines=[]),
        _const({"lines": ["Choose at least one line, or leave lines out to credit everything."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-line-missing-fields",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _with(CREDIT, lines=[{}]),
        _const({"lines.0.line_id": REQUIRED, "lines.0.quantity": REQUIRED}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-line-id-not-a-pk",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(line_id="first"),
        _const({"lines.0.line_id": ["Incorrect type. Expected pk value, received str."]}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-line-of-another-clients-invoice",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(line_id=lambda c: c.other_line.pk),
        lambda c: {"lines.0.line_id": no_such_pk(c.other_line.pk)},
        setup=_other_finalised_invoice,
    ),
    Case(
        "credit-note-line-of-its-own-credit-note",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(line_id=lambda c: c.note.lines.get().pk),
        lambda c: {"lines.0.line_id": no_such_pk(c.note.lines.get().pk)},
        setup=_partly_credited,
    ),
    Case(
        "credit-note-line-named-twice",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        lambda c: {**CREDIT(c), "lines": [CREDIT_LINE(c), CREDIT_LINE(c)]},
        _const({"lines.1.line_id": ["This line is named twice."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-quantity-not-a-number",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="all"),
        _const({"lines.0.quantity": NUMBER}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-quantity-three-decimals",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="1.125"),
        _const({"lines.0.quantity": ["Ensure that there are no more than 2 decimal places."]}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-quantity-zero",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="0"),
        _const({"lines.0.quantity": ["Credit more than 0 and at most 20.00 (what is not credited yet)."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-quantity-negative",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="-5.00"),
        _const({"lines.0.quantity": ["Credit more than 0 and at most 20.00 (what is not credited yet)."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-more-than-the-line",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="20.25"),
        _const({"lines.0.quantity": ["Credit more than 0 and at most 20.00 (what is not credited yet)."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-more-than-remains",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="15.25"),
        _const({"lines.0.quantity": ["Credit more than 0 and at most 15.00 (what is not credited yet)."]}),
        message="No credit note was made.",
        setup=_partly_credited,
    ),
    Case(
        "credit-note-release-hours-with-a-partial-credit",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        lambda c: {**_credit()(c), "release_hours": True},
        _const({"release_hours": ["Hours are released only by a credit note for everything not yet credited."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-release-hours-crediting-one-line-of-two-in-full",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        lambda c: {**_credit(quantity="20.00")(c), "release_hours": True},
        _const({"release_hours": ["Hours are released only by a credit note for everything not yet credited."]}),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-release-hours-not-a-boolean",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _with(CREDIT, release_hours="please"),
        _const({"release_hours": BOOLEAN}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-several-wrong-lines-at-once",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        lambda c: {
            **CREDIT(c),
            "lines": [
                CREDIT_LINE(c),
                {"line_id": c.manual_line.pk, "quantity": "2.50"},
                {"line_id": c.hours_line.pk, "quantity": "1.00"},
            ],
            "release_hours": True,
        },
        _const(
            {
                "lines.1.quantity": ["Credit more than 0 and at most 2.00 (what is not credited yet)."],
                "lines.2.line_id": ["This line is named twice."],
                "release_hours": ["Hours are released only by a credit note for everything not yet credited."],
            }
        ),
        message="No credit note was made.",
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-of-a-draft",
        FIN,
        "post",
        invoice_path("draft", "credit-note/"),
        CREDIT,
        _const({}),
        message="Only a finalised invoice is credited; change or delete the draft instead.",
        setup=_run_draft,
    ),
    Case(
        "credit-note-of-a-credit-note",
        FIN,
        "post",
        invoice_path("note", "credit-note/"),
        CREDIT,
        _const({}),
        message="A credit note cannot itself be credited.",
        setup=_partly_credited,
    ),
    Case(
        "credit-note-of-an-invoice-credited-in-full",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        CREDIT,
        _const({}),
        message="This invoice is credited in full already.",
        setup=_fully_credited,
    ),
    Case(
        "credit-note-unknown-field",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        lambda c: {**_credit()(c), "email": False},
        _const({"email": UNKNOWN}),
        setup=_finalised_invoice,
    ),
    Case(
        "credit-note-line-unknown-field",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(amount="-275.00"),
        _const({"lines.0.amount": UNKNOWN}),
        setup=_finalised_invoice,
    ),
    # ------------------------------------------------------------ invoice runs
    Case("run-missing-period", FIN, "post", invoice_runs, _const({}), _const({"period": REQUIRED})),
    *[
        Case(
            f"run-period-{name}",
            FIN,
            "post",
            invoice_runs,
            _const({"period": period}),
            _const({"period": ["A month such as 2026-10."]}),
        )
        for name, period in (
            ("one-digit-month", "2026-5"),
            ("a-day", "2026-05-01"),
            ("in-words", "May 2026"),
            ("month-first", "05-2026"),
        )
    ],
    Case(
        "run-period-blank",
        FIN,
        "post",
        invoice_runs,
        _const({"period": ""}),
        _const({"period": ["This field may not be blank."]}),
    ),
    *[
        Case(
            f"run-period-month-{month}",
            FIN,
            "post",
            invoice_runs,
            _const({"period": f"2026-{month}"}),
            _const({"period": [f"'2026-{month}' is not a month such as 2026-10."]}),
            message=f"'2026-{month}' is not a month such as 2026-10.",
        )
        for month in ("13", "00")
    ],
    *[
        Case(
            f"run-period-year-{period}",
            FIN,
            "post",
            invoice_runs,
            _const({"period": period}),
            _const({"period": [f"'{period}' lies outside the years 2000 to 2999."]}),
            message=f"'{period}' lies outside the years 2000 to 2999.",
        )
        for period in ("9999-12", "0001-01", "1999-12")
    ],
    *[
        Case(
            f"run-for-a-future-month-{period}",
            FIN,
            "post",
            invoice_runs,
            _const({"period": period}),
            _const({"period": ["Choose this month or an earlier one."]}),
            message="That month has not begun yet.",
            setup=_run_draft,  # approved hours are waiting: the refusal is for the month alone
        )
        for period in ("2026-07", "2027-01")
    ],
    Case(
        "run-no-such-client",
        FIN,
        "post",
        invoice_runs,
        _with(RUN, client_id=999999),
        _const({"client_id": no_such_pk(999999)}),
    ),
    Case(
        "run-finalize-not-a-boolean",
        FIN,
        "post",
        invoice_runs,
        _with(RUN, finalize="yes please"),
        _const({"finalize": BOOLEAN}),
    ),
    Case(
        "run-unknown-field",
        FIN,
        "post",
        invoice_runs,
        _with(RUN, email=False),
        _const({"email": UNKNOWN}),
    ),
]


# ---------------------------------------------------------------- payments

PAY = _const({"amount": "100.00", "date": "2026-06-12", "reference": "Bank statement 33"})
SETTLE_DATE = "2026-06-15"


def _internal_statement(world: World) -> dict[str, Any]:
    """``statement``: IR-2026-00001, 10 h of reception cover at 45.00 for an internal client."""
    client = ClientFactory(kind="internal", vat_treatment="none", cost_centre="CC-4100", legal_name="Facilities")
    draft = invoice_create(client=client, actor=world.finance)
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Reception cover", quantity=Decimal(10), unit_price=Decimal(45)
    )
    return {"statement": invoice_finalize(invoice=draft, actor=world.finance)}


def _paid_invoice(world: World) -> dict[str, Any]:
    """The finalised invoice with a bank transfer of 100.00 (``payment``)."""
    made = _finalised_invoice(world)
    payment = payment_record(
        invoice=made["invoice"],
        actor=world.finance,
        amount=Decimal(100),
        date=datetime.date(2026, 6, 15),
        reference="Bank 1",
    )
    return {**made, "payment": payment}


def _reversed_payment(world: World) -> dict[str, Any]:
    made = _paid_invoice(world)
    payment_reverse(payment=made["payment"], actor=world.finance, reason="Booked twice.")
    return made


def payment_path(name: str, suffix: str = "") -> Path:
    return lambda c: f"/api/v1/payments/{getattr(c, name).pk}/{suffix}"


def settle(c: Ctx) -> str:
    return "/api/v1/invoices/settle/"


def journal(query: str) -> Path:
    return lambda c: f"/api/v1/internal-journal/{query}"


PAYMENT_CASES = [
    Case(
        "pay-missing-amount",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, amount=...),
        _const({"amount": REQUIRED}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-zero",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, amount="0.00"),
        _const({"amount": at_least("0.01")}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-a-fraction-of-a-cent",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, amount="1.001"),
        _const({"amount": ["Ensure that there are no more than 2 decimal places."]}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-not-a-number",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, amount="lots"),
        _const({"amount": NUMBER}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-bad-date",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, date="12-06-2026"),
        _const({"date": DATE_FORMAT}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-in-the-future",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, date="2026-06-16"),
        _const({"date": ["A payment cannot be dated in the future."]}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-unknown-kind",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, kind="gift"),
        _const({"kind": choice("gift")}),
        setup=_finalised_invoice,
    ),
    Case(
        "pay-unknown-field",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, method="stripe"),
        _const({"method": UNKNOWN}),
        setup=_finalised_invoice,
    ),
    Case(
        "refund-more-than-was-paid",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, kind="refund", amount="100.01"),
        _const({"amount": ["At most 100.00: what was paid for this invoice."]}),
        setup=_paid_invoice,
    ),
    Case(
        "pay-a-draft",
        FIN,
        "post",
        invoice_path("draft", "payments/"),
        PAY,
        _const({"invoice": ["Has no amount receivable."]}),
        message="Only a finalised invoice or internal statement takes payments (not a draft, not a credit note).",
        setup=_run_draft,
    ),
    Case(
        "pay-an-internal-statement",
        FIN,
        "post",
        invoice_path("statement", "payments/"),
        PAY,
        _const({"invoice": ["Is internal."]}),
        message="An internal recharge statement is settled, not paid: use settle.",
        setup=_internal_statement,
    ),
    Case(
        "settle-nothing",
        FIN,
        "post",
        settle,
        _const({"invoice_ids": [], "date": SETTLE_DATE}),
        _const({"invoice_ids": ["This list may not be empty."]}),
    ),
    Case(
        "settle-without-a-date",
        FIN,
        "post",
        settle,
        lambda c: {"invoice_ids": [c.statement.pk]},
        _const({"date": REQUIRED}),
        setup=_internal_statement,
    ),
    Case(
        "settle-a-tenant-invoice-with-a-statement",
        FIN,
        "post",
        settle,
        lambda c: {"invoice_ids": [c.statement.pk, c.invoice.pk], "date": SETTLE_DATE},
        _const({"invoice_ids": ["2026-00001 is not an internal recharge statement."]}),
        message="Nothing was settled: 2026-00001 is not an internal recharge statement.",
        setup=lambda w: {**_finalised_invoice(w), **_internal_statement(w)},
    ),
    Case(
        "reverse-without-a-reason",
        FIN,
        "post",
        payment_path("payment", "reverse/"),
        _const({}),
        _const({"reason": REQUIRED}),
        setup=_paid_invoice,
    ),
    Case(
        "reverse-twice",
        FIN,
        "post",
        payment_path("payment", "reverse/"),
        _const({"reason": "Booked twice."}),
        _const({}),
        message="This entry is reversed already.",
        setup=_reversed_payment,
    ),
    Case(
        "checkout-while-stripe-is-off",
        FIN,
        "post",
        invoice_path("invoice", "checkout/"),
        _const(None),
        _const({"invoice": ["No Stripe."]}),
        message="Online payment is off: pay by bank transfer.",
        setup=_finalised_invoice,
    ),
    Case(
        "checkout-with-a-body",
        FIN,
        "post",
        invoice_path("invoice", "checkout/"),
        _const({"amount": "1.00"}),
        _const({"amount": UNKNOWN}),
        setup=_finalised_invoice,
    ),
    Case("journal-without-a-month", FIN, "get", journal(""), _const(None), _const({"month": REQUIRED})),
    Case(
        "journal-not-a-month",
        FIN,
        "get",
        journal("?month=june"),
        _const(None),
        _const({"month": ["A month such as 2026-10."]}),
    ),
    Case(
        "journal-month-13",
        FIN,
        "get",
        journal("?month=2026-13"),
        _const(None),
        _const({"month": ["'2026-13' is not a month such as 2026-10."]}),
        message="'2026-13' is not a month such as 2026-10.",
    ),
]
CASES.extend(PAYMENT_CASES)


def dashboard(query: str) -> Path:
    return lambda c: f"/api/v1/dashboard/{query}"


# The tables a user may read, in the registry's order (the overview's, then the others) as the refusal lists them.
UNKNOWN_TABLE_FIN = (
    "No table 'salaries' here; choose one of: revenue_by_month, revenue_by_pool, utilisation_by_pool, free_capacity, "
    "cost_recovery, forward_revenue, receivables_aging, revenue_by_client, revenue_by_secretary, "
    "utilisation_by_secretary, placement_margins, pipeline."
)
_TM_TABLES = (
    "revenue_by_month, revenue_by_pool, utilisation_by_pool, free_capacity, forward_revenue, revenue_by_client, "
    "revenue_by_secretary, utilisation_by_secretary, pipeline"
)
NO_MARGINS_TM = f"No table 'placement_margins' here; choose one of: {_TM_TABLES}."
NO_RECEIVABLES_TM = f"No table 'receivables_aging' here; choose one of: {_TM_TABLES}."
NO_RECEIVABLES_ONE_POOL = (
    "No table 'receivables_aging' here; choose one of: revenue_by_month, revenue_by_pool, utilisation_by_pool, "
    "free_capacity, cost_recovery, forward_revenue, revenue_by_client, revenue_by_secretary, "
    "utilisation_by_secretary, placement_margins, pipeline."
)
END_BEFORE_START = "The period ends before it starts: choose an end month on or after the start month."
TOO_LONG = "A report covers at most 36 months; choose a shorter period."
DASHBOARD_CASES = [
    Case(
        "dashboard-not-a-month",
        DIR,
        "get",
        dashboard("?start=jan"),
        _const(None),
        _const({"start": ["A month such as 2026-01."]}),
    ),
    Case(
        "dashboard-month-13",
        DIR,
        "get",
        dashboard("?end=2026-13"),
        _const(None),
        _const({"end": ["'2026-13' is not a month such as 2026-10."]}),
        message="'2026-13' is not a month such as 2026-10.",
    ),
    Case(
        "dashboard-end-before-start",
        DIR,
        "get",
        dashboard("?start=2026-06&end=2026-01"),
        _const(None),
        _const({"end": [END_BEFORE_START]}),
        message=END_BEFORE_START,
    ),
    Case(
        "dashboard-too-long",
        FIN,
        "get",
        dashboard("?start=2023-01&end=2026-01"),
        _const(None),
        _const({"start": [TOO_LONG]}),
        message=TOO_LONG,
    ),
    Case("dashboard-unknown-field", DIR, "get", dashboard("?month=2026-01"), _const(None), _const({"month": UNKNOWN})),
    Case(
        "dashboard-other-managers-pool",
        TM,
        "get",
        lambda c: f"/api/v1/dashboard/?pool_id={c.other_pool.pk}",
        _const(None),
        lambda c: {"pool_id": no_such_pk(c.other_pool.pk)},
    ),
    Case(
        "dashboard-export-without-table",
        DIR,
        "get",
        dashboard("export/?file_format=csv"),
        _const(None),
        _const({"table": REQUIRED}),
    ),
    Case(
        "dashboard-export-bad-format",
        DIR,
        "get",
        dashboard("export/?table=pipeline&file_format=pdf"),
        _const(None),
        _const({"file_format": ["Choose csv or xlsx."]}),
    ),
    Case(
        "dashboard-export-unknown-table",
        FIN,
        "get",
        dashboard("export/?table=salaries&file_format=csv"),
        _const(None),
        _const({"table": [UNKNOWN_TABLE_FIN]}),
        message=UNKNOWN_TABLE_FIN,
    ),
    Case(
        "dashboard-export-costs-for-a-manager",
        TM,
        "get",
        dashboard("export/?table=placement_margins&file_format=xlsx"),
        _const(None),
        _const({"table": [NO_MARGINS_TM]}),
        message=NO_MARGINS_TM,
    ),
    Case(
        "dashboard-table-without-table",
        DIR,
        "get",
        dashboard("table/?start=2026-01"),
        _const(None),
        _const({"table": REQUIRED}),
    ),
    Case(
        "dashboard-table-unknown-table",
        FIN,
        "get",
        dashboard("table/?table=salaries"),
        _const(None),
        _const({"table": [UNKNOWN_TABLE_FIN]}),
        message=UNKNOWN_TABLE_FIN,
    ),
    Case(
        "dashboard-table-costs-for-a-manager",
        TM,
        "get",
        dashboard("table/?table=placement_margins"),
        _const(None),
        _const({"table": [NO_MARGINS_TM]}),
        message=NO_MARGINS_TM,
    ),
    Case(
        "dashboard-table-receivables-for-a-manager",
        TM,
        "get",
        dashboard("table/?table=receivables_aging"),
        _const(None),
        _const({"table": [NO_RECEIVABLES_TM]}),
        message=NO_RECEIVABLES_TM,
    ),
    Case(
        "dashboard-table-receivables-of-one-pool",
        DIR,
        "get",
        lambda c: f"/api/v1/dashboard/table/?table=receivables_aging&pool_id={c.pool.pk}",
        _const(None),
        _const({"table": [NO_RECEIVABLES_ONE_POOL]}),
        message=NO_RECEIVABLES_ONE_POOL,
    ),
    Case(
        "dashboard-table-not-a-month",
        DIR,
        "get",
        dashboard("table/?table=pipeline&start=jan"),
        _const(None),
        _const({"start": ["A month such as 2026-01."]}),
    ),
    Case(
        "dashboard-table-month-13",
        TM,
        "get",
        dashboard("table/?table=pipeline&end=2026-13"),
        _const(None),
        _const({"end": ["'2026-13' is not a month such as 2026-10."]}),
        message="'2026-13' is not a month such as 2026-10.",
    ),
    Case(
        "dashboard-table-end-before-start",
        DIR,
        "get",
        dashboard("table/?table=revenue_by_client&start=2026-06&end=2026-01"),
        _const(None),
        _const({"end": [END_BEFORE_START]}),
        message=END_BEFORE_START,
    ),
    Case(
        "dashboard-table-too-long",
        FIN,
        "get",
        dashboard("table/?table=revenue_by_client&start=2023-01&end=2026-01"),
        _const(None),
        _const({"start": [TOO_LONG]}),
        message=TOO_LONG,
    ),
    Case(
        "dashboard-table-unknown-field",
        DIR,
        "get",
        dashboard("table/?table=pipeline&file_format=csv"),
        _const(None),
        _const({"file_format": UNKNOWN}),
    ),
    Case(
        "dashboard-table-other-managers-pool",
        TM,
        "get",
        lambda c: f"/api/v1/dashboard/table/?table=pipeline&pool_id={c.other_pool.pk}",
        _const(None),
        lambda c: {"pool_id": no_such_pk(c.other_pool.pk)},
    ),
]
CASES.extend(DASHBOARD_CASES)


def _request(world: World, role: str, method: str, path: str, body: Any) -> Any:
    client = api_client_for(world.user(role))
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_and_nothing_is_written(world: World, case: Case) -> None:
    ctx, body = case.run(world)
    path = case.path(ctx)
    before = db_state()

    response = _request(world, case.role, case.method, path, body)

    assert response.status_code == 400, response.content
    message = case.message(ctx) if callable(case.message) else case.message
    assert response.json() == {"message": message, "extra": {"fields": case.fields(ctx), **case.extra}}
    assert db_state() == before


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- the valid bodies pass


@dataclass(frozen=True)
class Valid:
    id: str
    role: str
    method: str
    path: Path
    body: Body
    status: int
    setup: Callable[[World], dict[str, Any]] | None = None


VALID = [
    Valid("login", ANON, "post", _const("/api/v1/auth/login/"), LOGIN, 200),
    Valid("token", ANON, "post", _const("/api/v1/auth/token/"), LOGIN, 200),
    Valid("user-create", TM, "post", users, USER, 201),
    Valid("pool-create", TM, "post", pools, POOL, 201),
    Valid("secretary-create", TM, "post", secretaries, SECRETARY, 201, setup=_fresh_user),
    Valid("client-create", TM, "post", clients, CLIENT, 201),
    Valid("rate-card-create", TM, "post", rate_cards, RATE_CARD, 201),
    Valid("placement-create", TM, "post", placements, PLACEMENT, 201),
    Valid("placement-rate", TM, "post", lambda c: my_placement(c, "rates/"), RATE, 201),
    Valid("placement-end", TM, "post", lambda c: my_placement(c, "end/"), END, 200),
    Valid("placement-cancel", TM, "post", lambda c: my_placement(c, "cancel/"), CANCEL, 200),
    Valid("leave-create", TM, "post", leave_list, LEAVE, 201),
    Valid("user-patch", TM, "patch", approver_user, _const({"full_name": "Anna Approver"}), 200),
    Valid("pool-patch", TM, "patch", my_pool, _const({"name": "Front desk"}), 200),
    Valid("secretary-patch", TM, "patch", my_secretary, _const({"base_workload_hours": "36.00"}), 200),
    Valid("employer-cost", FIN, "post", employer_cost, _const({"hourly_employer_cost": "44.00"}), 200),
    Valid("client-patch", TM, "patch", my_client, _const({"kvk_number": "87654321"}), 200),
    Valid("placement-patch", TM, "patch", my_placement, _const({"end_date": "2026-12-31"}), 200),
    Valid(
        "placement-activate",
        TM,
        "post",
        lambda c: f"/api/v1/placements/{c.draft.pk}/activate/",
        _const(None),
        200,
        setup=lambda w: {
            "draft": PlacementFactory(secretary=w.secretary, client=w.client, status="draft", created_by=w.manager)
        },
    ),
    Valid("leave-patch", TM, "patch", my_leave, _const({"end_date": "2026-08-10"}), 200, setup=_leave),
    Valid("leave-delete", TM, "delete", my_leave, _const(None), 204, setup=_leave),
    Valid(
        "rate-card-delete-future",
        TM,
        "delete",
        lambda c: f"/api/v1/rate-cards/{c.future_card.pk}/",
        _const(None),
        204,
        setup=_future_rate_card,
    ),
    Valid("week-grid", SEC, "put", week_grid, GRID, 200),
    Valid("week-grid-for-a-secretary", TM, "put", week_grid, GRID_FOR, 200),
    Valid("week-grid-today", SEC, "put", week_grid, _cell(date="2026-06-15"), 200),
    Valid("week-grid-first-day", SEC, "put", week_grid, _cell(date="2026-01-05"), 200),
    Valid(
        "week-grid-24-hours-over-two-placements",
        SEC,
        "put",
        week_grid,
        _cell(hours="4.00"),
        200,
        setup=_second_placement_with_8_hours,
    ),
    Valid("week-grid-rejected-sheet", SEC, "put", week_grid, GRID, 200, setup=_sheet(TimesheetStatus.REJECTED)),
    Valid(
        "week-grid-clear",
        SEC,
        "put",
        week_grid,
        _cell(date="2026-06-08", hours=None),
        200,
        setup=_sheet(TimesheetStatus.OPEN),
    ),
    Valid("submit", SEC, "post", sheet_action("submit"), _const(None), 200, setup=_sheet(TimesheetStatus.OPEN)),
    Valid("resubmit", SEC, "post", sheet_action("submit"), _const(None), 200, setup=_sheet(TimesheetStatus.REJECTED)),
    Valid("approve", APP, "post", sheet_action("approve"), _const(None), 200, setup=_sheet(TimesheetStatus.SUBMITTED)),
    Valid("reject", APP, "post", sheet_action("reject"), REASON, 200, setup=_sheet(TimesheetStatus.SUBMITTED)),
    Valid("reopen", TM, "post", sheet_action("reopen"), REASON, 200, setup=_sheet(TimesheetStatus.APPROVED)),
    Valid(
        "bulk-approve",
        APP,
        "post",
        bulk_approve,
        lambda c: {"timesheet_ids": [c.june.pk, c.april.pk]},
        200,
        setup=_sheets_for_bulk,
    ),
    Valid("invoice-create", FIN, "post", invoices, INVOICE, 201),
    Valid(
        "invoice-create-without-period", FIN, "post", invoices, _with(INVOICE, period_start=..., period_end=...), 201
    ),
    Valid("invoice-delete", FIN, "delete", invoice_path("draft"), _const(None), 204, setup=_run_draft),
    Valid("invoice-delete-empty", FIN, "delete", invoice_path("empty"), _const(None), 204, setup=_empty_draft),
    Valid("line-add", FIN, "post", invoice_path("draft", "lines/"), LINE, 201, setup=_run_draft),
    Valid(
        "line-add-default-vat",
        FIN,
        "post",
        invoice_path("reverse", "lines/"),
        _with(LINE, vat_rate=...),
        201,
        setup=_vat_free_drafts,
    ),
    Valid(
        "line-add-discount",
        FIN,
        "post",
        invoice_path("draft", "lines/"),
        _with(LINE, unit_price="-150.00"),
        201,
        setup=_run_draft,
    ),
    Valid("line-remove", FIN, "delete", invoice_line("draft", "hours_line"), _const(None), 200, setup=_run_draft),
    Valid("finalize", FIN, "post", invoice_path("draft", "finalize/"), _const(None), 200, setup=_run_draft),
    Valid("finalize-many", FIN, "post", finalize_many, lambda c: {"invoice_ids": [c.draft.pk]}, 200, setup=_run_draft),
    Valid(
        "credit-note-in-full",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        CREDIT,
        201,
        setup=_finalised_invoice,
    ),
    Valid(
        "credit-note-in-full-releasing-hours",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _with(CREDIT, release_hours=True),
        201,
        setup=_finalised_invoice,
    ),
    Valid(
        "credit-note-in-part",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(),
        201,
        setup=_finalised_invoice,
    ),
    Valid(
        "credit-note-the-rest",
        FIN,
        "post",
        invoice_path("invoice", "credit-note/"),
        _credit(quantity="15.00"),
        201,
        setup=_partly_credited,
    ),
    Valid("run", FIN, "post", invoice_runs, RUN, 202),
    Valid("pay", FIN, "post", invoice_path("invoice", "payments/"), PAY, 201, setup=_finalised_invoice),
    Valid(
        "refund",
        FIN,
        "post",
        invoice_path("invoice", "payments/"),
        _with(PAY, kind="refund"),
        201,
        setup=_paid_invoice,
    ),
    Valid(
        "settle",
        FIN,
        "post",
        settle,
        lambda c: {"invoice_ids": [c.statement.pk], "date": SETTLE_DATE},
        200,
        setup=_internal_statement,
    ),
    Valid(
        "reverse",
        FIN,
        "post",
        payment_path("payment", "reverse/"),
        _const({"reason": "Booked twice."}),
        201,
        setup=_paid_invoice,
    ),
    Valid("run-this-month", FIN, "post", invoice_runs, _const({"period": "2026-06"}), 202),
    Valid(
        "run-for-a-client-and-finalize",
        FIN,
        "post",
        invoice_runs,
        _with(RUN, client_id=lambda c: c.client.pk, finalize=True),
        202,
        setup=lambda w: {"sheet": approved_sheet(w.placement, MAY, w.approver)},
    ),
]


@pytest.mark.parametrize("valid", VALID, ids=[v.id for v in VALID])
def test_the_valid_body_is_accepted(world: World, valid: Valid) -> None:
    """The bodies the bad cases change are themselves good: each bad case fails for its one change."""

    ctx = Ctx(world, valid.setup(world) if valid.setup else {})
    path, body = valid.path(ctx), valid.body(ctx)
    before = db_state()

    response = _request(world, valid.role, valid.method, path, body)

    assert response.status_code == valid.status, response.content
    # The snapshot the refusals are compared with does see an accepted write.
    assert db_state() != before


def test_bulk_approve_with_a_repeated_id_approves_the_sheet_once(world: World) -> None:
    """An id sent twice is one approval: one audit event, the sheet once in the answer."""
    june = _to(_log(world), TimesheetStatus.SUBMITTED, world)
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = _request(world, APP, "post", "/api/v1/timesheets/bulk-approve/", {"timesheet_ids": [june.pk, june.pk]})

    assert response.status_code == 200, response.content
    assert [(sheet["id"], sheet["status"]) for sheet in response.json()] == [(june.pk, "approved")]
    events = AuditEvent.objects.filter(pk__gt=last_event)
    assert list(events.values_list("action", "object_id")) == [("timesheet.approve", str(june.pk))]


# ---------------------------------------------------------------- objects outside the user's scope


@dataclass(frozen=True)
class OutOfScope:
    id: str
    method: str
    path: Path
    body: Body
    setup: Callable[[World], dict[str, Any]] | None = None


def _other_leave(world: World) -> dict[str, Any]:
    return {"other_leave": LeaveFactory(secretary=world.other_secretary)}


def _other_future_card(world: World) -> dict[str, Any]:
    return {
        "other_card": RateCardFactory(
            pool=world.other_pool, client_kind="tenant", valid_from=datetime.date(2026, 9, 1), hourly_rate="60.00"
        )
    }


OUT_OF_SCOPE = [
    OutOfScope("pool-patch", "patch", lambda c: f"/api/v1/pools/{c.other_pool.pk}/", _const({"cost_centre": "X1"})),
    OutOfScope(
        "secretary-patch",
        "patch",
        lambda c: f"/api/v1/secretaries/{c.other_secretary.pk}/",
        _const({"contract_hours": "30.00"}),
    ),
    OutOfScope(
        "placement-patch",
        "patch",
        lambda c: f"/api/v1/placements/{c.other_placement.pk}/",
        _const({"notes": "Mine now."}),
    ),
    OutOfScope("placement-end", "post", lambda c: f"/api/v1/placements/{c.other_placement.pk}/end/", END),
    OutOfScope("placement-cancel", "post", lambda c: f"/api/v1/placements/{c.other_placement.pk}/cancel/", CANCEL),
    OutOfScope("placement-rates", "post", lambda c: f"/api/v1/placements/{c.other_placement.pk}/rates/", RATE),
    OutOfScope(
        "rate-card-delete",
        "delete",
        lambda c: f"/api/v1/rate-cards/{c.other_card.pk}/",
        _const(None),
        setup=_other_future_card,
    ),
    OutOfScope(
        "leave-patch",
        "patch",
        lambda c: f"/api/v1/leave/{c.other_leave.pk}/",
        _const({"note": "Moved."}),
        setup=_other_leave,
    ),
    OutOfScope(
        "leave-delete", "delete", lambda c: f"/api/v1/leave/{c.other_leave.pk}/", _const(None), setup=_other_leave
    ),
    OutOfScope(
        "week-grid",
        "put",
        week_grid,
        lambda c: {"secretary_id": c.other_secretary.pk, **_cell(placement_id=c.other_placement.pk)(c)},
    ),
    OutOfScope(
        "timesheet-submit",
        "post",
        lambda c: f"/api/v1/timesheets/{c.other_sheet.pk}/submit/",
        _const(None),
        setup=lambda w: {"other_sheet": _other_submitted_sheet(w)["other_sheet"]},
    ),
    OutOfScope(
        "timesheet-reopen",
        "post",
        lambda c: f"/api/v1/timesheets/{c.other_sheet.pk}/reopen/",
        REASON,
        setup=lambda w: {
            "other_sheet": timesheet_approve(
                timesheet=_other_submitted_sheet(w)["other_sheet"], actor=w.other_approver, ip=None
            )
        },
    ),
]


@pytest.mark.parametrize("case", OUT_OF_SCOPE, ids=[c.id for c in OUT_OF_SCOPE])
def test_an_object_outside_the_managers_pools_is_not_found(world: World, case: OutOfScope) -> None:
    """A team manager addressing another pool's object by id: 404, the API's answer for out of scope."""
    ctx = Ctx(world, case.setup(world) if case.setup else {})
    path = case.path(ctx)
    before = db_state()

    response = _request(world, TM, case.method, path, case.body(ctx))

    assert response.status_code == 404, response.content
    assert response.json() == {"message": "Not found.", "extra": {"fields": {}}}
    assert db_state() == before


def test_activating_a_draft_of_another_pool_is_not_found(world: World) -> None:
    draft = PlacementFactory(
        secretary=world.other_secretary, client=world.other_client, status="draft", created_by=world.other_manager
    )
    before = db_state()

    response = _request(world, TM, "post", f"/api/v1/placements/{draft.pk}/activate/", None)

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "extra": {"fields": {}}}
    assert db_state() == before
    assert Placement.objects.get(pk=draft.pk).status == "draft"


# ---------------------------------------------------------------- invoice lines named through another invoice


def _another_draft_of_each_client(world: World) -> dict[str, Any]:
    """The finalised ``invoice`` (its ``manual_line``), the client's April run draft (``draft``, its
    ``april_line``), the other client's May run draft (``other_draft``) and a manual draft (``empty``)."""
    made = _finalised_invoice(world)
    approved_sheet(world.placement, APRIL, world.approver)
    [draft] = invoice_run_start(actor=world.finance, year=2026, month=4, client=world.client).invoices.all()
    return {
        **made,
        "draft": draft,
        "april_line": draft.lines.get(),
        "other_draft": _other_draft(world),
        **_empty_draft(world),
    }


# (id, the invoice in the path, the line in the path): the line is not on that invoice.
LINE_ELSEWHERE = [
    ("line-of-another-draft-of-the-client", "empty", lambda c: c.april_line.pk),
    ("line-of-another-clients-draft", "draft", lambda c: c.other_draft.lines.get().pk),
    ("draft-line-through-a-finalised-invoice", "invoice", lambda c: c.april_line.pk),
    ("finalised-line-through-a-draft", "draft", lambda c: c.manual_line.pk),
    ("no-such-line", "draft", lambda c: 999999),
]


@pytest.mark.parametrize(("name", "invoice", "line"), LINE_ELSEWHERE, ids=[x[0] for x in LINE_ELSEWHERE])
def test_a_line_named_through_another_invoice_is_not_found(
    world: World, name: str, invoice: str, line: Callable[[Ctx], int]
) -> None:
    """Finance sees every invoice, but a line is removed only through the invoice it is on: 404 otherwise,
    and nothing is removed (a finalised invoice's line included)."""
    ctx = Ctx(world, _another_draft_of_each_client(world))
    before = db_state()

    response = _request(world, FIN, "delete", f"/api/v1/invoices/{getattr(ctx, invoice).pk}/lines/{line(ctx)}/", None)

    assert response.status_code == 404, response.content
    assert response.json() == {"message": "Not found.", "extra": {"fields": {}}}
    assert db_state() == before


# ---------------------------------------------------------------- malformed and non-object bodies


BODY_ENDPOINTS: list[tuple[str, str, str, Path]] = [
    ("login", ANON, "post", _const("/api/v1/auth/login/")),
    ("token", ANON, "post", _const("/api/v1/auth/token/")),
    ("user-create", TM, "post", users),
    ("user-patch", TM, "patch", approver_user),
    ("pool-create", TM, "post", pools),
    ("pool-patch", TM, "patch", my_pool),
    ("secretary-create", TM, "post", secretaries),
    ("secretary-patch", TM, "patch", my_secretary),
    ("employer-cost", FIN, "post", employer_cost),
    ("client-create", TM, "post", clients),
    ("client-patch", TM, "patch", my_client),
    ("rate-card-create", FIN, "post", rate_cards),
    ("placement-create", TM, "post", placements),
    ("placement-patch", TM, "patch", my_placement),
    ("placement-end", TM, "post", lambda c: my_placement(c, "end/")),
    ("placement-cancel", TM, "post", lambda c: my_placement(c, "cancel/")),
    ("placement-rates", TM, "post", lambda c: my_placement(c, "rates/")),
    ("leave-create", TM, "post", leave_list),
    ("leave-patch", TM, "patch", my_leave),
    ("week-grid", SEC, "put", week_grid),
    ("week-grid-for-a-secretary", TM, "put", week_grid),
    ("timesheet-submit", SEC, "post", sheet_action("submit")),
    ("timesheet-approve", APP, "post", sheet_action("approve")),
    ("timesheet-reject", APP, "post", sheet_action("reject")),
    ("timesheet-reopen", TM, "post", sheet_action("reopen")),
    ("timesheet-bulk-approve", APP, "post", bulk_approve),
    ("invoice-create", FIN, "post", invoices),
    ("invoice-line-add", FIN, "post", invoice_path("draft", "lines/")),
    ("invoice-finalize", FIN, "post", invoice_path("draft", "finalize/")),
    ("invoice-finalize-many", FIN, "post", finalize_many),
    ("invoice-credit-note", FIN, "post", invoice_path("invoice", "credit-note/")),
    ("invoice-run", FIN, "post", invoice_runs),
]
BODY_IDS = [e[0] for e in BODY_ENDPOINTS]
# What an endpoint's path needs to exist.
BODY_SETUPS: dict[str, Callable[[World], dict[str, Any]]] = {
    "leave-patch": _leave,
    "timesheet-submit": _sheet(TimesheetStatus.OPEN),
    "timesheet-approve": _sheet(TimesheetStatus.SUBMITTED),
    "timesheet-reject": _sheet(TimesheetStatus.SUBMITTED),
    "timesheet-reopen": _sheet(TimesheetStatus.APPROVED),
    "invoice-line-add": _run_draft,
    "invoice-finalize": _run_draft,
    "invoice-credit-note": _finalised_invoice,
}


def _body_ctx(world: World, name: str) -> Ctx:
    setup = BODY_SETUPS.get(name)
    return Ctx(world, setup(world) if setup else {})


@pytest.mark.parametrize(("name", "role", "method", "path"), BODY_ENDPOINTS, ids=BODY_IDS)
def test_malformed_json_is_refused_in_the_error_shape(
    world: World, name: str, role: str, method: str, path: Path
) -> None:
    ctx = _body_ctx(world, name)
    url = path(ctx)
    before = db_state()

    client = api_client_for(world.user(role))
    response = getattr(client, method)(url, data='{"name": "x",', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "message": "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 14 (char 13)",
        "extra": {"fields": {}},
    }
    assert db_state() == before


@pytest.mark.parametrize(("name", "role", "method", "path"), BODY_ENDPOINTS, ids=BODY_IDS)
@pytest.mark.parametrize(
    ("body", "type_name"), [([], "list"), ("text", "str"), (12, "int")], ids=["list", "str", "int"]
)
def test_a_body_that_is_not_an_object_is_refused(
    world: World, name: str, role: str, method: str, path: Path, body: Any, type_name: str
) -> None:
    ctx = _body_ctx(world, name)
    url = path(ctx)
    before = db_state()

    response = _request(world, role, method, url, body)

    message = f"Invalid data. Expected a dictionary, but got {type_name}."
    assert response.status_code == 400
    assert response.json() == {"message": message, "extra": {"fields": {"non_field_errors": [message]}}}
    assert db_state() == before
