"""Page-number pagination (backend/core/pagination.py)."""

from typing import Any

import pytest

from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["260", "0", "-1", "last-but-one"])
def test_a_page_that_does_not_exist_is_bad_input_for_page(world: World, api: Any, page: str) -> None:
    """Found by schemathesis: DRF answered 404 "Invalid page.", which no list operation documents."""
    response = api("team_manager").get(f"/api/v1/clients/?page={page}")
    assert response.status_code == 400
    assert response.json() == {"message": "Validation failed.", "extra": {"fields": {"page": ["Invalid page."]}}}


def test_the_last_page_and_the_page_size_still_work(world: World, api: Any) -> None:
    response = api("team_manager").get("/api/v1/clients/?page=2&page_size=1")
    assert response.status_code == 200
    assert [c["legal_name"] for c in response.json()["results"]] == ["Globex B.V."]
