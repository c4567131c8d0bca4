"""``prepared_cursor`` (backend/core/db.py): statements prepared once per PostgreSQL connection, counted as
every query; a plain cursor elsewhere; nothing prepared when prepared statements are off."""

from typing import Any

import pytest
from django.db import connection

from backend.core.db import prepared_cursor

STATEMENT = "SELECT %(a)s::bigint + 1 AS secondo_db_test"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%secondo_db_test%"])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_runs_and_is_counted(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2), prepared_cursor() as cursor:
        for a in (1, 41):
            cursor.execute(STATEMENT if connection.vendor == "postgresql" else "SELECT %s + 1", _params(a))
            assert cursor.fetchone() == (a + 1,)


def _params(a: int) -> Any:
    return {"a": a} if connection.vendor == "postgresql" else [a]


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_it_is_prepared_once_per_connection() -> None:
    for a in range(3):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, {"a": a})

    assert len(_prepared()) == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_with_prepared_statements_off_nothing_is_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """DATABASE_PREPARED_STATEMENTS=false leaves psycopg's prepare_threshold None: behind a pooler."""
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)

    for _ in range(3):
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %(a)s::bigint + 2 AS secondo_db_test_off", {"a": 1})
            assert cursor.fetchone() == (3,)

    assert not [statement for statement in _prepared() if "secondo_db_test_off" in statement]
