"""Schema versions: migrate with Alembic, and refuse to serve a database whose schema is stale.

Alembic is imported only to migrate, or to say what is wrong with a schema that is not current: every
command checks the schema, and importing Alembic (with Mako, Pygments and every dialect's DDL compiler)
costs ~0.35 CPU-seconds (of the 5 s an X archive import of 100,000 tweets may take). A current database is
recognised by its ``alembic_version`` row matching ``HEAD_REVISION``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration's revision; tests/test_schema.py checks it is what Alembic reads from MIGRATIONS_DIR.
HEAD_REVISION = "0029"
VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps


class StaleSchemaError(RuntimeError):
    """The database is older (or newer) than this code; the message says which command fixes it."""


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the newest schema; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(engine)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before, head_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def is_current(engine: Engine) -> bool:
    """The database's one ``alembic_version`` row is ``HEAD_REVISION`` (read without importing Alembic)."""
    if not inspect(engine).has_table(VERSION_TABLE):
        return False
    with engine.connect() as conn:
        stored = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return stored == [HEAD_REVISION]


def ensure_current(engine: Engine, create_if_empty: bool = False) -> None:
    """Raise StaleSchemaError unless the schema is the newest; a brand-new database may be created."""
    if is_current(engine):
        return
    from alembic.script import ScriptDirectory

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
