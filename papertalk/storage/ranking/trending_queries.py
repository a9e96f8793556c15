"""The ranking of ``core.ranking`` evaluated in SQL over the maintained votes table.

A window's top papers come from one index-only scan of ``ix_votes_window`` (or, for a network, one
range per followed account on ``ix_votes_account``) and a GROUP BY, with the same formula as
``core.ranking.rank``: sum over votes of weight(strongest kind) * 2^(-(now - first_at) / half_life).
Equal scores with equal people are ordered by the paper papertalk saw first (its row id), so pages
are stable; ``core.ranking`` orders such ties by arXiv id instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.core.ranking import RankingSettings, Window, window_start
from papertalk.core.records import Vote
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.ranking.maintained import Maintained, ScoredRow, arxiv_ids
from papertalk.storage.ranking.network_scores import network_ranking
from papertalk.storage.ranking.rank_tables import NOT_BLOCKED, RankTables, contribution_sql, decay_sql


@dataclass(frozen=True)
class Audience:
    """Whose votes count: everyone (``network_id`` None) or the accounts of one network, less the accounts
    the reader (``hidden_by``, a user id) blocked for their own views."""

    network_id: int | None = None
    hidden_by: int | None = None


def weight_sql(settings: RankingSettings, column: str = "v.kinds") -> str:
    """CASE expression giving a vote's weight: that of the heaviest kind in its bit set."""
    cases = " ".join(f"WHEN {column} & {bit} <> 0 THEN {weight!r}" for bit, weight in settings.strongest_first())
    return f"(CASE {cases} ELSE 0.0 END)"


def score_sql(window: Window, now: int, settings: RankingSettings) -> tuple[str, list[object]]:
    """A paper's score over its votes ``v`` at ``now``: weights summed, halved every half-life if any."""
    if window.half_life is None:
        return f"SUM({weight_sql(settings)})", []
    rate = math.log(2.0) / window.half_life
    return f"SUM({weight_sql(settings)} * {decay_sql('v.first_at')})", [now, rate, now, rate]


def _filters(
    window: Window, now: int, audience: Audience, at: str = "v.first_at", account: str = "v.account_id"
) -> tuple[str, list[object]]:
    """WHERE conditions for "in the window, in the audience, not blocked", on votes or on mentions."""
    clauses = [f"{at} <= ?"]
    params: list[object] = [now]
    since = window_start(window, now)
    if since is not None:
        clauses.append(f"{at} > ?")
        params.append(since)
    if audience.network_id is not None:
        clauses.append(f"{account} IN (SELECT account_id FROM network_accounts WHERE network_id = ?)")
        params.append(audience.network_id)
    if audience.hidden_by is not None:
        clauses.append(f"{account} NOT IN (SELECT account_id FROM user_blocks WHERE user_id = ?)")
        params.append(audience.hidden_by)
    clauses.append(f"{account} NOT IN (SELECT id FROM accounts WHERE blocked)")
    return " AND ".join(clauses), params


def top_papers(
    conn: Connection,
    now: int,
    window: Window,
    settings: RankingSettings,
    audience: Audience,
    limit: int,
    offset: int = 0,
) -> list[ScoredRow]:
    """The ranked papers of a window: from the maintained rank table when it can answer, else directly."""
    maintained = _maintained_for(conn, now, window, settings, audience)
    if maintained is not None:
        return maintained.top(limit, offset)
    return _top_direct(conn, now, window, settings, audience, limit, offset)


def _maintained_for(
    conn: Connection, now: int, window: Window, settings: RankingSettings, audience: Audience
) -> Maintained | None:
    """The precomputed ranking that answers this audience (everyone's rank table, or the network's when it
    is recent enough), or None: then the votes are read directly."""
    if audience.network_id is None:
        return _maintained(conn, now, window, settings) if audience.hidden_by is None else None
    return network_ranking(conn, now, window, settings, audience.network_id, audience.hidden_by)


def _top_direct(
    conn: Connection,
    now: int,
    window: Window,
    settings: RankingSettings,
    audience: Audience,
    limit: int,
    offset: int,
) -> list[ScoredRow]:
    """One scan of the window's votes and a GROUP BY: for networks, and when no rank table applies."""
    sql = for_connection(conn)
    where, params = _filters(window, now, audience)
    score, score_params = score_sql(window, now, settings)
    rows = sql.all(
        conn,
        f"SELECT v.paper_id, {score} AS score, COUNT(*) AS people FROM votes v WHERE {where} "
        "GROUP BY v.paper_id ORDER BY score DESC, people DESC, v.paper_id DESC LIMIT ? OFFSET ?",
        [*score_params, *params, limit, offset],
    )
    ids = arxiv_ids(conn, [r[0] for r in rows])
    return [ScoredRow(r[0], ids[r[0]], float(r[1]), int(r[2])) for r in rows]


def _maintained(conn: Connection, now: int, window: Window, settings: RankingSettings) -> Maintained | None:
    """The rank table of the window if it is built with these settings and covers ``now``; else None."""
    sql = for_connection(conn)
    state = RankTables(sql, settings).states(conn).get(window.name)
    if state is None or not state.readable_at(now):
        return None  # no table, or its anchor is too far from now to scale its sums (no import for long)
    lower = window_start(window, now)
    if lower is not None and lower < state.cutoff:
        return None  # asked about a moment before the table's window: it no longer holds those votes
    contribution = contribution_sql(settings, "first_at", "kinds")
    # Held votes placed after now, and (below) held votes that left the window since the last advance.
    parts = [f"SELECT paper_id, {contribution} AS c FROM votes WHERE first_at > ? AND first_at <= ? AND {NOT_BLOCKED}"]
    params: list[object] = [*state.decay_params, now, state.horizon]
    if lower is not None and lower > state.cutoff:
        parts.append(
            f"SELECT paper_id, {contribution} AS c FROM votes WHERE first_at > ? AND first_at <= ? AND {NOT_BLOCKED}"
        )
        params += [*state.decay_params, state.cutoff, lower]
    # Summed here, not by GROUP BY: SQLite would answer a GROUP BY paper_id by walking the whole votes
    # table in key order instead of the few index entries the time conditions select.
    corrections: dict[int, tuple[float, int]] = {}
    for paper, amount in sql.all(conn, " UNION ALL ".join(parts), params):
        score, people = corrections.get(int(paper), (0.0, 0))
        corrections[int(paper)] = (score + float(amount), people + 1)
    return Maintained(conn, state, now, corrections, key=(state.name,))


def count_ranked(conn: Connection, now: int, window: Window, audience: Audience, settings: RankingSettings) -> int:
    """How many papers have at least one counted vote in the window (for page links)."""
    maintained = _maintained_for(conn, now, window, settings, audience)
    if maintained is not None:
        return maintained.count()
    sql = for_connection(conn)
    where, params = _filters(window, now, audience)
    rows = sql.all(conn, f"SELECT COUNT(DISTINCT v.paper_id) FROM votes v WHERE {where}", params)
    return int(rows[0][0])


def post_counts(
    conn: Connection, paper_rows: Sequence[int], now: int, window: Window, audience: Audience
) -> dict[int, int]:
    """Posts of every kind citing each paper in the window and audience ("Captured posts and reposts")."""
    if not paper_rows:
        return {}
    sql = for_connection(conn)
    where, params = _filters(window, now, audience, at="m.created_at", account="m.account_id")
    rows = sql.all(
        conn,
        f"SELECT m.paper_id, COUNT(*) FROM mentions m WHERE {sql.in_list('m.paper_id')} AND {where} "
        "GROUP BY m.paper_id",
        [sql.list_param(paper_rows), *params],
    )
    return {int(p): int(n) for p, n in rows}


def votes_of_paper(conn: Connection, paper_row: int, now: int, window: Window, audience: Audience) -> list[Vote]:
    """The counted votes on one paper in the window, with account labels, for "why is this trending"."""
    sql = for_connection(conn)
    where, params = _filters(window, now, audience)
    rows = sql.all(
        conn,
        "SELECT p.arxiv_id, a.platform, COALESCE(a.handle, a.platform_id), v.first_at, v.kinds FROM votes v "
        f"JOIN accounts a ON a.id = v.account_id JOIN papers p ON p.id = v.paper_id WHERE v.paper_id = ? AND {where}",
        [paper_row, *params],
    )
    return [
        Vote(arxiv_id, f"{platform}:{handle}", int(at), int(kinds)) for arxiv_id, platform, handle, at, kinds in rows
    ]
