"""The billing admin is read-only: the ledger changes only through the services."""

from typing import Any

import pytest
from django.test import Client as HttpClient

from billing.models import Payment
from billing.services.payments import payment_record
from tests.billing.conftest import finalised
from tests.conftest import TODAY, World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["payment", "receivable", "checkoutsession", "stripeevent", "invoice", "invoicerun"]


@pytest.fixture
def admin_client(world: World) -> Any:
    client = HttpClient()
    client.force_login(UserFactory(email="admin@example.org", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("model", PAGES)
def test_each_billing_list_shows_and_offers_no_add(world: World, admin_client: Any, model: str) -> None:
    invoice = finalised(world)
    payment_record(invoice=invoice, actor=world.finance, amount=invoice.total, date=TODAY, reference="Bank 1")

    listing = admin_client.get(f"/admin/billing/{model}/")
    adding = admin_client.get(f"/admin/billing/{model}/add/")

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_a_payment_cannot_be_changed_or_deleted_in_the_admin(world: World, admin_client: Any) -> None:
    invoice = finalised(world)
    payment = payment_record(invoice=invoice, actor=world.finance, amount=invoice.total, date=TODAY, reference="B1")

    changed = admin_client.post(f"/admin/billing/payment/{payment.pk}/change/", {"amount": "1.00"})
    deleted = admin_client.post(f"/admin/billing/payment/{payment.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert list(Payment.objects.values_list("amount", flat=True)) == [invoice.total]
