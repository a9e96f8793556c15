"""Each network's ranking, precomputed: per window, each paper's sum over the network's votes, made at one
moment ``t0`` (the decay anchor, as in ``rank_tables``) and read back as an index range scaled to the time
asked, instead of reading the votes of every account of the network on each page.

A network's sums are made by ``build_network_ranking`` (the worker rebuilds the stalest networks each round,
``refresh_network_rankings``) and are used for ``MAX_AGE_SECONDS`` after ``t0``: a network's ranking may be as
old as that, like the signed-out pages kept by the render cache. A change to the network's accounts (a follow,
an unfollow, an import, an edit of a shared network) deletes its state row in its transaction
(``storage.networks.network_rows.forget_network_ranking``):
until the rebuild, that network's pages read the votes directly, so a follow shows at once; so does a
change of the site's blocked accounts (``forget_rankings_with``). A reader's own blocks are exact
corrections at read time: the votes of the accounts they blocked are subtracted.
"""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.core.network_records import INSTANCE
from papertalk.core.ranking import RankingSettings, Window
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.ranking.maintained import Maintained
from papertalk.storage.ranking.rank_tables import (
    NOT_BLOCKED,
    WindowState,
    contribution_sql,
    fingerprint,
    rate,
)

MAX_AGE_SECONDS = 300  # a network's precomputed ranking answers pages for this long after it was made
READERS_SECONDS = 86_400  # networks of people signed in within a day are kept made (sessions.last_seen_at)
MEMBERS = "account_id IN (SELECT account_id FROM network_accounts WHERE network_id = ?)"


def build_network_ranking(conn: Connection, settings: RankingSettings, network_id: int, now: int) -> int:
    """Make the network's sums at ``now`` for every window with a length (replacing the old ones; the all-time
    ranking is read from the votes); the papers ranked."""
    sql = for_connection(conn)
    contribution = contribution_sql(settings, "first_at", "kinds")
    sql.execute(conn, "DELETE FROM network_rank_state WHERE network_id = ?", (network_id,))
    sql.execute(conn, "DELETE FROM network_scores WHERE network_id = ?", (network_id,))
    ranked = 0
    for window in settings.windows:
        if window.length is None:
            continue  # all time: every vote the network ever placed, too many to sum again every few minutes
        state = WindowState(window.name, now - window.length, now, rate(window))
        held, bounds = state.holds("first_at")
        papers = sql.execute(
            conn,
            "INSERT INTO network_scores (network_id, window_name, paper_id, score, people) "
            f"SELECT ?, ?, paper_id, SUM({contribution}), COUNT(*) FROM votes "
            f"WHERE {MEMBERS} AND {held} AND {NOT_BLOCKED} GROUP BY paper_id",
            (network_id, window.name, *state.decay_params, network_id, *bounds),
        )
        sql.execute(
            conn,
            "INSERT INTO network_rank_state (network_id, window_name, t0, cutoff, fingerprint, papers) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (network_id, window.name, now, state.cutoff, fingerprint(window, settings), papers),
        )
        ranked += papers
    return ranked


def forget_rankings_with(conn: Connection, account_ids: list[int]) -> None:
    """These accounts were blocked or unblocked on the site: every network holding one is made again."""
    if account_ids:
        sql = for_connection(conn)
        sql.execute(
            conn,
            "DELETE FROM network_rank_state WHERE network_id IN "
            f"(SELECT network_id FROM network_accounts WHERE {sql.in_list('account_id')})",
            (sql.list_param(account_ids),),
        )


def stale_networks(conn: Connection, now: int, limit: int, max_age: int = MAX_AGE_SECONDS) -> list[int]:
    """Up to ``limit`` networks someone reads whose sums are missing or older than two thirds of ``max_age``
    (made again ahead of time, so a read seldom finds them too old), the missing and the oldest first. Read
    means: the site's own networks, and the networks of people signed in within ``READERS_SECONDS`` (their
    own and the shared ones they belong to); anyone else's pages read the votes until then."""
    sql = for_connection(conn)
    recent = "se.last_seen_at > ? AND se.revoked_at IS NULL"
    rows = sql.all(
        conn,
        "SELECT n.id FROM networks n LEFT JOIN (SELECT network_id, MIN(t0) AS t0 FROM network_rank_state "
        "GROUP BY network_id) s ON s.network_id = n.id WHERE (s.t0 IS NULL OR s.t0 < ?) AND (n.kind = ? "
        f"OR EXISTS (SELECT 1 FROM sessions se WHERE se.user_id = n.owner_user_id AND {recent}) "
        "OR EXISTS (SELECT 1 FROM network_members m JOIN sessions se ON se.user_id = m.user_id "
        f"WHERE m.network_id = n.id AND {recent})) ORDER BY COALESCE(s.t0, 0), n.id LIMIT ?",
        (now - (max_age * 2) // 3, INSTANCE, now - READERS_SECONDS, now - READERS_SECONDS, limit),
    )
    return [int(r[0]) for r in rows]


def network_ranking(
    conn: Connection, now: int, window: Window, settings: RankingSettings, network_id: int, hidden_by: int | None
) -> Maintained | None:
    """The network's precomputed ranking of ``window`` read at ``now``, less ``hidden_by``'s blocked accounts;
    None when there is none made with these settings in the last ``MAX_AGE_SECONDS`` (then read the votes)."""
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT t0, cutoff, fingerprint, papers FROM network_rank_state WHERE network_id = ? AND window_name = ?",
        (network_id, window.name),
    )
    if not rows:
        return None
    t0, cutoff, made_with, papers = int(rows[0][0]), int(rows[0][1]), str(rows[0][2]), int(rows[0][3])
    if made_with != fingerprint(window, settings) or not 0 <= now - t0 <= MAX_AGE_SECONDS:
        return None
    state = WindowState(window.name, cutoff, t0, rate(window))
    held, bounds = state.holds("first_at")
    contribution = contribution_sql(settings, "first_at", "kinds")
    corrections: dict[int, tuple[float, int]] = {}
    # The votes of the network's accounts this reader blocked are subtracted: found from their few blocks
    # first (a reader who blocked none of them costs one small lookup), then from the votes' account index.
    blocked = [] if hidden_by is None else [int(r[0]) for r in sql.all(
        conn,
        "SELECT b.account_id FROM user_blocks b JOIN network_accounts na ON na.account_id = b.account_id "
        "AND na.network_id = ? WHERE b.user_id = ?",
        (network_id, hidden_by),
    )]  # fmt: skip
    if blocked:
        for paper, amount in sql.all(
            conn,
            f"SELECT paper_id, {contribution} FROM votes WHERE {sql.in_list('account_id')} AND {held} "
            f"AND {NOT_BLOCKED}",
            (*state.decay_params, sql.list_param(blocked), *bounds),
        ):
            score, people = corrections.get(int(paper), (0.0, 0))
            corrections[int(paper)] = (score + float(amount), people + 1)
    source = "network_scores WHERE network_id = ? AND window_name = ?"
    return Maintained(conn, state, now, corrections, source, (network_id, window.name), papers)
