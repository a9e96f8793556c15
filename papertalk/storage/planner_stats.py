"""Planner statistics after a bulk write, so the first searches after an import get good plans.

PostgreSQL plans a search (``search_vector @@ q ORDER BY id DESC LIMIT n``, a bitmap of the GIN index or a
backward walk of the primary key) from the table's statistics; a table just filled by an import has none
until autovacuum gets to it, and the plans chosen meanwhile were measured 2-3x slower (median 116-120 vs
36-55 ms at 100 k papers, docs/performance.md). So a bulk write that changed a good share of ``papers`` analyzes it
at once, by the same rule autovacuum uses (10 % of the rows). SQLite's FTS5 queries need no statistics.
"""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection

ANALYZE_FRACTION = 0.1  # PostgreSQL's default autovacuum_analyze_scale_factor


def analyze_papers_after_bulk_write(conn: Connection, written: int) -> bool:
    """``ANALYZE papers`` on PostgreSQL when ``written`` rows are at least 10 % of what the planner thinks
    the table holds (or it was never analyzed); returns whether it did."""
    sql = for_connection(conn)
    if not sql.postgres or written <= 0:
        return False
    estimate = sql.all(conn, "SELECT reltuples FROM pg_class WHERE oid = 'papers'::regclass")
    known_rows = float(estimate[0][0]) if estimate else -1.0
    if known_rows >= 0 and written < ANALYZE_FRACTION * known_rows:
        return False
    sql.execute(conn, "ANALYZE papers")
    return True
