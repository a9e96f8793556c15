"""Facts about the database itself (for example that it holds the synthetic demo world)."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection

DEMO_KEY = "demo"


def set_meta(conn: Connection, key: str, value: str) -> None:
    sql = for_connection(conn)
    sql.many(
        conn,
        "INSERT INTO instance_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(key, value)],
    )


def get_meta(conn: Connection, key: str) -> str | None:
    sql = for_connection(conn)
    rows = sql.all(conn, "SELECT value FROM instance_meta WHERE key = ?", (key,))
    return str(rows[0][0]) if rows else None
