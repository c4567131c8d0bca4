"""Thin views: parse input, call one service or selector, render output."""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from backend.accounts.models import User
from backend.accounts.roles import COST_READERS, STAFF_READERS, Role
from backend.accounts.selectors import user_placeable
from backend.core.api import NoInputSerializer, request_user
from backend.core.models import AuditEvent
from backend.core.pagination import Pagination
from backend.core.periods import weeks_window
from secondments.api import filters
from secondments.api import serializers as s
from secondments.models import Client, Leave, Placement, PlacementRate, Pool, RateCard, Secretary
from secondments.selectors.availability import availability_search
from secondments.selectors.capacity import pool_board, secretaries_capacity
from secondments.selectors.scoping import (
    client_list_for,
    leave_list_for,
    placement_list_for,
    pool_list_for,
    rate_card_list_for,
    secretary_list_for,
)
from secondments.services import clients as client_services
from secondments.services import leave as leave_services
from secondments.services import placements as placement_services
from secondments.services import pools as pool_services
from secondments.services import rate_cards as rate_card_services
from secondments.services import secretaries as secretary_services

TM = Role.TEAM_MANAGER
FIN = Role.FINANCE
SEC = Role.SECRETARY
APP = Role.CLIENT_APPROVER
READ = set(STAFF_READERS)
HTTP_METHODS = ["get", "post", "patch", "delete", "head", "options"]


def _today() -> datetime.date:
    return timezone.localdate()


class ScopedViewSet(viewsets.GenericViewSet[Any]):
    """A viewset whose rows are scoped to the user by a selector (``scoped_queryset``)."""

    http_method_names = HTTP_METHODS

    def scoped_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return super().get_queryset()
        return self.scoped_queryset()

    def _input(
        self, serializer_class: type[BaseSerializer[Any]], data: Any, *, partial: bool = False, **scopes: Any
    ) -> dict[str, Any]:
        """Parse ``data``; ``scopes`` give the querysets (scoped to the user) that ids are looked up in."""
        serializer = serializer_class(data=data, partial=partial, context={"request": self.request, "scopes": scopes})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @property
    def user(self) -> User:
        return request_user(self.request)

    def _render(self, obj: Any, *, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(obj).data, status=code)


class PoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Secretariat teams. A team manager sees the pools they manage."""

    queryset = Pool.objects.none()

    serializer_class = s.PoolSerializer
    roles = {
        "list": READ,
        "retrieve": READ,
        "create": {TM},
        "partial_update": {TM},
        "capacity": READ,
    }
    ordering_fields = ["name"]

    def scoped_queryset(self) -> QuerySet[Pool]:
        return pool_list_for(user=self.user).prefetch_related("managers")

    @extend_schema(request=s.PoolInputSerializer, responses={201: s.PoolSerializer})
    def create(self, request: Request) -> Response:
        data = self._input(s.PoolInputSerializer, request.data, manager_ids=User.objects.filter(is_team_manager=True))
        pool = pool_services.pool_create(actor=self.user, **data)
        return self._render(pool, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.PoolInputSerializer, responses=s.PoolSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        pool = self.get_object()
        data = self._input(
            s.PoolInputSerializer, request.data, partial=True, manager_ids=User.objects.filter(is_team_manager=True)
        )
        pool = pool_services.pool_update(pool=pool, actor=self.user, data=data)
        return self._render(Pool.objects.prefetch_related("managers").get(pk=pool.pk))

    @extend_schema(
        parameters=[s.CapacityQuerySerializer],
        responses=s.PoolBoardSerializer,
        summary="Pool board: free hours of every active secretary per ISO week, with the placements as bars",
    )
    @action(detail=True, methods=["get"])
    def capacity(self, request: Request, pk: str | None = None) -> Response:
        pool = self.get_object()
        query = self._input(s.CapacityQuerySerializer, request.query_params.dict())
        first, last = weeks_window(query.get("start") or _today(), query["weeks"])
        return Response(s.PoolBoardSerializer(pool_board(pool_id=pool.pk, start=first, end=last)).data)


class SecretaryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Secretaries. Hourly employer cost is shown to finance and directors only."""

    queryset = Secretary.objects.none()

    roles = {
        "list": READ | {SEC},
        "retrieve": READ | {SEC},
        "create": {TM},
        "partial_update": {TM},
        "capacity": READ | {SEC},
        "employer_cost": {FIN},
    }
    filterset_class = filters.SecretaryFilter
    ordering_fields = ["user__full_name", "contract_hours"]

    def scoped_queryset(self) -> QuerySet[Secretary]:
        return secretary_list_for(user=self.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if getattr(self, "swagger_fake_view", False) or self.user.has_role(*COST_READERS):
            return s.SecretaryWithCostSerializer
        return s.SecretarySerializer

    def _reload(self, secretary: Secretary) -> Secretary:
        return Secretary.objects.select_related("user", "pool").get(pk=secretary.pk)

    @extend_schema(request=s.SecretaryCreateInputSerializer, responses={201: s.SecretarySerializer})
    def create(self, request: Request) -> Response:
        data = self._input(
            s.SecretaryCreateInputSerializer,
            request.data,
            user_id=user_placeable(),
            pool_id=pool_list_for(user=self.user),
        )
        secretary = secretary_services.secretary_create(actor=self.user, **data)
        return self._render(self._reload(secretary), code=status.HTTP_201_CREATED)

    @extend_schema(request=s.SecretaryUpdateInputSerializer, responses=s.SecretarySerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        secretary = self.get_object()
        data = self._input(s.SecretaryUpdateInputSerializer, request.data, pool_id=pool_list_for(user=self.user))
        secretary = secretary_services.secretary_update(secretary=secretary, actor=self.user, data=data)
        return self._render(self._reload(secretary))

    @extend_schema(parameters=[s.CapacityQuerySerializer], responses=s.WeekCapacitySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def capacity(self, request: Request, pk: str | None = None) -> Response:
        """Free hours per ISO week: contract - base workload - leave - placements."""
        secretary = self.get_object()
        query = self._input(s.CapacityQuerySerializer, request.query_params.dict())
        first, last = weeks_window(query.get("start") or _today(), query["weeks"])
        weeks = secretaries_capacity(secretaries=[secretary], start=first, end=last)[secretary.pk]
        return Response(s.WeekCapacitySerializer(weeks, many=True).data)

    @extend_schema(request=s.EmployerCostInputSerializer, responses=s.SecretaryWithCostSerializer)
    @action(detail=True, methods=["post"], url_path="employer-cost")
    def employer_cost(self, request: Request, pk: str | None = None) -> Response:
        secretary = self.get_object()
        data = self._input(s.EmployerCostInputSerializer, request.data)
        secretary = secretary_services.secretary_set_employer_cost(secretary=secretary, actor=self.user, **data)
        return self._render(self._reload(secretary))


class AvailabilityViewSet(ScopedViewSet):
    """Who can take a placement: ranked by fit with the asked skills and languages, then free capacity."""

    queryset = Secretary.objects.none()
    roles = {"list": {TM}}
    serializer_class = s.CandidateSerializer
    filter_backends: list[Any] = []

    def scoped_queryset(self) -> QuerySet[Secretary]:
        return secretary_list_for(user=self.user)

    @extend_schema(parameters=[s.AvailabilityQuerySerializer], responses=s.CandidateSerializer(many=True))
    def list(self, request: Request) -> Response:
        params = request.query_params.dict()
        # The page and its size are the paginator's, not search criteria.
        for key in (Pagination.page_query_param, Pagination.page_size_query_param):
            params.pop(str(key), None)
        query = self._input(s.AvailabilityQuerySerializer, params)
        secretaries = self.get_queryset()
        if "pool_id" in query:
            secretaries = secretaries.filter(pool_id=query["pool_id"])
        candidates = availability_search(
            secretaries=secretaries,
            start=query["start"],
            end=query["end"],
            hours_per_week=query["hours_per_week"],
            skills=[x for x in query["skills"].split(",") if x.strip()],
            languages=[x for x in query["languages"].split(",") if x.strip()],
        )
        page = self.paginate_queryset(candidates)
        return self.get_paginated_response(s.CandidateSerializer(page, many=True).data)


class ClientViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Tenants and internal clients. An approver sees only the clients they approve for."""

    queryset = Client.objects.none()

    serializer_class = s.ClientSerializer
    roles = {
        "list": READ | {APP},
        "retrieve": READ | {APP},
        "create": {TM, FIN},
        "partial_update": {TM, FIN},
    }
    filterset_class = filters.ClientFilter
    ordering_fields = ["legal_name", "created_at"]

    def scoped_queryset(self) -> QuerySet[Client]:
        return client_list_for(user=self.user).prefetch_related("approvers")

    def _approvers(self) -> QuerySet[User]:
        return User.objects.filter(is_client_approver=True)

    @extend_schema(request=s.ClientInputSerializer, responses={201: s.ClientSerializer})
    def create(self, request: Request) -> Response:
        data = self._input(s.ClientInputSerializer, request.data, approver_ids=self._approvers())
        client = client_services.client_create(actor=self.user, **data)
        return self._render(self.get_queryset().get(pk=client.pk), code=status.HTTP_201_CREATED)

    @extend_schema(request=s.ClientInputSerializer, responses=s.ClientSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        client = self.get_object()
        data = self._input(s.ClientInputSerializer, request.data, partial=True, approver_ids=self._approvers())
        client = client_services.client_update(client=client, actor=self.user, data=data)
        return self._render(self.get_queryset().get(pk=client.pk))


class RateCardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Default hourly rates per pool and client kind, effective-dated."""

    queryset = RateCard.objects.none()

    serializer_class = s.RateCardSerializer
    roles = {"list": READ, "retrieve": READ, "create": {TM, FIN}, "destroy": {TM, FIN}}
    filterset_class = filters.RateCardFilter

    def scoped_queryset(self) -> QuerySet[RateCard]:
        return rate_card_list_for(user=self.user)

    @extend_schema(request=s.RateCardInputSerializer, responses={201: s.RateCardSerializer})
    def create(self, request: Request) -> Response:
        data = self._input(s.RateCardInputSerializer, request.data, pool_id=pool_list_for(user=self.user))
        card = rate_card_services.rate_card_create(actor=self.user, **data)
        return self._render(card, code=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        rate_card_services.rate_card_delete(rate_card=self.get_object(), actor=self.user, today=_today())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Placements. Secretaries see their own, without rates; approvers see their clients'."""

    queryset = Placement.objects.none()

    roles = {
        "list": READ | {SEC, APP},
        "retrieve": READ | {SEC, APP},
        "create": {TM},
        "partial_update": {TM},
        "activate": {TM},
        "end": {TM},
        "cancel": {TM},
        "change_rate": {TM},
    }
    filterset_class = filters.PlacementFilter
    ordering_fields = ["start_date", "end_date", "created_at"]

    def scoped_queryset(self) -> QuerySet[Placement]:
        return placement_list_for(user=self.user).prefetch_related(
            Prefetch("rates", queryset=PlacementRate.objects.order_by("valid_from"))
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if getattr(self, "swagger_fake_view", False) or self.user.role_set - {SEC}:
            return s.PlacementSerializer
        return s.PlacementPublicSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": _today()}

    def _done(self, placement: Placement, code: int = status.HTTP_200_OK) -> Response:
        return self._render(self.get_queryset().get(pk=placement.pk), code=code)

    @extend_schema(request=s.PlacementCreateInputSerializer, responses={201: s.PlacementSerializer})
    def create(self, request: Request) -> Response:
        data = self._input(
            s.PlacementCreateInputSerializer,
            request.data,
            secretary_id=secretary_list_for(user=self.user),
            client_id=client_list_for(user=self.user),
        )
        placement = placement_services.placement_create(actor=self.user, **data)
        return self._done(placement, status.HTTP_201_CREATED)

    @extend_schema(request=s.PlacementUpdateInputSerializer, responses=s.PlacementSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        placement = self.get_object()
        data = self._input(s.PlacementUpdateInputSerializer, request.data)
        override_reason = data.pop("override_reason", "")
        placement = placement_services.placement_update(
            placement=placement, actor=self.user, data=data, override_reason=override_reason
        )
        return self._done(placement)

    @extend_schema(request=None, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        placement = self.get_object()
        self._input(NoInputSerializer, request.data)
        return self._done(placement_services.placement_activate(placement=placement, actor=self.user))

    @extend_schema(request=s.PlacementEndInputSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        placement = self.get_object()
        data = self._input(s.PlacementEndInputSerializer, request.data)
        return self._done(placement_services.placement_end(placement=placement, actor=self.user, **data))

    @extend_schema(request=s.PlacementCancelInputSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        placement = self.get_object()
        data = self._input(s.PlacementCancelInputSerializer, request.data)
        return self._done(placement_services.placement_cancel(placement=placement, actor=self.user, **data))

    @extend_schema(request=s.PlacementRateInputSerializer, responses={201: s.PlacementSerializer})
    @action(detail=True, methods=["post"], url_path="rates")
    def change_rate(self, request: Request, pk: str | None = None) -> Response:
        """A new bill rate from a date on; earlier periods keep their rate."""
        placement = self.get_object()
        data = self._input(s.PlacementRateInputSerializer, request.data)
        placement_services.placement_change_rate(placement=placement, actor=self.user, **data)
        return self._done(placement, status.HTTP_201_CREATED)


class LeaveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Absence of secretaries; reduces their free capacity pro rata."""

    queryset = Leave.objects.none()

    serializer_class = s.LeaveSerializer
    roles = {
        "list": READ | {SEC},
        "retrieve": READ | {SEC},
        "create": {TM},
        "partial_update": {TM},
        "destroy": {TM},
    }
    filterset_class = filters.LeaveFilter

    def scoped_queryset(self) -> QuerySet[Leave]:
        return leave_list_for(user=self.user)

    @extend_schema(request=s.LeaveInputSerializer, responses={201: s.LeaveSerializer})
    def create(self, request: Request) -> Response:
        data = self._input(s.LeaveInputSerializer, request.data, secretary_id=secretary_list_for(user=self.user))
        leave = leave_services.leave_create(actor=self.user, **data)
        return self._render(leave, code=status.HTTP_201_CREATED)

    @extend_schema(request=s.LeaveUpdateInputSerializer, responses=s.LeaveSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        leave = self.get_object()
        data = self._input(s.LeaveUpdateInputSerializer, request.data)
        return self._render(leave_services.leave_update(leave=leave, actor=self.user, data=data))

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        leave_services.leave_delete(leave=self.get_object(), actor=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditEventViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The audit trail: every state change, who made it and when. Read only."""

    queryset = AuditEvent.objects.none()

    serializer_class = s.AuditEventSerializer
    roles = {"list": {FIN, Role.DIRECTOR}}
    filterset_class = filters.AuditEventFilter

    def scoped_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.select_related("actor")
