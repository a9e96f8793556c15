"""Set-based reads for the web pages: a page's papers' commentaries, daily chart counts and repost counts
in a few queries for all of its papers at once, a paper's posts, and the newest posts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.core.ranking import KIND_BITS
from papertalk.core.records import PostKind
from papertalk.storage.dialect_sql import for_connection

DAY = 86_400
REPOST_BIT = KIND_BITS[PostKind.REPOST]


@dataclass(frozen=True, slots=True)
class PostRow:
    """A captured post as a page shows it: who, where, when, what, and a link to the original."""

    post_row: int
    platform: str
    kind: str
    text: str
    url: str | None
    created_at: int
    handle: str | None
    display_name: str | None
    paper_row: int | None = None


_POST_COLUMNS = "p.id, p.platform, p.kind, COALESCE(p.text, ''), p.url, p.created_at, a.handle, a.display_name"


def _post(row: Sequence[object], paper_row: int | None = None) -> PostRow:
    pid, platform, kind, text, url, at, handle, name = row[:8]
    return PostRow(
        int(pid),  # type: ignore[call-overload]
        str(platform),
        str(kind),
        str(text),
        url if isinstance(url, str) else None,
        int(at),  # type: ignore[call-overload]
        handle if isinstance(handle, str) else None,
        name if isinstance(name, str) else None,
        paper_row,
    )


def _audience_sql(since: int | None, now: int, network_id: int | None) -> tuple[str, list[object]]:
    clauses = ["m.created_at <= ?"]
    params: list[object] = [now]
    if since is not None:
        clauses.append("m.created_at > ?")
        params.append(since)
    if network_id is not None:
        clauses.append("m.account_id IN (SELECT account_id FROM network_accounts WHERE network_id = ?)")
        params.append(network_id)
    clauses.append("m.account_id NOT IN (SELECT id FROM accounts WHERE blocked)")
    return " AND ".join(clauses), params


def commentaries(
    conn: Connection,
    paper_rows: Sequence[int],
    since: int | None,
    now: int,
    network_id: int | None,
    per_paper: int,
    preferred_network: int | None = None,
) -> dict[int, list[PostRow]]:
    """The best few posts of each paper in one query: no bare reposts; those of the preferred network's
    accounts (the people you follow) first, then the newest; posts with words before empty ones.

    The ranking runs on the mentions' covering index alone (``ix_mentions_paper_cover``); only the few
    chosen rows are joined to their posts and accounts."""
    if not paper_rows:
        return {}
    sql = for_connection(conn)
    where, params = _audience_sql(since, now, network_id)
    rows = sql.all(
        conn,
        f"SELECT r.paper_id, {_POST_COLUMNS} FROM (SELECT m.paper_id, m.post_id, ROW_NUMBER() OVER ("
        "PARTITION BY m.paper_id ORDER BY CASE WHEN m.account_id IN "
        "(SELECT account_id FROM network_accounts WHERE network_id = ?) THEN 0 ELSE 1 END, "
        "m.created_at DESC, m.post_id DESC) AS place "
        f"FROM mentions m WHERE {sql.in_list('m.paper_id')} AND {where} AND m.kind_bit <> ?) AS r "
        "JOIN posts p ON p.id = r.post_id JOIN accounts a ON a.id = p.account_id "
        "WHERE r.place <= ? ORDER BY r.paper_id, r.place",
        [preferred_network or 0, sql.list_param(paper_rows), *params, REPOST_BIT, per_paper * 2],
    )
    found: dict[int, list[PostRow]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).append(_post(row[1:], int(row[0])))
    # Posts with words first (stable: the network-then-newest order holds within each group).
    return {paper: sorted(posts, key=lambda p: not p.text.strip())[:per_paper] for paper, posts in found.items()}


def kind_counts(
    conn: Connection, paper_rows: Sequence[int], since: int | None, now: int, network_id: int | None
) -> dict[int, dict[int, int]]:
    """Per paper, how many mentions of each kind bit in the window and audience."""
    if not paper_rows:
        return {}
    sql = for_connection(conn)
    where, params = _audience_sql(since, now, network_id)
    rows = sql.all(
        conn,
        f"SELECT m.paper_id, m.kind_bit, COUNT(*) FROM mentions m WHERE {sql.in_list('m.paper_id')} AND {where} "
        "GROUP BY m.paper_id, m.kind_bit",
        [sql.list_param(paper_rows), *params],
    )
    found: dict[int, dict[int, int]] = {}
    for paper, bit, n in rows:
        found.setdefault(int(paper), {})[int(bit)] = int(n)
    return found


def daily_counts(
    conn: Connection, paper_rows: Sequence[int], since: int, now: int, network_id: int | None
) -> dict[int, dict[int, int]]:
    """Per paper, mentions per UTC day (day number = epoch seconds // 86400) between ``since`` and ``now``."""
    if not paper_rows:
        return {}
    sql = for_connection(conn)
    where, params = _audience_sql(since, now, network_id)
    rows = sql.all(
        conn,
        f"SELECT m.paper_id, m.created_at / {DAY} AS day, COUNT(*) FROM mentions m "
        f"WHERE {sql.in_list('m.paper_id')} AND {where} GROUP BY m.paper_id, m.created_at / {DAY}",
        [sql.list_param(paper_rows), *params],
    )
    found: dict[int, dict[int, int]] = {}
    for paper, day, n in rows:
        found.setdefault(int(paper), {})[int(day)] = int(n)
    return found


def posts_of_paper(conn: Connection, paper_row: int, now: int, limit: int) -> list[PostRow]:
    """A paper's captured posts (own and inherited mentions), newest first, at most ``limit``."""
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        f"SELECT {_POST_COLUMNS} FROM mentions m JOIN posts p ON p.id = m.post_id "
        "JOIN accounts a ON a.id = m.account_id "
        "WHERE m.paper_id = ? AND m.created_at <= ? AND m.account_id NOT IN (SELECT id FROM accounts WHERE blocked) "
        "ORDER BY m.created_at DESC, p.id DESC LIMIT ?",
        [paper_row, now, limit],
    )
    return [_post(r, paper_row) for r in rows]


def count_mentions(conn: Connection, paper_row: int, now: int) -> int:
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT COUNT(*) FROM mentions m WHERE m.paper_id = ? AND m.created_at <= ? "
        "AND m.account_id NOT IN (SELECT id FROM accounts WHERE blocked)",
        [paper_row, now],
    )
    return int(rows[0][0])


def first_mention(conn: Connection, paper_row: int) -> int | None:
    sql = for_connection(conn)
    rows = sql.all(conn, "SELECT MIN(created_at) FROM mentions WHERE paper_id = ?", [paper_row])
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


def newest_posts(
    conn: Connection, now: int, platform: str | None, limit: int, offset: int
) -> tuple[list[PostRow], dict[int, list[str]]]:
    """The newest captured posts that cite a paper (optionally on one platform), and the arXiv ids each
    cites, in two queries."""
    sql = for_connection(conn)
    clause = "AND p.platform = ? " if platform else ""
    params: list[object] = [now, False, *([platform] if platform else []), limit, offset]
    rows = sql.all(
        conn,
        f"SELECT {_POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id "
        f"WHERE p.created_at <= ? AND a.blocked = ? {clause}"
        "AND EXISTS (SELECT 1 FROM mentions m WHERE m.post_id = p.id) "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?",
        params,
    )
    posts = [_post(r) for r in rows]
    if not posts:
        return [], {}
    cited = sql.all(
        conn,
        "SELECT m.post_id, pa.arxiv_id FROM mentions m JOIN papers pa ON pa.id = m.paper_id WHERE "
        + sql.in_list("m.post_id")
        + " ORDER BY m.post_id, pa.arxiv_id",
        [sql.list_param([p.post_row for p in posts])],
    )
    by_post: dict[int, list[str]] = {}
    for post_row, arxiv_id in cited:
        by_post.setdefault(int(post_row), []).append(str(arxiv_id))
    return posts, by_post


def platforms(conn: Connection) -> list[str]:
    sql = for_connection(conn)
    return [str(r[0]) for r in sql.all(conn, "SELECT DISTINCT platform FROM accounts ORDER BY platform")]


def primary_categories(conn: Connection, limit: int = 60) -> list[str]:
    """The most common primary categories of papers with metadata (for the category filter)."""
    sql = for_connection(conn)
    space = "STRPOS(categories, ' ')" if sql.postgres else "INSTR(categories, ' ')"
    rows = sql.all(
        conn,
        "SELECT cat, COUNT(*) AS n FROM (SELECT CASE WHEN categories LIKE ? THEN "
        f"SUBSTR(categories, 1, {space} - 1) ELSE categories END AS cat FROM papers "
        "WHERE categories IS NOT NULL AND categories <> '') AS c GROUP BY cat ORDER BY n DESC, cat LIMIT ?",
        ["% %", limit],
    )
    return sorted(str(r[0]) for r in rows)
