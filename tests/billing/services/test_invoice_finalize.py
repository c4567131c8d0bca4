"""Finalising (billing/services/invoices.py: invoices_finalize) and what follows after commit
(billing/services/delivery.py: the PDF rendered once, the e-mail sent once)."""

import datetime
import hashlib
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from billing.models import Invoice, InvoiceCounter, InvoiceStatus
from billing.services import delivery
from billing.services.invoices import invoice_create, invoice_finalize, invoice_line_add, invoices_finalize
from billing.services.runs import invoice_run_start
from secondments.models import Timesheet, VatTreatment
from tests.conftest import World
from tests.factories import ClientFactory

D = datetime.date


def manual(world: World, client: Any = None, amount: str = "100.00") -> Invoice:
    invoice = invoice_create(client=client or world.client, actor=world.finance)
    invoice_line_add(
        invoice=invoice, actor=world.finance, description="Training", quantity=Decimal(1), unit_price=Decimal(amount)
    )
    return invoice


def test_finalising_numbers_freezes_and_snapshots_the_customer(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5)
    draft = Invoice.objects.get()

    invoice = invoice_finalize(invoice=draft, actor=world.finance)

    stored = Invoice.objects.get(pk=draft.pk)
    assert (stored.status, stored.series, stored.year, stored.sequence, stored.number) == (
        InvoiceStatus.FINALISED,
        "invoice",
        2026,
        1,
        "2026-00001",
    )
    assert (stored.issue_date, stored.due_date) == (D(2026, 6, 15), D(2026, 7, 15))  # 30 days' term
    assert (stored.finalised_by, stored.total) == (world.finance, Decimal("1331.00"))
    assert stored.customer == {
        "legal_name": "Acme B.V.",
        "street": "Stationsplein 1",
        "postcode": "3511 ED",
        "city": "Utrecht",
        "country": "NL",
        "kvk_number": "12345678",
        "vat_number": "NL004495445B01",
        "cost_centre": "",
        "billing_email": world.client.billing_email,
    }
    assert invoice.number == "2026-00001"
    event = AuditEvent.objects.get(action="invoice.finalize")
    assert (event.actor, event.object_id, event.before) == (world.finance, str(draft.pk), {"status": "draft"})
    assert event.after == {
        "status": "finalised",
        "number": "2026-00001",
        "issue_date": "2026-06-15",
        "due_date": "2026-07-15",
        "net_total": "1100.00",
        "vat_total": "231.00",
        "total": "1331.00",
        "vat_breakdown": [{"rate": "21.00", "net": "1100.00", "vat": "231.00"}],
    }


def test_each_series_numbers_on_its_own(world: World) -> None:
    department = ClientFactory(internal=True)
    invoices_finalize(invoices=[manual(world), manual(world), manual(world, department)], actor=world.finance)
    invoice = manual(world)
    invoice_finalize(invoice=invoice, actor=world.finance)

    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "2026-00001",
        "2026-00002",
        "2026-00003",
        "IR-2026-00001",
    ]
    assert set(InvoiceCounter.objects.values_list("series", "year", "last_number")) == {
        ("invoice", 2026, 3),
        ("internal", 2026, 1),
    }


def test_a_new_year_starts_at_one(world: World, time_machine: Any) -> None:
    invoice_finalize(invoice=manual(world), actor=world.finance)
    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC))

    invoice_finalize(invoice=manual(world), actor=world.finance)

    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["2026-00001", "2027-00001"]


def test_a_rolled_back_finalisation_uses_no_number(world: World) -> None:
    draft = manual(world)
    with (
        mock.patch("billing.services.invoices.AuditEvent.objects.bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        invoice_finalize(invoice=draft, actor=world.finance)

    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.DRAFT
    assert list(InvoiceCounter.objects.values_list("last_number", flat=True)) in ([], [0])
    assert invoice_finalize(invoice=draft, actor=world.finance).number == "2026-00001"


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda w: invoice_create(client=w.client, actor=w.finance), "has no lines."),
        (lambda w: manual(w, amount="-5.00"), "totals -6.05: a negative amount is a credit note."),
    ],
    ids=["empty", "negative"],
)
def test_an_empty_or_negative_draft_is_refused_with_the_rest(world: World, make: Any, problem: str) -> None:
    good, bad = manual(world), make(world)
    events = AuditEvent.objects.count()

    with pytest.raises(ApplicationError) as refused:
        invoices_finalize(invoices=[good, bad], actor=world.finance)

    message = f"Invoice draft {bad.pk} {problem}"
    assert (refused.value.message, refused.value.fields) == (
        f"Nothing was finalised: {message}",
        {"invoice_ids": [message]},
    )
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.DRAFT}
    assert (InvoiceCounter.objects.count(), AuditEvent.objects.count()) == (0, events)


def test_a_draft_whose_client_changed_vat_treatment_is_refused(world: World) -> None:
    draft = manual(world)
    world.client.vat_treatment = VatTreatment.REVERSE_CHARGE
    world.client.save()

    with pytest.raises(ApplicationError) as refused:
        invoice_finalize(invoice=draft, actor=world.finance)

    assert refused.value.fields == {
        "invoice_ids": [
            f"Invoice draft {draft.pk} was drafted for Standard 21 % VAT, but the client is now "
            "Reverse charge (EU business): delete the draft and run again."
        ]
    }
    assert Invoice.objects.get(pk=draft.pk).status == InvoiceStatus.DRAFT


def test_a_finalised_invoice_is_not_finalised_again(world: World) -> None:
    invoice = invoice_finalize(invoice=manual(world), actor=world.finance)

    with pytest.raises(ApplicationError) as refused:
        invoice_finalize(invoice=invoice, actor=world.finance)

    assert refused.value.fields == {"invoice_ids": ["Invoice 2026-00001 is already finalised."]}
    assert InvoiceCounter.objects.get().last_number == 1


def test_after_commit_the_pdf_is_stored_once_and_mailed_once(
    world: World, may_sheet: Timesheet, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = invoice_finalize(invoice=Invoice.objects.get(), actor=world.finance)
    assert len(callbacks) == 1

    stored = Invoice.objects.get(pk=invoice.pk)
    body = default_storage.open(stored.pdf.name).read()
    assert stored.pdf.name == "invoices/2026/2026-00001.pdf"
    assert body.startswith(b"%PDF-")
    assert stored.pdf_sha256 == hashlib.sha256(body).hexdigest()
    assert stored.emailed_at == datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)
    [mail] = mailoutbox
    assert (mail.subject, mail.to) == ("Factuur 2026-00001 van Secretariaat Centraal", [world.client.billing_email])
    assert mail.body == (
        "Geachte relatie,\n\nBijgaand ontvangt u factuur 2026-00001 van 15-06-2026 voor een bedrag van € 1.331,00.\n"
        "Gelieve het bedrag vóór 15-07-2026 over te maken op NL91ABNA0417164300 t.n.v. Secretariaat Centraal "
        "o.v.v. 2026-00001.\n\nMet vriendelijke groet,\nSecretariaat Centraal\n"
    )
    assert mail.attachments == [("2026-00001.pdf", body, "application/pdf")]
    events = AuditEvent.objects.filter(object_type="billing.invoice", object_id=str(invoice.pk)).order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "invoice.create",
        "invoice.lines_add",
        "invoice.finalize",
        "invoice.pdf_store",
        "invoice.email",
    ]

    # Delivering again (a retried task) renders nothing and sends nothing.
    with mock.patch.object(delivery, "invoice_pdf_bytes") as render:
        assert delivery.invoices_pdf_render(invoice_ids=[invoice.pk]) == 0
        assert delivery.invoice_email_send(invoice_id=invoice.pk) is False
    render.assert_not_called()
    assert len(mailoutbox) == 1
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256 == stored.pdf_sha256


def test_the_pdf_is_rendered_on_demand_when_the_after_commit_work_has_not_run(world: World) -> None:
    invoice = invoice_finalize(invoice=manual(world), actor=world.finance)  # callbacks not run
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256 == ""

    stored = delivery.invoice_pdf_ensure(invoice=invoice)

    assert stored.pdf_sha256 == hashlib.sha256(default_storage.open(stored.pdf.name).read()).hexdigest()
    assert delivery.invoice_pdf_ensure(invoice=invoice).pdf_sha256 == stored.pdf_sha256


def test_an_english_client_gets_an_english_mail(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    client = ClientFactory(legal_name="Globex Ltd", invoice_language="en", payment_term_days=14)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_finalize(invoice=manual(world, client, amount="1234.56"), actor=world.finance)

    [mail] = mailoutbox
    assert mail.subject == "Invoice 2026-00001 from Secretariaat Centraal"
    assert "Please find attached invoice 2026-00001 of 15 Jun 2026 for €1,493.82.\n" in mail.body
    assert (
        "Please pay by 29 Jun 2026 to NL91ABNA0417164300 in the name of Secretariaat Centraal, quoting 2026-00001."
        in mail.body
    )


def test_finalising_without_email_sends_nothing_but_stores_the_pdf(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_finalize(invoice=manual(world), actor=world.finance, email=False)

    stored = Invoice.objects.get(pk=invoice.pk)
    assert (len(mailoutbox), stored.emailed_at, len(stored.pdf_sha256)) == (0, None, 64)
