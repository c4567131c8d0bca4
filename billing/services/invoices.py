"""The invoice lifecycle: drafts, manual lines, finalisation with gapless numbers, credit notes.

A draft is editable and has no number; deleting it gives its hours back
(approved again). Finalising gives the next number of the series, freezes the
totals and the customer's details, and after commit renders the PDF once and
e-mails it. Corrections are credit notes. Every change writes an audit event in
the same transaction.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from backend.accounts.models import User
from backend.core.bulk import rows_update
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from backend.core.money import CENT
from backend.core.services import audit_event, audit_record
from billing.calc import default_vat_rate, line_amount, totals_of, vat_rates_allowed
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, LineKind, NumberSeries, Receivable
from billing.services.checkout import online_payment_enabled
from billing.services.numbering import invoice_number_format, invoice_numbers_take
from billing.services.payments import credit_note_applied, receivables_create
from billing.services.revenue_facts import revenue_facts_add
from billing.tasks import invoices_checkout_open_task, invoices_deliver
from secondments.models import Client, ClientKind, Timesheet
from secondments.services.timesheets import timesheets_release

SERIES_OF_KIND = {
    InvoiceKind.INVOICE: NumberSeries.INVOICE,
    InvoiceKind.INTERNAL: NumberSeries.INTERNAL,
    InvoiceKind.CREDIT_NOTE: NumberSeries.CREDIT_NOTE,
}
MAX_QUANTITY = Decimal("99999.99")
MAX_UNIT_PRICE = Decimal("999999.99")


def _in_cents(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def invoice_kind_for(*, client: Client) -> str:
    """Tenants get VAT invoices; internal clients get internal recharge statements."""
    return InvoiceKind.INTERNAL if client.kind == ClientKind.INTERNAL else InvoiceKind.INVOICE


def _totals_snapshot(invoice: Invoice) -> dict[str, Any]:
    return {"net_total": invoice.net_total, "vat_total": invoice.vat_total, "total": invoice.total}


def invoices_totals_refresh(*, invoices: list[Invoice]) -> None:
    """Recompute drafts' totals from their lines (one read, one bulk write)."""
    if not invoices:
        return
    amounts: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for invoice_id, amount, rate in InvoiceLine.objects.filter(invoice__in=invoices).values_list(
        "invoice_id", "amount", "vat_rate"
    ):
        amounts[invoice_id].append((amount, rate))
    for invoice in invoices:
        totals = totals_of(amounts[invoice.pk])
        invoice.net_total, invoice.vat_total, invoice.total = totals.net, totals.vat, totals.total
        invoice.vat_breakdown = totals.breakdown()
    rows_update(model=Invoice, objs=invoices, fields=["net_total", "vat_total", "total", "vat_breakdown"])


def _lock_draft(invoice: Invoice, *, verb: str) -> Invoice:
    locked = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    if locked.status != InvoiceStatus.DRAFT:
        raise ApplicationError(
            f"Invoice {locked.number} is finalised: it cannot be {verb}. Correct it with a credit note.",
            fields={"status": [f"Is {locked.status}."]},
        )
    return locked


@transaction.atomic
def invoice_create(
    *,
    client: Client,
    actor: User,
    notes: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Invoice:
    """A manual draft for any client, e.g. a sponsor of the secretariat's event (a client without placements)."""
    if (period_start is None) != (period_end is None):
        field = "period_end" if period_end is None else "period_start"
        raise ValidationError({field: ["Give both ends of the service period, or neither."]})
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": ["The period ends before it starts."]})
    if not client.active:
        raise ValidationError({"client_id": ["This client is inactive."]})
    invoice = Invoice.objects.create(
        kind=invoice_kind_for(client=client),
        client=client,
        period_start=period_start,
        period_end=period_end,
        vat_treatment=client.vat_treatment,
        language=client.invoice_language,
        notes=notes,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="invoice.create",
        obj=invoice,
        after={"kind": invoice.kind, "client": client.pk, "manual": True, "notes": notes},
    )
    return invoice


@transaction.atomic
def invoice_line_add(
    *,
    invoice: Invoice,
    actor: User,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    vat_rate: Decimal | None = None,
) -> InvoiceLine:
    """Finance adds a manual line to a draft (a training delivered, a fixed fee, a sponsorship)."""
    draft = _lock_draft(invoice, verb="changed")
    if draft.kind == InvoiceKind.CREDIT_NOTE:
        raise ApplicationError("A credit note's lines come from the invoice it corrects.")
    allowed = vat_rates_allowed(vat_treatment=draft.vat_treatment)
    rate = default_vat_rate(vat_treatment=draft.vat_treatment) if vat_rate is None else vat_rate
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = ["Describe the line."]
    if quantity <= 0 or quantity > MAX_QUANTITY or not _in_cents(quantity):
        errors["quantity"] = [f"The quantity is more than 0 and at most {MAX_QUANTITY}, in hundredths."]
    if unit_price == 0 or abs(unit_price) > MAX_UNIT_PRICE or not _in_cents(unit_price):
        errors["unit_price"] = [f"The unit price is not 0 and at most {MAX_UNIT_PRICE} either way, in cents."]
    if rate not in allowed:
        names = ", ".join(f"{r:.2f}" for r in allowed)
        errors["vat_rate"] = [f"A {draft.get_vat_treatment_display()} invoice takes VAT rate {names}."]
    if errors:
        raise ApplicationError("The line was not added.", fields=errors)
    quantity, unit_price = quantity.quantize(CENT), unit_price.quantize(CENT)
    position = (draft.lines.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    line = InvoiceLine.objects.create(
        invoice=draft,
        kind=LineKind.MANUAL,
        position=position,
        description=description.strip(),
        quantity=quantity,
        unit_price=unit_price,
        amount=line_amount(quantity=quantity, unit_price=unit_price),
        vat_rate=rate,
    )
    before = _totals_snapshot(draft)
    invoices_totals_refresh(invoices=[draft])
    audit_record(
        actor=actor,
        action="invoice.line_add",
        obj=draft,
        before=before,
        after={
            **_totals_snapshot(draft),
            "line": {
                "id": line.pk,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "vat_rate": line.vat_rate,
            },
        },
    )
    return line


@transaction.atomic
def invoice_line_remove(*, line: InvoiceLine, actor: User) -> Invoice:
    """Remove a line from a draft. Removing hours removes every line of that timesheet on the draft
    (a rate change splits a sheet into lines) and gives the hours back: approved, billable again."""
    draft = _lock_draft(line.invoice, verb="changed")
    if line.timesheet_id is None:
        removed = [line]
    else:
        removed = list(draft.lines.filter(timesheet_id=line.timesheet_id))
    snapshot = [
        {
            "id": r.pk,
            "description": r.description,
            "quantity": r.quantity,
            "amount": r.amount,
            "timesheet": r.timesheet_id,
        }
        for r in removed
    ]
    before = _totals_snapshot(draft)
    InvoiceLine.objects.filter(pk__in=[r.pk for r in removed]).delete()
    if line.timesheet_id is not None:
        timesheets_release(
            timesheets=[Timesheet(pk=line.timesheet_id)], actor=actor, reason=f"Removed from draft invoice {draft.pk}."
        )
    invoices_totals_refresh(invoices=[draft])
    audit_record(
        actor=actor,
        action="invoice.line_remove",
        obj=draft,
        before={**before, "lines": snapshot},
        after=_totals_snapshot(draft),
    )
    return draft


@transaction.atomic
def invoice_delete(*, invoice: Invoice, actor: User) -> None:
    """Delete a draft; its hours return to approved."""
    draft = _lock_draft(invoice, verb="deleted")
    sheet_ids = sorted(set(draft.lines.exclude(timesheet=None).values_list("timesheet_id", flat=True)))
    audit_record(
        actor=actor,
        action="invoice.delete",
        obj=draft,
        before={"kind": draft.kind, "client": draft.client_id, **_totals_snapshot(draft), "timesheets": sheet_ids},
    )
    draft.lines.all().delete()
    if sheet_ids:
        timesheets_release(
            timesheets=[Timesheet(pk=pk) for pk in sheet_ids], actor=actor, reason=f"Draft invoice {draft.pk} deleted."
        )
    draft.delete()


def _customer_snapshot(client: Client) -> dict[str, str]:
    return {
        "legal_name": client.legal_name,
        "street": client.street,
        "postcode": client.postcode,
        "city": client.city,
        "country": client.country,
        "kvk_number": client.kvk_number,
        "vat_number": client.vat_number,
        "cost_centre": client.cost_centre,
        "billing_email": client.billing_email,
    }


def _finalise_locked(*, drafts: list[Invoice], actor: User, today: datetime.date) -> None:
    """Number and freeze locked, checked drafts. The counter rows are locked last and held to commit."""
    by_series: dict[str, list[Invoice]] = defaultdict(list)
    for draft in drafts:
        by_series[SERIES_OF_KIND[InvoiceKind(draft.kind)]].append(draft)
    now = timezone.now()
    for series, group in sorted(by_series.items()):
        for draft, sequence in zip(
            group, invoice_numbers_take(series=series, year=today.year, count=len(group)), strict=True
        ):
            draft.series, draft.year, draft.sequence = series, today.year, sequence
            draft.number = invoice_number_format(series=series, year=today.year, sequence=sequence)
            draft.status = InvoiceStatus.FINALISED
            draft.issue_date = today
            draft.due_date = (
                None
                if draft.kind == InvoiceKind.CREDIT_NOTE
                else today + datetime.timedelta(days=draft.client.payment_term_days)
            )
            draft.customer = _customer_snapshot(draft.client)
            draft.language = draft.client.invoice_language
            draft.finalised_at, draft.finalised_by = now, actor
    rows_update(
        model=Invoice,
        objs=drafts,
        fields=[
            "series",
            "year",
            "sequence",
            "number",
            "status",
            "issue_date",
            "due_date",
            "customer",
            "language",
            "finalised_at",
            "finalised_by",
        ],
    )
    receivables_create(invoices=drafts)
    revenue_facts_add(invoice_ids=[d.pk for d in drafts])
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action="invoice.finalize",
                obj=d,
                before={"status": InvoiceStatus.DRAFT},
                after={
                    "status": d.status,
                    "number": d.number,
                    "issue_date": d.issue_date,
                    "due_date": d.due_date,
                    **_totals_snapshot(d),
                    "vat_breakdown": d.vat_breakdown,
                },
            )
            for d in drafts
        ]
    )


def _deliver_on_commit(*, invoice_ids: list[int], email: bool) -> None:
    transaction.on_commit(lambda: invoices_deliver.delay(invoice_ids=invoice_ids, email=email))
    if online_payment_enabled():
        transaction.on_commit(lambda: invoices_checkout_open_task.delay(invoice_ids=invoice_ids))


@transaction.atomic
def invoices_finalize(*, invoices: list[Invoice], actor: User, email: bool = True) -> list[Invoice]:
    """Finalise drafts, all or none: each gets the next number of its series and year.

    After commit the PDFs are rendered (once) and, with ``email``, sent to the
    clients' billing addresses.
    """
    if not invoices:
        raise ValidationError({"invoice_ids": ["Choose at least one draft."]})
    ids = sorted({i.pk for i in invoices})
    drafts = list(
        Invoice.objects.select_for_update(of=("self",)).select_related("client").filter(pk__in=ids).order_by("pk")
    )
    lines = dict(
        InvoiceLine.objects.filter(invoice__in=ids).values_list("invoice_id").annotate(n=Sum("quantity")).order_by()
    )
    problems = []
    for draft in drafts:
        name = draft.number or f"draft {draft.pk}"
        if draft.status != InvoiceStatus.DRAFT:
            problems.append(f"Invoice {name} is already finalised.")
        elif draft.pk not in lines:
            problems.append(f"Invoice {name} has no lines.")
        elif draft.kind != InvoiceKind.CREDIT_NOTE and draft.total < 0:
            problems.append(f"Invoice {name} totals {draft.total}: a negative amount is a credit note.")
        elif draft.kind != InvoiceKind.CREDIT_NOTE and draft.vat_treatment != draft.client.vat_treatment:
            problems.append(
                f"Invoice {name} was drafted for {draft.get_vat_treatment_display()} VAT, but the client is now "
                f"{draft.client.get_vat_treatment_display()}: delete the draft and run again."
            )
    if problems:
        raise ApplicationError("Nothing was finalised: " + " ".join(problems), fields={"invoice_ids": problems})
    _finalise_locked(drafts=drafts, actor=actor, today=timezone.localdate())
    _deliver_on_commit(invoice_ids=ids, email=email)
    return drafts


def invoice_finalize(*, invoice: Invoice, actor: User, email: bool = True) -> Invoice:
    [finalised] = invoices_finalize(invoices=[invoice], actor=actor, email=email)
    return finalised


@dataclass(frozen=True)
class CreditRequest:
    """Credit ``quantity`` of an invoice line (its hours, or units of a manual line)."""

    line: InvoiceLine
    quantity: Decimal


def invoice_creditable(*, invoice: Invoice) -> dict[int, Decimal]:
    """Per line of a finalised invoice, the quantity not yet credited by finalised credit notes."""
    credited = dict(
        InvoiceLine.objects.filter(credited_line__invoice=invoice, invoice__status=InvoiceStatus.FINALISED)
        .values_list("credited_line_id")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    return {line.pk: line.quantity + credited.get(line.pk, Decimal(0)) for line in invoice.lines.all()}


@transaction.atomic
def credit_note_create(
    *,
    invoice: Invoice,
    actor: User,
    reason: str,
    lines: list[CreditRequest] | None = None,
    release_hours: bool = False,
    email: bool = True,
) -> Invoice:
    """Issue a credit note (own series, numbered at once) for a finalised invoice.

    ``lines`` None credits everything not yet credited; otherwise the given
    quantities. ``release_hours`` (a full credit only) returns the invoice's
    timesheets to approved, so the next run bills them anew.
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the invoice is credited; the client reads it."]})
    # The receivable first, then the invoice: the order of the payment paths (which lock the receivable,
    # then reference the invoice), so a credit note and a payment at the same moment never deadlock.
    Receivable.objects.select_for_update().filter(pk=invoice.pk).first()
    original = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    if original.status != InvoiceStatus.FINALISED:
        raise ApplicationError("Only a finalised invoice is credited; change or delete the draft instead.")
    if original.kind == InvoiceKind.CREDIT_NOTE:
        raise ApplicationError("A credit note cannot itself be credited.")
    originals = {line.pk: line for line in original.lines.all()}
    remaining = invoice_creditable(invoice=original)
    errors: dict[str, list[str]] = {}
    if lines is None:
        wanted = {pk: q for pk, q in remaining.items() if q > 0}
        if not wanted:
            raise ApplicationError("This invoice is credited in full already.")
    else:
        if not lines:
            errors["lines"] = ["Choose at least one line, or leave lines out to credit everything."]
        wanted = {}
        for i, request in enumerate(lines):
            if request.line.pk not in originals:
                errors[f"lines.{i}.line_id"] = ["This line is not on the invoice."]
            elif request.line.pk in wanted:
                errors[f"lines.{i}.line_id"] = ["This line is named twice."]
            elif request.quantity <= 0 or request.quantity > remaining[request.line.pk]:
                errors[f"lines.{i}.quantity"] = [
                    f"Credit more than 0 and at most {remaining[request.line.pk]} (what is not credited yet)."
                ]
            else:
                wanted[request.line.pk] = request.quantity
    full = not errors and all(wanted.get(pk, Decimal(0)) == q for pk, q in remaining.items() if q > 0)
    if release_hours and not full:
        errors["release_hours"] = ["Hours are released only by a credit note for everything not yet credited."]
    if errors:
        raise ApplicationError("No credit note was made.", fields=errors)

    note = Invoice.objects.create(
        kind=InvoiceKind.CREDIT_NOTE,
        client=original.client,
        period_start=original.period_start,
        period_end=original.period_end,
        vat_treatment=original.vat_treatment,
        language=original.language,
        credited_invoice=original,
        reason=reason.strip(),
        releases_hours=release_hours,
        created_by=actor,
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=note,
                kind=line.kind,
                position=n,
                description=line.description,
                placement_id=line.placement_id,
                timesheet_id=line.timesheet_id,
                period_start=line.period_start,
                period_end=line.period_end,
                quantity=-wanted[line.pk],
                unit_price=line.unit_price,
                amount=-line_amount(quantity=wanted[line.pk], unit_price=line.unit_price),
                vat_rate=line.vat_rate,
                credited_line=line,
            )
            for n, line in enumerate(sorted((originals[pk] for pk in wanted), key=lambda x: (x.position, x.pk)), 1)
        ]
    )
    invoices_totals_refresh(invoices=[note])
    if note.total > 0:
        raise ApplicationError(
            f"These lines would add {note.total} to what is owed; a credit note only lowers it. "
            "Credit the other lines too.",
            fields={"lines": ["The chosen lines add up to more than 0 (a discount line alone)."]},
        )
    audit_record(
        actor=actor,
        action="credit_note.create",
        obj=note,
        after={
            "credited_invoice": original.number,
            "full": full,
            "releases_hours": release_hours,
            "lines": {str(pk): q for pk, q in wanted.items()},
        },
        reason=note.reason,
    )
    _finalise_locked(drafts=[note], actor=actor, today=timezone.localdate())
    credit_note_applied(original=original, actor=actor)
    if release_hours:
        sheet_ids = sorted({line.timesheet_id for line in originals.values() if line.timesheet_id is not None})
        timesheets_release(
            timesheets=[Timesheet(pk=pk) for pk in sheet_ids],
            actor=actor,
            reason=f"Credited in full by {note.number}: to be invoiced anew.",
        )
    _deliver_on_commit(invoice_ids=[note.pk], email=email)
    return note
