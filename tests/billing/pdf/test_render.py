"""The invoice PDF (billing/pdf/render.py): what a reader of the PDF sees, read back with pypdf."""

import dataclasses
import datetime
import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import time_machine
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfbase.pdfmetrics import stringWidth

from billing.pdf.document import Customer, DocumentLine, Evidence, InvoiceDocument, Seller, VatRow
from billing.pdf.render import DEFAULT_LOGO, invoice_pdf_bytes

CENT = Decimal("0.01")
JUNE_1, JUNE_30 = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
JUNE, JUNE_EN = "01-06-2026 \u2013 30-06-2026", "1 Jun 2026 \u2013 30 Jun 2026"  # en dashes
SELLER = Seller(
    name="Secretariaat Plein B.V.",
    address="Plein 1\n3511 AB Utrecht",
    kvk="12345678",
    vat_number="NL001234567B01",
    iban="NL91ABNA0417164300",
    email="facturen@plein.example",
    logo_path=DEFAULT_LOGO,
)
TENANT = Customer(
    legal_name="Acme B.V.",
    address_lines=("Kade 12", "1011 AA Amsterdam"),
    vat_number="NL009876543B01",
    cost_centre="",
    kvk="87654321",
)
PAY_URL = "https://pay.example/c/inv-2026-0042"
APPROVED = Evidence(
    secretary="Sanne Secretaris",
    period_start=JUNE_1,
    period_end=JUNE_30,
    hours=Decimal("12.25"),
    approved_by="Anna Approver",
    approved_at=datetime.datetime(2026, 7, 1, 8, 5, tzinfo=datetime.UTC),
    deemed=False,
)
DEEMED = Evidence(
    secretary="Tom Typist",
    period_start=JUNE_1,
    period_end=JUNE_30,
    hours=Decimal("8.00"),
    approved_by="",
    approved_at=None,
    deemed=True,
)


def line(description: str, hours: str, rate: str = "55.00", vat_rate: str = "21.00") -> DocumentLine:
    quantity, price = Decimal(hours), Decimal(rate)
    amount = (quantity * price).quantize(CENT, ROUND_HALF_UP)
    return DocumentLine(description, JUNE_1, JUNE_30, quantity, price, amount, Decimal(vat_rate))


TWO_LINES = (line("Sanne Secretaris", "12.25"), line("Tom Typist", "8.00"))  # 673.75 + 440.00


def make_document(
    lines: tuple[DocumentLine, ...] = TWO_LINES, kind: str = "invoice", **changes: Any
) -> InvoiceDocument:
    """A June 2026 tenant invoice in Dutch; totals and VAT rows follow from ``lines``."""
    rates = sorted({item.vat_rate for item in lines}, reverse=True)
    vat_rows = ()
    if kind != "internal":
        nets = [(rate, sum((item.amount for item in lines if item.vat_rate == rate), Decimal(0))) for rate in rates]
        vat_rows = tuple(VatRow(rate, net, (net * rate / 100).quantize(CENT, ROUND_HALF_UP)) for rate, net in nets)
    net_total = sum((item.amount for item in lines), Decimal(0))
    vat_total = sum((row.vat for row in vat_rows), Decimal(0))
    fields: dict[str, Any] = {
        "kind": kind,
        "language": "nl",
        "number": "2026-0042",
        "issue_date": datetime.date(2026, 11, 22),
        "due_date": None if kind == "credit_note" else datetime.date(2026, 12, 6),
        "period_start": JUNE_1,
        "period_end": JUNE_30,
        "seller": SELLER,
        "customer": TENANT,
        "reverse_charge": False,
        "lines": lines,
        "vat_rows": vat_rows,
        "net_total": net_total,
        "vat_total": vat_total,
        "total": net_total + vat_total,
        "payment_reference": "2026-0042",
    }
    fields.update(changes)
    return InvoiceDocument(**fields)


def read(document: InvoiceDocument) -> PdfReader:
    return PdfReader(io.BytesIO(invoice_pdf_bytes(document)))


def pages(document: InvoiceDocument) -> list[str]:
    """The text of each page, runs of whitespace (line breaks too) as one space."""
    return [" ".join(page.extract_text().split()) for page in read(document).pages]


def text(document: InvoiceDocument) -> str:
    return " ".join(pages(document))


def placed_strings(document: InvoiceDocument) -> list[tuple[float, float, str]]:
    """(x, y, text) of every string drawn on the first page itself (not in its forms)."""
    reader = read(document)
    x = y = 0.0
    placed = []
    for operands, operator in ContentStream(reader.pages[0].get_contents(), reader).operations:
        if operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
        elif operator == b"Tj":
            placed.append((x, y, operands[0].get_original_bytes().decode("cp1252")))
    return placed


def test_a_dutch_invoice_shows_every_field() -> None:
    document = make_document(evidence=(APPROVED, DEEMED), pay_url=PAY_URL, notes="Dank u wel.")
    [page] = pages(document)
    for expected in [
        "Secretariaat Plein B.V. Plein 1 3511 AB Utrecht facturen@plein.example",
        "Acme B.V. Kade 12 1011 AA Amsterdam BTW-nr.: NL009876543B01 KvK: 87654321",
        f"Factuurnummer 2026-0042 Factuurdatum 22-11-2026 Vervaldatum 06-12-2026 Periode {JUNE}",
        "Factuur Medewerker Periode Uren Tarief Bedrag",
        f"Sanne Secretaris {JUNE} 12,25 h € 55,00 € 673,75",
        f"Tom Typist {JUNE} 8,00 h € 55,00 € 440,00",
        "Subtotaal € 1.113,75 BTW 21% over € 1.113,75 € 233,89 Totaal € 1.347,64",
        "Gelieve € 1.347,64 vóór 06-12-2026 over te maken op NL91ABNA0417164300 t.n.v. Secretariaat Plein B.V. "
        "o.v.v. 2026-0042.",
        f"Betaal online: {PAY_URL}",
        "Akkoord uren",
        f"Sanne Secretaris · {JUNE} · 12,25 h · goedgekeurd door Anna Approver op 01-07-2026 10:05",
        f"Tom Typist · {JUNE} · 8,00 h · geacht goedgekeurd",
        "Opmerkingen Dank u wel.",
        "Secretariaat Plein B.V. · Plein 1, 3511 AB Utrecht",
        "KvK 12345678 · BTW-nr. NL001234567B01 · IBAN NL91ABNA0417164300 · facturen@plein.example",
        "Pagina 1",
    ]:
        assert expected in page
    assert "btw verlegd" not in page


def test_an_english_invoice_has_english_labels_and_numbers() -> None:
    document = make_document(language="en", evidence=(APPROVED, DEEMED), pay_url=PAY_URL)
    [page] = pages(document)
    for expected in [
        f"Invoice number 2026-0042 Issue date 22 Nov 2026 Due date 6 Dec 2026 Service period {JUNE_EN}",
        "VAT no.: NL009876543B01 Chamber of Commerce no.: 87654321",
        "Invoice Secretary Service period Hours Rate Amount",
        f"Sanne Secretaris {JUNE_EN} 12.25 h €55.00 €673.75",
        "Net €1,113.75 VAT 21% on €1,113.75 €233.89 Total €1,347.64",
        "Please pay €1,347.64 by 6 Dec 2026 to NL91ABNA0417164300 in the name of Secretariaat Plein B.V., "
        "quoting 2026-0042.",
        f"Pay online: {PAY_URL}",
        "Approval of hours",
        "approved by Anna Approver on 01-07-2026 10:05",
        f"Tom Typist · {JUNE_EN} · 8.00 h · deemed approved",
        "Chamber of Commerce no. 12345678 · VAT no. NL001234567B01 · IBAN NL91ABNA0417164300",
        "Page 1",
    ]:
        assert expected in page
    for dutch in ["Factuur", "Gelieve", "Pagina", "€ 1.113,75", "Akkoord"]:
        assert dutch not in page


def test_the_pay_link_is_shown_and_clickable_only_when_set() -> None:
    with_link = read(make_document(pay_url=PAY_URL)).pages[0]
    uris = [annotation.get_object()["/A"]["/URI"] for annotation in with_link["/Annots"]]
    assert uris == [PAY_URL]
    assert f"Betaal online: {PAY_URL}" in " ".join(with_link.extract_text().split())

    without = read(make_document(pay_url="")).pages[0]
    assert "/Annots" not in without
    assert "Betaal online" not in without.extract_text()


def test_a_long_pay_url_is_broken_over_lines_and_clickable_on_each() -> None:
    url = "https://checkout.example/c/pay/cs_live_" + "a1B2c3D4" * 30
    page = read(make_document(pay_url=url)).pages[0]
    annotations = [annotation.get_object() for annotation in page["/Annots"]]
    assert len(annotations) >= 3
    assert {annotation["/A"]["/URI"] for annotation in annotations} == {url}
    assert url in "".join(page.extract_text().split())


def test_reverse_charge_names_the_customers_vat_number_in_both_languages() -> None:
    lines = (line("Sanne Secretaris", "12.25", vat_rate="0.00"),)
    for language in ("nl", "en"):
        [page] = pages(make_document(lines=lines, reverse_charge=True, language=language))
        assert "btw verlegd / VAT reverse charged" in page
        assert "NL009876543B01" in page
    [page] = pages(make_document(lines=lines, reverse_charge=True))
    assert "BTW 0% over € 673,75 € 0,00 Totaal € 673,75 btw verlegd / VAT reverse charged · BTW-nr. NL009876543B01" in (
        page
    )


def test_several_vat_rates_add_a_vat_column_and_a_row_per_rate() -> None:
    lines = (line("Sanne Secretaris", "12.25"), line("Catering", "2", rate="50.00", vat_rate="9.00"))
    [page] = pages(make_document(lines=lines))
    assert "Medewerker Periode Uren Tarief BTW Bedrag" in page
    assert f"Sanne Secretaris {JUNE} 12,25 h € 55,00 21% € 673,75" in page
    assert f"Catering {JUNE} 2,00 h € 50,00 9% € 100,00" in page
    assert "Subtotaal € 773,75 BTW 21% over € 673,75 € 141,49 BTW 9% over € 100,00 € 9,00 BTW € 150,49" in page
    assert "Totaal € 924,24" in page


def test_a_manual_line_prints_its_quantity_without_the_hours_unit() -> None:
    manual = DocumentLine(
        "Reiskosten", None, None, Decimal("1"), Decimal("25.00"), Decimal("25.00"), Decimal("21.00"), False
    )
    [page] = pages(make_document(lines=(manual,)))
    assert "Reiskosten 1,00 € 25,00 € 25,00" in page


def test_the_logo_is_embedded_only_when_the_seller_has_one() -> None:
    with_logo = read(make_document()).pages[0]
    assert len(with_logo.images) == 1
    assert (with_logo.images[0].image.width, with_logo.images[0].image.height) == (200, 60)

    without = read(make_document(seller=dataclasses.replace(SELLER, logo_path=""))).pages[0]
    assert len(without.images) == 0


def test_user_text_is_never_read_as_markup() -> None:
    document = make_document(
        lines=(line("<b>Tom & Jerry</b> &amp;", "1.00"),),
        customer=Customer("<i>Acme</i> & Co", ("Kade (12) \\ 3",), "", ""),
        notes="<para>niet vet</para> &lt;",
    )
    [page] = pages(document)
    assert "<b>Tom & Jerry</b> &amp;" in page
    assert "<i>Acme</i> & Co Kade (12) \\ 3" in page
    assert "<para>niet vet</para> &lt;" in page


def test_characters_the_builtin_fonts_lack_are_approximated() -> None:
    [page] = pages(make_document(lines=(line("Łukasz Żółw", "1.00"),)))
    assert "Lukasz Zólw 01-06-2026" in page


def test_a_very_long_description_is_cut_short_within_its_column() -> None:
    description = "Ondersteuning bij de jaarlijkse ledenvergadering " * 10
    lines = (line(description, "3.00"), line("Tom Typist", "8.00"))
    [page] = pages(make_document(lines=lines))
    assert description.strip() not in page
    assert "Ondersteuning bij de jaarlijkse ledenve…" in page
    assert f"… {JUNE} 3,00 h € 55,00 € 165,00 Tom Typist" in page

    strings = placed_strings(make_document(lines=lines))
    x, y, cut = next(placed for placed in strings if placed[2].startswith("Ondersteuning"))
    next_x = min(other_x for other_x, other_y, _ in strings if other_y == y and other_x > x)
    assert cut.endswith("…")
    assert x + stringWidth(cut, "Helvetica", 9) < next_x


def test_a_long_invoice_repeats_the_column_header_and_numbers_its_pages() -> None:
    lines = tuple(line(f"Secretaris {n:03d}", "1.50") for n in range(1, 121))
    texts = pages(make_document(lines=lines))
    assert len(texts) == 3
    for number, page in enumerate(texts, start=1):
        assert "Medewerker Periode Uren Tarief Bedrag" in page
        assert page.endswith(f"Pagina {number}")
    everything = " ".join(texts)
    for n in range(1, 121):
        assert everything.count(f"Secretaris {n:03d} 01-06-2026") == 1
    assert "Factuur 2026-0042 Medewerker" in texts[1]
    assert "Subtotaal € 9.900,00 BTW 21% over € 9.900,00 € 2.079,00 Totaal € 11.979,00" in texts[-1]
    assert "Gelieve € 11.979,00" in texts[-1]

    english = pages(make_document(lines=lines, language="en"))
    assert [page.endswith(f"Page {number}") for number, page in enumerate(english, start=1)] == [True] * 3
    assert all("Secretary Service period Hours Rate Amount" in page for page in english)


def test_a_credit_note_names_the_credited_invoice_and_asks_no_payment() -> None:
    lines = (line("Sanne Secretaris", "-12.25"),)
    document = make_document(
        lines=lines,
        kind="credit_note",
        number="2026-0050",
        credited_number="2026-0042",
        reason="Uren dubbel gefactureerd",
        pay_url=PAY_URL,
    )
    [page] = pages(document)
    assert "Creditnota Creditnota voor factuur 2026-0042 Reden: Uren dubbel gefactureerd" in page
    assert "Factuurnummer 2026-0050 Factuurdatum 22-11-2026 Periode" in page
    assert f"Sanne Secretaris {JUNE} -12,25 h € 55,00 € -673,75" in page
    assert "Totaal € -815,24" in page
    for absent in ["Vervaldatum", "Gelieve", "Betaal online", PAY_URL]:
        assert absent not in page

    [english] = pages(make_document(lines=lines, kind="credit_note", language="en", credited_number="2026-0042"))
    assert "Credit note Credit note for invoice 2026-0042" in english
    assert "Total -€815.24" in english


def test_an_internal_statement_shows_the_cost_centre_and_no_vat() -> None:
    pool = Customer("Afdeling Neurologie", ("Gebouw C",), vat_number="", cost_centre="CC-4711")
    lines = (line("Sanne Secretaris", "12.25", rate="45.00", vat_rate="0.00"),)
    [page] = pages(make_document(lines=lines, kind="internal", customer=pool))
    assert "Interne doorbelasting Medewerker Periode Uren Tarief Bedrag" in page
    assert "Afdeling Neurologie Gebouw C Kostenplaats: CC-4711" in page
    assert f"Sanne Secretaris {JUNE} 12,25 h € 45,00 € 551,25 Totaal € 551,25" in page
    for absent in ["Subtotaal", "BTW 0%", "BTW € ", "btw verlegd"]:
        assert absent not in page

    [english] = pages(make_document(lines=lines, kind="internal", customer=pool, language="en"))
    assert "Internal recharge statement" in english
    assert "Cost centre: CC-4711" in english


def test_the_same_document_gives_the_same_bytes_whenever_it_is_rendered() -> None:
    document = make_document(evidence=(APPROVED, DEEMED), pay_url=PAY_URL)
    first = invoice_pdf_bytes(document)
    with time_machine.travel(datetime.datetime(2027, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), tick=False):
        second = invoice_pdf_bytes(document)
    assert first.startswith(b"%PDF-")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert invoice_pdf_bytes(make_document(number="2026-0043")) != first


def test_evidence_that_is_neither_deemed_nor_dated_is_refused() -> None:
    broken = Evidence("Sanne Secretaris", JUNE_1, JUNE_30, Decimal("1"), "Anna Approver", None, False)
    with pytest.raises(ValueError, match="Sanne Secretaris"):
        invoice_pdf_bytes(make_document(evidence=(broken,)))
