"""Papers the accounts who discussed one paper also discussed within a few days of it: their votes (one
per account and paper, ``votes``), read through ``ix_votes_account`` (account, first_at, ...), so each
account costs one index range read of the days around its vote on the paper."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection


def co_voted(conn: Connection, paper_row: int, span: int, accounts: int) -> list[tuple[int, int, int]]:
    """(paper row, kinds, how many accounts) of the votes that the first ``accounts`` unblocked accounts
    voting for ``paper_row`` placed on other papers within ``span`` seconds of their vote on it."""
    sql = for_connection(conn)
    blocked = "a.blocked" if sql.postgres else "a.blocked = 1"
    found = sql.all(
        conn,
        "WITH voters AS (SELECT v.account_id, v.first_at FROM votes v JOIN accounts a ON a.id = v.account_id "
        f"WHERE v.paper_id = ? AND NOT ({blocked}) ORDER BY v.first_at, v.account_id LIMIT ?) "
        "SELECT o.paper_id, o.kinds, COUNT(*) FROM voters s JOIN votes o ON o.account_id = s.account_id "
        "AND o.first_at >= s.first_at - ? AND o.first_at <= s.first_at + ? "
        "WHERE o.paper_id <> ? GROUP BY o.paper_id, o.kinds",
        (paper_row, accounts, span, span, paper_row),
    )
    return [(int(p), int(k), int(n)) for p, k, n in found]
