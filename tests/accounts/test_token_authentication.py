"""API token authentication (backend/accounts/authentication.py, ``token_with_user``): DRF's behaviour,
the token and its user read in one statement."""

from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.selectors import token_with_user
from tests.conftest import World

ME = "/api/v1/auth/me/"


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_and_its_user_are_read_as_the_orm_reads_them(world: World, django_assert_num_queries: Any) -> None:
    token = Token.objects.create(user=world.finance)

    with django_assert_num_queries(1):
        found = token_with_user(key=token.key)
        assert found is not None
        user = found.user

    expected = User.objects.get(pk=world.finance.pk)
    assert (found.key, found.user_id, found.created) == (token.key, world.finance.pk, token.created)
    assert {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
    }
    assert user._state.adding is False and user._state.db == "default"


def test_an_unknown_key_finds_nothing(world: World) -> None:
    Token.objects.create(user=world.finance)

    assert token_with_user(key="0" * 40) is None
    assert token_with_user(key="") is None


def test_a_token_costs_a_request_one_query(world: World) -> None:
    token = Token.objects.create(user=world.finance)

    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = _client(token.key).get(ME)

    assert response.status_code == 200, response.content
    assert (response.json()["email"], response.json()["roles"]) == ("finance@example.org", ["finance"])
    assert [i for i, sql in enumerate(statements) if "authtoken_token" in sql] == [0]  # the token and its user
    assert not any('FROM "accounts_user"' in sql for sql in statements)  # the user is not read again


def test_an_inactive_users_token_is_refused(world: World) -> None:
    token = Token.objects.create(user=world.finance)
    User.objects.filter(pk=world.finance.pk).update(is_active=False)

    response = _client(token.key).get(ME)

    assert (response.status_code, response.json()) == (
        403,
        {"message": "User inactive or deleted.", "extra": {"fields": {}}},
    )


def test_a_malformed_header_is_refused_as_drf_refuses_it(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token")

    response = client.get(ME)

    assert (response.status_code, response.json()) == (
        403,
        {"message": "Invalid token header. No credentials provided.", "extra": {"fields": {}}},
    )


@pytest.mark.postgres
def test_the_statement_is_prepared_on_the_connection(world: World) -> None:
    token = Token.objects.create(user=world.finance)

    for _ in range(2):
        assert token_with_user(key=token.key) is not None

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%authtoken_token%"])
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1
