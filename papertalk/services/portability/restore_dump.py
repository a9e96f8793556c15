"""``papertalk restore``: an export folder into an empty database of either backend.

Everything is checked before anything is written: the manifest, that each file is whole (its size, its
SHA-256, its line count), that the export's schema is the one this papertalk has, and that the target holds
no rows. Then one transaction loads every table in foreign-key order (``storage.portability.bulk_load``):
a failure, or a kill, leaves the target as empty as it was. Rank tables and day counts are restored as
they were exported (they were consistent in that snapshot); the search index is rebuilt from the papers.
Secret columns the export left out are filled with a value no hash equals (``secret_columns.WITHHELD``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from papertalk.services.portability.manifest import DumpError, Manifest, TableFile, read_manifest
from papertalk.storage.engine import Engine, is_sqlite
from papertalk.storage.portability.bulk_load import PostgresLoad, SqliteLoad
from papertalk.storage.portability.secret_columns import WITHHELD
from papertalk.storage.portability.target_state import tables_with_rows
from papertalk.storage.schema import current_revision, head_revision, upgrade
from papertalk.storage.tables import metadata

LOAD_BYTES = 4 << 20  # a batch of about 4 MiB of lines
Progress = Callable[[str, int, int], None]
_READ = 1 << 20


def check_dump(directory: Path) -> Manifest:
    """The folder's manifest, once every file it names is whole; DumpError (one line) otherwise."""
    manifest = read_manifest(directory)
    head = head_revision()
    if manifest.schema != head:
        raise DumpError(_schema_problem(directory, manifest.schema, head))
    for entry in manifest.tables:
        _check_file(directory, entry)
    return manifest


def _schema_problem(directory: Path, schema: str, head: str) -> str:
    if schema.isdigit() and head.isdigit() and int(schema) > int(head):
        return f"{directory}: export of schema {schema} is newer than this papertalk ({head}): upgrade papertalk"
    return (
        f"{directory}: export of schema {schema}, this papertalk restores {head} only: export again with this papertalk"
    )


def _check_file(directory: Path, entry: TableFile) -> None:
    table = metadata.tables.get(entry.name)
    if table is None or entry.file != f"{entry.name}.jsonl":
        raise DumpError(f"{directory}: manifest names an unknown table or file {entry.name!r} / {entry.file!r}")
    unknown = [c for c in entry.columns if c not in table.columns]
    if unknown:
        raise DumpError(f"{directory / entry.file}: unknown columns {', '.join(unknown)} for table {entry.name}")
    path = directory / entry.file
    if not path.is_file():
        raise DumpError(f"{path}: missing")
    size = path.stat().st_size
    if size != entry.bytes:
        state = "truncated" if size < entry.bytes else "longer than the manifest says"
        raise DumpError(f"{path}: {state}: {size} bytes, the manifest says {entry.bytes}")
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as f:
        while block := f.read(_READ):
            digest.update(block)
            lines += block.count(b"\n")
    if digest.hexdigest() != entry.sha256:
        raise DumpError(f"{path}: SHA-256 does not match the manifest (the file was changed or damaged)")
    if lines != entry.rows:
        raise DumpError(f"{path}: {lines} lines, the manifest says {entry.rows} rows")


def check_target(engine: Engine) -> None:
    """Refuse a target that holds any row, or whose schema is another version than this papertalk's."""
    where = engine.url.render_as_string(hide_password=True)
    current = current_revision(engine)
    if current is not None and current != head_revision():
        raise DumpError(f"{where}: schema {current}, not {head_revision()}: restore into an empty database")
    occupied = tables_with_rows(engine)
    if occupied:
        raise DumpError(f"{where}: not empty ({', '.join(occupied[:5])} hold rows): restore into an empty database")


def _batches(path: Path, entry: TableFile, fill: list[tuple[int, str]], key_at: int) -> Iterator[list[Any]]:
    """The file's rows in batches, with the withheld secret columns appended (``fill``: where, which).

    Each batch of lines is parsed as one JSON array (one call instead of one per line); the file's SHA-256
    and line count were checked before, so a bad batch only names the file and its first line."""
    width = len(entry.columns)
    first = 1
    with path.open("rb") as f:
        while lines := f.readlines(LOAD_BYTES):
            try:
                batch = orjson.loads(b"[" + b",".join(lines) + b"]")
            except orjson.JSONDecodeError as error:
                raise DumpError(f"{path}:{first}: lines {first}-{first + len(lines) - 1}: not JSON ({error})") from None
            # map() keeps the shape check in C: a generator per row cost 6% of a restore's CPU
            if set(map(type, batch)) - {list} or set(map(len, batch)) - {width}:
                raise DumpError(f"{path}:{first}: lines {first}-{first + len(lines) - 1}: a row is not {width} values")
            for row in batch if fill else ():
                row.extend(f"{WITHHELD}{row[key_at]}" for _ in fill)
            first += len(lines)
            yield batch


def _withheld(entry: TableFile) -> tuple[list[str], list[tuple[int, str]], int]:
    """Columns to insert: the file's, then each NOT NULL column it lacks (a withheld secret)."""
    table = metadata.tables[entry.name]
    missing = [c for c in table.columns if c.name not in entry.columns and not c.nullable and c.server_default is None]
    keys = [c.name for c in table.primary_key.columns]
    key_at = entry.columns.index(keys[0]) if keys and keys[0] in entry.columns else 0
    fill = [(len(entry.columns) + i, c.name) for i, c in enumerate(missing)]
    return [*entry.columns, *(c.name for c in missing)], fill, key_at


def restore_database(
    engine: Engine, directory: Path, on_progress: Progress | None = None, checked: Manifest | None = None
) -> Manifest:
    """Load the export in ``directory`` into the empty database of ``engine``; returns the manifest."""
    manifest = checked or check_dump(directory)
    check_target(engine)
    if current_revision(engine) is None:
        upgrade(engine)
    sqlite = is_sqlite(engine.url.render_as_string(hide_password=False))
    loader: SqliteLoad | PostgresLoad = SqliteLoad(engine) if sqlite else PostgresLoad(engine)
    try:
        loader.begin()
        keys = [] if isinstance(loader, SqliteLoad) else loader.foreign_keys()
        indexes = [] if isinstance(loader, SqliteLoad) else loader.secondary_indexes()
        if isinstance(loader, PostgresLoad):
            loader.drop_foreign_keys(keys)
            loader.drop_indexes(indexes)
        for entry in manifest.tables:
            table = metadata.tables[entry.name]
            columns, fill, key_at = _withheld(entry)
            done = 0
            for batch in _batches(directory / entry.file, entry, fill, key_at):
                loader.load(table, columns, batch)
                done += len(batch)
                if on_progress is not None:
                    on_progress(entry.name, done, entry.rows)
        if isinstance(loader, PostgresLoad):
            loader.create_indexes(indexes)
            loader.add_foreign_keys(keys)
            loader.finish(metadata.sorted_tables)
        else:
            loader.finish()
        loader.commit()
    finally:
        loader.close()
    return manifest
