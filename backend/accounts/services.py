from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backend.accounts.models import ROLE_FIELDS, User
from backend.accounts.roles import Role
from backend.core.services import audit_record, model_snapshot

# Roles a team manager may hand out; the others are granted by an administrator.
MANAGER_GRANTABLE = {Role.SECRETARY, Role.CLIENT_APPROVER}


def _roles_clean(*, actor: User, roles: set[Role]) -> None:
    if actor.is_superuser:
        return
    forbidden = roles - MANAGER_GRANTABLE
    if forbidden:
        names = ", ".join(sorted(r.value for r in forbidden))
        raise ValidationError({"roles": [f"Only an administrator grants {names}."]})


@transaction.atomic
def user_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    roles: set[Role],
    password: str | None = None,
    language: str = "nl",
) -> User:
    email = email.strip().lower()
    _roles_clean(actor=actor, roles=roles)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["A user with this e-mail address exists."]})
    user = User(email=email, full_name=full_name, language=language, **{ROLE_FIELDS[r]: True for r in roles})
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after=model_snapshot(user, ["email", "full_name", *ROLE_FIELDS.values()]),
    )
    return user


@transaction.atomic
def user_update(*, user: User, actor: User, data: dict[str, Any]) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not actor.is_superuser and user.pk != actor.pk and user.role_set - MANAGER_GRANTABLE:
        raise PermissionDenied("Only an administrator changes a user with staff roles.")
    fields = ["email", "full_name", "language", "is_active", *ROLE_FIELDS.values()]
    before = model_snapshot(user, fields)
    if "roles" in data:
        wanted: set[Role] = set(data["roles"])
        _roles_clean(actor=actor, roles=wanted ^ user.role_set)
        for role, field in ROLE_FIELDS.items():
            setattr(user, field, role in wanted)
    if "email" in data:
        email = data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ValidationError({"email": ["A user with this e-mail address exists."]})
        user.email = email
    for key in ("full_name", "language", "is_active"):
        if key in data:
            setattr(user, key, data[key])
    if user.pk == actor.pk and "is_active" in data and not data["is_active"]:
        raise ValidationError({"is_active": ["You cannot deactivate yourself."]})
    after = model_snapshot(user, fields)
    if after != before:
        user.full_clean(exclude=["password"])
        user.save()
        audit_record(actor=actor, action="user.update", obj=user, before=before, after=after)
    return user


def user_login_audit(*, user: User) -> None:
    audit_record(actor=user, action="user.login", obj=user)
