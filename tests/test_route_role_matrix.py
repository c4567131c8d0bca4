"""The route x role matrix of the API.

Every route and method under ``/api/v1/`` has one row: for each of the six roles
the status code it gets on an object in the role user's scope ("mine") and, for
detail routes, on an object outside it ("others"). A role that may use a route
but cannot see the object gets 404; a role that may not use the route gets 403.

Writes use valid payloads, so a 2xx is a real success (its audit event is
checked); every refusal is shown to change nothing. A route added to the URL
configuration without a row here, or a row left behind for a removed route,
fails ``test_every_api_route_has_a_matrix_row``.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceLine, InvoiceRun, Payment
from billing.services.delivery import invoices_pdf_render
from billing.services.invoices import (
    CreditRequest,
    credit_note_create,
    invoice_create,
    invoice_finalize,
    invoice_line_add,
)
from billing.services.payments import payment_record
from billing.services.runs import invoice_run_start
from secondments.models import Leave, PlacementStatus, RateCard, Timesheet, TimesheetStatus
from secondments.services.timesheets import Cell, timesheet_approve, timesheet_submit, week_grid_save
from tests.billing.conftest import MAY, approved_sheet
from tests.conftest import ROLES, World
from tests.factories import PASSWORD, ClientFactory, LeaveFactory, PlacementFactory, RateCardFactory, UserFactory

API_PREFIX = "api/v1/"
IGNORED_METHODS = {"head", "options"}
MINE, OTHERS = "mine", "others"

# ---------------------------------------------------------------- route discovery


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            route = prefix + str(p.pattern)
            yield route, f"{namespace}{p.name}" if p.name else route, p


def _methods(callback: Any) -> set[str]:
    """The HTTP methods a view answers: a viewset's action map, an APIView's handlers."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    actions = getattr(callback, "actions", None)
    if actions is not None:
        allowed = set(getattr(cls, "http_method_names", actions))
        return {m.upper() for m in actions if m in allowed and m not in IGNORED_METHODS}
    if cls is not None:
        return {m.upper() for m in cls.http_method_names if m not in IGNORED_METHODS and hasattr(cls, m)}
    return {"ANY"}  # a plain Django view: no row can match until someone looks at it


def api_routes() -> dict[tuple[str, str], bool]:
    """``{(url name, METHOD): takes a pk}`` for every route under /api/v1/."""
    found: dict[tuple[str, str], bool] = {}
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(API_PREFIX):
            continue
        detail = "pk" in pattern.pattern.regex.groupindex
        for method in _methods(pattern.callback):
            found[(name, method)] = detail
    return found


# ---------------------------------------------------------------- objects and payloads


def _pick(scope: str, mine: Any, others: Any) -> Any:
    return mine if scope == MINE else others


def _pool(w: World, scope: str) -> models.Model:
    return _pick(scope, w.pool, w.other_pool)


def _secretary(w: World, scope: str) -> models.Model:
    return _pick(scope, w.secretary, w.other_secretary)


def _secretary_user(w: World, scope: str) -> models.Model:
    return _pick(scope, w.secretary, w.other_secretary).user


def _client(w: World, scope: str) -> models.Model:
    return _pick(scope, w.client, w.other_client)


def _placement(w: World, scope: str) -> models.Model:
    return _pick(scope, w.placement, w.other_placement)


def _draft_placement(w: World, scope: str) -> models.Model:
    secretary, client, manager = _pick(
        scope, (w.secretary, w.client, w.manager), (w.other_secretary, w.other_client, w.other_manager)
    )
    return PlacementFactory(
        secretary=secretary,
        client=client,
        created_by=manager,
        status=PlacementStatus.DRAFT,
        start_date=datetime.date(2026, 7, 6),
        hours_per_week=Decimal("4.00"),
    )


def _future_rate_card(w: World, scope: str) -> models.Model:
    """Not in force yet, so it may be withdrawn (a card in force may not)."""
    return RateCardFactory(
        pool=_pool(w, scope), client_kind="tenant", valid_from=datetime.date(2026, 9, 1), hourly_rate="58.00"
    )


def _leave(w: World, scope: str) -> models.Model:
    return LeaveFactory(secretary=_secretary(w, scope))


def _open_sheet(w: World, scope: str) -> Timesheet:
    """The placement's open June 2026 timesheet, with one entry the secretary saved."""
    secretary = _pick(scope, w.secretary, w.other_secretary)
    cell = Cell(
        placement=_pick(scope, w.placement, w.other_placement), date=datetime.date(2026, 6, 8), hours=Decimal(2)
    )
    [sheet] = week_grid_save(actor=secretary.user, secretary=secretary, cells=[cell])
    assert sheet.status == TimesheetStatus.OPEN
    return sheet


def _submitted_sheet(w: World, scope: str) -> Timesheet:
    secretary = _pick(scope, w.secretary, w.other_secretary)
    return timesheet_submit(timesheet=_open_sheet(w, scope), actor=secretary.user)


def _approved_sheet(w: World, scope: str) -> Timesheet:
    approver = _pick(scope, w.approver, w.other_approver)
    return timesheet_approve(timesheet=_submitted_sheet(w, scope), actor=approver, ip="192.0.2.10")


def _week_query(w: World, role: str) -> dict[str, Any]:
    """A secretary opens their own grid; staff name the secretary."""
    query: dict[str, Any] = {"week": "2026-W24"}
    if role != "secretary":
        query["secretary_id"] = w.secretary.pk
    return query


def _week_cells(w: World, role: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cells": [{"placement_id": w.placement.pk, "date": "2026-06-12", "hours": "3.50", "description": "Minutes"}]
    }
    if role != "secretary":
        body["secretary_id"] = w.secretary.pk
    return body


def _bulk_approval(w: World, role: str) -> dict[str, Any]:
    return {"timesheet_ids": [_submitted_sheet(w, MINE).pk]}


def _credentials(w: World, role: str) -> dict[str, Any]:
    user = w.user(role) or w.manager  # anonymous logs in as the manager
    return {"email": user.email, "password": PASSWORD}


def _new_user(w: World, role: str) -> dict[str, Any]:
    return {"email": "nina.nieuw@example.org", "full_name": "Nina Nieuw", "roles": ["client_approver"]}


def _new_secretary(w: World, role: str) -> dict[str, Any]:
    user = UserFactory(email="fresh.secretary@example.org", full_name="Fleur Vers")
    return {
        "user_id": user.pk,
        "pool_id": w.pool.pk,
        "contract_hours": "32.00",
        "base_workload_hours": "8.00",
        "employment_start": "2026-07-01",
    }


def _new_client(w: World, role: str) -> dict[str, Any]:
    return {
        "kind": "tenant",
        "legal_name": "Initech B.V.",
        "street": "Coolsingel 40",
        "postcode": "3011 AD",
        "city": "Rotterdam",
        "kvk_number": "12345678",
        "vat_number": "NL004495445B01",
        "billing_email": "billing@initech.example",
        "vat_treatment": "standard",
        "approver_ids": [w.approver.pk],
    }


def _new_rate_card(w: World, role: str) -> dict[str, Any]:
    return {"pool_id": w.pool.pk, "client_kind": "tenant", "valid_from": "2026-07-01", "hourly_rate": "57.50"}


def _new_placement(w: World, role: str) -> dict[str, Any]:
    # The secretary has 36 - 16 base - 8 placed = 12 h free a week: 4 h fits.
    return {
        "secretary_id": w.secretary.pk,
        "client_id": w.client.pk,
        "start_date": "2026-07-06",
        "hours_per_week": "4.00",
    }


def _new_leave(w: World, role: str) -> dict[str, Any]:
    return {"secretary_id": w.secretary.pk, "start_date": "2026-08-03", "end_date": "2026-08-07", "kind": "vacation"}


def _const(data: dict[str, Any]) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, role: dict(data)


# Invoices are made through the billing services, as finance makes them: the scope's
# secretary logs 20 h in May 2026 (55.00 an hour), the scope's approver approves them,
# a run for the scope's client bills them.


def _may_hours(w: World, scope: str) -> Timesheet:
    placement, approver = _pick(scope, (w.placement, w.approver), (w.other_placement, w.other_approver))
    return approved_sheet(placement, MAY, approver)


def _run(w: World, scope: str) -> InvoiceRun:
    """The May 2026 run for the scope's client: one draft with one hours line."""
    _may_hours(w, scope)
    return invoice_run_start(actor=w.finance, year=2026, month=5, client=_client(w, scope))


def _draft(w: World, scope: str) -> Invoice:
    [draft] = _run(w, scope).invoices.all()
    return draft


def _hours_line(w: World, scope: str) -> InvoiceLine:
    [line] = _draft(w, scope).lines.all()
    return line


def _finalised(w: World, scope: str) -> Invoice:
    """A finalised invoice (hours and a manual line) with its PDF stored, as the after-commit work stores it.

    Finalised, so the scope's approver may see it (a draft never shows to an approver); its PDF
    stored, so downloading it writes nothing."""
    draft = _draft(w, scope)
    invoice_line_add(
        invoice=draft, actor=w.finance, description="Minutes course", quantity=Decimal(2), unit_price=Decimal(150)
    )
    invoice = invoice_finalize(invoice=draft, actor=w.finance)
    assert invoices_pdf_render(invoice_ids=[invoice.pk]) == 1
    return invoice


def _line_kwargs(line: models.Model) -> dict[str, Any]:
    assert isinstance(line, InvoiceLine)
    return {"pk": line.invoice_id, "line_id": line.pk}


def _new_invoice(w: World, role: str) -> dict[str, Any]:
    return {"client_id": w.client.pk, "notes": "Sponsorship of the tenants' meeting"}


def _two_drafts(w: World, role: str) -> dict[str, Any]:
    return {"invoice_ids": [_draft(w, MINE).pk, _draft(w, OTHERS).pk]}


def _new_run(w: World, role: str) -> dict[str, Any]:
    _may_hours(w, MINE)
    return {"period": "2026-05"}


# Payments: finance records a bank transfer on the scope's finalised invoice.


def _payment(w: World, scope: str) -> Payment:
    invoice = _finalised(w, scope)
    return payment_record(
        invoice=invoice, actor=w.finance, amount=Decimal("500.00"), date=datetime.date(2026, 6, 12), reference="B1"
    )


def _internal_statement(w: World, role: str) -> dict[str, Any]:
    client = ClientFactory(kind="internal", vat_treatment="none", cost_centre="CC-4100", legal_name="Facilities")
    draft = invoice_create(client=client, actor=w.finance)
    invoice_line_add(
        invoice=draft, actor=w.finance, description="Reception cover", quantity=Decimal(10), unit_price=Decimal(45)
    )
    statement = invoice_finalize(invoice=draft, actor=w.finance)
    return {"invoice_ids": [statement.pk], "date": "2026-06-15"}


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Row:
    name: str  # the URL name, namespaced
    method: str
    mine: tuple[int, ...]  # one status per role, in ROLES order
    others: tuple[int, ...] | None = None  # detail routes only
    target: Callable[[World, str], models.Model] | None = None
    payload: Callable[[World, str], dict[str, Any]] | None = None  # body, or query for GET
    audit: str | tuple[str, ...] | None = None  # the audit event(s) a successful write records, in order
    url_kwargs: Callable[[models.Model], dict[str, Any]] | None = None  # the target's URL; default {"pk": pk}
    fixtures: tuple[str, ...] = ()  # pytest fixtures the row needs (e.g. Stripe on)
    error: dict[str, Any] | None = None  # the body of every refusal, when it is not the usual one

    @property
    def label(self) -> str:
        return f"{self.name.removeprefix('v1:')} {self.method}"

    @property
    def audits(self) -> list[str]:
        if self.audit is None:
            return []
        return [self.audit] if isinstance(self.audit, str) else list(self.audit)


assert ROLES == ["anonymous", "team_manager", "secretary", "client_approver", "finance", "director"]

# fmt: off
MATRIX = [
    # -------------------------------------- anon  tm   sec  app  fin  dir
    Row("v1:auth-csrf", "GET", (200, 200, 200, 200, 200, 200)),
    Row("v1:auth-login", "POST", (200, 200, 200, 200, 200, 200), payload=_credentials, audit="user.login"),
    Row("v1:auth-logout", "POST", (403, 204, 204, 204, 204, 204)),
    Row("v1:auth-me", "GET", (403, 200, 200, 200, 200, 200)),
    Row("v1:auth-token", "POST", (200, 200, 200, 200, 200, 200), payload=_credentials),
    Row("v1:user-list", "GET", (403, 200, 403, 403, 200, 200)),
    Row("v1:user-list", "POST", (403, 201, 403, 403, 403, 403), payload=_new_user, audit="user.create"),
    Row(
        "v1:user-detail", "GET",
        (403, 200, 403, 403, 200, 200),
        (403, 404, 403, 403, 200, 200),  # a team manager sees the secretaries of their own pools
        target=_secretary_user,
    ),
    Row(
        "v1:user-detail", "PATCH",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_secretary_user,
        payload=_const({"full_name": "Sanne de Vries"}),
        audit="user.update",
    ),
    Row("v1:pool-list", "GET", (403, 200, 403, 403, 200, 200)),
    Row(
        "v1:pool-list", "POST",
        (403, 201, 403, 403, 403, 403),
        payload=_const({"name": "Reception", "cost_centre": "CC0999"}),
        audit="pool.create",
    ),
    Row(
        "v1:pool-detail", "GET",
        (403, 200, 403, 403, 200, 200),
        (403, 404, 403, 403, 200, 200),
        target=_pool,
    ),
    Row(
        "v1:pool-detail", "PATCH",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_pool,
        payload=_const({"cost_centre": "CC7777"}),
        audit="pool.update",
    ),
    Row(
        "v1:pool-capacity", "GET",
        (403, 200, 403, 403, 200, 200),
        (403, 404, 403, 403, 200, 200),
        target=_pool,
    ),
    Row("v1:secretary-list", "GET", (403, 200, 200, 403, 200, 200)),
    Row(
        "v1:secretary-list", "POST",
        (403, 201, 403, 403, 403, 403),
        payload=_new_secretary,
        audit="secretary.create",
    ),
    Row(
        "v1:secretary-detail", "GET",
        (403, 200, 200, 403, 200, 200),
        (403, 404, 404, 403, 200, 200),
        target=_secretary,
    ),
    Row(
        "v1:secretary-detail", "PATCH",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_secretary,
        payload=_const({"contract_hours": "32.00"}),
        audit="secretary.update",
    ),
    Row(
        "v1:secretary-capacity", "GET",
        (403, 200, 200, 403, 200, 200),
        (403, 404, 404, 403, 200, 200),
        target=_secretary,
    ),
    Row(
        "v1:secretary-employer-cost", "POST",
        (403, 403, 403, 403, 200, 403),
        (403, 403, 403, 403, 200, 403),
        target=_secretary,
        payload=_const({"hourly_employer_cost": "44.00"}),
        audit="secretary.set_employer_cost",
    ),
    Row(
        "v1:availability-list", "GET",
        (403, 200, 403, 403, 403, 403),
        payload=_const({"start": "2026-07-06", "end": "2026-09-27", "hours_per_week": "4.00"}),
    ),
    Row("v1:client-list", "GET", (403, 200, 403, 200, 200, 200)),
    Row("v1:client-list", "POST", (403, 201, 403, 403, 201, 403), payload=_new_client, audit="client.create"),
    Row(
        "v1:client-detail", "GET",
        (403, 200, 403, 200, 200, 200),
        (403, 200, 403, 404, 200, 200),  # a team manager sees all clients
        target=_client,
    ),
    Row(
        "v1:client-detail", "PATCH",
        (403, 200, 403, 403, 200, 403),
        (403, 200, 403, 403, 200, 403),
        target=_client,
        payload=_const({"payment_term_days": 14}),
        audit="client.update",
    ),
    Row("v1:rate-card-list", "GET", (403, 200, 403, 403, 200, 200)),
    Row(
        "v1:rate-card-list", "POST",
        (403, 201, 403, 403, 201, 403),
        payload=_new_rate_card,
        audit="rate_card.create",
    ),
    Row(
        "v1:rate-card-detail", "GET",
        (403, 200, 403, 403, 200, 200),
        (403, 404, 403, 403, 200, 200),
        target=_future_rate_card,
    ),
    Row(
        "v1:rate-card-detail", "DELETE",
        (403, 204, 403, 403, 204, 403),
        (403, 404, 403, 403, 204, 403),
        target=_future_rate_card,
        audit="rate_card.delete",
    ),
    Row("v1:placement-list", "GET", (403, 200, 200, 200, 200, 200)),
    Row(
        "v1:placement-list", "POST",
        (403, 201, 403, 403, 403, 403),
        payload=_new_placement,
        audit="placement.create",
    ),
    Row(
        "v1:placement-detail", "GET",
        (403, 200, 200, 200, 200, 200),
        (403, 404, 404, 404, 200, 200),
        target=_placement,
    ),
    Row(
        "v1:placement-detail", "PATCH",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_placement,
        payload=_const({"hours_per_week": "10.00", "purpose": "Reception"}),
        audit="placement.update",
    ),
    Row(
        "v1:placement-activate", "POST",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_draft_placement,
        audit="placement.activate",
    ),
    Row(
        "v1:placement-end", "POST",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_placement,
        payload=_const({"end_date": "2026-06-30"}),
        audit="placement.end",
    ),
    Row(
        "v1:placement-cancel", "POST",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_placement,
        payload=_const({"reason": "The client withdrew."}),
        audit="placement.cancel",
    ),
    Row(
        "v1:placement-change-rate", "POST",
        (403, 201, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_placement,
        payload=_const({"valid_from": "2026-07-01", "hourly_rate": "60.00"}),
        audit="placement.change_rate",
    ),
    Row("v1:leave-list", "GET", (403, 200, 200, 403, 200, 200)),
    Row("v1:leave-list", "POST", (403, 201, 403, 403, 403, 403), payload=_new_leave, audit="leave.create"),
    Row(
        "v1:leave-detail", "GET",
        (403, 200, 200, 403, 200, 200),
        (403, 404, 404, 403, 200, 200),
        target=_leave,
    ),
    Row(
        "v1:leave-detail", "PATCH",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_leave,
        payload=_const({"note": "Summer holiday"}),
        audit="leave.update",
    ),
    Row(
        "v1:leave-detail", "DELETE",
        (403, 204, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_leave,
        audit="leave.delete",
    ),
    Row("v1:audit-event-list", "GET", (403, 403, 403, 403, 200, 200)),
    Row("v1:week-grid", "GET", (403, 200, 200, 403, 200, 200), payload=_week_query),
    Row("v1:week-grid", "PUT", (403, 200, 200, 403, 403, 403), payload=_week_cells, audit="timesheet.entries_save"),
    Row("v1:timesheet-list", "GET", (403, 200, 200, 200, 200, 200)),
    Row(
        "v1:timesheet-detail", "GET",
        (403, 200, 200, 200, 200, 200),
        (403, 404, 404, 404, 200, 200),
        target=_open_sheet,
    ),
    Row(
        "v1:timesheet-submit", "POST",
        (403, 200, 200, 403, 403, 403),
        (403, 404, 404, 403, 403, 403),
        target=_open_sheet,
        audit="timesheet.submit",
    ),
    Row(
        "v1:timesheet-approve", "POST",
        (403, 403, 403, 200, 403, 403),
        (403, 403, 403, 404, 403, 403),
        target=_submitted_sheet,
        audit="timesheet.approve",
    ),
    Row(
        "v1:timesheet-reject", "POST",
        (403, 403, 403, 200, 403, 403),
        (403, 403, 403, 404, 403, 403),
        target=_submitted_sheet,
        payload=_const({"reason": "Tuesday was a public holiday."}),
        audit="timesheet.reject",
    ),
    Row(
        "v1:timesheet-reopen", "POST",
        (403, 200, 403, 403, 403, 403),
        (403, 404, 403, 403, 403, 403),
        target=_approved_sheet,
        payload=_const({"reason": "Two hours were booked on the wrong day."}),
        audit="timesheet.reopen",
    ),
    Row(
        "v1:timesheet-bulk-approve", "POST",
        (403, 403, 403, 200, 403, 403),
        payload=_bulk_approval,
        audit="timesheet.approve",
    ),
    Row("v1:approval-inbox-list", "GET", (403, 403, 403, 200, 403, 403)),
    Row("v1:invoice-list", "GET", (403, 403, 403, 200, 200, 200)),
    Row("v1:invoice-list", "POST", (403, 403, 403, 403, 201, 403), payload=_new_invoice, audit="invoice.create"),
    Row(
        "v1:invoice-detail", "GET",
        (403, 403, 403, 200, 200, 200),
        (403, 403, 403, 404, 200, 200),
        target=_finalised,
    ),
    Row(
        "v1:invoice-detail", "DELETE",  # the draft's hours return to approved
        (403, 403, 403, 403, 204, 403),
        (403, 403, 403, 403, 204, 403),
        target=_draft,
        audit=("invoice.delete", "timesheet.release"),
    ),
    Row(
        "v1:invoice-lines", "POST",
        (403, 403, 403, 403, 201, 403),
        (403, 403, 403, 403, 201, 403),
        target=_draft,
        payload=_const({"description": "Board pack printing", "quantity": "3.00", "unit_price": "12.50"}),
        audit="invoice.line_add",
    ),
    Row(
        "v1:invoice-line", "DELETE",  # an hours line: its timesheet returns to approved
        (403, 403, 403, 403, 200, 403),
        (403, 403, 403, 403, 200, 403),
        target=_hours_line,
        url_kwargs=_line_kwargs,
        audit=("timesheet.release", "invoice.line_remove"),
    ),
    Row(
        "v1:invoice-finalize", "POST",
        (403, 403, 403, 403, 200, 403),
        (403, 403, 403, 403, 200, 403),
        target=_draft,
        audit="invoice.finalize",
    ),
    Row(
        "v1:invoice-finalize-many", "POST",
        (403, 403, 403, 403, 200, 403),
        payload=_two_drafts,
        audit=("invoice.finalize", "invoice.finalize"),
    ),
    Row(
        "v1:invoice-credit-note", "POST",  # in full, the hours released: the note is numbered at once
        (403, 403, 403, 403, 201, 403),
        (403, 403, 403, 403, 201, 403),
        target=_finalised,
        payload=_const({"reason": "The hours were billed to the wrong client.", "release_hours": True}),
        audit=("credit_note.create", "invoice.finalize", "invoice.payment_status", "timesheet.release"),
    ),
    Row(
        "v1:invoice-payments", "GET",
        (403, 403, 403, 200, 200, 200),
        (403, 403, 403, 404, 200, 200),
        target=_finalised,
    ),
    Row(
        "v1:invoice-payments", "POST",  # a bank transfer finance records
        (403, 403, 403, 403, 201, 403),
        (403, 403, 403, 403, 201, 403),
        target=_finalised,
        payload=_const({"amount": "500.00", "date": "2026-06-12", "reference": "NL12 statement 33"}),
        audit=("payment.payment", "invoice.payment_status"),
    ),
    Row(
        "v1:invoice-settle", "POST",
        (403, 403, 403, 403, 200, 403),
        payload=_internal_statement,
        audit=("payment.payment", "invoice.payment_status"),
    ),
    Row(
        "v1:invoice-checkout", "POST",  # Stripe on (a fake): a session for what is owed
        (403, 403, 403, 200, 200, 403),
        (403, 403, 403, 404, 200, 403),
        target=_finalised,
        fixtures=("fake_stripe",),
        audit=("checkout.create", "checkout.open"),
    ),
    Row("v1:payment-list", "GET", (403, 403, 403, 200, 200, 200)),
    Row(
        "v1:payment-detail", "GET",
        (403, 403, 403, 200, 200, 200),
        (403, 403, 403, 404, 200, 200),
        target=_payment,
    ),
    Row(
        "v1:payment-reverse", "POST",
        (403, 403, 403, 403, 201, 403),
        (403, 403, 403, 403, 201, 403),
        target=_payment,
        payload=_const({"reason": "Booked on the wrong invoice."}),
        audit=("payment.reversal", "invoice.payment_status"),
    ),
    Row("v1:internal-journal-list", "GET", (403, 403, 403, 403, 200, 200), payload=_const({"month": "2026-06"})),
    Row("v1:dashboard-list", "GET", (403, 200, 403, 403, 200, 200), payload=_const({"end": "2026-06"})),
    Row(
        "v1:dashboard-table", "GET",  # a table the overview only names; a team manager may read it too
        (403, 200, 403, 403, 200, 200),
        payload=_const({"table": "pipeline"}),
    ),
    Row(
        "v1:dashboard-export", "GET",
        (403, 200, 403, 403, 200, 200),
        payload=_const({"table": "revenue_by_month", "file_format": "csv"}),
    ),
    Row(
        "v1:stripe-webhook", "POST",  # public; Stripe on: an unsigned body is refused for everyone
        (400, 400, 400, 400, 400, 400),
        fixtures=("fake_stripe",),
        payload=_const({"id": "evt_forged", "type": "checkout.session.completed"}),
        error={
            "message": "Signature refused: No Stripe-Signature header value was provided.",
            "extra": {"fields": {"Stripe-Signature": ["No Stripe-Signature header value was provided."]}},
        },
    ),
    Row(
        "v1:invoice-pdf", "GET",
        (403, 403, 403, 200, 200, 200),
        (403, 403, 403, 404, 200, 200),
        target=_finalised,
    ),
    Row("v1:invoice-run-list", "GET", (403, 403, 403, 403, 200, 200)),
    Row(
        "v1:invoice-run-list", "POST",
        (403, 403, 403, 403, 202, 403),
        payload=_new_run,
        audit="invoice_run.queue",  # a worker carries it out after the commit
    ),
    Row(
        "v1:invoice-run-detail", "GET",
        (403, 403, 403, 403, 200, 200),
        (403, 403, 403, 403, 200, 200),
        target=_run,
    ),
]
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for row in MATRIX:
        for scope in (MINE, OTHERS) if row.others is not None else (MINE,):
            for role in ROLES:
                suffix = f" {scope}" if row.others is not None else ""
                cases.append(pytest.param(row, role, scope, id=f"{row.label} {role}{suffix}"))
    return cases


# ---------------------------------------------------------------- helpers

MESSAGES = {
    "anonymous": "Authentication credentials were not provided.",
    403: "Your role does not allow this action.",
    404: "Not found.",
}


def _counts() -> dict[str, int]:
    tracked = [
        *apps.get_app_config("secondments").get_models(),
        *apps.get_app_config("billing").get_models(),
        User,
        AuditEvent,
        Token,
    ]
    return {m._meta.label: m._default_manager.count() for m in tracked}


def _state(obj: models.Model) -> dict[str, Any]:
    """The object's stored fields and many-to-many ids, read afresh."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    state = {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}
    for m2m in fresh._meta.many_to_many:
        state[m2m.name] = sorted(getattr(fresh, m2m.name).values_list("pk", flat=True))
    return state


def _call(client: Any, method: str, url: str, payload: dict[str, Any] | None) -> Any:
    if method == "GET":
        return client.get(url, payload or {})
    return getattr(client, method.lower())(url, payload, format="json")


def _url(row: Row, target: models.Model | None) -> str:
    if target is None:
        return reverse(row.name)
    return reverse(row.name, kwargs=row.url_kwargs(target) if row.url_kwargs else {"pk": target.pk})


# ---------------------------------------------------------------- tests


def test_every_api_route_has_a_matrix_row() -> None:
    found = api_routes()
    rows = [(row.name, row.method) for row in MATRIX]
    assert len(rows) == len(set(rows)), "a (route, method) has two rows"
    assert sorted(set(found) - set(rows)) == [], "routes without a row in the matrix"
    assert sorted(set(rows) - set(found)) == [], "rows for routes that no longer exist"
    for row in MATRIX:
        detail = found[(row.name, row.method)]
        assert (row.others is not None) == detail, f"{row.label}: detail routes need 'others', list routes none"
        assert (row.target is not None) == detail, f"{row.label}: detail routes need a target"
        assert len(row.mine) == len(ROLES) and (row.others is None or len(row.others) == len(ROLES))


def test_route_discovery_reads_action_maps_and_view_handlers() -> None:
    found = api_routes()
    assert found[("v1:placement-detail", "PATCH")] is True
    assert ("v1:placement-detail", "PUT") not in found  # no update(): PUT is not a route
    assert ("v1:placement-detail", "DELETE") not in found
    assert found[("v1:leave-detail", "DELETE")] is True
    assert found[("v1:auth-csrf", "GET")] is False
    assert ("v1:auth-csrf", "POST") not in found
    assert {m for (name, m) in found if name == "v1:auth-login"} == {"POST"}
    assert {m for (name, m) in found if name == "v1:audit-event-list"} == {"GET"}
    assert {m for (name, m) in found if name == "v1:week-grid"} == {"GET", "PUT"}  # an APIView's handlers
    assert found[("v1:week-grid", "PUT")] is False
    assert found[("v1:timesheet-submit", "POST")] is True
    assert found[("v1:timesheet-bulk-approve", "POST")] is False  # a list action
    assert ("v1:timesheet-detail", "PATCH") not in found  # hours change through the week grid only
    assert ("v1:timesheet-list", "POST") not in found
    assert found[("v1:invoice-finalize", "POST")] is True
    assert found[("v1:invoice-finalize-many", "POST")] is False  # invoices/finalize/: a list action
    assert found[("v1:invoice-line", "DELETE")] is True  # invoices/{pk}/lines/{line_id}/
    assert {m for (name, m) in found if name == "v1:invoice-detail"} == {"GET", "DELETE"}  # no PUT, no PATCH
    assert {m for (name, m) in found if name == "v1:invoice-run-detail"} == {"GET"}
    assert not any(name.startswith(("admin", "schema", "docs", "healthz")) for name, _ in found)
    assert found[("v1:stripe-webhook", "POST")] is False  # an APIView, public
    assert {m for (name, m) in found if name == "v1:invoice-payments"} == {"GET", "POST"}
    assert found[("v1:dashboard-table", "GET")] is False  # dashboard/table/: a list action
    assert {m for (name, m) in found if name.startswith("v1:dashboard-")} == {"GET"}
    assert len(found) == len(MATRIX) == 78


@pytest.mark.parametrize(("row", "role", "scope"), _cases())
def test_route_role_matrix(
    world: World, api: Any, row: Row, role: str, scope: str, request: pytest.FixtureRequest
) -> None:
    for name in row.fixtures:
        request.getfixturevalue(name)
    expected = (row.mine if scope == MINE else row.others or ())[ROLES.index(role)]
    target = row.target(world, scope) if row.target else None
    payload = row.payload(world, role) if row.payload else None
    counts, state = _counts(), _state(target) if target is not None else None
    last_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = _call(api(role), row.method, _url(row, target), payload)

    assert response.status_code == expected, response.content
    if expected >= 400 and row.error is not None:
        assert response.json() == row.error
    elif expected >= 400:
        message = MESSAGES["anonymous"] if role == "anonymous" else MESSAGES[expected]
        assert response.json() == {"message": message, "extra": {"fields": {}}}
    if expected == 200 and row.method == "GET" and target is not None and row.name.endswith("-detail"):
        assert response.json()["id"] == target.pk
    if expected >= 400 or row.method == "GET":
        assert _counts() == counts
        if target is not None:
            assert _state(target) == state
    else:
        new = AuditEvent.objects.filter(pk__gt=last_audit).order_by("pk")
        assert list(new.values_list("action", flat=True)) == row.audits
        actor = world.user(role) or world.manager  # anonymous only writes by logging in as the manager
        assert all(e.actor == actor for e in new)


# ---------------------------------------------------------------- list scoping


def _rate_cards(w: World, scope: str) -> set[int]:
    return set(RateCard.objects.filter(pool=_pool(w, scope)).values_list("pk", flat=True))


def _leave_ids(w: World, scope: str) -> set[int]:
    return set(Leave.objects.filter(secretary=_secretary(w, scope)).values_list("pk", flat=True))


def _sheet_ids(w: World, scope: str) -> set[int]:
    """An open and a submitted sheet of the scope's placement (two approval periods)."""
    submitted = _submitted_sheet(w, scope)  # June
    secretary = _secretary(w, scope)
    cell = Cell(placement=_placement(w, scope), date=datetime.date(2026, 5, 11), hours=Decimal("1.25"))
    [open_sheet] = week_grid_save(actor=secretary.user, secretary=secretary, cells=[cell])  # May
    return {submitted.pk, open_sheet.pk}


def _inbox_ids(w: World, scope: str) -> set[int]:
    """The submitted sheet only: the open one never reaches the inbox."""
    return set(Timesheet.objects.filter(pk__in=_sheet_ids(w, scope), status="submitted").values_list("pk", flat=True))


def _ids(pick: Callable[[World, str], models.Model]) -> Callable[[World, str], set[int]]:
    return lambda w, scope: {pick(w, scope).pk}


def _invoice_ids(w: World, scope: str) -> set[int]:
    """A finalised invoice of the scope's client and a (partial) credit note of it: both finalised,
    so the scope's approver sees both."""
    invoice = _finalised(w, scope)
    manual = invoice.lines.get(kind="manual")
    note = credit_note_create(
        invoice=invoice,
        actor=w.finance,
        reason="One course day was cancelled.",
        lines=[CreditRequest(line=manual, quantity=Decimal(1))],
    )
    return {invoice.pk, note.pk}


# Which rows a reader's list shows: those in scope ("mine") or all ("all").
LIST_SCOPES: list[tuple[str, Callable[[World, str], set[int]], dict[str, str]]] = [
    ("v1:pool-list", _ids(_pool), {"team_manager": "mine", "finance": "all", "director": "all"}),
    (
        "v1:secretary-list",
        _ids(_secretary),
        {"team_manager": "mine", "secretary": "mine", "finance": "all", "director": "all"},
    ),
    (
        "v1:client-list",
        _ids(_client),
        {"team_manager": "all", "client_approver": "mine", "finance": "all", "director": "all"},
    ),
    ("v1:rate-card-list", _rate_cards, {"team_manager": "mine", "finance": "all", "director": "all"}),
    (
        "v1:placement-list",
        _ids(_placement),
        {"team_manager": "mine", "secretary": "mine", "client_approver": "mine", "finance": "all", "director": "all"},
    ),
    ("v1:leave-list", _leave_ids, {"team_manager": "mine", "secretary": "mine", "finance": "all", "director": "all"}),
    (
        "v1:timesheet-list",
        _sheet_ids,
        {"team_manager": "mine", "secretary": "mine", "client_approver": "mine", "finance": "all", "director": "all"},
    ),
    ("v1:approval-inbox-list", _inbox_ids, {"client_approver": "mine"}),
    ("v1:invoice-list", _invoice_ids, {"client_approver": "mine", "finance": "all", "director": "all"}),
    ("v1:invoice-run-list", _ids(_run), {"finance": "all", "director": "all"}),
    ("v1:payment-list", _ids(_payment), {"client_approver": "mine", "finance": "all", "director": "all"}),
]


@pytest.mark.parametrize(
    ("name", "ids", "role", "sees"),
    [
        pytest.param(name, ids, role, sees, id=f"{name.removeprefix('v1:')} GET {role} sees {sees}")
        for name, ids, readers in LIST_SCOPES
        for role, sees in readers.items()
    ],
)
def test_list_shows_only_the_rows_in_scope(
    world: World, api: Any, name: str, ids: Callable[[World, str], set[int]], role: str, sees: str
) -> None:
    LeaveFactory(secretary=world.secretary)
    LeaveFactory(secretary=world.other_secretary)
    mine, others = ids(world, MINE), ids(world, OTHERS)
    assert mine and others and not mine & others

    response = api(role).get(reverse(name), {"page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert {row["id"] for row in body["results"]} == (mine if sees == "mine" else mine | others)
    assert body["count"] == len(body["results"])


def test_every_list_reader_has_a_scope_row() -> None:
    """The scope table covers exactly the roles the matrix lets read each scoped list."""
    rows = {(row.name, row.method): row for row in MATRIX}
    for name, _, readers in LIST_SCOPES:
        allowed = {role for role, code in zip(ROLES, rows[(name, "GET")].mine, strict=True) if code == 200}
        assert set(readers) == allowed, name


# ---------------------------------------------------------------- the week grid's secretary


def _grid_secretary(w: World, which: str) -> int | None:
    return {"none": None, "mine": w.secretary.pk, "others": w.other_secretary.pk}[which]


# (role, secretary_id given, status, the grid's secretary): the week grid is not a detail route, so
# its scope is the secretary_id a reader names; without one, a secretary gets their own grid.
GRID_SCOPES = [
    ("team_manager", "mine", 200, "mine"),
    ("team_manager", "others", 404, None),
    ("team_manager", "none", 400, None),  # a team manager has no grid of their own
    ("secretary", "none", 200, "mine"),
    ("secretary", "mine", 200, "mine"),
    ("secretary", "others", 404, None),
    ("finance", "mine", 200, "mine"),
    ("finance", "others", 200, "others"),
    ("finance", "none", 400, None),
    ("director", "others", 200, "others"),
    ("director", "none", 400, None),
]
CHOOSE_A_SECRETARY = {
    "message": "Choose a secretary.",
    "extra": {"fields": {"secretary_id": ["This field is required."]}},
}


@pytest.mark.parametrize(
    ("role", "given", "code", "grid"),
    GRID_SCOPES,
    ids=[f"{role} secretary_id={given}" for role, given, _, _ in GRID_SCOPES],
)
def test_week_grid_get_shows_the_named_secretary_in_scope(
    world: World, api: Any, role: str, given: str, code: int, grid: str | None
) -> None:
    query: dict[str, Any] = {"week": "2026-W24"}
    if (secretary_id := _grid_secretary(world, given)) is not None:
        query["secretary_id"] = secretary_id

    response = api(role).get(reverse("v1:week-grid"), query)

    assert response.status_code == code, response.content
    if code == 200:
        body = response.json()
        placement = _placement(world, grid)
        assert body["secretary_id"] == _secretary(world, grid).pk
        assert [row["placement_id"] for row in body["rows"]] == [placement.pk]
    elif code == 404:
        assert response.json() == {"message": "Not found.", "extra": {"fields": {}}}
    else:
        assert response.json() == CHOOSE_A_SECRETARY


@pytest.mark.parametrize(
    ("role", "given", "code"),
    [
        ("team_manager", "others", 404),
        ("team_manager", "none", 400),
        ("secretary", "others", 404),
    ],
)
def test_week_grid_put_for_a_secretary_out_of_scope_writes_nothing(
    world: World, api: Any, role: str, given: str, code: int
) -> None:
    """The cells name the other secretary's own placement: only the secretary scope refuses them."""
    body: dict[str, Any] = {"cells": [{"placement_id": world.other_placement.pk, "date": "2026-06-12", "hours": "2"}]}
    if (secretary_id := _grid_secretary(world, given)) is not None:
        body["secretary_id"] = secretary_id
    counts = _counts()

    response = api(role).put(reverse("v1:week-grid"), body, format="json")

    assert response.status_code == code, response.content
    expected = {"message": "Not found.", "extra": {"fields": {}}} if code == 404 else CHOOSE_A_SECRETARY
    assert response.json() == expected
    assert _counts() == counts


def test_a_secretary_without_secretary_id_saves_their_own_grid(world: World, api: Any) -> None:
    response = api("secretary").put(
        reverse("v1:week-grid"),
        {"cells": [{"placement_id": world.placement.pk, "date": "2026-06-12", "hours": "1.75"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    [sheet] = response.json()
    assert (sheet["placement_id"], sheet["status"], sheet["total_hours"]) == (world.placement.pk, "open", "1.75")
    assert sheet["entries"] == [
        {"id": sheet["entries"][0]["id"], "date": "2026-06-12", "hours": "1.75", "description": ""}
    ]


# ---------------------------------------------------------------- rates and costs


PLACEMENT_PUBLIC_KEYS = {
    "id",
    "secretary",
    "client",
    "start_date",
    "end_date",
    "hours_per_week",
    "purpose",
    "status",
    "notes",
    "created_at",
}


def test_a_secretary_never_sees_rates_or_employer_costs(world: World, api: Any) -> None:
    client = api("secretary")
    placement_url = reverse("v1:placement-detail", kwargs={"pk": world.placement.pk})
    secretary_url = reverse("v1:secretary-detail", kwargs={"pk": world.secretary.pk})

    detail = client.get(placement_url).json()
    listing = client.get(reverse("v1:placement-list")).json()["results"]
    own = client.get(secretary_url).json()
    own_in_list = client.get(reverse("v1:secretary-list")).json()["results"]

    assert set(detail) == PLACEMENT_PUBLIC_KEYS
    assert [row["id"] for row in listing] == [world.placement.pk]
    assert set(listing[0]) == PLACEMENT_PUBLIC_KEYS
    assert own["id"] == world.secretary.pk
    assert "hourly_employer_cost" not in own
    assert [row["id"] for row in own_in_list] == [world.secretary.pk]
    assert "hourly_employer_cost" not in own_in_list[0]


@pytest.mark.parametrize("role", ["team_manager", "client_approver", "finance", "director"])
def test_other_placement_readers_see_the_rates(world: World, api: Any, role: str) -> None:
    detail = api(role).get(reverse("v1:placement-detail", kwargs={"pk": world.placement.pk})).json()

    assert set(detail) == PLACEMENT_PUBLIC_KEYS | {"rates", "current_rate"}
    assert detail["current_rate"] == "55.00"
    assert detail["rates"] == [{"valid_from": "2026-01-05", "hourly_rate": "55.00", "source": "override"}]


@pytest.mark.parametrize(("role", "sees_cost"), [("team_manager", False), ("finance", True), ("director", True)])
def test_only_finance_and_directors_see_the_employer_cost(world: World, api: Any, role: str, sees_cost: bool) -> None:
    client = api(role)
    detail = client.get(reverse("v1:secretary-detail", kwargs={"pk": world.secretary.pk})).json()
    listing = client.get(reverse("v1:secretary-list")).json()["results"]

    assert ("hourly_employer_cost" in detail) is sees_cost
    assert all(("hourly_employer_cost" in row) is sees_cost for row in listing)
    if sees_cost:
        assert detail["hourly_employer_cost"] == "42.50"
