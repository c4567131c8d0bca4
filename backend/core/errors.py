"""One error shape for the whole API: ``{"message": str, "extra": {"fields": {...}}}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.core.exceptions import ApplicationError


def _field_messages(detail: Any, path: str, out: dict[str, list[str]]) -> None:
    """Nested errors (a list item, a nested object) become dotted paths: ``roles.0``, ``entries.3.hours``."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            # A nested object's own (non-field) errors belong to the object's path itself.
            nested = path if (key == "non_field_errors" and path) else (f"{path}.{key}" if path else str(key))
            _field_messages(value, nested, out)
    elif isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        for index, item in enumerate(detail):
            if item:
                _field_messages(item, f"{path}.{index}" if path else str(index), out)
    else:
        items = detail if isinstance(detail, list) else [detail]
        out.setdefault(path or "non_field_errors", []).extend(str(m) for m in items)


def _as_field_dict(detail: Any) -> dict[str, list[str]]:
    """Every field maps to a list of messages, whatever the nesting of DRF's error tree."""
    out: dict[str, list[str]] = {}
    _field_messages(detail, "", out)
    return out


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
        exc = exceptions.PermissionDenied(str(exc) or None)

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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF refusals: the error shape for the API, Django's own page elsewhere (the admin)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(f"CSRF check failed: {reason}"), status=403)
    return django_csrf_failure(request, reason=reason)
