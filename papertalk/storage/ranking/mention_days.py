"""Maintained mentions per paper, UTC day and kind (``paper_day_mentions``), so the pages' counts and day
charts read ~30 rows per paper instead of every mention of a hot paper.

The table counts the mentions of accounts that are not blocked, and stays equal to a direct count from
``mentions``:

- an ingest batch recounts, from ``mentions``, every (paper, day) its posts touched — its own posts and
  the stored reposts and quotes that inherited papers from the stored posts it completed — so a
  replayed batch, or one whose mentions were partly stored already, cannot count anything twice;
- a retraction subtracts the mentions it is about to delete, in the same transaction as the delete;
- blocking or unblocking accounts recounts the papers they voted for;
- migration 0008 fills it for an existing database (``rebuild``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import BulkSql

DAY = 86_400
NOT_BLOCKED = "m.account_id NOT IN (SELECT id FROM accounts WHERE blocked)"
MAX_CHAIN = 4  # as in batch_load: a repost of a quote of a quote... inherits at most this deep
STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_mention_days (paper_id BIGINT NOT NULL, day BIGINT NOT NULL, "
    "PRIMARY KEY (paper_id, day))"
)
_RECOUNT = (
    "INSERT INTO paper_day_mentions (paper_id, day, kind_bit, mentions) "
    "SELECT s.paper_id, s.day, m.kind_bit, COUNT(*) FROM stage_mention_days s JOIN mentions m "
    f"ON m.paper_id = s.paper_id AND m.created_at >= s.day * {DAY} AND m.created_at < (s.day + 1) * {DAY} "
    f"WHERE {NOT_BLOCKED} GROUP BY s.paper_id, s.day, m.kind_bit "
    "ON CONFLICT (paper_id, day, kind_bit) DO UPDATE SET mentions = excluded.mentions"
)


def count_batch(conn: Connection, sql: BulkSql, completed: Sequence[int]) -> None:
    """After a batch's mentions are written: recount the days its posts (``stage_posts``) touched, and
    those of the stored reposts and quotes that inherited papers from its ``completed`` posts."""
    _stage_days(
        conn,
        sql,
        f"SELECT DISTINCT m.paper_id, m.created_at / {DAY} FROM mentions m "
        "WHERE m.post_id IN (SELECT row_id FROM stage_posts)",
        (),
    )
    if completed:  # only posts stored before the batch can have followers outside it
        sql.execute(
            conn,
            "INSERT INTO stage_mention_days (paper_id, day) "
            f"WITH RECURSIVE chain (id, depth) AS (SELECT id, 0 FROM posts WHERE {sql.in_list('id')} UNION "
            "SELECT p.id, c.depth + 1 FROM chain c JOIN posts p ON p.original_id = c.id "
            f"WHERE c.depth < {MAX_CHAIN} AND p.kind IN ('repost', 'quote')) "
            f"SELECT DISTINCT m.paper_id, m.created_at / {DAY} FROM mentions m "
            "WHERE m.post_id IN (SELECT id FROM chain WHERE depth > 0) ON CONFLICT (paper_id, day) DO NOTHING",
            (sql.list_param(completed),),
        )
    sql.execute(conn, _RECOUNT)


def uncount_posts(conn: Connection, sql: BulkSql, post_rows: Sequence[int]) -> None:
    """Before these posts' mentions are deleted (same transaction): take them out of the counts."""
    changes = (
        f"SELECT m.paper_id, m.created_at / {DAY} AS day, m.kind_bit, COUNT(*) AS n FROM mentions m "
        f"WHERE {sql.in_list('m.post_id')} AND {NOT_BLOCKED} GROUP BY m.paper_id, m.created_at / {DAY}, m.kind_bit"
    )
    rows = sql.list_param(post_rows)
    sql.execute(
        conn,
        f"UPDATE paper_day_mentions SET mentions = mentions - c.n FROM ({changes}) AS c "
        "WHERE paper_day_mentions.paper_id = c.paper_id AND paper_day_mentions.day = c.day "
        "AND paper_day_mentions.kind_bit = c.kind_bit",
        (rows,),
    )
    sql.execute(
        conn,
        "DELETE FROM paper_day_mentions WHERE mentions <= 0 AND paper_id IN "
        f"(SELECT m.paper_id FROM mentions m WHERE {sql.in_list('m.post_id')})",
        (rows,),
    )


def recount_accounts(conn: Connection, sql: BulkSql, account_ids: Sequence[int]) -> None:
    """After accounts were blocked or unblocked: recount every day of the papers they voted for."""
    if not account_ids:
        return
    _stage_days(
        conn,
        sql,
        f"SELECT DISTINCT m.paper_id, m.created_at / {DAY} FROM mentions m WHERE m.paper_id IN "
        f"(SELECT v.paper_id FROM votes v WHERE {sql.in_list('v.account_id')})",
        (sql.list_param(account_ids),),
    )
    sql.execute(
        conn,
        "DELETE FROM paper_day_mentions WHERE paper_id IN (SELECT paper_id FROM stage_mention_days)",
    )
    sql.execute(conn, _RECOUNT)


def rebuild(conn: Connection, sql: BulkSql) -> None:
    """The whole table from ``mentions`` in one GROUP BY (migration 0008; databases loaded without ingest)."""
    sql.execute(conn, "DELETE FROM paper_day_mentions")
    sql.execute(
        conn,
        "INSERT INTO paper_day_mentions (paper_id, day, kind_bit, mentions) "
        f"SELECT m.paper_id, m.created_at / {DAY}, m.kind_bit, COUNT(*) FROM mentions m WHERE {NOT_BLOCKED} "
        f"GROUP BY m.paper_id, m.created_at / {DAY}, m.kind_bit",
    )


def _stage_days(conn: Connection, sql: BulkSql, select: str, params: Sequence[object]) -> None:
    sql.execute(conn, STAGE_DDL)
    sql.execute(conn, "DELETE FROM stage_mention_days")
    sql.execute(conn, f"INSERT INTO stage_mention_days (paper_id, day) {select}", params)
