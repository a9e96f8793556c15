"""Migrations: the schema they build matches the tables the code uses, and they go down and up again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.services.capture.accounts import block_accounts
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import make_engine
from papertalk.storage.library.summary_search_schema import FTS_TABLE as SUMMARY_FTS_TABLE
from papertalk.storage.schema import (
    HEAD_REVISION,
    StaleSchemaError,
    current_revision,
    ensure_current,
    head_revision,
    upgrade,
)
from papertalk.storage.search.search_schema import FTS_TABLE, SEARCH_COLUMN
from papertalk.storage.tables import metadata
from tests.databases import POSTGRES_URL, postgres_database
from tests.helpers import assert_day_counts_exact, downgrade, post, run_import, write_lines
from tests.helpers import table as rows_of


def test_migrations_build_every_table_and_index(db_url: str) -> None:
    engine = make_engine(db_url)
    assert upgrade(engine) == (None, head_revision())
    found = inspect(engine)
    # The search index lives outside the Core tables (search_schema): FTS5 and its shadow tables, or a
    # generated tsvector column on papers; the same for summaries (library.summary_search_schema).
    fts = (FTS_TABLE, SUMMARY_FTS_TABLE)
    tables = {t for t in found.get_table_names() if not t.startswith(fts)} - {"alembic_version"}
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
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_migration_0008_fills_the_day_counts_of_an_existing_database(db_url: str, tmp_path: Path) -> None:
    """A database with mentions from before 0008 gets its per-paper day counts from the migration."""
    engine = make_engine(db_url)
    upgrade(engine)
    records = [post(f"p{i}", f"u{i % 4}", 3 + 11 * i, text=f"arXiv:2411.{i % 3:05d}") for i in range(12)]
    records += [post(f"r{i}", "v", 2, "repost", original=f"p{i}") for i in range(0, 12, 4)]
    run_import(engine, write_lines(tmp_path / "a.jsonl", records), batch_size=5)
    block_accounts(engine, Settings.from_env({"PAPERTALK_DATABASE_URL": db_url}), ["bluesky:u1"])
    downgrade(engine, "0007")
    assert "paper_day_mentions" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert rows_of(engine, "SELECT COUNT(*) FROM paper_day_mentions")[0][0] > 3
    assert_day_counts_exact(engine)
    engine.dispose()


def test_head_revision_names_the_newest_migration() -> None:
    """HEAD_REVISION lets the schema check skip Alembic: it must be what Alembic reads from migrations/."""
    assert head_revision() == HEAD_REVISION


def test_an_older_schema_is_refused_then_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    downgrade(engine, "0007")
    with pytest.raises(StaleSchemaError, match=f"is at 0007 but this papertalk needs {HEAD_REVISION}"):
        ensure_current(engine)
    assert upgrade(engine) == ("0007", HEAD_REVISION)
    ensure_current(engine)
    engine.dispose()


# In a fresh interpreter (this one has Alembic loaded): check the schema, say whether Alembic got imported.
CHECK_SCHEMA = """
import sys
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import ensure_current
ensure_current(make_engine(sys.argv[1]))
print("alembic" in sys.modules)
"""


def test_checking_a_current_schema_does_not_import_alembic(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    args = [sys.executable, "-c", CHECK_SCHEMA, db_url]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")
def test_postgres_keeps_the_search_vector_in_the_row_and_moves_the_abstract_out() -> None:
    """Migration 0010: a paper's tsvector stays in its row (STORAGE MAIN), so ``@@`` on a row reads no TOAST;
    the long abstract is what goes out of line. (SQLite has no TOAST: nothing to check there.)"""
    with postgres_database() as url:
        _check_search_vector_storage(url)


def _check_search_vector_storage(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    storage = "SELECT attstorage FROM pg_attribute WHERE attrelid = 'papers'::regclass AND attname = 'search_vector'"
    assert rows_of(engine, storage) == [("m",)]
    words = " ".join(f"word{n} graph{n % 7} lattice{n % 13}" for n in range(160))  # ~3 KB, as long abstracts are
    with engine.begin() as conn:
        upsert_papers(conn, [Paper("2412.00001", "A long one", ("A. Author",), words, ("cs.LG",), 1_733_000_000)], 0)
    # In the row: stored at its full size (not a TOAST pointer, and too short to compress); the abstract is
    # compressed or moved out (its stored size is well under its length).
    vector, abstract, length = rows_of(
        engine,
        "SELECT pg_column_size(search_vector), pg_column_size(abstract), octet_length(abstract) FROM papers",
    )[0]
    assert vector > 2000
    assert abstract < length / 2
    downgrade(engine, "0009")
    assert rows_of(engine, storage) == [("x",)]
    engine.dispose()
