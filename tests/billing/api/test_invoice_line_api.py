"""Removing a line from a draft invoice (billing/api/views.py ``InvoiceViewSet.line_remove``)."""

from decimal import Decimal
from typing import Any

import pytest

from billing.models import InvoiceLine
from billing.services.invoices import invoice_create, invoice_line_add
from tests.conftest import World
from tests.openapi import documented_responses

pytestmark = pytest.mark.django_db

LINE = "/api/v1/invoices/{id}/lines/{line_id}/"


def test_removing_a_line_answers_200_with_the_invoice_as_documented(world: World, api: Any) -> None:
    """Found by schemathesis: the view answers 200 with the invoice, the schema documented 204 (no body)."""
    draft = invoice_create(client=world.client, actor=world.finance)
    kept, removed = (
        invoice_line_add(
            invoice=draft, actor=world.finance, description=text, quantity=Decimal(1), unit_price=Decimal("10")
        )
        for text in ("Training", "Fixed fee")
    )

    response = api("finance").delete(LINE.format(id=draft.pk, line_id=removed.pk))

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], [line["id"] for line in body["lines"]]) == (draft.pk, [kept.pk])
    assert not InvoiceLine.objects.filter(pk=removed.pk).exists()
    responses = documented_responses(LINE, "delete")
    assert "204" not in responses
    assert responses["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Invoice"}
