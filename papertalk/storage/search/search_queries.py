"""The SQL of search: candidate papers for a match expression, term counts in a sample, candidate texts,
attention and post counts. One function per question, both backends (see ``search_match``).

Every query is bounded whatever the number of matches: candidates are read newest first (FTS5 walks its
doclists backwards by rowid and stops at the LIMIT; PostgreSQL walks the primary key backwards or reads
the GIN index), and IDF counts only look at the newest ``sample`` papers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.core.search_terms import Candidate
from papertalk.storage.dialect_sql import BulkSql, for_connection

ATTENTION_WINDOW = "all"
GIN_FACTOR = 8  # PostgreSQL: read through GIN when (estimated matches)² < GIN_FACTOR × limit × papers
SPAN_GROWTH = 8.0  # the most a GIN read's span of newest ids grows between two tries


@dataclass(frozen=True)
class Filters:
    """One backend's match expression (None: match every indexed paper) and the published-date limits."""

    match: str | None
    published_from: int | None = None
    published_to: int | None = None


def _where(sql: BulkSql, filters: Filters) -> tuple[str, str, list[object]]:
    """(FROM clause, WHERE clause, parameters) selecting indexed papers that pass ``filters``."""
    params: list[object] = []
    if sql.postgres:
        source, conditions = "papers p", ["p.search_vector IS NOT NULL"]
        if filters.match is not None:
            conditions.append("p.search_vector @@ CAST(? AS tsquery)")
            params.append(filters.match)
    elif filters.match is not None:
        dated = filters.published_from is not None or filters.published_to is not None
        source = "paper_fts f JOIN papers p ON p.id = f.rowid" if dated else "paper_fts f"
        conditions = ["paper_fts MATCH ?"]
        params.append(filters.match)
    else:
        source, conditions = "papers p", ["p.title IS NOT NULL"]
    if filters.published_from is not None:
        conditions.append("p.published_at >= ?")
        params.append(filters.published_from)
    if filters.published_to is not None:
        conditions.append("p.published_at <= ?")
        params.append(filters.published_to)
    return source, " AND ".join(conditions), params


def _row(sql: BulkSql, filters: Filters) -> str:
    return "f.rowid" if not sql.postgres and filters.match is not None else "p.id"


def newest_matches(conn: Connection, filters: Filters, limit: int) -> list[int]:
    """Row ids of up to ``limit`` matching papers, newest (highest row id) first."""
    sql = for_connection(conn)
    source, where, params = _where(sql, filters)
    row = _row(sql, filters)
    if sql.postgres and filters.match is not None:
        newest = _gin_span(conn, source, where, params, limit)
        if newest is not None:
            return _newest_through_gin(conn, source, where, params, limit, *newest)
    found = sql.all(conn, f"SELECT {row} FROM {source} WHERE {where} ORDER BY {row} DESC LIMIT ?", (*params, limit))
    return [int(r[0]) for r in found]


def _gin_span(conn: Connection, source: str, where: str, params: list[object], limit: int) -> tuple[int, int] | None:
    """PostgreSQL: (the highest row id, how many of the newest row ids to read through the GIN index at
    first), or None when walking the primary key backwards is cheaper.

    The planner picks the backward walk for most queries, because it prices ``@@`` as nearly free; but each
    row it checks costs ~1 µs (~5 µs for rows whose tsvector is still in TOAST, from before migration 0010).
    With M estimated matches (the planner's estimate, from the column's statistics) among N papers, the
    walk checks ~``limit`` × N / M rows, whatever N. Through GIN, a query reads the whole posting list of
    each of its tokens (~0.07 µs an entry: this grows with N), then visits only the matches among the newest
    ids, found by ANDing the GIN bitmap with a primary-key range (a span expected to hold 2 × ``limit``
    matches), so ~2 × ``limit`` rows whatever M. GIN is taken when M² < ``GIN_FACTOR`` × ``limit`` × N; at
    3M papers this still sends some queries of common words through GIN that would walk faster
    (docs/performance.md, 2026-12-03)."""
    sql = for_connection(conn)
    plan = sql.all(conn, f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {source} WHERE {where}", params)[0][0]
    estimated = max(float(plan[0]["Plan"]["Plan Rows"]), 1.0)
    sizes = sql.all(
        conn,
        "SELECT GREATEST(reltuples, 0), (SELECT COALESCE(MAX(id), 0) FROM papers) FROM pg_class "
        "WHERE oid = 'papers'::regclass",
    )
    papers, top = (float(sizes[0][0]), int(sizes[0][1])) if sizes else (0.0, 0)
    if estimated * estimated >= GIN_FACTOR * limit * papers:
        return None
    return top, math.ceil(2 * limit * max(top, 1) / estimated)


def _newest_through_gin(
    conn: Connection, source: str, where: str, params: list[object], limit: int, top: int, span: int
) -> list[int]:
    """The newest ``limit`` matches among the newest ``span`` row ids, read through GIN and a primary-key
    range (a BitmapAnd: only the matches in the range are visited); the span grows until it holds
    ``limit`` matches or covers every paper."""
    sql = for_connection(conn)
    while True:
        floor = top - span
        # ``id + 0``: not the primary key's order, so PostgreSQL reads the matches through GIN and sorts them.
        found = sql.all(
            conn,
            f"SELECT p.id FROM {source} WHERE {where} AND p.id > ? ORDER BY p.id + 0 DESC LIMIT ?",
            (*params, floor, limit),
        )
        if len(found) >= limit or floor <= 0:
            return [int(r[0]) for r in found]
        # Fewer matches than expected (a phrase, a title: term): widen by what the density seen suggests.
        span = math.ceil(span * (SPAN_GROWTH if not found else min(SPAN_GROWTH, max(2.0, 2 * limit / len(found)))))


def attended_matches(conn: Connection, filters: Filters, window: str, scan: int) -> list[int]:
    """Matching papers among the ``scan`` with the highest ``window`` score (papers people talk about)."""
    sql = for_connection(conn)
    top = sql.all(
        conn,
        "SELECT paper_id FROM window_scores WHERE window_name = ? ORDER BY score DESC, paper_id DESC LIMIT ?",
        (window, scan),
    )
    if not top:
        return []
    source, where, params = _where(sql, filters)
    row = _row(sql, filters)
    found = sql.all(
        conn,
        f"SELECT {row} FROM {source} WHERE {where} AND " + sql.in_list(row),
        (*params, sql.list_param([r[0] for r in top])),
    )
    return [int(r[0]) for r in found]


def sample_counts(conn: Connection, matches: Sequence[str], sample: int) -> tuple[int, list[int]]:
    """(papers in the sample, how many of them each match expression selects): the sample is the newest
    ``sample`` row ids, which keeps the cost of a count bounded however common the term."""
    sql = for_connection(conn)
    newest = sql.all(conn, "SELECT id FROM papers ORDER BY id DESC LIMIT 1")
    top = int(newest[0][0]) if newest else 0
    floor = top - sample
    counts = []
    for match in matches:
        source, where, params = _where(sql, Filters(match))
        row = _row(sql, Filters(match))
        found = sql.all(conn, f"SELECT COUNT(*) FROM {source} WHERE {where} AND {row} > ?", (*params, floor))
        counts.append(int(found[0][0]))
    return min(sample, top), counts


def candidate_texts(conn: Connection, rows: Sequence[int]) -> tuple[list[Candidate], dict[int, int]]:
    """The candidates' searchable text, and when each was first published (0 when unknown)."""
    if not rows:
        return [], {}
    sql = for_connection(conn)
    found = sql.all(
        conn,
        "SELECT id, title, authors, abstract, published_at FROM papers WHERE " + sql.in_list("id"),
        (sql.list_param(rows),),
    )
    texts = [Candidate(int(r[0]), {"title": r[1] or "", "authors": r[2] or "", "abstract": r[3] or ""}) for r in found]
    return texts, {int(r[0]): int(r[4] or 0) for r in found}


def window_scores_of(conn: Connection, window: str, rows: Sequence[int]) -> dict[int, float]:
    """The stored score of each paper in ``window`` (same scale within a window, so it orders correctly)."""
    if not rows:
        return {}
    sql = for_connection(conn)
    found = sql.all(
        conn,
        "SELECT paper_id, score FROM window_scores WHERE window_name = ? AND " + sql.in_list("paper_id"),
        (window, sql.list_param(rows)),
    )
    return {int(r[0]): float(r[1]) for r in found}


def post_counts(conn: Connection, rows: Sequence[int]) -> dict[int, int]:
    """Captured posts (of every kind) that cite each paper."""
    if not rows:
        return {}
    sql = for_connection(conn)
    found = sql.all(
        conn,
        "SELECT paper_id, COUNT(*) FROM mentions WHERE " + sql.in_list("paper_id") + " GROUP BY paper_id",
        (sql.list_param(rows),),
    )
    return {int(r[0]): int(r[1]) for r in found}
