import functools
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.core.db import prepared_cursor


def user_list_for(*, user: User) -> QuerySet[User]:
    """Users a person may see.

    Finance and directors see everyone. A team manager sees themselves, the
    secretaries of the pools they manage, and people who hold no staff role and
    no secretary profile elsewhere (client approvers, who are organisation-wide
    like the clients, and new users without a role yet).
    """
    qs = User.objects.all()
    if user.has_role(Role.FINANCE, Role.DIRECTOR):
        return qs
    if user.has_role(Role.TEAM_MANAGER):
        no_staff_role = Q(is_team_manager=False, is_finance=False, is_director=False, is_superuser=False)
        return qs.filter(
            Q(pk=user.pk) | Q(secretary__pool__managers=user) | (no_staff_role & Q(secretary__isnull=True))
        ).distinct()
    return qs.none()


def user_placeable() -> QuerySet[User]:
    """Users a team manager may give a secretary profile: active, no profile yet, no staff role."""
    return User.objects.filter(
        is_active=True,
        secretary__isnull=True,
        is_team_manager=False,
        is_finance=False,
        is_director=False,
        is_superuser=False,
    )


def token_with_user(*, key: str) -> Token | None:
    """The API token ``key`` with its user (``token.user`` loaded), or None: what DRF's token
    authentication reads on every request that sends a token, in one statement prepared on PostgreSQL
    (``backend/core/db.py``; the ORM took about as long to build it as the rest of a cached request)."""
    if connection.vendor != "postgresql":
        return Token.objects.select_related("user").filter(key=key).first()
    token_fields, user_fields = _token_user_fields()
    with prepared_cursor() as cursor:
        cursor.execute(_token_user_sql(), {"key": key})
        row = cursor.fetchone()
    if row is None:
        return None
    token = Token.from_db(connection.alias, [f.attname for f in token_fields], row[: len(token_fields)])
    token.user = User.from_db(connection.alias, [f.attname for f in user_fields], row[len(token_fields) :])
    return token


@functools.cache
def _token_user_fields() -> tuple[list[Any], list[Any]]:
    return list(Token._meta.concrete_fields), list(User._meta.concrete_fields)


@functools.cache
def _token_user_sql() -> str:
    token_fields, user_fields = _token_user_fields()
    q = connection.ops.quote_name
    columns = [f"t.{q(f.column)}" for f in token_fields] + [f"u.{q(f.column)}" for f in user_fields]
    token_user = Token._meta.get_field("user").column
    user_pk, token_pk = User._meta.pk.column, Token._meta.pk.column
    assert user_pk is not None and token_pk is not None and token_user is not None  # concrete tables
    # Names from the models, nothing from input (the key is a parameter).
    return (
        f"SELECT {', '.join(columns)} FROM {q(Token._meta.db_table)} t "  # noqa: S608
        f"JOIN {q(User._meta.db_table)} u ON u.{q(user_pk)} = t.{q(token_user)} "
        f"WHERE t.{q(token_pk)} = %(key)s"
    )
