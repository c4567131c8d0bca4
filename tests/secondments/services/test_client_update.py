"""Changing clients (secondments/services/clients.py: client_update)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.models import AuditEvent
from backend.core.services import model_snapshot
from secondments.models import Client
from secondments.services.clients import client_update
from tests.factories import ClientFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor() -> User:
    return UserFactory(is_team_manager=True)


@pytest.fixture
def approver() -> User:
    return UserFactory(is_client_approver=True)


@pytest.fixture
def client(approver: User) -> Client:
    return ClientFactory(legal_name="Acme B.V.", billing_email="old@acme.example", approvers=[approver])


def stored(client: Client) -> dict[str, Any]:
    c = Client.objects.get(pk=client.pk)
    return model_snapshot(c) | {"approvers": sorted(c.approvers.values_list("pk", flat=True))}


def refused(client: Client, actor: User, data: dict[str, Any]) -> dict[str, list[str]]:
    before = (stored(client), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        client_update(client=client, actor=actor, data=data)
    assert (stored(client), AuditEvent.objects.count()) == before
    return excinfo.value.message_dict


def test_a_change_writes_one_audit_event_with_before_and_after(client: Client, actor: User, approver: User) -> None:
    before = stored(client)
    client_update(client=client, actor=actor, data={"billing_email": "invoices@acme.example"})
    after = stored(client)
    assert after == before | {"billing_email": "invoices@acme.example"}
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        actor,
        "client.update",
        "secondments.client",
        str(client.pk),
    )
    assert event.before == before
    assert event.after == after
    assert event.before["approvers"] == [approver.pk]


def test_no_change_writes_nothing(client: Client, actor: User) -> None:
    before = stored(client)
    client_update(client=client, actor=actor, data={"legal_name": "Acme B.V.", "postcode": "3511ED"})
    assert stored(client) == before
    assert AuditEvent.objects.count() == 0


def test_the_postcode_is_normalised_on_change(client: Client, actor: User) -> None:
    client_update(client=client, actor=actor, data={"postcode": "1234ab"})
    assert Client.objects.get(pk=client.pk).postcode == "1234 AB"


def test_an_invalid_postcode_is_refused(client: Client, actor: User) -> None:
    assert refused(client, actor, {"postcode": "12345"}) == {"postcode": ["A Dutch postcode looks like 1234 AB."]}


def test_the_vat_number_is_checked_on_change(client: Client, actor: User) -> None:
    assert refused(client, actor, {"vat_number": "NL004495446B01"}) == {
        "vat_number": ["NL004495446B01 is not a valid VAT number (The number's checksum or check digit is invalid)."]
    }


def test_moving_abroad_checks_the_vat_number_against_the_new_country(client: Client, actor: User) -> None:
    assert refused(client, actor, {"country": "DE", "postcode": "10115", "vat_treatment": "reverse_charge"}) == {
        "vat_number": ["A VAT number of DE starts with DE."]
    }


def test_moving_abroad_with_a_matching_vat_number_allows_reverse_charge(client: Client, actor: User) -> None:
    client_update(
        client=client,
        actor=actor,
        data={"country": "DE", "postcode": "10115", "vat_number": "DE136695976", "vat_treatment": "reverse_charge"},
    )
    c = Client.objects.get(pk=client.pk)
    assert (c.country, c.postcode, c.vat_number, c.vat_treatment) == ("DE", "10115", "DE136695976", "reverse_charge")


def test_reverse_charge_stays_refused_for_a_dutch_client(client: Client, actor: User) -> None:
    assert refused(client, actor, {"vat_treatment": "reverse_charge"}) == {
        "vat_treatment": ["Reverse charge applies to business customers in another EU country."]
    }


def test_the_kvk_number_is_checked_on_change(client: Client, actor: User) -> None:
    assert refused(client, actor, {"kvk_number": "1234"}) == {"kvk_number": ["A KvK number has exactly 8 digits."]}


def test_kind_may_change_without_placements(client: Client, actor: User) -> None:
    client_update(client=client, actor=actor, data={"kind": "internal", "vat_treatment": "none", "cost_centre": "INT1"})
    c = Client.objects.get(pk=client.pk)
    assert (c.kind, c.vat_treatment, c.cost_centre) == ("internal", "none", "INT1")


def test_becoming_internal_needs_a_cost_centre_and_no_vat(client: Client, actor: User) -> None:
    assert refused(client, actor, {"kind": "internal"}) == {
        "vat_treatment": ["An internal client is charged no VAT: use 'none'."],
        "cost_centre": ["An internal client needs a cost centre."],
    }


def test_kind_cannot_change_once_the_client_has_placements(client: Client, actor: User) -> None:
    PlacementFactory(client=client)
    assert refused(client, actor, {"kind": "internal", "vat_treatment": "none", "cost_centre": "INT1"}) == {
        "kind": ["The kind of a client with placements cannot change."]
    }


def test_other_fields_may_change_once_the_client_has_placements(client: Client, actor: User) -> None:
    PlacementFactory(client=client)
    client_update(client=client, actor=actor, data={"kind": "tenant", "city": "Amersfoort"})
    assert Client.objects.get(pk=client.pk).city == "Amersfoort"


def test_approvers_are_replaced_and_audited(client: Client, actor: User, approver: User) -> None:
    other = UserFactory(is_client_approver=True)
    client_update(client=client, actor=actor, data={"approvers": [other]})
    assert list(Client.objects.get(pk=client.pk).approvers.all()) == [other]
    event = AuditEvent.objects.get()
    assert (event.before["approvers"], event.after["approvers"]) == ([approver.pk], [other.pk])


def test_approvers_must_have_the_client_approver_role(client: Client, actor: User, approver: User) -> None:
    secretary = UserFactory(email="sec@example.org", is_secretary=True)
    assert refused(client, actor, {"approvers": [approver, secretary]}) == {
        "approver_ids": ["sec@example.org do(es) not have the client approver role."]
    }
