"""Schema versions: migrate with Alembic, and refuse to serve a database whose schema is stale."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class StaleSchemaError(RuntimeError):
    """The database is older (or newer) than this code; the message says which command fixes it."""


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the newest schema; returns (revision before, revision after)."""
    before = current_revision(engine)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before, head_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def ensure_current(engine: Engine, create_if_empty: bool = False) -> None:
    """Raise StaleSchemaError unless the schema is the newest; a brand-new database may be created."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None and create_if_empty and is_empty(engine):
        upgrade(engine)
        return
    if current is None:
        raise StaleSchemaError(
            f"database {engine.url.render_as_string(hide_password=True)} has no papertalk schema: "
            "run `papertalk db upgrade` to create it"
        )
    known = {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
    if current not in known:
        raise StaleSchemaError(
            f"database schema {current} is newer than this papertalk (knows up to {head}): upgrade papertalk"
        )
    raise StaleSchemaError(
        f"database schema is at {current} but this papertalk needs {head}: run `papertalk db upgrade`"
    )
