"""drf-spectacular extensions (loaded by CoreConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


class PrimaryKeyFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "backend.core.api.PrimaryKeyField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return build_basic_type(OpenApiTypes.INT)


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the API.",
    "properties": {
        "message": {"type": "string", "description": "What went wrong, for people."},
        "extra": {
            "type": "object",
            "properties": {
                "fields": {
                    "type": "object",
                    "description": "Messages per input field; nested input uses dotted paths such as `roles.0`.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                }
            },
            "required": ["fields"],
            "additionalProperties": True,
        },
    },
    "required": ["message", "extra"],
}
ERROR_DESCRIPTIONS = {
    "400": "Bad input: a message per field; nothing was written.",
    "403": "Not logged in, or the role does not allow this action.",
    "404": "No such object, or not visible to this user.",
}
PUBLIC_OPERATIONS = {"v1_auth_csrf_retrieve", "v1_auth_login_create", "v1_auth_token_create"}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: Any) -> dict[str, Any]:
    """Document the error shape on every operation (drf-spectacular post-processing hook)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = []
            if method in {"post", "patch", "put", "delete"} or operation.get("parameters"):
                codes.append("400")
            if operation.get("operationId") not in PUBLIC_OPERATIONS:
                codes.append("403")
            if "{" in path:
                codes.append("404")
            for code in codes:
                operation.setdefault("responses", {}).setdefault(
                    code, {"description": ERROR_DESCRIPTIONS[code], "content": ref}
                )
            # An error a view documents itself (``OpenApiResponse(description=...)``) has the one error shape too.
            for code, response in operation.get("responses", {}).items():
                if code[0] in "45" and "content" not in response:
                    response["content"] = ref
    return result


class PlacementSerializerExtension(OpenApiSerializerExtension):
    """A secretary gets a placement without its rates (``PlacementPublicSerializer``, same component):
    ``rates`` and ``current_rate`` are there for every other role, so they are documented but not required."""

    target_class = "secondments.api.serializers.PlacementSerializer"
    ROLE_DEPENDENT = ("rates", "current_rate")

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = [name for name in schema.get("required", []) if name not in self.ROLE_DEPENDENT]
        return schema


class SingleObjectListSchema(AutoSchema):
    """For a viewset whose ``list`` answers one object (a report), not an array of them."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
