"""The payments API end to end: bank transfers and refunds finance records, internal settlements,
reversals, the ledger lists, the ``payment`` block of an invoice, and the internal journal CSV.

Invoices are finalised through the services (``finalised``: 121.00 for the world's tenant, due
2026-07-15; an IR- statement of 100.00 for an internal client); everything after that goes through the API.
The clock is pinned to Monday 2026-06-15 10:00 in Amsterdam.
"""

import datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from rest_framework.test import APIClient

from backend.core.models import AuditEvent
from billing.models import Invoice, Payment, PaymentMethod, Receivable
from billing.services.checkout import pay_token
from billing.services.invoices import credit_note_create, invoice_create
from billing.services.payments import (
    internal_statements_settle,
    payment_add,
    payment_record,
    receivable_lock,
    refund_record,
)
from secondments.models import Client
from tests.billing.conftest import finalised, issued_on
from tests.billing.stripe_fakes import FakeStripe
from tests.conftest import World
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)
INVOICES = "/api/v1/invoices/"
PAYMENTS = "/api/v1/payments/"
SETTLE = "/api/v1/invoices/settle/"
JOURNAL = "/api/v1/internal-journal/"
NOT_FOUND = {"message": "Not found.", "extra": {"fields": {}}}
FORBIDDEN = {"message": "Your role does not allow this action.", "extra": {"fields": {}}}
RECORDED_AT = "2026-06-15T10:00:00+02:00"


def _payments(invoice: Invoice) -> str:
    return f"{INVOICES}{invoice.pk}/payments/"


def _post(client: APIClient, path: str, body: Any = None) -> Any:
    return client.post(path, body, format="json")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _refused(response: Any, status: int, body: dict[str, Any]) -> None:
    assert (response.status_code, response.json()) == (status, body)


def _invalid(fields: dict[str, list[str]], message: str = "Validation failed.") -> dict[str, Any]:
    return {"message": message, "extra": {"fields": fields}}


def state() -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    return {
        "payments": list(Payment.objects.order_by("pk").values()),
        "receivables": list(Receivable.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def department(cost_centre: str, name: str) -> Client:
    return cast(Client, ClientFactory(internal=True, cost_centre=cost_centre, legal_name=name))


def row_json(
    row: Payment,
    invoice: Invoice,
    *,
    kind: str = "payment",
    method: str = "bank_transfer",
    amount: str,
    date: str = "2026-06-15",
    reference: str = "",
    note: str = "",
    reverses_id: int | None = None,
    recorded_by: str | None = "finance@example.org",
) -> dict[str, Any]:
    return {
        "id": row.pk,
        "invoice": {"id": invoice.pk, "number": invoice.number},
        "kind": kind,
        "method": method,
        "amount": amount,
        "date": date,
        "reference": reference,
        "note": note,
        "reverses_id": reverses_id,
        "recorded_by": recorded_by,
        "recorded_at": RECORDED_AT,
    }


def payment_block(
    status: str = "open",
    amount_due: str = "121.00",
    amount_paid: str = "0.00",
    outstanding: str = "121.00",
    *,
    overpaid: bool = False,
    paid_on: str | None = None,
    due_date: str = "2026-07-15",
) -> dict[str, Any]:
    return {
        "status": status,
        "amount_due": amount_due,
        "amount_paid": amount_paid,
        "outstanding": outstanding,
        "overpaid": overpaid,
        "due_date": due_date,
        "paid_on": paid_on,
        "overdue_since": None,
        "reminders_sent": 0,
        "last_reminder_on": None,
    }


def stripe_row(invoice: Invoice) -> Payment:
    """A Stripe payment as the webhook handler writes it."""
    return payment_add(
        receivable=receivable_lock(invoice=invoice),
        actor=None,
        kind="payment",
        method=PaymentMethod.STRIPE,
        amount=Decimal("21.00"),
        date=TODAY,
        reference="pi_1",
        external_id="pi_1",
    )


# ---------------------------------------------------------------------------- recording a bank transfer


def test_finance_records_a_bank_transfer_and_the_invoice_shows_it(world: World, api: Any) -> None:
    invoice = finalised(world)
    finance = api("finance")

    body = _ok(
        _post(
            finance,
            _payments(invoice),
            {"kind": "payment", "amount": "50.00", "date": "2026-06-12", "reference": "NL12 stmt 7", "note": "Half."},
        ),
        201,
    )

    row = Payment.objects.get()
    assert body == row_json(row, invoice, amount="50.00", date="2026-06-12", reference="NL12 stmt 7", note="Half.")
    shown = _ok(finance.get(f"{INVOICES}{invoice.pk}/"))
    assert shown["payment"] == payment_block("partially_paid", amount_paid="50.00", outstanding="71.00")
    assert shown["pay_url"] is None  # Stripe is off
    assert list(AuditEvent.objects.filter(pk__gt=0).order_by("-pk").values_list("action", flat=True)[:2]) == [
        "invoice.payment_status",
        "payment.payment",
    ]


def test_kind_defaults_to_payment_and_a_refund_is_stored_negative(world: World, api: Any) -> None:
    invoice = finalised(world)
    finance = api("finance")

    _ok(_post(finance, _payments(invoice), {"amount": "150.00", "date": "2026-06-15"}), 201)
    overpaid = _ok(finance.get(f"{INVOICES}{invoice.pk}/"))["payment"]
    refund = _ok(
        _post(
            finance, _payments(invoice), {"kind": "refund", "amount": "29.00", "date": "2026-06-15", "reference": "r"}
        ),
        201,
    )

    assert overpaid == payment_block(
        "paid", amount_paid="150.00", outstanding="0.00", overpaid=True, paid_on="2026-06-15"
    )
    assert refund == row_json(
        Payment.objects.get(kind="refund"), invoice, kind="refund", amount="-29.00", reference="r"
    )
    assert _ok(finance.get(f"{INVOICES}{invoice.pk}/"))["payment"] == payment_block(
        "paid", amount_paid="121.00", outstanding="0.00", paid_on="2026-06-15"
    )


def test_the_invoices_payments_oldest_first_for_finance_director_and_its_approver(world: World, api: Any) -> None:
    invoice = finalised(world)
    later = payment_record(invoice=invoice, actor=world.finance, amount=Decimal("20.00"), date=TODAY, reference="b")
    earlier = payment_record(
        invoice=invoice, actor=world.finance, amount=Decimal("10.00"), date=D(2026, 6, 1), reference="a"
    )
    other = finalised(world, client=world.other_client)
    payment_record(invoice=other, actor=world.finance, amount=Decimal("5.00"), date=TODAY, reference="")
    expected = [
        row_json(earlier, invoice, amount="10.00", date="2026-06-01", reference="a"),
        row_json(later, invoice, amount="20.00", reference="b"),
    ]

    for role in ("finance", "director", "client_approver"):
        assert _ok(api(role).get(_payments(invoice))) == expected, role
    _refused(api("client_approver").get(_payments(other)), 404, NOT_FOUND)
    for role in ("secretary", "team_manager", "anonymous"):
        response = api(role).get(_payments(invoice))
        assert response.status_code == 403, role


def test_only_finance_records_payments(world: World, api: Any) -> None:
    invoice = finalised(world)
    before = state()

    for role in ("director", "client_approver", "secretary", "team_manager"):
        response = _post(api(role), _payments(invoice), {"amount": "10.00", "date": "2026-06-15"})
        _refused(response, 403, FORBIDDEN)

    assert state() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"amount": "10.00", "date": "2026-06-15", "bank": "ING"}, {"bank": ["Unknown field."]}),
        ({"date": "2026-06-15"}, {"amount": ["This field is required."]}),
        (
            {"amount": "10.00", "date": "15-06-2026"},
            {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"amount": "10.00", "date": "2026-02-30"},
            {"date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        (
            {"amount": "1.001", "date": "2026-06-15"},
            {"amount": ["Ensure that there are no more than 2 decimal places."]},
        ),
        ({"amount": "0.00", "date": "2026-06-15"}, {"amount": ["Ensure this value is greater than or equal to 0.01."]}),
        ({"amount": "-5", "date": "2026-06-15"}, {"amount": ["Ensure this value is greater than or equal to 0.01."]}),
        ({"amount": "ten", "date": "2026-06-15"}, {"amount": ["A valid number is required."]}),
        ({"kind": "gift", "amount": "10.00", "date": "2026-06-15"}, {"kind": ['"gift" is not a valid choice.']}),
        (
            {"kind": "reversal", "amount": "10.00", "date": "2026-06-15"},
            {"kind": ['"reversal" is not a valid choice.']},
        ),
        ({"amount": "10.00", "date": "2026-06-16"}, {"date": ["A payment cannot be dated in the future."]}),
        (
            {"kind": "refund", "amount": "10.01", "date": "2026-06-15"},
            {"amount": ["At most 10.00: what was paid for this invoice."]},
        ),
    ],
)
def test_bad_input_is_refused_with_field_messages(
    world: World, api: Any, body: dict[str, Any], fields: dict[str, list[str]]
) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=Decimal("10.00"), date=TODAY, reference="")
    before = state()

    _refused(_post(api("finance"), _payments(invoice), body), 400, _invalid(fields))

    assert state() == before


def test_a_statement_credit_note_or_draft_takes_no_payment(world: World, api: Any) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    invoice = finalised(world)
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong client.", email=False)
    draft = invoice_create(client=world.client, actor=world.finance)
    finance = api("finance")
    before = state()

    _refused(
        _post(finance, _payments(statement), {"amount": "100.00", "date": "2026-06-15"}),
        400,
        _invalid({"invoice": ["Is internal."]}, "An internal recharge statement is settled, not paid: use settle."),
    )
    for target in (note, draft):
        _refused(
            _post(finance, _payments(target), {"amount": "1.00", "date": "2026-06-15"}),
            400,
            _invalid(
                {"invoice": ["Has no amount receivable."]},
                "Only a finalised invoice or internal statement takes payments (not a draft, not a credit note).",
            ),
        )
    _refused(_post(finance, f"{INVOICES}999999/payments/", {"amount": "1.00", "date": "2026-06-15"}), 404, NOT_FOUND)

    assert state() == before


# ---------------------------------------------------------------------------- the invoice's payment block


def test_the_payment_block_is_null_for_drafts_and_credit_notes(world: World, api: Any) -> None:
    invoice = finalised(world)
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Wrong client.", email=False)
    draft = invoice_create(client=world.client, actor=world.finance)
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    finance = api("finance")

    shown = {i.pk: _ok(finance.get(f"{INVOICES}{i.pk}/")) for i in (invoice, note, draft, statement)}

    assert (shown[note.pk]["payment"], shown[note.pk]["pay_url"]) == (None, None)
    assert (shown[draft.pk]["payment"], shown[draft.pk]["pay_url"]) == (None, None)
    assert shown[invoice.pk]["payment"] == payment_block(
        "paid", amount_due="0.00", outstanding="0.00", paid_on="2026-06-15"
    )
    assert shown[statement.pk]["payment"] == payment_block(amount_due="100.00", outstanding="100.00")


def test_the_pay_url_while_something_is_owed_with_stripe_on(world: World, api: Any, fake_stripe: FakeStripe) -> None:
    invoice = finalised(world)
    paid = finalised(world)
    payment_record(invoice=paid, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))

    shown = {i.pk: _ok(api("client_approver").get(f"{INVOICES}{i.pk}/")) for i in (invoice, paid)}

    assert shown[invoice.pk]["pay_url"] == f"http://127.0.0.1:8000/pay/{invoice.pk}/{pay_token(invoice_id=invoice.pk)}/"
    assert shown[paid.pk]["pay_url"] is None
    assert _ok(api("finance").get(f"{INVOICES}{statement.pk}/"))["pay_url"] is None
    assert fake_stripe.requests == []


def test_the_invoice_list_filters_on_payment_status_and_overpaid(world: World, api: Any) -> None:
    open_ = finalised(world)
    partly = finalised(world)
    payment_record(invoice=partly, actor=world.finance, amount=Decimal("1.00"), date=TODAY, reference="")
    paid = finalised(world)
    payment_record(invoice=paid, actor=world.finance, amount=Decimal("121.00"), date=TODAY, reference="")
    over = finalised(world)
    payment_record(invoice=over, actor=world.finance, amount=Decimal("121.01"), date=TODAY, reference="")
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    invoice_create(client=world.client, actor=world.finance)
    finance = api("finance")

    def ids(query: dict[str, str]) -> set[int]:
        return {i["id"] for i in _ok(finance.get(INVOICES, query))["results"]}

    assert ids({"payment_status": "open"}) == {open_.pk, statement.pk}
    assert ids({"payment_status": "partially_paid"}) == {partly.pk}
    assert ids({"payment_status": "paid"}) == {paid.pk, over.pk}
    assert ids({"payment_status": "overdue"}) == set()
    assert ids({"overpaid": "true"}) == {over.pk}
    assert ids({"overpaid": "false"}) == {open_.pk, partly.pk, paid.pk, statement.pk}
    assert ids({"payment_status": "paid", "overpaid": "false"}) == {paid.pk}
    _refused(
        finance.get(INVOICES, {"payment_status": "settled"}),
        400,
        _invalid({"payment_status": ["Select a valid choice. settled is not one of the available choices."]}),
    )


# ---------------------------------------------------------------------------- settling internal statements


def test_finance_settles_internal_statements(world: World, api: Any) -> None:
    with issued_on(D(2026, 6, 1)):
        facilitair = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
        hr = finalised(world, client=department("CC-200", "Afdeling HR"), amount="250.00")

    body = _ok(_post(api("finance"), SETTLE, {"invoice_ids": [hr.pk, facilitair.pk], "date": "2026-06-10"}))

    first, second = Payment.objects.order_by("pk")
    assert body == [
        row_json(
            first, facilitair, method="internal", amount="100.00", date="2026-06-10", reference="IR-2026-00001 CC-100"
        ),
        row_json(second, hr, method="internal", amount="250.00", date="2026-06-10", reference="IR-2026-00002 CC-200"),
    ]
    assert _ok(api("director").get(f"{INVOICES}{hr.pk}/"))["payment"] == payment_block(
        "paid",
        amount_due="250.00",
        amount_paid="250.00",
        outstanding="0.00",
        paid_on="2026-06-15",
        due_date="2026-07-01",  # issued 06-01, 30 days to pay
    )


def test_settling_is_all_or_none_with_a_message_per_statement(world: World, api: Any) -> None:
    settled = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    internal_statements_settle(invoices=[settled], actor=world.finance, date=TODAY)
    good = finalised(world, client=department("CC-200", "Afdeling HR"))
    tenant = finalised(world)
    before = state()

    response = _post(api("finance"), SETTLE, {"invoice_ids": [good.pk, tenant.pk, settled.pk], "date": "2026-06-15"})

    problems = ["IR-2026-00001 is settled already.", "2026-00001 is not an internal recharge statement."]
    _refused(response, 400, _invalid({"invoice_ids": problems}, "Nothing was settled: " + " ".join(problems)))
    assert state() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"invoice_ids": [], "date": "2026-06-15"}, {"invoice_ids": ["This list may not be empty."]}),
        (
            {"invoice_ids": [999999], "date": "2026-06-15"},
            {"invoice_ids": ['Invalid pk "999999" - object does not exist.']},
        ),
        ({"invoice_ids": "{pk}"}, {"date": ["This field is required."]}),
        ({"invoice_ids": "{pk}", "date": "2026-06-16"}, {"date": ["A settlement cannot be dated in the future."]}),
        ({"invoice_ids": "{pk}", "date": "2026-06-15", "amount": "1"}, {"amount": ["Unknown field."]}),
    ],
)
def test_settle_bad_input(world: World, api: Any, body: dict[str, Any], fields: dict[str, list[str]]) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    if body["invoice_ids"] == "{pk}":
        body = {**body, "invoice_ids": [statement.pk]}
    before = state()

    _refused(_post(api("finance"), SETTLE, body), 400, _invalid(fields))

    assert state() == before


def test_only_finance_settles(world: World, api: Any) -> None:
    statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    before = state()

    for role in ("director", "client_approver", "secretary", "team_manager"):
        _refused(_post(api(role), SETTLE, {"invoice_ids": [statement.pk], "date": "2026-06-15"}), 403, FORBIDDEN)

    assert state() == before


# ---------------------------------------------------------------------------- the ledger


@pytest.fixture
def ledger(world: World) -> dict[str, Any]:
    """Acme's invoice: a bank transfer (06-01) and a refund (06-15); Globex's: a transfer (06-10); an internal
    statement settled (06-05)."""
    acme = finalised(world)
    globex = finalised(world, client=world.other_client)
    with issued_on(D(2026, 6, 1)):
        statement = finalised(world, client=department("CC-100", "Afdeling Facilitair"))
    paid = payment_record(invoice=acme, actor=world.finance, amount=Decimal("121.00"), date=D(2026, 6, 1), reference="")
    refund = refund_record(invoice=acme, actor=world.finance, amount=Decimal("21.00"), date=TODAY, reference="")
    other = payment_record(
        invoice=globex, actor=world.finance, amount=Decimal("5.00"), date=D(2026, 6, 10), reference=""
    )
    [settled] = internal_statements_settle(invoices=[statement], actor=world.finance, date=D(2026, 6, 5))
    return {
        "acme": acme,
        "globex": globex,
        "statement": statement,
        "paid": paid,
        "refund": refund,
        "other": other,
        "settled": settled,
    }


def test_the_ledger_list_and_its_filters(world: World, api: Any, ledger: dict[str, Any]) -> None:
    finance = api("finance")
    paid, refund, other, settled = (ledger[k].pk for k in ("paid", "refund", "other", "settled"))

    def ids(query: dict[str, Any] | None = None, role: str = "finance") -> list[int]:
        return [p["id"] for p in _ok(api(role).get(PAYMENTS, query or {}))["results"]]

    body = _ok(finance.get(PAYMENTS))
    assert body["count"] == 4
    assert body["results"][0] == row_json(ledger["refund"], ledger["acme"], kind="refund", amount="-21.00")
    assert ids() == [refund, other, settled, paid]  # newest first
    assert ids(role="director") == [refund, other, settled, paid]
    assert ids(role="client_approver") == [refund, paid]
    assert ids({"invoice": ledger["acme"].pk}) == [refund, paid]
    assert ids({"client": world.other_client.pk}) == [other]
    assert ids({"kind": "refund"}) == [refund]
    assert ids({"method": "internal"}) == [settled]
    assert ids({"method": "bank_transfer", "kind": "payment"}) == [other, paid]
    assert ids({"date_from": "2026-06-05", "date_to": "2026-06-10"}) == [other, settled]
    assert ids({"ordering": "amount"}) == [refund, other, settled, paid]
    assert ids({"client": world.other_client.pk}, role="client_approver") == []
    _refused(
        finance.get(PAYMENTS, {"kind": "gift"}),
        400,
        _invalid({"kind": ["Select a valid choice. gift is not one of the available choices."]}),
    )
    for role in ("secretary", "team_manager"):
        _refused(api(role).get(PAYMENTS), 403, FORBIDDEN)


def test_a_ledger_row(world: World, api: Any, ledger: dict[str, Any]) -> None:
    settled = ledger["settled"]
    expected = row_json(
        settled,
        ledger["statement"],
        method="internal",
        amount="100.00",
        date="2026-06-05",
        reference="IR-2026-00001 CC-100",
    )

    assert _ok(api("director").get(f"{PAYMENTS}{settled.pk}/")) == expected
    assert _ok(api("client_approver").get(f"{PAYMENTS}{ledger['paid'].pk}/"))["id"] == ledger["paid"].pk
    _refused(api("client_approver").get(f"{PAYMENTS}{ledger['other'].pk}/"), 404, NOT_FOUND)
    _refused(api("client_approver").get(f"{PAYMENTS}{settled.pk}/"), 404, NOT_FOUND)
    _refused(api("secretary").get(f"{PAYMENTS}{settled.pk}/"), 403, FORBIDDEN)


# ---------------------------------------------------------------------------- reversals


def test_finance_reverses_a_mistaken_row(world: World, api: Any, ledger: dict[str, Any]) -> None:
    paid = ledger["paid"]

    body = _ok(_post(api("finance"), f"{PAYMENTS}{paid.pk}/reverse/", {"reason": "Wrong invoice."}), 201)

    reversal = Payment.objects.get(reverses=paid)
    assert body == row_json(
        reversal, ledger["acme"], kind="reversal", amount="-121.00", note="Wrong invoice.", reverses_id=paid.pk
    )
    assert _ok(api("finance").get(f"{INVOICES}{ledger['acme'].pk}/"))["payment"] == payment_block(
        "open", amount_paid="-21.00", outstanding="142.00"
    )


def test_reversal_refusals_change_nothing(world: World, api: Any, ledger: dict[str, Any]) -> None:
    finance = api("finance")
    by_stripe = stripe_row(ledger["globex"])
    _ok(_post(finance, f"{PAYMENTS}{ledger['other'].pk}/reverse/", {"reason": "Wrong."}), 201)
    reversal = Payment.objects.get(reverses=ledger["other"])
    before = state()

    cases: list[tuple[Payment, dict[str, Any], dict[str, Any]]] = [
        (ledger["paid"], {}, _invalid({"reason": ["This field is required."]})),
        (ledger["paid"], {"reason": "  "}, _invalid({"reason": ["This field may not be blank."]})),
        (ledger["paid"], {"reason": "x", "amount": "1"}, _invalid({"amount": ["Unknown field."]})),
        (
            by_stripe,
            {"reason": "x"},
            _invalid({}, "Stripe's payments and refunds follow Stripe; refund in Stripe instead."),
        ),
        (reversal, {"reason": "x"}, _invalid({}, "A reversal is not reversed; record the entry anew instead.")),
        (ledger["other"], {"reason": "x"}, _invalid({}, "This entry is reversed already.")),
    ]
    assert _ok(finance.get(f"{PAYMENTS}{by_stripe.pk}/")) == row_json(
        by_stripe, ledger["globex"], method="stripe", amount="21.00", reference="pi_1", recorded_by=None
    )
    for row, body, error in cases:
        _refused(_post(finance, f"{PAYMENTS}{row.pk}/reverse/", body), 400, error)
    for role in ("director", "client_approver", "secretary", "team_manager"):
        _refused(_post(api(role), f"{PAYMENTS}{ledger['paid'].pk}/reverse/", {"reason": "x"}), 403, FORBIDDEN)
    _refused(_post(finance, f"{PAYMENTS}999999/reverse/", {"reason": "x"}), 404, NOT_FOUND)

    assert state() == before


# ---------------------------------------------------------------------------- the internal journal


def test_the_internal_journal_csv(world: World, api: Any) -> None:
    facilitair = department("CC-100", "Afdeling Facilitair")
    hr = department("CC-200", "Afdeling HR")
    with issued_on(D(2026, 5, 28)):
        a = finalised(world, client=facilitair)
        b = finalised(world, client=hr, amount="80.00")
        c = finalised(world, client=facilitair, amount="40.00")
    internal_statements_settle(invoices=[a, b], actor=world.finance, date=D(2026, 6, 3))
    internal_statements_settle(invoices=[c], actor=world.finance, date=D(2026, 5, 29))

    for role in ("finance", "director"):
        response = api(role).get(JOURNAL, {"month": "2026-06"})

        assert response.status_code == 200, role
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="internal-journal-2026-06.csv"'
        assert response.content.decode() == (
            "month,cost_centre,client,statement_count,statements,amount\r\n"
            "2026-06,CC-100,Afdeling Facilitair,1,IR-2026-00001,100.00\r\n"
            "2026-06,CC-200,Afdeling HR,1,IR-2026-00002,80.00\r\n"
        )
    may = api("finance").get(JOURNAL, {"month": "2026-05"})
    assert may["Content-Disposition"] == 'attachment; filename="internal-journal-2026-05.csv"'
    assert may.content.decode().splitlines()[1:] == ["2026-05,CC-100,Afdeling Facilitair,1,IR-2026-00003,40.00"]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            {"month": "2026-13"},
            _invalid(
                {"month": ["'2026-13' is not a month such as 2026-10."]}, "'2026-13' is not a month such as 2026-10."
            ),
        ),
        ({"month": "june"}, _invalid({"month": ["A month such as 2026-10."]})),
        ({"month": "2026-6"}, _invalid({"month": ["A month such as 2026-10."]})),
        ({}, _invalid({"month": ["This field is required."]})),
        ({"month": "2026-06", "cost_centre": "CC-100"}, _invalid({"cost_centre": ["Unknown field."]})),
    ],
)
def test_the_journal_refuses_a_bad_month(api: Any, query: dict[str, str], error: dict[str, Any]) -> None:
    _refused(api("finance").get(JOURNAL, query), 400, error)


def test_only_finance_and_directors_read_the_journal(api: Any) -> None:
    for role in ("client_approver", "secretary", "team_manager", "anonymous"):
        response = api(role).get(JOURNAL, {"month": "2026-06"})
        assert response.status_code == 403, role
