"""Rows of ``audit_log``: record one admin action, read the newest ones."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from papertalk.core.people_records import AuditEntry
from papertalk.storage.tables import audit_log


def record(conn: Connection, at: int, actor_user_id: int | None, actor_name: str, action: str, target: str) -> None:
    conn.execute(
        insert(audit_log).values(
            at=at, actor_user_id=actor_user_id, actor_name=actor_name[:64], action=action[:32], target=target[:128]
        )
    )


def newest(conn: Connection, limit: int) -> list[AuditEntry]:
    query = select(audit_log.c.at, audit_log.c.actor_name, audit_log.c.action, audit_log.c.target)
    rows = conn.execute(query.order_by(audit_log.c.id.desc()).limit(limit))
    return [AuditEntry(int(r.at), r.actor_name, r.action, r.target) for r in rows]
