"""The model's own guard (billing/models.py): a finalised invoice and its lines refuse save() and delete(),
whoever calls them; only the PDF, its hash and the e-mail time are set, once, after finalisation."""

from decimal import Decimal

import pytest

from billing.models import FinalisedInvoiceError, Invoice, InvoiceLine
from billing.services.invoices import invoice_create, invoice_finalize, invoice_line_add
from tests.conftest import World


@pytest.fixture
def finalised(world: World) -> Invoice:
    draft = invoice_create(client=world.client, actor=world.finance)
    invoice_line_add(invoice=draft, actor=world.finance, description="Fee", quantity=Decimal(1), unit_price=Decimal(10))
    return invoice_finalize(invoice=draft, actor=world.finance)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total", Decimal("1.00")),
        ("number", "2026-00099"),
        ("notes", "changed"),
        ("status", "draft"),
        ("due_date", None),
    ],
)
def test_a_finalised_invoice_refuses_a_change(finalised: Invoice, field: str, value: object) -> None:
    invoice = Invoice.objects.get(pk=finalised.pk)
    setattr(invoice, field, value)

    with pytest.raises(FinalisedInvoiceError, match=f"Invoice 2026-00001 is finalised: {field} cannot change."):
        invoice.save()
    with pytest.raises(FinalisedInvoiceError):
        invoice.save(update_fields=[field])

    assert getattr(Invoice.objects.get(pk=finalised.pk), field) == getattr(finalised, field)


def test_a_finalised_invoice_and_its_lines_refuse_deletion(finalised: Invoice) -> None:
    line = finalised.lines.get()
    with pytest.raises(FinalisedInvoiceError, match="it cannot be deleted"):
        Invoice.objects.get(pk=finalised.pk).delete()
    with pytest.raises(FinalisedInvoiceError, match="its lines cannot change"):
        line.delete()
    line.amount = Decimal("1.00")
    with pytest.raises(FinalisedInvoiceError, match="its lines cannot change"):
        line.save()
    with pytest.raises(FinalisedInvoiceError):
        InvoiceLine(
            invoice=finalised, kind="manual", description="x", quantity=1, unit_price=1, amount=1, vat_rate=0
        ).save()
    assert InvoiceLine.objects.get(pk=line.pk).amount == Decimal("10.00")


def test_the_pdf_is_set_once(finalised: Invoice) -> None:
    invoice = Invoice.objects.get(pk=finalised.pk)
    invoice.pdf.name, invoice.pdf_sha256 = "invoices/2026/2026-00001.pdf", "a" * 64
    invoice.save(update_fields=["pdf", "pdf_sha256"])

    invoice.pdf_sha256 = "b" * 64
    with pytest.raises(FinalisedInvoiceError, match="pdf_sha256 cannot change"):
        invoice.save(update_fields=["pdf_sha256"])
    assert Invoice.objects.get(pk=finalised.pk).pdf_sha256 == "a" * 64


def test_a_draft_changes_freely(world: World) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    draft.notes = "Changed"
    draft.save()
    assert Invoice.objects.get(pk=draft.pk).notes == "Changed"
    draft.delete()
    assert not Invoice.objects.exists()
