"""Properties of the invoice arithmetic (billing/calc.py), and of the services that use it:
total = the line amounts + the VAT per rate; a full credit note is exactly minus the invoice; x.xx5 rounds up."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.core.money import money_round
from billing.calc import line_amount, totals_of
from billing.services.invoices import credit_note_create, invoice_create, invoice_finalize, invoice_line_add
from tests.conftest import World

cents = st.integers(min_value=1, max_value=10**8 - 1).map(lambda n: Decimal(n).scaleb(-2))
signed_cents = st.integers(min_value=-(10**8), max_value=10**8).filter(bool).map(lambda n: Decimal(n).scaleb(-2))
quantities = st.integers(min_value=1, max_value=10**6).map(lambda n: Decimal(n).scaleb(-2))
rates = st.sampled_from([Decimal("21.00"), Decimal("9.00"), Decimal("0.00")])
lines = st.lists(st.tuples(quantities, signed_cents, rates), min_size=1, max_size=30)


@given(lines)
def test_the_total_is_the_line_amounts_plus_the_vat_per_rate(drawn: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    amounts = [(line_amount(quantity=q, unit_price=p), r) for q, p, r in drawn]

    totals = totals_of(amounts)

    assert totals.net == sum(a for a, _ in amounts)
    per_rate = {r: sum(a for a, rr in amounts if rr == r) for _, r in amounts}
    expected_vat = {r: (net * r / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for r, net in per_rate.items()}
    assert {g.rate: g.vat for g in totals.groups} == expected_vat
    assert totals.vat == sum(expected_vat.values())
    assert totals.total == totals.net + totals.vat
    assert all(v == v.quantize(Decimal("0.01")) for v in (totals.net, totals.vat, totals.total))


@given(lines)
def test_negating_every_line_negates_every_total(drawn: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    invoice = totals_of([(line_amount(quantity=q, unit_price=p), r) for q, p, r in drawn])
    credit = totals_of([(-line_amount(quantity=q, unit_price=p), r) for q, p, r in drawn])

    assert (credit.net, credit.vat, credit.total) == (-invoice.net, -invoice.vat, -invoice.total)
    assert [(g.rate, g.net, g.vat) for g in credit.groups] == [(g.rate, -g.net, -g.vat) for g in invoice.groups]


@given(st.integers(min_value=0, max_value=10**9))
def test_x_xx5_rounds_up(thousandths_over_five: int) -> None:
    value = Decimal(thousandths_over_five * 10 + 5).scaleb(-3)  # ...x.xx5

    assert money_round(value) == value + Decimal("0.005")
    assert money_round(-value) == -value - Decimal("0.005")


def test_the_tax_office_example() -> None:
    assert money_round(Decimal("20.125")) == Decimal("20.13")
    assert line_amount(quantity=Decimal("2.5"), unit_price=Decimal("40.05")) == Decimal("100.13")
    assert totals_of([(Decimal("0.50"), Decimal("21.00"))]).vat == Decimal("0.11")  # 0.105 -> 0.11


class Rollback(Exception):
    """Undo one hypothesis example's writes."""


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(quantities, cents, rates), min_size=1, max_size=8))
def test_a_finalised_invoice_and_its_full_credit_note_through_the_services(
    world: World, drawn: list[tuple[Decimal, Decimal, Decimal]]
) -> None:
    def check() -> None:
        draft = invoice_create(client=world.client, actor=world.finance)
        for q, p, r in drawn:
            invoice_line_add(invoice=draft, actor=world.finance, description="x", quantity=q, unit_price=p, vat_rate=r)
        invoice = invoice_finalize(invoice=draft, actor=world.finance, email=False)
        stored: Any = type(invoice).objects.get(pk=invoice.pk)
        amounts = [line_amount(quantity=q, unit_price=p) for q, p, _ in drawn]
        vat = sum(
            money_round(sum(a for a, (_, _, rr) in zip(amounts, drawn, strict=True) if rr == r) * r / 100)
            for r in {r for *_, r in drawn}
        )
        assert stored.net_total == sum(amounts)
        assert stored.total == sum(amounts) + vat

        note = credit_note_create(invoice=invoice, actor=world.finance, reason="Undo", email=False)

        assert (note.net_total, note.vat_total, note.total) == (-stored.net_total, -stored.vat_total, -stored.total)
        assert note.vat_breakdown == [
            {"rate": g["rate"], "net": str(-Decimal(g["net"])), "vat": str(-Decimal(g["vat"]))}
            for g in stored.vat_breakdown
        ]

    with pytest.raises(Rollback), transaction.atomic():
        check()
        raise Rollback
