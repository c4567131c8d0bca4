"""What the placements API answers per role (secondments/api/views.py ``PlacementViewSet``), against the schema."""

from typing import Any

import pytest

from tests.conftest import World
from tests.openapi import component

pytestmark = pytest.mark.django_db

RATES = {"rates", "current_rate"}


@pytest.mark.parametrize("path", ["/api/v1/placements/", "/api/v1/placements/{id}/"])
def test_a_secretary_gets_placements_without_rates_as_the_schema_allows(world: World, api: Any, path: str) -> None:
    """Found by schemathesis: the schema required ``rates`` and ``current_rate``, which a secretary never gets."""
    response = api("secretary").get(path.format(id=world.placement.pk))

    assert response.status_code == 200
    body = response.json()
    placement = body["results"][0] if "results" in body else body
    schema = component("Placement")
    assert placement["id"] == world.placement.pk
    assert not RATES & set(placement)
    assert set(schema["required"]) <= set(placement) <= set(schema["properties"])
    assert RATES <= set(schema["properties"])


@pytest.mark.parametrize("role", ["team_manager", "client_approver", "finance", "director"])
def test_every_other_role_gets_the_rates(world: World, api: Any, role: str) -> None:
    response = api(role).get(f"/api/v1/placements/{world.placement.pk}/")

    assert response.status_code == 200
    placement = response.json()
    assert set(placement) == set(component("Placement")["properties"])
    assert placement["current_rate"] == "55.00"
    assert [rate["hourly_rate"] for rate in placement["rates"]] == ["55.00"]
