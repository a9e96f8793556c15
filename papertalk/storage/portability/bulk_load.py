"""Bulk writes into an empty database, table by table: executemany on SQLite, COPY on PostgreSQL.

Both hold the whole load in one transaction, so a failure leaves the target as empty as it was.

Secondary indexes (those no constraint owns) are dropped for the load and built once at the end: building
an index over sorted rows costs a fraction of maintaining it row by row (the GIN search index above all).

* SQLite: foreign keys off and a rollback journal for the load (an empty database's journal stays tiny,
  where WAL would write every page twice), and no fsync until the load is over (``synchronous=OFF``: a
  killed process still rolls back from the journal; only a power cut in the middle would need a new
  restore into a fresh file, which an interrupted restore needs anyway); the search index's write
  triggers are dropped for the load and the FTS5 index rebuilt in one pass at the end, then the triggers
  recreated, all in the same transaction.
* PostgreSQL: the foreign keys are dropped for the load and re-added (and so checked) at the end, as
  pg_restore does, which also lets a post point at an original stored after it; each ``id`` sequence is
  set past the largest id. Papers go through a staging table with their search vectors' parts built in
  Python (``storage.search.pg_search_vector``, as the catalogue import does): left to the table's trigger,
  PostgreSQL's text parser took ~23 of a copy's first 30 minutes at 1M papers (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Integer, Table

from papertalk.storage.portability.table_rows import quoted
from papertalk.storage.search.pg_search_vector import vector_parts
from papertalk.storage.search.search_schema import (
    FTS_TABLE,
    SEARCH_COLUMN,
    SQLITE_WRITE_TRIGGER_SQL,
    pg_vector_from_parts,
)

# FTS5's in-memory buffer while rebuilding (as the catalogue import sets it): fewer, bigger segments.
FTS_HASH_BYTES = 64 * 1024 * 1024
_STAGE = "portability_stage_papers"
_PARTS: tuple[str, str, str, str] = ("v_title", "v_authors", "v_abstract", "v_cats")  # built by pg_search_vector
ForeignKey = tuple[str, str, str]  # table (as PostgreSQL spells it), constraint name, definition
SecondaryIndex = tuple[str, str]  # name, the statement that creates it


class SqliteLoad:
    """One transaction of bulk inserts into an empty SQLite database."""

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        self.db: Any = self.raw.driver_connection

    def begin(self) -> None:
        self.db.execute("PRAGMA foreign_keys=OFF")
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.execute("PRAGMA synchronous=OFF")
        # The engine keeps temporary data in memory; the index builds at the end sort whole tables (10M
        # mentions), and an in-memory sorter then holds them all: sort through temporary files instead.
        self.db.execute("PRAGMA temp_store=FILE")
        self.db.execute("BEGIN")
        for name in SQLITE_WRITE_TRIGGER_SQL:
            self.db.execute(f"DROP TRIGGER IF EXISTS {name}")
        self.indexes: list[SecondaryIndex] = [
            (str(name), str(sql))
            for name, sql in self.db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
            )
        ]
        for name, _sql in self.indexes:
            self.db.execute(f"DROP INDEX {quoted(name)}")

    def load(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        marks = ", ".join(["?"] * len(columns))
        names = ", ".join(quoted(c) for c in columns)
        self.db.executemany(f"INSERT INTO {quoted(table.name)} ({names}) VALUES ({marks})", rows)

    def finish(self) -> None:
        for _name, sql in self.indexes:
            self.db.execute(sql)
        self.db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
        self.db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")
        for sql in SQLITE_WRITE_TRIGGER_SQL.values():
            self.db.execute(sql)

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        if self.db.in_transaction:
            self.db.rollback()
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.raw.close()


class PostgresLoad:
    """Bulk COPY into an empty PostgreSQL database; the caller decides where transactions end."""

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        self.db: Any = self.raw.driver_connection

    def begin(self) -> None:
        self.db.execute("SET synchronous_commit = off")

    def foreign_keys(self) -> list[ForeignKey]:
        return [
            (str(table), str(name), str(definition))
            for table, name, definition in self.db.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema() "
                "ORDER BY 1, 2"
            ).fetchall()
        ]

    def drop_foreign_keys(self, keys: Sequence[ForeignKey]) -> None:
        for table, name, _definition in keys:
            self.db.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {quoted(name)}")

    def add_foreign_keys(self, keys: Sequence[ForeignKey]) -> None:
        present = {(table, name) for table, name, _ in self.foreign_keys()}
        for table, name, definition in keys:
            if (table, name) not in present:
                self.db.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}")

    def secondary_indexes(self) -> list[SecondaryIndex]:
        return [
            (str(name), str(sql))
            for name, sql in self.db.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY 1"
            ).fetchall()
        ]

    def drop_indexes(self, indexes: Sequence[SecondaryIndex]) -> None:
        for name, _sql in indexes:
            self.db.execute(f"DROP INDEX IF EXISTS {quoted(name)}")

    def create_indexes(self, indexes: Sequence[SecondaryIndex]) -> None:
        present = {name for name, _ in self.secondary_indexes()}
        for name, sql in indexes:
            if name not in present:
                self.db.execute(sql)

    def load(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if table.name == "papers":
            self._load_papers(columns, rows)
            return
        names = ", ".join(quoted(c) for c in columns)
        with self.db.cursor().copy(f"COPY {quoted(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _load_papers(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Papers with their search vectors: COPY into a staging table beside each row's vector parts, then
        one INSERT that casts the parts (and parses only the fields Python left to the database)."""
        names = ", ".join(quoted(c) for c in columns)
        fields = [columns.index(c) for c in ("title", "authors", "abstract", "categories")]
        self.db.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS SELECT {names}, "
            f"{', '.join(f'NULL::text AS {p}' for p in _PARTS)} FROM papers WITH NO DATA"
        )
        with self.db.cursor().copy(f"COPY {_STAGE} ({names}, {', '.join(_PARTS)}) FROM STDIN") as copy:
            for row in rows:
                text = [row[i] if isinstance(row[i], str) else None for i in fields]
                copy.write_row((*row, *vector_parts(*text)))
        self.db.execute(
            f"INSERT INTO papers ({names}, {SEARCH_COLUMN}) "
            f"SELECT {names}, {pg_vector_from_parts(_PARTS)} FROM {_STAGE}"
        )
        self.db.execute(f"TRUNCATE {_STAGE}")

    def finish(self, tables: Sequence[Table]) -> None:
        """Set each serial ``id`` sequence past the largest id, so new rows get fresh ids."""
        for table in tables:
            keys = list(table.primary_key.columns)
            if len(keys) != 1 or not isinstance(keys[0].type, Integer):
                continue
            name, key = quoted(table.name), quoted(keys[0].name)
            found = self.db.execute("SELECT pg_get_serial_sequence(%s, %s)", (name, keys[0].name)).fetchone()
            if found and found[0]:
                self.db.execute(
                    f"SELECT setval(%s, m) FROM (SELECT MAX({key}) AS m FROM {name}) AS top WHERE m IS NOT NULL",
                    (found[0],),
                )

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.rollback()
        self.raw.close()
