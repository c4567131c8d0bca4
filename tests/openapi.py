"""The OpenAPI schema as served at /api/schema/, for tests that check what an operation documents."""

from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator


@cache
def api_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def documented_responses(path: str, method: str) -> dict[str, Any]:
    """The responses documented for ``method`` on ``path`` (``/api/v1/...``), by status code."""
    return dict(api_schema()["paths"][path][method.lower()]["responses"])


def component(name: str) -> dict[str, Any]:
    return dict(api_schema()["components"]["schemas"][name])


def response_schema(path: str, method: str, code: str) -> dict[str, Any]:
    return dict(documented_responses(path, method)[code]["content"]["application/json"]["schema"])


def parameter_names(path: str, method: str) -> set[str]:
    return {p["name"] for p in api_schema()["paths"][path][method.lower()].get("parameters", [])}
