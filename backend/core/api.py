"""Shared API building blocks."""

from typing import Any, cast

from rest_framework import serializers
from rest_framework.request import Request

from backend.accounts.models import User


class InputSerializer(serializers.Serializer):
    """Parses a request body. Unknown fields are refused, so a typo or a field
    the caller may not set never passes silently."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class PrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related object by id, looked up in a queryset the view scopes to the user."""

    def get_queryset(self) -> Any:
        # A many=True field binds its child with an empty name: use the parent's.
        name = self.field_name or getattr(self.parent, "field_name", "")
        scopes = self.context.get("scopes", {})
        if name not in scopes:
            raise KeyError(f"The view gives no queryset scope for {name!r}.")
        return scopes[name]


def request_user(request: Request) -> User:
    """The authenticated user of a request the permission classes have let through."""
    return cast(User, request.user)


class NoInputSerializer(InputSerializer):
    """For actions that take no body: anything sent is refused as an unknown field."""
