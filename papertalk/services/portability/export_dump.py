"""``papertalk export``: every table of the instance as JSON lines, in foreign-key order, with a manifest.

One line per row, a JSON array of the values in the manifest's column order, rows in primary-key order:
the same data gives the same bytes from SQLite and PostgreSQL. Secrets (``storage.portability.
secret_columns``) are left out unless asked for. The reads share one snapshot (one transaction, repeatable
read on PostgreSQL), so the export is consistent while the instance keeps running; rows stream batch by
batch, so memory stays flat whatever the size. The search index is not exported: a restore rebuilds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import orjson

from papertalk.services.portability.manifest import DumpError, Manifest, TableFile
from papertalk.storage.engine import Engine
from papertalk.storage.portability.secret_columns import exported_columns, is_exported, row_filter
from papertalk.storage.portability.table_rows import count_rows, stream_rows
from papertalk.storage.schema import current_revision
from papertalk.storage.tables import metadata

_LINE = orjson.OPT_APPEND_NEWLINE
EXPORT_CACHE_KIB = 16 * 1024


def _line(row: object) -> bytes:
    return orjson.dumps(row, option=_LINE)


# (table, rows written so far in it, rows it holds) after each batch
Progress = Callable[[str, int, int], None]


def _ready_folder(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise DumpError(f"{directory}: not a folder")
    if directory.exists() and any(directory.iterdir()):
        raise DumpError(f"{directory}: not empty; export into a new or empty folder")
    directory.mkdir(parents=True, exist_ok=True)


def export_database(
    engine: Engine, directory: Path, with_secrets: bool = False, on_progress: Progress | None = None
) -> Manifest:
    """Write the export into ``directory`` (new or empty); returns its manifest."""
    schema = current_revision(engine)
    if schema is None:
        raise DumpError(f"{engine.url.render_as_string(hide_password=True)}: no papertalk schema to export")
    _ready_folder(directory)
    tables = [t for t in metadata.sorted_tables if is_exported(t, with_secrets)]
    files: list[TableFile] = []
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            # A stream reads each page once: the engine's 128 MiB page cache would only grow the process.
            conn.exec_driver_sql(f"PRAGMA cache_size=-{EXPORT_CACHE_KIB}")
            conn.exec_driver_sql("BEGIN")  # SQLite: one read transaction is one snapshot under WAL
        planned = [count_rows(conn, t, row_filter(t, with_secrets)) for t in tables]
        for table, total in zip(tables, planned, strict=True):
            columns = exported_columns(table, with_secrets)
            name = f"{table.name}.jsonl"
            digest = hashlib.sha256()
            rows = size = 0
            with (directory / name).open("wb") as out:
                for batch in stream_rows(conn, table, columns, row_filter(table, with_secrets)):
                    chunk = b"".join(map(_line, batch))
                    out.write(chunk)
                    digest.update(chunk)
                    rows += len(batch)
                    size += len(chunk)
                    if on_progress is not None:
                        on_progress(table.name, rows, total)
            files.append(TableFile(str(table.name), name, columns, rows, size, digest.hexdigest()))
        conn.rollback()
    manifest = Manifest(schema=schema, with_secrets=with_secrets, tables=files)
    manifest.write(directory)
    return manifest
