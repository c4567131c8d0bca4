"""Creating clients (secondments/services/clients.py: client_create)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from backend.accounts.models import User
from backend.core.models import AuditEvent
from secondments.models import Client
from secondments.services.clients import client_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor() -> User:
    return UserFactory(is_team_manager=True)


def tenant(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "tenant",
        "legal_name": "Acme B.V.",
        "street": "Stationsplein 1",
        "postcode": "3511 ED",
        "city": "Utrecht",
        "country": "NL",
        "kvk_number": "12345678",
        "vat_number": "NL004495445B01",
        "billing_email": "billing@acme.example",
        "vat_treatment": "standard",
    }
    data.update(overrides)
    return data


def foreign(country: str, vat_number: str, **overrides: Any) -> dict[str, Any]:
    data = tenant(
        country=country,
        postcode="10115",
        city="Berlin",
        kvk_number="",
        vat_number=vat_number,
        vat_treatment="reverse_charge",
    )
    data.update(overrides)
    return data


def internal(**overrides: Any) -> dict[str, Any]:
    data = tenant(
        kind="internal",
        legal_name="Afdeling Communicatie",
        kvk_number="",
        vat_number="",
        vat_treatment="none",
        cost_centre="INT042",
    )
    data.update(overrides)
    return data


def refused(actor: User, **data: Any) -> dict[str, list[str]]:
    before = (Client.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        client_create(actor=actor, **data)
    assert (Client.objects.count(), AuditEvent.objects.count()) == before
    return excinfo.value.message_dict


def test_creates_a_tenant_and_one_audit_event(actor: User) -> None:
    approver = UserFactory(is_client_approver=True)
    client = client_create(actor=actor, approvers=[approver], **tenant())
    client.refresh_from_db()
    assert (client.kind, client.legal_name, client.country, client.vat_treatment) == (
        "tenant",
        "Acme B.V.",
        "NL",
        "standard",
    )
    assert list(client.approvers.all()) == [approver]
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        actor,
        "client.create",
        "secondments.client",
        str(client.pk),
    )
    assert event.before is None
    assert event.after["legal_name"] == "Acme B.V."
    assert event.after["vat_number"] == "NL004495445B01"
    assert event.after["id"] == client.pk


def test_numbers_and_postcode_are_normalised(actor: User) -> None:
    client = client_create(
        actor=actor, **tenant(postcode="1234ab", kvk_number="1234 5678", vat_number="nl 0044.95445.B01")
    )
    client.refresh_from_db()
    assert (client.postcode, client.kvk_number, client.vat_number) == ("1234 AB", "12345678", "NL004495445B01")


@pytest.mark.parametrize("postcode", ["1234 AB", "1234AB", "1234 ab", "NL-1234 AB", " 1234  ab "])
def test_dutch_postcodes_become_1234_space_ab(actor: User, postcode: str) -> None:
    client = client_create(actor=actor, **tenant(postcode=postcode))
    assert Client.objects.get(pk=client.pk).postcode == "1234 AB"


@pytest.mark.parametrize("postcode", ["0123 AB", "1234 A", "12345 AB", "1234 SS", "ABCD 12"])
def test_invalid_dutch_postcodes_are_refused(actor: User, postcode: str) -> None:
    assert refused(actor, **tenant(postcode=postcode)) == {"postcode": ["A Dutch postcode looks like 1234 AB."]}


def test_foreign_postcodes_are_kept_as_given(actor: User) -> None:
    client = client_create(actor=actor, **foreign("DE", "DE136695976"))
    assert Client.objects.get(pk=client.pk).postcode == "10115"


@pytest.mark.parametrize(
    ("country", "vat_number", "treatment"),
    [
        ("NL", "NL004495445B01", "standard"),
        ("NL", "NL004495445B02", "standard"),  # the B suffix is a branch number, not a check digit
        ("DE", "DE136695976", "reverse_charge"),
        ("BE", "BE0403170701", "reverse_charge"),
        ("GR", "EL094259216", "reverse_charge"),  # Greece uses the prefix EL
        ("de", "de 136 695 976", "reverse_charge"),
    ],
)
def test_valid_vat_numbers(actor: User, country: str, vat_number: str, treatment: str) -> None:
    kwargs = tenant(vat_number=vat_number) if country == "NL" else foreign(country, vat_number)
    client = client_create(actor=actor, **kwargs)
    client.refresh_from_db()
    assert client.vat_number == vat_number.replace(" ", "").upper()
    assert client.country == country.upper()
    assert client.vat_treatment == treatment


@pytest.mark.parametrize(
    ("vat_number", "message"),
    [
        (
            "NL004495446B01",
            "NL004495446B01 is not a valid VAT number (The number's checksum or check digit is invalid).",
        ),
        ("NL004495445B00", "NL004495445B00 is not a valid VAT number (The number has an invalid format)."),
        ("NL12", "NL12 is not a valid VAT number (The number has an invalid format)."),
    ],
)
def test_invalid_dutch_vat_numbers_are_refused(actor: User, vat_number: str, message: str) -> None:
    assert refused(actor, **tenant(vat_number=vat_number)) == {"vat_number": [message]}


def test_an_invalid_german_checksum_is_refused(actor: User) -> None:
    assert refused(actor, **foreign("DE", "DE136695978")) == {
        "vat_number": ["DE136695978 is not a valid VAT number (The number's checksum or check digit is invalid)."]
    }


@pytest.mark.parametrize("vat_number", ["DE136695976", "BE0403170701"])
def test_a_vat_number_of_another_country_is_refused(actor: User, vat_number: str) -> None:
    assert refused(actor, **tenant(vat_number=vat_number)) == {"vat_number": ["A VAT number of NL starts with NL."]}


@pytest.mark.parametrize("vat_number", ["004495445B01", "US123456789"])
def test_a_vat_number_without_a_known_country_prefix_is_refused(actor: User, vat_number: str) -> None:
    assert refused(actor, **tenant(vat_number=vat_number)) == {"vat_number": ["A VAT number of NL starts with NL."]}


def test_vat_numbers_outside_the_eu_are_not_checked_and_refused(actor: User) -> None:
    assert refused(actor, **tenant(country="CH", postcode="8001", vat_number="CHE-123.456.789", kvk_number="")) == {
        "vat_number": ["VAT numbers are checked for NL and other EU countries only."]
    }


def test_a_client_outside_the_eu_without_vat_number_is_standard(actor: User) -> None:
    client = client_create(actor=actor, **tenant(country="CH", postcode="8001", vat_number="", kvk_number=""))
    assert Client.objects.get(pk=client.pk).country == "CH"


@pytest.mark.parametrize(
    ("kvk", "stored"), [("12345678", "12345678"), ("1234 5678", "12345678"), ("12.34.56.78", "12345678"), ("", "")]
)
def test_kvk_numbers_of_eight_digits(actor: User, kvk: str, stored: str) -> None:
    client = client_create(actor=actor, **tenant(kvk_number=kvk))
    assert Client.objects.get(pk=client.pk).kvk_number == stored


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "KVK12345"])
def test_kvk_numbers_not_of_eight_digits_are_refused(actor: User, kvk: str) -> None:
    assert refused(actor, **tenant(kvk_number=kvk)) == {"kvk_number": ["A KvK number has exactly 8 digits."]}


# --- VAT treatment ---------------------------------------------------------------------------------


def test_reverse_charge_for_an_eu_business_with_a_vat_number(actor: User) -> None:
    client = client_create(actor=actor, **foreign("BE", "BE0403170701"))
    assert Client.objects.get(pk=client.pk).vat_treatment == "reverse_charge"


def test_reverse_charge_is_not_for_a_dutch_client(actor: User) -> None:
    assert refused(actor, **tenant(vat_treatment="reverse_charge")) == {
        "vat_treatment": ["Reverse charge applies to business customers in another EU country."]
    }


def test_reverse_charge_needs_a_vat_number(actor: User) -> None:
    assert refused(actor, **foreign("DE", "")) == {"vat_number": ["Reverse charge needs the customer's VAT number."]}


def test_reverse_charge_is_not_for_a_client_outside_the_eu(actor: User) -> None:
    assert refused(actor, **foreign("US", "", postcode="10001")) == {
        "vat_treatment": ["Reverse charge applies to business customers in another EU country."],
        "vat_number": ["Reverse charge needs the customer's VAT number."],
    }


def test_a_tenant_is_charged_vat(actor: User) -> None:
    assert refused(actor, **tenant(vat_treatment="none")) == {
        "vat_treatment": ["A tenant is charged VAT: use 'standard' or 'reverse_charge'."]
    }


def test_an_internal_client_with_a_cost_centre_and_no_vat(actor: User) -> None:
    client = client_create(actor=actor, **internal())
    client.refresh_from_db()
    assert (client.kind, client.vat_treatment, client.cost_centre) == ("internal", "none", "INT042")


def test_an_internal_client_needs_a_cost_centre(actor: User) -> None:
    assert refused(actor, **internal(cost_centre="")) == {"cost_centre": ["An internal client needs a cost centre."]}


@pytest.mark.parametrize("treatment", ["standard", "reverse_charge"])
def test_an_internal_client_is_charged_no_vat(actor: User, treatment: str) -> None:
    assert refused(actor, **internal(vat_treatment=treatment)) == {
        "vat_treatment": ["An internal client is charged no VAT: use 'none'."]
    }


def test_all_problems_are_reported_at_once(actor: User) -> None:
    assert refused(actor, **internal(cost_centre="", vat_treatment="standard", postcode="x", kvk_number="1")) == {
        "postcode": ["A Dutch postcode looks like 1234 AB."],
        "kvk_number": ["A KvK number has exactly 8 digits."],
        "vat_treatment": ["An internal client is charged no VAT: use 'none'."],
        "cost_centre": ["An internal client needs a cost centre."],
    }


# --- approvers -------------------------------------------------------------------------------------


def test_approvers_must_have_the_client_approver_role(actor: User) -> None:
    approver = UserFactory(is_client_approver=True)
    finance = UserFactory(email="fin@example.org", is_finance=True)
    assert refused(actor, approvers=[approver, finance], **tenant()) == {
        "approver_ids": ["fin@example.org do(es) not have the client approver role."]
    }


def test_a_client_may_start_without_approvers(actor: User) -> None:
    client = client_create(actor=actor, **tenant())
    assert list(client.approvers.all()) == []
