"""Hours and approval endpoints: thin views over the timesheet services and selectors."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.roles import STAFF_READERS, Role
from backend.core.api import NoInputSerializer, request_user
from backend.core.exceptions import ApplicationError
from backend.core.net import client_ip
from backend.core.periods import IsoWeek
from secondments.api import filters
from secondments.api import timesheet_serializers as ts
from secondments.api.inbox import InboxPages, inbox_answer_keep, inbox_answer_kept
from secondments.api.views import ScopedViewSet
from secondments.models import Placement, Secretary, Timesheet
from secondments.selectors.scoping import secretary_list_for
from secondments.selectors.timesheets import (
    approval_inbox,
    approval_inbox_version,
    timesheet_list_for,
    timesheet_rows,
    timesheet_scope_for,
    week_grid,
)
from secondments.services import timesheets as services

TM, SEC, APP = Role.TEAM_MANAGER, Role.SECRETARY, Role.CLIENT_APPROVER
EVERYONE = set(STAFF_READERS) | {SEC, APP}


class TimesheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Timesheets: one per placement and approval period, with their entries and approval evidence."""

    queryset = Timesheet.objects.none()
    serializer_class = ts.TimesheetSerializer
    filterset_class = filters.TimesheetFilter
    ordering_fields = ["period_start", "submitted_at"]
    roles = {
        "list": EVERYONE,
        "retrieve": EVERYONE,
        "submit": {TM, SEC},
        "approve": {APP},
        "reject": {APP},
        "bulk_approve": {APP},
        "reopen": {TM},
    }

    def scoped_queryset(self) -> QuerySet[Timesheet]:
        if self.action == "approve":  # a lookup by id: the service locks and reads the sheet itself
            return timesheet_scope_for(user=self.user)
        return timesheet_list_for(user=self.user)

    def _done(self, sheet: Timesheet) -> Response:
        return self._render(self.get_queryset().get(pk=sheet.pk))

    @extend_schema(request=None, responses=ts.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """The secretary, or their team manager on their behalf, submits the period's hours."""
        sheet = self.get_object()  # scoped: the secretary's own, or the team manager's pool
        self._input(NoInputSerializer, request.data)
        return self._done(services.timesheet_submit(timesheet=sheet, actor=self.user))

    @extend_schema(request=None, responses=ts.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        sheet = self.get_object()
        self._input(NoInputSerializer, request.data)
        ip = client_ip(request._request)
        approved = services.timesheet_approve(timesheet=sheet, actor=self.user, ip=ip)
        return self._render(timesheet_rows(Timesheet.objects.filter(pk=approved.pk)).get())

    @extend_schema(request=ts.ReasonInputSerializer, responses=ts.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        sheet = self.get_object()
        data = self._input(ts.ReasonInputSerializer, request.data)
        return self._done(services.timesheet_reject(timesheet=sheet, actor=self.user, **data))

    @extend_schema(request=ts.ReasonInputSerializer, responses=ts.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """The team manager reopens approved hours for a correction (before they are invoiced)."""
        sheet = self.get_object()
        data = self._input(ts.ReasonInputSerializer, request.data)
        return self._done(services.timesheet_reopen(timesheet=sheet, actor=self.user, **data))

    @extend_schema(request=ts.BulkApproveInputSerializer, responses=ts.TimesheetSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="bulk-approve", filter_backends=[], pagination_class=None)
    def bulk_approve(self, request: Request) -> Response:
        """Approve several timesheets as one action: all, or none with a message per sheet."""
        data = self._input(ts.BulkApproveInputSerializer, request.data, timesheet_ids=self.get_queryset())
        sheets = services.timesheets_approve(actor=self.user, ip=client_ip(request._request), **data)
        fresh = self.get_queryset().filter(pk__in=[s.pk for s in sheets]).order_by("pk")
        return Response(ts.TimesheetSerializer(fresh, many=True).data)


class ApprovalInboxViewSet(mixins.ListModelMixin, ScopedViewSet):
    """An approver's pending timesheets with their entries, oldest first."""

    queryset = Timesheet.objects.none()
    serializer_class = ts.TimesheetSerializer
    roles = {"list": {APP}}
    filter_backends: list[Any] = []

    def scoped_queryset(self) -> QuerySet[Timesheet]:
        return approval_inbox(user=self.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # As ListModelMixin lists, from plain rows: the busiest page of an approver's day
        # (bench/bench_load.py), hundreds of entries, too slow as model instances; and an answer this
        # process rendered at the inbox's present version is the answer (secondments/api/inbox.py).
        # (A comment, not a docstring: the schema would take it for the operation's description.)
        version = approval_inbox_version(user=self.user)
        kept = inbox_answer_kept(request=request, user=self.user, version=version)
        if kept is not None:
            return kept  # type: ignore[return-value]
        page = self.paginate_queryset(InboxPages(user=self.user))
        response = self.get_paginated_response(page)
        inbox_answer_keep(request=request, user=self.user, version=version, response=response)
        return response


class WeekGridView(APIView):
    """A secretary's week: their placements by 7 days. PUT saves it all or nothing."""

    roles = {"get": set(STAFF_READERS) | {SEC}, "put": {TM, SEC}}

    def _secretary(self, request: Request, secretary_id: int | None) -> Secretary:
        user = request_user(request)
        if secretary_id is None:
            secretary = Secretary.objects.filter(user=user).first()
            if secretary is None:
                raise ApplicationError("Choose a secretary.", fields={"secretary_id": ["This field is required."]})
            return secretary
        return get_object_or_404(secretary_list_for(user=user), pk=secretary_id)

    @extend_schema(parameters=[ts.WeekGridQuerySerializer], responses=ts.WeekGridSerializer)
    def get(self, request: Request) -> Response:
        query = ts.WeekGridQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        try:
            week = IsoWeek.parse(query.validated_data["week"])
        except ValueError as exc:
            raise ApplicationError(str(exc), fields={"week": [str(exc)]}) from exc
        secretary = self._secretary(request, query.validated_data.get("secretary_id"))
        return Response(ts.WeekGridSerializer(week_grid(secretary=secretary, week=week)).data)

    @extend_schema(request=ts.WeekGridInputSerializer, responses=ts.TimesheetSerializer(many=True))
    def put(self, request: Request) -> Response:
        user = request_user(request)
        if not isinstance(request.data, dict):  # refused as every endpoint does, before the secretary is looked up
            ts.WeekGridInputSerializer(data=request.data).is_valid(raise_exception=True)
        raw = request.data.get("secretary_id") if isinstance(request.data, dict) else None
        if raw is not None and not (isinstance(raw, int) and not isinstance(raw, bool)):
            raise ApplicationError("Validation failed.", fields={"secretary_id": ["A valid integer is required."]})
        secretary = self._secretary(request, raw)  # scoped: a secretary only ever finds themselves
        scope = Placement.objects.filter(secretary=secretary).select_related("client")
        data = ts.WeekGridInputSerializer(data=request.data, context={"scopes": {"placement_id": scope}})
        data.is_valid(raise_exception=True)
        cells = [services.Cell(**cell) for cell in data.validated_data["cells"]]
        sheets = services.week_grid_save(actor=user, secretary=secretary, cells=cells)
        fresh = timesheet_list_for(user=user).filter(pk__in=[s.pk for s in sheets]).order_by("period_start", "pk")
        return Response(ts.TimesheetSerializer(fresh, many=True).data, status=status.HTTP_200_OK)
