"""Frozen digests: read one, store one (the first writer wins, so two readers freezing the same finished
day at once agree on a single version), and list which periods of a stream are frozen (the calendar)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One ranked paper of a digest as stored: its counts and the posts shown as its commentaries."""

    paper_row: int
    score: float
    people: int
    posts: int
    commentary_rows: tuple[int, ...]


def read_snapshot(conn: Connection, stream_key: str, period: str) -> list[DigestEntry] | None:
    rows = for_connection(conn).all(
        conn, "SELECT entries FROM digest_snapshots WHERE stream_key = ? AND period = ?", (stream_key, period)
    )
    if not rows:
        return None
    return [
        DigestEntry(int(p), float(s), int(n), int(c), tuple(int(x) for x in shown))
        for p, s, n, c, shown in orjson.loads(rows[0][0])
    ]


def store_snapshot(
    conn: Connection, stream_key: str, period: str, made_at: int, entries: Sequence[DigestEntry]
) -> None:
    body = orjson.dumps([[e.paper_row, e.score, e.people, e.posts, list(e.commentary_rows)] for e in entries]).decode()
    for_connection(conn).execute(
        conn,
        "INSERT INTO digest_snapshots (stream_key, period, made_at, entries) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (stream_key, period) DO NOTHING",
        (stream_key, period, made_at, body),
    )


def frozen_periods(conn: Connection, stream_key: str, prefix: str) -> set[str]:
    """The frozen periods of a stream whose names start with ``prefix`` (e.g. one month's days: "2026-12-")."""
    rows = for_connection(conn).all(
        conn,
        "SELECT period FROM digest_snapshots WHERE stream_key = ? AND period LIKE ?",
        (stream_key, prefix + "%"),  # period names hold digits, "-" and "W" only: no LIKE wildcard
    )
    return {str(r[0]) for r in rows}
