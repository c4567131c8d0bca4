"""A finalised invoice's PDF, end to end (billing/selectors/documents.py and the renderer): the text
pypdf extracts holds every field the invoice must show."""

import datetime
import io
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from django.test import override_settings

from billing.models import Invoice
from billing.pdf.render import invoice_pdf_bytes
from billing.selectors.documents import invoice_document, invoices_for_documents
from billing.services.invoices import credit_note_create, invoice_create, invoice_finalize, invoice_line_add
from billing.services.runs import invoice_run_start
from secondments.models import Timesheet, VatTreatment
from secondments.services.timesheets import Cell, timesheet_submit, timesheets_deem_approved, week_grid_save
from tests.billing.conftest import approved_sheet
from tests.conftest import World
from tests.factories import ClientFactory, PlacementFactory

D = datetime.date


def text_of(invoice: Invoice) -> str:
    [fresh] = invoices_for_documents(invoice_ids=[invoice.pk])
    pdf = pypdf.PdfReader(io.BytesIO(invoice_pdf_bytes(invoice_document(invoice=fresh))))
    return "\n".join(page.extract_text() for page in pdf.pages)


def compact(text: str) -> str:
    return " ".join(text.split())


@override_settings(
    SECRETARIAT={
        "name": "Secretariaat Centraal",
        "address": "Stationsplein 1, 3511 ED Utrecht",
        "kvk": "12345678",
        "vat_number": "NL004495445B01",
        "iban": "NL91ABNA0417164300",
        "email": "secretariaat@example.org",
        "logo": "",
    }
)
def test_a_dutch_invoice_shows_every_field(world: World, may_sheet: Timesheet) -> None:
    world.approver.full_name = "Bryan van Hoevel en van Zwindrecht-de Wit"  # long: the evidence wraps, never cut
    world.approver.save()
    invoice_run_start(actor=world.finance, year=2026, month=5)
    draft = Invoice.objects.get()
    invoice_line_add(
        invoice=draft, actor=world.finance, description="Training <b>Notuleren</b> & meer", quantity=Decimal(1),
        unit_price=Decimal("1234.50"),
    )  # fmt: skip
    invoice = invoice_finalize(invoice=draft, actor=world.finance)

    text = compact(text_of(invoice))

    for expected in [
        "Secretariaat Centraal", "Stationsplein 1, 3511 ED Utrecht", "12345678", "NL004495445B01", "NL91ABNA0417164300",
        "Acme B.V.", "Stationsplein 1", "3511 ED Utrecht",
        "Factuur", "2026-00001", "15-06-2026", "15-07-2026", "01-05-2026 \u2013 31-05-2026",
        world.secretary.user.full_name, "20,00 h", "€ 55,00", "€ 1.100,00",
        "Training <b>Notuleren</b> & meer", "€ 1.234,50",
        "Subtotaal", "€ 2.334,50", "BTW 21%", "€ 490,25", "Totaal", "€ 2.824,75",
        "Gelieve € 2.824,75 vóór 15-07-2026 over te maken op NL91ABNA0417164300 "
        "t.n.v. Secretariaat Centraal o.v.v. 2026-00001.",
        "Akkoord uren", f"goedgekeurd door {world.approver.full_name} op 15-06-2026 10:00",
    ]:  # fmt: skip
        assert expected in text, expected
    assert "btw verlegd" not in text


def test_a_reverse_charge_invoice_in_english_names_the_customers_vat_number(world: World) -> None:
    client = ClientFactory(
        legal_name="Rheinland Logistik GmbH", street="Königsallee 92", postcode="40212", city="Düsseldorf",
        country="DE", vat_number="DE136695976", kvk_number="", vat_treatment=VatTreatment.REVERSE_CHARGE,
        invoice_language="en", approvers=[world.approver],
    )  # fmt: skip
    placement = PlacementFactory(secretary=world.secretary, client=client, created_by=world.manager, rate="61.25")
    approved_sheet(placement, {D(2026, 5, 4): "8.00", D(2026, 5, 5): "8.00"}, world.approver)
    invoice_run_start(actor=world.finance, year=2026, month=5)
    invoice = invoice_finalize(invoice=Invoice.objects.get(), actor=world.finance)

    text = compact(text_of(invoice))

    for expected in [
        "Invoice", "Rheinland Logistik GmbH", "Königsallee 92", "40212 Düsseldorf", "DE136695976",
        "btw verlegd / VAT reverse charged", "16.00 h", "€61.25", "€980.00", "VAT 0%", "Total", "€980.00",
        "Please pay €980.00 by 15 Jul 2026", "quoting 2026-00001",
    ]:  # fmt: skip
        assert expected in text, expected


def test_an_internal_statement_and_a_deemed_approval(world: World, time_machine: Any) -> None:
    department = ClientFactory(internal=True, legal_name="Afdeling HR", cost_centre="CC-2100", deemed_approval_days=1)
    placement = PlacementFactory(secretary=world.secretary, client=department, created_by=world.manager, rate="44.00")
    [sheet] = week_grid_save(
        actor=world.secretary.user, secretary=world.secretary,
        cells=[Cell(placement=placement, date=D(2026, 5, 6), hours=Decimal("2.75"))],
    )  # fmt: skip
    timesheet_submit(timesheet=sheet, actor=world.secretary.user)
    time_machine.move_to(datetime.datetime(2026, 6, 18, 8, 0, tzinfo=datetime.UTC))
    assert timesheets_deem_approved() == 1
    invoice_run_start(actor=world.finance, year=2026, month=5)
    invoice = invoice_finalize(invoice=Invoice.objects.get(), actor=world.finance)

    text = compact(text_of(invoice))

    assert invoice.number == "IR-2026-00001"
    for expected in [
        "Interne doorbelasting",
        "IR-2026-00001",
        "Afdeling HR",
        "CC-2100",
        "2,75 h",
        "€ 121,00",
        "geacht goedgekeurd",
    ]:
        assert expected in text, expected


def test_a_credit_note_names_the_invoice_it_corrects(world: World, may_sheet: Timesheet) -> None:
    invoice_run_start(actor=world.finance, year=2026, month=5)
    invoice = invoice_finalize(invoice=Invoice.objects.get(), actor=world.finance)
    note = credit_note_create(invoice=invoice, actor=world.finance, reason="Uren dubbel gefactureerd")

    text = compact(text_of(note))

    for expected in ["Creditnota", "CN-2026-00001", "Creditnota voor factuur 2026-00001", "Uren dubbel gefactureerd",
                     "-20,00 h", "€ -1.100,00", "€ -1.331,00"]:  # fmt: skip
        assert expected in text, expected
    assert "Gelieve" not in text


@pytest.mark.parametrize("lines", [60])
def test_a_long_invoice_repeats_the_table_header_on_every_page(world: World, lines: int) -> None:
    draft = invoice_create(client=world.client, actor=world.finance)
    for n in range(lines):
        invoice_line_add(
            invoice=draft, actor=world.finance, description=f"Line {n}", quantity=Decimal(1), unit_price=Decimal(1)
        )
    invoice = invoice_finalize(invoice=draft, actor=world.finance)
    [fresh] = invoices_for_documents(invoice_ids=[invoice.pk])
    pages = pypdf.PdfReader(io.BytesIO(invoice_pdf_bytes(invoice_document(invoice=fresh)))).pages

    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        text = compact(page.extract_text())
        assert "Medewerker" in text and "Bedrag" in text and f"Pagina {number}" in text
