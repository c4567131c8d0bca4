"""drf-spectacular extensions (loaded by CoreConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


class PrimaryKeyFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "backend.core.api.PrimaryKeyField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return build_basic_type(OpenApiTypes.INT)
