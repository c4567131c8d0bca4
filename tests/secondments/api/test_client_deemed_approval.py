"""Finance or a team manager turns deemed approval on and off per client; it is audited."""

from backend.core.models import AuditEvent
from secondments.models import Client
from tests.conftest import World


def test_deemed_approval_is_off_by_default_and_can_be_set_and_cleared(world: World, api) -> None:  # type: ignore[no-untyped-def]
    assert world.client.deemed_approval_days is None
    finance = api("finance")

    response = finance.patch(f"/api/v1/clients/{world.client.pk}/", {"deemed_approval_days": 5}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["deemed_approval_days"] == 5
    assert Client.objects.get(pk=world.client.pk).deemed_approval_days == 5
    event = AuditEvent.objects.get(action="client.update")
    assert (event.before["deemed_approval_days"], event.after["deemed_approval_days"]) == (None, 5)

    response = finance.patch(f"/api/v1/clients/{world.client.pk}/", {"deemed_approval_days": None}, format="json")
    assert response.status_code == 200
    assert Client.objects.get(pk=world.client.pk).deemed_approval_days is None


def test_a_negative_limit_is_refused_and_nothing_changes(world: World, api) -> None:  # type: ignore[no-untyped-def]
    response = api("finance").patch(f"/api/v1/clients/{world.client.pk}/", {"deemed_approval_days": -1}, format="json")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "deemed_approval_days": ["Ensure this value is greater than or equal to 0."]
    }
    assert Client.objects.get(pk=world.client.pk).deemed_approval_days is None
    assert not AuditEvent.objects.filter(action="client.update").exists()
