"""Writing many rows with different values at once."""

from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, models, router


def rows_update(*, model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Store ``fields`` of every object in one ``executemany`` (one statement per row, sent together).

    For many rows that each get their own values, where ``bulk_update``'s
    CASE ... WHEN expressions cost more than the writing itself. Like
    ``bulk_update`` it skips ``save()``, so call it only where the model's own
    guards have nothing to say (drafts, or fields set once).
    """
    if not objs:
        return
    meta = model._meta
    columns = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in fields]
    pk = meta.pk
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in columns)
    # Names come from the model, values go as parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(pk.column))} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection=connection) for field in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
