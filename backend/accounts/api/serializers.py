from rest_framework import serializers

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.api import InputSerializer
from backend.core.choices import Language


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "roles", "is_active"]
        read_only_fields = fields


class MeSerializer(UserSerializer):
    secretary_id = serializers.SerializerMethodField()
    approver_client_ids = serializers.SerializerMethodField()
    managed_pool_ids = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "secretary_id", "approver_client_ids", "managed_pool_ids"]
        read_only_fields = fields

    def get_secretary_id(self, user: User) -> int | None:
        secretary = getattr(user, "secretary", None)
        return secretary.pk if secretary else None

    def get_approver_client_ids(self, user: User) -> list[int]:
        return sorted(user.approver_clients.values_list("pk", flat=True))

    def get_managed_pool_ids(self, user: User) -> list[int]:
        return sorted(user.managed_pools.values_list("pk", flat=True))


class LoginInputSerializer(InputSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class UserCreateInputSerializer(InputSerializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=False)
    password = serializers.CharField(required=False, trim_whitespace=False, write_only=True)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.NL)


class UserUpdateInputSerializer(InputSerializer):
    email = serializers.EmailField(required=False)
    full_name = serializers.CharField(max_length=150, required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
