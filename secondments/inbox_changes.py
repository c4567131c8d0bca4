"""The PostgreSQL triggers that record every change to what an approval inbox shows (``InboxChange``).

An approver's inbox shows the submitted sheets of their clients: each sheet's fields, entries and
total, its placement's secretary and client, the secretary's name, the client's name, and who
submitted, approved and rejected it. After every statement that inserts, updates or deletes rows of
those tables, a trigger adds one ``InboxChange`` row per client whose inboxes the statement may have
changed: in the same transaction, so a change and its record commit together or not at all. Statement
triggers with transition tables: a bulk write of thousands of rows adds one row per client, not one
per row. Only inserts, never a counter updated in place, so writers never wait for each other (and
never deadlock) on the record.

``approval_inbox_version`` reads, per client of the approver, the sum of the records: it only grows,
so an answer rendered at a version is still the answer while the version is the same
(``secondments/api/inbox.py``). ``inbox_changes_compact`` (Celery beat, every 10 minutes) folds each
client's rows into one, the sum kept, so reading it stays a few index entries.

Installed after every ``migrate`` (``SecondmentsConfig.ready``: also the test database, which is built
without migrations), idempotently. SQLite has none: there the inbox is read every time.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from secondments.models import TimesheetStatus

SUBMITTED = TimesheetStatus.SUBMITTED.value

# Which clients a statement on each table may have changed the inboxes of: SQL over the statement's
# rows ({rows}: its transition table, NEW or OLD), giving client ids. An inbox shows submitted sheets
# only: a sheet that is not submitted before or after the statement, and the entries of a sheet that is
# not submitted (the week a secretary is logging), change no inbox. A sheet handed in is itself a change.
_CLIENTS_OF = {
    "secondments_timesheet": (
        "SELECT p.client_id FROM {rows} r JOIN secondments_placement p ON p.id = r.placement_id "
        "WHERE r.status = '{submitted}'"
    ),
    "secondments_timeentry": (
        "SELECT p.client_id FROM {rows} r JOIN secondments_timesheet t ON t.id = r.timesheet_id "
        "AND t.status = '{submitted}' JOIN secondments_placement p ON p.id = t.placement_id"
    ),
    "secondments_placement": "SELECT r.client_id FROM {rows} r",
    "secondments_secretary": ("SELECT p.client_id FROM {rows} r JOIN secondments_placement p ON p.secretary_id = r.id"),
    "secondments_client": "SELECT r.id FROM {rows} r",
    "secondments_client_approvers": "SELECT r.client_id FROM {rows} r",
    # A user's name or e-mail: shown as a sheet's secretary, and as who submitted, approved or rejected it.
    "accounts_user": (
        "SELECT p.client_id FROM {rows} r JOIN secondments_secretary s ON s.user_id = r.id "
        "JOIN secondments_placement p ON p.secretary_id = s.id "
        "UNION SELECT p.client_id FROM {rows} r JOIN secondments_timesheet t ON t.status = '{submitted}' "
        "AND r.id IN (t.submitted_by_id, t.approved_by_id, t.rejected_by_id) "
        "JOIN secondments_placement p ON p.id = t.placement_id"
    ),
}
# A user row changes at every login (last_login): only a new name or e-mail changes an inbox.
_USER_CHANGED = (
    "(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE n.full_name IS DISTINCT FROM o.full_name OR n.email IS DISTINCT FROM o.email)"
)


def _function(table: str) -> str:
    clients = _CLIENTS_OF[table]
    new = clients.format(rows=_USER_CHANGED if table == "accounts_user" else "new_rows", submitted=SUBMITTED)
    old = clients.format(rows="old_rows", submitted=SUBMITTED)
    record = (
        "INSERT INTO secondments_inboxchange (client_id, n) "
        "SELECT DISTINCT c.client_id, 1 FROM ({}) AS c(client_id) WHERE c.client_id IS NOT NULL;"
    )
    if table == "accounts_user":  # UPDATE only (see _triggers)
        body = record.format(new)
    else:
        body = (
            f"IF TG_OP = 'INSERT' THEN {record.format(new)} "
            f"ELSIF TG_OP = 'UPDATE' THEN {record.format(f'{new} UNION {old}')} "
            f"ELSE {record.format(old)} END IF;"
        )
    return (
        f"CREATE OR REPLACE FUNCTION secondo_inbox_change_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$;"
    )


def _triggers(table: str) -> list[str]:
    events = ["UPDATE"] if table == "accounts_user" else ["INSERT", "UPDATE", "DELETE"]
    tables = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
    tables["DELETE"] = "OLD TABLE AS old_rows"
    statements = []
    for event in events:
        name = f"secondo_inbox_change_{event.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table};",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION secondo_inbox_change_{table}();",
        ]
    return statements


def inbox_change_triggers_sql() -> list[str]:
    """The statements that install (or replace) the triggers, in order."""
    statements = []
    for table in _CLIENTS_OF:
        statements += [_function(table), *_triggers(table)]
    return statements


def inbox_change_triggers_install(*, using: BaseDatabaseWrapper) -> bool:
    """Install the triggers on a PostgreSQL database (after ``migrate``); False elsewhere."""
    if using.vendor != "postgresql":
        return False
    with using.cursor() as cursor:
        for statement in inbox_change_triggers_sql():
            cursor.execute(statement)
    return True


def installed_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: every ``migrate`` (re)installs them."""
    from django.db import connections

    inbox_change_triggers_install(using=connections[using])
