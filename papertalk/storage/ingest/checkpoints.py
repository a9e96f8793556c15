"""Import checkpoints: how far into a file the committed data reaches, saved in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection


@dataclass(frozen=True)
class Checkpoint:
    """How far into a file the committed data reaches."""

    file_key: str
    path: str
    byte_offset: int
    line_number: int
    rejected: int


def save_checkpoint(conn: Connection, checkpoint: Checkpoint, now: int) -> None:
    sql = for_connection(conn)
    sql.many(
        conn,
        "INSERT INTO import_checkpoints (file_key, path, byte_offset, line_number, rejected, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file_key) DO UPDATE SET path = excluded.path, "
        "byte_offset = excluded.byte_offset, line_number = excluded.line_number, "
        "rejected = excluded.rejected, updated_at = excluded.updated_at",
        [
            (
                checkpoint.file_key,
                checkpoint.path,
                checkpoint.byte_offset,
                checkpoint.line_number,
                checkpoint.rejected,
                now,
            )
        ],
    )


def load_checkpoint(conn: Connection, file_key: str) -> Checkpoint | None:
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT path, byte_offset, line_number, rejected FROM import_checkpoints WHERE file_key = ?",
        (file_key,),
    )
    if not rows:
        return None
    path, offset, line, rejected = rows[0]
    return Checkpoint(file_key, str(path), int(offset), int(line), int(rejected))
