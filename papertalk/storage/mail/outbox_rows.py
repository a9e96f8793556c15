"""Rows of ``mail_outbox``: queued idempotently (one per person and period), claimed a batch at a time
under a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers split the queue), then moved
through the states by their holder only: queued → sending (committed before SMTP DATA) → sent, or back
to queued with a later attempt, or failed; or dropped when there is nothing to send any more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection

OPEN_STATES = ("queued", "sending")


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    user_id: int
    period: str
    message_id: str
    state: str
    attempts: int


def queue(conn: Connection, rows: Sequence[tuple[int, str, str]], now: int) -> int:
    """Queue (user_id, period, message_id) rows; a row already queued or sent is left as it is. How many
    were new."""
    if not rows:
        return 0
    sql = for_connection(conn)
    before = _count(conn)
    sql.many(
        conn,
        "INSERT INTO mail_outbox (user_id, period, message_id, state, attempts, next_attempt_at, lease_until, "
        "created_at) VALUES (?, ?, ?, 'queued', 0, ?, 0, ?) ON CONFLICT DO NOTHING",
        [(user_id, period, message_id, now, now) for user_id, period, message_id in rows],
    )
    return _count(conn) - before


def _count(conn: Connection) -> int:
    return int(for_connection(conn).all(conn, "SELECT COUNT(*) FROM mail_outbox")[0][0])


def claim(conn: Connection, holder: str, now: int, lease_seconds: int, limit: int) -> list[OutboxRow]:
    """Take up to ``limit`` due rows whose lease is over (a crashed holder's included) for ``holder``."""
    sql = for_connection(conn)
    skip = " FOR UPDATE SKIP LOCKED" if conn.dialect.name == "postgresql" else ""
    rows = sql.all(
        conn,
        "UPDATE mail_outbox SET lease_holder = ?, lease_until = ? WHERE id IN (SELECT id FROM mail_outbox "
        "WHERE state IN ('queued', 'sending') AND next_attempt_at <= ? AND lease_until <= ? ORDER BY id LIMIT ?"
        f"{skip}) AND lease_until <= ? RETURNING id, user_id, period, message_id, state, attempts",
        (holder, now + lease_seconds, now, now, limit, now),
    )
    return sorted((OutboxRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5])) for r in rows),
                  key=lambda r: r.id)  # fmt: skip


def mark_sending(conn: Connection, row_id: int, holder: str, lease_until: int) -> bool:
    """The holder is about to hand the message over (SMTP DATA); False: the lease was lost, leave it."""
    return (
        for_connection(conn).execute(
            conn,
            "UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, lease_until = ? "
            "WHERE id = ? AND lease_holder = ? AND state IN ('queued', 'sending')",
            (lease_until, row_id, holder),
        )
        == 1
    )


def mark_sent(conn: Connection, row_id: int, holder: str, now: int) -> None:
    for_connection(conn).execute(
        conn,
        "UPDATE mail_outbox SET state = 'sent', sent_at = ?, lease_until = 0, last_error = NULL "
        "WHERE id = ? AND lease_holder = ?",
        (now, row_id, holder),
    )


def mark_retry(conn: Connection, row_id: int, holder: str, error: str, next_attempt_at: int) -> None:
    for_connection(conn).execute(
        conn,
        "UPDATE mail_outbox SET state = 'queued', last_error = ?, next_attempt_at = ?, lease_until = 0 "
        "WHERE id = ? AND lease_holder = ?",
        (error[:500], next_attempt_at, row_id, holder),
    )


def mark_failed(conn: Connection, row_id: int, holder: str, error: str) -> None:
    for_connection(conn).execute(
        conn,
        "UPDATE mail_outbox SET state = 'failed', last_error = ?, lease_until = 0 WHERE id = ? AND lease_holder = ?",
        (error[:500], row_id, holder),
    )


def mark_dropped(conn: Connection, row_id: int, holder: str, reason: str) -> None:
    """Nothing to send any more (the person unsubscribed, the reply was withdrawn): never tried again."""
    for_connection(conn).execute(
        conn,
        "UPDATE mail_outbox SET state = 'dropped', last_error = ?, lease_until = 0 WHERE id = ? AND lease_holder = ?",
        (reason[:500], row_id, holder),
    )


def release(conn: Connection, holder: str) -> None:
    """Give back the rows ``holder`` claimed but never started (a clean stop)."""
    for_connection(conn).execute(
        conn, "UPDATE mail_outbox SET lease_until = 0 WHERE lease_holder = ? AND state = 'queued'", (holder,)
    )


def open_rows(conn: Connection, limit: int) -> list[OutboxRow]:
    """The rows still to send (for ``--dry-run``), oldest first."""
    rows = for_connection(conn).all(
        conn,
        "SELECT id, user_id, period, message_id, state, attempts FROM mail_outbox "
        "WHERE state IN ('queued', 'sending') ORDER BY id LIMIT ?",
        (limit,),
    )
    return [OutboxRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5])) for r in rows]


def state_counts(conn: Connection) -> dict[str, int]:
    rows = for_connection(conn).all(conn, "SELECT state, COUNT(*) FROM mail_outbox GROUP BY state")
    return {str(r[0]): int(r[1]) for r in rows}


def queued_keys(conn: Connection, user_ids: Sequence[int]) -> set[tuple[int, str]]:
    """The (user_id, period) already in the outbox for these people (any state)."""
    if not user_ids:
        return set()
    sql = for_connection(conn)
    rows = sql.all(conn, f"SELECT user_id, period FROM mail_outbox WHERE {sql.in_list('user_id')}",
                   (sql.list_param(user_ids),))  # fmt: skip
    return {(int(r[0]), str(r[1])) for r in rows}
