from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate, login, logout
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.api.serializers import (
    LoginInputSerializer,
    MeSerializer,
    TokenSerializer,
    UserCreateInputSerializer,
    UserSerializer,
    UserUpdateInputSerializer,
)
from backend.accounts.lockout import LOCKOUT_MESSAGE
from backend.accounts.models import User
from backend.accounts.roles import ALL_ROLES, STAFF_READERS, Role
from backend.accounts.selectors import user_list_for
from backend.accounts.services import user_create, user_login_audit, user_update
from backend.core.api import request_user
from backend.core.errors import error_body
from backend.core.permissions import PublicPermission

LOCKED_OUT = OpenApiResponse(description="Too many failed logins for this account from this address (django-axes).")
CSRF_REFUSED = OpenApiResponse(description="CSRF check failed: fetch `auth/csrf/` first and send its token.")


def _authenticate(request: Request) -> tuple[User | None, Response | None]:
    data = LoginInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        user = authenticate(
            request._request, username=data.validated_data["email"].lower(), password=data.validated_data["password"]
        )
    except AxesBackendPermissionDenied:
        user = None
    if getattr(request._request, "axes_locked_out", False):
        return None, Response(error_body(LOCKOUT_MESSAGE), status=status.HTTP_429_TOO_MANY_REQUESTS)
    if user is None or not user.is_active:
        return None, Response(error_body("E-mail address or password is wrong."), status=status.HTTP_400_BAD_REQUEST)
    return user, None


@extend_schema(responses=inline_serializer("Csrf", {"csrf_token": serializers.CharField()}))
@api_view(["GET"])
@permission_classes([PublicPermission])
def csrf_view(request: Request) -> Response:
    """Sets the CSRF cookie; the browser app sends it back in the X-CSRFToken header."""
    return Response({"csrf_token": get_token(request._request)})


@method_decorator(csrf_protect, name="dispatch")
class LoginView(APIView):
    """Session login with e-mail and password (django-axes lockout per account and address).

    CSRF is checked here too (login CSRF): fetch ``auth/csrf/`` first and send the token.
    """

    permission_classes = [PublicPermission]
    authentication_classes: list[Any] = []

    @extend_schema(
        request=LoginInputSerializer,
        responses={200: MeSerializer, 403: CSRF_REFUSED, 429: LOCKED_OUT},
    )
    def post(self, request: Request) -> Response:
        user, refusal = _authenticate(request)
        if refusal is not None:
            return refusal
        assert user is not None
        login(request._request, user)  # cycles the session key
        user_login_audit(user=user)
        return Response(MeSerializer(user).data)


class LogoutView(APIView):
    """Ends the session (flushes it server-side)."""

    roles = {"post": set(ALL_ROLES)}

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    roles = {"get": set(ALL_ROLES)}

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request_user(request)).data)


class TokenView(APIView):
    """Token for integrations: POST e-mail and password, then send ``Authorization: Token <key>``."""

    permission_classes = [PublicPermission]
    authentication_classes: list[Any] = []

    @extend_schema(request=LoginInputSerializer, responses={200: TokenSerializer, 429: LOCKED_OUT})
    def post(self, request: Request) -> Response:
        user, refusal = _authenticate(request)
        if refusal is not None:
            return refusal
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[User]):
    """Users. Team managers create secretaries and client approvers; staff roles are granted in the admin."""

    serializer_class = UserSerializer
    roles = {
        "list": set(STAFF_READERS),
        "retrieve": set(STAFF_READERS),
        "create": {Role.TEAM_MANAGER},
        "partial_update": {Role.TEAM_MANAGER},
    }
    filterset_fields = ["is_active", "is_secretary", "is_client_approver", "is_team_manager"]
    search_fields = ["email", "full_name"]
    ordering_fields = ["full_name", "email"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[User]:
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return user_list_for(user=request_user(self.request))

    @extend_schema(request=UserCreateInputSerializer, responses={201: UserSerializer})
    def create(self, request: Request) -> Response:
        data = UserCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["roles"] = {Role(r) for r in values["roles"]}
        user = user_create(actor=request_user(request), **values)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserUpdateInputSerializer, responses=UserSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        user = self.get_object()
        data = UserUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "roles" in values:
            values["roles"] = {Role(r) for r in values["roles"]}
        user = user_update(user=user, actor=request_user(request), data=values)
        return Response(UserSerializer(user).data)
