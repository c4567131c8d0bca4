"""Factories that encode the domain's rules: a secretary's base workload is
within their contract, a placement lies within the employment and has a rate,
an internal client has a cost centre and no VAT."""

import datetime
from decimal import Decimal
from typing import Any

import factory

from backend.accounts.models import User
from secondments.models import (
    Client,
    ClientKind,
    Leave,
    Placement,
    PlacementRate,
    PlacementStatus,
    Pool,
    RateCard,
    Secretary,
    VatTreatment,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password(PASSWORD)


class PoolFactory(factory.django.DjangoModelFactory[Pool]):
    class Meta:
        model = Pool
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Pool {n}")
    cost_centre = factory.Sequence(lambda n: f"CC{n:04d}")

    @factory.post_generation
    def managers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.managers.set(extracted)


class SecretaryFactory(factory.django.DjangoModelFactory[Secretary]):
    class Meta:
        model = Secretary

    user = factory.SubFactory(UserFactory, is_secretary=True)
    pool = factory.SubFactory(PoolFactory)
    contract_hours = Decimal("36.00")
    base_workload_hours = Decimal("16.00")
    skills = factory.LazyFunction(lambda: ["minutes", "agenda"])
    languages = factory.LazyFunction(lambda: ["nl", "en"])
    hourly_employer_cost = Decimal("42.50")
    employment_start = datetime.date(2020, 1, 1)
    employment_end = None
    active = True


class ClientFactory(factory.django.DjangoModelFactory[Client]):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    kind = ClientKind.TENANT
    legal_name = factory.Sequence(lambda n: f"Huurder {n} B.V.")
    street = "Stationsplein 1"
    postcode = "3511 ED"
    city = "Utrecht"
    country = "NL"
    kvk_number = "12345678"
    vat_number = "NL004495445B01"
    billing_email = factory.Sequence(lambda n: f"billing{n}@tenant.example")
    vat_treatment = VatTreatment.STANDARD
    cost_centre = ""

    class Params:
        internal = factory.Trait(
            kind=ClientKind.INTERNAL,
            vat_treatment=VatTreatment.NONE,
            vat_number="",
            kvk_number="",
            cost_centre=factory.Sequence(lambda n: f"INT{n:03d}"),
            legal_name=factory.Sequence(lambda n: f"Afdeling {n}"),
        )

    @factory.post_generation
    def approvers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.approvers.set(extracted)


class RateCardFactory(factory.django.DjangoModelFactory[RateCard]):
    class Meta:
        model = RateCard

    pool = factory.SubFactory(PoolFactory)
    client_kind = ClientKind.TENANT
    valid_from = datetime.date(2020, 1, 1)
    hourly_rate = Decimal("55.00")


class PlacementFactory(factory.django.DjangoModelFactory[Placement]):
    """A placement with its first rate row (as the service creates it)."""

    class Meta:
        model = Placement
        skip_postgeneration_save = True

    secretary = factory.SubFactory(SecretaryFactory)
    client = factory.SubFactory(ClientFactory)
    start_date = datetime.date(2026, 1, 5)
    end_date = None
    hours_per_week = Decimal("8.00")
    status = PlacementStatus.ACTIVE
    created_by = factory.SubFactory(UserFactory, is_team_manager=True)

    @factory.post_generation
    def rate(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            PlacementRate.objects.create(
                placement=self,
                valid_from=self.start_date,
                hourly_rate=extracted if extracted is not None else Decimal("55.00"),
                source=PlacementRate.Source.OVERRIDE,
                created_by=self.created_by,
            )


class LeaveFactory(factory.django.DjangoModelFactory[Leave]):
    class Meta:
        model = Leave

    secretary = factory.SubFactory(SecretaryFactory)
    start_date = datetime.date(2026, 3, 2)
    end_date = datetime.date(2026, 3, 6)
