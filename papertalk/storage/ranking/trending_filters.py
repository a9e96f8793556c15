"""The trending ranking restricted by paper: only papers first submitted in the window ("new papers
only") and/or whose primary category is one of some categories (one picked, or a reader's interests).
Same formula as ``trending_queries``, one GROUP BY over the window's votes joined to their papers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from papertalk.core.ranking import RankingSettings, Window, window_start
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.ranking.maintained import ScoredRow
from papertalk.storage.ranking.trending_queries import Audience, _filters, score_sql


def _paper_filters(window: Window, now: int, new_only: bool, categories: Sequence[str]) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    since = window_start(window, now)
    if new_only and since is not None:
        clauses.append("pa.published_at > ?")
        params.append(since)
    if categories:  # the primary category is the first of the space-separated list
        clauses.append("(" + " OR ".join("pa.categories = ? OR pa.categories LIKE ?" for _ in categories) + ")")
        for category in categories:
            params += [category, category + " %"]
    return " AND ".join(clauses) or "1 = 1", params


def top_filtered(
    conn: Connection,
    now: int,
    window: Window,
    settings: RankingSettings,
    audience: Audience,
    new_only: bool,
    categories: Sequence[str],
    limit: int,
    offset: int,
) -> list[ScoredRow]:
    sql = for_connection(conn)
    where, params = _filters(window, now, audience)
    papers_where, paper_params = _paper_filters(window, now, new_only, categories)
    score, score_params = score_sql(window, now, settings)
    rows = sql.all(
        conn,
        f"SELECT v.paper_id, MIN(pa.arxiv_id), {score} AS score, COUNT(*) AS people FROM votes v "
        f"JOIN papers pa ON pa.id = v.paper_id WHERE {where} AND {papers_where} "
        "GROUP BY v.paper_id ORDER BY score DESC, people DESC, v.paper_id DESC LIMIT ? OFFSET ?",
        [*score_params, *params, *paper_params, limit, offset],
    )
    return [ScoredRow(int(r[0]), str(r[1]), float(r[2]), int(r[3])) for r in rows]


def count_filtered(
    conn: Connection, now: int, window: Window, audience: Audience, new_only: bool, categories: Sequence[str]
) -> int:
    sql = for_connection(conn)
    where, params = _filters(window, now, audience)
    papers_where, paper_params = _paper_filters(window, now, new_only, categories)
    rows = sql.all(
        conn,
        f"SELECT COUNT(DISTINCT v.paper_id) FROM votes v JOIN papers pa ON pa.id = v.paper_id "
        f"WHERE {where} AND {papers_where}",
        [*params, *paper_params],
    )
    return int(rows[0][0])
