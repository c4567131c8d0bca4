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
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from backend.accounts.models import User
from backend.core.exceptions import ApplicationError
from backend.core.models import AuditEvent
from backend.core.periods import month_bounds
from backend.core.services import audit_event, audit_record
from billing.calc import default_vat_rate, line_amount, totals_of
from billing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceRun, InvoiceRunStatus, InvoiceStatus, LineKind
from billing.services.invoices import invoice_kind_for, invoices_finalize, invoices_totals_refresh
from secondments.models import Client, PlacementRate, TimeEntry, Timesheet, TimesheetStatus
from secondments.selectors.rates import Entry, RatePart, rate_parts
from secondments.services.timesheets import timesheets_mark_invoiced


def timesheet_rate_parts(*, timesheet: Timesheet, entries: list[Entry]) -> list[RatePart]:
    """A sheet's hours split by the placement's rate windows (uses the prefetched rates)."""
    parts = rate_parts(
        rates=[(r.valid_from, r.hourly_rate) for r in timesheet.placement.rates.all()],
        period_start=timesheet.period_start,
        period_end=timesheet.period_end,
        entries=entries,
    )
    if sum((p.hours for p in parts), Decimal(0)) != sum((h for _, h in entries), Decimal(0)):
        raise ApplicationError(
            f"Timesheet {timesheet.pk} has hours before its placement has a rate.",
            fields={"timesheets": [f"Timesheet {timesheet.pk}: hours without a rate."]},
        )
    return parts


def _billable(*, end: datetime.date, client: Client | None) -> tuple[list[Timesheet], dict[int, list[Entry]]]:
    """The approved sheets up to ``end`` that have hours, locked, and their entries (read as plain rows)."""
    qs = (
        Timesheet.objects.select_for_update(of=("self",))
        .filter(status=TimesheetStatus.APPROVED, period_end__lte=end)
        .select_related("placement__client", "placement__secretary__user")
        .prefetch_related(Prefetch("placement__rates", queryset=PlacementRate.objects.order_by("valid_from")))
        .order_by("pk")
    )
    if client is not None:
        qs = qs.filter(placement__client=client)
    sheets = list(qs)
    entries: dict[int, list[Entry]] = defaultdict(list)
    rows = TimeEntry.objects.filter(timesheet__in=[s.pk for s in sheets]).values_list("timesheet_id", "date", "hours")
    for sheet_id, day, hours in rows.order_by("timesheet_id", "date"):
        entries[sheet_id].append((day, hours))
    return [s for s in sheets if entries[s.pk]], entries


def _lines_for(*, sheets: list[Timesheet], entries: dict[int, list[Entry]], vat_treatment: str) -> list[InvoiceLine]:
    """A client's new lines (no invoice yet): per sheet and rate, ordered by secretary and period."""
    vat_rate = default_vat_rate(vat_treatment=vat_treatment)
    lines = []
    for sheet in sorted(sheets, key=lambda s: (s.placement.secretary.user.full_name, s.period_start, s.pk)):
        for part in timesheet_rate_parts(timesheet=sheet, entries=entries[sheet.pk]):
            lines.append(
                InvoiceLine(
                    kind=LineKind.HOURS,
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
    return lines


def _drafts_for(*, clients: list[Client], run: InvoiceRun) -> tuple[dict[int, Invoice], list[Invoice]]:
    """Each client's draft of the run's month that an earlier run made (locked), and the clients without one."""
    existing = {
        inv.client_id: inv
        for inv in Invoice.objects.select_for_update()
        .filter(
            client__in=clients,
            status=InvoiceStatus.DRAFT,
            run__isnull=False,  # a manual draft (a sponsorship, a fee) stays on its own
            period_start=run.period_start,
            period_end=run.period_end,
            kind__in=[InvoiceKind.INVOICE, InvoiceKind.INTERNAL],
        )
        .order_by("pk")
    }
    new = [
        Invoice(
            kind=invoice_kind_for(client=c),
            client=c,
            run=run,
            period_start=run.period_start,
            period_end=run.period_end,
            vat_treatment=c.vat_treatment,
            language=c.invoice_language,
        )
        for c in clients
        if c.pk not in existing
    ]
    return existing, new


def _run_create(
    *, actor: User, year: int, month: int, client: Client | None, finalize: bool, email: bool
) -> InvoiceRun:
    start, end = month_bounds(year, month)
    if start > timezone.localdate():
        raise ApplicationError(
            "That month has not begun yet.", fields={"period": ["Choose this month or an earlier one."]}
        )
    return InvoiceRun.objects.create(
        period_start=start, period_end=end, client=client, started_by=actor, finalize=finalize, email=email
    )


def _run_carry_out(*, run: InvoiceRun) -> None:
    """Bill the run's hours (the caller holds the transaction): drafts, audit, finalisation if asked; then done."""
    actor = run.started_by
    sheets, entries = _billable(end=run.period_end, client=run.client)
    drafts = _lines_make(run=run, sheets=sheets, entries=entries, actor=actor) if sheets else []
    audit_record(
        actor=actor,
        action="invoice_run.start",
        obj=run,
        after={
            "period": f"{run.period_start:%Y-%m}",
            "client": run.client_id,
            "invoices": run.invoice_count,
            "lines": run.line_count,
            "timesheets": run.timesheet_count,
            "finalize": run.finalize,
        },
    )
    if run.finalize and drafts:
        invoices_finalize(invoices=drafts, actor=actor, email=run.email)
    run.status, run.finished_at = InvoiceRunStatus.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])


@transaction.atomic
def invoice_run_start(
    *, actor: User, year: int, month: int, client: Client | None = None, finalize: bool = False, email: bool = True
) -> InvoiceRun:
    """Turn the approved hours up to the end of ``year``-``month`` into draft invoices, one per client, now
    (the command line, the demo). A failure leaves nothing behind.

    With ``finalize`` the drafts the run filled are finalised in the same transaction (all or none).
    """
    run = _run_create(actor=actor, year=year, month=month, client=client, finalize=finalize, email=email)
    _run_carry_out(run=run)
    return run


def invoice_run_enqueue(
    *, actor: User, year: int, month: int, client: Client | None = None, finalize: bool = False, email: bool = True
) -> InvoiceRun:
    """Queue a run (the API): it is recorded at once and a worker carries it out after the commit
    (``billing.tasks.invoice_run_execute``); with no broker configured that happens before this returns."""
    from billing.tasks import invoice_run_execute_task  # the tasks import the services

    with transaction.atomic():
        run = _run_create(actor=actor, year=year, month=month, client=client, finalize=finalize, email=email)
        audit_record(
            actor=actor,
            action="invoice_run.queue",
            obj=run,
            after={"period": f"{run.period_start:%Y-%m}", "client": run.client_id, "finalize": finalize},
        )
        run_id = run.pk
        transaction.on_commit(lambda: invoice_run_execute_task.delay(run_id=run_id))
    return run


def invoice_run_execute(*, run_id: int) -> InvoiceRun:
    """Carry out a queued run; safe to repeat (a retry, a second delivery of the task, the resume job): the
    run is locked and only a queued run is carried out. A business error (hours without a rate) marks the run
    failed with its message, and nothing of it is kept."""
    try:
        with transaction.atomic():
            run = (
                InvoiceRun.objects.select_for_update(of=("self",)).select_related("client", "started_by").get(pk=run_id)
            )
            if run.status == InvoiceRunStatus.QUEUED:
                _run_carry_out(run=run)
            return run
    except ApplicationError as exc:
        with transaction.atomic():
            run = InvoiceRun.objects.select_for_update(of=("self",)).select_related("started_by").get(pk=run_id)
            if run.status != InvoiceRunStatus.QUEUED:
                return run
            run.status, run.finished_at, run.error = InvoiceRunStatus.FAILED, timezone.now(), exc.message
            run.save(update_fields=["status", "finished_at", "error"])
            audit_record(
                actor=run.started_by,
                action="invoice_run.fail",
                obj=run,
                after={"error": exc.message, "fields": exc.fields},
            )
            return run


def invoice_runs_queued_resume(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10)) -> list[int]:
    """Queue again the runs still queued after ``older_than`` (their task was lost with a broker or a worker);
    repeating a run's task is harmless. Returns their ids."""
    from billing.tasks import invoice_run_execute_task

    stale = list(
        InvoiceRun.objects.filter(status=InvoiceRunStatus.QUEUED, started_at__lt=timezone.now() - older_than)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for run_id in stale:
        invoice_run_execute_task.delay(run_id=run_id)
    return stale


def _lines_make(
    *, run: InvoiceRun, sheets: list[Timesheet], entries: dict[int, list[Entry]], actor: User
) -> list[Invoice]:
    """Put the sheets' lines on their clients' drafts (new drafts are made with their totals); returns the drafts."""
    by_client: dict[int, list[Timesheet]] = defaultdict(list)
    for sheet in sheets:
        by_client[sheet.placement.client_id].append(sheet)
    clients = sorted({s.placement.client_id: s.placement.client for s in sheets}.values(), key=lambda c: c.pk)
    existing, new = _drafts_for(clients=clients, run=run)
    lines_of = {
        c.pk: _lines_for(
            sheets=by_client[c.pk],
            entries=entries,
            vat_treatment=(existing[c.pk] if c.pk in existing else c).vat_treatment,
        )
        for c in clients
    }
    for draft in new:
        totals = totals_of((line.amount, line.vat_rate) for line in lines_of[draft.client_id])
        draft.net_total, draft.vat_total, draft.total = totals.net, totals.vat, totals.total
        draft.vat_breakdown = totals.breakdown()
        draft.created_by = actor
    Invoice.objects.bulk_create(new)
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action="invoice.create",
                obj=inv,
                after={"kind": inv.kind, "client": inv.client_id, "period": f"{run.period_start:%Y-%m}", "run": run.pk},
            )
            for inv in new
        ]
    )
    # The run that last added lines to a draft is the one that lists it.
    Invoice.objects.filter(pk__in=[inv.pk for inv in existing.values()]).update(run=run)
    drafts = {**existing, **{inv.client_id: inv for inv in new}}

    last_position = dict(
        InvoiceLine.objects.filter(invoice__in=list(existing.values()))
        .values_list("invoice_id")
        .annotate(n=Max("position"))
        .order_by()
    )
    lines: list[InvoiceLine] = []
    for client_id, client_lines in lines_of.items():
        invoice = drafts[client_id]
        for n, line in enumerate(client_lines, last_position.get(invoice.pk, 0) + 1):
            line.invoice, line.position = invoice, n
        lines.extend(client_lines)
    InvoiceLine.objects.bulk_create(lines)
    timesheets_mark_invoiced(timesheets=sheets, actor=actor)
    invoices_totals_refresh(invoices=list(existing.values()))

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
                after={"run": run.pk, "timesheets": [s.pk for s in by_client[inv.client_id]]},
            )
            for inv in drafts.values()
        ]
    )
    return list(drafts.values())
