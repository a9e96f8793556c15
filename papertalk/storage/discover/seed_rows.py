"""The papers a network's accounts discussed most since a moment: the seeds of For you until people keep
lists and notes (one vote per account and paper, so a paper counts the accounts that discussed it)."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection


def network_papers(conn: Connection, network_id: int, since: int, limit: int) -> list[tuple[str, int]]:
    """(arXiv id, accounts) of the ``limit`` titled papers most discussed by the network since ``since``."""
    sql = for_connection(conn)
    found = sql.all(
        conn,
        "SELECT p.arxiv_id, COUNT(*) AS n FROM votes v JOIN network_accounts m ON m.account_id = v.account_id "
        "JOIN papers p ON p.id = v.paper_id WHERE m.network_id = ? AND v.first_at > ? AND p.title IS NOT NULL "
        "GROUP BY p.arxiv_id ORDER BY n DESC, p.arxiv_id DESC LIMIT ?",
        (network_id, since, limit),
    )
    return [(str(a), int(n)) for a, n in found]
