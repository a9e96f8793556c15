"""The few SQL spellings that differ between SQLite and PostgreSQL on the bulk paths.

Bulk statements are written once with ``?`` placeholders and run through the DB-API's executemany;
this module adapts placeholders, "IN this list" tests, and LEAST/GREATEST to the connected backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection


class BulkSql:
    """Backend-specific SQL text for one connection's dialect."""

    def __init__(self, dialect_name: str) -> None:
        self.postgres = dialect_name == "postgresql"

    def text(self, sql: str) -> str:
        # Only our own statements pass through here, and none contains a literal '?'.
        return sql.replace("?", "%s") if self.postgres else sql

    def in_list(self, column: str) -> str:
        """A condition "column is in the list bound to one parameter" (no parameter-count limits)."""
        if self.postgres:
            return f"{column} = ANY(?)"
        return f"{column} IN (SELECT value FROM json_each(?))"

    def list_param(self, values: Iterable[Any]) -> Any:
        return list(values) if self.postgres else orjson.dumps(list(values)).decode()

    # The DB-API cursor directly: on bulk paths SQLAlchemy's Row objects and parameter processing cost
    # more than the statements themselves. The transaction is still the Connection's.
    def many(self, conn: Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.executemany(self.text(sql), rows)
            finally:
                cursor.close()

    def execute(self, conn: Connection, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.text(sql), tuple(params))
            return max(int(cursor.rowcount), 0)
        finally:
            cursor.close()

    def copy_rows(self, conn: Connection, table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
        """Append many rows to a table: COPY on PostgreSQL, executemany on SQLite."""
        if not rows:
            return
        if not self.postgres:
            marks = ", ".join("?" for _ in columns.split(","))
            self.many(conn, f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            return
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()

    def allocate_ids(self, conn: Connection, table: str, count: int) -> list[int]:
        """Reserve ``count`` new primary keys of ``table`` (SQLite: the caller holds the write lock)."""
        if count == 0:
            return []
        if self.postgres:
            rows = self.all(
                conn, f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, ?)", (count,)
            )
            return [int(r[0]) for r in rows]
        top = int(self.all(conn, f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0])
        return list(range(top + 1, top + 1 + count))

    def all(self, conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.text(sql), tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()


def for_connection(conn: Connection) -> BulkSql:
    return BulkSql(conn.dialect.name)
