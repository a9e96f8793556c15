"""Where an OAI-PMH harvest got to: saved with the records of each page, read to resume."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection


@dataclass(frozen=True)
class HarvestState:
    name: str
    from_date: str | None
    set_spec: str | None
    resumption_token: str | None
    records: int
    finished_at: int | None


def load_state(conn: Connection, name: str) -> HarvestState | None:
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT name, from_date, set_spec, resumption_token, records, finished_at FROM harvest_state WHERE name = ?",
        (name,),
    )
    if not rows:
        return None
    n, from_date, set_spec, token, records, finished = rows[0]
    return HarvestState(str(n), from_date, set_spec, token, int(records), finished)


def save_state(
    conn: Connection,
    name: str,
    from_date: str | None,
    set_spec: str | None,
    token: str | None,
    records: int,
    now: int,
    finished: bool,
) -> None:
    sql = for_connection(conn)
    sql.many(
        conn,
        "INSERT INTO harvest_state (name, from_date, set_spec, resumption_token, records, started_at, updated_at, "
        "finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
        "resumption_token = excluded.resumption_token, records = excluded.records, "
        "updated_at = excluded.updated_at, finished_at = excluded.finished_at",
        [(name, from_date, set_spec, token, records, now, now, now if finished else None)],
    )
