"""Opening the database for a use case: the engine, and the schema check every entry point makes."""

from __future__ import annotations

from papertalk.config import Settings
from papertalk.storage.engine import Engine, make_engine, missing_sqlite_file
from papertalk.storage.schema import (
    StaleSchemaError,
    current_revision,
    ensure_current,
    head_revision,
    upgrade,
)

__all__ = ["StaleSchemaError", "migrate", "open_database", "schema_status"]


def open_database(settings: Settings, create_if_empty: bool = False) -> Engine:
    """An engine on a database whose schema is current; refuses a stale one (StaleSchemaError)."""
    missing = missing_sqlite_file(settings.database_url)
    if missing is not None and not create_if_empty:
        raise StaleSchemaError(
            f"no papertalk database at {missing} yet: import posts first (papertalk import FILE), "
            "run `papertalk demo`, or point --database at an existing one"
        )
    engine = make_engine(settings.database_url)
    ensure_current(engine, create_if_empty=create_if_empty)
    return engine


def migrate(settings: Settings) -> tuple[str | None, str]:
    engine = make_engine(settings.database_url)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()


def schema_status(settings: Settings) -> tuple[str | None, str]:
    engine = make_engine(settings.database_url)
    try:
        return current_revision(engine), head_revision()
    finally:
        engine.dispose()
