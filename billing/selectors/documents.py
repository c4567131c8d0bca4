"""The snapshot a PDF is drawn from, read from finalised invoices in a fixed number of queries."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from billing.models import Invoice, InvoiceKind, InvoiceLine, LineKind
from billing.pdf.document import Customer, DocumentLine, Evidence, InvoiceDocument, Seller, VatRow
from billing.pdf.render import DEFAULT_LOGO
from secondments.models import ApprovalKind, VatTreatment

COUNTRY_NAMES = {"NL": "", "DE": "Deutschland / Germany", "BE": "België / Belgium", "FR": "France"}


def seller() -> Seller:
    s = settings.SECRETARIAT
    return Seller(
        name=s["name"],
        address=s["address"],
        kvk=s["kvk"],
        vat_number=s["vat_number"],
        iban=s["iban"],
        email=s["email"],
        logo_path=s["logo"] or DEFAULT_LOGO,
    )


def _customer(invoice: Invoice) -> Customer:
    c = invoice.customer or {}
    country = c.get("country", "NL")
    lines = [c.get("street", ""), f"{c.get('postcode', '')} {c.get('city', '')}".strip()]
    if country != "NL":
        lines.append(COUNTRY_NAMES.get(country, country))
    return Customer(
        legal_name=c.get("legal_name", ""),
        address_lines=tuple(line for line in lines if line),
        vat_number=c.get("vat_number", ""),
        cost_centre=c.get("cost_centre", ""),
        kvk=c.get("kvk_number", ""),
    )


def _evidence(lines: list[InvoiceLine]) -> tuple[Evidence, ...]:
    """Per timesheet billed: who approved it and when, or that it was deemed approved."""
    first: dict[int, InvoiceLine] = {}
    hours: dict[int, Decimal] = {}
    for line in lines:
        if line.timesheet_id is None:
            continue
        first.setdefault(line.timesheet_id, line)
        hours[line.timesheet_id] = hours.get(line.timesheet_id, Decimal(0)) + abs(line.quantity)
    out = []
    for sheet_id, line in first.items():
        sheet = line.timesheet
        assert sheet is not None
        out.append(
            Evidence(
                secretary=line.description,
                period_start=sheet.period_start,
                period_end=sheet.period_end,
                hours=hours[sheet_id],
                approved_by=sheet.approved_by.full_name if sheet.approved_by else "",
                approved_at=sheet.approved_at,
                deemed=sheet.approval_kind == ApprovalKind.DEEMED,
            )
        )
    return tuple(sorted(out, key=lambda e: (e.period_start, e.secretary)))


def invoices_for_documents(*, invoice_ids: list[int]) -> QuerySet[Invoice]:
    """Finalised invoices with everything their documents need: 3 queries however many."""
    return (
        Invoice.objects.filter(pk__in=invoice_ids)
        .select_related("credited_invoice")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=InvoiceLine.objects.select_related("timesheet__approved_by").order_by("position", "pk"),
            )
        )
        .order_by("pk")
    )


def invoice_document(*, invoice: Invoice, pay_url: str = "") -> InvoiceDocument:
    """The PDF's content of a finalised invoice (use ``invoices_for_documents`` to read it)."""
    assert invoice.issue_date is not None, "only a finalised invoice has a document"
    lines = list(invoice.lines.all())
    return InvoiceDocument(
        kind=invoice.kind,  # type: ignore[arg-type]
        language=invoice.language,  # type: ignore[arg-type]
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        seller=seller(),
        customer=_customer(invoice),
        reverse_charge=invoice.vat_treatment == VatTreatment.REVERSE_CHARGE,
        lines=tuple(
            DocumentLine(
                description=line.description,
                period_start=line.period_start,
                period_end=line.period_end,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                vat_rate=line.vat_rate,
                is_hours=line.kind == LineKind.HOURS,
            )
            for line in lines
        ),
        vat_rows=tuple(
            VatRow(rate=Decimal(row["rate"]), net=Decimal(row["net"]), vat=Decimal(row["vat"]))
            for row in invoice.vat_breakdown
        ),
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        total=invoice.total,
        payment_reference=invoice.number,
        pay_url=pay_url if invoice.kind == InvoiceKind.INVOICE else "",
        evidence=_evidence(lines),
        credited_number=invoice.credited_invoice.number if invoice.credited_invoice else "",
        reason=invoice.reason,
        notes=invoice.notes,
    )
