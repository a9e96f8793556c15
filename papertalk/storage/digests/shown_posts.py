"""The posts a frozen digest shows as commentaries, read back by row id in one query."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.pages.page_queries import PostRow


def posts_by_rows(conn: Connection, post_rows: Sequence[int]) -> dict[int, PostRow]:
    """Each stored post of ``post_rows`` that still exists (a post deleted since is left out)."""
    if not post_rows:
        return {}
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT p.id, p.platform, p.kind, COALESCE(p.text, ''), p.url, p.created_at, a.handle, a.display_name "
        f"FROM posts p JOIN accounts a ON a.id = p.account_id WHERE {sql.in_list('p.id')}",
        (sql.list_param(post_rows),),
    )
    return {
        int(r[0]): PostRow(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            str(r[3]),
            r[4] if isinstance(r[4], str) else None,
            int(r[5]),
            r[6] if isinstance(r[6], str) else None,
            r[7] if isinstance(r[7], str) else None,
        )
        for r in rows
    }
