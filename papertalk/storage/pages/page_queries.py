"""Set-based reads for the web pages: a page's papers' commentaries, daily chart counts and repost counts
in a few queries for all of its papers at once, a paper's posts, and the newest posts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from papertalk.core.ranking import KIND_BITS, RankingSettings, Window, window_start
from papertalk.core.records import PostKind
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.ranking.trending_queries import weight_sql

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


# Whether a mention's account is in the network: one statement over many mentions builds the network's
# accounts into a temporary index once (IN); the commentaries' 20 small parts probe its key per mention
# instead (EXISTS), as an IN would be built again in every part.
IN_NETWORK = "m.account_id IN (SELECT account_id FROM network_accounts WHERE network_id = ?)"
PROBE_NETWORK = "EXISTS (SELECT 1 FROM network_accounts na WHERE na.network_id = ? AND na.account_id = m.account_id)"
# A reader's own blocks (``user_blocks``): their posts are left out of what that reader is shown.
NOT_HIDDEN = "m.account_id NOT IN (SELECT account_id FROM user_blocks WHERE user_id = ?)"


def _audience_sql(
    since: int | None, now: int, network_id: int | None, hidden_by: int | None = None, in_network: str = IN_NETWORK
) -> tuple[str, list[object]]:
    clauses = ["m.created_at <= ?"]
    params: list[object] = [now]
    if hidden_by is not None:
        clauses.append(NOT_HIDDEN)
        params.append(hidden_by)
    if since is not None:
        clauses.append("m.created_at > ?")
        params.append(since)
    if network_id is not None:
        clauses.append(in_network)
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
    hidden_by: int | None = None,
) -> dict[int, list[PostRow]]:
    """The best few posts of each paper in one statement: no bare reposts; among each paper's newest
    ``4 * per_paper``, those of the preferred network's accounts (the people you follow) first, then the
    newest; posts with words before empty ones. ``hidden_by``: a reader whose blocked accounts are left out.

    Each paper's part reads its newest entries backwards from the mentions' covering index and stops
    (a UNION ALL of small LIMIT scans), so the cost does not grow with a paper's attention; only the
    chosen rows are joined to their posts and accounts."""
    if not paper_rows:
        return {}
    sql = for_connection(conn)
    where, params = _audience_sql(since, now, network_id, hidden_by, PROBE_NETWORK)
    # Counting the preferred network itself (a signed-in reader's own network), every post found is theirs:
    # a second IN over the network's accounts in each paper's part cost about half of this statement.
    all_theirs = preferred_network is not None and preferred_network == network_id
    theirs = "0" if all_theirs else (
        "CASE WHEN m.account_id IN (SELECT account_id FROM network_accounts WHERE network_id = ?) THEN 0 ELSE 1 END"
    )  # fmt: skip
    part = (
        f"SELECT * FROM (SELECT m.paper_id, m.post_id, m.created_at, {theirs} AS theirs "
        f"FROM mentions m WHERE m.paper_id = ? AND {where} AND m.kind_bit <> ? "
        "ORDER BY m.created_at DESC, m.post_id DESC LIMIT ?) AS part{n}"
    )
    parts = " UNION ALL ".join(part.format(n=n) for n in range(len(paper_rows)))
    args: list[object] = []
    for paper in paper_rows:
        args += [*([] if all_theirs else [preferred_network or 0]), paper, *params, REPOST_BIT, per_paper * 4]
    rows = sql.all(
        conn,
        f"SELECT c.paper_id, c.theirs, {_POST_COLUMNS} FROM ({parts}) AS c "
        "JOIN posts p ON p.id = c.post_id JOIN accounts a ON a.id = p.account_id",
        args,
    )
    found: dict[int, list[Sequence[Any]]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).append(row)
    # Ranked on the raw rows (paper, theirs, id, platform, kind, text, url, created_at, ...): only the
    # chosen posts become PostRows.
    return {
        paper: [
            _post(row[2:], paper)
            for row in sorted(candidates, key=lambda r: (not str(r[5]).strip(), int(r[1]), -int(r[7])))[:per_paper]
        ]
        for paper, candidates in found.items()
    }


def attention_counts(
    conn: Connection,
    paper_rows: Sequence[int],
    since: int | None,
    chart_since: int,
    now: int,
    network_id: int | None,
    hidden_by: int | None = None,
) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]]]:
    """Per paper: mentions per kind bit in the window (after ``since``, up to ``now``), and mentions per
    UTC day (epoch seconds // 86400) from the day of ``chart_since`` to ``now``.

    Everyone's counts come from the maintained ``paper_day_mentions`` (a few rows per paper and day),
    corrected from the mentions themselves only at the edges: the part of the window's first day before
    ``since`` (or after it, whichever is shorter) and anything stored after ``now``. A network's counts
    are read from the mentions, as only they say which account posted (less ``hidden_by``'s blocks: a
    network a reader counts leaves out the accounts they blocked, as its ranking does)."""
    if not paper_rows:
        return {}, {}
    if network_id is not None:
        return _attention_from_mentions(conn, paper_rows, since, chart_since, now, network_id, hidden_by)
    sql = for_connection(conn)
    papers = sql.list_param(paper_rows)
    today, first_day = now // DAY, chart_since // DAY
    start_day = None if since is None else since // DAY
    # The window's first day is partial: count it from the table and subtract its mentions up to
    # ``since``, or leave it out of the table part and count its mentions after ``since``.
    subtract_start = since is not None and since % DAY < DAY // 2
    inside_from = -1 if start_day is None else start_day if subtract_start else start_day + 1
    lowest = first_day if start_day is None else min(first_day, start_day)
    low_clause, low_params = ("", []) if since is None else ("AND day >= ? ", [lowest])
    table_rows = sql.all(
        conn,
        "SELECT paper_id, CASE WHEN day >= ? THEN day ELSE -1 END, kind_bit, "
        "CASE WHEN day >= ? THEN 1 ELSE 0 END, SUM(mentions) FROM paper_day_mentions "
        f"WHERE {sql.in_list('paper_id')} AND day <= ? {low_clause}GROUP BY 1, 2, 3, 4",
        [first_day, inside_from, papers, today, *low_params],
    )
    # Edge slices (low, high] of raw mentions: sign, counts in the window?, counts in the chart?
    slices: list[tuple[int, int, int, bool, bool]] = [(now, (today + 1) * DAY - 1, -1, True, True)]
    if since is not None and start_day is not None:
        if subtract_start:
            slices.append((start_day * DAY - 1, since, -1, True, False))
        else:
            slices.append((since, (start_day + 1) * DAY - 1, 1, True, False))
    part = (
        f"SELECT {{n}}, m.paper_id, m.created_at / {DAY}, m.kind_bit, COUNT(*) FROM mentions m "
        f"WHERE {sql.in_list('m.paper_id')} AND m.created_at > ? AND m.created_at <= ? "
        "AND m.account_id NOT IN (SELECT id FROM accounts WHERE blocked) GROUP BY 2, 3, 4"
    )
    edge_rows = sql.all(
        conn,
        " UNION ALL ".join(part.format(n=n) for n in range(len(slices))),
        [value for low, high, *_ in slices for value in (papers, low, high)],
    )
    tally = _Tally(first_day)
    for paper, day, bit, inside, n in table_rows:
        tally.add(paper, day, bit, n, bool(int(inside)), True)
    for which, paper, day, bit, n in edge_rows:
        sign, in_window, in_chart = slices[int(which)][2:]
        tally.add(paper, day, bit, sign * int(n), in_window, in_chart)
    return tally.kinds, tally.days


def _attention_from_mentions(
    conn: Connection,
    paper_rows: Sequence[int],
    since: int | None,
    chart_since: int,
    now: int,
    network_id: int | None,
    hidden_by: int | None,
) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]]]:
    """``attention_counts`` in one scan of the mentions' covering index (for a network's audience)."""
    sql = for_connection(conn)
    lower = None if since is None else min(since, chart_since - 1)
    where, params = _audience_sql(lower, now, network_id, hidden_by)
    in_window = "1" if since is None else "CASE WHEN m.created_at > ? THEN 1 ELSE 0 END"
    rows = sql.all(
        conn,
        f"SELECT m.paper_id, m.created_at / {DAY} AS day, m.kind_bit, {in_window} AS inside, COUNT(*) "
        f"FROM mentions m WHERE {sql.in_list('m.paper_id')} AND {where} "
        "GROUP BY 1, 2, 3, 4",  # by position: PostgreSQL cannot match the parametrized CASE otherwise
        [*([] if since is None else [since]), sql.list_param(paper_rows), *params],
    )
    tally = _Tally(chart_since // DAY)
    for paper, day, bit, inside, n in rows:
        tally.add(paper, day, bit, n, bool(int(inside)), True)
    return tally.kinds, tally.days


class _Tally:
    """Per paper, counts per kind bit in the window and per day of the chart (from ``first_day``)."""

    def __init__(self, first_day: int) -> None:
        self.first_day = first_day
        self.kinds: dict[int, dict[int, int]] = {}
        self.days: dict[int, dict[int, int]] = {}

    def add(self, paper: object, day: object, bit: object, n: object, in_window: bool, in_chart: bool) -> None:
        paper_row, day_number, count = int(paper), int(day), int(n)  # type: ignore[call-overload]
        if in_window:
            per_kind = self.kinds.setdefault(paper_row, {})
            per_kind[int(bit)] = per_kind.get(int(bit), 0) + count  # type: ignore[call-overload]
        if in_chart and day_number >= self.first_day:
            per_day = self.days.setdefault(paper_row, {})
            per_day[day_number] = per_day.get(day_number, 0) + count


def daily_counts(
    conn: Connection, paper_rows: Sequence[int], since: int, now: int, network_id: int | None
) -> dict[int, dict[int, int]]:
    """Per paper, mentions per UTC day (day number = epoch seconds // 86400) between ``since`` and ``now``."""
    return attention_counts(conn, paper_rows, None, since, now, network_id)[1]


def _hidden(hidden_by: int | None) -> tuple[str, list[object]]:
    return ("", []) if hidden_by is None else (f"AND {NOT_HIDDEN} ", [hidden_by])


def posts_of_paper(
    conn: Connection, paper_row: int, now: int, limit: int, hidden_by: int | None = None
) -> list[PostRow]:
    """A paper's captured posts (own and inherited mentions), newest first, at most ``limit``; without the
    accounts ``hidden_by`` (a reader) blocked."""
    sql = for_connection(conn)
    hidden, hidden_params = _hidden(hidden_by)
    rows = sql.all(
        conn,
        f"SELECT {_POST_COLUMNS} FROM mentions m JOIN posts p ON p.id = m.post_id "
        "JOIN accounts a ON a.id = m.account_id "
        "WHERE m.paper_id = ? AND m.created_at <= ? AND m.account_id NOT IN (SELECT id FROM accounts WHERE blocked) "
        f"{hidden}ORDER BY m.created_at DESC, p.id DESC LIMIT ?",
        [paper_row, now, *hidden_params, limit],
    )
    return [_post(r, paper_row) for r in rows]


def count_mentions(conn: Connection, paper_row: int, now: int, hidden_by: int | None = None) -> int:
    sql = for_connection(conn)
    hidden, hidden_params = _hidden(hidden_by)
    rows = sql.all(
        conn,
        "SELECT COUNT(*) FROM mentions m WHERE m.paper_id = ? AND m.created_at <= ? "
        f"AND m.account_id NOT IN (SELECT id FROM accounts WHERE blocked) {hidden}",
        [paper_row, now, *hidden_params],
    )
    return int(rows[0][0])


def first_mention(conn: Connection, paper_row: int) -> int | None:
    sql = for_connection(conn)
    rows = sql.all(conn, "SELECT MIN(created_at) FROM mentions WHERE paper_id = ?", [paper_row])
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


@dataclass(frozen=True)
class PostFilter:
    """Which posts a listing keeps (every one given must hold): row ids, resolved by the caller."""

    platform: str | None = None
    paper_row: int | None = None  # posts citing this paper
    account_row: int | None = None  # posts by this account
    network_row: int | None = None  # posts by the accounts of this network
    hidden_by: int | None = None  # a reader: not the posts of the accounts they blocked


def newest_posts(
    conn: Connection, now: int, only: PostFilter, limit: int, offset: int
) -> tuple[list[PostRow], dict[int, list[str]]]:
    """The newest captured posts that cite a paper, of those ``only`` keeps, and the arXiv ids each
    cites, in two queries."""
    sql = for_connection(conn)
    clauses: list[str] = []
    params: list[object] = [now, False]
    for condition, value in (
        ("p.platform = ?", only.platform),
        ("p.account_id = ?", only.account_row),
        ("p.account_id IN (SELECT na.account_id FROM network_accounts na WHERE na.network_id = ?)", only.network_row),
        ("p.account_id NOT IN (SELECT b.account_id FROM user_blocks b WHERE b.user_id = ?)", only.hidden_by),
    ):
        if value is not None:
            clauses.append(f"AND {condition} ")
            params.append(value)
    cites = "AND m.paper_id = ?" if only.paper_row is not None else ""
    params += [*([only.paper_row] if only.paper_row is not None else []), limit, offset]
    rows = sql.all(
        conn,
        f"SELECT {_POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id "
        f"WHERE p.created_at <= ? AND a.blocked = ? {''.join(clauses)}"
        f"AND EXISTS (SELECT 1 FROM mentions m WHERE m.post_id = p.id {cites}) "
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


def vote_breakdown(
    conn: Connection, paper_row: int, now: int, window: Window, settings: RankingSettings, limit: int
) -> tuple[float, int, list[tuple[str, int, int]]]:
    """One paper's score and number of counted votes in the window (everyone), and its ``limit`` largest
    votes as (account label, first_at, kinds), computed in SQL: only those rows leave the database."""
    sql = for_connection(conn)
    since = window_start(window, now)
    clauses = ["v.paper_id = ?", "v.first_at <= ?", "v.account_id NOT IN (SELECT id FROM accounts WHERE blocked)"]
    params: list[object] = [paper_row, now]
    if since is not None:
        clauses.append("v.first_at > ?")
        params.append(since)
    where = " AND ".join(clauses)
    if window.half_life is None:
        contribution, factor = weight_sql(settings), []
    else:
        contribution = f"{weight_sql(settings)} * exp((v.first_at - ?) * ?)"
        factor = [now, math.log(2.0) / window.half_life]
    total = sql.all(
        conn, f"SELECT COALESCE(SUM({contribution}), 0), COUNT(*) FROM votes v WHERE {where}", [*factor, *params]
    )
    rows = sql.all(
        conn,
        "SELECT a.platform, COALESCE(a.handle, a.platform_id), t.first_at, t.kinds FROM ("
        f"SELECT v.account_id, v.first_at, v.kinds, {contribution} AS c FROM votes v WHERE {where} "
        "ORDER BY c DESC, v.first_at LIMIT ?) AS t JOIN accounts a ON a.id = t.account_id "
        "ORDER BY t.c DESC, t.first_at",
        [*factor, *params, limit],
    )
    top = [(f"{platform}:{handle}", int(at), int(kinds)) for platform, handle, at, kinds in rows]
    return float(total[0][0]), int(total[0][1]), top


def last_mentions(conn: Connection, arxiv_ids: Sequence[str], now: int, network_id: int | None) -> dict[str, int]:
    """Per arXiv id, when its attention last changed: its newest mention up to ``now`` by an account of the
    audience (a feed's <updated>). One index walk per paper, newest first, stopping at the first match."""
    if not arxiv_ids:
        return {}
    sql = for_connection(conn)
    where, params = _audience_sql(None, now, network_id)
    rows = sql.all(
        conn,
        f"SELECT pa.arxiv_id, (SELECT m.created_at FROM mentions m WHERE m.paper_id = pa.id AND {where} "
        "ORDER BY m.created_at DESC LIMIT 1) FROM papers pa WHERE " + sql.in_list("pa.arxiv_id"),
        [*params, sql.list_param(list(arxiv_ids))],
    )
    return {str(arxiv_id): int(at) for arxiv_id, at in rows if at is not None}
