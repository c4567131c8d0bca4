"""Invoicing endpoints: thin views over the billing services and selectors."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.roles import Role
from backend.core.api import NoInputSerializer
from backend.core.errors import error_body
from backend.core.exceptions import ApplicationError
from backend.core.periods import parse_month
from backend.core.permissions import PublicPermission
from backend.core.schema import SingleObjectListSchema
from backend.core.tables import table_csv, table_response_filename, table_xlsx
from billing.api import filters
from billing.api import serializers as s
from billing.models import Invoice, InvoiceLine, InvoiceRun, InvoiceRunStatus, InvoiceStatus, Payment, PaymentKind
from billing.payments import stripe_adapter
from billing.payments.stripe_adapter import StripeFailure
from billing.selectors.invoices import invoice_list_for, invoice_run_list_for
from billing.selectors.payments import JOURNAL_COLUMNS, internal_journal, internal_journal_csv, payment_list_for
from billing.selectors.reports.context import PeriodError, ReportScope, report_scope_for
from billing.selectors.reports.dashboard import (
    dashboard_build,
    dashboard_json,
    report_table,
    report_table_json,
    report_tables_for,
)
from billing.services import checkout, delivery, invoices, payments, runs, stripe_events
from secondments.api.views import ScopedViewSet
from secondments.models import Client, Pool
from secondments.selectors.scoping import pool_list_for

FIN, DIR, APP, TM = Role.FINANCE, Role.DIRECTOR, Role.CLIENT_APPROVER, Role.TEAM_MANAGER
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(text: str, *, field: str) -> tuple[int, int]:
    """``2026-10`` as (year, month); a month out of range is a 400 on ``field``."""
    try:
        return parse_month(text)
    except ValueError as exc:
        raise ApplicationError(str(exc), fields={field: [str(exc)]}) from exc


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Invoices, internal recharge statements and credit notes. Finance edits drafts and finalises;
    a finalised invoice never changes (corrections are credit notes). Approvers see their clients'
    finalised invoices."""

    queryset = Invoice.objects.none()
    serializer_class = s.InvoiceSerializer
    filterset_class = filters.InvoiceFilter
    ordering_fields = ["issue_date", "number", "total", "created_at"]
    roles = {
        "list": {FIN, DIR, APP},
        "retrieve": {FIN, DIR, APP},
        "pdf": {FIN, DIR, APP},
        "create": {FIN},
        "destroy": {FIN},
        "lines": {FIN},
        "line_remove": {FIN},
        "finalize": {FIN},
        "finalize_many": {FIN},
        "credit_note": {FIN},
        "payments": {FIN, DIR, APP},
        "payment_record": {FIN},
        "settle": {FIN},
        "checkout": {FIN, APP},
    }

    def scoped_queryset(self) -> QuerySet[Invoice]:
        return invoice_list_for(user=self.user)

    def _fresh(self, invoice: Invoice, *, code: int = status.HTTP_200_OK) -> Response:
        return self._render(self.get_queryset().get(pk=invoice.pk), code=code)

    @extend_schema(request=s.InvoiceCreateInputSerializer, responses={201: s.InvoiceSerializer})
    def create(self, request: Request) -> Response:
        """A manual draft for any client (e.g. a sponsor: a client without placements)."""
        data = self._input(s.InvoiceCreateInputSerializer, request.data, client_id=Client.objects.all())
        return self._fresh(invoices.invoice_create(actor=self.user, **data), code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Delete a draft; its hours return to approved. A finalised invoice is refused (400)."""
        invoices.invoice_delete(invoice=self.get_object(), actor=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.InvoiceLineInputSerializer, responses={201: s.InvoiceSerializer})
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, pk: str | None = None) -> Response:
        """Add a manual line to a draft (a training, a fixed fee). VAT rate: 21, 9 or 0 for standard VAT."""
        invoice = self.get_object()
        data = self._input(s.InvoiceLineInputSerializer, request.data)
        invoices.invoice_line_add(invoice=invoice, actor=self.user, **data)
        return self._fresh(invoice, code=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.InvoiceSerializer})
    @action(detail=True, methods=["delete"], url_path=r"lines/(?P<line_id>[0-9]+)", url_name="line")
    def line_remove(self, request: Request, pk: str | None = None, line_id: str | None = None) -> Response:
        """Remove a line from a draft; removing hours returns that timesheet to approved."""
        invoice = self.get_object()
        line = get_object_or_404(InvoiceLine, pk=line_id, invoice=invoice)
        return self._fresh(invoices.invoice_line_remove(line=line, actor=self.user))

    @extend_schema(request=None, responses=s.InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        """Give the draft its number and freeze it; the PDF is rendered and e-mailed after commit."""
        invoice = self.get_object()
        self._input(NoInputSerializer, request.data)
        return self._fresh(invoices.invoice_finalize(invoice=invoice, actor=self.user))

    @extend_schema(
        request=s.InvoiceIdsInputSerializer,
        responses=s.InvoiceSerializer(many=True),
        operation_id="v1_invoices_finalize_many_create",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="finalize",
        url_name="finalize-many",
        filter_backends=[],
        pagination_class=None,
    )
    def finalize_many(self, request: Request) -> Response:
        """Finalise several drafts: all, or none with a message per invoice."""
        data = self._input(s.InvoiceIdsInputSerializer, request.data, invoice_ids=self.get_queryset())
        done = invoices.invoices_finalize(actor=self.user, **data)
        fresh = self.get_queryset().filter(pk__in=[i.pk for i in done]).order_by("pk")
        return Response(s.InvoiceSerializer(fresh, many=True).data)

    @extend_schema(request=s.CreditNoteInputSerializer, responses={201: s.InvoiceSerializer})
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request: Request, pk: str | None = None) -> Response:
        """Credit a finalised invoice, in full (no ``lines``) or in part; ``release_hours`` (full only)
        returns its hours to approved for re-invoicing."""
        invoice = self.get_object()
        data = self._input(
            s.CreditNoteInputSerializer, request.data, line_id=InvoiceLine.objects.filter(invoice=invoice)
        )
        requests = None
        if data["lines"] is not None:
            requests = [invoices.CreditRequest(**line) for line in data["lines"]]
        note = invoices.credit_note_create(
            invoice=invoice, actor=self.user, reason=data["reason"], lines=requests, release_hours=data["release_hours"]
        )
        return self._fresh(note, code=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The invoice PDF.")}
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse:
        """The finalised invoice's PDF, as stored at finalisation (its SHA-256 in ``X-Content-SHA256``)."""
        invoice = self.get_object()
        if invoice.status != InvoiceStatus.FINALISED:
            raise ApplicationError("A draft has no PDF yet: finalise it first.", fields={"status": ["Is draft."]})
        stored = delivery.invoice_pdf_ensure(invoice=invoice)
        response = FileResponse(
            stored.pdf.open("rb"), as_attachment=True, filename=f"{stored.number}.pdf", content_type="application/pdf"
        )
        response["X-Content-SHA256"] = stored.pdf_sha256
        return response

    @extend_schema(responses=s.PaymentSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def payments(self, request: Request, pk: str | None = None) -> Response:
        """The invoice's rows of the payments ledger, oldest first (its status is in ``payment``)."""
        invoice = self.get_object()
        rows = payment_list_for(user=self.user).filter(invoice=invoice).order_by("date", "id")
        return Response(s.PaymentSerializer(rows, many=True).data)

    @extend_schema(request=s.PaymentInputSerializer, responses={201: s.PaymentSerializer})
    @payments.mapping.post
    def payment_record(self, request: Request, pk: str | None = None) -> Response:
        """Record a bank transfer received (``kind`` payment) or paid back (``kind`` refund) for a tenant
        invoice. More than is owed is accepted and flagged (``payment.overpaid``)."""
        invoice = self.get_object()
        data = self._input(s.PaymentInputSerializer, request.data)
        record = payments.refund_record if data.pop("kind") == PaymentKind.REFUND else payments.payment_record
        row = record(invoice=invoice, actor=self.user, **data)
        return Response(s.PaymentSerializer(payment_list_for(user=self.user).get(pk=row.pk)).data, status=201)

    @extend_schema(
        request=s.SettleInputSerializer,
        responses=s.PaymentSerializer(many=True),
        operation_id="v1_invoices_settle_create",
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def settle(self, request: Request) -> Response:
        """Settle internal recharge statements on ``date``: a ledger row for what each still owes. All or
        none, with a message per statement."""
        data = self._input(s.SettleInputSerializer, request.data, invoice_ids=self.get_queryset())
        rows = payments.internal_statements_settle(actor=self.user, **data)
        fresh = payment_list_for(user=self.user).filter(pk__in=[r.pk for r in rows]).order_by("id")
        return Response(s.PaymentSerializer(fresh, many=True).data)

    @extend_schema(request=None, responses=s.CheckoutSerializer)
    @action(detail=True, methods=["post"])
    def checkout(self, request: Request, pk: str | None = None) -> Response:
        """A live Stripe Checkout Session for what the tenant invoice still owes (an expired one is renewed).
        400 when Stripe is off, nothing is owed or a payment is processing; 503 when Stripe fails."""
        invoice = self.get_object()
        self._input(NoInputSerializer, request.data)
        if not checkout.online_payment_enabled():
            raise ApplicationError("Online payment is off: pay by bank transfer.", fields={"invoice": ["No Stripe."]})
        try:
            session = checkout.checkout_session_live(invoice_id=invoice.pk, actor=self.user)
        except StripeFailure as exc:
            return Response(error_body(f"Stripe could not be reached: {exc}"), status=503)
        return Response(s.CheckoutSerializer(session).data)


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The payments ledger: Stripe payments and refunds, bank transfers, internal settlements and
    reversals. Rows are never edited; a mistaken manual row is reversed."""

    queryset = Payment.objects.none()
    serializer_class = s.PaymentSerializer
    filterset_class = filters.PaymentFilter
    ordering_fields = ["date", "amount", "recorded_at"]
    roles = {"list": {FIN, DIR, APP}, "retrieve": {FIN, DIR, APP}, "reverse": {FIN}}

    def scoped_queryset(self) -> QuerySet[Payment]:
        return payment_list_for(user=self.user)

    @extend_schema(request=s.PaymentReverseInputSerializer, responses={201: s.PaymentSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        """Undo a mistaken bank transfer or settlement with a reversal row (Stripe's rows follow Stripe)."""
        row = self.get_object()
        data = self._input(s.PaymentReverseInputSerializer, request.data)
        reversal = payments.payment_reverse(payment=row, actor=self.user, **data)
        return self._render(self.get_queryset().get(pk=reversal.pk), code=status.HTTP_201_CREATED)


class InternalJournalViewSet(ScopedViewSet):
    """The internal recharge journal: a month's settlements per cost centre, as CSV."""

    queryset = Payment.objects.none()
    filter_backends: list[Any] = []
    pagination_class = None
    roles = {"list": {FIN, DIR}}

    def scoped_queryset(self) -> QuerySet[Payment]:
        return payment_list_for(user=self.user)

    @extend_schema(
        parameters=[OpenApiParameter("month", str, required=True, description="A month such as 2026-10.")],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="Columns: " + ", ".join(JOURNAL_COLUMNS) + "."
            )
        },
    )
    def list(self, request: Request) -> HttpResponse:
        """One row per cost centre and client: the statements settled in the month and their amount."""
        data = self._input(s.JournalQuerySerializer, request.query_params.dict())
        year, month = _month(data["month"], field="month")
        body = internal_journal_csv(rows=internal_journal(year=year, month=month))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="internal-journal-{year:04d}-{month:02d}.csv"'
        return response


class StripeWebhookView(APIView):
    """Stripe's webhook endpoint. Only a body signed with ``STRIPE_WEBHOOK_SECRET`` (at most 300 s old) is
    accepted; anything else gets 400 and nothing is stored. Each event is stored once: a duplicate gets
    200 and changes nothing. 404 while Stripe is off."""

    permission_classes = [PublicPermission]
    authentication_classes: list[Any] = []

    @extend_schema(
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: inline_serializer("StripeWebhookResult", {"received": serializers.CharField()}),
            404: OpenApiResponse(description="Stripe is off (no secret key or no webhook secret)."),
        },
        parameters=[OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True)],
        operation_id="v1_stripe_webhook_create",
    )
    def post(self, request: Request) -> Response:
        if not checkout.online_payment_enabled() or not settings.STRIPE_WEBHOOK_SECRET:
            return Response(error_body("Stripe is off."), status=404)
        try:
            event = stripe_adapter.webhook_event_construct(
                payload=request.body, signature=request.headers.get("Stripe-Signature", "")
            )
        except stripe_adapter.SignatureInvalid as exc:
            return Response(
                error_body(f"Signature refused: {exc}", fields={"Stripe-Signature": [str(exc)]}), status=400
            )
        stored = stripe_events.stripe_event_handle(event=event)
        return Response({"received": "duplicate" if stored is None else stored.outcome})


class InvoiceRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Monthly invoice runs: approved hours up to a month become one draft per client."""

    queryset = InvoiceRun.objects.none()
    serializer_class = s.InvoiceRunSerializer
    filter_backends: list[Any] = []
    roles = {"list": {FIN, DIR}, "retrieve": {FIN, DIR}, "create": {FIN}}

    def scoped_queryset(self) -> QuerySet[InvoiceRun]:
        return invoice_run_list_for(user=self.user)

    @extend_schema(
        request=s.InvoiceRunInputSerializer,
        responses={201: s.InvoiceRunSerializer, 202: s.InvoiceRunSerializer},
    )
    def create(self, request: Request) -> Response:
        """Start a run for ``period`` (``2026-10``), optionally for one client; ``finalize`` finalises the drafts.

        A worker carries the run out: the answer is 202 with ``status`` ``queued`` (read the run until it is
        ``done`` or ``failed``, with ``error`` saying why). Without a task queue (the demo) the run is carried out
        before the answer: 201 with ``status`` ``done`` or ``failed``."""
        data = self._input(s.InvoiceRunInputSerializer, request.data, client_id=Client.objects.all())
        year, month = _month(data.pop("period"), field="period")
        run = runs.invoice_run_enqueue(actor=self.user, year=year, month=month, **data)
        run = self.get_queryset().get(pk=run.pk)
        queued = run.status == InvoiceRunStatus.QUEUED
        return self._render(run, code=status.HTTP_202_ACCEPTED if queued else status.HTTP_201_CREATED)


class DashboardViewSet(ScopedViewSet):
    """The directors' dashboard: revenue, utilisation, cost recovery, forward revenue, pipeline and receivables
    for a period of months (at most 36), for every pool or one. Finance and directors see everything; a team
    manager sees the pools they manage, without personnel costs, margins or receivables."""

    queryset = Pool.objects.none()
    filter_backends: list[Any] = []
    pagination_class = None
    schema = SingleObjectListSchema()  # list answers one dashboard object
    roles = {"list": {FIN, DIR, TM}, "table": {FIN, DIR, TM}, "export": {FIN, DIR, TM}}

    def scoped_queryset(self) -> QuerySet[Pool]:
        return pool_list_for(user=self.user)

    def _scope(self, data: dict[str, Any]) -> ReportScope:
        today = timezone.localdate()
        end = _month(data["end"], field="end") if "end" in data else (today.year, today.month)
        start = _month(data["start"], field="start") if "start" in data else None
        try:
            return report_scope_for(user=self.user, start=start, end=end, today=today, pool=data.get("pool"))
        except PeriodError as exc:
            raise ApplicationError(str(exc), fields={exc.field: [str(exc)]}) from exc

    def _table_input(
        self, serializer: type[s.DashboardTableQuerySerializer], request: Request
    ) -> tuple[ReportScope, dict[str, Any]]:
        """The scope and the input, whose ``table`` the scope may see; 400 for any other name."""
        data = self._input(serializer, request.query_params.dict(), pool_id=self.scoped_queryset())
        scope = self._scope(data)
        names = report_tables_for(scope=scope)
        if data["table"] not in names:
            message = f"No table {data['table']!r} here; choose one of: {', '.join(names)}."
            raise ApplicationError(message, fields={"table": [message]})
        return scope, data

    @extend_schema(parameters=[s.DashboardQuerySerializer], responses=s.DashboardSerializer)
    def list(self, request: Request) -> Response:
        """The overview of the period: the headline figures and the tables with a row per month, pool, week or
        age bucket (amounts as strings); ``more_tables`` names the others, each read with ``table``."""
        data = self._input(s.DashboardQuerySerializer, request.query_params.dict(), pool_id=self.scoped_queryset())
        dashboard = dashboard_build(scope=self._scope(data))
        return Response(dashboard_json(dashboard=dashboard))

    @extend_schema(parameters=[s.DashboardTableQuerySerializer], responses=s.DashboardTableSerializer)
    @action(detail=False, methods=["get"])
    def table(self, request: Request) -> Response:
        """Any one table of the dashboard, in full: the overview's or one named in ``more_tables``."""
        scope, data = self._table_input(s.DashboardTableQuerySerializer, request)
        table = report_table(scope=scope, name=data["table"])
        return Response(report_table_json(scope=scope, table=table))

    @extend_schema(
        parameters=[s.DashboardExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The table as CSV (column keys first)."),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The table as an XLSX workbook."),
        },
    )
    @action(detail=False, methods=["get"])
    def export(self, request: Request) -> HttpResponse:
        """One table of the dashboard as a CSV or XLSX download."""
        scope, data = self._table_input(s.DashboardExportQuerySerializer, request)
        table = report_table(scope=scope, name=data["table"])
        fmt = data["file_format"]
        body = table_csv(table=table) if fmt == "csv" else table_xlsx(table=table)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX)
        name = table_response_filename(table=table, fmt=fmt, suffix=f"{scope.start:%Y-%m}_{scope.end:%Y-%m}")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
