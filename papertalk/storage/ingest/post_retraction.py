"""Deleted posts stop counting: their mentions go, and the votes they made are recomputed from what is
left, with the change applied to the maintained rankings — all inside the caller's transaction.

A vote is the account's first mention of a paper with the OR of its kinds; when a post is deleted on its
platform, the account's vote for each paper the post cited becomes what its other posts say (later,
weaker) or disappears. The deleted post's own row goes when nothing points to it; a row others still
repost or quote keeps its place but loses its text and links (it was deleted: it is not shown).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import BulkSql
from papertalk.storage.ranking.mention_days import uncount_posts
from papertalk.storage.ranking.rank_tables import ALL_TIME_CUTOFF, STAGE_VOTES_DDL, RankTables, WindowState
from papertalk.storage.storable import storable_id

NO_VOTE = ALL_TIME_CUTOFF  # first_at of a vote that no longer exists: outside every window, kinds 0


def retract_posts(
    conn: Connection,
    sql: BulkSql,
    ranks: RankTables,
    states: dict[str, WindowState],
    platform: str,
    post_ids: Sequence[str],
) -> int:
    """Stop counting these posts; returns how many stored posts were retracted."""
    rows = [
        int(r[0])
        for r in sql.all(
            conn,
            "SELECT id FROM posts WHERE platform = ? AND " + sql.in_list("post_id"),
            (platform, sql.list_param([storable_id(p) for p in post_ids])),  # as the posts were stored
        )
    ]
    if not rows:
        return 0
    row_list = sql.list_param(rows)
    sql.execute(conn, STAGE_VOTES_DDL)
    sql.execute(conn, "DELETE FROM stage_votes")
    sql.execute(
        conn,
        "INSERT INTO stage_votes (paper_id, account_id, first_at, kinds, old_first_at, old_kinds) "
        "SELECT v.paper_id, v.account_id, ?, 0, v.first_at, v.kinds FROM votes v JOIN "
        f"(SELECT DISTINCT paper_id, account_id FROM mentions WHERE {sql.in_list('post_id')}) a "
        "ON v.paper_id = a.paper_id AND v.account_id = a.account_id",
        (NO_VOTE, row_list),
    )
    uncount_posts(conn, sql, rows)
    sql.execute(conn, f"DELETE FROM mentions WHERE {sql.in_list('post_id')}", (row_list,))
    # What the account's remaining mentions of the paper make of its vote (none left: NO_VOTE, kinds 0).
    # SUM(DISTINCT bit) is the bitwise OR of the kinds present, as when votes are made.
    same = "m.paper_id = stage_votes.paper_id AND m.account_id = stage_votes.account_id"
    sql.execute(
        conn,
        f"UPDATE stage_votes SET first_at = COALESCE((SELECT MIN(m.created_at) FROM mentions m WHERE {same}), ?), "
        f"kinds = COALESCE((SELECT SUM(DISTINCT m.kind_bit) FROM mentions m WHERE {same}), 0)",
        (NO_VOTE,),
    )
    ranks.apply_vote_changes(conn, states)
    sql.execute(
        conn,
        "DELETE FROM votes WHERE EXISTS (SELECT 1 FROM stage_votes s WHERE s.kinds = 0 "
        "AND s.paper_id = votes.paper_id AND s.account_id = votes.account_id)",
    )
    sql.execute(
        conn,
        "UPDATE votes SET first_at = s.first_at, kinds = s.kinds FROM stage_votes s "
        "WHERE s.paper_id = votes.paper_id AND s.account_id = votes.account_id AND s.kinds <> 0",
    )
    # Rows nothing points to go; the others stay as placeholders, without the deleted words.
    # Repeated: a deleted quote of a deleted post frees its original only once it is gone itself.
    while sql.execute(
        conn,
        f"DELETE FROM posts WHERE {sql.in_list('id')} "
        "AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.original_id = posts.id)",
        (row_list,),
    ):
        pass
    sql.execute(
        conn,
        f"UPDATE posts SET text = NULL, links = NULL, url = NULL WHERE {sql.in_list('id')}",
        (row_list,),
    )
    return len(rows)
