"""After a big catalogue import PostgreSQL has planner statistics for ``papers`` at once (searches on a
freshly filled, never-analyzed table were measured 2-3x slower); small writes into a big table do not pay
for an ANALYZE; SQLite needs none."""

from __future__ import annotations

from pathlib import Path

from papertalk.demo.snapshot_generator import generate_snapshot_lines
from papertalk.services.catalogue.snapshot_import import CatalogueImporter
from papertalk.storage.engine import Engine
from papertalk.storage.planner_stats import analyze_papers_after_bulk_write
from tests.helpers import NOW, table


def import_papers(engine: Engine, path: Path, count: int, seed: int) -> None:
    path.write_bytes(b"".join(line.rstrip(b"\n") + b"\n" for line in generate_snapshot_lines(seed, count)))
    CatalogueImporter(engine, NOW, batch_size=50, parallel=False).import_path(path)


def planner_rows(engine: Engine) -> float:
    return float(table(engine, "SELECT reltuples FROM pg_class WHERE oid = 'papers'::regclass")[0][0])


def test_an_import_leaves_statistics_for_the_planner(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            assert analyze_papers_after_bulk_write(conn, 1_000_000) is False
        return
    assert planner_rows(engine) < 0  # a new table: never analyzed
    import_papers(engine, tmp_path / "first.jsonl", 120, seed=31)
    assert planner_rows(engine) == 120
    stats = table(
        engine,
        # pg_stats lists every schema: other PostgreSQL tests running at the same time have their own papers
        "SELECT attname FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'papers' "
        "AND attname = 'search_vector'",
    )
    assert stats == [("search_vector",)]


def test_only_writes_of_a_tenth_of_the_table_analyze(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        return
    import_papers(engine, tmp_path / "first.jsonl", 200, seed=32)
    with engine.begin() as conn:
        assert analyze_papers_after_bulk_write(conn, 0) is False
        assert analyze_papers_after_bulk_write(conn, 19) is False
        assert analyze_papers_after_bulk_write(conn, 20) is True
    # A second import writes 30 papers (some new): 15 % of the table, so it analyzes again.
    import_papers(engine, tmp_path / "second.jsonl", 30, seed=33)
    stored = table(engine, "SELECT COUNT(*) FROM papers")[0][0]
    assert stored > 200 and planner_rows(engine) == stored
