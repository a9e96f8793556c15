"""Engines for SQLite (the embedded default) and PostgreSQL, with the connection settings each needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

__all__ = ["Connection", "Engine", "is_sqlite", "make_engine", "missing_sqlite_file"]
from sqlalchemy.engine import make_url

from papertalk.storage.unreachable import DatabaseUnreachableError, describe, watch_connects

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers (pages, the CLI) run while an import writes; NORMAL sync is safe under WAL
    # (a power cut may lose the last commits, never corrupt); foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA cache_size=-131072")  # 128 MiB page cache: bulk upserts touch big indexes
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()
    # SQLite builds without the math functions would lack pow(); ranking needs it.
    try:
        dbapi_connection.execute("SELECT pow(2.0, 1.0)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("pow", 2, lambda a, b: float(a) ** float(b), deterministic=True)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def missing_sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names when it does not exist yet (opening it would create it)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    path = Path(database).expanduser()
    return None if path.exists() else path


def make_engine(url: str) -> Engine:
    """An engine for ``url``; creates the SQLite file's folder when needed. A failed connection raises
    DatabaseUnreachableError (storage.unreachable)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            try:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseUnreachableError(describe(url, str(error))) from None
        # Python's sqlite3 opens implicit transactions in its own way; let SQLAlchemy drive them.
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    watch_connects(engine)
    return engine
