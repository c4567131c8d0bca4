"""Statements PostgreSQL plans once per connection, for the few reads that run on nearly every request.

Django binds parameters on the client (psycopg's ``ClientCursor``) and turns psycopg's prepared
statements off, so that connection poolers in transaction mode keep working; PostgreSQL then parses
and plans every statement each time it runs, and the ORM builds its SQL each time. For the statements
of nearly every request (the API token and its user, ``token_with_user``; the approval inbox's version,
``approval_inbox_version``) that was most of a request's cost once its answer was kept.
``prepared_cursor`` gives a cursor of Django's connection that binds on the server and prepares what it
runs: psycopg keeps the prepared statement on the connection (persistent connections, ``CONN_MAX_AGE``,
keep it across requests) and PostgreSQL settles on one plan for it after a few runs. Its statements are
logged and wrapped as every Django cursor's (``django_assert_num_queries`` counts them).

Settings (``backend/settings/base.py``): ``DATABASE_PREPARED_STATEMENTS`` (default true) sets psycopg's
``prepare_threshold`` for the connection; false (behind a pooler in transaction mode) leaves it off and
these statements are then planned each time, as the others. Off PostgreSQL this is a plain cursor.
"""

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from django.db import connection


@contextlib.contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor whose statements are prepared on PostgreSQL (see the module's text); pass parameters
    by name (``%(name)s``) and cast them in SQL where the type matters to the plan (``::bigint``)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = _preparing_cursor_class()(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    try:
        yield cursor
    finally:
        cursor.close()


@functools.cache
def _preparing_cursor_class() -> type:
    # Imported here: the PostgreSQL backend's module needs psycopg, which a SQLite install may lack.
    from django.db.backends.postgresql import base

    server_binding: Any = base.ServerBindingCursor  # defined only under psycopg 3: untyped

    class PreparingCursor(server_binding):
        """Django's server-binding cursor, asking psycopg to prepare every statement it runs."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)

    return PreparingCursor
