"""Schemathesis against ``/api/schema/`` (backend/core/schema.py): every API operation, as each of the
six roles, on the demo data. No answer may be a server error, and every answer must be one the
schema documents: its status code, its content type and its body.

The demo (``seed_demo``) is loaded once for the module, with the clock pinned as in tests/conftest.py,
inside a transaction that is rolled back afterwards; each (operation, role) test runs in a savepoint
of its own, so the writes one test makes (they are allowed) are gone before the next. Path
parameters name real objects of the demo (``id`` and ``line_id``), so detail routes reach their
objects instead of answering 404 every time. Examples are generated deterministically
(``derandomize``), positive and negative ones, a few per test. Stripe is on, answered by the fake of
tests/billing/stripe_fakes.py; half of the webhook's examples are signed with the webhook secret, so the
event handling is fuzzed too, not only the signature check.
"""

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, models, transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.accounts.models import User
from backend.accounts.roles import Role
from billing.models import Invoice, InvoiceLine, InvoiceRun, Payment
from secondments.demo import demo_user
from secondments.models import Client, Leave, Placement, Pool, RateCard, Secretary, Timesheet
from tests.billing.stripe_fakes import FakeStripe, signed
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

PINNED = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)  # as tests/conftest.py pins it
MAX_EXAMPLES = 3
# The downloads (PDF, CSV, XLSX) are checked like the rest: their status and content type against the
# schema; schemathesis validates a body against a JSON schema only where the response is JSON.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

APPLICATION = WSGIHandler()
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", APPLICATION)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]

# The model behind each detail route's ``{id}`` (by the path's first segment after /api/v1/).
ID_MODELS: dict[str, type[models.Model]] = {
    "clients": Client,
    "invoice-runs": InvoiceRun,
    "invoices": Invoice,
    "leave": Leave,
    "payments": Payment,
    "placements": Placement,
    "pools": Pool,
    "rate-cards": RateCard,
    "secretaries": Secretary,
    "timesheets": Timesheet,
    "users": User,
}
# Per model, the field whose values pick representative objects (one of each status, kind ...).
SPREAD_BY = {Invoice: "status", Placement: "status", Timesheet: "status", Client: "kind", User: "is_active"}
IDS_PER_MODEL = 8
WEBHOOK = "/api/v1/stripe/webhook/"


@dataclass(frozen=True)
class Demo:
    tokens: dict[str, str]  # role -> token key (no entry for anonymous)
    ids: dict[str, list[int]]  # path segment -> ids of demo objects
    invoice_lines: dict[int, list[int]]  # invoice id -> its line ids


def _spread(model: type[models.Model]) -> list[int]:
    """A few ids of ``model``: the first and last of each value of its spread field, then evenly between."""
    rows = list(model._default_manager.order_by("pk").values_list("pk", SPREAD_BY.get(model, "pk")))
    picked: list[int] = []
    by_value: dict[Any, list[int]] = {}
    for pk, value in rows:
        by_value.setdefault(value, []).append(pk)
    for pks in by_value.values():
        picked.extend(dict.fromkeys([pks[0], pks[-1]]))
    step = max(1, len(rows) // IDS_PER_MODEL)
    picked.extend(pk for pk, _ in rows[::step])
    return sorted(dict.fromkeys(picked))[: IDS_PER_MODEL * 2] or [1]


def _test_transaction() -> transaction.Atomic:
    """A transaction of the test harness, marked as Django's TestCase marks its own: the application's
    transactions inside it are the ones it checks (e.g. "Stripe is never called inside a transaction")."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # type: ignore[attr-defined]
    return atomic


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo data, once for the module; rolled back afterwards (its PDFs rendered as a commit would)."""
    with django_db_blocker.unblock(), time_machine.travel(PINNED, tick=False), _test_transaction():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=StringIO())
        tokens = {}
        for role in Role:
            user = User.objects.get(email=demo_user(role).email)
            tokens[role.value] = Token.objects.get_or_create(user=user)[0].key
        ids = {segment: _spread(model) for segment, model in ID_MODELS.items()}
        invoice_lines: dict[int, list[int]] = {}
        for invoice_id, line_id in InvoiceLine.objects.filter(invoice_id__in=ids["invoices"]).values_list(
            "invoice_id", "pk"
        ):
            invoice_lines.setdefault(invoice_id, []).append(line_id)
        yield Demo(tokens=tokens, ids=ids, invoice_lines=invoice_lines)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection at the end of a request (``close_old_connections``),
    which would end the test's transaction; Django's test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _stripe_on(fake_stripe: FakeStripe) -> FakeStripe:
    return fake_stripe


def _path_parameters(operation: Any, demo: Demo) -> st.SearchStrategy[dict[str, Any]] | None:
    """Real ids for the operation's path parameters (None: it has none)."""
    names = {p.name for p in operation.path_parameters}
    if not names:
        return None
    segment = operation.path.removeprefix("/api/v1/").split("/")[0]
    ids = st.sampled_from(demo.ids[segment])
    if names == {"id"}:
        return ids.map(lambda pk: {"id": pk})
    assert names == {"id", "line_id"}, operation.label
    with_lines = sorted(demo.invoice_lines)
    return st.sampled_from(with_lines).flatmap(
        lambda pk: st.sampled_from(demo.invoice_lines[pk]).map(lambda line: {"id": pk, "line_id": line})
    )


def _cases(operation: Any, demo: Demo, headers: dict[str, str]) -> st.SearchStrategy[Any]:
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        path = _path_parameters(operation, demo)
        if path is None:
            strategies.append(operation.as_strategy(generation_mode=mode, headers=headers))
        else:
            strategies.append(
                path.flatmap(
                    lambda params, mode=mode: operation.as_strategy(
                        generation_mode=mode, headers=headers, path_parameters=params
                    )
                )
            )
    return st.one_of(strategies)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_operation_as_role_answers_as_documented(demo: Demo, operation: Any, role: str) -> None:
    headers = {"Authorization": f"Token {demo.tokens[role]}"} if role in demo.tokens else {}
    webhook = operation.path == WEBHOOK

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(case=_cases(operation, demo, headers), sign=st.booleans() if webhook else st.just(False))
    def run(case: Any, sign: bool) -> None:
        if sign and not isinstance(case.body, NotSet):  # the body as sent, signed as Stripe signs it
            case.body = json.dumps(case.body).encode()
            case.headers = {**(case.headers or {}), "Stripe-Signature": signed(case.body.decode())}
        with _test_transaction():
            case.call_and_validate(checks=CHECKS)
            transaction.set_rollback(True)

    run()


def test_every_operation_is_fuzzed_as_every_role() -> None:
    """The schema loaded and nothing in it was left out; the roles are the six of tests/conftest.py."""
    assert len(OPERATIONS) == sum(len(methods) for methods in SCHEMA.raw_schema["paths"].values())
    assert set(ROLES) == {"anonymous", *Role.values}
