"""A secretary's free hours per week (secondments/api/views.py ``SecretaryViewSet.capacity``)."""

from typing import Any

import pytest

from tests.conftest import World
from tests.openapi import parameter_names, response_schema

pytestmark = pytest.mark.django_db

CAPACITY = "/api/v1/secretaries/{id}/capacity/"


def test_the_weeks_are_a_plain_list_as_documented(world: World, api: Any) -> None:
    """Found by schemathesis: the schema documented a paginated page, the view answers the list of weeks."""
    response = api("team_manager").get(CAPACITY.format(id=world.secretary.pk) + "?start=2026-06-15&weeks=3")

    assert response.status_code == 200
    assert [week["week"] for week in response.json()] == ["2026-W25", "2026-W26", "2026-W27"]
    assert response_schema(CAPACITY, "get", "200") == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/WeekCapacity"},
    }


@pytest.mark.parametrize("query", ["page=2", "page_size=1", "active=false", "q=nobody", "ordering=contract_hours"])
def test_the_list_filters_and_pages_are_neither_documented_nor_accepted(world: World, api: Any, query: str) -> None:
    """The secretaries list's filters and pages were documented for one secretary's weeks too; they are
    unknown parameters there (400, as for any other unknown parameter)."""
    name = query.split("=")[0]
    response = api("team_manager").get(CAPACITY.format(id=world.secretary.pk) + f"?weeks=2&{query}")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {name: ["Unknown field."]}
    assert parameter_names(CAPACITY, "get") == {"id", "start", "weeks"}
