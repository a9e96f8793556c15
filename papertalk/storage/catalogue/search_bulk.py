"""Bulk upsert of papers with the search index maintained set-based (the catalogue import's write path).

SQLite: the per-row FTS5 triggers (``search_schema``) cost about five times what indexing the same rows
with one ``INSERT INTO paper_fts ... SELECT`` does. So, for each batch, in ONE transaction:

1. remove the batch's rows that are already stored from the index (their current text, FTS5 ``'delete'``);
2. drop the insert and update triggers;
3. upsert the papers (``paper_rows.upsert_paper_rows``);
4. index the batch's rows as they now are, in one statement;
5. recreate the triggers (the caller then saves its checkpoint in the same transaction).

SQLite's DDL is transactional, so no committed state ever lacks the triggers or holds an index that differs
from ``papers``: a process killed at any moment leaves either the whole batch (papers, index, checkpoint)
or none of it, and other writers between batches find the triggers in place.

PostgreSQL: the batch is upserted as usual, with the parts of each row's ``tsvector`` built in the parser
process where that is exact (``storage.search.pg_search_vector``; the database computes the others, and its
trigger those of every other write path), and with ``synchronous_commit`` off for its transaction (a crash
can lose the last batches, which the importer's checkpoint, committed in the same transaction, then
repeats; it never corrupts or diverges).
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlalchemy import Connection

from papertalk.storage.catalogue.paper_rows import PaperRow, upsert_paper_rows
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.search.pg_search_vector import VectorParts
from papertalk.storage.search.search_schema import FTS_COLUMNS, FTS_TABLE, SOURCE_VIEW, SQLITE_WRITE_TRIGGER_SQL

# FTS5 buffers this many bytes of new index data in memory before writing a segment (default 1 MiB): big
# batches then make few, large segments and far less merging (about 2x faster here). A persistent setting.
FTS_HASH_BYTES = 64 * 1024 * 1024
_BATCH_ROWS = "SELECT id FROM papers WHERE arxiv_id IN (SELECT value FROM json_each(?))"  # SQLite
_FTS_COLUMNS = ", ".join(FTS_COLUMNS)


def tune_search_index(conn: Connection) -> None:
    """Set FTS5's in-memory buffer for bulk writes (SQLite; nothing to do on PostgreSQL)."""
    sql = for_connection(conn)
    if not sql.postgres and _has_write_triggers(conn):
        sql.execute(conn, f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))


def upsert_papers_indexed(
    conn: Connection, rows: Sequence[PaperRow], vectors: Sequence[VectorParts] | None = None
) -> int:
    """``upsert_paper_rows`` for a big batch, with the search index brought in step set-based (see module
    doc; ``vectors`` are the rows' search-vector parts, used on PostgreSQL). Must run inside the caller's
    transaction; returns how many rows were given."""
    sql = for_connection(conn)
    if sql.postgres:
        sql.execute(conn, "SET LOCAL synchronous_commit = off")
        return upsert_paper_rows(conn, rows, vectors)
    if not rows or not _has_write_triggers(conn):
        return upsert_paper_rows(conn, rows)
    ids = orjson.dumps([r[0] for r in rows]).decode()
    # A DML statement first: Python's sqlite3 opens the transaction at the first DML, and the DDL below
    # must be inside it.
    sql.execute(
        conn,
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_FTS_COLUMNS}) SELECT 'delete', id, {_FTS_COLUMNS} "
        f"FROM {SOURCE_VIEW} WHERE id IN ({_BATCH_ROWS})",
        (ids,),
    )
    if not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        raise RuntimeError("the bulk search-index upsert must run inside a transaction")
    for name in SQLITE_WRITE_TRIGGER_SQL:
        sql.execute(conn, f"DROP TRIGGER {name}")
    count = upsert_paper_rows(conn, rows)
    sql.execute(
        conn,
        f"INSERT INTO {FTS_TABLE} (rowid, {_FTS_COLUMNS}) SELECT id, {_FTS_COLUMNS} "
        f"FROM {SOURCE_VIEW} WHERE id IN ({_BATCH_ROWS})",
        (ids,),
    )
    for create in SQLITE_WRITE_TRIGGER_SQL.values():
        sql.execute(conn, create)
    return count


def _has_write_triggers(conn: Connection) -> bool:
    sql = for_connection(conn)
    names = list(SQLITE_WRITE_TRIGGER_SQL)
    found = sql.all(
        conn,
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND " + sql.in_list("name"),
        (sql.list_param(names),),
    )
    return int(found[0][0]) == len(names)
