"""Migrations: the schema they build matches the tables the code uses, and they go down and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from papertalk.storage.engine import make_engine
from papertalk.storage.schema import _alembic_config, current_revision, ensure_current, head_revision, upgrade
from papertalk.storage.search_schema import FTS_TABLE, SEARCH_COLUMN
from papertalk.storage.tables import metadata


def test_migrations_build_every_table_and_index(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine) == (None, head_revision())
    found = inspect(engine)
    # The search index lives outside the Core tables (search_schema): FTS5 and its shadow tables, or a
    # generated tsvector column on papers.
    tables = {t for t in found.get_table_names() if not t.startswith(FTS_TABLE)} - {"alembic_version"}
    assert tables == set(metadata.tables)
    for name, table in metadata.tables.items():
        columns = {c["name"] for c in found.get_columns(name)} - {SEARCH_COLUMN}
        assert columns == {c.name for c in table.columns}, name
        assert {i["name"] for i in found.get_indexes(name)} >= {i.name for i in table.indexes}, name
    ensure_current(engine)
    engine.dispose()


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
