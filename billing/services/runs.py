"""The monthly invoice run: approved, not yet invoiced hours become draft invoices.

Every approved timesheet whose period ends in or before the month becomes
lines of one draft per client: a line per timesheet (placement and period) and
rate, so hours at different rates (a rate change within the period) give
separate lines. The sheets are locked (``select_for_update``) and marked
invoiced in the same transaction, so two runs started at the same moment bill
each hour once: the second waits for the first and then finds those sheets no
longer approved.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from backend.core.periods import month_bounds, overlap
from backend.core.services import audit_event, audit_record
from billing.calc import default_vat_rate, line_amount
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceRun, InvoiceStatus, LineKind
from billing.services.invoices import invoice_kind_for, invoices_finalize, invoices_totals_refresh
from secondments.models import Client, PlacementRate, TimeEntry, Timesheet, TimesheetStatus
from secondments.services.timesheets import timesheets_mark_invoiced


@dataclass(frozen=True)
class RatePart:
    """The hours of one sheet at one rate."""

    start: datetime.date
    end: datetime.date
    hours: Decimal
    rate: Decimal


def timesheet_rate_parts(*, timesheet: Timesheet) -> list[RatePart]:
    """A sheet's hours split by the placement's rate windows (uses the prefetched entries and rates)."""
    rates = sorted(timesheet.placement.rates.all(), key=lambda r: r.valid_from)
    entries = list(timesheet.entries.all())
    parts = []
    for i, rate in enumerate(rates):
        until = rates[i + 1].valid_from - datetime.timedelta(days=1) if i + 1 < len(rates) else None
        span = overlap(rate.valid_from, until, timesheet.period_start, timesheet.period_end)
        if span is None:
            continue
        hours = sum((e.hours for e in entries if span[0] <= e.date <= span[1]), Decimal(0))
        if hours:
            parts.append(RatePart(start=span[0], end=span[1], hours=hours, rate=rate.hourly_rate))
    if sum((p.hours for p in parts), Decimal(0)) != sum((e.hours for e in entries), Decimal(0)):
        raise ApplicationError(
            f"Timesheet {timesheet.pk} has hours before its placement has a rate.",
            fields={"timesheets": [f"Timesheet {timesheet.pk}: hours without a rate."]},
        )
    return parts


def _billable(*, end: datetime.date, client: Client | None) -> list[Timesheet]:
    """The approved sheets up to ``end``, locked, with what the lines need."""
    qs = (
        Timesheet.objects.select_for_update(of=("self",))
        .filter(status=TimesheetStatus.APPROVED, period_end__lte=end)
        .select_related("placement__client", "placement__secretary__user")
        .prefetch_related(
            Prefetch("entries", queryset=TimeEntry.objects.order_by("date")),
            Prefetch("placement__rates", queryset=PlacementRate.objects.order_by("valid_from")),
        )
        .order_by("pk")
    )
    if client is not None:
        qs = qs.filter(placement__client=client)
    return [sheet for sheet in qs if sheet.entries.all()]


def _drafts_for(
    *, clients: list[Client], start: datetime.date, end: datetime.date, run: InvoiceRun, actor: User
) -> dict[int, Invoice]:
    """Each client's draft for the month: the one an earlier run made, or a new one."""
    existing = {
        inv.client_id: inv
        for inv in Invoice.objects.select_for_update()
        .filter(
            client__in=clients,
            status=InvoiceStatus.DRAFT,
            run__isnull=False,  # a manual draft (a sponsorship, a fee) stays on its own
            period_start=start,
            period_end=end,
            kind__in=[InvoiceKind.INVOICE, InvoiceKind.INTERNAL],
        )
        .order_by("pk")
    }
    # The run that last added lines to a draft is the one that lists it.
    Invoice.objects.filter(pk__in=[inv.pk for inv in existing.values()]).update(run=run)
    new = [
        Invoice(
            kind=invoice_kind_for(client=c),
            client=c,
            run=run,
            period_start=start,
            period_end=end,
            vat_treatment=c.vat_treatment,
            language=c.invoice_language,
            created_by=actor,
        )
        for c in clients
        if c.pk not in existing
    ]
    Invoice.objects.bulk_create(new)
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action="invoice.create",
                obj=inv,
                after={"kind": inv.kind, "client": inv.client_id, "period": f"{start:%Y-%m}", "run": run.pk},
            )
            for inv in new
        ]
    )
    return {**existing, **{inv.client_id: inv for inv in new}}


@transaction.atomic
def invoice_run_start(
    *, actor: User, year: int, month: int, client: Client | None = None, finalize: bool = False, email: bool = True
) -> InvoiceRun:
    """Turn the approved hours up to the end of ``year``-``month`` into draft invoices, one per client.

    With ``finalize`` the drafts the run filled are finalised in the same transaction (all or none).
    """
    start, end = month_bounds(year, month)
    if start > timezone.localdate():
        raise ApplicationError(
            "That month has not begun yet.", fields={"period": ["Choose this month or an earlier one."]}
        )
    run = InvoiceRun.objects.create(period_start=start, period_end=end, client=client, started_by=actor)
    sheets = _billable(end=end, client=client)
    drafts = _lines_make(run=run, sheets=sheets, actor=actor) if sheets else []
    audit_record(
        actor=actor,
        action="invoice_run.start",
        obj=run,
        after={
            "period": f"{start:%Y-%m}",
            "client": client.pk if client else None,
            "invoices": run.invoice_count,
            "lines": run.line_count,
            "timesheets": run.timesheet_count,
            "finalize": finalize,
        },
    )
    if finalize and drafts:
        invoices_finalize(invoices=drafts, actor=actor, email=email)
    return run


def _lines_make(*, run: InvoiceRun, sheets: list[Timesheet], actor: User) -> list[Invoice]:
    """Add the sheets' lines to their clients' drafts; returns the drafts."""
    start, end = run.period_start, run.period_end
    clients = sorted({s.placement.client_id: s.placement.client for s in sheets}.values(), key=lambda c: c.pk)
    drafts = _drafts_for(clients=clients, start=start, end=end, run=run, actor=actor)

    lines: list[InvoiceLine] = []
    next_position = dict(
        Invoice.objects.filter(pk__in=[d.pk for d in drafts.values()])
        .values_list("pk")
        .annotate(n=Max("lines__position", default=0))
        .order_by()
    )
    ordered = sorted(sheets, key=lambda s: (s.placement.secretary.user.full_name, s.period_start, s.pk))
    for sheet in ordered:
        client = sheet.placement.client
        invoice = drafts[client.pk]
        vat_rate = default_vat_rate(vat_treatment=invoice.vat_treatment)
        for part in timesheet_rate_parts(timesheet=sheet):
            next_position[invoice.pk] = next_position.get(invoice.pk, 0) + 1
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    kind=LineKind.HOURS,
                    position=next_position[invoice.pk],
                    description=sheet.placement.secretary.user.full_name,
                    placement=sheet.placement,
                    timesheet=sheet,
                    period_start=part.start,
                    period_end=part.end,
                    quantity=part.hours,
                    unit_price=part.rate,
                    amount=line_amount(quantity=part.hours, unit_price=part.rate),
                    vat_rate=vat_rate,
                )
            )
    InvoiceLine.objects.bulk_create(lines)
    timesheets_mark_invoiced(timesheets=sheets, actor=actor)
    invoices_totals_refresh(invoices=list(drafts.values()))

    run.invoice_count = len(drafts)
    run.line_count = len(lines)
    run.timesheet_count = len(sheets)
    run.save(update_fields=["invoice_count", "line_count", "timesheet_count"])
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action="invoice.lines_add",
                obj=inv,
                after={
                    "run": run.pk,
                    "timesheets": sorted(s.pk for s in sheets if s.placement.client_id == inv.client_id),
                },
            )
            for inv in drafts.values()
        ]
    )
    return list(drafts.values())
