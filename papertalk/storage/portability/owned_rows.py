"""A person's own rows, found from the schema: every table with a foreign key to ``users.id`` gives the rows
whose key is theirs, and a table that hangs off one of those (a network's accounts) the rows under them.

Driven by ``metadata``, so a table added later with an owner column (notes, lists, digests) is included
without a change here. Secret tables and columns (``secret_columns``) never are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table

from papertalk.storage.portability.secret_columns import exported_columns, is_exported
from papertalk.storage.portability.table_rows import normalize, quoted
from papertalk.storage.tables import accounts, metadata, users

# Columns that name someone as the author of a record about others, not as its owner: an admin's audit
# entries are the site's record, and naming a person in a shared row does not make the row theirs.
NOT_OWNER = frozenset({("audit_log", "actor_user_id")})


def _owner_columns(table: Table) -> list[str]:
    return [
        str(fk.parent.name)
        for fk in table.foreign_keys
        if fk.column.table is users and (table.name, fk.parent.name) not in NOT_OWNER
    ]


def _select(conn: Connection, table: Table, where: str, params: list[Any]) -> tuple[list[str], list[list[Any]]]:
    columns = exported_columns(table, with_secrets=False)
    keys = ", ".join(quoted(c.name) for c in table.primary_key.columns)
    sql = f"SELECT {', '.join(quoted(c) for c in columns)} FROM {quoted(table.name)} WHERE {where} ORDER BY {keys}"
    if conn.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    cursor: Any = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        rows = [list(row) for row in normalize(table, columns, cursor.fetchall())]
    finally:
        cursor.close()
    return columns, rows


def owned_rows(conn: Connection, user_id: int) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """(table, columns, rows) of everything that is ``user_id``'s, table by table in foreign-key order."""
    yield (users.name, *_select(conn, users, '"id" = ?', [user_id]))
    owned_keys: dict[str, list[Any]] = {}
    for table in metadata.sorted_tables:
        if table is users or not is_exported(table, with_secrets=False):
            continue
        owners = _owner_columns(table)
        if owners:
            where = " OR ".join(f"{quoted(c)} = ?" for c in owners)
            columns, rows = _select(conn, table, where, [user_id] * len(owners))
            keys = [c.name for c in table.primary_key.columns]
            if len(keys) == 1:
                owned_keys[table.name] = [row[columns.index(keys[0])] for row in rows]
            yield table.name, columns, rows
            continue
        parents = [fk for fk in table.foreign_keys if fk.column.table.name in owned_keys]
        for fk in parents:
            ids = owned_keys[fk.column.table.name]
            if ids:
                marks = ", ".join(["?"] * len(ids))
                yield (table.name, *_select(conn, table, f"{quoted(fk.parent.name)} IN ({marks})", ids))


def named_accounts(conn: Connection, ids: list[int]) -> tuple[list[str], list[list[Any]]]:
    """The platform accounts with these ids (public: whom a person follows or blocks, by handle)."""
    columns: list[str] = []
    rows: list[list[Any]] = []
    for start in range(0, max(len(ids), 1), 500):
        part = ids[start : start + 500] or [-1]
        columns, found = _select(conn, accounts, f'"id" IN ({", ".join(["?"] * len(part))})', part)
        rows += found
    return columns, rows
