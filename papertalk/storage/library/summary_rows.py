"""Rows of ``summaries`` and ``summary_versions``: write a summary or note with its rendered HTML, read
them by id, paper, person or list order, and their saved versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TextClause,
    and_,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    table,
    text,
    update,
)

from papertalk.core.summary_records import Summary, SummaryVersion
from papertalk.storage.library.summary_search_schema import FTS_TABLE, SEARCH_COLUMN, fts5_match, tsquery
from papertalk.storage.tables import (
    network_accounts,
    papers,
    summaries,
    summary_versions,
    summary_votes,
    user_blocks,
    users,
    votes,
)

COLUMNS = (
    summaries.c.id, summaries.c.user_id, users.c.name.label("author"), summaries.c.paper_id, papers.c.arxiv_id,
    papers.c.title.label("paper_title"), summaries.c.kind, summaries.c.visibility, summaries.c.anonymous,
    summaries.c.title, summaries.c.source, summaries.c.html, summaries.c.renderer_version,
    summaries.c.formula_errors, summaries.c.version, summaries.c.score, summaries.c.comments,
    summaries.c.created_at, summaries.c.updated_at, summaries.c.hidden_at,
)  # fmt: skip
LISTED = and_(summaries.c.kind == "summary", summaries.c.visibility == "public", summaries.c.hidden_at.is_(None))


def _select() -> Select[Any]:
    return (
        select(*COLUMNS)
        .join(users, users.c.id == summaries.c.user_id)
        .join(papers, papers.c.id == summaries.c.paper_id)
    )


def _summary(row: Any) -> Summary:
    # COLUMNS are in the record's field order, and both backends hand back ints and bools already: a
    # paper page reads 200 of these, and named access to each field was most of its query time.
    return Summary(*row)


def _many(conn: Connection, query: Select[Any]) -> list[Summary]:
    return [_summary(r) for r in conn.execute(query)]


def insert_summary(conn: Connection, values: dict[str, Any], now: int) -> int:
    """A new summary or note (``values``: its columns but times, version and counts), with version 1."""
    published = now if values.get("kind") == "summary" and values.get("visibility") == "public" else None
    new_id = int(
        conn.execute(
            insert(summaries)
            .values(**values, version=1, created_at=now, updated_at=now, published_at=published)
            .returning(summaries.c.id)
        ).scalar_one()
    )
    conn.execute(
        insert(summary_versions).values(
            summary_id=new_id, version=1, title=values["title"], source=values["source"], saved_at=now
        )
    )
    return new_id


def update_summary(conn: Connection, summary_id: int, values: dict[str, Any], now: int) -> int:
    """Save ``values`` over the summary; a changed source or title becomes a new version. Returns the
    version now current."""
    current = conn.execute(
        select(summaries.c.version, summaries.c.source, summaries.c.title).where(summaries.c.id == summary_id)
    ).one()
    version = int(current.version)
    if values["source"] != current.source or values["title"] != current.title:
        version += 1
        conn.execute(
            insert(summary_versions).values(
                summary_id=summary_id, version=version, title=values["title"], source=values["source"], saved_at=now
            )
        )
    if values.get("visibility") == "public":  # the first time it is public is its day in the digests
        values = {**values, "published_at": func.coalesce(summaries.c.published_at, now)}
    conn.execute(update(summaries).where(summaries.c.id == summary_id).values(**values, version=version,
                                                                               updated_at=now))  # fmt: skip
    return version


def rerender(conn: Connection, summary_id: int, html: str, renderer_version: int, formula_errors: int) -> None:
    """Store HTML made anew by a newer renderer (the source is unchanged: no new version)."""
    conn.execute(
        update(summaries)
        .where(summaries.c.id == summary_id)
        .values(html=html, renderer_version=renderer_version, formula_errors=formula_errors)
    )


def delete_summary(conn: Connection, summary_id: int) -> None:
    conn.execute(delete(summaries).where(summaries.c.id == summary_id))


def set_hidden(conn: Connection, summary_id: int, at: int | None) -> None:
    conn.execute(update(summaries).where(summaries.c.id == summary_id).values(hidden_at=at))


def summary_by_id(conn: Connection, summary_id: int) -> Summary | None:
    row = conn.execute(_select().where(summaries.c.id == summary_id)).first()
    return None if row is None else _summary(row)


def own_summary(conn: Connection, user_id: int, paper_id: int) -> Summary | None:
    row = conn.execute(
        _select().where(summaries.c.user_id == user_id, summaries.c.paper_id == paper_id, summaries.c.kind == "summary")
    ).first()
    return None if row is None else _summary(row)


def own_notes(conn: Connection, user_id: int, paper_id: int | None = None) -> list[Summary]:
    """A person's notes (kind "note"), on one paper or all, newest first."""
    query = _select().where(summaries.c.user_id == user_id, summaries.c.kind == "note")
    if paper_id is not None:
        query = query.where(summaries.c.paper_id == paper_id)
    return _many(conn, query.order_by(summaries.c.updated_at.desc(), summaries.c.id.desc()))


def everything_of(conn: Connection, user_id: int) -> list[Summary]:
    """All a person's summaries and notes (their export), oldest first."""
    return _many(conn, _select().where(summaries.c.user_id == user_id).order_by(summaries.c.id))


def listed_of_paper(conn: Connection, paper_id: int, limit: int) -> list[Summary]:
    """The paper's public summaries, best first (votes), then newest."""
    query = _select().where(summaries.c.paper_id == paper_id, LISTED)
    order = (summaries.c.score.desc(), summaries.c.created_at.desc(), summaries.c.id.desc())
    return _many(conn, query.order_by(*order).limit(limit))


def listed_of_user(conn: Connection, user_id: int, limit: int) -> list[Summary]:
    """A person's public summaries that show their name (an anonymous one is not on their profile)."""
    query = _select().where(summaries.c.user_id == user_id, LISTED, ~summaries.c.anonymous)
    return _many(conn, query.order_by(summaries.c.created_at.desc(), summaries.c.id.desc()).limit(limit))


def listed(conn: Connection, order: str, limit: int, offset: int, category: str | None, since: int) -> list[Summary]:
    """Public summaries in ``order``: "recent" (newest), "best" (score), "popular" (net votes since
    ``since``); ``category``: only papers whose primary category it is."""
    if order == "popular":
        return _many(conn, _popular(since, category, limit, offset))
    query = _select().where(LISTED)
    if category:
        query = query.where(or_(papers.c.categories == category, papers.c.categories.like(category + " %")))
    if order == "best":
        query = query.order_by(summaries.c.score.desc(), summaries.c.created_at.desc(), summaries.c.id.desc())
    else:
        query = query.order_by(summaries.c.created_at.desc(), summaries.c.id.desc())
    return _many(conn, query.limit(limit).offset(offset))


def _popular(since: int, category: str | None, limit: int, offset: int) -> Select[Any]:
    """The Popular tab's page: net votes since ``since``, then newest. Two steps, so that only the page's
    summaries are read whole: the votes of the last days (a range of ``ix_summary_votes_at``, which covers
    them) summed per summary, filtered and ordered through ``ix_summaries_listing`` (which covers the
    filter, so the wide rows with their source and HTML are not read for each of thousands), the page
    taken; then those rows joined. ``summary_id + 0``: grouping by the bare column, SQLite would walk the
    whole primary key of the votes (every vote ever) to have them in its order."""
    voted = (summary_votes.c.summary_id + 0).label("summary_id")
    recent = (
        select(voted, func.sum(summary_votes.c.value).label("recent"))
        .where(summary_votes.c.voted_at > since)
        .group_by(voted)
        .subquery()
    )
    page = (
        select(summaries.c.id, recent.c.recent, summaries.c.created_at)
        .select_from(recent)
        .join(summaries, summaries.c.id == recent.c.summary_id)
        .where(LISTED)
    )
    if category:
        page = page.join(papers, papers.c.id == summaries.c.paper_id).where(
            or_(papers.c.categories == category, papers.c.categories.like(category + " %"))
        )
    top = (
        page.order_by(recent.c.recent.desc(), summaries.c.created_at.desc(), summaries.c.id.desc())
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    return (
        select(*COLUMNS)
        .select_from(top)
        .join(summaries, summaries.c.id == top.c.id)
        .join(users, users.c.id == summaries.c.user_id)
        .join(papers, papers.c.id == summaries.c.paper_id)
        .order_by(top.c.recent.desc(), top.c.created_at.desc(), top.c.id.desc())
    )


def count_listed_of_paper(conn: Connection, paper_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(summaries).where(summaries.c.paper_id == paper_id,
                                                                              LISTED)).scalar_one())  # fmt: skip


def search_summaries(conn: Connection, tokens: Sequence[str], user_id: int | None, limit: int) -> list[Summary]:
    """Public summaries (and ``user_id``'s own summaries and notes) whose title or text holds every token,
    newest first, through the full-text index (``summary_search_schema``); who sees a hit is this query's
    visibility condition."""
    hit: ColumnElement[bool] | TextClause
    if conn.dialect.name == "postgresql":
        hit = text(f"summaries.{SEARCH_COLUMN} @@ CAST(:q AS tsquery)").bindparams(q=tsquery(tokens))
    else:
        matched = text(f"{FTS_TABLE} MATCH :q").bindparams(q=fts5_match(tokens))
        hit = summaries.c.id.in_(select(column("rowid")).select_from(table(FTS_TABLE)).where(matched))
    mine = summaries.c.user_id == user_id if user_id is not None else None
    query = _select().where(hit, or_(LISTED, mine) if mine is not None else LISTED)
    query = query.order_by(summaries.c.created_at.desc(), summaries.c.id.desc()).limit(limit)
    return _many(conn, query)


def stale(conn: Connection, renderer_version: int, limit: int) -> list[tuple[int, str, str]]:
    """(id, kind, source) of rows whose HTML an older renderer made."""
    rows = conn.execute(
        select(summaries.c.id, summaries.c.kind, summaries.c.source)
        .where(summaries.c.renderer_version < renderer_version)
        .order_by(summaries.c.id)
        .limit(limit)
    )
    return [(int(r.id), r.kind, r.source) for r in rows]


def versions_of(conn: Connection, summary_id: int) -> list[SummaryVersion]:
    rows = conn.execute(
        select(summary_versions.c.version, summary_versions.c.title, summary_versions.c.source,
               summary_versions.c.saved_at)
        .where(summary_versions.c.summary_id == summary_id)
        .order_by(summary_versions.c.version)
    )  # fmt: skip
    return [SummaryVersion(int(r.version), r.title, r.source, int(r.saved_at)) for r in rows]


def published_between(
    conn: Connection, since: int, until: int, network_id: int | None, hidden_by: int | None, limit: int
) -> list[Summary]:
    """Public summaries first published in [since, until), oldest first; with ``network_id``, only those of
    papers an account of that network (less the accounts ``hidden_by`` blocked) had cited by ``until``."""
    query = _select().where(LISTED, summaries.c.published_at >= since, summaries.c.published_at < until)
    if network_id is not None:
        members = select(network_accounts.c.account_id).where(network_accounts.c.network_id == network_id)
        cited = select(votes.c.paper_id).where(votes.c.first_at < until, votes.c.account_id.in_(members))
        if hidden_by is not None:
            blocked = select(user_blocks.c.account_id).where(user_blocks.c.user_id == hidden_by)
            cited = cited.where(votes.c.account_id.not_in(blocked))
        query = query.where(summaries.c.paper_id.in_(cited))
    return _many(conn, query.order_by(summaries.c.published_at, summaries.c.id).limit(limit))
