"""TEMPORARY stand-in storage for search (titles only, LIKE): dropped when the search issue's FTS lands."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.core.records import Paper
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.paper_rows import READ_COLUMNS, _paper


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def papers_with_title_words(
    conn: Connection, words: list[str], limit: int, offset: int, by_attention: bool
) -> tuple[list[tuple[Paper, int]], int]:
    """Papers whose title contains every word (case-insensitive), with their number of mentions; and
    how many match in all."""
    sql = for_connection(conn)
    like = "ILIKE" if sql.postgres else "LIKE"
    where = " AND ".join(f"pa.title {like} ? ESCAPE '\\'" for _ in words) or "1 = 0"
    params: list[object] = [f"%{_escape(w)}%" for w in words]
    order = "posts DESC, pa.id DESC" if by_attention else "LENGTH(pa.title), pa.id DESC"
    rows = sql.all(
        conn,
        f"SELECT {', '.join('pa.' + c.strip() for c in READ_COLUMNS.split(','))}, "
        "(SELECT COUNT(*) FROM mentions m WHERE m.paper_id = pa.id) AS posts "
        f"FROM papers pa WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    total = int(sql.all(conn, f"SELECT COUNT(*) FROM papers pa WHERE {where}", params)[0][0])
    return [(_paper(r), int(r[12])) for r in rows], total
