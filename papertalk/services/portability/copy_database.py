"""``papertalk db copy --to URL``: a live instance (SQLite) copied into an empty PostgreSQL, resumably.

Two tables at a time (``jobs``; the biggest first), each on its own target connection, in batches in
primary-key order: each batch is read in a short read transaction of the source (the instance keeps
serving) and written with COPY into the target, in one target transaction with the table's progress
(``storage.portability.copy_state``), so ``kill -9`` at any moment followed by the same command resumes
after each table's last committed batch and ends identical to an uninterrupted copy. Everything is copied,
secrets included (it is a move: people stay signed in).
The target's foreign keys and secondary indexes are dropped for the copy and made again at the end; then
each ``id`` sequence is set, every table's count and SHA-256 (of its rows' JSON in key order) are compared
with the source's (both sides read at once), and the progress table is dropped. Rank tables and day
counts are copied as they are; the papers' search vectors are built as they arrive (``bulk_load``). Rows
the source gains behind the copy's position while it runs make the verification fail: stop the writers
(serve, worker) first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson

from papertalk.services.portability.manifest import DumpError
from papertalk.services.portability.restore_dump import check_target
from papertalk.storage.engine import Engine, is_sqlite, make_engine
from papertalk.storage.portability import copy_state
from papertalk.storage.portability.bulk_load import PostgresLoad
from papertalk.storage.portability.table_rows import key_columns, rows_after, stream_rows
from papertalk.storage.schema import current_revision, upgrade
from papertalk.storage.tables import metadata

COPY_BATCH = 50_000
# Tables copied at once, each on its own target connection: one COPY is bound by one PostgreSQL backend's
# core (measured in docs/performance.md).
COPY_JOBS = 2
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CopyReport:
    target: str  # the URL, its password hidden
    tables: dict[str, int]
    resumed: bool


def _fingerprint(engine: Engine, name: str) -> tuple[int, str]:
    table = metadata.tables[name]
    digest = hashlib.sha256()
    rows = 0
    with engine.connect() as conn:
        for batch in stream_rows(conn, table, [c.name for c in table.columns]):
            # The rows' JSON arrays joined by commas, whatever the batches: one orjson call per batch costs
            # 40% of one per row (0.63 s against 1.63 s for 1M posts).
            digest.update(orjson.dumps(batch)[1:-1] + b",")
            rows += len(batch)
        conn.rollback()
    return rows, digest.hexdigest()


def _start(target: Engine, loader: PostgresLoad, source: Engine) -> bool:
    """Prepare the target, or find the copy to resume; True when resuming."""
    if copy_state.has_state(target):
        state = copy_state.read_state(loader.db)
        if state.get("source") != source.url.render_as_string(hide_password=True):
            raise DumpError(f"{copy_state.STATE_TABLE}: this target holds an unfinished copy of {state.get('source')}")
        return True
    check_target(target)
    if current_revision(target) is None:
        upgrade(target)
    keys = loader.foreign_keys()
    indexes = loader.secondary_indexes()
    copy_state.create_state(loader.db)
    copy_state.put(loader.db, "source", source.url.render_as_string(hide_password=True))
    copy_state.put(loader.db, "foreign_keys", keys)
    copy_state.put(loader.db, "indexes", indexes)
    loader.drop_foreign_keys(keys)
    loader.drop_indexes(indexes)
    loader.commit()
    return False


def copy_database(
    source: Engine,
    target_url: str,
    batch_rows: int = COPY_BATCH,
    on_progress: Progress | None = None,
    jobs: int = COPY_JOBS,
) -> CopyReport:
    """Copy every table of ``source`` into the empty PostgreSQL at ``target_url`` (or finish a killed copy),
    ``jobs`` tables at a time."""
    if is_sqlite(target_url):
        raise DumpError(f"--to {target_url}: the target must be PostgreSQL (postgresql+psycopg://...)")
    target = make_engine(target_url)
    loader = PostgresLoad(target)
    try:
        loader.begin()
        resumed = _start(target, loader, source)
        state = copy_state.read_state(loader.db)
        loader.commit()
        totals = {}
        with source.connect() as conn:
            for table in metadata.sorted_tables:
                totals[table.name] = conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{table.name}"').scalar_one()
        # The foreign keys are off until the end, so the tables may be copied in any order: the biggest first,
        # so that the last one to finish is a small one.
        tables = sorted(metadata.sorted_tables, key=lambda t: -totals[t.name])
        with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="db-copy") as pool:
            done = pool.map(
                lambda t: _copy_table(source, target, str(t.name), state, totals[t.name], batch_rows, on_progress),
                tables,
            )
            copied = {str(t.name): rows for t, rows in zip(tables, done, strict=True)}
        _finish(source, target, loader, state["foreign_keys"], state["indexes"], jobs)
        in_order = {str(t.name): copied[str(t.name)] for t in metadata.sorted_tables}  # the report's order
        return CopyReport(target.url.render_as_string(hide_password=True), in_order, resumed)
    finally:
        loader.close()
        target.dispose()


def _copy_table(
    source: Engine,
    target: Engine,
    name: str,
    state: dict[str, Any],
    total: int,
    batch_rows: int,
    on_progress: Progress | None,
) -> int:
    """Copy the rest of table ``name``, on a target connection of its own; returns its rows copied in all."""
    table = metadata.tables[name]
    columns = [c.name for c in table.columns]
    at = [columns.index(k) for k in key_columns(table)]
    mark = state.get(f"table:{table.name}", {"after": None, "rows": 0, "done": False})
    loader = PostgresLoad(target)
    try:
        loader.begin()
        while not mark["done"]:
            with source.connect() as conn:
                rows = rows_after(conn, table, columns, mark["after"], batch_rows)
                conn.rollback()
            if rows:
                loader.load(table, columns, rows)
                mark = {"after": [rows[-1][i] for i in at], "rows": mark["rows"] + len(rows), "done": False}
            if len(rows) < batch_rows:
                mark = {**mark, "done": True}
            copy_state.put(loader.db, f"table:{table.name}", mark)
            loader.commit()
            if on_progress is not None:
                on_progress(table.name, mark["rows"], max(total, mark["rows"]))
        return int(mark["rows"])
    finally:
        loader.close()


def _finish(
    source: Engine, target: Engine, loader: PostgresLoad, keys: list[list[str]], indexes: list[list[str]], jobs: int
) -> None:
    loader.create_indexes([(name, sql) for name, sql in indexes])
    loader.add_foreign_keys([(t, n, d) for t, n, d in keys])
    loader.finish(metadata.sorted_tables)
    loader.commit()  # the target's own reads below see the re-added keys and sequences
    names = [t.name for t in metadata.sorted_tables]
    # Each side's fingerprints on their own threads: reading is mostly waiting on the database's own work.
    with ThreadPoolExecutor(max_workers=max(2, jobs), thread_name_prefix="db-copy-verify") as pool:
        sides = [pool.submit(_fingerprint, side, name) for name in names for side in (source, target)]
        prints = [future.result() for future in sides]
    different = [name for i, name in enumerate(names) if prints[2 * i] != prints[2 * i + 1]]
    if different:
        raise DumpError(
            f"copy verification failed: {', '.join(different)} differ from the source (did something write to "
            "it during the copy?); start again with an empty target"
        )
    copy_state.drop_state(loader.db)
    loader.commit()
