"""The one error the services raise for a refused business action.

Services raise ``ApplicationError`` (or Django's ``ValidationError`` for field
problems); the API's exception handler renders both in the one error shape.
"""

from typing import Any


class ApplicationError(Exception):
    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, extra: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}
