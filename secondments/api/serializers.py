"""Output serializers render; input serializers parse. Neither holds business rules."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.api import InputSerializer, PrimaryKeyField
from backend.core.models import AuditEvent
from secondments.models import (
    ApprovalPeriod,
    Client,
    ClientKind,
    Language,
    Leave,
    LeaveKind,
    Placement,
    PlacementRate,
    PlacementStatus,
    Pool,
    RateCard,
    Secretary,
    VatTreatment,
)


def _hours(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.00"), max_value=Decimal("168.00"), **kwargs
    )


def _placement_hours(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("60"), **kwargs
    )


def _rate(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), **kwargs)


def _tag_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=50)


# ---------------------------------------------------------------- output


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PoolSerializer(serializers.ModelSerializer[Pool]):
    manager_ids = serializers.SerializerMethodField()

    class Meta:
        model = Pool
        fields = ["id", "name", "cost_centre", "manager_ids", "created_at"]

    def get_manager_ids(self, pool: Pool) -> list[int]:
        return sorted(u.pk for u in pool.managers.all())


class SecretarySerializer(serializers.ModelSerializer[Secretary]):
    """A secretary as team managers, approvers and the secretary themselves see them: no costs."""

    user_id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    pool = RefSerializer(read_only=True)

    class Meta:
        model = Secretary
        fields = [
            "id",
            "user_id",
            "full_name",
            "email",
            "pool",
            "contract_hours",
            "base_workload_hours",
            "skills",
            "languages",
            "employment_start",
            "employment_end",
            "active",
        ]


class SecretaryWithCostSerializer(SecretarySerializer):
    """For finance and directors only."""

    class Meta(SecretarySerializer.Meta):
        fields = [*SecretarySerializer.Meta.fields, "hourly_employer_cost"]


class ClientSerializer(serializers.ModelSerializer[Client]):
    approver_ids = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "kind",
            "legal_name",
            "street",
            "postcode",
            "city",
            "country",
            "kvk_number",
            "vat_number",
            "billing_email",
            "payment_term_days",
            "invoice_language",
            "vat_treatment",
            "cost_centre",
            "approval_period",
            "deemed_approval_days",
            "approver_ids",
            "active",
            "created_at",
        ]

    def get_approver_ids(self, client: Client) -> list[int]:
        return sorted(u.pk for u in client.approvers.all())


class RateCardSerializer(serializers.ModelSerializer[RateCard]):
    pool = RefSerializer(read_only=True)

    class Meta:
        model = RateCard
        fields = ["id", "pool", "client_kind", "valid_from", "hourly_rate", "created_at"]


class PlacementRateSerializer(serializers.ModelSerializer[PlacementRate]):
    class Meta:
        model = PlacementRate
        fields = ["valid_from", "hourly_rate", "source"]


class PlacementClientSerializer(serializers.ModelSerializer[Client]):
    class Meta:
        model = Client
        fields = ["id", "legal_name", "kind"]


class PlacementSecretarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField(source="user.full_name")
    pool = RefSerializer()


class PlacementPublicSerializer(serializers.ModelSerializer[Placement]):
    """What a secretary sees of a placement: no rates."""

    secretary = PlacementSecretarySerializer(read_only=True)
    client = PlacementClientSerializer(read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "secretary",
            "client",
            "start_date",
            "end_date",
            "hours_per_week",
            "purpose",
            "status",
            "notes",
            "created_at",
        ]


class PlacementSerializer(PlacementPublicSerializer):
    """A placement with its bill rates; a secretary gets it without ``rates`` and ``current_rate``."""

    rates = PlacementRateSerializer(many=True, read_only=True)
    current_rate = serializers.SerializerMethodField()

    class Meta(PlacementPublicSerializer.Meta):
        fields = [*PlacementPublicSerializer.Meta.fields, "rates", "current_rate"]

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_current_rate(self, placement: Placement) -> str | None:
        from secondments.selectors.rates import placement_rate_on

        today = self.context["today"]
        rate = placement_rate_on(
            placement=placement, day=max(min(today, placement.end_date or today), placement.start_date)
        )
        return None if rate is None else f"{rate:.2f}"


class LeaveSerializer(serializers.ModelSerializer[Leave]):
    secretary_name = serializers.CharField(source="secretary.user.full_name", read_only=True)

    class Meta:
        model = Leave
        fields = ["id", "secretary_id", "secretary_name", "start_date", "end_date", "kind", "note"]


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "before", "after", "reason"]

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor.email if event.actor else None


class WeekCapacitySerializer(serializers.Serializer):
    week = serializers.CharField()
    monday = serializers.DateField(source="week.monday")
    available = serializers.DecimalField(max_digits=7, decimal_places=2)
    leave = serializers.DecimalField(max_digits=7, decimal_places=2)
    placed = serializers.DecimalField(max_digits=7, decimal_places=2)
    free = serializers.DecimalField(max_digits=7, decimal_places=2)
    placement_ids = serializers.ListField(child=serializers.IntegerField())


class BoardRowSerializer(serializers.Serializer):
    secretary = PlacementSecretarySerializer()
    weeks = WeekCapacitySerializer(many=True)


class BoardPlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    secretary_id = serializers.IntegerField()
    client = serializers.CharField(source="client.legal_name")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    hours_per_week = serializers.DecimalField(max_digits=5, decimal_places=2)
    status = serializers.CharField()


class PoolBoardSerializer(serializers.Serializer):
    weeks = serializers.ListField(child=serializers.CharField())
    rows = BoardRowSerializer(many=True)
    placements = BoardPlacementSerializer(many=True)


class CandidateSerializer(serializers.Serializer):
    secretary = PlacementSecretarySerializer()
    skills = serializers.ListField(child=serializers.CharField(), source="secretary.skills")
    languages = serializers.ListField(child=serializers.CharField(), source="secretary.languages")
    matched_skills = serializers.ListField(child=serializers.CharField())
    matched_languages = serializers.ListField(child=serializers.CharField())
    fit = serializers.DecimalField(max_digits=3, decimal_places=2)
    min_free = serializers.DecimalField(max_digits=7, decimal_places=2)
    weeks = WeekCapacitySerializer(many=True)


# ---------------------------------------------------------------- input


class PoolInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=120)
    cost_centre = serializers.CharField(max_length=40)
    manager_ids = PrimaryKeyField(many=True, required=False, source="managers", queryset=None)


class SecretaryCreateInputSerializer(InputSerializer):
    user_id = PrimaryKeyField(source="user", queryset=None)
    pool_id = PrimaryKeyField(source="pool", queryset=None)
    contract_hours = _hours()
    base_workload_hours = _hours()
    skills = _tag_list()
    languages = _tag_list()
    employment_start = serializers.DateField()
    employment_end = serializers.DateField(required=False, allow_null=True)


class SecretaryUpdateInputSerializer(InputSerializer):
    pool_id = PrimaryKeyField(source="pool", queryset=None, required=False)
    contract_hours = _hours(required=False)
    base_workload_hours = _hours(required=False)
    skills = _tag_list()
    languages = _tag_list()
    employment_start = serializers.DateField(required=False)
    employment_end = serializers.DateField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)


class EmployerCostInputSerializer(InputSerializer):
    hourly_employer_cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.00"))


class ClientInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=ClientKind.choices)
    legal_name = serializers.CharField(max_length=200)
    street = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=12)
    city = serializers.CharField(max_length=100)
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", default="NL", error_messages={"invalid": "A two-letter country code such as NL."}
    )
    kvk_number = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    vat_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    billing_email = serializers.EmailField()
    payment_term_days = serializers.IntegerField(min_value=0, max_value=120, default=30)
    invoice_language = serializers.ChoiceField(choices=Language.choices, default=Language.NL)
    vat_treatment = serializers.ChoiceField(choices=VatTreatment.choices)
    cost_centre = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    approval_period = serializers.ChoiceField(choices=ApprovalPeriod.choices, default=ApprovalPeriod.MONTHLY)
    deemed_approval_days = serializers.IntegerField(
        min_value=0,
        max_value=60,
        required=False,
        allow_null=True,
        default=None,
        help_text="Approve submitted hours automatically after this many working days; null: off (the default).",
    )
    approver_ids = PrimaryKeyField(many=True, required=False, source="approvers", queryset=None)
    active = serializers.BooleanField(required=False, default=True)


class RateCardInputSerializer(InputSerializer):
    pool_id = PrimaryKeyField(source="pool", queryset=None)
    client_kind = serializers.ChoiceField(choices=ClientKind.choices)
    valid_from = serializers.DateField()
    hourly_rate = _rate()


class PlacementCreateInputSerializer(InputSerializer):
    secretary_id = PrimaryKeyField(source="secretary", queryset=None)
    client_id = PrimaryKeyField(source="client", queryset=None)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    hours_per_week = _placement_hours()
    hourly_rate = _rate(required=False, allow_null=True, default=None)
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    status = serializers.ChoiceField(
        choices=[PlacementStatus.DRAFT, PlacementStatus.ACTIVE], default=PlacementStatus.ACTIVE
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PlacementUpdateInputSerializer(InputSerializer):
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    hours_per_week = _placement_hours(required=False)
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PlacementEndInputSerializer(InputSerializer):
    end_date = serializers.DateField()


class PlacementCancelInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)


class PlacementRateInputSerializer(InputSerializer):
    valid_from = serializers.DateField()
    hourly_rate = _rate()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LeaveInputSerializer(InputSerializer):
    secretary_id = PrimaryKeyField(source="secretary", queryset=None)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    kind = serializers.ChoiceField(choices=LeaveKind.choices, default=LeaveKind.VACATION)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LeaveUpdateInputSerializer(InputSerializer):
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=LeaveKind.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CapacityQuerySerializer(InputSerializer):
    start = serializers.DateField(required=False)
    weeks = serializers.IntegerField(min_value=1, max_value=104, default=12)


class AvailabilityQuerySerializer(InputSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    hours_per_week = _placement_hours()
    skills = serializers.CharField(required=False, allow_blank=True, default="")
    languages = serializers.CharField(required=False, allow_blank=True, default="")
    pool_id = serializers.IntegerField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end lies before the start."]})
        if (attrs["end"] - attrs["start"]).days > 3 * 366:
            raise serializers.ValidationError({"end": ["Search at most three years at a time."]})
        return attrs
