"""Every row of a table in primary-key order, streamed in batches, the same values on either backend.

Rows are read through the DB-API cursor (SQLAlchemy's Row objects cost more than the reading itself):
SQLite steps its statement as rows are fetched; PostgreSQL reads through a server-side (named) cursor, so
memory stays flat whatever the table's size. Values are normalized to what JSON carries the same way from
both backends: booleans are read as 0/1 (SQLite stores them so; PostgreSQL casts them in the query, and takes
0/1 back into a boolean column), REALs as floats.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Float, Table

BATCH_ROWS = 20_000
_cursor_names = itertools.count()


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def key_columns(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _normalizers(table: Table, columns: Sequence[str]) -> list[tuple[int, type]]:
    out: list[tuple[int, type]] = []
    for index, name in enumerate(columns):
        kind = table.columns[name].type
        if isinstance(kind, Float):
            out.append((index, float))  # SQLite may hand back an integral REAL as int after some writes
    return out


def _selected(table: Table, column: str) -> str:
    # Booleans as 0/1 from both backends, in SQL: converting 10M rows in Python would cost more than reading them.
    if isinstance(table.columns[column].type, Boolean):
        return f"CAST({quoted(column)} AS INTEGER)"
    return quoted(column)


def select_sql(table: Table, columns: Sequence[str], where: str = "", after: bool = False, limit: bool = False) -> str:
    """SELECT of ``columns`` in key order; ``after``: only rows past a key bound as parameters (keyset)."""
    keys = key_columns(table)
    conditions = [where] if where else []
    if after:
        marks = ", ".join(["?"] * len(keys))
        conditions.append(f"({', '.join(quoted(k) for k in keys)}) > ({marks})")
    sql = f"SELECT {', '.join(_selected(table, c) for c in columns)} FROM {quoted(table.name)}"
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    sql += " ORDER BY " + ", ".join(quoted(k) for k in keys)
    return sql + (" LIMIT ?" if limit else "")


def normalize(table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """``rows`` as they are when no column needs a fix (the common case: no copy), else fixed copies."""
    fixes = _normalizers(table, columns)
    if not fixes:
        return rows
    out = [list(row) for row in rows]
    for row in out:
        for index, kind in fixes:
            if row[index] is not None:
                row[index] = kind(row[index])
    return out


def stream_rows(
    conn: Connection, table: Table, columns: Sequence[str], where: str = "", batch: int = BATCH_ROWS
) -> Iterator[Sequence[Sequence[Any]]]:
    """Batches of rows of ``table`` (all of them, or those matching ``where``) in key order, inside the
    connection's transaction (one snapshot when the caller holds one transaction)."""
    driver: Any = conn.connection.driver_connection
    sql = select_sql(table, columns, where)
    if conn.dialect.name == "postgresql":
        cursor = driver.cursor(name=f"portability_{next(_cursor_names)}")
        cursor.itersize = batch
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield normalize(table, columns, rows)
    finally:
        cursor.close()


def rows_after(
    conn: Connection, table: Table, columns: Sequence[str], after: Sequence[Any] | None, limit: int
) -> Sequence[Sequence[Any]]:
    """Up to ``limit`` rows past the key ``after`` (None: from the start), in key order (a resumable copy)."""
    driver: Any = conn.connection.driver_connection
    sql = select_sql(table, columns, after=after is not None, limit=True)
    params = [*(after or ()), limit]
    if conn.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    cursor = driver.cursor()
    try:
        cursor.execute(sql, params)
        return normalize(table, columns, cursor.fetchall())
    finally:
        cursor.close()


def count_rows(conn: Connection, table: Table, where: str = "") -> int:
    driver: Any = conn.connection.driver_connection
    cursor = driver.cursor()
    try:
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table.name)}" + (f" WHERE {where}" if where else ""))
        return int(cursor.fetchone()[0])
    finally:
        cursor.close()
