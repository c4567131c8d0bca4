"""``manage.py reconcile_stripe``: every difference between Stripe's paid sessions and the ledger."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import CheckoutSession, Invoice, Payment, PaymentKind, PaymentMethod, Receivable
from billing.services.checkout import checkout_session_live
from billing.services.payments import payment_add
from tests.billing.conftest import finalised
from tests.billing.stripe_fakes import FakeStripe, session_object
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _reconcile(*args: str) -> str:
    out = StringIO()
    call_command("reconcile_stripe", *args, stdout=out)
    return out.getvalue()


def _paid_with_stripe(invoice: Invoice, fake: FakeStripe, *, record: bool = True, amount: str | None = None) -> str:
    """Open the invoice's session, have the customer pay it at Stripe and (``record``) the webhook land."""
    session = checkout_session_live(invoice_id=invoice.pk)
    paid = fake.complete(session.stripe_id)
    if record:
        receivable = Receivable.objects.select_related("invoice").get(pk=invoice.pk)
        payment_add(
            receivable=receivable,
            actor=None,
            kind=PaymentKind.PAYMENT,
            method=PaymentMethod.STRIPE,
            amount=Decimal(amount or "121.00"),
            date=datetime.date(2026, 6, 15),
            reference=paid["payment_intent"],
            external_id=paid["payment_intent"],
            checkout_id=session.pk,
        )
    return str(paid["payment_intent"])


def test_stripe_off_says_so_and_succeeds(world: World) -> None:
    assert _reconcile() == "Stripe is off (STRIPE_SECRET_KEY is not set): nothing to reconcile.\n"


def test_agreement_reports_no_difference(world: World, fake_stripe: FakeStripe) -> None:
    _paid_with_stripe(finalised(world), fake_stripe)
    _paid_with_stripe(finalised(world), fake_stripe)

    assert _reconcile("--since", "2026-06-01") == (
        "Since 2026-06-01: 2 paid sessions at Stripe, 2 Stripe payments in the ledger, 0 differences.\n"
    )
    [listing] = [r for r in fake_stripe.requests if r.method == "get"]
    assert listing.path == "/v1/checkout/sessions"
    assert listing.params["status"] == "complete"
    # Stripe is read a day further back than the window.
    assert listing.params["created[gte]"] == str(
        int(datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC).timestamp()) - 7200
    )


def test_every_kind_of_difference_is_reported_and_exits_1(world: World, fake_stripe: FakeStripe) -> None:
    lost = finalised(world)
    lost_pi = _paid_with_stripe(lost, fake_stripe, record=False)  # the webhook never came
    wrong = finalised(world)
    wrong_pi = _paid_with_stripe(wrong, fake_stripe, amount="100.00")  # recorded with another amount
    phantom = finalised(world)
    session = checkout_session_live(invoice_id=phantom.pk)  # recorded as paid, never paid at Stripe
    payment_add(
        receivable=Receivable.objects.select_related("invoice").get(pk=phantom.pk),
        actor=None,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.STRIPE,
        amount=Decimal("121.00"),
        date=datetime.date(2026, 6, 15),
        reference="pi_phantom",
        external_id="pi_phantom",
        checkout_id=session.pk,
    )
    fake_stripe.sessions["cs_foreign"] = session_object(
        id="cs_foreign",
        status="complete",
        payment_status="paid",
        amount_total=5000,
        payment_intent="pi_foreign",
        created=fake_stripe.now,
        metadata={},
    )

    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("reconcile_stripe", "--days", "30", stdout=out)

    assert refused.value.returncode == 1
    assert str(refused.value) == "4 differences between Stripe and the ledger."
    assert out.getvalue().splitlines() == [
        "Since 2026-05-16: 3 paid sessions at Stripe, 2 Stripe payments in the ledger, 4 differences.",
        "  unknown_invoice: pi_foreign session=cs_foreign invoice=- stripe=50.00 local=-",
        f"  missing_locally: {lost_pi} session=cs_test_secondo0001 invoice={lost.number} stripe=121.00 local=-",
        f"  amount_differs: {wrong_pi} session=cs_test_secondo0002 invoice={wrong.number} stripe=121.00 local=100.00",
        f"  missing_at_stripe: pi_phantom session=cs_test_secondo0003 invoice={phantom.number} stripe=- local=121.00",
    ]
    assert Payment.objects.count() == 2  # a report changes nothing
    assert CheckoutSession.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "june"], "--since: a date such as 2026-06-01, not 'june'."),
        (["--since", "2026-07-01"], "--since: a date in the future has nothing to reconcile."),
        (["--days", "0"], "--days: at least 1."),
    ],
)
def test_bad_arguments_are_refused_with_a_message(
    world: World, fake_stripe: FakeStripe, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("reconcile_stripe", *args, stdout=StringIO())
    assert str(refused.value) == message
    assert fake_stripe.requests == []


def test_a_stripe_failure_is_a_clear_error(world: World, fake_stripe: FakeStripe) -> None:
    fake_stripe.fail_next(500, times=4)
    with pytest.raises(CommandError) as failed:
        call_command("reconcile_stripe", stdout=StringIO())
    assert str(failed.value).startswith("Stripe could not be read: ")
    assert len(fake_stripe.requests) == 4  # the first try and 3 retries
