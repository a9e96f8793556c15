"""The audit log of admin actions: who did what to whom, and when; written in the action's own transaction."""

from __future__ import annotations

from papertalk.core.people_records import AuditEntry
from papertalk.services.people.permissions import Actor, Operator
from papertalk.storage.engine import Connection
from papertalk.storage.people import audit_rows

OPERATOR_NAME = "(command line)"
SHOWN_ENTRIES = 100


def record(conn: Connection, actor: Actor, action: str, target: str, now: int) -> None:
    if isinstance(actor, Operator):
        audit_rows.record(conn, now, None, OPERATOR_NAME, action, target)
    else:
        audit_rows.record(conn, now, actor.id, actor.name, action, target)


def entries(conn: Connection, limit: int = SHOWN_ENTRIES) -> list[AuditEntry]:
    """The newest entries, newest first (the admin page shows them; admin.overview checks who asks)."""
    return audit_rows.newest(conn, limit)
