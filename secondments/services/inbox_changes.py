"""Upkeep of the approval inboxes' change records (``InboxChange``, ``secondments/inbox_changes.py``)."""

from django.db import connection

from secondments.models import InboxChange


def inbox_changes_compact() -> int:
    """Fold each client's change records into one row holding their sum, so that reading an inbox's
    version stays a few index entries. In one statement: a reader sees either all the rows before or the
    one after, the same sum (the version an answer was kept at stays the answer's). Records added
    meanwhile are left for the next time. Returns how many rows fewer there are."""
    if connection.vendor != "postgresql":
        return 0  # no triggers, no records (the table stays empty)
    last = InboxChange.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH folded AS (DELETE FROM secondments_inboxchange WHERE id <= %s RETURNING client_id, n), "
            "kept AS (INSERT INTO secondments_inboxchange (client_id, n) "
            "SELECT client_id, sum(n) FROM folded GROUP BY client_id RETURNING 1) "
            "SELECT (SELECT count(*) FROM folded) - (SELECT count(*) FROM kept)",
            [last],
        )
        (fewer,) = cursor.fetchone()
    return int(fewer)
