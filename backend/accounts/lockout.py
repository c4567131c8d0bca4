from typing import Any

from django.http import HttpRequest, JsonResponse

from backend.core.errors import error_body

LOCKOUT_MESSAGE = "Too many failed login attempts for this account from your address. Try again later."


def lockout_response(
    request: HttpRequest, response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> JsonResponse:
    """django-axes lockout, in the API's error shape (HTTP 429)."""
    return JsonResponse(
        error_body(LOCKOUT_MESSAGE),
        status=429,
    )
