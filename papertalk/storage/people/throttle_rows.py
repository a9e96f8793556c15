"""Rows of ``signin_throttle``: failed sign-ins per (scope, subject) within a window, counted atomically.

Each attempt is counted before its password is checked, by one upsert that returns the new count, so
concurrent attempts through several processes each see a distinct count and a limit cannot be overrun.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.tables import signin_throttle


@dataclass(frozen=True, slots=True)
class Failures:
    count: int
    last_at: int


def failures(conn: Connection, scope: str, subject: str, window_start: int) -> Failures:
    """The failures counted since ``window_start`` (an older run of failures counts as none)."""
    row = conn.execute(
        select(signin_throttle.c.failures, signin_throttle.c.first_failure_at, signin_throttle.c.last_failure_at).where(
            signin_throttle.c.scope == scope, signin_throttle.c.subject == subject
        )
    ).first()
    if row is None or row.first_failure_at < window_start:
        return Failures(0, 0)
    return Failures(int(row.failures), int(row.last_failure_at))


def count_attempt(conn: Connection, scope: str, subject: str, now: int, window_start: int) -> int:
    """Count one more attempt (a run older than ``window_start`` starts again at 1); the new count."""
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "INSERT INTO signin_throttle (scope, subject, failures, first_failure_at, last_failure_at) "
        "VALUES (?, ?, 1, ?, ?) ON CONFLICT (scope, subject) DO UPDATE SET "
        "failures = CASE WHEN signin_throttle.first_failure_at < ? THEN 1 ELSE signin_throttle.failures + 1 END, "
        "first_failure_at = CASE WHEN signin_throttle.first_failure_at < ? THEN excluded.first_failure_at "
        "ELSE signin_throttle.first_failure_at END, "
        "last_failure_at = excluded.last_failure_at RETURNING failures",
        (scope, subject, now, now, window_start, window_start),
    )
    return int(rows[0][0])


def forget(conn: Connection, scope: str, subject: str) -> None:
    conn.execute(delete(signin_throttle).where(signin_throttle.c.scope == scope, signin_throttle.c.subject == subject))


def uncount(conn: Connection, scope: str, subject: str) -> None:
    """Take back one counted attempt (it succeeded)."""
    conn.execute(
        update(signin_throttle)
        .where(signin_throttle.c.scope == scope, signin_throttle.c.subject == subject, signin_throttle.c.failures > 0)
        .values(failures=signin_throttle.c.failures - 1)
    )
