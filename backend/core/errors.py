"""One error shape for the whole API: ``{"message": str, "extra": {"fields": {...}}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.core.exceptions import ApplicationError


def _flatten(detail: Any) -> Any:
    """DRF's ErrorDetail tree to plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _as_field_dict(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return _flatten(detail)
    return {"non_field_errors": _flatten(detail if isinstance(detail, list) else [detail])}


def error_body(message: str, *, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"message": message, "extra": {"fields": fields or {}, **extra}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.message, fields=exc.fields, **exc.extra), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            fields = {"non_field_errors": list(exc.messages)}
        return Response(error_body("Validation failed.", fields=fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _as_field_dict(exc.detail)
        message = "Validation failed."
        non_field = fields.get("non_field_errors")
        if non_field and len(fields) == 1 and isinstance(non_field, list):
            message = str(non_field[0])
        response.data = error_body(message, fields=fields)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = str(detail) if not isinstance(detail, (dict, list)) else "Request failed."
        response.data = error_body(message)
    return response


def json_404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("Not found."), status=404)


def json_500(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("Server error."), status=500)


def json_403_csrf(request: HttpRequest, reason: str = "") -> JsonResponse:
    return JsonResponse(error_body(f"CSRF check failed: {reason}"), status=403)
