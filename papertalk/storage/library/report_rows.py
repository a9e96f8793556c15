"""Rows of ``summary_reports``: a person reports a summary or comment; admins see the open ones and
resolve them."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from papertalk.core.summary_records import Report
from papertalk.storage.tables import summary_reports, users


def add_report(conn: Connection, reporter_id: int, target_kind: str, target_id: int, reason: str, now: int) -> None:
    conn.execute(insert(summary_reports).values(reporter_id=reporter_id, target_kind=target_kind,
                                                target_id=target_id, reason=reason, created_at=now))  # fmt: skip


def open_reports(conn: Connection, limit: int) -> list[Report]:
    rows = conn.execute(
        select(summary_reports.c.id, users.c.name, summary_reports.c.target_kind, summary_reports.c.target_id,
               summary_reports.c.reason, summary_reports.c.created_at)
        .join(users, users.c.id == summary_reports.c.reporter_id)
        .where(summary_reports.c.resolved_at.is_(None))
        .order_by(summary_reports.c.id)
        .limit(limit)
    )  # fmt: skip
    return [Report(int(r.id), r.name, r.target_kind, int(r.target_id), r.reason, int(r.created_at)) for r in rows]


def resolve_reports(conn: Connection, target_kind: str, target_id: int, now: int) -> None:
    conn.execute(
        update(summary_reports)
        .where(summary_reports.c.target_kind == target_kind, summary_reports.c.target_id == target_id,
               summary_reports.c.resolved_at.is_(None))
        .values(resolved_at=now)
    )  # fmt: skip
